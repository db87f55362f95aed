import CZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// An error reported by libzmq: the failed operation, its `errno` and libzmq's own text for it.
public struct ZMQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` value libzmq set.
    public let code: Int32
    /// What was being done, e.g. `"bind(tcp://127.0.0.1:*)"`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// libzmq's description of ``code`` (`zmq_strerror`).
    public var message: String { String(cString: zmq_strerror(code)) }

    public var description: String { "\(operation): \(message) (errno \(code))" }

    /// The operation would block (`EAGAIN`).
    public var isWouldBlock: Bool { code == EAGAIN }
    /// The context was shut down or terminated (`ETERM`).
    public var isContextTerminated: Bool { code == ETERM }
    /// A ROUTER with `ROUTER_MANDATORY` was asked to send to a peer it does not know.
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }
}

/// The one place that calls into libzmq for operations that can fail: retries on `EINTR` and turns
/// `errno` into a ``ZMQError``.
enum LibZMQ {
    @inline(__always)
    static func call(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let code = zmq_errno()
            if code == EINTR { continue }
            throw ZMQError(code: code, operation: operation())
        }
    }

    /// Like ``call(_:_:)`` but answers `nil` instead of throwing when the call would block.
    @inline(__always)
    static func callUnlessWouldBlock(
        _ operation: @autoclosure () -> String,
        _ body: () -> Int32
    ) throws(ZMQError) -> Int32? {
        do {
            return try call(operation(), body)
        } catch  where error.isWouldBlock {
            return nil
        }
    }
}
