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

    /// Every message the socket receives, in order. Finishes when the loop closes. Memory is bounded
    /// by the socket's receive high-water mark plus what the consumer has not taken yet; protocols
    /// on top bound the latter with credit windows.
    public let incoming: AsyncStream<Message>
    /// The socket's connection events asked for with `monitoring`; finishes when the loop closes.
    public let events: AsyncStream<SocketEvent>
    /// The endpoint the socket last bound or connected to (with the real port after a `*` bind).
    public let endpoint: String

    private let outbox: Locked<[Message]>
    private let capacity: Int
    private let control: LoopControl
    private let thread: DedicatedThread

    /// Opens a socket of `type` on its own thread and runs `setup` there (options, bind, connect)
    /// before returning; an error thrown by `setup` is thrown here.
    public init(
        context: Context,
        type: SocketType,
        name: String = "socket-loop",
        sendQueueCapacity: Int = 10_000,
        monitoring: SocketEvents = [],
        setup: @escaping @Sendable (Socket) throws -> Void
    ) throws {
        let control = try LoopControl()
        let outbox = Locked<[Message]>([])
        let (incoming, continuation) = AsyncStream.makeStream(of: Message.self)
        let (events, eventContinuation) = AsyncStream.makeStream(of: SocketEvent.self)
        let started = DispatchSemaphore(value: 0)
        let startResult = Locked<Result<String, any Error>>(.success(""))
        self.control = control
        self.outbox = outbox
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
            Self.run(
                socket: socket, monitor: monitor, control: control, outbox: outbox, continuation: continuation,
                events: eventContinuation)
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
        guard control.requestStop() else { return }
        thread.join()
    }

    deinit {
        close()
    }

    private static func run(
        socket: Socket,
        monitor: Socket?,
        control: LoopControl,
        outbox: Locked<[Message]>,
        continuation: AsyncStream<Message>.Continuation,
        events: AsyncStream<SocketEvent>.Continuation
    ) {
        let poller = Poller()
        poller.add(socket, events: .readable)
        poller.add(fileDescriptor: control.wakeup.fileDescriptor)
        if let monitor { poller.add(monitor, events: .readable) }
        var pending: [Message] = []
        var sent = 0
        while !control.isStopping {
            do {
                pending.append(contentsOf: outbox.withLock { queue in
                    defer { queue.removeAll(keepingCapacity: true) }
                    return queue
                })
                // Send what the socket takes now; wait for it to become writable for the rest.
                sent = 0
                while sent < pending.count, try socket.trySend(pending[sent]) { sent += 1 }
                pending.removeFirst(sent)
                poller.setEvents(pending.isEmpty ? .readable : [.readable, .writable], at: 0)

                let ready = try poller.poll(timeout: nil)
                if ready[1].contains(.readable) { control.wakeup.drain() }
                if let monitor, ready[2].contains(.readable) {
                    while let message = try monitor.tryReceive() {
                        if let event = SocketEvent(message) { events.yield(event) }
                    }
                }
                if ready[0].contains(.readable) {
                    // Take a bounded burst, so the send side is never starved.
                    var burst = 0
                    while burst < 1000, let message = try socket.tryReceive() {
                        continuation.yield(message)
                        burst += 1
                    }
                }
            } catch {
                if error.isContextTerminated { return }
                // A peer that vanished under ROUTER_MANDATORY: drop that message, keep serving.
                if error.isHostUnreachable, !pending.isEmpty { pending.removeFirst() }
            }
        }
    }
}
