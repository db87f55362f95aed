import HubProtocol

// The incentive register (measures 5, 7-17, 20): granting units record what they granted; a credit
// change that stops joint incentives marks them to stop, and the granter's confirmation closes them.
extension CoordinationState {
    mutating func applyIncentive(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .incentiveGranted(let m):
            let uscc = m.enterprise.uscc
            guard incentives[m.incentiveID] == nil else {
                throw .workflow(
                    "incentive \(m.incentiveID) already exists; choose a new id", field: "\(p).incentive_id")
            }
            let granted = try date(m.grantedOn, "\(p).granted_on")
            if t.checking, granted > t.today {
                throw .workflow(
                    "granted_on \(granted) is in the future (today is \(t.today)); record an incentive once granted",
                    field: "\(p).granted_on")
            }
            if t.checking { try checkGrant(m, sender: sender, today: t.today, p) }
            if t.checking, let stop = incentiveStop(for: uscc) {
                throw .workflow(
                    "\(uscc) is under credit change \(stop.id) (\(levelName(stop.levelSet, stop.to)) from "
                        + "\(stop.effective)): "
                        + "joint incentives are stopped (measure 20); grant none until the change is lifted")
            }
            incentives[m.incentiveID] = IncentiveRecord(
                id: m.incentiveID, uscc: uscc, enterpriseName: m.enterprise.name, granter: sender.id,
                measure: m.measure, support: m.support, grantedOn: granted)
            try withStanding(uscc, name: m.enterprise.name) { standing throws(Refusal) in
                standing.incentives.append(m.incentiveID)
            }
            return route([], sender: sender, uscc: uscc)
        case .incentiveStopped(let m):
            guard var incentive = incentives[m.incentiveID] else {
                throw .workflow("there is no incentive \(m.incentiveID)", field: "\(p).incentive_id")
            }
            if t.checking, incentive.granter != sender.id, sender.role != .coordinator {
                throw .notAuthorised(
                    "\(incentive.granter) granted incentive \(m.incentiveID); only it (or the coordinator) stops it")
            }
            guard incentive.stoppedAt == nil else { throw .workflow("incentive \(m.incentiveID) is already stopped") }
            incentive.stoppedAt = t.now
            incentives[m.incentiveID] = incentive
            return route([incentive.granter], sender: sender, uscc: incentive.uscc)
        default:
            throw .unhandled(p)
        }
    }

    /// Closes the incentives `granter` gave `uscc`, as its confirmation of `change` says it did.
    mutating func stopIncentives(of uscc: String, grantedBy granter: String, change: String, at now: Int64) {
        let ids = standings[uscc]?.incentives ?? []
        work.entriesVisited += ids.count
        for id in ids where incentives[id]?.granter == granter && incentives[id]?.stoppedAt == nil {
            incentives[id]?.stoppedAt = now
            incentives[id]?.stoppedBy = change
        }
    }

    mutating func applyActivity(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        guard case .activityRecorded(let m) = payload else { throw .unhandled(p) }
        guard activities[m.activityID] == nil else {
            throw .workflow("activity \(m.activityID) already exists; choose a new id", field: "\(p).activity_id")
        }
        let held = try date(m.heldOn, "\(p).held_on")
        if t.checking, held > t.today {
            throw .workflow(
                "held_on \(held) is in the future (today is \(t.today)); record an activity once held",
                field: "\(p).held_on")
        }
        if t.checking, let index = m.organisers.firstIndex(where: { topology.units[$0] == nil }) {
            throw Refusal(
                .invalidField, "'\(m.organisers[index])' is not a unit of this network",
                field: "\(p).organisers[\(index)]")
        }
        var organisers = [sender.id]
        for unit in m.organisers where !organisers.contains(unit) { organisers.append(unit) }
        activities[m.activityID] = ActivityRecord(
            id: m.activityID, kind: m.kind, title: m.title, heldOn: held, organisers: organisers,
            enterprisesReached: m.enterprisesReached, attendance: m.attendance)
        return route(organisers, sender: sender)
    }

    mutating func applyReport(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        switch payload {
        case .progressReport(let m):
            reports["\(t.sender.id)\u{0}\(m.period)"] = ReportRecord(
                unit: t.sender.id, period: m.period,
                figures: Dictionary(m.figures.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }), text: m.text,
                filedAt: t.now)
            return route([], sender: t.sender)
        case .nodePresence(let m):
            presence[m.nodeID] = Presence(online: m.online, at: t.now)
            return route([], sender: t.sender)
        default:
            throw .unhandled(t.p)
        }
    }
}

/// An incentive in the register.
public struct IncentiveRecord: Sendable, Hashable {
    public var id: String
    public var uscc: String
    public var enterpriseName: String
    public var granter: String
    public var measure: UInt32
    public var support: String
    public var grantedOn: CivilDate
    public var stoppedAt: Int64?
    /// The credit change whose confirmation stopped it.
    public var stoppedBy: String?
    public var participants: Set<String> = []
    /// Why it must stop, once something marked it; kept after it stopped.
    public var stopCause: StopCause?

    /// `active`, `must_stop` or `stopped`.
    public var status: String { stoppedAt != nil ? "stopped" : stopCause == nil ? "active" : "must_stop" }
}

/// A publicity or training activity (measure 3).
public struct ActivityRecord: Sendable, Hashable {
    public var id: String
    public var kind: ActivityKind
    public var title: String
    public var heldOn: CivilDate
    /// The sender first.
    public var organisers: [String]
    public var enterprisesReached: UInt32
    public var attendance: UInt32
    public var participants: Set<String> = []
}
