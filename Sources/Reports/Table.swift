import Foundation
import HubProtocol

/// One cell of a listing: the text people read and the typed value scripts read.
public struct Cell: Sendable, Hashable {
    public let text: String
    /// The JSON value, or how to make it: a listing printed as a table never needs its cells' JSON.
    private let typed: Typed

    /// The JSON value scripts read.
    public var json: JSONValue {
        switch typed {
        case .value(let value): value
        case .textOrNull: .optional(text)
        case .time(let milliseconds): .time(milliseconds)
        }
    }

    private enum Typed: Sendable, Hashable {
        case value(JSONValue)
        /// The text itself, null when empty.
        case textOrNull
        /// An instant (``JSONValue/time(_:)``).
        case time(Int64)
    }

    public init(_ text: String, json: JSONValue) { self.init(text, .value(json)) }

    private init(_ text: String, _ typed: Typed) {
        self.text = text
        self.typed = typed
    }

    public static func == (lhs: Cell, rhs: Cell) -> Bool { lhs.text == rhs.text && lhs.json == rhs.json }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(json)
    }

    /// Text, null in JSON when empty.
    public static func text(_ text: String) -> Cell { Cell(text, .textOrNull) }
    /// A whole number, with an optional unit in the table (`12d`).
    public static func int(_ value: Int, unit: String = "") -> Cell {
        Cell(unit.isEmpty ? String(value) : String(value) + unit, json: .int(Int64(value)))
    }
    /// A flag: a word in the table when set, a boolean in JSON.
    public static func flag(_ value: Bool, _ word: String) -> Cell { Cell(value ? word : "", json: .bool(value)) }
    /// A list: comma-separated in the table, an array in JSON.
    public static func list(_ items: [String]) -> Cell {
        Cell(items.joined(separator: ","), json: .array(items.map(JSONValue.string)))
    }
    /// A day (`YYYY-MM-DD`), null in JSON when empty.
    public static func day(_ text: String) -> Cell { .text(text) }
    /// The day of an instant in the table (China time), the instant in JSON.
    public static func day(of milliseconds: Int64) -> Cell {
        Cell(CivilDate(chinaTimeMilliseconds: milliseconds).description, .time(milliseconds))
    }
}

/// A listing for people (aligned columns) and for scripts (typed JSON objects keyed by column).
public struct Table: Sendable, Hashable {
    /// Column titles for people, in the table's language.
    public let columns: [String]
    /// JSON keys, one per column: the English title in snake case.
    public let keys: [String]
    public private(set) var rows: [[Cell]] = []
    /// Each cell's display width, row after row: measured once, when the row is added.
    private var cellWidths: [Int] = []
    /// Each column's widest title or cell so far.
    private var widest: [Int]

    /// A table with these English column titles, shown in `language` ("状态 Status" in Chinese);
    /// the JSON keys come from the English titles whatever the language.
    public init(_ columns: [String], language: Language = .en) {
        self.columns = columns.map { language.heading($0) }
        keys = columns.map { $0.lowercased().replacingOccurrences(of: " ", with: "_") }
        widest = self.columns.map(\.displayWidth)
    }

    /// Adds a row of exactly one cell per column.
    public mutating func append(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "a row needs one cell per column")
        rows.append(cells)
        for (column, cell) in cells.enumerated() {
            let width = cell.text.displayWidth
            cellWidths.append(width)
            widest[column] = max(widest[column], width)
        }
    }

    /// The rows' texts, as people read them.
    public var texts: [[String]] { rows.map { $0.map(\.text) } }

    /// Columns padded to their widest cell, a rule under the header, and a line when empty. Widths
    /// are counted in terminal columns (``DisplayWidth``): a Chinese character takes two.
    public func render(empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty }
        var text: [UInt8] = []
        write(header: true, widths: widths(atLeast: []), to: &text)
        text.removeLast()  // the last line's newline
        return String(decoding: text, as: UTF8.self)
    }

    /// The rows as a JSON array of objects, keyed by column in snake case, with typed values: as
    /// ``JSONValue/text(pretty:)`` writes it.
    public func json() -> String {
        var text: [UInt8] = []
        writeObjects(after: 0, to: &text)
        text.append(contentsOf: (rows.isEmpty ? "[\n\n]" : "\n]").utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// Each row as an array element (`[` or `,` before it, then a newline and its indentation), the
    /// keys sorted as JSON text sorts them; `rowsBefore` rows of the array were written earlier.
    func writeObjects(after rowsBefore: Int, to text: inout [UInt8]) {
        let order = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
        for (index, row) in rows.enumerated() {
            text.append(contentsOf: (rowsBefore + index == 0 ? "[\n  {" : ",\n  {").utf8)
            for (position, column) in order.enumerated() {
                text.append(contentsOf: (position == 0 ? "\n    " : ",\n    ").utf8)
                JSONValue.write(keys[column], to: &text)
                text.append(contentsOf: " : ".utf8)
                row[column].json.writePretty(to: &text, level: 2)
            }
            text.append(contentsOf: (order.isEmpty ? "\n\n  }" : "\n  }").utf8)
        }
    }

    /// Each column's width: its title's, its widest cell's, or the width given, whichever is widest.
    func widths(atLeast given: [Int]) -> [Int] {
        widest.indices.map { max(widest[$0], $0 < given.count ? given[$0] : 0) }
    }

    /// The UTF-8 of the rows padded to `widths`, each line ending in a newline; first the titles and
    /// a rule under them when `header`.
    func write(header: Bool, widths: [Int], to text: inout [UInt8]) {
        text.reserveCapacity(text.count + (rows.count + 2) * (widths.reduce(0, +) + 2 * widths.count + 1))
        if header {
            Self.writeLine(columns, columns.map(\.displayWidth), widths, to: &text)
            Self.writeLine(widths.map { String(repeating: "-", count: $0) }, widths, widths, to: &text)
        }
        for (index, row) in rows.enumerated() {
            let start = index * columns.count
            Self.writeLine(row.lazy.map(\.text), cellWidths[start..<start + columns.count], widths, to: &text)
        }
    }

    /// One line: the cells padded to their widths, two spaces apart, without trailing spaces (the
    /// padding after a cell is written only when a cell with text follows it), then a newline.
    private static func writeLine(
        _ cells: some Collection<String>, _ cellWidths: some Collection<Int>, _ widths: [Int],
        to text: inout [UInt8]
    ) {
        var owed = 0
        for ((cell, cellWidth), width) in zip(zip(cells, cellWidths), widths) {
            // A cell takes its column's width, or its own when wider, and then two spaces.
            let slot = max(width, cellWidth) + 2
            var cell = cell
            let written = cell.withUTF8 { bytes -> Int? in
                var end = bytes.count
                while end > 0, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
                guard end > 0 else { return nil }
                if owed > 0 { text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: owed)) }
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<end]))
                // Trailing spaces take a column each.
                return cellWidth - (bytes.count - end)
            }
            if let written {
                owed = slot - written
            } else {
                owed += slot
            }
        }
        text.append(UInt8(ascii: "\n"))
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

    /// The UTF-8 to print, newlines included, for one page's rows (nothing for a page without rows).
    public mutating func text(of page: Table) -> [UInt8] {
        guard !page.rows.isEmpty else { return [] }
        defer { rowsWritten += page.rows.count }
        if json {
            var text: [UInt8] = []
            page.writeObjects(after: rowsWritten, to: &text)
            return text
        }
        let widths = page.widths(atLeast: self.widths ?? [])
        defer { self.widths = widths }
        var text: [UInt8] = []
        page.write(header: self.widths == nil, widths: widths, to: &text)
        return text
    }

    /// The text that ends the listing.
    public func end(empty: String = "(none)") -> String {
        if json { return rowsWritten == 0 ? "[]\n" : "\n]\n" }
        return rowsWritten == 0 ? empty + "\n" : ""
    }
}
