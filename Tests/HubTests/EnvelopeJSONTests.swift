import Foundation
import HubProtocol
import Reports
import SwiftProtobuf
import Testing

/// `EnvelopeJSON.line` (replay's JSON lines, `aeohub listen`'s inbox) builds its text without
/// Foundation's JSON coders; these tests hold it to what those coders answer.
@Suite("The JSON lines of stored envelopes")
struct EnvelopeJSONTests {
    /// Text that needs every kind of escape, slashes, and characters beyond ASCII.
    static let awkward = "a\"b\\c/d\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F} é 厦门 😀 </script> \\u0041"

    /// Every SUBMIT in `Protocols/vectors/messages.json`, stored as the hub stores it, and each again
    /// with awkward text in its envelope's and its payload's text fields.
    static func envelopes() throws -> [Envelope] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocols/vectors/messages.json")
        let vectors = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        var envelopes: [Envelope] = []
        for vector in vectors where vector["command"] as? String == "SUBMIT" {
            let frames = try #require(vector["frames_hex"] as? [String]).map { try #require(Self.bytes($0)) }
            guard case .submit(var envelope) = try WireCodec.decode(frames) else { continue }
            envelope.sequence = UInt64(envelopes.count + 1)
            envelope.acceptedAtMs = 1_788_220_801_000 + Int64(envelopes.count) * 86_399_999
            envelope.sender = "xm-dongdu"
            envelope.deliveredTo = ["huli", "coordinator"]
            envelopes.append(envelope)
            envelopes.append(try Self.withAwkwardText(envelope))
        }
        #expect(envelopes.count > 40)
        return envelopes
    }

    /// The envelope with `awkward` in every text field that holds free text (not an enum value,
    /// an identifier in capitals or a 64-bit number, which protobuf's JSON writes as text).
    static func withAwkwardText(_ envelope: Envelope) throws -> Envelope {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let value = try JSONDecoder().decode(JSONValue.self, from: envelope.jsonUTF8Data(options: options))
        func awkwardly(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text) where text.contains(where: \.isLowercase): .string(awkward)
            case .object(let members): .object(members.mapValues(awkwardly))
            case .array(let values): .array(values.map(awkwardly))
            default: value
            }
        }
        return try Envelope(jsonUTF8Data: JSONEncoder().encode(awkwardly(value)))
    }

    static func bytes(_ hex: String) -> Data? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return Data(bytes)
    }

    @Test("the compact text is JSONEncoder's, byte for byte (sorted keys, slashes unescaped)")
    func compactTextIsTheEncoders() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var values = try Self.envelopes().map(EnvelopeJSON.object)
        values += [
            .string(Self.awkward), .int(.min), .int(.max), .null, .bool(false), .array([]), .object([:]),
            .object([
                "b": .int(1), "a_b": .null, "a": .array([.bool(true), .string("")]), "A": .string("é"), "é": .int(0),
            ]),
        ]
        var awkwardSeen = false
        for value in values {
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
            #expect(value.compactText() == expected)
            #expect(try value.text(pretty: false) == expected)
            awkwardSeen = awkwardSeen || expected.contains("\\u001f")
        }
        #expect(awkwardSeen)
    }

    @Test("protobuf's JSON parses as JSONDecoder decodes it; a payload's JSON alone is the envelope's")
    func parsingIsTheDecoders() throws {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        for envelope in try Self.envelopes() {
            let whole = try envelope.jsonUTF8Bytes(options: options) as [UInt8]
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(whole))
            #expect(JSONValue.parse(whole) == decoded)
            var alone = Envelope()
            alone.payload = envelope.payload
            let type = try #require(envelope.messageType?.rawValue)
            guard case .object(let members) = decoded,
                case .object(let payload)? = JSONValue.parse(
                    try alone.jsonUTF8Bytes(options: options))
            else {
                Issue.record("not an object")
                continue
            }
            #expect(payload == [type: try #require(members[type])])
        }
        for refused in ["", "{", "{\"a\":1.5}", "01", "\"\u{01}\"", "{\"a\" 1}", "tru", "1 2", "\"\\uD800\""] {
            #expect(JSONValue.parse(Array(refused.utf8)) == nil, "\(refused)")
            #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(refused.utf8))) == nil, "\(refused)")
        }
    }
}
