import Foundation
import ProtocolFuzzing
import Reports
import Testing

/// The command line's JSON is written without Foundation's encoder; it must be the encoder's text.
@Suite("JSON text as JSONEncoder writes it")
struct JSONTextTests {
    static let pool = ["", "a", "A", "a_b", "é", "厦门", "😀", "x/y", "\"q\"", "back\\slash", "line\nbreak", "\u{1F}"]

    /// A random value at most `depth` levels deep: every kind, empty arrays and objects included.
    static func value(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 7 : 4), using: &random) {
        case 0: return .string(pool.randomElement(using: &random)!)
        case 1: return .int(Int64.random(in: .min ... .max, using: &random) >> Int64.random(in: 0...63, using: &random))
        case 2: return .bool(Bool.random(using: &random))
        case 3: return .null
        case 4, 5:
            return .object(
                Dictionary(
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in
                        (pool.randomElement(using: &random)!, value(&random, depth: depth - 1))
                    }, uniquingKeysWith: { first, _ in first }))
        default:
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth - 1) })
        }
    }

    @Test("pretty text is JSONEncoder's, byte for byte, for 2,000 random values (seeded)")
    func prettyTextIsTheEncoders() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        var random = SplitMix64(seed: 0x15_0A_7E_47)
        var kinds: Set<String> = []
        for _ in 0..<2_000 {
            let value = Self.value(&random, depth: 4)
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
            #expect(try value.text() == expected)
            kinds.insert(expected.contains("[\n\n") ? "empty array" : expected.contains("{\n\n") ? "empty object" : "")
        }
        #expect(kinds.isSuperset(of: ["empty array", "empty object"]))
    }

    @Test("a table's JSON is JSONEncoder's array of its row objects, empty tables and nested cells included")
    func tableJSONIsTheEncoders() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        var random = SplitMix64(seed: 0x7AB1E)
        for rows in [0, 1, 7] {
            var table = Table(["Request", "Age days", "Duplicate of", "Members", "B", "a"])
            var objects: [[String: JSONValue]] = []
            for _ in 0..<rows {
                let cells: [Cell] = [
                    .text(Self.pool.randomElement(using: &random)!), .int(Int.random(in: -5...500, using: &random)),
                    .text(""), Cell("2", json: Self.value(&random, depth: 2)), .flag(Bool.random(using: &random), "X"),
                    .list(["a", "厦门"]),
                ]
                table.append(cells)
                objects.append(Dictionary(uniqueKeysWithValues: zip(table.keys, cells.map(\.json))))
            }
            #expect(table.json() == String(decoding: try encoder.encode(objects), as: UTF8.self))
        }
    }
}
