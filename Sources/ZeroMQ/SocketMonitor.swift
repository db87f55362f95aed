import CZeroMQ
import Foundation

/// Events a socket can report about its connections (`zmq_socket_monitor`).
public struct SocketEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let connected = SocketEvents(rawValue: UInt16(ZMQ_EVENT_CONNECTED))
    public static let disconnected = SocketEvents(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
    public static let handshakeSucceeded = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
    /// The peer refused this side's credentials (a CURVE key its ZAP handler does not know).
    public static let handshakeFailedAuth = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
    /// The handshake failed for a protocol reason (e.g. the peer's CURVE key is not the expected one).
    public static let handshakeFailedProtocol = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
}

/// One event a monitored socket reported.
public struct SocketEvent: Sendable, Hashable {
    public let event: SocketEvents
    /// The event's value: for a failed authentication, the ZAP status code (e.g. 400).
    public let value: UInt32
    public let endpoint: String

    /// Decodes a monitor message: an event frame (a 16-bit event and a 32-bit value, host byte
    /// order) and an endpoint frame.
    init?(_ message: Message) {
        guard message.frames.count == 2, message.frames[0].count == 6 else { return nil }
        let bytes = [UInt8](message.frames[0])
        event = SocketEvents(rawValue: UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
        value = bytes[2..<6].enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        endpoint = String(decoding: message.frames[1], as: UTF8.self)
    }
}

extension Socket {
    /// Publishes `events` of this socket on the inproc `endpoint`, for a PAIR socket to read
    /// (see ``SocketLoop``'s `monitoring`).
    public func monitor(_ endpoint: String, events: SocketEvents) throws(ZMQError) {
        guard zmq_socket_monitor(handle, endpoint, Int32(events.rawValue)) == 0 else {
            throw ZMQError(code: zmq_errno(), operation: "zmq_socket_monitor(\(endpoint))")
        }
    }
}
