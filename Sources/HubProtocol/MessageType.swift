/// Every message type, named as its payload field in `Envelope` (SPEC.md 5).
public enum MessageType: String, Sendable, Hashable, CaseIterable, Codable {
    case requestFiled = "request_filed"
    case requestAcknowledged = "request_acknowledged"
    case requestProgress = "request_progress"
    case requestResolved = "request_resolved"
    case requestDeclined = "request_declined"
    case requestWithdrawn = "request_withdrawn"
    case cultivationRecommended = "cultivation_recommended"
    case cultivationListed = "cultivation_listed"
    case cultivationDeclined = "cultivation_declined"
    case cultivationRemoved = "cultivation_removed"
    case planRecorded = "plan_recorded"
    case planMilestoneReached = "plan_milestone_reached"
    case caseOpened = "case_opened"
    case caseExtended = "case_extended"
    case auditProposed = "audit_proposed"
    case auditResponded = "audit_responded"
    case auditScheduled = "audit_scheduled"
    case auditRescheduled = "audit_rescheduled"
    case auditCancelled = "audit_cancelled"
    case auditCompleted = "audit_completed"
    case caseConcluded = "case_concluded"
    case reviewDue = "review_due"
    case certificateSuspended = "certificate_suspended"
    case suspensionLifted = "suspension_lifted"
    case customsContactAssigned = "customs_contact_assigned"
    case meetingConvened = "meeting_convened"
    case agendaItemProposed = "agenda_item_proposed"
    case meetingRsvp = "meeting_rsvp"
    case attendanceRecorded = "attendance_recorded"
    case minutesEntry = "minutes_entry"
    case decisionRecorded = "decision_recorded"
    case actionItemAssigned = "action_item_assigned"
    case actionItemProgress = "action_item_progress"
    case meetingClosed = "meeting_closed"
    case creditChangePublished = "credit_change_published"
    case creditChangeConfirmed = "credit_change_confirmed"
    case creditChangeLifted = "credit_change_lifted"
    case creditObjectionFiled = "credit_objection_filed"
    case creditObjectionDecided = "credit_objection_decided"
    case creditRepairRequested = "credit_repair_requested"
    case creditRepairDecided = "credit_repair_decided"
    case breachReported = "breach_reported"
    case breachDecided = "breach_decided"
    case progressReport = "progress_report"
    case nodePresence = "node_presence"
    case incentiveGranted = "incentive_granted"
    case incentiveStopped = "incentive_stopped"
    case activityRecorded = "activity_recorded"
    case toleranceAccepted = "tolerance_accepted"
    case toleranceFulfilled = "tolerance_fulfilled"
    case fxBatchDeclared = "fx_batch_declared"
    case refundProcessed = "refund_processed"
    case serviceWindowOpened = "service_window_opened"
    case serviceWindowClosed = "service_window_closed"
    case priorityMattersPublished = "priority_matters_published"

    /// The workflow the type belongs to.
    public var workflow: Workflow {
        switch self {
        case .requestFiled, .requestAcknowledged, .requestProgress, .requestResolved, .requestDeclined,
            .requestWithdrawn:
            .requests
        case .cultivationRecommended, .cultivationListed, .cultivationDeclined, .cultivationRemoved, .planRecorded,
            .planMilestoneReached:
            .cultivation
        case .caseOpened, .caseExtended, .auditProposed, .auditResponded, .auditScheduled, .auditRescheduled,
            .auditCancelled, .auditCompleted, .caseConcluded, .reviewDue, .certificateSuspended,
            .suspensionLifted, .customsContactAssigned:
            .certification
        case .meetingConvened, .agendaItemProposed, .meetingRsvp, .attendanceRecorded, .minutesEntry,
            .decisionRecorded, .actionItemAssigned, .actionItemProgress, .meetingClosed:
            .meetings
        case .creditChangePublished, .creditChangeConfirmed, .creditChangeLifted, .creditObjectionFiled,
            .creditObjectionDecided, .creditRepairRequested, .creditRepairDecided, .breachReported, .breachDecided:
            .credit
        case .incentiveGranted, .incentiveStopped: .incentives
        case .activityRecorded: .activities
        case .toleranceAccepted, .toleranceFulfilled, .fxBatchDeclared, .refundProcessed, .serviceWindowOpened,
            .serviceWindowClosed, .priorityMattersPublished:
            .services
        case .progressReport: .reports
        case .nodePresence: .presence
        }
    }
}

/// The workflows the hub carries.
public enum Workflow: String, Sendable, Hashable, CaseIterable, Codable {
    case requests, cultivation, certification, meetings, credit, incentives, activities, services, reports, presence
}

extension Envelope {
    /// The type of the payload that is set; `nil` when none is (or one this version does not know).
    public var messageType: MessageType? {
        switch payload {
        case nil: nil
        case .requestFiled: .requestFiled
        case .requestAcknowledged: .requestAcknowledged
        case .requestProgress: .requestProgress
        case .requestResolved: .requestResolved
        case .requestDeclined: .requestDeclined
        case .requestWithdrawn: .requestWithdrawn
        case .cultivationRecommended: .cultivationRecommended
        case .cultivationListed: .cultivationListed
        case .cultivationDeclined: .cultivationDeclined
        case .cultivationRemoved: .cultivationRemoved
        case .planRecorded: .planRecorded
        case .planMilestoneReached: .planMilestoneReached
        case .caseOpened: .caseOpened
        case .caseExtended: .caseExtended
        case .auditProposed: .auditProposed
        case .auditResponded: .auditResponded
        case .auditScheduled: .auditScheduled
        case .auditRescheduled: .auditRescheduled
        case .auditCancelled: .auditCancelled
        case .auditCompleted: .auditCompleted
        case .caseConcluded: .caseConcluded
        case .reviewDue: .reviewDue
        case .certificateSuspended: .certificateSuspended
        case .suspensionLifted: .suspensionLifted
        case .customsContactAssigned: .customsContactAssigned
        case .meetingConvened: .meetingConvened
        case .agendaItemProposed: .agendaItemProposed
        case .meetingRsvp: .meetingRsvp
        case .attendanceRecorded: .attendanceRecorded
        case .minutesEntry: .minutesEntry
        case .decisionRecorded: .decisionRecorded
        case .actionItemAssigned: .actionItemAssigned
        case .actionItemProgress: .actionItemProgress
        case .meetingClosed: .meetingClosed
        case .creditChangePublished: .creditChangePublished
        case .creditChangeConfirmed: .creditChangeConfirmed
        case .creditChangeLifted: .creditChangeLifted
        case .creditObjectionFiled: .creditObjectionFiled
        case .creditObjectionDecided: .creditObjectionDecided
        case .creditRepairRequested: .creditRepairRequested
        case .creditRepairDecided: .creditRepairDecided
        case .breachReported: .breachReported
        case .breachDecided: .breachDecided
        case .progressReport: .progressReport
        case .nodePresence: .nodePresence
        case .incentiveGranted: .incentiveGranted
        case .incentiveStopped: .incentiveStopped
        case .activityRecorded: .activityRecorded
        case .toleranceAccepted: .toleranceAccepted
        case .toleranceFulfilled: .toleranceFulfilled
        case .fxBatchDeclared: .fxBatchDeclared
        case .refundProcessed: .refundProcessed
        case .serviceWindowOpened: .serviceWindowOpened
        case .serviceWindowClosed: .serviceWindowClosed
        case .priorityMattersPublished: .priorityMattersPublished
        }
    }
}
