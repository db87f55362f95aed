// Field rules of the services given to AEOs (SPEC.md 6.6, since 1.4).
extension FieldCheck {
    mutating func serviceFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .toleranceAccepted(let m):
            try recordID(m.recordID, "\(p).record_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try required(m.matter, "\(p).matter", max: TextLimit.name)
            try required(m.missing, "\(p).missing", max: TextLimit.long)
            let accepted = try date(m.acceptedOn, "\(p).accepted_on")
            let due = try date(m.commitmentDue, "\(p).commitment_due")
            guard due > accepted else {
                throw fail(
                    "\(p).commitment_due", "must be after accepted_on \(accepted): the day the materials are due")
            }
        case .toleranceFulfilled(let m):
            try recordID(m.recordID, "\(p).record_id")
            _ = try date(m.receivedOn, "\(p).received_on")
        case .fxBatchDeclared(let m):
            try recordID(m.recordID, "\(p).record_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            guard CivilDate(firstOfMonth: m.month) != nil else {
                throw fail("\(p).month", "'\(m.month)' is not a month; write YYYY-MM, e.g. 2026-11")
            }
            _ = try date(m.declaredOn, "\(p).declared_on")
        case .refundProcessed(let m):
            try recordID(m.recordID, "\(p).record_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            let applied = try date(m.appliedOn, "\(p).applied_on")
            let refunded = try date(m.refundedOn, "\(p).refunded_on")
            guard refunded >= applied else {
                throw fail("\(p).refunded_on", "is before applied_on \(applied)")
            }
        case .serviceWindowOpened(let m):
            try recordID(m.windowID, "\(p).window_id")
            try required(m.centre, "\(p).centre", max: TextLimit.name)
            try area(m.area, "\(p).area")
            try nodeID(m.office, "\(p).office")
            _ = try date(m.openedOn, "\(p).opened_on")
        case .serviceWindowClosed(let m):
            try recordID(m.windowID, "\(p).window_id")
            _ = try date(m.closedOn, "\(p).closed_on")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .priorityMattersPublished(let m):
            guard !m.items.isEmpty else { throw fail("\(p).items", "list at least one matter") }
            try count(m.items, "\(p).items", max: 100)
            for (i, item) in m.items.enumerated() {
                try required(item.matter, "\(p).items[\(i)].matter", max: TextLimit.name)
                try required(item.channel, "\(p).items[\(i)].channel", max: TextLimit.name)
            }
            _ = try date(m.publishedOn, "\(p).published_on")
        default:
            break
        }
    }
}
