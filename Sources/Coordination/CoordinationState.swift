import HubProtocol

/// The state of every workflow, as a fold over the log.
///
/// The hub calls ``admit(_:from:at:)`` before it accepts a message: authorisation, the workflow's
/// rules and routing, all without I/O. Replay and reports rebuild the same state with
/// ``fold(_:)`` over the stored envelopes. A value type: the hub keeps a copy to roll back a batch
/// that fails to commit.
public struct CoordinationState: Sendable {
    public let topology: Topology
    public internal(set) var requests: [String: RequestRecord] = [:]
    public internal(set) var cultivation: [String: CultivationRecord] = [:]
    public internal(set) var cases: [String: CaseRecord] = [:]
    public internal(set) var audits: [String: AuditRecord] = [:]
    public internal(set) var meetings: [String: MeetingRecord] = [:]
    public internal(set) var actions: [String: ActionRecord] = [:]
    public internal(set) var creditChanges: [String: CreditChangeRecord] = [:]
    /// Each unit's latest report per period, keyed by unit and period.
    public internal(set) var reports: [String: ReportRecord] = [:]
    /// Enterprises that may not apply again before the date (a failed certification).
    public internal(set) var barredUntil: [String: CivilDate] = [:]

    /// The node id the hub stamps on the records it writes itself.
    public static let hubID = "hub"

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Checks that `sender` may send `envelope` now, applies it, and answers where it goes.
    public mutating func admit(_ envelope: Envelope, from sender: String, at acceptedAt: Int64) throws(Rejection) -> Admission {
        guard let type = envelope.messageType else {
            throw Rejection(.unknownMessageType, "no message type this hub knows is set", field: "payload")
        }
        guard let unit = topology.units[sender] else {
            throw Rejection.notAuthorised("\(sender) is not a unit of this network")
        }
        let allowed = topology.authorisation[type] ?? []
        guard allowed.contains(unit.role) else {
            let who = allowed.isEmpty ? "only the hub writes it" : "only \(allowed.sorted().map(\.rawValue).joined(separator: ", ")) units may send it"
            throw Rejection.notAuthorised("\(sender) is a \(unit.role.rawValue) unit and may not send \(type.rawValue): \(who)")
        }
        // Every check that can refuse comes before any change to the state, so a refused message
        // leaves it untouched.
        let explicit = try explicitRecipients(envelope.to)
        var admission = try apply(envelope, type: type, sender: unit, at: acceptedAt, checking: true)
        involve(admission.recipients + [sender], in: envelope)
        admission.recipients = Set(admission.recipients).union(explicit).subtracting([sender]).sorted()
        return admission
    }

    /// Applies a stored envelope (already accepted) to the state, as replay and reports do.
    /// Answers `false` if the envelope no longer fits the state (which an intact log never does).
    @discardableResult
    public mutating func fold(_ envelope: Envelope) -> Bool {
        guard let type = envelope.messageType else { return false }
        let unit = topology.units[envelope.sender] ?? Unit(id: envelope.sender, role: .coordinator, name: envelope.sender)
        do {
            let admission = try apply(envelope, type: type, sender: unit, at: envelope.acceptedAtMs, checking: false)
            involve(admission.recipients + [unit.id], in: envelope)
            return true
        } catch {
            return false
        }
    }

    // MARK: The transitions

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func apply(_ envelope: Envelope, type: MessageType, sender: Unit, at now: Int64, checking: Bool) throws(Rejection) -> Admission {
        let p = type.rawValue
        switch envelope.payload {
        // Requests
        case .requestFiled(let m):
            guard requests[m.requestID] == nil else {
                throw .workflow("request \(m.requestID) already exists; choose a new request id", field: "\(p).request_id")
            }
            if checking, sender.role == .district || sender.role == .zone, sender.area != m.area {
                throw .notAuthorised("\(sender.id) files requests only for its own area \(sender.area ?? "-"), not \(m.area)", field: "\(p).area")
            }
            let office = topology.responsibleCustoms(forArea: m.area)
            if checking, office == nil {
                throw Rejection(.invalidField, "no customs office is responsible for area \(m.area) in the topology", field: "\(p).area")
            }
            let duplicate = requests.values.filter { $0.isOpen && $0.uscc == m.enterprise.uscc && $0.category == m.category }
                .min { $0.filedAt < $1.filedAt }?.id
            requests[m.requestID] = RequestRecord(
                id: m.requestID, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name, area: m.area,
                category: m.category, filer: sender.id, filedAt: now, status: .filed, handlingOffice: office,
                updatedAt: now, duplicateOf: duplicate
            )
            var admission = route([office], sender: sender, uscc: m.enterprise.uscc)
            if let duplicate { admission.notes.append("probably a duplicate of open request \(duplicate)") }
            return admission
        case .requestAcknowledged(let m):
            var request = try openRequest(m.requestID, p)
            guard request.status == .filed else {
                throw .workflow("request \(m.requestID) was already acknowledged by \(request.handlingOffice ?? "-")")
            }
            // The office the request was routed to takes it on or hands it to another office.
            try requireHandler(request, sender, checking)
            guard topology.units[m.handlingOffice]?.role == .customs else {
                throw Rejection(.invalidField, "\(m.handlingOffice) is not a customs office", field: "\(p).handling_office")
            }
            request.status = .acknowledged
            request.handlingOffice = m.handlingOffice
            return update(request, at: now, sender: sender)
        case .requestProgress(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, checking)
            guard request.status != .filed else { throw .workflow("request \(m.requestID) must be acknowledged before progress is reported") }
            request.status = .inProgress
            return update(request, at: now, sender: sender)
        case .requestResolved(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, checking)
            guard request.status != .filed else { throw .workflow("request \(m.requestID) must be acknowledged before it is resolved") }
            request.status = .resolved
            return update(request, at: now, sender: sender)
        case .requestDeclined(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, checking)
            request.status = .declined
            return update(request, at: now, sender: sender)
        case .requestWithdrawn(let m):
            var request = try openRequest(m.requestID, p)
            if checking, request.filer != sender.id, sender.role != .coordinator {
                throw .notAuthorised("only the filer \(request.filer) (or the coordinator) may withdraw request \(m.requestID)")
            }
            request.status = .withdrawn
            return update(request, at: now, sender: sender)

        // Cultivation key list
        case .cultivationRecommended(let m):
            var record = cultivation[m.enterprise.uscc] ?? CultivationRecord(
                uscc: m.enterprise.uscc, name: m.enterprise.name, recommenders: [], status: .recommended, updatedAt: now)
            if record.status == .listed { throw .workflow("\(m.enterprise.uscc) is already on the key list") }
            if !record.recommenders.contains(sender.id) { record.recommenders.append(sender.id) }
            record.status = .recommended
            record.updatedAt = now
            cultivation[m.enterprise.uscc] = record
            return route(topology.ids(of: .customs), sender: sender, uscc: m.enterprise.uscc)
        case .cultivationListed(let m):
            // Customs may list an enterprise on its own initiative, without a recommendation.
            if cultivation[m.uscc] == nil {
                cultivation[m.uscc] = CultivationRecord(uscc: m.uscc, name: "", recommenders: [], status: .recommended, updatedAt: now)
            }
            return try moveCultivation(m.uscc, from: [.recommended, .declined, .removed], to: .listed, at: now, sender: sender,
                                       refusal: "\(m.uscc) is already on the key list", field: "\(p).uscc")
        case .cultivationDeclined(let m):
            return try moveCultivation(m.uscc, from: [.recommended], to: .declined, at: now, sender: sender,
                                       refusal: "\(m.uscc) has no pending recommendation to decline", field: "\(p).uscc")
        case .cultivationRemoved(let m):
            return try moveCultivation(m.uscc, from: [.listed], to: .removed, at: now, sender: sender,
                                       refusal: "\(m.uscc) is not on the key list", field: "\(p).uscc")

        // Certification
        case .caseOpened(let m):
            guard cases[m.caseID] == nil else { throw .workflow("case \(m.caseID) already exists", field: "\(p).case_id") }
            let received = try date(m.applicationReceived, "\(p).application_received")
            if let barred = barredUntil[m.enterprise.uscc], received < barred {
                throw .workflow("\(m.enterprise.uscc) may not apply again before \(barred) (a failed certification bars it for a year)")
            }
            if let open = cases.values.first(where: { $0.uscc == m.enterprise.uscc && $0.status == .open }) {
                throw .workflow("\(m.enterprise.uscc) already has open case \(open.id)")
            }
            cases[m.caseID] = CaseRecord(
                id: m.caseID, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name, office: sender.id,
                received: received, deadline: received.adding(days: 90), extended: false, status: .open, audits: [],
                reviewDue: nil, joint: false, openedAt: now)
            return route([], sender: sender, uscc: m.enterprise.uscc, caseID: m.caseID)
        case .caseExtended(let m):
            var record = try openCase(m.caseID, sender, checking, p)
            guard !record.extended else { throw .workflow("case \(m.caseID) was already extended once; the measures allow one 30-day extension") }
            record.extended = true
            record.deadline = record.deadline.adding(days: 30)
            cases[m.caseID] = record
            return caseRoute(record, sender)
        case .auditProposed(let m):
            var record = try openCase(m.caseID, sender, checking, p)
            guard audits[m.auditID] == nil else { throw .workflow("audit \(m.auditID) already exists", field: "\(p).audit_id") }
            for (index, slot) in m.slots.enumerated() {
                try withinDeadline(slot, record, field: "\(p).slots[\(index)]")
            }
            let areas = [topology.homeArea, topology.partnerArea]
            if checking, let index = m.sites.firstIndex(where: { !areas.contains($0.customsArea) }) {
                throw Rejection(
                    .invalidField,
                    "customs area \(m.sites[index].customsArea) is neither this network's (\(topology.homeArea)) nor the partner's (\(topology.partnerArea))",
                    field: "\(p).sites[\(index)].customs_area")
            }
            let joint = m.sites.contains { $0.customsArea == topology.partnerArea }
            let required = joint ? topology.ids(of: .partner) : []
            audits[m.auditID] = AuditRecord(
                id: m.auditID, caseID: m.caseID, uscc: record.uscc, office: record.office, slots: m.slots,
                team: m.team.map(\.officerID), joint: joint, requiredParticipants: required,
                accepted: [:], declined: [], status: .proposed, scheduled: nil, outcome: nil)
            record.audits.append(m.auditID)
            record.joint = record.joint || joint
            cases[m.caseID] = record
            return caseRoute(record, sender)
        case .auditResponded(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            guard audit.status == .proposed || audit.status == .scheduled else {
                throw .workflow("audit \(m.auditID) is \(audit.status.rawValue); there is nothing to answer")
            }
            if checking, !audit.requiredParticipants.contains(sender.id), sender.id != audit.office {
                if sender.role == .partner {
                    throw .notAuthorised("\(sender.id) answers only audits with a site in its area \(topology.partnerArea); \(m.auditID) has none")
                }
                throw .notAuthorised("\(sender.id) is not a participant of audit \(m.auditID)")
            }
            switch m.answer {
            case .accept:
                if let bad = m.acceptedSlots.first(where: { Int($0) >= audit.slots.count }) {
                    throw Rejection(.invalidField, "slot \(bad) does not exist; the proposal has \(audit.slots.count) slots (0-based)", field: "\(p).accepted_slots")
                }
                audit.accepted[sender.id] = Set(m.acceptedSlots.map(Int.init))
                audit.declined.remove(sender.id)
            case .decline:
                audit.accepted[sender.id] = []
                audit.declined.insert(sender.id)
            case .counterPropose:
                // Counter slots become candidates that the proposer's office may schedule once accepted.
                if let record = cases[audit.caseID] {
                    for slot in m.counterSlots { try withinDeadline(slot, record, field: "\(p).counter_slots") }
                }
                for slot in m.counterSlots {
                    audit.slots.append(slot)
                    audit.accepted[sender.id, default: []].insert(audit.slots.count - 1)
                }
            default:
                break
            }
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditScheduled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            if checking, sender.id != audit.office { throw .notAuthorised("only \(audit.office), the case's customs office, schedules its audits") }
            guard audit.status == .proposed else { throw .workflow("audit \(m.auditID) is \(audit.status.rawValue), not proposed; use audit_rescheduled to move it") }
            try schedule(&audit, m.slot, p)
            audit.status = .scheduled
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditRescheduled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            if checking, sender.id != audit.office { throw .notAuthorised("only \(audit.office), the case's customs office, reschedules its audits") }
            guard audit.status == .scheduled else { throw .workflow("audit \(m.auditID) is \(audit.status.rawValue), not scheduled") }
            try schedule(&audit, m.slot, p)
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditCancelled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            if checking, sender.id != audit.office { throw .notAuthorised("only \(audit.office), the case's customs office, cancels its audits") }
            guard audit.status == .proposed || audit.status == .scheduled else { throw .workflow("audit \(m.auditID) is already \(audit.status.rawValue)") }
            audit.status = .cancelled
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditCompleted(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            if checking, sender.id != audit.office { throw .notAuthorised("only \(audit.office), the case's customs office, completes its audits") }
            guard audit.status == .scheduled else { throw .workflow("audit \(m.auditID) is \(audit.status.rawValue); only a scheduled audit can be completed") }
            audit.status = .completed
            audit.outcome = m.outcome
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .caseConcluded(let m):
            var record = try openCase(m.caseID, sender, checking, p)
            let today = day(now)
            switch m.result {
            case .certified:
                record.status = .certified
                record.reviewDue = today.adding(years: 5)
            case .notCertified:
                record.status = .notCertified
                barredUntil[record.uscc] = today.adding(years: 1)
            default:
                record.status = .terminated
                barredUntil[record.uscc] = today.adding(years: 1)
            }
            record.concludedAt = now
            cases[m.caseID] = record
            return caseRoute(record, sender)
        case .reviewDue(let m):
            return route([], sender: sender, uscc: m.uscc)

        // Joint meetings
        case .meetingConvened(let m):
            guard meetings[m.meetingID] == nil else { throw .workflow("meeting \(m.meetingID) already exists", field: "\(p).meeting_id") }
            for (index, invitee) in m.invitees.enumerated() where topology.units[invitee] == nil && checking {
                throw Rejection(.invalidField, "'\(invitee)' is not a unit of this network", field: "\(p).invitees[\(index)]")
            }
            meetings[m.meetingID] = MeetingRecord(
                id: m.meetingID, title: m.title, invitees: m.invitees, time: m.time, place: m.place,
                agendaItems: Set(m.agenda.map(\.itemID)), closed: false, decisions: 0, minutes: 0)
            return route(m.invitees, sender: sender, meeting: m.meetingID)
        case .agendaItemProposed(let m):
            var meeting = try openMeeting(m.meetingID, p)
            if checking, !meeting.invitees.contains(sender.id), sender.role != .coordinator {
                throw .notAuthorised("\(sender.id) is not invited to \(m.meetingID); only invitees propose agenda items")
            }
            guard !meeting.agendaItems.contains(m.item.itemID) else { throw .workflow("agenda item \(m.item.itemID) already exists in \(m.meetingID)") }
            meeting.agendaItems.insert(m.item.itemID)
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: sender, meeting: m.meetingID)
        case .meetingRsvp(let m):
            let meeting = try openMeeting(m.meetingID, p)
            if checking, !meeting.invitees.contains(sender.id), sender.role != .coordinator {
                throw .notAuthorised("\(sender.id) is not invited to \(m.meetingID)")
            }
            return route([], sender: sender, meeting: m.meetingID)
        case .attendanceRecorded(let m):
            let meeting = try openMeeting(m.meetingID, p)
            return route(meeting.invitees, sender: sender, meeting: m.meetingID)
        case .minutesEntry(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.minutes += 1
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: sender, meeting: m.meetingID)
        case .decisionRecorded(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.decisions += 1
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: sender, meeting: m.meetingID)
        case .actionItemAssigned(let m):
            let meeting = try openMeeting(m.meetingID, p)
            guard actions[m.actionID] == nil else { throw .workflow("action item \(m.actionID) already exists", field: "\(p).action_id") }
            if checking, topology.units[m.ownerUnit] == nil {
                throw Rejection(.invalidField, "'\(m.ownerUnit)' is not a unit of this network", field: "\(p).owner_unit")
            }
            let due = try date(m.dueDate, "\(p).due_date")
            actions[m.actionID] = ActionRecord(
                id: m.actionID, meetingID: m.meetingID, owner: m.ownerUnit, due: due, text: m.text,
                status: .inProgress)
            return route(meeting.invitees + [m.ownerUnit], sender: sender, meeting: m.meetingID)
        case .actionItemProgress(let m):
            guard var action = actions[m.actionID], action.meetingID == m.meetingID else {
                throw .workflow("meeting \(m.meetingID) has no action item \(m.actionID)", field: "\(p).action_id")
            }
            if checking, sender.id != action.owner, sender.role != .coordinator {
                throw .notAuthorised("only the owner unit \(action.owner) (or the coordinator) reports progress on \(m.actionID)")
            }
            action.status = m.status
            actions[m.actionID] = action
            return route([action.owner], sender: sender, meeting: m.meetingID)
        case .meetingClosed(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.closed = true
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: sender, meeting: m.meetingID)

        // Credit status changes
        case .creditChangePublished(let m):
            guard creditChanges[m.changeID] == nil else { throw .workflow("credit change \(m.changeID) already exists", field: "\(p).change_id") }
            let everyone = Set(topology.units.keys).subtracting([sender.id])
            let effective = try date(m.effectiveDate, "\(p).effective_date")
            creditChanges[m.changeID] = CreditChangeRecord(
                id: m.changeID, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name, publisher: sender.id,
                levelSet: m.levelSet, from: m.fromLevel, to: m.toLevel, severity: m.severity,
                effective: effective, pending: m.stopJointIncentives ? everyone : [], confirmed: [], lifted: false)
            return route(Array(everyone), sender: sender, uscc: m.enterprise.uscc)
        case .creditChangeConfirmed(let m):
            guard var change = creditChanges[m.changeID] else { throw .workflow("there is no credit change \(m.changeID)", field: "\(p).change_id") }
            guard !change.lifted else { throw .workflow("credit change \(m.changeID) was lifted; nothing to confirm") }
            guard change.pending.contains(sender.id) else {
                throw .workflow(change.confirmed.contains(sender.id)
                    ? "\(sender.id) already confirmed credit change \(m.changeID)"
                    : "credit change \(m.changeID) asks no confirmation of \(sender.id)")
            }
            change.pending.remove(sender.id)
            change.confirmed.append(sender.id)
            creditChanges[m.changeID] = change
            return route([change.publisher], sender: sender, uscc: change.uscc)
        case .creditChangeLifted(let m):
            guard var change = creditChanges[m.changeID] else { throw .workflow("there is no credit change \(m.changeID)", field: "\(p).change_id") }
            guard !change.lifted else { throw .workflow("credit change \(m.changeID) was already lifted") }
            change.lifted = true
            change.pending = []
            creditChanges[m.changeID] = change
            return route(Array(topology.units.keys), sender: sender, uscc: change.uscc)

        // Reports and presence
        case .progressReport(let m):
            reports["\(sender.id)\u{0}\(m.period)"] = ReportRecord(
                unit: sender.id, period: m.period, figures: Dictionary(m.figures.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }), text: m.text,
                filedAt: now)
            return route([], sender: sender)
        case .nodePresence:
            return route([], sender: sender)
        case nil:
            throw Rejection(.unknownMessageType, "no message type this hub knows is set", field: "payload")
        }
    }
}
