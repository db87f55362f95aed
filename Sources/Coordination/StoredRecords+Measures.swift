import HubProtocol

// The credit, certificate and measures records to and from state.proto (SPEC.md 12, layout 2).

extension CreditChangeRecord {
    var stored: StoredCreditChange {
        StoredCreditChange.with {
            $0.id = id
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.publisher = publisher
            $0.levelSet = levelSet
            $0.from = from
            $0.to = to
            $0.severity = severity
            $0.effective = effective.description
            $0.pending = Array(pending)
            $0.confirmed = confirmed
            $0.lifted = lifted
            $0.stopsIncentives = stopsIncentives
            if let publicityEnd { $0.publicityEnd = publicityEnd.description }
            if let objection { $0.objection = objection.stored }
            if let repair { $0.repair = repair.stored }
            if let confirmBy { $0.confirmBy = confirmBy.description }
            if let replaced { $0.replaced = replaced }
        }
    }

    init(stored s: StoredCreditChange) throws {
        self.init(
            id: s.id, uscc: s.uscc, enterpriseName: s.enterpriseName, publisher: s.publisher, levelSet: s.levelSet,
            from: s.from, to: s.to, severity: s.severity, effective: try civilDate(s.effective, "change effective"),
            pending: Set(s.pending), confirmed: s.confirmed, lifted: s.lifted, stopsIncentives: s.stopsIncentives,
            publicityEnd: try civilDate(s.publicityEnd, present: s.hasPublicityEnd, "change publicity_end"),
            objection: s.hasObjection ? try CreditMatter(stored: s.objection) : nil,
            repair: s.hasRepair ? try CreditMatter(stored: s.repair) : nil,
            confirmBy: try civilDate(s.confirmBy, present: s.hasConfirmBy, "change confirm_by"),
            replaced: s.hasReplaced ? s.replaced : nil)
    }
}

extension CreditMatter {
    var stored: StoredCreditMatter {
        StoredCreditMatter.with {
            $0.filedOn = filedOn.description
            $0.due = due.description
            if let outcome { $0.outcome = outcome }
        }
    }

    init(stored s: StoredCreditMatter) throws {
        self.init(
            filedOn: try civilDate(s.filedOn, "matter filed_on"), due: try civilDate(s.due, "matter due"),
            outcome: s.hasOutcome ? s.outcome : nil)
    }
}

extension CertificateRecord {
    static let stored: [Status] = [.valid, .suspended, .withdrawn]

    var stored: StoredCertificate {
        StoredCertificate.with {
            $0.uscc = uscc
            $0.name = name
            $0.caseID = caseID
            $0.office = office
            $0.certifiedOn = certifiedOn.description
            $0.reviewDue = reviewDue.description
            $0.status = .init(rawValue: statusNumber(status, in: Self.stored)) ?? .valid
            $0.ground = ground
            if let suspendedBy { $0.suspendedBy = suspendedBy }
            if let openReview { $0.openReview = openReview }
            $0.levelSet = levelSet
            $0.grade = grade
            if let suspendedOn { $0.suspendedOn = suspendedOn.description }
            if let withdrawnOn { $0.withdrawnOn = withdrawnOn.description }
            if let withdrawnBy { $0.withdrawnBy = withdrawnBy }
        }
    }

    init(stored s: StoredCertificate) throws {
        self.init(
            uscc: s.uscc, name: s.name, caseID: s.caseID, office: s.office,
            certifiedOn: try civilDate(s.certifiedOn, "certificate certified_on"),
            reviewDue: try civilDate(s.reviewDue, "certificate review_due"),
            status: try decodedStatus(s.status.rawValue, in: Self.stored, "certificate status"),
            grade: s.grade, levelSet: s.levelSet, ground: s.ground, suspendedBy: s.hasSuspendedBy ? s.suspendedBy : nil,
            openReview: s.hasOpenReview ? s.openReview : nil,
            suspendedOn: try civilDate(s.suspendedOn, present: s.hasSuspendedOn, "certificate suspended_on"),
            withdrawnOn: try civilDate(s.withdrawnOn, present: s.hasWithdrawnOn, "certificate withdrawn_on"),
            withdrawnBy: s.hasWithdrawnBy ? s.withdrawnBy : nil)
    }
}

extension IncentiveRecord {
    var stored: StoredIncentive {
        StoredIncentive.with {
            $0.id = id
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.granter = granter
            $0.measure = measure
            $0.support = support
            $0.grantedOn = grantedOn.description
            if let stoppedAt { $0.stoppedAtMs = stoppedAt }
            if let stoppedBy { $0.stoppedBy = stoppedBy }
            $0.participants = Array(participants)
            if let stopCause {
                $0.stopCause = stopCause.kind.rawValue
                $0.stopRef = stopCause.ref
            }
        }
    }

    init(stored s: StoredIncentive) throws {
        self.init(
            id: s.id, uscc: s.uscc, enterpriseName: s.enterpriseName, granter: s.granter, measure: s.measure,
            support: s.support, grantedOn: try civilDate(s.grantedOn, "incentive granted_on"),
            stoppedAt: s.hasStoppedAtMs ? s.stoppedAtMs : nil, stoppedBy: s.hasStoppedBy ? s.stoppedBy : nil,
            participants: Set(s.participants), stopCause: try StopCause(stored: s.stopCause, ref: s.stopRef))
    }
}

extension ActivityRecord {
    var stored: StoredActivity {
        StoredActivity.with {
            $0.id = id
            $0.kind = kind
            $0.title = title
            $0.heldOn = heldOn.description
            $0.organisers = organisers
            $0.enterprisesReached = enterprisesReached
            $0.attendance = attendance
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredActivity) throws {
        self.init(
            id: s.id, kind: s.kind, title: s.title, heldOn: try civilDate(s.heldOn, "activity held_on"),
            organisers: s.organisers, enterprisesReached: s.enterprisesReached, attendance: s.attendance,
            participants: Set(s.participants))
    }
}

extension PlanRecord {
    var stored: StoredPlan {
        StoredPlan.with {
            $0.id = id
            $0.enterprise = enterprise
            $0.approach = approach
            $0.members = members
            $0.milestones = milestones
            $0.reached = reached
            $0.officer = officer
            $0.office = office
            $0.recordedAtMs = recordedAt
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredPlan) {
        self.init(
            id: s.id, enterprise: s.enterprise, approach: s.approach, members: s.members, milestones: s.milestones,
            reached: s.reached, officer: s.officer, office: s.office, recordedAt: s.recordedAtMs,
            participants: Set(s.participants))
    }
}
