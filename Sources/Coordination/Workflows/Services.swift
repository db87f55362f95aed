import HubProtocol

// The services the measures promise an AEO, recorded by the department that gave them (since 1.4):
// acceptance with materials missing (容缺受理, measure 9), the monthly foreign-exchange batch
// declaration by the 5th (measure 13) and export refunds within 3 working days (measure 14). Each
// needs the enterprise's standing to be AEO when it is recorded.
extension CoordinationState {
    /// The target for an AEO's export refund (measure 14): at most 3 working days.
    public static let refundWorkingDays = 3

    mutating func applyService(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .toleranceAccepted(let m):
            let accepted = try pastDay(m.acceptedOn, "accepted_on", t)
            try newService(m.recordID, m.enterprise, measure: 9, t)
            services[m.recordID] = ServiceRecord(
                id: m.recordID, kind: .tolerance, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name,
                unit: sender.id, subject: m.matter, missing: m.missing, startedOn: accepted,
                due: try date(m.commitmentDue, "\(p).commitment_due"))
            return route([], sender: sender, uscc: m.enterprise.uscc)
        case .toleranceFulfilled(let m):
            guard var record = services[m.recordID], record.kind == .tolerance else {
                throw .workflow("there is no 容缺 acceptance \(m.recordID)", field: "\(p).record_id")
            }
            if t.checking, record.unit != sender.id {
                throw .notAuthorised("\(record.unit) accepted \(m.recordID); only it records the materials' arrival")
            }
            if let done = record.doneOn {
                throw .workflow("the materials of \(m.recordID) were already received on \(done)")
            }
            let received = try pastDay(m.receivedOn, "received_on", t)
            if t.checking, let started = record.startedOn, received < started {
                throw .workflow(
                    "received_on \(received) is before the acceptance on \(started)", field: "\(p).received_on")
            }
            record.doneOn = received
            services[m.recordID] = record
            return route([], sender: sender, uscc: record.uscc)
        case .fxBatchDeclared(let m):
            let declared = try pastDay(m.declaredOn, "declared_on", t)
            guard let first = CivilDate(firstOfMonth: m.month) else {
                throw Refusal(.invalidField, "'\(m.month)' is not a month (YYYY-MM)", field: "\(p).month")
            }
            let next = first.adding(months: 1)
            if t.checking, declared < next {
                throw .workflow(
                    "\(m.month) is declared once it has ended: declared_on \(declared) is before \(next)",
                    field: "\(p).declared_on")
            }
            try newService(m.recordID, m.enterprise, measure: 13, t)
            services[m.recordID] = ServiceRecord(
                id: m.recordID, kind: .fxBatch, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name,
                unit: sender.id, subject: m.month, due: next.adding(days: 4), doneOn: declared)
            return route([], sender: sender, uscc: m.enterprise.uscc)
        case .refundProcessed(let m):
            let refunded = try pastDay(m.refundedOn, "refunded_on", t)
            try newService(m.recordID, m.enterprise, measure: 14, t)
            services[m.recordID] = ServiceRecord(
                id: m.recordID, kind: .refund, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name,
                unit: sender.id, startedOn: try date(m.appliedOn, "\(p).applied_on"), doneOn: refunded)
            return route([], sender: sender, uscc: m.enterprise.uscc)
        default:
            return try applyPublicService(payload, t)
        }
    }

    /// A new record's id is free and its enterprise an AEO (the measures' "对 AEO 企业").
    private func newService(_ id: String, _ firm: Enterprise, measure: Int, _ t: Transition) throws(Refusal) {
        guard services[id] == nil else {
            throw .workflow("record \(id) already exists; choose a new id", field: "\(t.p).record_id")
        }
        guard t.checking, standings[firm.uscc]?.isAEO != true else { return }
        let standing = standings[firm.uscc]?.certificate.map { "its certificate is \($0.status.rawValue)" }
        throw .workflow(
            "\(firm.uscc) is not an AEO enterprise now (\(standing ?? "it holds no certificate")): measure "
                + "\(measure)'s service is for AEO enterprises", field: "\(t.p).enterprise")
    }
}

/// A service given to an AEO.
public struct ServiceRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case tolerance
        case fxBatch = "fx_batch"
        case refund
    }
    public var id: String
    public var kind: Kind
    public var uscc: String
    public var enterpriseName: String
    /// The department that recorded it.
    public var unit: String
    /// The matter (tolerance) or the month declared (FX batch).
    public var subject = ""
    public var missing = ""
    /// Accepted on (tolerance) or applied on (refund).
    public var startedOn: CivilDate?
    /// The commitment's due day (tolerance) or the 5th of the next month (FX batch).
    public var due: CivilDate?
    /// Materials received (tolerance), declared (FX batch) or refunded (refund).
    public var doneOn: CivilDate?
    public var participants: Set<String> = []

    /// A tolerance whose materials have not come by their due day.
    public func isOverdue(on date: CivilDate) -> Bool {
        kind == .tolerance && doneOn == nil && due.map { $0 < date } == true
    }

    /// Working days (Monday to Friday) from application to refund.
    public var workingDays: Int? {
        guard kind == .refund, let start = startedOn, let done = doneOn else { return nil }
        let days = max(0, start.days(until: done))
        var count = days / 7 * 5
        var day = start.adding(days: days / 7 * 7)
        while day < done {
            day = day.adding(days: 1)
            if !day.isWeekend { count += 1 }
        }
        return count
    }

    /// An FX batch declared by the 5th, or a refund within the target.
    public var isOnTime: Bool {
        switch kind {
        case .tolerance, .fxBatch:
            guard let doneOn, let due else { return false }
            return doneOn <= due
        case .refund: return (workingDays ?? .max) <= CoordinationState.refundWorkingDays
        }
    }
}
