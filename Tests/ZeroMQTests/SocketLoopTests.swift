import Foundation
import Testing
import ZeroMQ

@Suite("Socket loop: async Swift over a socket owned by one thread")
struct SocketLoopTests {
    @Test("many tasks send through one loop; replies arrive on the async stream")
    func asyncRoundTrip() async throws {
        let context = try Context()
        let server = try SocketLoop(context: context, type: .router, name: "test-router") { socket in
            try socket.bind("tcp://127.0.0.1:*")
        }
        let endpoint = server.endpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let client = try SocketLoop(context: context, type: .dealer, name: "test-dealer") { socket in
            try socket.connect(endpoint)
        }

        // The server echoes every message back through its own loop.
        let echo = Task {
            for await message in server.incoming {
                try server.send(message)
            }
        }

        let count = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { try client.send(Message(strings: ["msg", "\(index)"])) }
            }
            try await group.waitForAll()
        }

        var received = Set<String>()
        for await message in client.incoming {
            received.insert(String(decoding: message.frames[1], as: UTF8.self))
            if received.count == count { break }
        }
        #expect(received.count == count)

        client.close()
        server.close()
        #expect(throws: SocketLoop.SendError.closed) { try client.send(Message(strings: ["late"])) }
        _ = await echo.result
    }

    @Test("a setup error is thrown by the initialiser")
    func setupError() throws {
        let context = try Context()
        #expect(throws: ZMQError.self) {
            _ = try SocketLoop(context: context, type: .pull) { try $0.bind("nonsense://x") }
        }
    }

    @Test("closing finishes the stream")
    func closeFinishes() async throws {
        let context = try Context()
        let loop = try SocketLoop(context: context, type: .pull) { try $0.bind("inproc://close") }
        loop.close()
        var count = 0
        for await _ in loop.incoming { count += 1 }
        #expect(count == 0)
    }

    @Test("with onReceive, each message is handled on the loop's thread, in order; a handler may close the loop")
    func handledOnTheThread() async throws {
        let context = try Context()
        let thread = try SocketThread(name: "test-on-receive")
        let loopBox = Locked<SocketLoop?>(nil)
        let handled = Locked<[(index: Int, onThread: Bool)]>([])
        let closeAt = 300
        let loop = try SocketLoop(
            context: context, type: .pull, thread: thread,
            onReceive: { message in
                let index = Int(String(decoding: message.frames[0], as: UTF8.self)) ?? -1
                handled.mutate { $0.append((index, thread.isCurrent)) }
                // Closing from the handler, mid-burst: nothing more may be read or handed over.
                if index == closeAt - 1 { loopBox.value?.close() }
            },
            setup: { socket in try socket.bind("tcp://127.0.0.1:*") })
        loopBox.mutate { $0 = loop }
        let sender = try Socket(context, type: .push)
        try sender.set(.linger, 0)
        try sender.connect(loop.endpoint)
        for index in 0..<500 { try sender.send(Message(strings: ["\(index)"])) }

        for _ in 0..<1000 where handled.value.count < closeAt { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(handled.value.map(\.index) == Array(0..<closeAt))
        let offThread = handled.value.filter { !$0.onThread }.count
        #expect(offThread == 0, "messages handled off the loop's thread")
        #expect(loop.failure == nil, "the loop read its socket after the handler closed it")
        var streamed = 0
        for await _ in loop.incoming { streamed += 1 }
        #expect(streamed == 0, "the stream got messages the handler took")
        #expect(throws: SocketLoop.SendError.closed) { try loop.send(Message(strings: ["late"])) }
        sender.close()
        thread.shutdown()
        await thread.finish()
    }
}
