import HubProtocol

extension Subject {
    /// The entity `envelope` is about, if it is about one.
    init?(of envelope: Envelope) {
        switch envelope.payload {
        case .requestFiled(let m): self = .request(m.requestID)
        case .requestAcknowledged(let m): self = .request(m.requestID)
        case .requestProgress(let m): self = .request(m.requestID)
        case .requestResolved(let m): self = .request(m.requestID)
        case .requestDeclined(let m): self = .request(m.requestID)
        case .requestWithdrawn(let m): self = .request(m.requestID)
        case .cultivationRecommended(let m): self = .cultivation(m.enterprise.uscc)
        case .cultivationListed(let m): self = .cultivation(m.uscc)
        case .cultivationDeclined(let m): self = .cultivation(m.uscc)
        case .cultivationRemoved(let m): self = .cultivation(m.uscc)
        case .caseOpened(let m): self = .certificationCase(m.caseID)
        case .caseExtended(let m): self = .certificationCase(m.caseID)
        case .caseConcluded(let m): self = .certificationCase(m.caseID)
        case .auditProposed(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .auditResponded(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .auditScheduled(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .auditRescheduled(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .auditCancelled(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .auditCompleted(let m): self = .audit(m.auditID, caseID: m.caseID)
        case .meetingConvened(let m): self = .meeting(m.meetingID)
        case .agendaItemProposed(let m): self = .meeting(m.meetingID)
        case .meetingRsvp(let m): self = .meeting(m.meetingID)
        case .attendanceRecorded(let m): self = .meeting(m.meetingID)
        case .minutesEntry(let m): self = .meeting(m.meetingID)
        case .decisionRecorded(let m): self = .meeting(m.meetingID)
        case .meetingClosed(let m): self = .meeting(m.meetingID)
        case .actionItemAssigned(let m): self = .action(m.actionID)
        case .actionItemProgress(let m): self = .action(m.actionID)
        case .planRecorded(let m): self = .plan(m.planID)
        case .planMilestoneReached(let m): self = .plan(m.planID)
        case .incentiveGranted(let m): self = .incentive(m.incentiveID)
        case .incentiveStopped(let m): self = .incentive(m.incentiveID)
        case .activityRecorded(let m): self = .activity(m.activityID)
        case .breachReported(let m): self = .breach(m.reportID)
        case .breachDecided(let m): self = .breach(m.reportID)
        case .toleranceAccepted(let m): self = .service(m.recordID)
        case .toleranceFulfilled(let m): self = .service(m.recordID)
        case .fxBatchDeclared(let m): self = .service(m.recordID)
        case .refundProcessed(let m): self = .service(m.recordID)
        // Service windows and priority-matter lists are public: every unit sees them.
        case .serviceWindowOpened, .serviceWindowClosed, .priorityMattersPublished: return nil
        // Every unit sees credit changes and certificates; a unit sees its own reports.
        case .creditChangePublished, .creditChangeConfirmed, .creditChangeLifted, .creditObjectionFiled,
            .creditObjectionDecided, .creditRepairRequested, .creditRepairDecided, .reviewDue, .certificateSuspended,
            .suspensionLifted, .customsContactAssigned, .progressReport, .nodePresence, nil:
            return nil
        }
    }
}

extension CoordinationState {
    /// Records `units` (the sender and the units the rules routed an accepted message to) as
    /// participants of the entity the message is about: they may see it from then on. Recipients a
    /// sender added with `to` are not participants; a copy of one message is not a share of the case.
    mutating func involve(_ units: [String], in envelope: Envelope) {
        guard let subject = Subject(of: envelope) else { return }
        switch subject {
        case .request(let id): requests[id]?.participants.formUnion(units)
        case .cultivation(let uscc): cultivation[uscc]?.participants.formUnion(units)
        case .certificationCase(let id): cases[id]?.participants.formUnion(units)
        case .audit(let id, let caseID):
            audits[id]?.participants.formUnion(units)
            cases[caseID]?.participants.formUnion(units)
        case .meeting(let id): meetings[id]?.participants.formUnion(units)
        case .action(let id): actions[id]?.participants.formUnion(units)
        case .plan(let id): plans[id]?.participants.formUnion(units)
        case .incentive(let id): incentives[id]?.participants.formUnion(units)
        case .activity(let id): activities[id]?.participants.formUnion(units)
        case .breach(let id): breaches[id]?.participants.formUnion(units)
        case .service(let id): services[id]?.participants.formUnion(units)
        }
    }
}
