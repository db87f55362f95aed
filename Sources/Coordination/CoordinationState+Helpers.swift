import HubProtocol

// The transitions' shared checks and routing.
extension CoordinationState {
    // MARK: Routing helpers

    func explicitRecipients(_ to: Recipients) throws(Rejection) -> Set<String> {
        var ids = Set<String>()
        for (index, node) in to.nodes.enumerated() {
            guard topology.units[node] != nil else {
                throw Rejection(.unknownRecipient, "'\(node)' is not a unit of this network", field: "to.nodes[\(index)]")
            }
            ids.insert(node)
        }
        for role in to.roles { ids.formUnion(topology.ids(of: Role(rawValue: role) ?? .coordinator)) }
        if to.all { ids.formUnion(topology.units.keys) }
        return ids
    }

    func route(_ ids: [String?], sender: Unit, uscc: String? = nil, meeting: String? = nil, caseID: String? = nil) -> Admission {
        var set = Set(ids.compactMap { $0 })
        set.formUnion(topology.ids(of: .coordinator))
        set.remove(sender.id)
        return Admission(recipients: set.sorted(), uscc: uscc, meetingID: meeting, caseID: caseID)
    }

    func day(_ ms: Int64) -> CivilDate { CivilDate(chinaTimeMilliseconds: ms) }

    /// A date field; validation refuses a bad one before the hub admits it, but a record from another
    /// implementation or an older version is refused here rather than crash the fold.
    func date(_ text: String, _ field: String) throws(Rejection) -> CivilDate {
        guard let date = CivilDate(text) else { throw Rejection(.invalidField, "'\(text)' is not a date (YYYY-MM-DD)", field: field) }
        return date
    }

    // MARK: Transition helpers

    mutating func moveCultivation(
        _ uscc: String, from: Set<CultivationRecord.Status>, to status: CultivationRecord.Status, at now: Int64,
        sender: Unit, refusal: String, field: String
    ) throws(Rejection) -> Admission {
        guard var record = cultivation[uscc], from.contains(record.status) else { throw .workflow(refusal, field: field) }
        record.status = status
        record.updatedAt = now
        cultivation[uscc] = record
        return route(record.recommenders, sender: sender, uscc: uscc)
    }

    func openRequest(_ id: String, _ p: String) throws(Rejection) -> RequestRecord {
        guard let request = requests[id] else { throw .workflow("there is no request \(id)", field: "\(p).request_id") }
        guard request.isOpen else { throw .workflow("request \(id) is already \(request.status.rawValue)") }
        return request
    }

    func requireHandler(_ request: RequestRecord, _ sender: Unit, _ checking: Bool) throws(Rejection) {
        guard checking, let office = request.handlingOffice, office != sender.id else { return }
        throw .notAuthorised("request \(request.id) is handled by \(office); only that office may answer it")
    }

    mutating func update(_ request: RequestRecord, at now: Int64, sender: Unit) -> Admission {
        var request = request
        request.updatedAt = now
        requests[request.id] = request
        return route([request.filer, request.handlingOffice], sender: sender, uscc: request.uscc)
    }

    func openCase(_ id: String, _ sender: Unit, _ checking: Bool, _ p: String) throws(Rejection) -> CaseRecord {
        guard let record = cases[id] else { throw .workflow("there is no case \(id)", field: "\(p).case_id") }
        guard record.status == .open else { throw .workflow("case \(id) is concluded (\(record.status.rawValue))") }
        if checking, record.office != sender.id {
            throw .notAuthorised("case \(id) belongs to \(record.office); only that customs office acts on it")
        }
        return record
    }

    func caseRoute(_ record: CaseRecord, _ sender: Unit) -> Admission {
        route([record.office] + (record.joint ? topology.ids(of: .partner) : []), sender: sender, uscc: record.uscc, caseID: record.id)
    }

    func auditRoute(_ audit: AuditRecord, _ sender: Unit) -> Admission {
        route([audit.office] + audit.requiredParticipants, sender: sender, uscc: audit.uscc, caseID: audit.caseID)
    }

    func audit(_ id: String, _ caseID: String, _ p: String) throws(Rejection) -> AuditRecord {
        guard let audit = audits[id] else { throw .workflow("there is no audit \(id)", field: "\(p).audit_id") }
        guard audit.caseID == caseID else {
            throw Rejection(.invalidField, "audit \(id) belongs to case \(audit.caseID), not \(caseID)", field: "\(p).case_id")
        }
        guard cases[caseID]?.status == .open else { throw .workflow("case \(caseID) is concluded") }
        return audit
    }

    func withinDeadline(_ slot: TimeSlot, _ record: CaseRecord, field: String) throws(Rejection) {
        let end = record.deadline.adding(days: 1).chinaMidnightMilliseconds
        guard slot.endMs <= end else {
            throw .workflow("the slot ends after case \(record.id)'s deadline \(record.deadline)\(record.extended ? "" : " (one 30-day extension is possible)")", field: field)
        }
    }

    func schedule(_ audit: inout AuditRecord, _ slot: TimeSlot, _ p: String) throws(Rejection) {
        guard let index = audit.slots.firstIndex(of: slot) else {
            throw .workflow("the slot is not one of audit \(audit.id)'s candidate slots; propose it first", field: "\(p).slot")
        }
        let missing = audit.requiredParticipants.filter { !(audit.accepted[$0]?.contains(index) ?? false) }
        guard missing.isEmpty else {
            throw .workflow("slot \(index) of audit \(audit.id) is not accepted by \(missing.joined(separator: ", ")); every required participant must accept it", field: "\(p).slot")
        }
        guard let record = cases[audit.caseID] else { return }
        try withinDeadline(slot, record, field: "\(p).slot")
        for other in audits.values where other.id != audit.id && other.status == .scheduled {
            guard let booked = other.scheduled, booked.startMs < slot.endMs, slot.startMs < booked.endMs else { continue }
            if other.uscc == audit.uscc {
                throw .workflow("the enterprise is already booked then, for audit \(other.id)", field: "\(p).slot")
            }
            if let officer = audit.team.first(where: other.team.contains) {
                throw .workflow("officer \(officer) is already booked then, for audit \(other.id)", field: "\(p).slot")
            }
        }
        audit.scheduled = slot
    }

    func openMeeting(_ id: String, _ p: String) throws(Rejection) -> MeetingRecord {
        guard let meeting = meetings[id] else { throw .workflow("there is no meeting \(id)", field: "\(p).meeting_id") }
        guard !meeting.closed else { throw .workflow("meeting \(id) is closed") }
        return meeting
    }
}
