import HubProtocol

// The credit cultivation key list (measure 1) and cultivation plans (measure 2).
extension CoordinationState {
    mutating func applyCultivation(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender, now) = (t.p, t.sender, t.now)
        switch payload {
        case .cultivationRecommended(let m):
            let uscc = m.enterprise.uscc
            var record =
                cultivation[uscc]
                ?? CultivationRecord(
                    uscc: uscc, name: m.enterprise.name, recommenders: [], status: .recommended, updatedAt: now)
            if record.status == .listed { throw .workflow("\(uscc) is already on the key list") }
            if !record.recommenders.contains(sender.id) { record.recommenders.append(sender.id) }
            record.status = .recommended
            record.updatedAt = now
            if m.category != .unspecified { record.category = m.category }
            cultivation[uscc] = record
            return route(topology.ids(of: .customs), sender: sender, uscc: uscc)
        case .cultivationListed(let m):
            // Customs may list an enterprise on its own initiative, without a recommendation.
            if cultivation[m.uscc] == nil {
                cultivation[m.uscc] = CultivationRecord(
                    uscc: m.uscc, name: "", recommenders: [], status: .recommended, updatedAt: now)
            }
            if m.category != .unspecified, cultivation[m.uscc]?.status != .listed {
                cultivation[m.uscc]?.category = m.category
            }
            let admission = try moveCultivation(
                m.uscc, from: [.recommended, .declined, .removed], to: .listed, at: now, sender: sender,
                refusal: "\(m.uscc) is already on the key list", field: "\(p).uscc")
            if m.hasCoordinator {
                try withStanding(m.uscc, name: cultivation[m.uscc]?.name ?? "") { standing throws(Refusal) in
                    standing.coordinator = m.coordinator
                }
            }
            return admission
        case .cultivationDeclined(let m):
            return try moveCultivation(
                m.uscc, from: [.recommended], to: .declined, at: now, sender: sender,
                refusal: "\(m.uscc) has no pending recommendation to decline", field: "\(p).uscc")
        case .cultivationRemoved(let m):
            return try moveCultivation(
                m.uscc, from: [.listed], to: .removed, at: now, sender: sender,
                refusal: "\(m.uscc) is not on the key list", field: "\(p).uscc")
        case .planRecorded(let m):
            guard plans[m.planID] == nil else {
                throw .workflow("plan \(m.planID) already exists; choose a new plan id", field: "\(p).plan_id")
            }
            plans[m.planID] = PlanRecord(
                id: m.planID, enterprise: m.enterprise, approach: m.approach, members: m.members,
                milestones: m.milestones, reached: [], officer: m.officer, office: sender.id, recordedAt: now)
            try withStanding(m.enterprise.uscc, name: m.enterprise.name) { standing throws(Refusal) in
                standing.openPlans.append(m.planID)
            }
            return route([], sender: sender, uscc: m.enterprise.uscc)
        case .planMilestoneReached(let m):
            guard var plan = plans[m.planID] else {
                throw .workflow("there is no plan \(m.planID)", field: "\(p).plan_id")
            }
            if t.checking, plan.office != sender.id {
                throw .notAuthorised(
                    "plan \(m.planID) belongs to \(plan.office); only that office records its milestones")
            }
            guard Int(m.milestone) <= plan.milestones.count else {
                throw Refusal(
                    .invalidField,
                    "plan \(m.planID) has milestones 1 to \(plan.milestones.count); there is no \(m.milestone)",
                    field: "\(p).milestone")
            }
            guard !plan.reached.contains(m.milestone) else {
                throw .workflow("milestone \(m.milestone) of plan \(m.planID) was already reached")
            }
            plan.reached.append(m.milestone)
            plans[m.planID] = plan
            if plan.reached.count >= plan.milestones.count {
                standings[plan.enterprise.uscc]?.openPlans.removeAll { $0 == m.planID }
            }
            return route([plan.office], sender: sender, uscc: plan.enterprise.uscc)
        default:
            throw .unhandled(p)
        }
    }

    mutating func moveCultivation(
        _ uscc: String, from: Set<CultivationRecord.Status>, to status: CultivationRecord.Status, at now: Int64,
        sender: Unit, refusal: String, field: String
    ) throws(Refusal) -> Admission {
        guard var record = cultivation[uscc], from.contains(record.status) else {
            throw .workflow(refusal, field: field)
        }
        record.status = status
        record.updatedAt = now
        cultivation[uscc] = record
        return route(record.recommenders, sender: sender, uscc: uscc)
    }

    /// Whether `uscc` is on the key list: its cases carry a priority mark.
    public func isPriority(_ uscc: String) -> Bool { cultivation[uscc]?.status == .listed }
}

/// A tailored cultivation plan (measure 2).
public struct PlanRecord: Sendable, Hashable {
    public var id: String
    public var enterprise: Enterprise
    public var approach: PlanApproach
    public var members: [Enterprise]
    public var milestones: [Milestone]
    /// Numbers (from 1) of the milestones reached, in the order recorded.
    public var reached: [UInt32]
    public var officer: Officer
    public var office: String
    public var recordedAt: Int64
    public var participants: Set<String> = []

    /// A milestone not reached is past its due date.
    public func isOverdue(on date: CivilDate) -> Bool {
        milestones.enumerated().contains { index, milestone in
            !reached.contains(UInt32(index + 1)) && (CivilDate(milestone.dueDate).map { $0 < date } ?? false)
        }
    }
}
