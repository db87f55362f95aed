// Field rules of the meetings messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func meetingFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .meetingConvened(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try required(m.title, "\(p).title", max: TextLimit.name)
            try count(m.agenda, "\(p).agenda", max: RepeatedLimit.agendaItems)
            for (i, item) in m.agenda.enumerated() { try agendaItem(item, "\(p).agenda[\(i)]") }
            guard !m.invitees.isEmpty else { throw fail("\(p).invitees", "needs at least one invited unit") }
            try count(m.invitees, "\(p).invitees", max: RepeatedLimit.units)
            for (i, node) in m.invitees.enumerated() { try nodeID(node, "\(p).invitees[\(i)]") }
            guard m.hasTime else { throw fail("\(p).time", "is required") }
            try slot(m.time, "\(p).time")
            try required(m.place, "\(p).place", max: TextLimit.name)
        case .agendaItemProposed(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            guard m.hasItem else { throw fail("\(p).item", "is required") }
            try agendaItem(m.item, "\(p).item")
            try optionalText(m.detail, "\(p).detail", max: TextLimit.long)
        case .meetingRsvp(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try chosen(m.answer, unspecified: .unspecified, "\(p).answer", "ATTENDING, DECLINED, DELEGATE")
            try known(m.answer, "\(p).answer")
            if m.answer == .delegate { try required(m.delegate, "\(p).delegate", max: TextLimit.person) }
        case .attendanceRecorded(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            guard !m.present.isEmpty else { throw fail("\(p).present", "names at least one unit present") }
            try count(m.present, "\(p).present", max: RepeatedLimit.units)
            try count(m.absent, "\(p).absent", max: RepeatedLimit.units)
            for (i, node) in m.present.enumerated() { try nodeID(node, "\(p).present[\(i)]") }
            for (i, node) in m.absent.enumerated() { try nodeID(node, "\(p).absent[\(i)]") }
        case .minutesEntry(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try recordID(m.entryID, "\(p).entry_id")
            try required(m.text, "\(p).text", max: TextLimit.long)
        case .decisionRecorded(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try recordID(m.decisionID, "\(p).decision_id")
            try required(m.text, "\(p).text", max: TextLimit.long)
        case .actionItemAssigned(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try recordID(m.actionID, "\(p).action_id")
            try nodeID(m.ownerUnit, "\(p).owner_unit")
            _ = try date(m.dueDate, "\(p).due_date")
            try required(m.text, "\(p).text", max: TextLimit.long)
        case .actionItemProgress(let m):
            try recordID(m.actionID, "\(p).action_id")
            try recordID(m.meetingID, "\(p).meeting_id")
            try chosen(m.status, unspecified: .unspecified, "\(p).status", "IN_PROGRESS, DONE, BLOCKED")
            try known(m.status, "\(p).status")
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        case .meetingClosed(let m):
            try recordID(m.meetingID, "\(p).meeting_id")
            try optionalText(m.summary, "\(p).summary", max: TextLimit.long)
        default:
            break
        }
    }
}
