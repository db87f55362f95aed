import HubProtocol

// Breach reports (measure 20: 各相关部门…及时推送) and the customs officers named to serve an enterprise
// (measures 15 and 21). Any department, district, zone or the coordinator reports a breach; only a
// customs office decides it, by publishing a credit change or dismissing it.
extension CoordinationState {
    mutating func applyBreach(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .breachReported(let m):
            guard breaches[m.reportID] == nil else {
                throw .workflow("breach report \(m.reportID) already exists; choose a new id", field: "\(p).report_id")
            }
            let found = try date(m.foundOn, "\(p).found_on")
            let pushed = m.platformPushedOn.isEmpty ? nil : try date(m.platformPushedOn, "\(p).platform_pushed_on")
            for (day, field) in [(found, "found_on"), (pushed, "platform_pushed_on")] {
                if t.checking, let day, day > t.today {
                    throw .workflow("\(field) \(day) is in the future (today is \(t.today))", field: "\(p).\(field)")
                }
            }
            let uscc = m.enterprise.uscc
            breaches[m.reportID] = BreachRecord(
                id: m.reportID, uscc: uscc, enterpriseName: m.enterprise.name, reporter: sender.id,
                severity: m.severity, facts: m.facts, foundOn: found, platformPushedOn: pushed,
                reportedAt: t.now)
            return route(breachDeciders(uscc), sender: sender, uscc: uscc)
        case .breachDecided(let m):
            guard var report = breaches[m.reportID] else {
                throw .workflow("there is no breach report \(m.reportID)", field: "\(p).report_id")
            }
            guard report.status == .open else {
                throw .workflow(
                    "breach report \(m.reportID) was already decided (\(report.status.rawValue)) by "
                        + (report.decidedBy ?? "customs"))
            }
            if m.decision == .changePublished {
                guard let change = creditChanges[m.changeID] else {
                    throw .workflow(
                        "there is no credit change '\(m.changeID)'; publish the change first, then decide the report "
                            + "naming it", field: "\(p).change_id")
                }
                guard change.uscc == report.uscc else {
                    throw .workflow(
                        "credit change \(m.changeID) is about \(change.uscc), not \(report.uscc) of report "
                            + m.reportID, field: "\(p).change_id")
                }
                report.changeID = change.id
            }
            report.status = m.decision == .changePublished ? .changePublished : .dismissed
            report.decidedBy = sender.id
            breaches[m.reportID] = report
            return route([report.reporter], sender: sender, uscc: report.uscc)
        default:
            throw .unhandled(p)
        }
    }

    /// Who decides a breach report: the office holding the enterprise's certificate, else every customs office.
    private func breachDeciders(_ uscc: String) -> [String] {
        standings[uscc]?.certificate.map { [$0.office] } ?? topology.ids(of: .customs)
    }

    mutating func assignContact(_ m: CustomsContactAssigned, _ t: Transition) throws(Refusal) -> Admission {
        let standing = standings[m.uscc]
        let listed = cultivation[m.uscc]?.status == .listed
        if t.checking, standing?.certificate.map({ $0.status != .withdrawn }) != true, !listed {
            throw .workflow(
                "\(m.uscc) is neither a certified enterprise nor on the key list (信用培育重点名单); "
                    + "name a contact for it once it is one", field: "\(t.p).uscc")
        }
        var officer = m.officer
        if officer.office.isEmpty { officer.office = t.sender.id }
        try withStanding(m.uscc, name: cultivation[m.uscc]?.name ?? "") { standing throws(Refusal) in
            if m.duty == .liaison { standing.liaison = officer } else { standing.coordinator = officer }
        }
        return route([standing?.certificate?.office], sender: t.sender, uscc: m.uscc)
    }
}

/// A breach reported to customs, and what customs decided.
public struct BreachRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case open
        case changePublished = "change_published"
        case dismissed
    }
    public var id: String
    public var uscc: String
    public var enterpriseName: String
    public var reporter: String
    public var severity: Severity
    public var facts: String
    public var foundOn: CivilDate
    public var platformPushedOn: CivilDate?
    public var status: Status = .open
    public var changeID: String?
    public var decidedBy: String?
    public var reportedAt: Int64
    public var participants: Set<String> = []

    public init(
        id: String, uscc: String, enterpriseName: String, reporter: String, severity: Severity, facts: String,
        foundOn: CivilDate, platformPushedOn: CivilDate?, reportedAt: Int64
    ) {
        self.id = id
        self.uscc = uscc
        self.enterpriseName = enterpriseName
        self.reporter = reporter
        self.severity = severity
        self.facts = facts
        self.foundOn = foundOn
        self.platformPushedOn = platformPushedOn
        self.reportedAt = reportedAt
    }
}
