import Foundation
import Synchronization

/// How async Swift code uses a socket: the socket lives on a dedicated thread that owns it for its
/// whole life; received messages come out as an `AsyncStream`, and `send` puts messages on a queue
/// that the thread drains as the socket becomes writable.
///
/// The socket never leaves its thread, so no lock guards it; what crosses threads is only
/// `Sendable` values (messages), a mutex-guarded queue and an eventfd that wakes the thread.
public final class SocketLoop: Sendable {
    /// Why a message could not be queued.
    public enum SendError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The loop was closed.
        case closed
        /// The send queue holds `capacity` messages the socket could not take yet.
        case queueFull(capacity: Int)

        public var description: String {
            switch self {
            case .closed: "the socket loop is closed"
            case .queueFull(let capacity): "the send queue is full (\(capacity) messages waiting for the socket)"
            }
        }
    }

    /// Every message the socket receives, in order, none dropped. Finishes when the loop closes or
    /// fails (``failure``). At most `incomingCapacity` messages wait here for the consumer; while
    /// they do, the loop stops reading the socket, so further messages wait in the socket's receive
    /// high-water mark and then in the sender's (backpressure, not loss).
    public let incoming: AsyncStream<Message>
    /// The socket's connection events asked for with `monitoring`; finishes when the loop closes.
    public let events: AsyncStream<SocketEvent>
    /// The endpoint the socket last bound or connected to (with the real port after a `*` bind).
    public let endpoint: String

    /// The error that ended the loop on its own, if one did (then ``incoming`` and ``events`` have
    /// finished and ``send(_:)`` throws ``SendError/closed``); `nil` while it runs or after ``close()``.
    public var failure: ZMQError? { outcome.value.failure }
    /// Messages dropped because their peer was gone (`EHOSTUNREACH` under `ROUTER_MANDATORY`).
    public var unroutable: Int { outcome.value.unroutable }

    /// The default most messages waiting in ``incoming`` for the consumer.
    public static let defaultIncomingCapacity = 1000

    private let outbox: Locked<[Message]>
    private let outcome: Locked<Outcome>
    private let capacity: Int
    private let control: LoopControl
    private let thread: DedicatedThread

    struct Outcome: Sendable {
        var failure: ZMQError?
        var unroutable = 0
    }

    /// Opens a socket of `type` on its own thread and runs `setup` there (options, bind, connect)
    /// before returning; an error thrown by `setup` is thrown here. `sendQueueCapacity` bounds the
    /// messages queued by ``send(_:)`` and not yet taken by the socket; `incomingCapacity` bounds
    /// the received messages not yet taken from ``incoming``.
    public init(
        context: Context,
        type: SocketType,
        name: String = "socket-loop",
        sendQueueCapacity: Int = 10_000,
        incomingCapacity: Int = SocketLoop.defaultIncomingCapacity,
        monitoring: SocketEvents = [],
        setup: @escaping @Sendable (Socket) throws -> Void
    ) throws {
        precondition(incomingCapacity > 0, "the incoming stream needs room for one message")
        let control = try LoopControl()
        let outbox = Locked<[Message]>([])
        let outcome = Locked<Outcome>(Outcome())
        let (incoming, continuation) = AsyncStream.makeStream(
            of: Message.self, bufferingPolicy: .bufferingOldest(incomingCapacity))
        let (events, eventContinuation) = AsyncStream.makeStream(of: SocketEvent.self)
        let started = DispatchSemaphore(value: 0)
        let startResult = Locked<Result<String, any Error>>(.success(""))
        self.control = control
        self.outbox = outbox
        self.outcome = outcome
        self.capacity = sendQueueCapacity
        self.incoming = incoming
        self.events = events
        thread = DedicatedThread(name: name) {
            let socket: Socket
            var monitor: Socket?
            defer { eventContinuation.finish() }
            do {
                socket = try Socket(context, type: type)
                if !monitoring.isEmpty {
                    // The monitor starts before the socket connects, so no early event is missed.
                    let endpoint = "inproc://monitor-\(UUID().uuidString)"
                    try socket.monitor(endpoint, events: monitoring)
                    monitor = try Socket(context, type: .pair)
                    try monitor?.connect(endpoint)
                }
                try setup(socket)
                let endpoint = (try? socket.get(.lastEndpoint)) ?? ""
                startResult.withLock { $0 = .success(endpoint) }
            } catch {
                startResult.withLock { $0 = .failure(error) }
                continuation.finish()
                started.signal()
                return
            }
            started.signal()
            let failure = Self.run(
                socket: socket, monitor: monitor, control: control, outbox: outbox, outcome: outcome,
                continuation: continuation, events: eventContinuation)
            if let failure {
                outcome.withLock { $0.failure = failure }
                control.requestStop()
            }
            monitor?.close()
            socket.close()
            continuation.finish()
        }
        started.wait()
        switch startResult.value {
        case .success(let endpoint):
            self.endpoint = endpoint
        case .failure(let error):
            thread.join()
            throw error
        }
    }

    /// Queues `message` for sending; the loop sends it as soon as the socket can take it.
    public func send(_ message: Message) throws(SendError) {
        guard !control.isStopping else { throw .closed }
        let capacity = self.capacity
        try outbox.withLock { (queue) throws(SendError) in
            guard queue.count < capacity else { throw .queueFull(capacity: capacity) }
            queue.append(message)
        }
        control.wakeup.signal()
    }

    /// Stops the thread, closes the socket (dropping what is unsent) and finishes ``incoming``.
    public func close() {
        control.requestStop()
        thread.join()
    }

    deinit {
        close()
    }

    /// Serves the socket until asked to stop; answers the error that ended it early, if any.
    private static func run(
        socket: Socket,
        monitor: Socket?,
        control: LoopControl,
        outbox: Locked<[Message]>,
        outcome: Locked<Outcome>,
        continuation: AsyncStream<Message>.Continuation,
        events: AsyncStream<SocketEvent>.Continuation
    ) -> ZMQError? {
        let poller = Poller()
        poller.add(socket, events: .readable)
        poller.add(fileDescriptor: control.wakeup.fileDescriptor)
        if let monitor { poller.add(monitor, events: .readable) }
        var pending: [Message] = []
        // A received message the full stream did not take; offered again before reading more.
        var held: Message?
        while !control.isStopping {
            do throws(ZMQError) {
                pending.append(
                    contentsOf: outbox.withLock { queue in
                        defer { queue.removeAll(keepingCapacity: true) }
                        return queue
                    })
                let unroutable = try sendWaiting(&pending, on: socket)
                if unroutable > 0 { outcome.withLock { $0.unroutable += unroutable } }
                if let message = held { held = offer(message, to: continuation) }
                var wanted: PollEvents = held == nil ? .readable : []
                if !pending.isEmpty { wanted.insert(.writable) }
                poller.setEvents(wanted, at: 0)

                // While the stream is full, look again for room every few milliseconds.
                let ready = try poller.poll(timeout: held == nil ? nil : .milliseconds(5))
                if ready[1].contains(.readable) { control.wakeup.drain() }
                if let monitor, ready[2].contains(.readable) {
                    while let message = try monitor.tryReceive() {
                        if let event = SocketEvent(message) { events.yield(event) }
                    }
                }
                if held == nil, ready[0].contains(.readable) {
                    // Take a bounded burst, so the send side is never starved.
                    var burst = 0
                    while burst < 1000, held == nil, let message = try socket.tryReceive() {
                        held = offer(message, to: continuation)
                        burst += 1
                    }
                }
            } catch {
                return error.isContextTerminated ? nil : error
            }
        }
        return nil
    }

    /// Yields `message` to the stream; answers it back if the stream is full.
    private static func offer(_ message: Message, to continuation: AsyncStream<Message>.Continuation) -> Message? {
        if case .dropped(let back) = continuation.yield(message) { return back }
        return nil
    }

    /// Sends the waiting messages the socket takes now, in order, and removes exactly those sent
    /// (and those dropped). A message whose peer is gone (`EHOSTUNREACH` under `ROUTER_MANDATORY`)
    /// is dropped and counted in the answer; any other error is thrown, the unsent messages left
    /// waiting.
    static func sendWaiting(_ pending: inout [Message], on socket: Socket) throws(ZMQError) -> Int {
        var done = 0
        var unroutable = 0
        defer { pending.removeFirst(done) }
        while done < pending.count {
            do throws(ZMQError) {
                guard try socket.trySend(pending[done]) else { break }
            } catch  where error.isHostUnreachable {
                unroutable += 1
            }
            done += 1
        }
        return unroutable
    }
}
