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
        let texts = self.texts
        let widths = columns.indices.map { column in
            ([columns[column]] + texts.map { $0[column] }).map(\.displayWidth).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padded(toWidth: $1) }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + texts.map(line))
            .joined(separator: "\n")
    }

    /// The rows as a JSON array of objects, keyed by column in snake case, with typed values.
    public func json() throws -> String {
        try JSONValue.array(rows.map { .object(Dictionary(uniqueKeysWithValues: zip(keys, $0.map(\.json)))) }).text()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
