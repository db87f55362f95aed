import Foundation
import HubProtocol
import SwiftProtobuf
import Testing

/// The test vectors in `Protocols/vectors`, written by a second implementation (Python).
enum Vectors {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocols/vectors")

    static func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    static func frames(_ vector: [String: Any]) throws -> [Data] {
        let items = try #require(vector["frames_hex"] as? [Any])
        return try items.map { item in
            if let hex = item as? String { return try #require(Data(hex: hex)) }
            let spec = try #require(item as? [String: Any])
            let unitHex = try #require(spec["repeat"] as? String)
            let unit = try #require(Data(hex: unitHex))
            let count = try #require(spec["count"] as? Int)
            return Data(repeating: unit.first ?? 0, count: count)
        }
    }

    static func jsonText(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func names(_ file: String) -> [String] {
        ((try? load(file)) ?? []).compactMap { $0["name"] as? String }
    }

    /// The vector called `name` in any of `files`.
    static func vector(_ name: String, in files: String...) throws -> [String: Any] {
        for file in files {
            if let found = try load(file).first(where: { $0["name"] as? String == name }) { return found }
        }
        throw VectorMissing(name: name)
    }

    struct VectorMissing: Error { let name: String }
}

extension Data {
    init?(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

@Suite("Protocol vectors")
struct VectorTests {
    /// The typed body a vector's meaning describes, decoded from its proto3 JSON.
    func body(_ entry: [String: Any]) throws -> any SwiftProtobuf.Message {
        let type = try #require(entry["type"] as? String)
        let json = try Vectors.jsonText(try #require(entry["json"]))
        switch type {
        case "aeohub.v1.Hello": return try Hello(jsonString: json)
        case "aeohub.v1.Welcome": return try Welcome(jsonString: json)
        case "aeohub.v1.Envelope": return try Envelope(jsonString: json)
        case "aeohub.v1.Accepted": return try Accepted(jsonString: json)
        case "aeohub.v1.Rejected": return try Rejected(jsonString: json)
        case "aeohub.v1.Ack": return try Ack(jsonString: json)
        case "aeohub.v1.ReplayRequest": return try ReplayRequest(jsonString: json)
        case "aeohub.v1.ReplayItems": return try ReplayItems(jsonString: json)
        case "aeohub.v1.ReplayEnd": return try ReplayEnd(jsonString: json)
        case "aeohub.v1.ProtocolError": return try ProtocolError(jsonString: json)
        case "aeohub.v1.Close": return try Close(jsonString: json)
        case "aeohub.v1.ViewRequest": return try ViewRequest(jsonString: json)
        case "aeohub.v1.View": return try View(jsonString: json)
        default: throw VectorError.unknownType(type)
        }
    }

    enum VectorError: Error { case unknownType(String) }

    func decodedBodies(_ command: Command) throws -> [any SwiftProtobuf.Message] {
        switch command {
        case .hello(let m): [m]
        case .welcome(let m): [m]
        case .submit(let m): [m]
        case .accepted(let m): [m]
        case .rejected(let m): [m]
        case .deliver(let stored): [try stored.decoded()]
        case .ack(let m): [m]
        case .heartbeat: []
        case .replayRequest(let m): [m]
        case .replayItems(let header, let items): [header] + (try items.map { try $0.decoded() })
        case .replayEnd(let m): [m]
        case .error(let m): [m]
        case .close(let m): [m]
        case .viewRequest(let m): [m]
        case .view(let m): [m]
        }
    }

    @Test(
        "every valid vector decodes to its stated meaning and re-encodes to the same bytes",
        arguments: Vectors.names("commands") + Vectors.names("messages"))
    func validVector(name: String) throws {
        let vector = try Vectors.vector(name, in: "commands", "messages")
        let frames = try Vectors.frames(vector)
        let command = try WireCodec.decode(frames)
        #expect(command.code.description == vector["command"] as? String)

        let expected = try ((vector["body"] as? [[String: Any]]) ?? []).map(body)
        let actual = try decodedBodies(command)
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) {
            #expect(a.isEqualTo(message: e), "\(name): \(a) != \(e)")
        }
        #expect(WireCodec.encode(command).map(\.hex) == frames.map(\.hex))

        if case .submit(let envelope) = command {
            #expect(envelope.messageType != nil)
            #expect(try EnvelopeValidator.validate(envelope) == [])
        }
    }

    @Test("every message type has a vector")
    func everyTypeCovered() throws {
        let covered = Set(Vectors.names("messages").map { $0.replacingOccurrences(of: "submit-", with: "") })
        #expect(covered == Set(MessageType.allCases.map(\.rawValue)))
    }

    @Test("every invalid vector is refused with its stated error", arguments: Vectors.names("invalid"))
    func invalidVector(name: String) throws {
        let vector = try Vectors.vector(name, in: "invalid")
        let frames = try Vectors.frames(vector)
        let expectedCode = try #require(vector["error"] as? String)
        do {
            let command = try WireCodec.decode(frames)
            guard case .submit(let envelope) = command else {
                Issue.record("\(name) decoded as \(command.code) without error")
                return
            }
            let error = try #require(throws: Refusal.self) { _ = try EnvelopeValidator.validate(envelope) }
            #expect(error.code.name == expectedCode)
            #expect(error.field == vector["field"] as? String)
            if let contains = vector["reason_contains"] as? String {
                #expect(error.reason.contains(contains), "\(error.reason)")
            }
        } catch let error as Refusal {
            #expect(error.code.name == expectedCode, "\(name): \(error)")
        }
    }

    @Test("the USCC vectors: valid, Fujian pilot (a warning) and invalid", arguments: Vectors.names("uscc"))
    func usccVector(name: String) throws {
        let vector = try Vectors.vector(name, in: "uscc")
        let code = try #require(vector["uscc"] as? String)
        switch (USCC.check(code), vector["verdict"] as? String) {
        case (.valid, "valid"), (.pilotException, "pilot"), (.invalid, "invalid"): break
        case (let verdict, let expected): Issue.record("\(code): \(verdict), expected \(expected ?? "?")")
        }
    }
}
