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
}
