import Foundation
import Synchronization
import Testing
import ZeroMQ

@Suite("Sockets")
struct SocketTests {
    let context: Context

    init() throws {
        context = try Context()
    }

    @Test("a tcp bind on port * reads back the real endpoint")
    func boundEndpoint() throws {
        let socket = try Socket(context, type: .router)
        let endpoint = try socket.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = try #require(Int(endpoint.split(separator: ":").last.map(String.init) ?? ""))
        #expect(port > 0)
        #expect(try socket.get(.lastEndpoint) == endpoint)
    }

    @Test("every socket pattern moves a message", arguments: ["inproc", "tcp"])
    func patterns(transport: String) throws {
        let pairs: [(SocketType, SocketType)] = [
            (.pair, .pair), (.push, .pull), (.dealer, .router), (.dealer, .dealer), (.request, .reply),
        ]
        for (index, (clientType, serverType)) in pairs.enumerated() {
            let server = try Socket(context, type: serverType)
            let endpoint = try server.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : "inproc://patterns-\(index)")
            let client = try Socket(context, type: clientType)
            try client.connect(endpoint)
            try client.send(Message(strings: ["hello", "\(clientType)"]))
            let received = try #require(try server.receive(timeout: .seconds(5)), "\(clientType)->\(serverType)")
            #expect(received.frames.suffix(2) == [Data("hello".utf8), Data("\(clientType)".utf8)])
        }
    }

    @Test("publish and subscribe by prefix")
    func publishSubscribe() throws {
        let publisher = try Socket(context, type: .publisher)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        let subscriber = try Socket(context, type: .subscriber)
        try subscriber.set(.subscribe, Data("credit".utf8))
        try subscriber.connect(endpoint)
        // A subscription takes a moment to reach the publisher; publish until one arrives.
        var received: Message?
        for _ in 0..<200 where received == nil {
            try publisher.send(Message(strings: ["meeting", "ignored"]))
            try publisher.send(Message(strings: ["credit", "downgrade"]))
            received = try subscriber.receive(timeout: .milliseconds(20))
        }
        #expect(received == Message(strings: ["credit", "downgrade"]))
    }

    @Test("multipart messages keep empty, binary and multi-MiB frames intact", arguments: ["inproc", "tcp"])
    func multipart(transport: String) throws {
        let router = try Socket(context, type: .router)
        let endpoint = try router.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : "inproc://multipart")
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.routingID, Data("node-1".utf8))
        try dealer.connect(endpoint)

        let binary = Data((0..<256).map { UInt8($0) })
        let large = Data((0..<(5 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let sent: Message = [Data(), binary, large, Data(), Data("end".utf8)]
        try dealer.send(sent)

        let received = try #require(try router.receive(timeout: .seconds(10)))
        #expect(received.frames.first == Data("node-1".utf8))
        #expect(Array(received.frames.dropFirst()) == sent.frames)

        // And back through the ROUTER by routing id.
        try router.send(Message([Data("node-1".utf8)] + sent.frames))
        let back = try #require(try dealer.receive(timeout: .seconds(10)))
        #expect(back == sent)
    }

    @Test("a zero-copy frame outlives the socket and context it came from")
    func zeroCopyOutlivesSocket() throws {
        var frame = Data()
        do {
            let context = try Context()
            let pull = try Socket(context, type: .pull)
            try pull.bind("inproc://zero-copy")
            let push = try Socket(context, type: .push)
            try push.connect("inproc://zero-copy")
            try push.send([Data(repeating: 0xAB, count: Socket.zeroCopyThreshold * 4)])
            frame = try #require(try pull.receive(timeout: .seconds(5))).frames[0]
        }
        #expect(frame.count == Socket.zeroCopyThreshold * 4)
        #expect(frame.allSatisfy { $0 == 0xAB })
    }

    @Test("blocking, non-blocking and timed receive")
    func receiveModes() throws {
        let pull = try Socket(context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try Socket(context, type: .push)
        try push.connect(endpoint)

        #expect(try pull.tryReceive() == nil)
        #expect(try pull.receive(timeout: .milliseconds(50)) == nil)

        try push.send(Message(strings: ["one"]))
        #expect(try pull.receive(timeout: .seconds(5)) == Message(strings: ["one"]))

        try push.send(Message(strings: ["two"]))
        #expect(try pull.receive() == Message(strings: ["two"]))
    }

    @Test("a blocking receive with a receive timeout throws EAGAIN as a typed error")
    func receiveTimeoutOption() throws {
        let pull = try Socket(context, type: .pull)
        try pull.bind("inproc://rcvtimeo")
        try pull.set(.receiveTimeout, 10)
        let error = try #require(throws: ZMQError.self) { try pull.receive() }
        #expect(error.isWouldBlock)
    }

    @Test("a blocking send with a send timeout and no peer throws EAGAIN")
    func sendTimeoutOption() throws {
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.sendTimeout, 10)
        let error = try #require(throws: ZMQError.self) { try dealer.send(Message(strings: ["nobody listens"])) }
        #expect(error.isWouldBlock)
        #expect(try dealer.trySend(Message(strings: ["nobody listens"])) == false)
    }

    @Test("the poller tells which of several sockets is ready")
    func poller() throws {
        let a = try Socket(context, type: .pull)
        let b = try Socket(context, type: .pull)
        try a.bind("inproc://poll-a")
        try b.bind("inproc://poll-b")
        let pushB = try Socket(context, type: .push)
        try pushB.connect("inproc://poll-b")

        let poller = Poller()
        poller.add(a)
        poller.add(b)
        #expect(try poller.poll(timeout: .milliseconds(10)) == [[], []])

        try pushB.send(Message(strings: ["to b"]))
        let ready = try poller.poll(timeout: .seconds(5))
        #expect(ready[0].isEmpty)
        #expect(ready[1].contains(.readable))
        #expect(try b.tryReceive() == Message(strings: ["to b"]))
    }

    @Test("typed options read back what was set; LINGER starts at 0")
    func options() throws {
        let socket = try Socket(context, type: .router)
        #expect(try socket.get(.linger) == 0)
        try socket.set(.sendHighWaterMark, 123)
        try socket.set(.receiveHighWaterMark, 456)
        try socket.set(.maxMessageSize, 1 << 20)
        try socket.set(.heartbeatInterval, 1000)
        try socket.set(.heartbeatTimeout, 3000)
        try socket.set(.heartbeatTTL, 3000)
        try socket.set(.routerMandatory, true)
        try socket.set(.routingID, Data("hub".utf8))
        #expect(try socket.get(.sendHighWaterMark) == 123)
        #expect(try socket.get(.receiveHighWaterMark) == 456)
        #expect(try socket.get(.maxMessageSize) == 1 << 20)
        #expect(try socket.get(.heartbeatInterval) == 1000)
        #expect(try socket.get(.heartbeatTimeout) == 3000)
        #expect(try socket.get(.routingID) == Data("hub".utf8))
    }

    @Test("ROUTER_MANDATORY turns an unknown peer into EHOSTUNREACH")
    func routerMandatory() throws {
        let router = try Socket(context, type: .router)
        try router.set(.routerMandatory, true)
        try router.bind("inproc://mandatory")
        let error = try #require(throws: ZMQError.self) {
            try router.send(Message(strings: ["nobody", "hello"]))
        }
        #expect(error.isHostUnreachable)
        #expect(error.code != 0)
        #expect(error.description.contains("No route to host") || error.description.contains("unreachable"))
    }

    @Test("MAXMSGSIZE drops a peer that sends too much, and only that peer")
    func maxMessageSize() throws {
        let router = try Socket(context, type: .router)
        try router.set(.maxMessageSize, 1024)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let big = try Socket(context, type: .dealer)
        try big.connect(endpoint)
        let small = try Socket(context, type: .dealer)
        try small.connect(endpoint)

        try big.send([Data(count: 4096)])
        try small.send(Message(strings: ["fits"]))
        let received = try #require(try router.receive(timeout: .seconds(5)))
        #expect(received.frames.last == Data("fits".utf8))
        #expect(try router.receive(timeout: .milliseconds(200)) == nil)
    }

    @Test("errors carry errno, the operation and libzmq's text")
    func typedErrors() throws {
        let socket = try Socket(context, type: .pull)
        let error = try #require(throws: ZMQError.self) { try socket.bind("nonsense://here") }
        #expect(error.code == EPROTONOSUPPORT)
        #expect(error.operation == "bind(nonsense://here)")
        #expect(!error.message.isEmpty)
        #expect(error.description.contains("bind(nonsense://here)"))
    }

    @Test("a context terminates promptly with messages still queued")
    func terminationWithQueuedMessages() async throws {
        let context = try Context()
        let reserve = try Socket(context, type: .pull)
        let endpoint = try reserve.bind("tcp://127.0.0.1:*")
        reserve.close()  // nobody listens there any more
        let push = try Socket(context, type: .push)
        try push.set(.immediate, false)
        try push.connect(endpoint)
        var queued = 0
        while queued < 1000, try push.trySend(Message(strings: ["pending \(queued)"])) { queued += 1 }
        #expect(queued > 0)
        push.close()

        let done = Locked(false)
        let thread = Thread {
            context.terminate()
            done.set(true)
        }
        thread.start()
        // A hang is the failure being tested; the limit is generous because CI machines are shared.
        for _ in 0..<1000 where !done.value { try await Task.sleep(for: .milliseconds(10)) }
        #expect(done.value, "zmq_ctx_term did not return within 10 s with \(queued) messages queued")
    }
}

/// A mutex box for test bookkeeping across threads.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func set(_ value: Value) { mutex.withLock { $0 = value } }
    func mutate(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
}
