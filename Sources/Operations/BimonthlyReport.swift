import Coordination
import Foundation
import HubProtocol

/// The coordinator's bimonthly progress report, compiled from the workflow state folded over the log.
public struct BimonthlyReport: Sendable {
    public let period: String
    public let today: CivilDate
    public let state: CoordinationState

    public init(period: String, today: CivilDate, state: CoordinationState) {
        self.period = period
        self.today = today
        self.state = state
    }

    /// The bimonthly period (01/02, 03/04, ...) a date falls in, e.g. `2026-11/2026-12`.
    public static func period(containing date: CivilDate) -> String {
        let first = date.month % 2 == 1 ? date.month : date.month - 1
        func month(_ m: Int) -> String { m < 10 ? "0\(m)" : "\(m)" }
        return "\(date.year)-\(month(first))/\(date.year)-\(month(first + 1))"
    }

    /// Rows of (area, status, count) for the request ledger.
    public var requestsByArea: [(area: String, status: String, count: Int)] {
        var counts: [String: [String: Int]] = [:]
        for request in state.requests.values { counts[areaName(request.area), default: [:]][request.status.rawValue, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.flatMap { area, statuses in
            statuses.sorted { $0.key < $1.key }.map { (area, $0.key, $0.value) }
        }
    }

    func areaName(_ area: String) -> String {
        state.topology.units.values.first { $0.area == area }?.name ?? area
    }

    var overdueActions: [ActionRecord] { state.actions.values.filter { $0.isOverdue(on: today) }.sorted { $0.id < $1.id } }

    /// The report in Markdown.
    public var markdown: String {
        var out = "# AEO progress report, \(period)\n\nCompiled \(today) from the AEO Hub log.\n\n"
        out += "## Enterprise requests\n\n| area | status | requests |\n|---|---|---|\n"
        for row in requestsByArea { out += "| \(row.area) | \(row.status) | \(row.count) |\n" }
        let open = state.requests.values.filter(\.isOpen)
        out += "\nOpen: \(open.count); probable duplicates: \(state.requests.values.filter { $0.duplicateOf != nil }.count).\n\n"

        out += "## Credit cultivation key list\n\n| enterprise | USCC | status | recommended by |\n|---|---|---|---|\n"
        for item in state.cultivation.values.sorted(by: { $0.uscc < $1.uscc }) {
            out += "| \(item.name) | \(item.uscc) | \(item.status.rawValue) | \(item.recommenders.joined(separator: ", ")) |\n"
        }

        out += "\n## Certification cases and on-site audits\n\n| case | enterprise | office | status | deadline | joint |\n|---|---|---|---|---|---|\n"
        for item in state.cases.values.sorted(by: { $0.id < $1.id }) {
            out += "| \(item.id) | \(item.enterpriseName) | \(item.office) | \(item.status.rawValue) | \(item.deadline) | \(item.joint ? "yes (with Fuzhou)" : "no") |\n"
        }
        let audits = state.audits.values.sorted { $0.id < $1.id }
        out += "\nAudits: \(audits.count), of which joint with Fuzhou Customs: \(audits.filter(\.joint).count).\n\n"
        for audit in audits {
            let when = audit.scheduled.map { EnvelopeText.slot($0) } ?? "-"
            out += "- \(audit.id) (\(audit.caseID)): \(audit.status.rawValue)\(audit.joint ? ", joint" : ""), \(when)\n"
        }

        out += "\n## Joint meetings and action items\n\n"
        for meeting in state.meetings.values.sorted(by: { $0.id < $1.id }) {
            out += "- \(meeting.id) \"\(meeting.title)\": \(meeting.closed ? "closed" : "open"), \(meeting.decisions) decisions, \(meeting.minutes) minutes entries\n"
        }
        out += "\n| action | meeting | owner | due | status |\n|---|---|---|---|---|\n"
        for action in state.actions.values.sorted(by: { $0.id < $1.id }) {
            out += "| \(action.id) | \(action.meetingID) | \(action.owner) | \(action.due) | \(action.isOverdue(on: today) ? "OVERDUE" : action.status.label) |\n"
        }
        out += "\nOverdue action items: \(overdueActions.count).\n\n"

        out += "## Credit status changes\n\n| change | enterprise | from -> to | publisher | confirmed | pending |\n|---|---|---|---|---|---|\n"
        for change in state.creditChanges.values.sorted(by: { $0.id < $1.id }) {
            out += "| \(change.id) | \(change.enterpriseName) | \(change.from) -> \(change.to) | \(change.publisher) | \(change.confirmed.count) | \(change.lifted ? "lifted" : change.pending.sorted().joined(separator: ", ").ifEmpty("none")) |\n"
        }

        out += "\n## Units' reports for \(period)\n\n"
        let reports = state.reports.values.filter { $0.period == period }.sorted { $0.unit < $1.unit }
        if reports.isEmpty { out += "No unit has reported for this period yet.\n" }
        for report in reports {
            out += "- **\(report.unit)**: \(report.figures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")). \(report.text)\n"
        }
        return out
    }

    /// The figures as CSV: section, key, value.
    public var csv: String {
        var out = "section,key,value\n"
        for row in requestsByArea { out += "requests,\"\(row.area) / \(row.status)\",\(row.count)\n" }
        out += "cultivation,listed,\(state.cultivation.values.filter { $0.status == .listed }.count)\n"
        out += "cases,open,\(state.cases.values.filter { $0.status == .open }.count)\n"
        out += "cases,certified,\(state.cases.values.filter { $0.status == .certified }.count)\n"
        out += "audits,total,\(state.audits.count)\n"
        out += "audits,joint,\(state.audits.values.filter(\.joint).count)\n"
        out += "meetings,total,\(state.meetings.count)\n"
        out += "actions,overdue,\(overdueActions.count)\n"
        out += "credit,pending_confirmations,\(state.creditChanges.values.reduce(0) { $0 + $1.pending.count })\n"
        return out
    }

    /// A self-contained page with an inline SVG chart of requests by area.
    public var html: String {
        var totals: [String: Int] = [:]
        for row in requestsByArea { totals[row.area, default: 0] += row.count }
        let bars = totals.sorted { $0.key < $1.key }
        let maximum = max(1, bars.map(\.value).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"\(40 + bars.count * 28)\" role=\"img\" aria-label=\"Requests by area\">"
        for (index, bar) in bars.enumerated() {
            let y = 20 + index * 28
            let width = 360 * bar.value / maximum
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(escape(bar.key))</text>"
            svg += "<rect x=\"260\" y=\"\(y)\" width=\"\(width)\" height=\"20\" fill=\"#2f6db5\"/>"
            svg += "<text x=\"\(266 + width)\" y=\"\(y + 15)\" font-size=\"13\">\(bar.value)</text>"
        }
        svg += "</svg>"
        let body = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>AEO progress report \(period)</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{white-space:pre-wrap}</style></head>
            <body><h1>AEO progress report, \(period)</h1><h2>Requests by area</h2>\(svg)<pre>\(body)</pre></body></html>
            """
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
