import Foundation
import Testing

@testable import ZeroMQ

/// An actor that owns a PULL socket on its socket thread, as a node owns its DEALER.
private actor Puller {
    let thread: SocketThread
    private let socket: Socket
    private var watch: SocketThread.WatchID?
    private(set) var received: [String] = []
    private(set) var handledOnThread = true

    nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    init(context: Context, thread: SocketThread) throws {
        self.thread = thread
        socket = try Socket(context, type: .pull)
    }

    func bind() throws -> String {
        let endpoint = try socket.bind("tcp://127.0.0.1:*")
        // The handler runs on the thread, so the actor's state is reached without a hop. It holds the
        // actor until the watch stops.
        let puller = self
        watch = thread.watch(socket, events: .readable) { _ in puller.assumeIsolated { $0.drain() } }
        return endpoint
    }

    private func drain() {
        handledOnThread = handledOnThread && thread.isCurrent
        while let message = try? socket.tryReceive() {
            received.append(String(decoding: message.frames[0], as: UTF8.self))
        }
    }

    func stopWatching() {
        if let watch { thread.stopWatching(watch) }
        watch = nil
    }

    func isOnItsThread() -> Bool { thread.isCurrent }

    func close() { socket.close() }
}

@Suite("Socket thread: an actor's executor that owns its sockets")
struct SocketThreadTests {
    @Test("an actor on a socket thread runs there, and a watched socket's handler reaches its state in order")
    func actorOnItsThread() async throws {
        let context = try Context()
        let thread = try SocketThread(name: "test-socket-thread")
        let puller = try await Puller(context: context, thread: thread)
        #expect(await puller.isOnItsThread())
        #expect(!thread.isCurrent)
        let endpoint = try await puller.bind()
        let pusher = try Socket(context, type: .push)
        try pusher.connect(endpoint)
        for index in 0..<500 { try pusher.send(Message(strings: ["\(index)"])) }
        let deadline = ContinuousClock.now + .seconds(10)
        while await puller.received.count < 500, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await puller.received == (0..<500).map(String.init))
        #expect(await puller.handledOnThread)

        await puller.stopWatching()
        try pusher.send(Message(strings: ["after"]))
        try await Task.sleep(for: .milliseconds(200))
        #expect(await puller.received.count == 500, "a handler ran after its watch was stopped")
        await puller.close()
        thread.shutdown()
        await thread.finish()
    }

    @Test("timers fire once, on the thread; shutdown runs what was enqueued, and nothing after the end")
    func timersAndShutdown() async throws {
        let thread = try SocketThread(name: "test-timers")
        let fired = Locked<[String]>([])
        thread.execute {
            thread.after(.milliseconds(30)) { fired.mutate { $0.append("late") } }
            thread.after(.milliseconds(1)) { fired.mutate { $0.append(thread.isCurrent ? "early" : "off-thread") } }
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(fired.value == ["early", "late"])

        for index in 0..<100 { thread.execute { fired.mutate { $0.append("\(index)") } } }
        thread.shutdown()
        await thread.finish()
        #expect(fired.value.count == 102, "work enqueued before shutdown was dropped")
        #expect(!thread.execute { fired.mutate { $0.append("too late") } })
        #expect(!fired.value.contains("too late"))
    }

    @Test("a socket loop on an actor's thread opens and closes its socket inline, on that thread")
    func loopOnActorThread() async throws {
        let context = try Context()
        let thread = try SocketThread(name: "test-loop-thread")
        let opened = Locked<Bool>(false)
        let loop = try await Self.open(on: thread, context: context, opened: opened)
        #expect(opened.value, "setup did not run on the socket thread")
        let sender = try Socket(context, type: .push)
        try sender.connect(loop.endpoint)
        try sender.send(Message(strings: ["one"]))
        var iterator = loop.incoming.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first.map { String(decoding: $0.frames[0], as: UTF8.self) } == "one")
        loop.close()
        #expect(await iterator.next() == nil)
        thread.shutdown()
        await thread.finish()
    }

    /// Opens a PULL loop from a job running on `thread`, as an actor on it would.
    private static func open(on thread: SocketThread, context: Context, opened: Locked<Bool>) async throws -> SocketLoop
    {
        try await withCheckedThrowingContinuation { continuation in
            thread.execute {
                continuation.resume(
                    with: Result {
                        try SocketLoop(context: context, type: .pull, thread: thread) { socket in
                            opened.mutate { $0 = thread.isCurrent }
                            try socket.bind("tcp://127.0.0.1:*")
                        }
                    })
            }
        }
    }
}
