import CZeroMQ
import Foundation

/// A multipart ZeroMQ message as a value: its frames in order, and the metadata libzmq attached.
///
/// Frames may be empty, binary, and several MiB long. Receiving never copies frames larger than
/// ``Socket/zeroCopyThreshold``: their `Data` points straight into libzmq's buffer, which is
/// released when the last copy of the `Data` goes away.
public struct Message: Sendable, Hashable {
    /// The frames, in order.
    public var frames: [Data]
    /// The `User-Id` the ZAP handler gave the peer that sent this message, if any.
    public var userID: String?

    public init(_ frames: [Data], userID: String? = nil) {
        self.frames = frames
        self.userID = userID
    }

    /// A message of UTF-8 text frames.
    public init(strings: [String]) {
        self.init(strings.map { Data($0.utf8) })
    }

    /// The total size of all frames in bytes.
    public var byteCount: Int { frames.reduce(0) { $0 + $1.count } }
}

extension Message: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Data...) { self.init(elements) }
}

/// One `zmq_msg_t`, owned. Being non-copyable, it cannot be used after it was moved into a `Data`
/// or closed: the compiler refuses it.
struct OwnedFrame: ~Copyable {
    private let message: UnsafeMutablePointer<zmq_msg_t>

    init() {
        message = .allocate(capacity: 1)
        zmq_msg_init(message)
    }

    deinit {
        zmq_msg_close(message)
        message.deallocate()
    }

    /// Receives one frame into this message; `nil` when non-blocking and nothing is waiting.
    mutating func receive(from socket: UnsafeMutableRawPointer, flags: Int32) throws(ZMQError) -> Bool {
        let message = self.message
        return try LibZMQ.callUnlessWouldBlock("zmq_msg_recv") { zmq_msg_recv(message, socket, flags) } != nil
    }

    var hasMore: Bool { zmq_msg_more(message) != 0 }

    /// The value of a metadata property libzmq attached (e.g. `User-Id`), if any.
    func property(_ name: String) -> String? {
        guard let value = zmq_msg_gets(message, name) else { return nil }
        return String(cString: value)
    }

    /// Hands the frame's bytes over as `Data`: a copy for small frames, libzmq's own buffer for
    /// large ones (the `Data` then closes the message when it is released).
    consuming func takeData(zeroCopyThreshold: Int) -> Data {
        let size = zmq_msg_size(message)
        guard size >= zeroCopyThreshold, let bytes = zmq_msg_data(message) else {
            let data = size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size)
            zmq_msg_close(message)
            message.deallocate()
            discard self
            return data
        }
        // The deallocator must be @Sendable; the message's address travels as an integer because
        // only this Data ever refers to it from now on.
        let address = UInt(bitPattern: message)
        discard self
        return Data(
            bytesNoCopy: bytes, count: size,
            deallocator: .custom { _, _ in
                guard let message = UnsafeMutablePointer<zmq_msg_t>(bitPattern: address) else { return }
                zmq_msg_close(message)
                message.deallocate()
            })
    }
}
