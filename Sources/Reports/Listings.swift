import Coordination
import HubProtocol

extension Cell {
    /// A protocol enum: its name in `language` in the table, its JSON name in JSON.
    static func choice(_ value: some NamedChoice, _ language: Language) -> Cell {
        Cell(value.label(language), json: .string(value.jsonName))
    }
    /// A view's string value (a status): its word in `language` in the table, itself in JSON.
    static func word(_ value: String, _ vocabulary: [String: String], _ language: Language) -> Cell {
        Cell(language.word(value, vocabulary), json: .optional(value))
    }
    /// A slot in the table, `{"start", "end"}` in JSON; empty and null when there is none.
    static func slot(_ slot: TimeSlot?) -> Cell {
        guard let slot else { return Cell("", json: .null) }
        return Cell(EnvelopeText.slot(slot), json: .slot(slot))
    }
}

/// The operators' listings, built from a view the hub computed from the one state (as the asking
/// unit may see it). Dates are in China time, like the log's. Each listing's JSON is documented in
/// `Protocols/json/` (one schema per listing), which is the same in every language. Slots are
/// numbered from 1 for people (JSON keeps the protocol's indexes, from 0).
public struct Listings: Sendable {
    public let view: View
    public let today: CivilDate
    /// Days within which customs should settle a request (the topology's request_service_days).
    public let serviceDays: Int
    /// The language of titles and words in the tables.
    public let language: Language

    /// Listings of `view` as of `today`, in `language`.
    public init(view: View, today: CivilDate, serviceDays: Int, language: Language = .en) {
        self.view = view
        self.today = today
        self.serviceDays = serviceDays
        self.language = language
    }

    func table(_ columns: [String]) -> Table { Table(columns, language: language) }

    /// A flag's word in the table's language.
    func flag(_ value: Bool, _ word: String) -> Cell { .flag(value, language.word(word, Terms.flags)) }

    /// The request ledger with ages, overdue flags (against the topology's service time) and
    /// probable duplicates; `openOnly` leaves out settled requests.
    public func requests(openOnly: Bool = false, overdueOnly: Bool = false) -> Table {
        var table = self.table([
            "Request", "Enterprise", "USCC", "Area", "Category", "Status", "Office", "Filed", "Age days", "Overdue",
            "Duplicate of",
        ])
        let days = language.pick("天", "d")
        let overdueWord = language.word("OVERDUE", Terms.flags)
        for request in view.requests {
            let isOpen =
                request.status == "filed" || request.status == "acknowledged" || request.status == "in_progress"
            let age = CivilDate(chinaTimeMilliseconds: request.filedAtMs).days(until: today)
            let overdue = isOpen && age > serviceDays
            if openOnly, !isOpen { continue }
            if overdueOnly, !overdue { continue }
            table.append([
                .text(request.requestID), .text(request.enterprise.name), .text(request.enterprise.uscc),
                .text(request.area), .choice(request.category, language),
                .word(request.status, Terms.requestStatuses, language), .text(request.handlingOffice),
                .day(of: request.filedAtMs), .int(age, unit: days), .flag(overdue, overdueWord),
                .text(request.duplicateOf),
            ])
        }
        return table
    }

    /// The credit cultivation key list.
    public var cultivation: Table {
        var table = self.table(["USCC", "Enterprise", "Status", "Recommended by", "Updated", "Category"])
        for item in view.cultivation {
            table.append([
                .text(item.enterprise.uscc), .text(item.enterprise.name),
                .word(item.status, Terms.cultivationStatuses, language), .list(item.recommenders),
                .day(of: item.updatedAtMs), .chosen(item.category, language),
            ])
        }
        return table
    }

    /// Certification cases with their deadlines; days left is negative once the deadline has passed.
    public var cases: Table {
        var table = self.table([
            "Case", "Enterprise", "USCC", "Office", "Received", "Deadline", "Extended", "Days left", "Status", "Joint",
            "Review due", "Kind", "Overdue", "Priority",
        ])
        for item in view.cases {
            let left = CivilDate(item.deadline).map { today.days(until: $0) }
            let daysLeft = item.status == "open" && left != nil ? Cell.int(left!) : Cell("", json: .null)
            table.append(
                [
                    .text(item.caseID), .text(item.enterprise.name), .text(item.enterprise.uscc), .text(item.office),
                    .day(item.applicationReceived), .day(item.deadline), flag(item.extended, "extended"), daysLeft,
                    .word(item.status, Terms.caseStatuses, language), flag(item.joint, "with Fuzhou"),
                    .day(item.reviewDue),
                ] + measureCells(item))
        }
        return table
    }

    /// On-site audits: candidate slots (numbered from 1), who accepted which, who is still to answer.
    public var audits: Table {
        var table = self.table([
            "Audit", "Case", "Status", "Joint", "Slots", "Scheduled", "Accepted", "Waiting for", "Team",
        ])
        for audit in view.audits {
            let slots = Cell(
                audit.slots.enumerated().map { "\($0.offset + 1):\(EnvelopeText.slot($0.element))" }
                    .joined(separator: "; "),
                json: .array(audit.slots.map(JSONValue.slot)))
            let accepted = Cell(
                audit.accepted.map { "\($0.unit)[\($0.slots.map { String($0 + 1) }.joined(separator: ","))]" }
                    .joined(separator: " "),
                json: .object(
                    Dictionary(
                        uniqueKeysWithValues: audit.accepted.map {
                            ($0.unit, .array($0.slots.map { .int(Int64($0) + 1) }))
                        }
                    )))
            table.append([
                .text(audit.auditID), .text(audit.caseID), .word(audit.status, Terms.auditStatuses, language),
                flag(audit.joint, "with Fuzhou"), slots,
                .slot(audit.hasScheduled ? audit.scheduled : nil), accepted, .list(audit.waitingFor),
                .list(audit.team + audit.joining.map { "\($0.officerID) \($0.name) (\($0.office))" }),
            ])
        }
        return table
    }

    /// Joint meetings.
    public var meetings: Table {
        var table = self.table([
            "Meeting", "Title", "When", "Place", "Invitees", "Agenda items", "Minutes", "Decisions", "Closed",
        ])
        for meeting in view.meetings {
            table.append([
                .text(meeting.meetingID), .text(meeting.title), .slot(meeting.hasTime ? meeting.time : nil),
                .text(meeting.place),
                Cell("\(meeting.invitees.count)", json: .array(meeting.invitees.map(JSONValue.string))),
                .int(Int(meeting.agendaItems)), .int(Int(meeting.minutes)), .int(Int(meeting.decisions)),
                flag(meeting.closed, "closed"),
            ])
        }
        return table
    }

    /// Action items by due date, overdue ones flagged; `overdueOnly` keeps just those.
    public func actions(overdueOnly: Bool = false) -> Table {
        var table = self.table(["Action", "Meeting", "Owner", "Due", "Status", "Overdue", "Text"])
        for action in view.actions.sorted(by: { ($0.due, $0.actionID) < ($1.due, $1.actionID) }) {
            let overdue = action.status != .done && (CivilDate(action.due).map { $0 < today } ?? false)
            if overdueOnly, !overdue { continue }
            table.append([
                .text(action.actionID), .text(action.meetingID), .text(action.owner), .day(action.due),
                .choice(action.status, language), flag(overdue, "OVERDUE"), .text(action.text),
            ])
        }
        return table
    }

    /// Credit status changes, how many units confirmed stopping incentives, and who has not (for the
    /// coordinator and the publisher; another unit sees whether it still owes its own confirmation).
    public var creditChanges: Table {
        var table = self.table([
            "Change", "Enterprise", "USCC", "Levels", "Severity", "Effective", "Confirmed", "Pending", "You owe",
            "Lifted",
            "Objection", "Repair", "Overdue", "Publicity end", "Confirm by", "Confirm overdue",
        ])
        for change in view.creditChanges {
            let set = language == .zh ? change.levelSet.chineseName ?? change.levelSet.title : change.levelSet.title
            let levels = Cell(
                "\(change.levelSet.levelName(change.fromLevel, language)) -> "
                    + "\(change.levelSet.levelName(change.toLevel, language)) (\(set))",
                json: .object([
                    "level_set": .string(change.levelSet.jsonName), "from": .string(change.fromLevel),
                    "to": .string(change.toLevel),
                ]))
            let confirmed = Cell(
                change.asked == 0 ? "" : "\(change.confirmedCount)/\(change.asked)",
                json: .object(["confirmed": .int(Int64(change.confirmedCount)), "asked": .int(Int64(change.asked))]))
            table.append(
                [
                    .text(change.changeID), .text(change.enterprise.name), .text(change.enterprise.uscc), levels,
                    .choice(change.severity, language), .day(change.effectiveDate), confirmed, .list(change.pending),
                    flag(change.youOweConfirmation, "CONFIRM"), flag(change.lifted, "lifted"),
                ] + measureCells(change) + [
                    .day(change.confirmBy), flag(change.confirmationsOverdue, "CONFIRM OVERDUE"),
                ])
        }
        return table
    }
}
