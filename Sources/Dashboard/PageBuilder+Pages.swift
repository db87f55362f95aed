import Coordination
import Foundation
import HubProtocol
import Reports

// The pages behind the overview: each a few figures and the CLI's listings of one workflow.
extension PageBuilder {
    func requests() async throws -> Page {
        let view = try await source.view(.requests)
        var page = Page(path: "requests", title: language.pick("企业诉求台账 Request ledger", "Request ledger"))
        page.asOfSequence = view.asOfSequence
        var byArea = Table(["Area", "Open", "Overdue", "Oldest open days", "Settled"], language: language)
        for (area, rows) in Dictionary(grouping: view.requests, by: \.area).sorted(by: { $0.key < $1.key }) {
            let open = rows.filter { ["filed", "acknowledged", "in_progress"].contains($0.status) }
            let ages = open.map { CivilDate(chinaTimeMilliseconds: $0.filedAtMs).days(until: today) }
            byArea.append([
                Cell(topology.units.values.first { $0.area == area }?.name ?? area, json: .string(area)),
                .int(open.count), .int(ages.filter { $0 > topology.requestServiceDays }.count),
                ages.max().map { .int($0) } ?? Cell("", json: .null), .int(rows.count - open.count),
            ])
        }
        page.sections = [
            Page.Section(
                key: "by_area", heading: language.pick("各区 By district or zone", "By district or zone"),
                table: byArea),
            Page.Section(
                key: "requests", heading: language.pick("台账 Ledger", "Ledger"),
                table: Listings(
                    view: view, today: today, serviceDays: topology.requestServiceDays,
                    language: language
                ).requests()),
        ]
        return page
    }

    func cases() async throws -> Page {
        let view = try await source.view(.cases)
        var page = Page(path: "cases", title: language.pick("认证案件 Certification cases", "Certification cases"))
        page.asOfSequence = view.asOfSequence
        let open = view.cases.filter { $0.status == "open" }
        page.figures = [
            Page.Figure(key: "open", label: language.pick("在办 Open", "Open"), value: open.count, alert: false),
            Page.Figure(
                key: "overdue", label: language.pick("逾期 Overdue", "Overdue"),
                value: open.filter(\.overdue).count, alert: open.contains(where: \.overdue)),
            Page.Figure(
                key: "priority", label: language.pick("重点培育 On the key list", "On the key list"),
                value: open.filter(\.priority).count, alert: false),
        ]
        let certificates = try await source.view(.certificates)
        page.sections = [
            Page.Section(
                key: "cases", heading: language.pick("案件与时限 Cases and deadlines", "Cases and deadlines"),
                table: listing(view).cases),
            Page.Section(
                key: "certificates",
                heading: language.pick(
                    "认证企业与复核 Certificates and reviews",
                    "Certificates and reviews"),
                table: listing(certificates).certificates()),
        ]
        return page
    }

    /// The audit calendar: scheduled audits by day, joint ones apart, those awaiting Fuzhou marked.
    func audits() async throws -> Page {
        let view = try await source.view(.audits)
        var page = Page(path: "audits", title: language.pick("实地认证日程 Audit calendar", "Audit calendar"))
        page.asOfSequence = view.asOfSequence
        func calendar(_ rows: [AuditRow]) -> Table {
            var table = Table(["When", "Audit", "Case", "USCC", "Office", "Status", "Waiting for"], language: language)
            let sorted = rows.sorted { ($0.scheduled.startMs, $0.auditID) < ($1.scheduled.startMs, $1.auditID) }
            for audit in sorted {
                let waiting = audit.waitingFor.map { topology.units[$0]?.name ?? $0 }
                table.append([
                    audit.hasScheduled
                        ? Cell(EnvelopeText.slot(audit.scheduled), json: .slot(audit.scheduled))
                        : Cell(language.pick("待定", "to be fixed"), json: .null),
                    .text(audit.auditID), .text(audit.caseID), .text(audit.uscc),
                    .text(topology.units[audit.office]?.name ?? audit.office),
                    Cell(language.word(audit.status, Terms.auditStatuses), json: .string(audit.status)),
                    Cell(waiting.joined(separator: ", "), json: .array(audit.waitingFor.map(JSONValue.string))),
                ])
            }
            return table
        }
        let live = view.audits.filter { $0.status == "proposed" || $0.status == "scheduled" }
        page.figures = [
            Page.Figure(
                key: "joint", label: language.pick("联合认证 Joint", "Joint"),
                value: live.filter(\.joint).count, alert: false),
            Page.Figure(
                key: "awaiting_partner", label: language.pick("待福州海关 Awaiting Fuzhou", "Awaiting Fuzhou"),
                value: live.filter { !$0.waitingFor.isEmpty }.count,
                alert: live.contains { !$0.waitingFor.isEmpty }),
        ]
        page.sections = [
            Page.Section(
                key: "joint",
                heading: language.pick(
                    "跨关区联合认证 Joint audits with Fuzhou Customs",
                    "Joint audits with Fuzhou Customs"),
                table: calendar(live.filter(\.joint))),
            Page.Section(
                key: "local", heading: language.pick("本关区 In Xiamen's area", "In Xiamen's area"),
                table: calendar(live.filter { !$0.joint })),
            Page.Section(
                key: "audits", heading: language.pick("全部 Every audit", "Every audit"),
                table: listing(view).audits),
        ]
        return page
    }

    func meetings() async throws -> Page {
        let meetings = try await source.view(.meetings)
        let actions = try await source.view(.actions)
        var page = Page(path: "meetings", title: language.pick("联席会议 Joint meetings", "Joint meetings"))
        page.asOfSequence = max(meetings.asOfSequence, actions.asOfSequence)
        page.sections = [
            Page.Section(
                key: "meetings",
                heading: language.pick(
                    "会议 Meetings (纪要: /meetings/ID)",
                    "Meetings (records at /meetings/ID)"),
                table: listing(meetings).meetings),
            Page.Section(
                key: "actions", heading: language.pick("交办事项 Action items", "Action items"),
                table: listing(actions).actions()),
        ]
        return page
    }

    func credit() async throws -> Page {
        let credit = try await source.view(.creditChanges)
        let incentives = try await source.view(.incentives)
        var page = Page(
            path: "credit",
            title: language.pick(
                "信用调整与联合激励 Credit and incentives",
                "Credit changes and incentives"))
        page.asOfSequence = max(credit.asOfSequence, incentives.asOfSequence)
        var waiting = Table(["Change", "Enterprise", "Units still to confirm"], language: language)
        for change in credit.creditChanges where !change.lifted && !change.pending.isEmpty {
            waiting.append([
                .text(change.changeID), .text(change.enterprise.name),
                Cell(
                    change.pending.map { topology.units[$0]?.name ?? $0 }.joined(separator: ", "),
                    json: .array(change.pending.map(JSONValue.string))),
            ])
        }
        page.sections = [
            Page.Section(
                key: "unconfirmed",
                heading: language.pick(
                    "待确认 Who still has to confirm",
                    "Who still has to confirm"), table: waiting),
            Page.Section(
                key: "credit_changes", heading: language.pick("信用调整 Credit changes", "Credit changes"),
                table: listing(credit).creditChanges),
            Page.Section(
                key: "incentives", heading: language.pick("激励登记 Incentive register", "Incentive register"),
                table: listing(incentives).incentives()),
        ]
        return page
    }

    /// Units' presence and delivery backlog, and who has reported for the period.
    func units() async throws -> Page {
        let units = try await source.view(.units)
        let reports = try await source.view(.reports)
        var page = Page(path: "units", title: language.pick("单位在线与投递 Units", "Units"))
        page.asOfSequence = units.asOfSequence
        let period = ReportPeriod(containing: today).description
        let reported = Set(reports.reports.filter { $0.period == period }.map(\.unit))
        var table = Table(
            ["Unit", "Name", "Role", "Online", "Since", "Acknowledged", "Waiting", "Reported"], language: language)
        for unit in units.units.sorted(by: { ($0.role, $0.unit) < ($1.role, $1.unit) }) {
            table.append([
                .text(unit.unit), .text(unit.name),
                Cell(language.word(unit.role, Terms.roles), json: .string(unit.role)),
                Cell(
                    unit.online ? language.pick("在线", "online") : language.pick("离线", "offline"),
                    json: .bool(unit.online)),
                unit.presenceChangedMs == 0
                    ? Cell("", json: .null)
                    : Cell(
                        EnvelopeText.timestamp(unit.presenceChangedMs), json: .time(unit.presenceChangedMs)),
                .int(Int(unit.acknowledgedSequence)), .int(Int(unit.pendingDeliveries)),
                unit.role == "coordinator"
                    ? Cell("", json: .null)
                    : .flag(reported.contains(unit.unit), language.pick("已报送", "yes")),
            ])
        }
        page.sections = [
            Page.Section(key: "units", heading: language.pick("各单位 Every unit", "Every unit"), table: table)
        ]
        return page
    }

    private func listing(_ view: View) -> Listings {
        Listings(view: view, today: today, serviceDays: topology.requestServiceDays, language: language)
    }
}
