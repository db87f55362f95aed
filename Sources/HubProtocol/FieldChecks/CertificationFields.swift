// Field rules of the certification messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func certificationFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .caseOpened(let m):
            try recordID(m.caseID, "\(p).case_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            _ = try date(m.applicationReceived, "\(p).application_received")
            try known(m.kind, "\(p).kind")
        case .caseExtended(let m):
            try recordID(m.caseID, "\(p).case_id")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .auditProposed(let m):
            try recordID(m.caseID, "\(p).case_id")
            try recordID(m.auditID, "\(p).audit_id")
            guard !m.sites.isEmpty else { throw fail("\(p).sites", "needs at least one site") }
            try count(m.sites, "\(p).sites", max: RepeatedLimit.sites)
            for (i, site) in m.sites.enumerated() {
                try required(site.name, "\(p).sites[\(i)].name", max: TextLimit.name)
                try required(site.address, "\(p).sites[\(i)].address", max: TextLimit.name)
                guard Identifier.isDigits(site.customsArea, count: 4) else {
                    throw fail(
                        "\(p).sites[\(i)].customs_area",
                        "'\(site.customsArea)' is not a customs area code: 4 digits, e.g. 3700 (Xiamen) or 3500 "
                            + "(Fuzhou)"
                    )
                }
            }
            guard !m.slots.isEmpty else { throw fail("\(p).slots", "needs at least one candidate slot") }
            try count(m.slots, "\(p).slots", max: RepeatedLimit.slots)
            try count(m.team, "\(p).team", max: RepeatedLimit.team)
            for (i, slot) in m.slots.enumerated() { try self.slot(slot, "\(p).slots[\(i)]") }
            guard m.team.count >= 2 else {
                throw fail(
                    "\(p).team", "an on-site audit team has at least two customs officers; \(m.team.count) named")
            }
            for (i, member) in m.team.enumerated() { try officer(member, "\(p).team[\(i)]") }
            guard Set(m.team.map(\.officerID)).count == m.team.count else {
                throw fail("\(p).team", "names the same officer twice")
            }
            try contact(m.enterpriseContact, present: m.hasEnterpriseContact, "\(p).enterprise_contact")
        case .auditResponded(let m):
            try auditKeys(m.auditID, m.caseID, p)
            try chosen(m.answer, unspecified: .unspecified, "\(p).answer", "ACCEPT, DECLINE, COUNTER_PROPOSE")
            try known(m.answer, "\(p).answer")
            try count(m.acceptedSlots, "\(p).accepted_slots", max: RepeatedLimit.slots)
            try count(m.counterSlots, "\(p).counter_slots", max: RepeatedLimit.slots)
            try count(m.officers, "\(p).officers", max: RepeatedLimit.slots)
            if !m.officers.isEmpty, m.answer != .accept {
                throw fail("\(p).officers", "officers join the team with an ACCEPT")
            }
            for (i, officer) in m.officers.enumerated() { try self.officer(officer, "\(p).officers[\(i)]") }
            if m.answer == .accept, m.acceptedSlots.isEmpty {
                throw fail("\(p).accepted_slots", "ACCEPT names the slots accepted (indexes into the proposal's slots)")
            }
            if m.answer == .counterPropose {
                guard !m.counterSlots.isEmpty else {
                    throw fail("\(p).counter_slots", "COUNTER_PROPOSE needs at least one slot")
                }
                for (i, slot) in m.counterSlots.enumerated() { try self.slot(slot, "\(p).counter_slots[\(i)]") }
            }
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        case .auditScheduled(let m):
            try auditKeys(m.auditID, m.caseID, p)
            try slot(m.slot, "\(p).slot")
        case .auditRescheduled(let m):
            try auditKeys(m.auditID, m.caseID, p)
            try slot(m.slot, "\(p).slot")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .auditCancelled(let m):
            try auditKeys(m.auditID, m.caseID, p)
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .auditCompleted(let m):
            try auditKeys(m.auditID, m.caseID, p)
            try chosen(m.outcome, unspecified: .unspecified, "\(p).outcome", "PASSED, PASSED_WITH_FINDINGS, FAILED")
            try known(m.outcome, "\(p).outcome")
            try optionalText(m.findings, "\(p).findings", max: TextLimit.long)
        case .caseConcluded(let m):
            try recordID(m.caseID, "\(p).case_id")
            try chosen(
                m.result, unspecified: .unspecified, "\(p).result",
                "CERTIFIED, NOT_CERTIFIED, TERMINATED, APPLICATION_WITHDRAWN")
            try known(m.result, "\(p).result")
            try optionalText(m.reason, "\(p).reason", max: TextLimit.long)
            try known(m.levelSet, "\(p).level_set")
            if m.result != .certified, m.levelSet != .unspecified || !m.grade.isEmpty {
                throw fail("\(p).grade", "only a CERTIFIED conclusion grants a grade under a level set")
            }
            if !m.grade.isEmpty, m.levelSet != .unspecified, m.levelSet.level(m.grade)?.isAEO != true {
                let aeo = m.levelSet.levels.filter(\.isAEO).map(\.id).joined(separator: ", ")
                throw fail("\(p).grade", "'\(m.grade)' is not an AEO grade of \(m.levelSet.title); use \(aeo)")
            }
        case .customsContactAssigned(let m):
            try uscc(m.uscc, "\(p).uscc")
            try chosen(m.duty, unspecified: .unspecified, "\(p).duty", "COORDINATOR, LIAISON")
            try known(m.duty, "\(p).duty")
            guard m.hasOfficer else { throw fail("\(p).officer", "is required (officer_id and name)") }
            try officer(m.officer, "\(p).officer")
        case .reviewDue(let m):
            try uscc(m.uscc, "\(p).uscc")
            _ = try date(m.dueDate, "\(p).due_date")
            try optionalText(m.reason, "\(p).reason", max: TextLimit.long)
        case .certificateSuspended(let m):
            try uscc(m.uscc, "\(p).uscc")
            try chosen(
                m.ground, unspecified: .unspecified, "\(p).ground", "CRIMINAL_CASE, ADMINISTRATIVE_INVESTIGATION")
            try known(m.ground, "\(p).ground")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .suspensionLifted(let m):
            try uscc(m.uscc, "\(p).uscc")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        default:
            break
        }
    }
}
