import HubProtocol

// The rows of the views (views.proto), one per workflow record, with every field of the record.

extension RequestRow {
    init(_ record: RequestRecord) {
        self.init()
        requestID = record.id
        enterprise = Enterprise.with {
            $0.uscc = record.uscc
            $0.name = record.enterpriseName
        }
        area = record.area
        category = record.category
        filer = record.filer
        filedAtMs = record.filedAt
        status = record.status.rawValue
        handlingOffice = record.handlingOffice ?? ""
        updatedAtMs = record.updatedAt
        duplicateOf = record.duplicateOf ?? ""
    }
}

extension CultivationRow {
    init(_ record: CultivationRecord) {
        self.init()
        enterprise = Enterprise.with {
            $0.uscc = record.uscc
            $0.name = record.name
        }
        status = record.status.rawValue
        recommenders = record.recommenders
        updatedAtMs = record.updatedAt
        category = record.category
    }
}

extension CaseRow {
    init(_ record: CaseRecord) {
        self.init()
        caseID = record.id
        enterprise = Enterprise.with {
            $0.uscc = record.uscc
            $0.name = record.enterpriseName
        }
        office = record.office
        applicationReceived = "\(record.received)"
        deadline = "\(record.deadline)"
        extended = record.extended
        status = record.status.rawValue
        auditIds = record.audits
        reviewDue = record.reviewDue.map { "\($0)" } ?? ""
        joint = record.joint
        openedAtMs = record.openedAt
        concludedAtMs = record.concludedAt
        kind = record.kind
    }
}

extension AuditRow {
    init(_ record: AuditRecord) {
        self.init()
        auditID = record.id
        caseID = record.caseID
        uscc = record.uscc
        office = record.office
        slots = record.slots
        team = record.team
        joint = record.joint
        requiredParticipants = record.requiredParticipants
        accepted = record.accepted.sorted { $0.key < $1.key }.map { unit, slots in
            AuditAcceptance.with {
                $0.unit = unit
                $0.slots = slots.sorted().map(UInt32.init)
            }
        }
        declined = record.declined.sorted()
        status = record.status.rawValue
        if let slot = record.scheduled { scheduled = slot }
        if let outcome = record.outcome { self.outcome = outcome }
        waitingFor = record.waitingFor
        sites = record.sites
        joining = record.joining
    }
}

extension MeetingRow {
    init(_ record: MeetingRecord) {
        self.init()
        meetingID = record.id
        title = record.title
        invitees = record.invitees
        time = record.time
        place = record.place
        agendaItems = UInt32(record.agendaItems.count)
        closed = record.closed
        decisions = UInt32(record.decisions)
        minutes = UInt32(record.minutes)
    }
}

extension ActionRow {
    init(_ record: ActionRecord) {
        self.init()
        actionID = record.id
        meetingID = record.meetingID
        owner = record.owner
        due = "\(record.due)"
        text = record.text
        status = record.status
    }
}

extension CreditChangeRow {
    init(_ record: CreditChangeRecord) {
        self.init()
        changeID = record.id
        enterprise = Enterprise.with {
            $0.uscc = record.uscc
            $0.name = record.enterpriseName
        }
        publisher = record.publisher
        levelSet = record.levelSet
        fromLevel = record.from
        toLevel = record.to
        severity = record.severity
        effectiveDate = "\(record.effective)"
        confirmed = record.confirmed
        pending = record.pending.sorted()
        confirmedCount = UInt32(record.confirmed.count)
        asked = UInt32(record.confirmed.count + record.pending.count)
        lifted = record.lifted
        publicityEnd = record.publicityEnd.map { "\($0)" } ?? ""
        confirmBy = record.confirmBy.map { "\($0)" } ?? ""
        if let objection = record.objection {
            objectionDue = "\(objection.due)"
            switch objection.outcome {
            case "change_stands": objectionDecision = .changeStands
            case "change_withdrawn": objectionDecision = .changeWithdrawn
            default: break
            }
        }
        if let repair = record.repair {
            repairDue = "\(repair.due)"
            repairDecision = repair.outcome ?? ""
        }
    }
}

extension ReportRow {
    init(_ record: ReportRecord) {
        self.init()
        unit = record.unit
        period = record.period
        figures = record.figures.sorted { $0.key < $1.key }.map { name, value in
            Figure.with {
                $0.name = name
                $0.value = value
            }
        }
        text = record.text
        filedAtMs = record.filedAt
    }
}
