import Foundation
import HubProtocol

/// A JSON value with the command line's conventions (Protocols/json/README.md): numbers as numbers,
/// booleans, arrays, times in ISO 8601 with the +08:00 offset, enum values as lower-case names.
public enum JSONValue: Sendable, Hashable, Codable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Keys in the order given; the encoder sorts them.
    case object([String: JSONValue])

    /// A Unix-millisecond instant as `2026-11-29T09:30:00.000+08:00`.
    public static func time(_ milliseconds: Int64) -> JSONValue { .string(Self.isoTime(milliseconds)) }

    /// Text, or null when empty.
    public static func optional(_ text: String) -> JSONValue { text.isEmpty ? .null : .string(text) }

    /// A time slot as `{"start": ..., "end": ...}`.
    public static func slot(_ slot: TimeSlot) -> JSONValue {
        .object(["start": .time(slot.startMs), "end": .time(slot.endMs)])
    }

    /// ISO 8601 in China time (UTC+8, no daylight saving), to the millisecond.
    public static func isoTime(_ milliseconds: Int64) -> String {
        let day = CivilDate(chinaTimeMilliseconds: milliseconds)
        let inDay = min(
            max(milliseconds.subtractingReportingOverflow(day.chinaMidnightMilliseconds).partialValue, 0), 86_399_999)
        let time = Int(inDay)
        // "THH:MM:SS.mmm+08:00", byte by byte (a listing writes one per row).
        let clock = String(unsafeUninitializedCapacity: 19) { bytes in
            bytes[0] = UInt8(ascii: "T")
            CivilDate.writeDigits(time / 3_600_000, count: 2, into: bytes, at: 1)
            bytes[3] = UInt8(ascii: ":")
            CivilDate.writeDigits(time / 60_000 % 60, count: 2, into: bytes, at: 4)
            bytes[6] = UInt8(ascii: ":")
            CivilDate.writeDigits(time / 1000 % 60, count: 2, into: bytes, at: 7)
            bytes[9] = UInt8(ascii: ".")
            CivilDate.writeDigits(time % 1000, count: 3, into: bytes, at: 10)
            for (index, byte) in "+08:00".utf8.enumerated() { bytes[13 + index] = byte }
            return 19
        }
        return day.description + clock
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let values = try? container.decode([JSONValue].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }

    /// Pretty, sorted-key JSON text, as `JSONEncoder` writes it (compact without `pretty`:
    /// ``compactText()``).
    public func text(pretty: Bool = true) throws -> String {
        guard pretty else { return compactText() }
        var bytes: [UInt8] = []
        writePretty(to: &bytes, level: 0)
        return String(decoding: bytes, as: UTF8.self)
    }
}
