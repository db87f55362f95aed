import Foundation

/// A listing for people (aligned columns) and for scripts (JSON objects keyed by column).
public struct Table: Sendable, Hashable {
    public let columns: [String]
    public private(set) var rows: [[String]] = []

    public init(_ columns: [String]) {
        self.columns = columns
    }

    /// Adds a row; missing cells are blank, extra cells are an error in the caller.
    public mutating func append(_ cells: [String]) {
        precondition(cells.count <= columns.count, "a row has more cells than the table has columns")
        rows.append(cells + Array(repeating: "", count: columns.count - cells.count))
    }

    /// Columns padded to their widest cell, a rule under the header, and a line when empty.
    public func render(empty: String = "(none)") -> String {
        guard !rows.isEmpty else { return empty }
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }

    /// The rows as a JSON array of objects whose keys are the column names in snake case.
    public func json() throws -> String {
        let keys = columns.map { $0.lowercased().replacingOccurrences(of: " ", with: "_") }
        let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(keys, $0)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(objects), as: UTF8.self)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
