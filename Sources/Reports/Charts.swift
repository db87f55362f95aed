/// Horizontal bar charts as inline SVG: labels in their own column, bars after them, values after
/// the bars, so that no label runs into a bar; stacked bars carry a legend.
public struct BarChart: Sendable {
    /// One bar: its label and its parts (one part for a simple bar).
    public struct Bar: Sendable {
        public let label: String
        public let parts: [Int]

        public init(_ label: String, _ parts: [Int]) {
            self.label = label
            self.parts = parts
        }
    }

    public let title: String
    /// The names of the parts, for the legend (one name for a simple chart).
    public let series: [String]
    public let bars: [Bar]

    public init(title: String, series: [String], bars: [Bar]) {
        self.title = title
        self.series = series
        self.bars = bars
    }

    static let colours = ["#1f5fa8", "#e07b00", "#2e8540", "#b42318", "#6b4fa0", "#5b6673"]

    /// The chart as an `<svg>` element, `width` pixels wide.
    public func svg(width: Int = 720) -> String {
        let labelWidth = 230
        let rowHeight = 26
        let legendHeight = series.count > 1 ? 26 : 0
        let height = 10 + legendHeight + bars.count * rowHeight + 10
        let room = width - labelWidth - 60
        let total = max(1, bars.map { $0.parts.reduce(0, +) }.max() ?? 1)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" "
        out += "width=\"100%\" role=\"img\" aria-label=\"\(escape(title))\">"
        if series.count > 1 {
            var x = labelWidth
            for (index, name) in series.enumerated() {
                out += "<rect x=\"\(x)\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(Self.colours[index % 6])\"/>"
                out += "<text x=\"\(x + 16)\" y=\"19\" font-size=\"13\">\(escape(name))</text>"
                x += 24 + name.count * 13
            }
        }
        for (row, bar) in bars.enumerated() {
            let y = 10 + legendHeight + row * rowHeight
            out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" font-size=\"13\" text-anchor=\"end\">"
            out += "\(escape(bar.label))</text>"
            var x = labelWidth
            for (index, part) in bar.parts.enumerated() where part > 0 {
                let length = max(2, room * part / total)
                out += "<rect x=\"\(x)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"18\" "
                out +=
                    "fill=\"\(Self.colours[index % 6])\"><title>\(escape(series[min(index, series.count - 1)])) "
                    + "\(part)</title></rect>"
                x += length
            }
            out += "<text x=\"\(x + 6)\" y=\"\(y + 16)\" font-size=\"13\">\(bar.parts.reduce(0, +))</text>"
        }
        return out + "</svg>"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
