import Foundation
import Reports
import Testing

/// A listing printed a page at a time reads as the whole table printed at once.
@Suite("Listings printed page by page")
struct TableStreamTests {
    /// `count` rows; the enterprise name of row `wide` (if any) is wider than the others.
    static func table(_ rows: Range<Int>, wide: Int? = nil) -> Table {
        var table = Table(["Request", "Enterprise", "Age days"], language: .zh)
        for index in rows {
            let name = index == wide ? "厦门特别长名称的进出口贸易有限公司" : "厦门公司\(index % 7)"
            table.append([.text("R\(1000 + index)"), .text(name), .int(index, unit: "天")])
        }
        return table
    }

    static func printed(_ pages: [Table], json: Bool) throws -> String {
        var stream = TableStream(json: json)
        return pages.map { String(decoding: stream.text(of: $0), as: UTF8.self) }.joined() + stream.end()
    }

    @Test("pages of a table print as the table, in text and JSON; an empty listing as (none) and []")
    func pagesPrintAsTheTable() throws {
        let pages = stride(from: 0, to: 450, by: 200).map { Self.table($0..<min($0 + 200, 450)) }
        let whole = Self.table(0..<450)
        #expect(try Self.printed(pages, json: false) == whole.render() + "\n")
        let streamed = try Self.printed(pages, json: true)
        #expect(streamed == whole.json() + "\n")
        #expect((try JSONSerialization.jsonObject(with: Data(streamed.utf8)) as? [Any])?.count == 450)
        #expect(try Self.printed([Self.table(0..<0)], json: false) == "(none)\n")
        #expect(try Self.printed([], json: true) == "[]\n")
    }

    @Test("a wider cell on a later page widens its column from that page on; earlier lines stay aligned")
    func widerLaterCell() throws {
        let text = try Self.printed([Self.table(0..<3), Self.table(3..<6, wide: 4)], json: false)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 8)
        let ageColumn = { (line: Substring) in
            TableColumns.starts(line).first { line[$0.index...].hasPrefix("\(line.split(separator: " ").last!)") }!
                .column
        }
        // The first page's rows and header share the first page's widths; the wide page's rows move right.
        #expect(ageColumn(lines[2]) == ageColumn(lines[4]))
        #expect(ageColumn(lines[5]) > ageColumn(lines[2]))
        #expect(ageColumn(lines[5]) == ageColumn(lines[7]))
    }
}
