import Coordination
import HubNode
import HubProtocol

/// The operators' listings, built from a view the hub computed from the one state (as the asking
/// unit may see it). Dates are in China time, like the log's.
public struct Listings: Sendable {
    public let view: View
    public let today: CivilDate
    /// Days within which customs should settle a request (the topology's request_service_days).
    public let serviceDays: Int

    public init(view: View, today: CivilDate, serviceDays: Int) {
        self.view = view
        self.today = today
        self.serviceDays = serviceDays
    }

    private func day(_ milliseconds: Int64) -> String { String(EnvelopeText.timestamp(milliseconds).prefix(10)) }
    private func mark(_ flag: Bool, _ text: String) -> String { flag ? text : "" }

    /// The request ledger with ages, overdue flags (against the topology's service time) and
    /// probable duplicates; `openOnly` leaves out settled requests.
    public func requests(openOnly: Bool = false, overdueOnly: Bool = false) -> Table {
        var table = Table([
            "Request", "Enterprise", "USCC", "Area", "Category", "Status", "Office", "Filed", "Age", "Overdue",
            "Duplicate of",
        ])
        for request in view.requests {
            let isOpen = ["filed", "acknowledged", "in_progress"].contains(request.status)
            let age = CivilDate(chinaTimeMilliseconds: request.filedAtMs).days(until: today)
            let overdue = isOpen && age > serviceDays
            if openOnly, !isOpen { continue }
            if overdueOnly, !overdue { continue }
            table.append([
                request.requestID, request.enterprise.name, request.enterprise.uscc, request.area,
                request.category.label,
                request.status, request.handlingOffice, day(request.filedAtMs), "\(age)d", mark(overdue, "OVERDUE"),
                request.duplicateOf,
            ])
        }
        return table
    }

    /// The credit cultivation key list.
    public var cultivation: Table {
        var table = Table(["USCC", "Enterprise", "Status", "Recommended by", "Updated"])
        for item in view.cultivation {
            table.append([
                item.enterprise.uscc, item.enterprise.name, item.status, item.recommenders.joined(separator: ","),
                day(item.updatedAtMs),
            ])
        }
        return table
    }

    /// Certification cases with their deadlines.
    public var cases: Table {
        var table = Table([
            "Case", "Enterprise", "USCC", "Office", "Received", "Deadline", "Days left", "Status", "Joint",
            "Review due",
        ])
        for item in view.cases {
            let left = item.status == "open" ? CivilDate(item.deadline).map { "\(today.days(until: $0))" } ?? "" : ""
            table.append([
                item.caseID, item.enterprise.name, item.enterprise.uscc, item.office, item.applicationReceived,
                "\(item.deadline)\(item.extended ? " (extended)" : "")", left, item.status,
                mark(item.joint, "with Fuzhou"),
                item.reviewDue,
            ])
        }
        return table
    }

    /// On-site audits: candidate slots, who accepted which, who is still to answer.
    public var audits: Table {
        var table = Table(["Audit", "Case", "Status", "Joint", "Slots", "Scheduled", "Accepted", "Waiting for", "Team"])
        for audit in view.audits {
            let slots = audit.slots.enumerated().map { "\($0.offset):\(EnvelopeText.slot($0.element))" }.joined(
                separator: "; ")
            let accepted = audit.accepted
                .map { "\($0.unit)[\($0.slots.map(String.init).joined(separator: ","))]" }.joined(separator: " ")
            table.append([
                audit.auditID, audit.caseID, audit.status, mark(audit.joint, "with Fuzhou"), slots,
                audit.hasScheduled ? EnvelopeText.slot(audit.scheduled) : "", accepted,
                audit.waitingFor.joined(separator: ","), audit.team.joined(separator: ","),
            ])
        }
        return table
    }

    /// Joint meetings.
    public var meetings: Table {
        var table = Table(["Meeting", "Title", "When", "Place", "Invitees", "Agenda", "Minutes", "Decisions", "Status"])
        for meeting in view.meetings {
            table.append([
                meeting.meetingID, meeting.title, meeting.time.startMs == 0 ? "" : EnvelopeText.slot(meeting.time),
                meeting.place,
                "\(meeting.invitees.count)", "\(meeting.agendaItems)", "\(meeting.minutes)", "\(meeting.decisions)",
                meeting.closed ? "closed" : "open",
            ])
        }
        return table
    }

    /// Action items, overdue ones flagged; `overdueOnly` keeps just those.
    public func actions(overdueOnly: Bool = false) -> Table {
        var table = Table(["Action", "Meeting", "Owner", "Due", "Status", "Overdue", "Text"])
        for action in view.actions.sorted(by: { ($0.due, $0.actionID) < ($1.due, $1.actionID) }) {
            let overdue = action.status != .done && (CivilDate(action.due).map { $0 < today } ?? false)
            if overdueOnly, !overdue { continue }
            table.append([
                action.actionID, action.meetingID, action.owner, action.due, action.status.label,
                mark(overdue, "OVERDUE"),
                action.text,
            ])
        }
        return table
    }

    /// Credit status changes, how many units confirmed stopping incentives, and who has not (for the
    /// coordinator and the publisher; another unit sees whether it still owes its own confirmation).
    public var creditChanges: Table {
        var table = Table([
            "Change", "Enterprise", "USCC", "Levels", "Severity", "Effective", "Confirmed", "Pending", "You owe",
            "Status",
        ])
        for change in view.creditChanges {
            table.append([
                change.changeID, change.enterprise.name, change.enterprise.uscc,
                "\(change.fromLevel) -> \(change.toLevel) (\(change.levelSet.title))", change.severity.label,
                change.effectiveDate, change.asked == 0 ? "" : "\(change.confirmedCount)/\(change.asked)",
                change.pending.joined(separator: ","), mark(change.youOweConfirmation, "CONFIRM"),
                change.lifted ? "lifted" : "in force",
            ])
        }
        return table
    }
}
