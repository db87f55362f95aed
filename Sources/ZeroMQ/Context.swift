import CZeroMQ
import Synchronization

/// A libzmq context: the owner of the I/O threads every ``Socket`` runs on.
///
/// libzmq documents contexts as thread-safe, so one context is shared by all the threads of a
/// process. Each socket keeps its context alive; the context terminates when ``terminate()`` is
/// called or when the last reference (including every socket's) is gone. Because sockets default to
/// `LINGER` 0, termination does not wait for unsent messages.
public final class Context: Sendable {
    let handle: RawHandle
    private let terminated = Atomic<Bool>(false)

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let raw = zmq_ctx_new() else {
            throw ZMQError(code: zmq_errno(), operation: "zmq_ctx_new")
        }
        handle = RawHandle(raw)
        _ = try LibZMQ.call("zmq_ctx_set(IO_THREADS)") { zmq_ctx_set(raw, ZMQ_IO_THREADS, ioThreads) }
    }

    /// Makes every blocking call on this context's sockets return ``ZMQError/isContextTerminated``.
    /// Sockets must still be closed before the context can terminate.
    public func shutdown() {
        _ = zmq_ctx_shutdown(handle.pointer)
    }

    /// Terminates the context, waiting until every socket is closed. Safe to call more than once.
    public func terminate() {
        guard !terminated.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = try? LibZMQ.call("zmq_ctx_term") { zmq_ctx_term(handle.pointer) }
    }

    deinit {
        terminate()
    }
}

/// A libzmq context pointer. libzmq documents contexts as thread-safe, which is what makes the
/// `@unchecked Sendable` true; sockets, which are not thread-safe, never use this type.
struct RawHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}
