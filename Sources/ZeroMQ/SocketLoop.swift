import Foundation
import Synchronization

/// How async Swift code uses a socket: the socket lives on a ``SocketThread`` that owns it for its
/// whole life (the executor of the actor that uses it, or a thread of its own); received messages
/// come out as an `AsyncStream`, and `send` offers messages to the socket, queueing what it cannot
/// take yet until it becomes writable.
///
/// The socket never leaves its thread, so no lock guards it; what crosses threads is only
/// `Sendable` values (messages), a mutex-guarded queue and the thread's wake-up.
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

    /// Every message the socket receives, in order, none dropped (none at all with `onReceive`).
    /// Finishes when the loop closes or fails (``failure``). At most `incomingCapacity` messages wait
    /// here for the consumer; while they do, the loop stops reading the socket, so further messages
    /// wait in the socket's receive high-water mark and then in the sender's (backpressure, not loss).
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
    private let thread: SocketThread
    private let ownsThread: Bool
    /// The socket and what the thread keeps for it; touched only on ``thread``.
    private let confined: Confined

    struct Outcome: Sendable {
        var failure: ZMQError?
        var unroutable = 0
        var closed = false
    }

    /// Opens a socket of `type` on `thread` (its own thread when `nil`) and runs `setup` there
    /// (options, bind, connect) before returning; an error thrown by `setup` is thrown here. On its
    /// thread (an actor whose executor the thread is) this runs inline and blocks nothing; from
    /// another thread it waits for the thread to do it. `sendQueueCapacity` bounds the messages
    /// queued by ``send(_:)`` and not yet taken by the socket; `incomingCapacity` bounds the
    /// received messages not yet taken from ``incoming``.
    ///
    /// With `onReceive`, each received message is handed to it on the loop's thread as it is read,
    /// in order, instead of to ``incoming``: for the actor whose executor the thread is, which then
    /// handles a message with no hop to another thread and back. The handler may send and may close
    /// the loop; while it runs, the socket is not read (backpressure, as with a full stream). After
    /// ``close()`` returns, it is not called again.
    public init(
        context: Context,
        type: SocketType,
        name: String = "socket-loop",
        thread: SocketThread? = nil,
        sendQueueCapacity: Int = 10_000,
        incomingCapacity: Int = SocketLoop.defaultIncomingCapacity,
        monitoring: SocketEvents = [],
        onReceive: (@Sendable (Message) -> Void)? = nil,
        setup: @escaping @Sendable (Socket) throws -> Void
    ) throws {
        precondition(incomingCapacity > 0, "the incoming stream needs room for one message")
        let (incoming, continuation) = AsyncStream.makeStream(
            of: Message.self, bufferingPolicy: .bufferingOldest(incomingCapacity))
        let (events, eventContinuation) = AsyncStream.makeStream(of: SocketEvent.self)
        self.thread = try thread ?? SocketThread(name: name)
        ownsThread = thread == nil
        outbox = Locked<[Message]>([])
        outcome = Locked<Outcome>(Outcome())
        capacity = sendQueueCapacity
        self.incoming = incoming
        self.events = events
        confined = Confined(continuation: continuation, events: eventContinuation, onReceive: onReceive)
        let opened = Locked<Result<String, any Error>>(.success(""))
        let open: @Sendable () -> Void = { [confined, outbox, outcome, socketThread = self.thread] in
            opened.withLock {
                $0 = Result {
                    try confined.open(
                        context: context, type: type, monitoring: monitoring, setup: setup, thread: socketThread,
                        outbox: outbox, outcome: outcome)
                }
            }
        }
        self.thread.runAndWait(open)
        switch opened.value {
        case .success(let endpoint):
            self.endpoint = endpoint
        case .failure(let error):
            if ownsThread { self.thread.shutdown() }
            throw error
        }
    }

    /// Queues `message` for sending; the loop sends it as soon as the socket can take it. On the
    /// loop's thread the socket is offered it at once.
    public func send(_ message: Message) throws(SendError) {
        guard !outcome.value.closed else { throw .closed }
        let capacity = self.capacity
        try outbox.withLock { (queue) throws(SendError) in
            guard queue.count < capacity else { throw .queueFull(capacity: capacity) }
            queue.append(message)
        }
        if thread.isCurrent {
            confined.flush(thread: thread, outbox: outbox, outcome: outcome)
        } else {
            thread.execute { [confined, thread, outbox, outcome] in
                confined.flush(thread: thread, outbox: outbox, outcome: outcome)
            }
        }
    }

    /// Closes the socket (dropping what is unsent) and finishes ``incoming``. On the loop's thread
    /// this happens at once; from another thread it is done by the thread, and waited for.
    public func close() {
        outcome.withLock { $0.closed = true }
        let close: @Sendable () -> Void = { [confined, thread] in confined.close(thread: thread) }
        thread.runAndWait(close)
        if ownsThread { thread.shutdown() }
    }

    deinit {
        outcome.withLock { $0.closed = true }
        // Never wait here: the last reference may go on any thread, the loop's own included.
        if thread.isCurrent {
            confined.close(thread: thread)
        } else {
            thread.execute { [confined, thread] in confined.close(thread: thread) }
        }
        if ownsThread { thread.shutdown() }
    }

    /// Yields `message` to the stream; answers it back if the stream is full.
    static func offer(_ message: Message, to continuation: AsyncStream<Message>.Continuation) -> Message? {
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
