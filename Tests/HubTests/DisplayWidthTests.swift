import ProtocolFuzzing
import Reports
import Testing

/// Reads a rendered table by terminal column, with its own count of widths (not the one under
/// test): CJK ideographs, CJK punctuation and fullwidth forms take two columns, marks none.
enum TableColumns {
    static func width(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0300...0x036F, 0x200B...0x200D: 0
        case 0x3000...0x303E, 0x4E00...0x9FFF, 0xFF01...0xFF60: 2
        default: 1
        }
    }

    /// The display column each character of `line` starts at, and the line's end.
    static func starts(_ line: Substring) -> [(index: String.Index, column: Int)] {
        var column = 0
        var result: [(String.Index, Int)] = []
        for index in line.indices {
            result.append((index, column))
            column += line[index].unicodeScalars.reduce(0) { $0 + width($1) }
        }
        result.append((line.endIndex, column))
        return result
    }

    /// Where each column begins: the starts of the rule's runs of dashes (line 2).
    static func columnStarts(_ rule: Substring) -> [Int] {
        let characters = Array(rule)
        return characters.indices.filter { characters[$0] == "-" && ($0 == 0 || characters[$0 - 1] == " ") }
    }

    /// The text of `line` from display column `from` up to `to` (or the end), without trailing
    /// spaces; nil when no character starts exactly at `from` or the two columns before it are not blank.
    static func cell(_ line: Substring, from: Int, to: Int?) -> String? {
        let positions = starts(line)
        guard let first = positions.firstIndex(where: { $0.column == from }) else {
            return positions.last!.column <= from ? "" : nil
        }
        if from > 0 {
            let gap = first >= 2 ? [line[positions[first - 2].index], line[positions[first - 1].index]] : []
            guard gap == [" ", " "] else { return nil }
        }
        let last = to.flatMap { end in positions.firstIndex { $0.column >= end } } ?? positions.count - 1
        guard last >= first else { return nil }
        var text = String(line[positions[first].index..<positions[last].index])
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every line's cells, read at the columns of the header's rule: nil for a cell that does not
    /// start where its header starts.
    static func cells(_ table: String) -> [[String?]] {
        let lines = table.split(separator: "\n")
        guard lines.count >= 2 else { return [] }
        let starts = columnStarts(lines[1])
        return lines.enumerated().filter { $0.offset != 1 }.map { _, line in
            starts.indices.map { column in
                cell(line, from: starts[column], to: column + 1 < starts.count ? starts[column + 1] - 2 : nil)
            }
        }
    }
}

@Suite("Display width and aligned tables")
struct DisplayWidthTests {
    @Test("ASCII, CJK, fullwidth forms, kana, Hangul, marks and zero-width characters")
    func widths() {
        #expect("".displayWidth == 0)
        #expect("REQ-2026-0042".displayWidth == 13)
        #expect("厦门".displayWidth == 4)
        #expect("高级认证企业".displayWidth == 12)
        #expect("、。「」".displayWidth == 8)  // CJK symbols and punctuation
        #expect("（ABC）".displayWidth == 7)  // fullwidth parentheses, ASCII letters
        #expect("ＡＢＣ！".displayWidth == 8)  // fullwidth forms FF00-FF60
        #expect("￥￦".displayWidth == 4)  // fullwidth signs FFE0-FFE6
        #expect("ｱｲ".displayWidth == 2)  // halfwidth katakana stay narrow
        #expect("ひらがなカタカナ".displayWidth == 16)
        #expect("한국".displayWidth == 4)
        #expect("𠀀𪜀".displayWidth == 4)  // CJK extensions B and C
        #expect("㈱㎏".displayWidth == 4)  // enclosed CJK, CJK compatibility
        #expect("e\u{301}".displayWidth == 1)  // a combining acute accent
        #expect("か\u{3099}".displayWidth == 2)  // a combining voiced sound mark
        #expect("a\u{200D}b\u{200B}c".displayWidth == 3)  // zero-width joiner and space
        #expect("Ä é ß".displayWidth == 5)
        #expect("〿".displayWidth == 1)  // U+303F, the half fill space, is narrow
        #expect(DisplayWidth.of(scalar: "中") == 2 && DisplayWidth.of(scalar: "a") == 1)
        #expect(DisplayWidth.of(scalar: "\u{0301}") == 0)
    }

    @Test("padding counts columns, not characters")
    func padding() {
        #expect("厦门".padded(toWidth: 6) == "厦门  ")
        #expect("ab".padded(toWidth: 4) == "ab  ")
        #expect("厦门贸易".padded(toWidth: 4) == "厦门贸易")
    }

    @Test("a table with Chinese and mixed cells lines every column up under its header")
    func alignedTable() throws {
        var table = Table(["Id", "Name", "状态 Status", "Note"])
        let rows = [
            ["R-1", "厦门（ABC）示例贸易有限公司", "已受理", "a"],
            ["R-22", "Haicang Port Logistics", "filed", "集美"],
            ["R-333", "集美ＸＹＺ物流 Co.", "办理中", ""],
        ]
        for row in rows { table.append(row.map(Cell.text)) }
        let cells = TableColumns.cells(table.render())
        #expect(cells.count == 4)
        #expect(cells[0] == ["Id", "Name", "状态 Status", "Note"])
        for (read, row) in zip(cells.dropFirst(), rows) { #expect(read == row.map(Optional.some)) }
        // The old rendering padded by characters: the same reading fails on it.
        let byCharacters = "Id  Name\n--  ----\n厦门  x"
        #expect(TableColumns.cells(byCharacters)[1][1] == nil)
    }

    @Test("a row is laid out as its cells padded to their columns, two spaces apart, trailing spaces cut (seeded)")
    func layoutMatchesPaddedCells() {
        let pool = ["", " ", "  ", "a", "ab  ", " x", "厦门", "厦 ", "e\u{301}", "ＡＢ", "Haicang Port", "已受理", "x  y"]
        var random = SplitMix64(seed: 0xAE0_7AB1E)
        for _ in 0..<300 {
            let columns = (0..<Int.random(in: 1...6, using: &random)).map { "C\($0)" }
            var table = Table(columns)
            var rows: [[String]] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let row = columns.map { _ in pool.randomElement(using: &random)! }
                rows.append(row)
                table.append(row.map(Cell.text))
            }
            // The layout as it was first written: pad every cell, join, then cut the line's trailing spaces.
            let widths = columns.indices.map { column in
                ([columns[column]] + rows.map { $0[column] }).map(\.displayWidth).max() ?? 0
            }
            func line(_ cells: [String]) -> String {
                var text = zip(cells, widths).map { $0.padded(toWidth: $1) }.joined(separator: "  ")
                while text.last == " " { text.removeLast() }
                return text
            }
            let expected = ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
                .joined(separator: "\n")
            #expect(table.render() == expected, "\(rows)")
        }
    }
}
