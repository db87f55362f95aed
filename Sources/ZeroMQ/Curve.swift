import CZeroMQ
import Foundation

/// Z85, ZeroMQ's printable encoding of binary keys (RFC 32/Z85): 4 bytes become 5 characters.
public enum Z85 {
    /// Errors of encoding and decoding.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case lengthNotMultipleOfFour(Int)
        case lengthNotMultipleOfFive(Int)
        case invalidCharacters(String)

        public var description: String {
            switch self {
            case .lengthNotMultipleOfFour(let n): "Z85 encodes whole 4-byte groups; \(n) bytes is not a multiple of 4"
            case .lengthNotMultipleOfFive(let n):
                "Z85 text comes in 5-character groups; \(n) characters is not a multiple of 5"
            case .invalidCharacters(let text): "'\(text)' is not valid Z85 text"
            }
        }
    }

    /// Encodes `data` (a multiple of 4 bytes long).
    public static func encode(_ data: Data) throws(Failure) -> String {
        guard data.count % 4 == 0 else { throw .lengthNotMultipleOfFour(data.count) }
        var text = [CChar](repeating: 0, count: data.count * 5 / 4 + 1)
        let bytes = [UInt8](data)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else { throw .lengthNotMultipleOfFour(data.count) }
        return String(nulTerminated: text)
    }

    /// Decodes Z85 `text` (a multiple of 5 characters long).
    public static func decode(_ text: String) throws(Failure) -> Data {
        let utf8 = Array(text.utf8)
        guard utf8.count % 5 == 0 else { throw .lengthNotMultipleOfFive(utf8.count) }
        var bytes = [UInt8](repeating: 0, count: utf8.count * 4 / 5)
        guard zmq_z85_decode(&bytes, text) != nil else { throw .invalidCharacters(text) }
        return Data(bytes)
    }
}

/// A 32-byte CURVE25519 key, public or secret. Printed as its 40-character Z85 text.
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    /// The raw 32 bytes.
    public let bytes: Data

    /// A key from its raw 32 bytes.
    public init(bytes: Data) throws(CurveKeyError) {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// A key from its 40-character Z85 text.
    public init(z85: String) throws(CurveKeyError) {
        let trimmed = z85.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count == 40 else { throw .wrongTextLength(trimmed.utf8.count) }
        let bytes: Data
        do { bytes = try Z85.decode(trimmed) } catch { throw .notZ85(error.description) }
        try self.init(bytes: bytes)
    }

    /// The 40-character Z85 text.
    public var z85: String {
        // 32 bytes is always a multiple of four.
        (try? Z85.encode(bytes)) ?? ""
    }

    public var description: String { z85 }
}

/// Why a text or byte string is not a CURVE key.
public enum CurveKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    case wrongLength(Int)
    case wrongTextLength(Int)
    case notZ85(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .wrongLength(let n): "a CURVE key is 32 bytes, not \(n)"
        case .wrongTextLength(let n): "a CURVE key in Z85 is 40 characters, not \(n)"
        case .notZ85(let why): "not a CURVE key: \(why)"
        case .unavailable(let why): "CURVE is unavailable: \(why)"
        }
    }
}

/// A long-term CURVE key pair for a server (the hub) or a client (a node).
public struct CurveKeyPair: Sendable, Hashable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    /// A fresh key pair from libzmq's generator (libsodium).
    public static func generate() throws(CurveKeyError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else {
            throw .unavailable(String(cString: zmq_strerror(zmq_errno())))
        }
        return try CurveKeyPair(
            publicKey: CurveKey(z85: String(nulTerminated: publicText)),
            secretKey: CurveKey(z85: String(nulTerminated: secretText))
        )
    }

    /// The pair for a known secret key; the public key is derived from it.
    public init(secretKey: CurveKey) throws(CurveKeyError) {
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey.z85) == 0 else {
            throw .unavailable(String(cString: zmq_strerror(zmq_errno())))
        }
        self.init(publicKey: try CurveKey(z85: String(nulTerminated: publicText)), secretKey: secretKey)
    }

    init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}

extension Socket {
    /// Makes this socket a CURVE server with `keyPair`. Set before `bind`.
    ///
    /// With `zapDomain` set, every handshake is checked by the ZAP handler bound on this socket's
    /// context, and, with ZAP domain enforcement on, refused when no handler is bound (fail closed).
    public func makeCurveServer(keyPair: CurveKeyPair, zapDomain: String) throws(ZMQError) {
        try set(.zapDomain, zapDomain)
        try set(.zapEnforceDomain, true)
        try set(.curveServer, true)
        try set(.curveSecretKey, keyPair.secretKey.bytes)
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverKey`. Set before
    /// `connect`.
    public func makeCurveClient(keyPair: CurveKeyPair, serverKey: CurveKey) throws(ZMQError) {
        try set(.curveServerKey, serverKey.bytes)
        try set(.curvePublicKey, keyPair.publicKey.bytes)
        try set(.curveSecretKey, keyPair.secretKey.bytes)
    }
}

extension String {
    /// The text of a C buffer up to its first NUL.
    init(nulTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
