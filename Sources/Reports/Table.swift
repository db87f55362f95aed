import Foundation

/// One cell of a listing: the text people read and the typed value scripts read.
public struct Cell: Sendable, Hashable {
    public let text: String
    public let json: JSONValue

    public init(_ text: String, json: JSONValue) {
        self.text = text
        self.json = json
    }

    /// Text, null in JSON when empty.
    public static func text(_ text: String) -> Cell { Cell(text, json: .optional(text)) }
    /// A whole number, with an optional unit in the table (`12d`).
    public static func int(_ value: Int, unit: String = "") -> Cell {
        Cell("\(value)\(unit)", json: .int(Int64(value)))
    }
    /// A flag: a word in the table when set, a boolean in JSON.
    public static func flag(_ value: Bool, _ word: String) -> Cell { Cell(value ? word : "", json: .bool(value)) }
    /// A list: comma-separated in the table, an array in JSON.
    public static func list(_ items: [String]) -> Cell {
        Cell(items.joined(separator: ","), json: .array(items.map(JSONValue.string)))
    }
    /// A day (`YYYY-MM-DD`), null in JSON when empty.
    public static func day(_ text: String) -> Cell { .text(text) }
}

/// A listing for people (aligned columns) and for scripts (typed JSON objects keyed by column).
public struct Table: Sendable, Hashable {
    /// Column titles for people, in the table's language.
    public let columns: [String]
    /// JSON keys, one per column: the English title in snake case.
    public let keys: [String]
    public private(set) var rows: [[Cell]] = []

    /// A table with these English column titles, shown in `language` ("状态 Status" in Chinese);
    /// the JSON keys come from the English titles whatever the language.
    public init(_ columns: [String], language: Language = .en) {
        self.columns = columns.map { language.heading($0) }
        keys = columns.map { $0.lowercased().replacingOccurrences(of: " ", with: "_") }
    }

    /// Adds a row of exactly one cell per column.
    public mutating func append(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "a row needs one cell per column")
        rows.append(cells)
    }

    /// The rows' texts, as people read them.
    public var texts: [[String]] { rows.map { $0.map(\.text) } }

    /// Columns padded to their widest cell, a rule under the header, and a line when empty. Widths
    /// are counted in terminal columns (``DisplayWidth``): a Chinese character takes two.
    public func render(empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty }
        let widths = self.widths(atLeast: [])
        return ([header(widths)] + lines(widths)).joined(separator: "\n")
    }

    /// The rows as a JSON array of objects, keyed by column in snake case, with typed values.
    public func json() throws -> String { try JSONValue.array(objects).text() }

    /// Each row as a JSON object keyed by column.
    var objects: [JSONValue] { rows.map { .object(Dictionary(uniqueKeysWithValues: zip(keys, $0.map(\.json)))) } }

    /// Each column's width: its title's, its widest cell's, or the width given, whichever is widest.
    func widths(atLeast given: [Int]) -> [Int] {
        var widest = columns.indices.map { max(columns[$0].displayWidth, $0 < given.count ? given[$0] : 0) }
        for row in rows {
            for (column, cell) in row.enumerated() { widest[column] = max(widest[column], cell.text.displayWidth) }
        }
        return widest
    }

    /// The titles and a rule under them.
    func header(_ widths: [Int]) -> String {
        line(columns, widths) + "\n" + line(widths.map { String(repeating: "-", count: $0) }, widths)
    }

    /// The rows, padded to `widths`.
    func lines(_ widths: [Int]) -> [String] { rows.map { line($0.lazy.map(\.text), widths) } }

    /// The cells padded to their widths, two spaces apart, without trailing spaces: the padding
    /// after a cell is written only when a cell with text follows it.
    private func line(_ cells: some Sequence<String>, _ widths: [Int]) -> String {
        var line = ""
        line.reserveCapacity(widths.reduce(0, +) + 2 * widths.count)
        var owed = 0
        for (cell, width) in zip(cells, widths) {
            let text = cell.trimmingTrailingSpaces()
            let cellWidth = cell.displayWidth
            // A cell takes its column's width, or its own when wider, and then two spaces.
            let slot = max(width, cellWidth) + 2
            if !text.isEmpty {
                if owed > 0 { line += String(repeating: " ", count: owed) }
                line += text
                owed = slot - (text.utf8.count == cell.utf8.count ? cellWidth : text.displayWidth)
            } else {
                owed += slot
            }
        }
        return line
    }
}

/// A listing printed a page at a time, so that its printer holds one page, not the listing. Text
/// takes its column widths from the first page; a wider cell on a later page widens its column from
/// that page on. JSON is one array of row objects, as ``Table/json()`` prints it.
public struct TableStream {
    private let json: Bool
    private var widths: [Int]?
    private var rowsWritten = 0

    public init(json: Bool) { self.json = json }

    /// The text to print, newlines included, for one page's rows (nothing for a page without rows).
    public mutating func text(of page: Table) throws -> String? {
        guard !page.rows.isEmpty else { return nil }
        defer { rowsWritten += page.rows.count }
        if json {
            let objects = try page.objects.map { try $0.text().split(separator: "\n").map { "  " + $0 } }
            let text = objects.map { $0.joined(separator: "\n") }.joined(separator: ",\n")
            return (rowsWritten == 0 ? "[\n" : ",\n") + text
        }
        let widths = page.widths(atLeast: self.widths ?? [])
        defer { self.widths = widths }
        let lines = page.lines(widths).joined(separator: "\n") + "\n"
        return self.widths == nil ? page.header(widths) + "\n" + lines : lines
    }

    /// The text that ends the listing.
    public func end(empty: String = "(none)") -> String {
        if json { return rowsWritten == 0 ? "[]\n" : "\n]\n" }
        return rowsWritten == 0 ? empty + "\n" : ""
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        guard utf8.last == UInt8(ascii: " ") else { return self }
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
