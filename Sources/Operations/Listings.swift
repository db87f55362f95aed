import Coordination
import HubNode
import HubProtocol

/// The workflow state as one node sees it: its share of the log (everything, for the
/// coordinator), folded in order.
public enum NodeView {
    /// Replays every record `node` may read and folds it into a fresh state.
    public static func load(from node: HubNode, topology: Topology) async throws -> CoordinationState {
        var state = CoordinationState(topology: topology)
        for stored in try await node.replay(ReplayRequest()) {
            state.fold(try stored.decoded())
        }
        return state
    }
}

/// The operators' listings, built from a folded state. Dates are in China time, like the log's.
public struct Listings: Sendable {
    public let state: CoordinationState
    public let today: CivilDate

    public init(state: CoordinationState, today: CivilDate) {
        self.state = state
        self.today = today
    }

    private func day(_ milliseconds: Int64) -> String { String(EnvelopeText.timestamp(milliseconds).prefix(10)) }
    private func mark(_ flag: Bool, _ text: String) -> String { flag ? text : "" }

    /// The request ledger with ages, overdue flags (against the topology's service time) and
    /// probable duplicates; `openOnly` leaves out settled requests.
    public func requests(openOnly: Bool = false, overdueOnly: Bool = false) -> Table {
        var table = Table(["Request", "Enterprise", "USCC", "Area", "Category", "Status", "Office", "Filed", "Age", "Overdue", "Duplicate of"])
        let serviceDays = state.topology.requestServiceDays
        for request in state.requests.values.sorted(by: { ($0.filedAt, $0.id) < ($1.filedAt, $1.id) }) {
            let overdue = request.isOverdue(on: today, serviceDays: serviceDays)
            if openOnly, !request.isOpen { continue }
            if overdueOnly, !overdue { continue }
            table.append([
                request.id, request.enterpriseName, request.uscc, request.area, request.category.label, request.status.rawValue,
                request.handlingOffice ?? "", day(request.filedAt), "\(request.age(on: today))d", mark(overdue, "OVERDUE"),
                request.duplicateOf ?? "",
            ])
        }
        return table
    }

    /// The credit cultivation key list.
    public var cultivation: Table {
        var table = Table(["USCC", "Enterprise", "Status", "Recommended by", "Updated"])
        for item in state.cultivation.values.sorted(by: { $0.uscc < $1.uscc }) {
            table.append([item.uscc, item.name, item.status.rawValue, item.recommenders.joined(separator: ","), day(item.updatedAt)])
        }
        return table
    }

    /// Certification cases with their deadlines.
    public var cases: Table {
        var table = Table(["Case", "Enterprise", "USCC", "Office", "Received", "Deadline", "Days left", "Status", "Joint", "Review due"])
        for item in state.cases.values.sorted(by: { $0.id < $1.id }) {
            let left = item.status == .open ? "\(today.days(until: item.deadline))" : ""
            table.append([
                item.id, item.enterpriseName, item.uscc, item.office, "\(item.received)",
                "\(item.deadline)\(item.extended ? " (extended)" : "")", left, item.status.rawValue, mark(item.joint, "with Fuzhou"),
                item.reviewDue.map { "\($0)" } ?? "",
            ])
        }
        return table
    }

    /// On-site audits: candidate slots, who accepted which, who is still to answer.
    public var audits: Table {
        var table = Table(["Audit", "Case", "Status", "Joint", "Slots", "Scheduled", "Accepted", "Waiting for", "Team"])
        for audit in state.audits.values.sorted(by: { $0.id < $1.id }) {
            let slots = audit.slots.enumerated().map { "\($0.offset):\(EnvelopeText.slot($0.element))" }.joined(separator: "; ")
            let accepted = audit.accepted.sorted { $0.key < $1.key }
                .map { "\($0.key)[\($0.value.sorted().map(String.init).joined(separator: ","))]" }.joined(separator: " ")
            let waiting = audit.status == .proposed
                ? audit.requiredParticipants.filter { audit.accepted[$0]?.isEmpty ?? true }.joined(separator: ",") : ""
            table.append([
                audit.id, audit.caseID, audit.status.rawValue, mark(audit.joint, "with Fuzhou"), slots,
                audit.scheduled.map(EnvelopeText.slot) ?? "", accepted, waiting, audit.team.joined(separator: ","),
            ])
        }
        return table
    }

    /// Joint meetings.
    public var meetings: Table {
        var table = Table(["Meeting", "Title", "When", "Place", "Invitees", "Agenda", "Minutes", "Decisions", "Status"])
        for meeting in state.meetings.values.sorted(by: { $0.id < $1.id }) {
            table.append([
                meeting.id, meeting.title, meeting.time.startMs == 0 ? "" : EnvelopeText.slot(meeting.time), meeting.place,
                "\(meeting.invitees.count)", "\(meeting.agendaItems.count)", "\(meeting.minutes)", "\(meeting.decisions)",
                meeting.closed ? "closed" : "open",
            ])
        }
        return table
    }

    /// Action items, overdue ones flagged; `overdueOnly` keeps just those.
    public func actions(overdueOnly: Bool = false) -> Table {
        var table = Table(["Action", "Meeting", "Owner", "Due", "Status", "Overdue", "Text"])
        for action in state.actions.values.sorted(by: { ($0.due, $0.id) < ($1.due, $1.id) }) {
            let overdue = action.isOverdue(on: today)
            if overdueOnly, !overdue { continue }
            table.append([action.id, action.meetingID, action.owner, "\(action.due)", action.status.label, mark(overdue, "OVERDUE"), action.text])
        }
        return table
    }

    /// Credit status changes and who has not yet confirmed stopping incentives.
    public var creditChanges: Table {
        var table = Table(["Change", "Enterprise", "USCC", "Levels", "Severity", "Effective", "Confirmed", "Pending", "Status"])
        for change in state.creditChanges.values.sorted(by: { $0.id < $1.id }) {
            let asked = change.confirmed.count + change.pending.count
            table.append([
                change.id, change.enterpriseName, change.uscc, "\(change.from) -> \(change.to) (\(change.levelSet.title))",
                change.severity.label, "\(change.effective)", asked == 0 ? "" : "\(change.confirmed.count)/\(asked)",
                change.pending.sorted().joined(separator: ","), change.lifted ? "lifted" : "in force",
            ])
        }
        return table
    }
}
