import HubProtocol

// Joint meetings (联席会, measure 18): convened and minuted by the coordinator; invitees propose
// agenda items and answer; action items are followed up by their owner units.
extension CoordinationState {
    mutating func applyMeeting(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let p = t.p
        switch payload {
        case .meetingConvened(let m):
            guard meetings[m.meetingID] == nil else {
                throw .workflow("meeting \(m.meetingID) already exists", field: "\(p).meeting_id")
            }
            for (index, invitee) in m.invitees.enumerated() where topology.units[invitee] == nil && t.checking {
                throw Refusal(
                    .invalidField, "'\(invitee)' is not a unit of this network", field: "\(p).invitees[\(index)]")
            }
            meetings[m.meetingID] = MeetingRecord(
                id: m.meetingID, title: m.title, invitees: m.invitees, time: m.time, place: m.place,
                agendaItems: Set(m.agenda.map(\.itemID)), closed: false, decisions: 0, minutes: 0)
            return route(m.invitees, sender: t.sender, meeting: m.meetingID)
        case .agendaItemProposed(let m):
            var meeting = try openMeeting(m.meetingID, p)
            if t.checking, !meeting.invitees.contains(t.sender.id), t.sender.role != .coordinator {
                throw .notAuthorised(
                    "\(t.sender.id) is not invited to \(m.meetingID); only invitees propose agenda items")
            }
            guard !meeting.agendaItems.contains(m.item.itemID) else {
                throw .workflow("agenda item \(m.item.itemID) already exists in \(m.meetingID)")
            }
            if t.checking, meeting.agendaItems.count >= RepeatedLimit.agendaItems {
                throw .workflow(
                    "meeting \(m.meetingID) has \(meeting.agendaItems.count) agenda items, the most one meeting takes")
            }
            meeting.agendaItems.insert(m.item.itemID)
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: t.sender, meeting: m.meetingID)
        case .meetingRsvp(let m):
            let meeting = try openMeeting(m.meetingID, p)
            if t.checking, !meeting.invitees.contains(t.sender.id), t.sender.role != .coordinator {
                throw .notAuthorised("\(t.sender.id) is not invited to \(m.meetingID)")
            }
            return route([], sender: t.sender, meeting: m.meetingID)
        case .attendanceRecorded(let m):
            let meeting = try openMeeting(m.meetingID, p)
            return route(meeting.invitees, sender: t.sender, meeting: m.meetingID)
        case .minutesEntry(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.minutes += 1
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: t.sender, meeting: m.meetingID)
        case .decisionRecorded(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.decisions += 1
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: t.sender, meeting: m.meetingID)
        case .actionItemAssigned(let m):
            let meeting = try openMeeting(m.meetingID, p)
            guard actions[m.actionID] == nil else {
                throw .workflow("action item \(m.actionID) already exists", field: "\(p).action_id")
            }
            if t.checking, topology.units[m.ownerUnit] == nil {
                throw Refusal(
                    .invalidField, "'\(m.ownerUnit)' is not a unit of this network", field: "\(p).owner_unit")
            }
            let due = try date(m.dueDate, "\(p).due_date")
            actions[m.actionID] = ActionRecord(
                id: m.actionID, meetingID: m.meetingID, owner: m.ownerUnit, due: due, text: m.text,
                status: .inProgress)
            return route(meeting.invitees + [m.ownerUnit], sender: t.sender, meeting: m.meetingID)
        case .actionItemProgress(let m):
            guard var action = actions[m.actionID], action.meetingID == m.meetingID else {
                throw .workflow("meeting \(m.meetingID) has no action item \(m.actionID)", field: "\(p).action_id")
            }
            if t.checking, t.sender.id != action.owner, t.sender.role != .coordinator {
                throw .notAuthorised(
                    "only the owner unit \(action.owner) (or the coordinator) reports progress on \(m.actionID)")
            }
            action.status = m.status
            actions[m.actionID] = action
            return route([action.owner], sender: t.sender, meeting: m.meetingID)
        case .meetingClosed(let m):
            var meeting = try openMeeting(m.meetingID, p)
            meeting.closed = true
            meetings[m.meetingID] = meeting
            return route(meeting.invitees, sender: t.sender, meeting: m.meetingID)
        default:
            throw .unhandled(p)
        }
    }

    func openMeeting(_ id: String, _ p: String) throws(Refusal) -> MeetingRecord {
        guard let meeting = meetings[id] else { throw .workflow("there is no meeting \(id)", field: "\(p).meeting_id") }
        guard !meeting.closed else { throw .workflow("meeting \(id) is closed") }
        return meeting
    }
}
