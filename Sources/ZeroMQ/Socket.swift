import CZeroMQ
import Foundation

/// A ZeroMQ socket.
///
/// A socket is not thread-safe, and this type is deliberately not `Sendable`: Swift 6's checker
/// confines it to the thread or task that made it. It may be handed to another thread as a whole
/// (`sending`), which libzmq allows with a full memory barrier, but never shared. Async code talks
/// to a socket through a ``SocketLoop``, which owns the socket on a dedicated thread.
///
/// Every socket starts with `LINGER` 0, so closing it (or its deinit) never blocks and context
/// termination cannot hang on unsent messages.
public final class Socket {
    /// Frames at least this large are received without copying.
    public static let zeroCopyThreshold = 64 * 1024

    /// The socket pattern.
    public let type: SocketType
    let handle: UnsafeMutableRawPointer
    private let context: Context
    private var isClosed = false

    /// Opens a socket of `type` on `context`.
    public init(_ context: Context, type: SocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle.pointer, type.rawValue) else {
            throw ZMQError(code: zmq_errno(), operation: "zmq_socket(\(type))")
        }
        self.type = type
        self.handle = handle
        self.context = context
        try set(.linger, 0)
    }

    deinit {
        close()
    }

    /// Closes the socket, dropping unsent messages. Safe to call more than once.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    // MARK: Endpoints

    /// Binds to `endpoint` and answers the endpoint actually bound (`tcp://127.0.0.1:*` comes back
    /// with its port).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        _ = try LibZMQ.call("bind(\(endpoint))") { zmq_bind(handle, endpoint) }
        return try get(.lastEndpoint)
    }

    /// Connects to `endpoint`; the connection itself is made (and remade) in the background.
    public func connect(_ endpoint: String) throws(ZMQError) {
        _ = try LibZMQ.call("connect(\(endpoint))") { zmq_connect(handle, endpoint) }
    }

    /// Stops listening on `endpoint`.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        _ = try LibZMQ.call("unbind(\(endpoint))") { zmq_unbind(handle, endpoint) }
    }

    /// Drops the connection to `endpoint`.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        _ = try LibZMQ.call("disconnect(\(endpoint))") { zmq_disconnect(handle, endpoint) }
    }

    // MARK: Options

    /// Sets a typed option.
    public func set<Value>(_ option: SocketOption<Value>, _ value: Value) throws(ZMQError) {
        try value.withOptionBytes { (bytes) throws(ZMQError) in
            _ = try LibZMQ.call("setsockopt(\(option.name))") {
                zmq_setsockopt(handle, option.code, bytes.baseAddress, bytes.count)
            }
        }
    }

    /// Reads a typed option.
    public func get<Value>(_ option: SocketOption<Value>) throws(ZMQError) -> Value {
        var buffer = [UInt8](repeating: 0, count: Value.optionCapacity)
        var size = buffer.count
        _ = try LibZMQ.call("getsockopt(\(option.name))") {
            zmq_getsockopt(handle, option.code, &buffer, &size)
        }
        return buffer.withUnsafeBytes { Value(optionBytes: UnsafeRawBufferPointer(rebasing: $0.prefix(size))) }
    }

    // MARK: Sending

    /// Sends all frames as one message, waiting while the high-water mark is reached (or until
    /// `ZMQ_SNDTIMEO` passes, which throws `EAGAIN`).
    public func send(_ message: Message) throws(ZMQError) {
        guard try send(message.frames, flags: 0) else {
            throw ZMQError(code: EAGAIN, operation: "send (ZMQ_SNDTIMEO passed)")
        }
    }

    /// Sends all frames as one message unless that would block; answers whether it was sent.
    /// libzmq sends multipart messages atomically, so either every frame is queued or none is.
    public func trySend(_ message: Message) throws(ZMQError) -> Bool {
        try send(message.frames, flags: ZMQ_DONTWAIT)
    }

    private func send(_ frames: [Data], flags: Int32) throws(ZMQError) -> Bool {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = try frame.withOptionBytes { (bytes) throws(ZMQError) -> Int32? in
                try LibZMQ.callUnlessWouldBlock("send") {
                    zmq_send(handle, bytes.baseAddress, bytes.count, flags | more)
                }
            }
            // Only the first frame can block: once it is queued, libzmq takes the rest.
            if sent == nil { return false }
        }
        return true
    }

    // MARK: Receiving

    /// Waits for the next message (or until `ZMQ_RCVTIMEO` passes, which throws `EAGAIN`).
    public func receive() throws(ZMQError) -> Message {
        guard let message = try receive(flags: 0) else {
            throw ZMQError(code: EAGAIN, operation: "receive (ZMQ_RCVTIMEO passed)")
        }
        return message
    }

    /// The next message if one is waiting, otherwise `nil` at once.
    public func tryReceive() throws(ZMQError) -> Message? {
        try receive(flags: ZMQ_DONTWAIT)
    }

    /// The next message, or `nil` if none arrives within `timeout`.
    public func receive(timeout: Duration) throws(ZMQError) -> Message? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let message = try tryReceive() { return message }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            _ = try Poller.wait(for: self, events: .readable, timeout: remaining)
        }
    }

    private func receive(flags: Int32) throws(ZMQError) -> Message? {
        var frames: [Data] = []
        var userID: String?
        while true {
            var frame = OwnedFrame()
            // Later frames of a message are already here: libzmq delivers messages atomically.
            let frameFlags = frames.isEmpty ? flags : 0
            guard try frame.receive(from: handle, flags: frameFlags) else { return nil }
            // A ROUTER makes the routing-id frame itself, without the peer's metadata.
            if userID == nil { userID = frame.property("User-Id") }
            let more = frame.hasMore
            frames.append(frame.takeData(zeroCopyThreshold: Self.zeroCopyThreshold))
            if !more { return Message(frames, userID: userID) }
        }
    }
}
