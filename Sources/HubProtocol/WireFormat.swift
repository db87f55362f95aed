import Foundation
import SwiftProtobuf

/// The protocol's version, carried in every message's first frame.
public enum ProtocolVersion {
    public static let major: UInt8 = 1
    public static let minor: UInt8 = 4
    /// Frame 0 of every message: `AEOH`, major, minor.
    public static let signature = Data("AEOH".utf8) + Data([major, minor])
    /// Major and minor as four hex digits (`0104`).
    static let hex = [major, minor].map { String(format: "%02x", $0) }.joined()
}

/// Limits every implementation enforces (SPEC.md 8).
public enum ProtocolLimits {
    /// The largest ZeroMQ message (all frames) a hub accepts; larger ones are cut off by the socket.
    public static let maxMessageBytes = 1 << 20
    /// The largest serialized envelope in a SUBMIT.
    public static let maxEnvelopeBytes = 256 * 1024
}

/// The command codes of frame 1.
public enum CommandCode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case welcome = 0x02
    case submit = 0x03
    case accepted = 0x04
    case rejected = 0x05
    case deliver = 0x06
    case ack = 0x07
    case heartbeat = 0x08
    case replayRequest = 0x09
    case replayItems = 0x0A
    case replayEnd = 0x0B
    case error = 0x0C
    case close = 0x0D
    case viewRequest = 0x0E
    case view = 0x0F

    public var description: String {
        switch self {
        case .hello: "HELLO"
        case .welcome: "WELCOME"
        case .submit: "SUBMIT"
        case .accepted: "ACCEPTED"
        case .rejected: "REJECTED"
        case .deliver: "DELIVER"
        case .ack: "ACK"
        case .heartbeat: "HEARTBEAT"
        case .replayRequest: "REPLAY_REQUEST"
        case .replayItems: "REPLAY_ITEMS"
        case .replayEnd: "REPLAY_END"
        case .error: "ERROR"
        case .close: "CLOSE"
        case .viewRequest: "VIEW_REQUEST"
        case .view: "VIEW"
        }
    }
}

/// An envelope exactly as the log stores it: the bytes are the record, decoding is on demand.
public struct StoredEnvelope: Sendable, Hashable {
    /// The serialized `Envelope`, byte for byte as accepted.
    public let bytes: Data

    public init(bytes: Data) { self.bytes = bytes }

    /// The decoded envelope.
    public func decoded() throws -> Envelope { try Envelope(serializedBytes: bytes) }
}

/// One protocol command: what a ZeroMQ message between a node and the hub means.
public enum Command: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case submit(Envelope)
    case accepted(Accepted)
    case rejected(Rejected)
    case deliver(StoredEnvelope)
    case ack(Ack)
    case heartbeat
    case replayRequest(ReplayRequest)
    case replayItems(ReplayItems, [StoredEnvelope])
    case replayEnd(ReplayEnd)
    case error(ProtocolError)
    case close(Close)
    case viewRequest(ViewRequest)
    case view(View)

    /// The command's code in frame 1.
    public var code: CommandCode {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .submit: .submit
        case .accepted: .accepted
        case .rejected: .rejected
        case .deliver: .deliver
        case .ack: .ack
        case .heartbeat: .heartbeat
        case .replayRequest: .replayRequest
        case .replayItems: .replayItems
        case .replayEnd: .replayEnd
        case .error: .error
        case .close: .close
        case .viewRequest: .viewRequest
        case .view: .view
        }
    }
}

/// Turns commands into ZeroMQ frames and back (SPEC.md 4).
public enum WireCodec {
    /// The frames of `command`, signature first.
    public static func encode(_ command: Command) -> [Data] {
        var frames = [ProtocolVersion.signature, Data([command.code.rawValue])]
        switch command {
        case .hello(let body): frames.append(serialize(body))
        case .welcome(let body): frames.append(serialize(body))
        case .submit(let body): frames.append(serialize(body))
        case .accepted(let body): frames.append(serialize(body))
        case .rejected(let body): frames.append(serialize(body))
        case .deliver(let stored): frames.append(stored.bytes)
        case .ack(let body): frames.append(serialize(body))
        case .heartbeat: break
        case .replayRequest(let body): frames.append(serialize(body))
        case .replayItems(let header, let items):
            frames.append(serialize(header))
            frames.append(contentsOf: items.map(\.bytes))
        case .replayEnd(let body): frames.append(serialize(body))
        case .error(let body): frames.append(serialize(body))
        case .close(let body): frames.append(serialize(body))
        case .viewRequest(let body): frames.append(serialize(body))
        case .view(let body): frames.append(serialize(body))
        }
        return frames
    }

    /// Decodes frames (without a ROUTER's routing-id frame) into a command.
    public static func decode<Frames: Collection<Data>>(_ frames: Frames) throws(Refusal) -> Command {
        let frames = Array(frames)
        let total = frames.reduce(0) { $0 + $1.count }
        guard total <= ProtocolLimits.maxMessageBytes else {
            throw Refusal(.tooLarge, "the message is \(total) bytes; the limit is \(ProtocolLimits.maxMessageBytes)")
        }
        guard frames.count >= 2 else {
            throw Refusal(
                .malformedFrames, "a command has at least 2 frames (signature, command code); got \(frames.count)")
        }
        let signature = frames[0]
        guard signature.count == 6, signature.prefix(4) == Data("AEOH".utf8) else {
            throw Refusal(
                .badSignature,
                "frame 0 must be the 6-byte signature 'AEOH' + major + minor (hex 41454f48\(ProtocolVersion.hex))")
        }
        let major = signature[signature.startIndex + 4]
        guard major == ProtocolVersion.major else {
            throw Refusal(
                .unsupportedVersion,
                "protocol major version \(major) is not supported; this side speaks \(ProtocolVersion.major).x")
        }
        guard frames[1].count == 1 else {
            throw Refusal(.malformedFrames, "frame 1 must be a single command byte; got \(frames[1].count) bytes")
        }
        let rawCode = frames[1][frames[1].startIndex]
        guard let code = CommandCode(rawValue: rawCode) else {
            throw Refusal(.unknownCommand, "unknown command code 0x\(String(rawCode, radix: 16))")
        }
        let body = frames.dropFirst(2)
        switch code {
        case .heartbeat:
            try expectBodies(0, body, code)
            return .heartbeat
        case .replayItems:
            guard let header = body.first else {
                throw Refusal(.malformedFrames, "REPLAY_ITEMS needs a header frame")
            }
            return .replayItems(try parse(header, code), body.dropFirst().map(StoredEnvelope.init(bytes:)))
        case .deliver: return .deliver(StoredEnvelope(bytes: try single(body, code)))
        case .submit:
            let frame = try single(body, code)
            guard frame.count <= ProtocolLimits.maxEnvelopeBytes else {
                throw Refusal(
                    .tooLarge, "the envelope is \(frame.count) bytes; the limit is \(ProtocolLimits.maxEnvelopeBytes)")
            }
            return .submit(try parse(frame, code))
        case .hello: return .hello(try parse(single(body, code), code))
        case .welcome: return .welcome(try parse(single(body, code), code))
        case .accepted: return .accepted(try parse(single(body, code), code))
        case .rejected: return .rejected(try parse(single(body, code), code))
        case .ack: return .ack(try parse(single(body, code), code))
        case .replayRequest: return .replayRequest(try parse(single(body, code), code))
        case .replayEnd: return .replayEnd(try parse(single(body, code), code))
        case .error: return .error(try parse(single(body, code), code))
        case .close: return .close(try parse(single(body, code), code))
        case .viewRequest: return .viewRequest(try parse(single(body, code), code))
        case .view: return .view(try parse(single(body, code), code))
        }
    }

    private static func single(_ body: ArraySlice<Data>, _ code: CommandCode) throws(Refusal) -> Data {
        try expectBodies(1, body, code)
        return body[body.startIndex]
    }

    private static func expectBodies(_ count: Int, _ body: ArraySlice<Data>, _ code: CommandCode) throws(Refusal) {
        guard body.count == count else {
            throw Refusal(.malformedFrames, "\(code) has \(count + 2) frames; got \(body.count + 2)")
        }
    }

    private static func parse<M: SwiftProtobuf.Message>(_ frame: Data, _ code: CommandCode) throws(Refusal) -> M {
        do {
            return try M(serializedBytes: frame)
        } catch {
            throw Refusal(.undecodable, "the \(code) body is not a valid \(M.protoMessageName) (\(error))")
        }
    }

    private static func serialize(_ message: some SwiftProtobuf.Message) -> Data {
        // Serializing a fully built proto3 message only fails for unset required fields, which
        // proto3 does not have.
        (try? message.serializedBytes()) ?? Data()
    }
}

extension ErrorCode {
    /// The code's name as the specification writes it, e.g. `INVALID_FIELD`.
    public var name: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .malformedFrames: "MALFORMED_FRAMES"
        case .badSignature: "BAD_SIGNATURE"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .unknownCommand: "UNKNOWN_COMMAND"
        case .tooLarge: "TOO_LARGE"
        case .undecodable: "UNDECODABLE"
        case .unknownMessageType: "UNKNOWN_MESSAGE_TYPE"
        case .invalidField: "INVALID_FIELD"
        case .notAuthorised: "NOT_AUTHORISED"
        case .workflowViolation: "WORKFLOW_VIOLATION"
        case .noSession: "NO_SESSION"
        case .identityMismatch: "IDENTITY_MISMATCH"
        case .storageUnavailable: "STORAGE_UNAVAILABLE"
        case .rateLimited: "RATE_LIMITED"
        case .shuttingDown: "SHUTTING_DOWN"
        case .replayForbidden: "REPLAY_FORBIDDEN"
        case .unknownRecipient: "UNKNOWN_RECIPIENT"
        case .internal: "INTERNAL"
        case .idReused: "ID_REUSED"
        case .UNRECOGNIZED(let value): "UNRECOGNIZED(\(value))"
        }
    }
}
