import Coordination
import Foundation
import HubProtocol
import Reports

/// Builds each page from the hub's views, in one language, as of one day.
struct PageBuilder {
    let source: any DashboardSource
    let topology: Topology
    let language: Language
    let today: CivilDate

    /// Days before a case's deadline from which the overview lists it.
    static let nearDeadlineDays = 15

    private func say(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    private func figure(_ key: String, _ zh: String, _ en: String, _ value: Int, alert: Bool = false) -> Page.Figure {
        Page.Figure(key: key, label: language == .zh ? "\(zh) \(en)" : en, value: value, alert: alert && value > 0)
    }

    private func unitName(_ id: String) -> String { UnitNames.display(topology.units[id]?.name ?? id, language) }

    private func areaName(_ area: String) -> String {
        topology.units.values.first { $0.area == area }.map { UnitNames.display($0.name, language) } ?? area
    }

    /// Whole days from today to `day` (negative once past).
    private func daysUntil(_ day: String) -> Int? { CivilDate(day).map { today.days(until: $0) } }

    // MARK: Pages

    func overview() async throws -> Page {
        let requests = try await source.view(.requests)
        let cases = try await source.view(.cases)
        let audits = try await source.view(.audits)
        let actions = try await source.view(.actions)
        let credit = try await source.view(.creditChanges)
        let incentives = try await source.view(.incentives)
        let reports = try await source.view(.reports)
        let units = try await source.view(.units)
        var page = Page(path: "", title: say("总览 Overview", "Overview"))
        page.asOfSequence =
            [requests, cases, audits, actions, credit, incentives, reports, units].map(\.asOfSequence).max() ?? 0

        let open = requests.requests.filter { ["filed", "acknowledged", "in_progress"].contains($0.status) }
        let overdue = open.filter {
            CivilDate(chinaTimeMilliseconds: $0.filedAtMs).days(until: today) > topology.requestServiceDays
        }
        let openCases = cases.cases.filter { $0.status == "open" }
        let near = openCases.filter { !$0.overdue && (daysUntil($0.deadline) ?? .max) <= Self.nearDeadlineDays }
        let lateCases = openCases.filter(\.overdue)
        let awaiting = audits.audits.filter { !$0.waitingFor.isEmpty }
        let lateActions = actions.actions.filter { $0.status != .done && (daysUntil($0.due) ?? 0) < 0 }
        let unconfirmed = credit.creditChanges.filter { !$0.lifted && !$0.pending.isEmpty }
        let mustStop = incentives.incentives.filter { $0.status == "must_stop" }
        let period = ReportPeriod(containing: today).description
        let reported = Set(reports.reports.filter { $0.period == period }.map(\.unit))
        let missing = topology.units.values.filter { $0.role != .coordinator && !reported.contains($0.id) }
        let offline = units.units.filter { !$0.online && $0.presenceChangedMs != 0 }
        let backlog = units.units.filter { $0.pendingDeliveries > 0 }

        page.figures = [
            figure("requests_open", "未办结诉求", "Open requests", open.count),
            figure("requests_overdue", "逾期诉求", "Overdue requests", overdue.count, alert: true),
            figure("cases_open", "在办认证案件", "Open cases", openCases.count),
            figure("cases_near_deadline", "临近时限案件", "Cases near their deadline", near.count, alert: true),
            figure("cases_overdue", "逾期案件", "Overdue cases", lateCases.count, alert: true),
            figure(
                "audits_awaiting_partner", "待福州海关答复的联合认证", "Joint audits awaiting Fuzhou", awaiting.count,
                alert: true),
            figure("actions_overdue", "逾期交办事项", "Overdue action items", lateActions.count, alert: true),
            figure(
                "credit_unconfirmed", "待确认信用调整", "Credit changes awaiting confirmations", unconfirmed.count,
                alert: true),
            figure(
                "incentives_must_stop", "应停未停激励", "Incentives that must stop", mustStop.count, alert: true),
            figure(
                "reports_missing", "本期未报送单位", "Units without a report this period", missing.count,
                alert: true),
            figure("units_offline", "离线单位", "Units offline", offline.count, alert: true),
            figure("units_backlog", "待投递单位", "Units with deliveries waiting", backlog.count),
        ]
        var attention: [String] = []
        for (area, items) in Dictionary(grouping: overdue, by: \.area).sorted(by: { $0.key < $1.key }) {
            attention.append(
                say(
                    "\(areaName(area))：\(items.count) 件诉求逾期未办结",
                    "\(areaName(area)): \(items.count) requests overdue"))
        }
        for item in lateCases + near {
            let left = daysUntil(item.deadline) ?? 0
            attention.append(
                left < 0
                    ? say(
                        "案件 \(item.caseID)（\(item.enterprise.name)）已超过办结时限 \(-left) 天",
                        "Case \(item.caseID) (\(item.enterprise.name)) is \(-left) days past its deadline")
                    : say(
                        "案件 \(item.caseID)（\(item.enterprise.name)）距办结时限 \(left) 天",
                        "Case \(item.caseID) (\(item.enterprise.name)): \(left) days to its deadline"))
        }
        for audit in awaiting {
            let who = audit.waitingFor.map(unitName).joined(separator: "、")
            attention.append(
                say(
                    "联合认证 \(audit.auditID) 待 \(who) 确认时段",
                    "Joint audit \(audit.auditID) waits for \(who) to accept a slot"))
        }
        for action in lateActions {
            attention.append(
                say(
                    "交办事项 \(action.actionID)（\(unitName(action.owner))）\(action.due) 到期未完成",
                    "Action item \(action.actionID) (\(unitName(action.owner))) was due \(action.due)"))
        }
        for change in unconfirmed {
            attention.append(
                say(
                    "信用调整 \(change.changeID)：\(change.pending.count) 个单位未确认停止激励",
                    "Credit change \(change.changeID): \(change.pending.count) units have not confirmed"))
        }
        for incentive in mustStop {
            attention.append(
                say(
                    "\(unitName(incentive.granter)) 对 \(incentive.enterprise.name) 的激励 "
                        + "\(incentive.incentiveID) 应停止",
                    "\(unitName(incentive.granter)) must stop incentive \(incentive.incentiveID) to "
                        + "\(incentive.enterprise.name)"
                ))
        }
        if !missing.isEmpty {
            let names = missing.map { UnitNames.display($0.name, language) }.sorted()
            attention.append(
                say(
                    "\(period) 未报送：\(names.joined(separator: "、"))",
                    "Not reported for \(period): \(names.joined(separator: ", "))"))
        }
        page.attention = attention
        return page
    }
}
