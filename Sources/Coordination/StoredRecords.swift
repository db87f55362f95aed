import HubProtocol

// Each workflow record to and from its message in state.proto (SPEC.md 12, layout 2). A status is stored
// as its number in state.proto, which is its place in the list `stored` below.

/// A status's number in state.proto.
func statusNumber<Status: Equatable>(_ status: Status, in order: [Status]) -> Int {
    order.firstIndex(of: status) ?? 0
}

/// The status stored as `number`.
func decodedStatus<Status>(_ number: Int, in order: [Status], _ field: String) throws -> Status {
    guard order.indices.contains(number) else {
        throw StoredStateError(description: "\(field) \(number) is not a status this hub knows")
    }
    return order[number]
}

extension RequestRecord {
    static let stored: [Status] = [.filed, .acknowledged, .inProgress, .resolved, .declined, .withdrawn]

    var stored: StoredRequest {
        StoredRequest.with {
            $0.id = id
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.area = area
            $0.category = category
            $0.filer = filer
            $0.filedAtMs = filedAt
            $0.status = .init(rawValue: statusNumber(status, in: Self.stored)) ?? .filed
            if let handlingOffice { $0.handlingOffice = handlingOffice }
            $0.updatedAtMs = updatedAt
            if let duplicateOf { $0.duplicateOf = duplicateOf }
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredRequest) throws {
        self.init(
            id: s.id, uscc: s.uscc, enterpriseName: s.enterpriseName, area: s.area, category: s.category,
            filer: s.filer, filedAt: s.filedAtMs,
            status: try decodedStatus(s.status.rawValue, in: Self.stored, "request status"),
            handlingOffice: s.hasHandlingOffice ? s.handlingOffice : nil, updatedAt: s.updatedAtMs,
            duplicateOf: s.hasDuplicateOf ? s.duplicateOf : nil, participants: Set(s.participants))
    }
}

extension CultivationRecord {
    static let stored: [Status] = [.recommended, .listed, .declined, .removed]

    var stored: StoredCultivation {
        StoredCultivation.with {
            $0.uscc = uscc
            $0.name = name
            $0.recommenders = recommenders
            $0.status = .init(rawValue: statusNumber(status, in: Self.stored)) ?? .recommended
            $0.updatedAtMs = updatedAt
            $0.participants = Array(participants)
            $0.category = category
        }
    }

    init(stored s: StoredCultivation) throws {
        self.init(
            uscc: s.uscc, name: s.name, recommenders: s.recommenders,
            status: try decodedStatus(s.status.rawValue, in: Self.stored, "cultivation status"),
            updatedAt: s.updatedAtMs,
            participants: Set(s.participants), category: s.category)
    }
}

extension CaseRecord {
    static let stored: [Status] = [.open, .certified, .notCertified, .terminated]

    var stored: StoredCase {
        StoredCase.with {
            $0.id = id
            $0.uscc = uscc
            $0.enterpriseName = enterpriseName
            $0.office = office
            $0.received = received.description
            $0.deadline = deadline.description
            $0.extended = extended
            $0.status = .init(rawValue: statusNumber(status, in: Self.stored)) ?? .open
            $0.audits = audits
            if let reviewDue { $0.reviewDue = reviewDue.description }
            $0.joint = joint
            $0.openedAtMs = openedAt
            $0.concludedAtMs = concludedAt
            $0.kind = kind
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredCase) throws {
        self.init(
            id: s.id, uscc: s.uscc, enterpriseName: s.enterpriseName, office: s.office,
            received: try civilDate(s.received, "case received"), deadline: try civilDate(s.deadline, "case deadline"),
            extended: s.extended, status: try decodedStatus(s.status.rawValue, in: Self.stored, "case status"),
            audits: s.audits, reviewDue: try civilDate(s.reviewDue, present: s.hasReviewDue, "case review_due"),
            joint: s.joint, openedAt: s.openedAtMs, concludedAt: s.concludedAtMs, kind: s.kind,
            participants: Set(s.participants))
    }
}

extension AuditRecord {
    static let stored: [Status] = [.proposed, .scheduled, .cancelled, .completed]

    var stored: StoredAudit {
        StoredAudit.with {
            $0.id = id
            $0.caseID = caseID
            $0.uscc = uscc
            $0.office = office
            $0.slots = slots
            $0.team = team
            $0.joint = joint
            $0.requiredParticipants = requiredParticipants
            $0.accepted = accepted.mapValues { indexes in
                StoredSlotIndexes.with { $0.indexes = indexes.map(Int64.init) }
            }
            $0.declined = Array(declined)
            $0.status = .init(rawValue: statusNumber(status, in: Self.stored)) ?? .proposed
            if let scheduled { $0.scheduled = scheduled }
            if let outcome { $0.outcome = outcome }
            $0.sites = sites
            $0.joining = joining
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredAudit) throws {
        self.init(
            id: s.id, caseID: s.caseID, uscc: s.uscc, office: s.office, slots: s.slots, team: s.team, joint: s.joint,
            requiredParticipants: s.requiredParticipants,
            accepted: s.accepted.mapValues { Set($0.indexes.map { Int($0) }) }, declined: Set(s.declined),
            status: try decodedStatus(s.status.rawValue, in: Self.stored, "audit status"),
            scheduled: s.hasScheduled ? s.scheduled : nil, outcome: s.hasOutcome ? s.outcome : nil, sites: s.sites,
            participants: Set(s.participants), joining: s.joining)
    }
}

extension MeetingRecord {
    var stored: StoredMeeting {
        StoredMeeting.with {
            $0.id = id
            $0.title = title
            $0.invitees = invitees
            $0.time = time
            $0.place = place
            $0.agendaItems = Array(agendaItems)
            $0.closed = closed
            $0.decisions = Int64(decisions)
            $0.minutes = Int64(minutes)
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredMeeting) {
        self.init(
            id: s.id, title: s.title, invitees: s.invitees, time: s.time, place: s.place,
            agendaItems: Set(s.agendaItems), closed: s.closed, decisions: Int(s.decisions), minutes: Int(s.minutes),
            participants: Set(s.participants))
    }
}

extension ActionRecord {
    var stored: StoredAction {
        StoredAction.with {
            $0.id = id
            $0.meetingID = meetingID
            $0.owner = owner
            $0.due = due.description
            $0.text = text
            $0.status = status
            $0.participants = Array(participants)
        }
    }

    init(stored s: StoredAction) throws {
        self.init(
            id: s.id, meetingID: s.meetingID, owner: s.owner, due: try civilDate(s.due, "action due"), text: s.text,
            status: s.status, participants: Set(s.participants))
    }
}

extension ReportRecord {
    var stored: StoredReport {
        StoredReport.with {
            $0.unit = unit
            $0.period = period
            $0.figures = figures
            $0.text = text
            $0.filedAtMs = filedAt
        }
    }

    init(stored s: StoredReport) {
        self.init(unit: s.unit, period: s.period, figures: s.figures, text: s.text, filedAt: s.filedAtMs)
    }
}
