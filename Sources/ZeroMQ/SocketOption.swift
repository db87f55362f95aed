import CZeroMQ
import Foundation

/// A value that can be stored in or read from a socket option.
public protocol SocketOptionValue: Sendable {
    /// The largest encoded size libzmq may return for this type.
    static var optionCapacity: Int { get }
    /// Calls `body` with the bytes libzmq expects for this value.
    func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R
    /// Decodes a value libzmq returned.
    init(optionBytes: UnsafeRawBufferPointer)
}

extension Int32: SocketOptionValue {
    public static var optionCapacity: Int { MemoryLayout<Int32>.size }
    public func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
        var copy = self
        return try withUnsafeBytes(of: &copy) { (bytes) throws(ZMQError) -> R in try body(bytes) }
    }
    public init(optionBytes: UnsafeRawBufferPointer) { self = optionBytes.loadUnaligned(as: Int32.self) }
}

extension Int64: SocketOptionValue {
    public static var optionCapacity: Int { MemoryLayout<Int64>.size }
    public func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
        var copy = self
        return try withUnsafeBytes(of: &copy) { (bytes) throws(ZMQError) -> R in try body(bytes) }
    }
    public init(optionBytes: UnsafeRawBufferPointer) { self = optionBytes.loadUnaligned(as: Int64.self) }
}

extension Bool: SocketOptionValue {
    public static var optionCapacity: Int { MemoryLayout<Int32>.size }
    public func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
        try Int32(self ? 1 : 0).withOptionBytes(body)
    }
    public init(optionBytes: UnsafeRawBufferPointer) { self = Int32(optionBytes: optionBytes) != 0 }
}

extension Data: SocketOptionValue {
    public static var optionCapacity: Int { 256 }
    public func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
        let result: Result<R, ZMQError> = withUnsafeBytes { bytes in
            do throws(ZMQError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }
    public init(optionBytes: UnsafeRawBufferPointer) { self.init(optionBytes) }
}

extension String: SocketOptionValue {
    public static var optionCapacity: Int { 1024 }
    public func withOptionBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
        try Data(utf8).withOptionBytes(body)
    }
    /// libzmq returns strings with a terminating NUL; it is not part of the value.
    public init(optionBytes: UnsafeRawBufferPointer) {
        let text = optionBytes.prefix { $0 != 0 }
        self = String(decoding: text, as: UTF8.self)
    }
}

/// A typed socket option: `socket.set(.linger, 0)`, `try socket.get(.lastEndpoint)`.
public struct SocketOption<Value: SocketOptionValue>: Sendable, CustomStringConvertible {
    /// libzmq's option number.
    public let code: Int32
    /// libzmq's name for it, for error messages.
    public let name: String

    public init(code: Int32, name: String) {
        self.code = code
        self.name = name
    }

    public var description: String { name }
}

extension SocketOption where Value == Int32 {
    /// Milliseconds unsent messages may wait after close (this binding defaults it to 0).
    public static var linger: Self { .init(code: ZMQ_LINGER, name: "ZMQ_LINGER") }
    /// Outgoing high-water mark, in messages.
    public static var sendHighWaterMark: Self { .init(code: ZMQ_SNDHWM, name: "ZMQ_SNDHWM") }
    /// Incoming high-water mark, in messages.
    public static var receiveHighWaterMark: Self { .init(code: ZMQ_RCVHWM, name: "ZMQ_RCVHWM") }
    /// Receive timeout in milliseconds for blocking receives (-1: forever).
    public static var receiveTimeout: Self { .init(code: ZMQ_RCVTIMEO, name: "ZMQ_RCVTIMEO") }
    /// Send timeout in milliseconds for blocking sends (-1: forever).
    public static var sendTimeout: Self { .init(code: ZMQ_SNDTIMEO, name: "ZMQ_SNDTIMEO") }
    /// ZMTP heartbeat (PING) interval in milliseconds; 0 disables.
    public static var heartbeatInterval: Self { .init(code: ZMQ_HEARTBEAT_IVL, name: "ZMQ_HEARTBEAT_IVL") }
    /// How long to wait for a PONG before closing the connection, in milliseconds.
    public static var heartbeatTimeout: Self { .init(code: ZMQ_HEARTBEAT_TIMEOUT, name: "ZMQ_HEARTBEAT_TIMEOUT") }
    /// The time-to-live the peer should apply to this side's heartbeats, in milliseconds.
    public static var heartbeatTTL: Self { .init(code: ZMQ_HEARTBEAT_TTL, name: "ZMQ_HEARTBEAT_TTL") }
    /// Milliseconds for the security handshake to complete.
    public static var handshakeInterval: Self { .init(code: ZMQ_HANDSHAKE_IVL, name: "ZMQ_HANDSHAKE_IVL") }
    /// First reconnect delay in milliseconds.
    public static var reconnectInterval: Self { .init(code: ZMQ_RECONNECT_IVL, name: "ZMQ_RECONNECT_IVL") }
    /// Largest reconnect delay in milliseconds (exponential backoff up to this).
    public static var reconnectIntervalMax: Self { .init(code: ZMQ_RECONNECT_IVL_MAX, name: "ZMQ_RECONNECT_IVL_MAX") }
    /// The security mechanism in use (`ZMQ_NULL`, `ZMQ_PLAIN`, `ZMQ_CURVE`).
    public static var mechanism: Self { .init(code: ZMQ_MECHANISM, name: "ZMQ_MECHANISM") }
    /// Pending events (`ZMQ_POLLIN`, `ZMQ_POLLOUT`).
    public static var events: Self { .init(code: ZMQ_EVENTS, name: "ZMQ_EVENTS") }
}

extension SocketOption where Value == Int64 {
    /// Largest inbound message in bytes; a peer that sends more is disconnected (-1: no limit).
    public static var maxMessageSize: Self { .init(code: ZMQ_MAXMSGSIZE, name: "ZMQ_MAXMSGSIZE") }
}

extension SocketOption where Value == Bool {
    /// A ROUTER reports `EHOSTUNREACH` instead of silently dropping messages to unknown peers.
    public static var routerMandatory: Self { .init(code: ZMQ_ROUTER_MANDATORY, name: "ZMQ_ROUTER_MANDATORY") }
    /// A ROUTER lets a new connection take over a routing id still held by an old one.
    public static var routerHandover: Self { .init(code: ZMQ_ROUTER_HANDOVER, name: "ZMQ_ROUTER_HANDOVER") }
    /// Queue messages only to completed connections.
    public static var immediate: Self { .init(code: ZMQ_IMMEDIATE, name: "ZMQ_IMMEDIATE") }
    /// This socket is the CURVE server.
    public static var curveServer: Self { .init(code: ZMQ_CURVE_SERVER, name: "ZMQ_CURVE_SERVER") }
    /// Refuse CURVE/PLAIN connections when no ZAP handler is bound (fail closed).
    public static var zapEnforceDomain: Self { .init(code: ZMQ_ZAP_ENFORCE_DOMAIN, name: "ZMQ_ZAP_ENFORCE_DOMAIN") }
    /// Enable IPv6 on this socket.
    public static var ipv6: Self { .init(code: ZMQ_IPV6, name: "ZMQ_IPV6") }
    /// Whether more frames of the current message follow.
    public static var receiveMore: Self { .init(code: ZMQ_RCVMORE, name: "ZMQ_RCVMORE") }
}

extension SocketOption where Value == Data {
    /// The routing id this socket presents to a ROUTER peer (1 to 255 bytes, not starting with 0).
    public static var routingID: Self { .init(code: ZMQ_ROUTING_ID, name: "ZMQ_ROUTING_ID") }
    /// A SUB prefix to receive.
    public static var subscribe: Self { .init(code: ZMQ_SUBSCRIBE, name: "ZMQ_SUBSCRIBE") }
    /// A SUB prefix to stop receiving.
    public static var unsubscribe: Self { .init(code: ZMQ_UNSUBSCRIBE, name: "ZMQ_UNSUBSCRIBE") }
    /// This socket's long-term CURVE public key (32 bytes).
    public static var curvePublicKey: Self { .init(code: ZMQ_CURVE_PUBLICKEY, name: "ZMQ_CURVE_PUBLICKEY") }
    /// This socket's long-term CURVE secret key (32 bytes).
    public static var curveSecretKey: Self { .init(code: ZMQ_CURVE_SECRETKEY, name: "ZMQ_CURVE_SECRETKEY") }
    /// The server's CURVE public key, for a client (32 bytes).
    public static var curveServerKey: Self { .init(code: ZMQ_CURVE_SERVERKEY, name: "ZMQ_CURVE_SERVERKEY") }
}

extension SocketOption where Value == String {
    /// The endpoint last bound or connected, with the real port after a `*` bind.
    public static var lastEndpoint: Self { .init(code: ZMQ_LAST_ENDPOINT, name: "ZMQ_LAST_ENDPOINT") }
    /// The ZAP domain sent to the ZAP handler with each handshake.
    public static var zapDomain: Self { .init(code: ZMQ_ZAP_DOMAIN, name: "ZMQ_ZAP_DOMAIN") }
}
