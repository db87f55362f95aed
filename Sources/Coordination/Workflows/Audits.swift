import HubProtocol

// On-site audits of a case (measures 2, 21): proposed with candidate slots, answered by the required
// participants (Fuzhou Customs for a site in its area), scheduled, completed once begun.
extension CoordinationState {
    mutating func applyAudit(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .auditProposed(let m):
            var record = try openCase(m.caseID, sender, t.checking, p)
            guard audits[m.auditID] == nil else {
                throw .workflow("audit \(m.auditID) already exists", field: "\(p).audit_id")
            }
            for (index, slot) in m.slots.enumerated() {
                try withinDeadline(slot, record, field: "\(p).slots[\(index)]")
            }
            let areas = [topology.homeArea, topology.partnerArea]
            if t.checking, let index = m.sites.firstIndex(where: { !areas.contains($0.customsArea) }) {
                throw Refusal(
                    .invalidField,
                    "customs area \(m.sites[index].customsArea) is neither this network's (\(topology.homeArea)) "
                        + "nor the partner's (\(topology.partnerArea))",
                    field: "\(p).sites[\(index)].customs_area")
            }
            let joint = m.sites.contains { $0.customsArea == topology.partnerArea }
            let required = joint ? topology.ids(of: .partner) : []
            audits[m.auditID] = AuditRecord(
                id: m.auditID, caseID: m.caseID, uscc: record.uscc, office: record.office, slots: m.slots,
                team: m.team.map(\.officerID), joint: joint, requiredParticipants: required,
                accepted: [:], declined: [], status: .proposed, scheduled: nil, outcome: nil, sites: m.sites)
            record.audits.append(m.auditID)
            record.joint = record.joint || joint
            cases[m.caseID] = record
            standings[record.uscc]?.enterpriseContact = m.enterpriseContact
            return caseRoute(record, sender)
        case .auditResponded(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            guard audit.status == .proposed || audit.status == .scheduled else {
                throw .workflow("audit \(m.auditID) is \(audit.status.rawValue); there is nothing to answer")
            }
            let slotsAfter = audit.slots.count + m.counterSlots.count
            if t.checking, m.answer == .counterPropose, slotsAfter > RepeatedLimit.slots {
                throw .workflow(
                    "audit \(m.auditID) has \(audit.slots.count) candidate slots; with \(m.counterSlots.count) more it "
                        + "would pass the limit of \(RepeatedLimit.slots): accept one of them, or ask the office to "
                        + "cancel and propose again", field: "\(p).counter_slots")
            }
            if t.checking, !audit.requiredParticipants.contains(sender.id), sender.id != audit.office {
                if sender.role == .partner {
                    throw .notAuthorised(
                        "\(sender.id) answers only audits with a site in its area \(topology.partnerArea); "
                            + "\(m.auditID) has none"
                    )
                }
                throw .notAuthorised("\(sender.id) is not a participant of audit \(m.auditID)")
            }
            try answer(&audit, m, from: sender.id, p)
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditScheduled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            try requireOffice(audit, sender, t.checking, "schedules")
            guard audit.status == .proposed else {
                throw .workflow(
                    "audit \(m.auditID) is \(audit.status.rawValue), not proposed; use audit_rescheduled to move it")
            }
            try schedule(&audit, m.slot, p)
            audit.status = .scheduled
            audits[m.auditID] = audit
            scheduledAudits.insert(m.auditID)
            return auditRoute(audit, sender)
        case .auditRescheduled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            try requireOffice(audit, sender, t.checking, "reschedules")
            guard audit.status == .scheduled else {
                throw .workflow("audit \(m.auditID) is \(audit.status.rawValue), not scheduled")
            }
            try schedule(&audit, m.slot, p)
            audits[m.auditID] = audit
            return auditRoute(audit, sender)
        case .auditCancelled(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            try requireOffice(audit, sender, t.checking, "cancels")
            guard audit.status == .proposed || audit.status == .scheduled else {
                throw .workflow("audit \(m.auditID) is already \(audit.status.rawValue)")
            }
            audit.status = .cancelled
            audits[m.auditID] = audit
            scheduledAudits.remove(m.auditID)
            return auditRoute(audit, sender)
        case .auditCompleted(let m):
            var audit = try audit(m.auditID, m.caseID, p)
            try requireOffice(audit, sender, t.checking, "completes")
            guard audit.status == .scheduled, let slot = audit.scheduled else {
                throw .workflow(
                    "audit \(m.auditID) is \(audit.status.rawValue); only a scheduled audit can be completed")
            }
            if t.checking, t.now < slot.startMs {
                let start = CivilDate(chinaTimeMilliseconds: slot.startMs)
                throw .workflow(
                    "audit \(m.auditID) is scheduled to begin on \(start); it can be completed only once it has begun")
            }
            audit.status = .completed
            audit.outcome = m.outcome
            audits[m.auditID] = audit
            scheduledAudits.remove(m.auditID)
            return auditRoute(audit, sender)
        default:
            throw .unhandled(p)
        }
    }

    private func answer(
        _ audit: inout AuditRecord, _ m: AuditResponded, from sender: String, _ p: String
    ) throws(Refusal) {
        switch m.answer {
        case .accept:
            if let bad = m.acceptedSlots.first(where: { Int($0) >= audit.slots.count }) {
                throw Refusal(
                    .invalidField,
                    "slot index \(bad) does not exist; the proposal has \(audit.slots.count) slots "
                        + "(indexes 0 to \(audit.slots.count - 1); the command line numbers them from 1)",
                    field: "\(p).accepted_slots")
            }
            audit.accepted[sender] = Set(m.acceptedSlots.map(Int.init))
            audit.declined.remove(sender)
            if !m.officers.isEmpty {
                guard audit.requiredParticipants.contains(sender) else {
                    throw .workflow(
                        "\(sender) proposed audit \(audit.id) and named its team then; officers joining here come "
                            + "from a required participant (Fuzhou Customs on a joint audit)", field: "\(p).officers")
                }
                // Named by the sender, so of its office, and replacing what it named before.
                let joining = m.officers.map { officer in
                    var officer = officer
                    officer.office = sender
                    return officer
                }
                audit.joining = audit.joining.filter { $0.office != sender } + joining
            }
        case .decline:
            audit.accepted[sender] = []
            audit.declined.insert(sender)
            audit.joining.removeAll { $0.office == sender }
        case .counterPropose:
            // Counter slots become candidates that the proposer's office may schedule once accepted.
            if let record = cases[audit.caseID] {
                for slot in m.counterSlots { try withinDeadline(slot, record, field: "\(p).counter_slots") }
            }
            for slot in m.counterSlots {
                audit.slots.append(slot)
                audit.accepted[sender, default: []].insert(audit.slots.count - 1)
            }
        default:
            break
        }
    }

    private func requireOffice(_ audit: AuditRecord, _ sender: Unit, _ checking: Bool, _ verb: String) throws(Refusal) {
        if checking, sender.id != audit.office {
            throw .notAuthorised("only \(audit.office), the case's customs office, \(verb) its audits")
        }
    }

    func auditRoute(_ audit: AuditRecord, _ sender: Unit) -> Admission {
        route([audit.office] + audit.requiredParticipants, sender: sender, uscc: audit.uscc, caseID: audit.caseID)
    }

    func audit(_ id: String, _ caseID: String, _ p: String) throws(Refusal) -> AuditRecord {
        guard let audit = audits[id] else { throw .workflow("there is no audit \(id)", field: "\(p).audit_id") }
        guard audit.caseID == caseID else {
            throw Refusal(
                .invalidField, "audit \(id) belongs to case \(audit.caseID), not \(caseID)", field: "\(p).case_id")
        }
        guard cases[caseID]?.status == .open else { throw .workflow("case \(caseID) is concluded") }
        return audit
    }

    func withinDeadline(_ slot: TimeSlot, _ record: CaseRecord, field: String) throws(Refusal) {
        let end = record.deadline.adding(days: 1).chinaMidnightMilliseconds
        guard slot.endMs <= end else {
            let hint = record.extended ? "" : " (one 30-day extension is possible)"
            throw .workflow("the slot ends after case \(record.id)'s deadline \(record.deadline)\(hint)", field: field)
        }
    }

    mutating func schedule(_ audit: inout AuditRecord, _ slot: TimeSlot, _ p: String) throws(Refusal) {
        guard let index = audit.slots.firstIndex(of: slot) else {
            throw .workflow(
                "the slot is not one of audit \(audit.id)'s candidate slots; propose it first", field: "\(p).slot")
        }
        let missing = audit.requiredParticipants.filter { !(audit.accepted[$0]?.contains(index) ?? false) }
        guard missing.isEmpty else {
            throw .workflow(
                "slot \(index + 1) of audit \(audit.id) is not accepted by \(missing.joined(separator: ", ")); "
                    + "every required participant must accept it", field: "\(p).slot")
        }
        guard let record = cases[audit.caseID] else { return }
        try withinDeadline(slot, record, field: "\(p).slot")
        work.entriesVisited += scheduledAudits.count
        for id in scheduledAudits.sorted() where id != audit.id {
            guard let other = audits[id], let booked = other.scheduled, booked.startMs < slot.endMs,
                slot.startMs < booked.endMs
            else { continue }
            if other.uscc == audit.uscc {
                throw .workflow("the enterprise is already booked then, for audit \(other.id)", field: "\(p).slot")
            }
            if let officer = audit.team.first(where: other.team.contains) {
                throw .workflow("officer \(officer) is already booked then, for audit \(other.id)", field: "\(p).slot")
            }
        }
        audit.scheduled = slot
    }
}
