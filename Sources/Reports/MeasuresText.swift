import HubProtocol

/// Summaries of the messages protocols 1.2 and 1.4 added: reviews, suspensions, plans, objections,
/// repairs, incentives, activities, customs contacts and breach reports.
enum MeasuresText {
    static func summary(_ envelope: Envelope) -> String {
        switch envelope.payload {
        case .certificateSuspended(let m): "\(m.uscc) suspended (\(m.ground.label)): \(m.reason)"
        case .suspensionLifted(let m): "\(m.uscc) suspension lifted: \(m.reason)"
        case .planRecorded(let m):
            "\(m.planID) \(m.enterprise.name) (\(m.approach.label)), \(m.members.count) members, "
                + "\(m.milestones.count) milestones, officer \(m.officer.name)"
        case .planMilestoneReached(let m): "\(m.planID) milestone \(m.milestone) reached \(m.note)"
        case .creditObjectionFiled(let m): "\(m.changeID) objection: \(m.grounds)"
        case .creditObjectionDecided(let m): "\(m.changeID) objection decided, \(m.decision.label): \(m.reason)"
        case .creditRepairRequested(let m): "\(m.changeID) repair requested: \(m.grounds)"
        case .creditRepairDecided(let m): "\(m.changeID) repair \(m.granted ? "granted" : "refused"): \(m.reason)"
        case .incentiveGranted(let m):
            "\(m.incentiveID) \(m.enterprise.name) (\(m.enterprise.uscc)), measure \(m.measure), \(m.grantedOn): "
                + "\(m.support)"
        case .incentiveStopped(let m): "\(m.incentiveID) stopped: \(m.reason)"
        case .activityRecorded(let m):
            "\(m.activityID) \(m.kind.label) \"\(m.title)\" on \(m.heldOn): \(m.enterprisesReached) enterprises, "
                + "\(m.attendance) attending"
        case .customsContactAssigned(let m):
            "\(m.uscc) \(m.duty == .liaison ? "liaison (专人对接)" : "enterprise coordinator (企业协调员)"): "
                + "\(m.officer.name) (\(m.officer.officerID))"
        case .breachReported(let m):
            "\(m.reportID) breach by \(m.enterprise.name) (\(m.enterprise.uscc)), \(m.severity.label), found "
                + "\(m.foundOn): \(m.facts)"
        case .breachDecided(let m):
            "\(m.reportID) \(m.decision == .changePublished ? "credit change \(m.changeID) published" : "dismissed"): "
                + m.reason
        case .toleranceAccepted(let m):
            "\(m.recordID) \(m.enterprise.name) (\(m.enterprise.uscc)) accepted with materials missing: \(m.matter); "
                + "due \(m.commitmentDue)"
        case .toleranceFulfilled(let m): "\(m.recordID) materials received \(m.receivedOn)"
        case .fxBatchDeclared(let m):
            "\(m.recordID) \(m.enterprise.name) (\(m.enterprise.uscc)) declared \(m.month)'s FX on \(m.declaredOn)"
        case .refundProcessed(let m):
            "\(m.recordID) \(m.enterprise.name) (\(m.enterprise.uscc)) refund applied \(m.appliedOn), "
                + "paid \(m.refundedOn)"
        case .serviceWindowOpened(let m):
            "\(m.windowID) AEO window at \(m.centre) (\(m.area)), staffed by \(m.office), opened \(m.openedOn)"
        case .serviceWindowClosed(let m): "\(m.windowID) closed \(m.closedOn): \(m.reason)"
        case .priorityMattersPublished(let m):
            "priority matters published \(m.publishedOn): "
                + m.items.map { "\($0.matter) (\($0.channel))" }.joined(separator: "; ")
        default: "(a message type this version does not know)"
        }
    }
}
