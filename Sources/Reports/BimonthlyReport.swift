import Coordination
import Foundation
import HubProtocol

/// The coordinator's bimonthly progress report for one period: what happened within it and where
/// things stood at its end, per unit and in total, from the log (``PeriodActivity``). Markdown and
/// HTML read in `language` (headings bilingual, words Chinese in Chinese); the CSV is the same in
/// every language, for scripts.
public struct BimonthlyReport: Sendable {
    public let activity: PeriodActivity
    /// The day the report was compiled.
    public let today: CivilDate
    /// The language of the Markdown and HTML.
    public let language: Language

    /// The report on `activity`, compiled `today`, in `language`.
    public init(activity: PeriodActivity, today: CivilDate, language: Language = .en) {
        self.activity = activity
        self.today = today
        self.language = language
    }

    /// The period as `YYYY-MM/YYYY-MM`.
    public var period: String { activity.period.description }
    var state: CoordinationState { activity.state }

    /// The bimonthly period (01/02, 03/04, ...) a date falls in, e.g. `2026-11/2026-12`.
    public static func period(containing date: CivilDate) -> String { ReportPeriod(containing: date).description }

    /// Section titles, Chinese first.
    static let sections: [String: String] = [
        "requests": "企业诉求 Enterprise requests", "cases": "认证案件 Certification cases",
        "audits": "实地认证 On-site audits", "meetings": "联席会议 Joint meetings", "actions": "交办事项 Action items",
        "credit": "信用调整 Credit status changes", "cultivation": "培育清单 Cultivation key list",
        "reports": "双月报告 Units' reports", "reviews": "复核与中止 Reviews and suspensions",
        "incentives": "联合激励 Incentive register", "activities": "宣传培训 Publicity and training",
        "plans": "培育方案 Cultivation plans",
    ]

    /// The Markdown tables' column titles in Chinese, by the English title.
    static let headings: [String: String] = [
        "section": "板块", "figure": "指标", "value": "数值", "area": "区域", "filed": "提交", "unit": "单位",
        "role": "类别", "requests filed": "提交诉求", "requests settled": "办结诉求", "cases opened": "立案",
        "audits held": "实地认证", "actions done": "完成事项", "confirmations": "确认", "report filed": "已报送",
        "case": "案件", "enterprise": "企业", "office": "承办海关", "status": "状态", "deadline": "办结时限",
        "joint": "联合认证", "action": "事项", "meeting": "会议", "owner": "责任单位", "due": "完成时限",
        "change": "信用调整", "from -> to": "调整前 -> 调整后", "publisher": "发布单位", "confirmed": "已确认",
        "pending": "未确认单位", "kind": "类型", "priority": "优先",
    ]

    /// One Markdown table: a header row (in the report's language), its rule, and the rows.
    func table(_ header: [String], _ rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        return line(header.map { language.heading($0, Self.headings) }) + line(header.map { _ in "---" })
            + rows.map(line).joined()
    }

    /// `zh` in a Chinese report, `en` in an English one.
    private func say(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    /// The report in Markdown.
    public var markdown: String {
        let end = activity.asOf
        var out = "# AEO 企业培育双月报告 AEO progress report, \(period)\n\n"
        out += say(
            "\(today) 据 AEO Hub 日志汇编：\(activity.period.start) 至 \(end) 期间的办理情况，及 \(end) 日终的状态。\n\n",
            "Compiled \(today) from the AEO Hub log: what happened from \(activity.period.start) to \(end), "
                + "and the state at the end of \(end).\n\n")
        out += "## 汇总 Totals\n\n"
        out += table(
            ["section", "figure", "value"],
            activity.figures.map { figure in
                let key = "\(figure.section).\(figure.name)"
                let chinese = language == .zh ? Terms.figures[key] : nil
                let name = chinese.map { "\($0) \(figure.name)" } ?? figure.name
                return [Self.sections[figure.section] ?? figure.section, name, "\(figure.value)"]
            })
        out += "\n## 各区诉求 Requests filed in the period, by area\n\n"
        out += table(
            ["area", "filed"], activity.filedByArea.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
        out += "\n## 各单位 Per unit\n\n"
        let unitHeader = [
            "unit", "role", "requests filed", "requests settled", "cases opened", "audits held", "actions done",
            "confirmations", "report filed",
        ]
        out += table(
            unitHeader,
            activity.units.map { unit in
                [
                    "\(unit.name) (\(unit.unit))", language.word(unit.role.rawValue, Terms.roles),
                    "\(unit.requestsFiled)", "\(unit.requestsSettled)", "\(unit.casesOpened)", "\(unit.auditsHeld)",
                    "\(unit.actionsDone)", "\(unit.confirmations)",
                    unit.reported ? say("是", "yes") : say("**否**", "**no**"),
                ]
            })
        let missing = activity.missingReports
        out += "\n## 未报送单位 Units that have not filed their report for \(period)\n\n"
        out +=
            missing.isEmpty
            ? say("无：各单位均已报送。\n", "None: every unit has reported.\n")
            : missing.map { "- \($0.name) (\($0.unit))\n" }.joined()

        out += "\n## 期末状态 State at the period's end\n\n"
        out += table(
            ["case", "kind", "enterprise", "office", "status", "deadline", "joint", "priority"],
            state.cases.values.sorted { $0.id < $1.id }.map { item in
                [
                    item.id, item.kind == .review ? say("复核", "review") : say("认证", "certification"),
                    item.enterpriseName, item.office,
                    item.isOverdue(on: end)
                        ? say("**逾期**", "**OVERDUE**") : language.word(item.status.rawValue, Terms.caseStatuses),
                    "\(item.deadline)", item.joint ? say("是（与福州海关联合）", "yes (with Fuzhou)") : say("否", "no"),
                    state.isPriority(item.uscc) ? say("重点培育", "key list") : "",
                ]
            })
        out += "\n"
        out += table(
            ["action", "meeting", "owner", "due", "status"],
            state.actions.values.sorted { $0.id < $1.id }.map { action in
                let status = action.isOverdue(on: end) ? say("逾期", "OVERDUE") : action.status.label(language)
                return [action.id, action.meetingID, action.owner, "\(action.due)", status]
            })
        out += "\n"
        out += table(
            ["change", "enterprise", "from -> to", "publisher", "confirmed", "pending"],
            state.creditChanges.values.sorted { $0.id < $1.id }.map { change in
                let pending =
                    change.lifted
                    ? say("已撤销", "lifted")
                    : change.pending.sorted().joined(separator: ", ").ifEmpty(say("无", "none"))
                let levels =
                    "\(change.levelSet.levelName(change.from, language)) -> "
                    + change.levelSet.levelName(change.to, language)
                return [
                    change.id, change.enterpriseName, levels, change.publisher, "\(change.confirmed.count)", pending,
                ]
            })

        out += "\n## 单位报告 Units' reports for \(period)\n\n"
        if activity.reports.isEmpty { out += say("本期尚无单位报送。\n", "No unit has reported for this period.\n") }
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
    /// The report as a printable HTML document (``ReportDocument``).
    public var html: String { ReportDocument(activity: activity, today: today, language: language).html }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
