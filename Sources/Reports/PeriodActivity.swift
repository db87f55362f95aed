import Coordination
import HubProtocol

/// What happened within a reporting period and where things stood at its end, counted from the log:
/// the state folded from every record accepted before the period's end, and the records accepted
/// within it.
public struct PeriodActivity: Sendable {
    /// One figure of the report: its section, its name and its value.
    public struct Figure: Sendable, Hashable {
        public let section: String
        public let name: String
        public let value: Int
    }

    /// One unit's share of the period.
    public struct UnitFigures: Sendable, Hashable {
        public let unit: String
        public let name: String
        public let role: Role
        public var requestsFiled = 0
        public var requestsSettled = 0
        public var casesOpened = 0
        public var auditsHeld = 0
        public var actionsDone = 0
        public var confirmations = 0
        public var reported = false
    }

    public let period: ReportPeriod
    /// The state at the period's end.
    public let state: CoordinationState
    /// Every figure, in report order.
    public private(set) var figures: [Figure] = []
    /// Every unit but the coordinator, by node id.
    public private(set) var units: [UnitFigures] = []
    /// Requests filed within the period, by area name.
    public private(set) var filedByArea: [String: Int] = [:]
    /// The units' own reports for the period, the latest of each unit, wherever they are in the
    /// log: a unit reports on a period after it has ended.
    public private(set) var reports: [String: ProgressReport] = [:]

    /// The day the state is judged on: the period's last day, or today for the current period.
    public let asOf: CivilDate

    /// Counts `records` (the log in order; what follows the period's end counts only for the
    /// units' reports on it) as of `today` (which matters for the current period only).
    public init(period: ReportPeriod, records: [Envelope], topology: Topology, today: CivilDate) {
        self.period = period
        asOf = min(today, period.lastDay)
        var state = CoordinationState(topology: topology)
        var within: [Envelope] = []
        for envelope in records {
            if case .progressReport(let report) = envelope.payload, report.period == period.description {
                reports[envelope.sender] = report
            }
            guard envelope.acceptedAtMs < period.endMilliseconds else { continue }
            state.fold(envelope)
            if period.contains(envelope.acceptedAtMs) { within.append(envelope) }
        }
        self.state = state
        count(within)
    }

    /// The figure named `name` in `section`, 0 if none.
    public func value(_ section: String, _ name: String) -> Int {
        figures.first { $0.section == section && $0.name == name }?.value ?? 0
    }

    /// The units that have not filed their own report for the period.
    public var missingReports: [UnitFigures] { units.filter { !$0.reported } }

    private mutating func count(_ within: [Envelope]) {
        let topology = state.topology
        var tally: [String: Int] = [:]
        var perUnit: [String: UnitFigures] = [:]
        for unit in topology.units.values where unit.role != .coordinator {
            perUnit[unit.id] = UnitFigures(unit: unit.id, name: unit.name, role: unit.role)
        }
        func add(_ key: String, _ unit: String? = nil, _ figure: WritableKeyPath<UnitFigures, Int>? = nil) {
            tally[key, default: 0] += 1
            if let unit, let figure { perUnit[unit]?[keyPath: figure] += 1 }
        }
        for envelope in within {
            let sender = envelope.sender
            switch envelope.payload {
            case .requestFiled(let m):
                add("requests.filed", sender, \.requestsFiled)
                filedByArea[areaName(m.area), default: 0] += 1
            case .requestResolved: add("requests.resolved", sender, \.requestsSettled)
            case .requestDeclined: add("requests.declined", sender, \.requestsSettled)
            case .requestWithdrawn: add("requests.withdrawn")
            case .cultivationRecommended: add("cultivation.recommended")
            case .cultivationListed: add("cultivation.listed")
            case .cultivationDeclined: add("cultivation.declined")
            case .cultivationRemoved: add("cultivation.removed")
            case .caseOpened(let m) where m.kind == .review: add("reviews.opened")
            case .caseOpened: add("cases.opened", sender, \.casesOpened)
            case .caseConcluded(let m) where state.cases[m.caseID]?.kind == .review:
                add(m.result == .certified ? "reviews.passed" : "reviews.failed")
            case .caseConcluded(let m):
                switch m.result {
                case .certified: add("cases.certified")
                case .notCertified: add("cases.not_certified")
                default: add("cases.terminated")
                }
            case .certificateSuspended: add("reviews.suspended")
            case .creditObjectionFiled: add("credit.objections")
            case .creditRepairRequested: add("credit.repairs")
            case .incentiveGranted: add("incentives.granted")
            case .activityRecorded(let m):
                add("activities.held")
                tally["activities.enterprises_reached", default: 0] += Int(m.enterprisesReached)
                tally["activities.attendance", default: 0] += Int(m.attendance)
            case .planRecorded: add("plans.recorded")
            case .planMilestoneReached: add("plans.milestones_reached")
            case .auditScheduled: add("audits.scheduled")
            case .auditCompleted(let m):
                add("audits.held", sender, \.auditsHeld)
                if state.audits[m.auditID]?.joint == true { add("audits.held_joint") }
            case .meetingConvened: add("meetings.convened")
            case .decisionRecorded: add("meetings.decisions")
            case .actionItemAssigned: add("actions.assigned")
            case .actionItemProgress(let m) where m.status == .done:
                add("actions.done", state.actions[m.actionID]?.owner, \.actionsDone)
            case .creditChangePublished: add("credit.published")
            case .creditChangeConfirmed: add("credit.confirmations", sender, \.confirmations)
            case .creditChangeLifted: add("credit.lifted")
            default: break
            }
        }
        let lastDay = asOf
        let open = state.requests.values.filter(\.isOpen)
        tally["requests.open_at_end"] = open.count
        tally["requests.overdue_at_end"] =
            open.filter { $0.isOverdue(on: lastDay, serviceDays: topology.requestServiceDays) }.count
        tally["cases.open_at_end"] = state.cases.values.filter { $0.status == .open }.count
        tally["cases.past_deadline_at_end"] =
            state.cases.values.filter { $0.status == .open && $0.deadline < lastDay }.count
        tally["cultivation.listed_at_end"] = state.cultivation.values.filter { $0.status == .listed }.count
        tally["actions.due_in_period"] =
            state.actions.values.filter {
                $0.due >= period.start && $0.due < period.end
            }.count
        tally["actions.overdue_at_end"] = state.actions.values.filter { $0.isOverdue(on: lastDay) }.count
        tally["credit.pending_confirmations_at_end"] = state.creditChanges.values.reduce(0) { $0 + $1.pending.count }
        tally["credit.answers_overdue_at_end"] = state.creditChanges.values.filter { $0.isOverdue(on: lastDay) }.count
        let certificates = state.standings.values.compactMap(\.certificate).filter { $0.status != .withdrawn }
        tally["reviews.certificates_at_end"] = certificates.count
        tally["reviews.overdue_at_end"] = certificates.filter { $0.isReviewOverdue(on: lastDay) }.count
        let statuses = state.incentives.values.map(\.status)
        tally["incentives.active_at_end"] = statuses.filter { $0 == "active" }.count
        tally["incentives.must_stop_at_end"] = statuses.filter { $0 == "must_stop" }.count
        tally["incentives.stopped_at_end"] = statuses.filter { $0 == "stopped" }.count
        tally["plans.overdue_at_end"] = state.plans.values.filter { $0.isOverdue(on: lastDay) }.count
        for unit in reports.keys { perUnit[unit]?.reported = true }
        tally["reports.filed"] = perUnit.values.filter(\.reported).count
        tally["reports.missing"] = perUnit.values.filter { !$0.reported }.count

        figures = Self.order.map { key in
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            return Figure(section: parts[0], name: parts[1], value: tally[key] ?? 0)
        }
        units = perUnit.values.sorted { ($0.role.rawValue, $0.unit) < ($1.role.rawValue, $1.unit) }
    }

    private func areaName(_ area: String) -> String {
        state.topology.units.values.first { $0.area == area }?.name ?? area
    }

    /// The figures in the order the report prints them.
    static let order = [
        "requests.filed", "requests.resolved", "requests.declined", "requests.withdrawn", "requests.open_at_end",
        "requests.overdue_at_end",
        "cases.opened", "cases.certified", "cases.not_certified", "cases.terminated", "cases.open_at_end",
        "cases.past_deadline_at_end",
        "reviews.opened", "reviews.passed", "reviews.failed", "reviews.suspended", "reviews.certificates_at_end",
        "reviews.overdue_at_end",
        "audits.scheduled", "audits.held", "audits.held_joint",
        "meetings.convened", "meetings.decisions",
        "actions.assigned", "actions.due_in_period", "actions.done", "actions.overdue_at_end",
        "credit.published", "credit.confirmations", "credit.lifted", "credit.pending_confirmations_at_end",
        "credit.objections", "credit.repairs", "credit.answers_overdue_at_end",
        "incentives.granted", "incentives.active_at_end", "incentives.must_stop_at_end", "incentives.stopped_at_end",
        "activities.held", "activities.enterprises_reached", "activities.attendance",
        "plans.recorded", "plans.milestones_reached", "plans.overdue_at_end",
        "cultivation.recommended", "cultivation.listed", "cultivation.declined", "cultivation.removed",
        "cultivation.listed_at_end",
        "reports.filed", "reports.missing",
    ]
}
