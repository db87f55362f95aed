// Field rules of the cultivation messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func cultivationFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .cultivationRecommended(let m):
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
            try known(m.category, "\(p).category")
        case .cultivationListed(let m):
            try uscc(m.uscc, "\(p).uscc")
            if m.hasCoordinator { try officer(m.coordinator, "\(p).coordinator") }
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
            try known(m.category, "\(p).category")
        case .cultivationDeclined(let m):
            try uscc(m.uscc, "\(p).uscc")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .cultivationRemoved(let m):
            try uscc(m.uscc, "\(p).uscc")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .planRecorded(let m):
            try recordID(m.planID, "\(p).plan_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try chosen(m.approach, unspecified: .unspecified, "\(p).approach", "TAILORED, GROUP_PLUS, ONE_PLUS_N")
            try known(m.approach, "\(p).approach")
            if m.approach == .tailored, !m.members.isEmpty {
                throw fail(
                    "\(p).members", "a TAILORED plan is for one enterprise; use GROUP_PLUS or ONE_PLUS_N for members")
            }
            if m.approach != .tailored, m.members.isEmpty {
                throw fail("\(p).members", "a GROUP_PLUS or ONE_PLUS_N plan names at least one member enterprise")
            }
            try count(m.members, "\(p).members", max: RepeatedLimit.members)
            for (i, member) in m.members.enumerated() {
                try enterprise(member, present: true, "\(p).members[\(i)]")
            }
            guard !m.milestones.isEmpty else { throw fail("\(p).milestones", "needs at least one milestone") }
            try count(m.milestones, "\(p).milestones", max: RepeatedLimit.milestones)
            for (i, milestone) in m.milestones.enumerated() {
                try required(milestone.title, "\(p).milestones[\(i)].title", max: TextLimit.name)
                _ = try date(milestone.dueDate, "\(p).milestones[\(i)].due_date")
            }
            guard m.hasOfficer else { throw fail("\(p).officer", "is required (the customs officer in charge)") }
            try officer(m.officer, "\(p).officer")
        case .planMilestoneReached(let m):
            try recordID(m.planID, "\(p).plan_id")
            guard m.milestone >= 1 else { throw fail("\(p).milestone", "is required: the milestone's number, from 1") }
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        default:
            break
        }
    }
}
