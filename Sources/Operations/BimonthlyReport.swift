import Coordination
import Foundation
import HubProtocol

/// The coordinator's bimonthly progress report for one period: what happened within it and where
/// things stood at its end, per unit and in total, from the log (``PeriodActivity``).
public struct BimonthlyReport: Sendable {
    public let activity: PeriodActivity
    /// The day the report was compiled.
    public let today: CivilDate

    public init(activity: PeriodActivity, today: CivilDate) {
        self.activity = activity
        self.today = today
    }

    /// The period as `YYYY-MM/YYYY-MM`.
    public var period: String { activity.period.description }
    var state: CoordinationState { activity.state }

    /// The bimonthly period (01/02, 03/04, ...) a date falls in, e.g. `2026-11/2026-12`.
    public static func period(containing date: CivilDate) -> String { ReportPeriod(containing: date).description }

    /// Section titles, Chinese first.
    static let sections: [String: String] = [
        "requests": "企业诉求 Enterprise requests", "cases": "认证案件 Certification cases",
        "audits": "实地认证 On-site audits", "meetings": "联席会议 Joint meetings", "actions": "议定事项 Action items",
        "credit": "信用调整 Credit status changes", "cultivation": "培育清单 Cultivation key list",
        "reports": "双月报告 Units' reports", "reviews": "复核与中止 Reviews and suspensions",
        "incentives": "联合激励 Incentive register", "activities": "宣传培训 Publicity and training",
        "plans": "培育方案 Cultivation plans",
    ]

    /// One Markdown table: a header row, its rule, and the rows.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        return line(header) + line(header.map { _ in "---" }) + rows.map(line).joined()
    }

    /// The report in Markdown.
    public var markdown: String {
        let end = activity.asOf
        var out = "# AEO 企业培育双月报告 AEO progress report, \(period)\n\n"
        out += "Compiled \(today) from the AEO Hub log: what happened from \(activity.period.start) to \(end), "
        out += "and the state at the end of \(end).\n\n## 汇总 Totals\n\n"
        out += Self.table(
            ["section", "figure", "value"],
            activity.figures.map { [Self.sections[$0.section] ?? $0.section, $0.name, "\($0.value)"] })
        out += "\n## 各区诉求 Requests filed in the period, by area\n\n"
        out += Self.table(["area", "filed"], activity.filedByArea.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
        out += "\n## 各单位 Per unit\n\n"
        let unitHeader = [
            "unit", "role", "requests filed", "requests settled", "cases opened", "audits held", "actions done",
            "confirmations", "report filed",
        ]
        out += Self.table(
            unitHeader,
            activity.units.map { unit in
                [
                    "\(unit.name) (\(unit.unit))", unit.role.rawValue, "\(unit.requestsFiled)", "\(unit.requestsSettled)",
                    "\(unit.casesOpened)", "\(unit.auditsHeld)", "\(unit.actionsDone)", "\(unit.confirmations)",
                    unit.reported ? "yes" : "**no**",
                ]
            })
        let missing = activity.missingReports
        out += "\n## 未报送单位 Units that have not filed their report for \(period)\n\n"
        out += missing.isEmpty ? "None: every unit has reported.\n" : missing.map { "- \($0.name) (\($0.unit))\n" }.joined()

        out += "\n## 期末状态 State at the period's end\n\n"
        out += Self.table(
            ["case", "kind", "enterprise", "office", "status", "deadline", "joint", "priority"],
            state.cases.values.sorted { $0.id < $1.id }.map { item in
                [
                    item.id, item.kind == .review ? "review 复核" : "certification", item.enterpriseName, item.office,
                    item.isOverdue(on: end) ? "**OVERDUE**" : item.status.rawValue, "\(item.deadline)",
                    item.joint ? "yes (with Fuzhou)" : "no", state.isPriority(item.uscc) ? "key list" : "",
                ]
            })
        out += "\n"
        out += Self.table(
            ["action", "meeting", "owner", "due", "status"],
            state.actions.values.sorted { $0.id < $1.id }.map { action in
                let status = action.isOverdue(on: end) ? "OVERDUE" : action.status.label
                return [action.id, action.meetingID, action.owner, "\(action.due)", status]
            })
        out += "\n"
        out += Self.table(
            ["change", "enterprise", "from -> to", "publisher", "confirmed", "pending"],
            state.creditChanges.values.sorted { $0.id < $1.id }.map { change in
                let pending = change.lifted ? "lifted" : change.pending.sorted().joined(separator: ", ").ifEmpty("none")
                return [
                    change.id, change.enterpriseName, "\(change.from) -> \(change.to)", change.publisher,
                    "\(change.confirmed.count)", pending,
                ]
            })

        out += "\n## 单位报告 Units' reports for \(period)\n\n"
        if activity.reports.isEmpty { out += "No unit has reported for this period.\n" }
        for (unit, report) in activity.reports.sorted(by: { $0.key < $1.key }) {
            let figures = report.figures.sorted { $0.name < $1.name }.map { "\($0.name) \($0.value)" }
            out += "- **\(unit)**: \(figures.joined(separator: ", ")). \(report.text)\n"
        }
        return out
    }

    /// The figures as CSV: section, key, value; then per area, and per unit.
    public var csv: String {
        var out = "section,key,value\n"
        for figure in activity.figures { out += "\(figure.section),\(figure.name),\(figure.value)\n" }
        for (area, count) in activity.filedByArea.sorted(by: { $0.key < $1.key }) {
            out += "requests_by_area,\"\(area)\",\(count)\n"
        }
        for unit in activity.units {
            out += "unit,\(unit.unit).requests_filed,\(unit.requestsFiled)\n"
            out += "unit,\(unit.unit).requests_settled,\(unit.requestsSettled)\n"
            out += "unit,\(unit.unit).report_filed,\(unit.reported ? 1 : 0)\n"
        }
        return out
    }

    /// A self-contained page with an inline SVG chart of requests by area.
    public var html: String {
        let bars = activity.filedByArea.sorted { $0.key < $1.key }
        let maximum = max(1, bars.map(\.value).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"\(40 + bars.count * 28)\" "
        svg += "role=\"img\" aria-label=\"Requests filed by area\">"
        for (index, bar) in bars.enumerated() {
            let y = 20 + index * 28
            let width = 360 * bar.value / maximum
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(escape(bar.key))</text>"
            svg += "<rect x=\"260\" y=\"\(y)\" width=\"\(width)\" height=\"20\" fill=\"#2f6db5\"/>"
            svg += "<text x=\"\(266 + width)\" y=\"\(y + 15)\" font-size=\"13\">\(bar.value)</text>"
        }
        svg += "</svg>"
        let body = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(
            separator: "\n")
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>AEO progress report \(period)</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{white-space:pre-wrap}</style></head>
            <body><h1>AEO progress report, \(period)</h1><h2>Requests by area</h2>\(svg)<pre>\(body)</pre></body></html>
            """
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
