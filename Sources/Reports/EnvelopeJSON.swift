import Foundation
import HubProtocol
import SwiftProtobuf

/// The JSON mapping of a stored envelope for scripts (replay's JSON lines, a node daemon's inbox),
/// documented in `Protocols/json/README.md`: snake-case field names, numbers as numbers, instants
/// (`*_ms`) as ISO 8601 times with +08:00 under the name without `_ms`, enum values as lower-case
/// names without their type's prefix. Fields at their default value are left out of the payload.
public enum EnvelopeJSON {
    /// One envelope as a JSON object.
    public static func object(_ envelope: Envelope) -> JSONValue {
        var members: [String: JSONValue] = [
            "sequence": .int(Int64(envelope.sequence)), "accepted_at": .time(envelope.acceptedAtMs),
            "sender": .string(envelope.sender), "message_id": .string(envelope.messageID),
            "type": .string(envelope.messageType?.rawValue ?? "unknown"),
            "delivered_to": .array(envelope.deliveredTo.map(JSONValue.string)),
            "correlation_id": .optional(envelope.correlationID), "causation_id": .optional(envelope.causationID),
            "sent_at": envelope.sentAtMs == 0 ? .null : .time(envelope.sentAtMs),
        ]
        if envelope.hasTo {
            members["to"] = .object([
                "nodes": .array(envelope.to.nodes.map(JSONValue.string)),
                "roles": .array(envelope.to.roles.map(JSONValue.string)), "all": .bool(envelope.to.all),
            ])
        }
        members["payload"] = payload(envelope)
        return .object(members)
    }

    /// One line of JSON.
    public static func line(_ envelope: Envelope) throws -> String { object(envelope).compactText() }

    /// The payload's fields, from protobuf's JSON with the mapping's conventions applied.
    static func payload(_ envelope: Envelope) -> JSONValue {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        // Protobuf's JSON of an envelope holding nothing but the payload: `{"TYPE": {...}}`.
        var alone = Envelope()
        alone.payload = envelope.payload
        guard let type = envelope.messageType?.rawValue,
            let text: [UInt8] = try? alone.jsonUTF8Bytes(options: options),
            case .object(let object)? = JSONValue.parse(text),
            let payload = object[type]
        else { return .null }
        return convert(payload, key: "")
    }

    /// The prefixes of the protocol's enum values (`REQUEST_CATEGORY_POLICY_CONSULTATION`).
    static let enumPrefixes = [
        "REQUEST_CATEGORY_", "AUDIT_ANSWER_", "AUDIT_OUTCOME_", "CASE_RESULT_", "RSVP_ANSWER_", "ACTION_STATUS_",
        "LEVEL_SET_", "SEVERITY_",
    ]

    private static func convert(_ value: JSONValue, key: String) -> JSONValue {
        switch value {
        case .object(let object):
            var members: [String: JSONValue] = [:]
            for (name, member) in object {
                if name.hasSuffix("_ms"), let milliseconds = integer(member) {
                    members[String(name.dropLast(3))] = .time(milliseconds)
                } else {
                    members[name] = convert(member, key: name)
                }
            }
            return .object(members)
        case .array(let values):
            return .array(values.map { convert($0, key: key) })
        case .string(let text):
            if let prefix = enumPrefixes.first(where: text.hasPrefix) {
                return .string(text.dropFirst(prefix.count).lowercased())
            }
            // protobuf's JSON writes 64-bit integers as strings (a figure's value).
            if key == "value", let number = Int64(text) { return .int(number) }
            return value
        case .int, .bool, .null:
            return value
        }
    }

    private static func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let number): number
        case .string(let text): Int64(text)
        default: nil
        }
    }
}
