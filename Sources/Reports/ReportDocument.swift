import Coordination
import HubProtocol
import Mustache

/// The bimonthly report as a document a coordinator can hand to a joint meeting: a Chinese title,
/// units by their display names, levels and statuses in words, tables and charts, the units that
/// have not reported, and A4 print styles. The same figures as the Markdown and CSV.
public struct ReportDocument: Sendable {
    public let activity: PeriodActivity
    public let today: CivilDate
    public let language: Language

    public init(activity: PeriodActivity, today: CivilDate, language: Language = .zh) {
        self.activity = activity
        self.today = today
        self.language = language
    }

    private var state: CoordinationState { activity.state }
    private func say(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    private func name(_ unit: String) -> String {
        UnitNames.display(state.topology.units[unit]?.name ?? unit, language)
    }

    /// 厦门市AEO企业培育工作进展（2026年11-12月）.
    public var title: String {
        let (start, last) = (activity.period.start, activity.period.lastDay)
        let months =
            start.year == last.year
            ? "\(start.year)年\(start.month)-\(last.month)月"
            : "\(start.year)年\(start.month)月-\(last.year)年\(last.month)月"
        return say("厦门市AEO企业培育工作进展（\(months)）", "AEO cultivation in Xiamen: progress, \(activity.period)")
    }

    /// The document in HTML.
    public var html: String {
        let template = try? MustacheTemplate(string: Self.template)
        return template?.render(context) ?? ""
    }

    /// The figures as JSON: by section and name, the units that have not reported, and per unit.
    public func json() throws -> String {
        var sections: [String: [String: JSONValue]] = [:]
        for figure in activity.figures {
            sections[figure.section, default: [:]][figure.name] = .int(Int64(figure.value))
        }
        return try JSONValue.object([
            "period": .string(activity.period.description), "as_of": .string("\(activity.asOf)"),
            "title": .string(title), "figures": .object(sections.mapValues(JSONValue.object)),
            "missing_reports": .array(activity.missingReports.map { .string($0.unit) }),
        ]).text()
    }

    private var context: [String: Any] {
        let sectionOrder = Array(FirstSeen(activity.figures.map(\.section)))
        return [
            "lang": say("zh-CN", "en"), "title": title,
            "subtitle": say(
                "据 AEO Hub 日志汇编于 \(today)：\(activity.period.start) 至 \(activity.asOf) 的办理情况及期末状态",
                "Compiled \(today) from the AEO Hub log: \(activity.period.start) to \(activity.asOf), and the state "
                    + "at its end"
            ),
            "charts": charts.map { ["svg": $0.svg(), "title": $0.title] },
            "figureSections": sectionOrder.map { section in
                [
                    "heading": BimonthlyReport.sections[section].map { language == .zh ? $0 : englishPart($0) }
                        ?? section,
                    "figures": activity.figures.filter { $0.section == section }.map { figure in
                        ["name": figureName(figure), "value": figure.value]
                    },
                ] as [String: Any]
            },
            "tables": tables.map(\.context),
            "missingTitle": say("未报送单位", "Units that have not reported"),
            "missing": activity.missingReports.map { ["name": name($0.unit)] },
            "allReported": activity.missingReports.isEmpty,
            "allReportedText": say("各单位均已报送。", "Every unit has reported."),
            "figuresTitle": say("主要指标", "Figures"), "chartsTitle": say("图表", "Charts"),
        ]
    }

    private func englishPart(_ heading: String) -> String {
        heading.drop { !$0.isASCII || $0 == " " }.description
    }

    private func figureName(_ figure: PeriodActivity.Figure) -> String {
        language == .zh
            ? Terms.figures["\(figure.section).\(figure.name)"] ?? figure.name
            : figure.name.replacingOccurrences(of: "_", with: " ")
    }

    private func value(_ section: String, _ name: String) -> Int { activity.value(section, name) }

    private var charts: [BarChart] {
        let statuses: [(String, String, [RequestRecord.Status])] = [
            ("办理中", "open", [.filed, .acknowledged, .inProgress]), ("已办结", "resolved", [.resolved]),
            ("已退回", "declined", [.declined]), ("已撤回", "withdrawn", [.withdrawn]),
        ]
        let byArea = Dictionary(grouping: state.requests.values, by: \.area).sorted { $0.key < $1.key }
        let requests = BarChart(
            title: say("各区诉求（按状态）", "Requests by district and status"),
            series: statuses.map { say($0.0, $0.1) },
            bars: byArea.map { area, rows in
                let unit = state.topology.units.values.first { $0.area == area }
                return BarChart.Bar(
                    unit.map { UnitNames.display($0.name, language) } ?? area,
                    statuses.map { status in rows.filter { status.2.contains($0.status) }.count })
            })
        let certification = BarChart(
            title: say("认证与实地认证（联合认证单列）", "Cases and audits, joint audits apart"),
            series: [say("本关区", "Xiamen"), say("联合认证", "joint with Fuzhou")],
            bars: [
                .init(say("立案", "cases opened"), [value("cases", "opened"), 0]),
                .init(say("通过认证", "certified"), [value("cases", "certified"), 0]),
                .init(
                    say("实地认证", "audits held"),
                    [value("audits", "held") - value("audits", "held_joint"), value("audits", "held_joint")]),
                .init(say("复核", "reviews"), [value("reviews", "opened"), 0]),
            ])
        let actions = BarChart(
            title: say("交办事项", "Action items"), series: [say("件", "items")],
            bars: [
                .init(say("交办", "assigned"), [value("actions", "assigned")]),
                .init(say("完成", "done"), [value("actions", "done")]),
                .init(say("期末逾期", "overdue at the end"), [value("actions", "overdue_at_end")]),
            ])
        let confirmations = BarChart(
            title: say("信用调整确认情况", "Confirmations of credit changes"),
            series: [say("已确认", "confirmed"), say("未确认", "pending")],
            bars: state.creditChanges.values.sorted { $0.id < $1.id }.map { change in
                .init(change.id, [change.confirmed.count, change.lifted ? 0 : change.pending.count])
            })
        return [requests, certification, actions, confirmations]
    }
}

/// The distinct elements of a sequence, in first-seen order.
struct FirstSeen: Sequence {
    let items: [String]
    init(_ items: [String]) {
        var seen = Set<String>()
        self.items = items.filter { seen.insert($0).inserted }
    }
    func makeIterator() -> IndexingIterator<[String]> { items.makeIterator() }
}
