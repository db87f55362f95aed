import HubProtocol

extension Cell {
    /// A protocol enum that may be unset: ``choice(_:)`` when set, empty and null when it is the
    /// protocol's zero value.
    static func chosen<Value: NamedChoice>(_ value: Value, _ language: Language) -> Cell {
        Value.named.contains { $0.value == value } ? .choice(value, language) : Cell("", json: .null)
    }

    /// An enterprise as `{"uscc", "name"}` in JSON.
    static func enterprise(_ enterprise: Enterprise) -> JSONValue {
        .object(["uscc": .string(enterprise.uscc), "name": .optional(enterprise.name)])
    }

    /// An objection or repair request: "due YYYY-MM-DD" until decided, then the decision; in JSON
    /// `{"due", "decision"}` (decision null while undecided), or null when there is none.
    static func matter(due: String, decision: String, jsonDecision: String) -> Cell {
        guard !due.isEmpty else { return Cell("", json: .null) }
        return Cell(
            decision.isEmpty ? "due \(due)" : decision,
            json: .object(["due": .string(due), "decision": .optional(jsonDecision)]))
    }
}

// The listings of protocol 1.2's views: certificates, the incentive register, activities and
// cultivation plans; and the cells the 1.2 fields add to the older listings.
extension Listings {
    /// Certified enterprises: status (valid, suspended, withdrawn), the review due and whether it is
    /// overdue, and an open review case. `uscc` keeps one enterprise's; `overdueOnly` those whose
    /// review is overdue.
    public func certificates(uscc: String? = nil, overdueOnly: Bool = false) -> Table {
        var table = self.table([
            "Enterprise", "USCC", "Status", "Ground", "Office", "Certified on", "Review due", "Review overdue",
            "Open review",
        ])
        for item in view.certificates {
            if let uscc, item.enterprise.uscc != uscc { continue }
            if overdueOnly, !item.reviewOverdue { continue }
            table.append([
                .text(item.enterprise.name), .text(item.enterprise.uscc),
                .word(item.status, Terms.certificateStatuses, language), .chosen(item.ground, language),
                .text(item.office), .day(item.certifiedOn), .day(item.reviewDue),
                flag(item.reviewOverdue, "REVIEW OVERDUE"), .text(item.openReview),
            ])
        }
        return table
    }

    /// The incentive register: active, MUST STOP (a credit change stopped joint incentives and the
    /// granter has not confirmed yet) or stopped, and the change that stopped it. `uscc` keeps one
    /// enterprise's; `openOnly` leaves out stopped ones.
    public func incentives(uscc: String? = nil, openOnly: Bool = false) -> Table {
        var table = self.table([
            "Incentive", "Enterprise", "USCC", "Granter", "Measure", "Support", "Granted on", "Status", "Stopped by",
            "Stopped on",
        ])
        for item in view.incentives {
            if let uscc, item.enterprise.uscc != uscc { continue }
            if openOnly, item.status == "stopped" { continue }
            let word = language == .zh ? Terms.incentiveStatuses[item.status] : nil
            let status = Cell(
                word ?? (item.status == "must_stop" ? "MUST STOP" : item.status), json: .string(item.status))
            table.append([
                .text(item.incentiveID), .text(item.enterprise.name), .text(item.enterprise.uscc), .text(item.granter),
                .int(Int(item.measure)), .text(item.support), .day(item.grantedOn), status, .text(item.stoppedBy),
                item.stoppedAtMs == 0 ? Cell("", json: .null) : .day(of: item.stoppedAtMs),
            ])
        }
        return table
    }

    /// Publicity, training and consultation activities (measure 3).
    public var activities: Table {
        var table = self.table(["Activity", "Kind", "Title", "Held on", "Organisers", "Enterprises", "Attendance"])
        for item in view.activities {
            table.append([
                .text(item.activityID), .chosen(item.kind, language), .text(item.title), .day(item.heldOn),
                .list(item.organisers), .int(Int(item.enterprisesReached)), .int(Int(item.attendance)),
            ])
        }
        return table
    }

    /// Cultivation plans: milestones reached of all, the next one due, and whether one not reached
    /// is past its due date.
    public var plans: Table {
        var table = self.table([
            "Plan", "Enterprise", "USCC", "Approach", "Members", "Milestones", "Next due", "Overdue", "Officer",
            "Office",
        ])
        for item in view.plans {
            let members = Cell("\(item.members.count)", json: .array(item.members.map(Cell.enterprise)))
            let reached = Set(item.reached)
            let milestones = Cell(
                "\(reached.count)/\(item.milestones.count)",
                json: .object([
                    "reached": .array(item.reached.sorted().map { .int(Int64($0)) }),
                    "total": .int(Int64(item.milestones.count)),
                ]))
            let next = item.milestones.enumerated().filter { !reached.contains(UInt32($0.offset + 1)) }
                .min { $0.element.dueDate < $1.element.dueDate }
            let nextDue =
                next.map {
                    Cell("\($0.element.dueDate) (\($0.offset + 1))", json: .string($0.element.dueDate))
                } ?? Cell("", json: .null)
            let officer = Cell(
                item.officer.name.isEmpty ? "" : "\(item.officer.name) (\(item.officer.officerID))",
                json: .object(["officer_id": .string(item.officer.officerID), "name": .string(item.officer.name)]))
            table.append([
                .text(item.planID), .text(item.enterprise.name), .text(item.enterprise.uscc),
                .chosen(item.approach, language),
                members, milestones, nextDue, flag(item.overdue, "OVERDUE"), officer, .text(item.office),
            ])
        }
        return table
    }

    /// The cells protocol 1.2 adds to a case: review or not, overdue, priority (on the key list).
    func measureCells(_ item: CaseRow) -> [Cell] {
        [
            Cell(item.kind == .review ? item.kind.label(language) : "", json: .string(item.kind.jsonName)),
            flag(item.overdue, "OVERDUE"), flag(item.priority, "priority"),
        ]
    }

    /// The cells protocol 1.2 adds to a credit change: the objection and the repair request (due, then
    /// decided), overdue when one is undecided past its due date, and the end of publicity.
    func measureCells(_ change: CreditChangeRow) -> [Cell] {
        let objection = change.objectionDecision == .unspecified ? nil : change.objectionDecision
        return [
            .matter(
                due: change.objectionDue, decision: objection?.label(language) ?? "",
                jsonDecision: objection?.jsonName ?? ""),
            .matter(due: change.repairDue, decision: change.repairDecision, jsonDecision: change.repairDecision),
            flag(change.overdue, "OVERDUE"), .day(change.publicityEnd),
        ]
    }
}
