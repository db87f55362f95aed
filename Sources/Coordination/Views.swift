import HubProtocol
import SwiftProtobuf

/// What each unit may see of the one state (SPEC.md 6.5), and the views built from it.
///
/// The coordinator sees everything. Another unit sees an entity it took part in: it sent a message
/// about it or the rules routed one to it (it filed, handles, was handed, recommended, must accept
/// an audit slot, was invited, owns an action item). Every unit sees every credit change, with the
/// number of confirmations and whether it still owes one; who owes is for the coordinator and the
/// publisher. A unit sees its own progress reports.
extension CoordinationState {
    /// Rows per page when a request names none, and the most a request may ask for.
    public static let defaultPageSize = 200
    public static let maxPageSize = 1000
    /// The most row bytes in one page, so that a VIEW stays under the 1 MiB message limit.
    public static let pageBytes = 768 * 1024

    /// Whether `unit` sees everything.
    public func seesEverything(_ unit: String) -> Bool { topology.units[unit]?.role == .coordinator }

    /// One page of the view `request` asks for, as `unit` may see it on `today` (which decides what
    /// is overdue). `as_of_sequence` is the caller's to set. A bad request answers a view with its
    /// code and reason and no rows.
    public func view(_ request: ViewRequest, for unit: String, on today: CivilDate) -> View {
        var work = ViewWork()
        return view(request, for: unit, on: today, work: &work)
    }

    /// ``view(_:for:on:)``, adding what the page cost to `work`: the rows it built (its own) and the
    /// records it looked at (its own for a listing of everything, else every record, to count them).
    ///
    /// `measuringRows: false` leaves out the row bytes limit (``pageBytes``), which costs an encoding
    /// of each row: for a caller that encodes the page once and, when the encoding is over the limit,
    /// asks again measuring. A page's encoding is larger than its rows, so an encoding within the
    /// limit has its rows within it too, and the two ways answer the same rows.
    public func view(
        _ request: ViewRequest, for unit: String, on today: CivilDate, work: inout ViewWork,
        measuringRows: Bool = true
    ) -> View {
        var view = View.with {
            $0.requestID = request.requestID
            $0.kind = request.kind
        }
        guard topology.units[unit] != nil else {
            view.code = .notAuthorised
            view.reason = "\(unit) is not a unit of this network"
            return view
        }
        let pageSize = request.pageSize == 0 ? Self.defaultPageSize : Int(request.pageSize)
        guard pageSize <= Self.maxPageSize else {
            view.code = .invalidField
            view.reason = "page_size is at most \(Self.maxPageSize); got \(request.pageSize)"
            return view
        }
        let applicable = Self.filters[request.kind] ?? []
        let filters = Self.setFilters(request)
        if let stray = filters.first(where: { !applicable.contains($0) }) {
            let kinds = Self.filters.filter { $0.value.contains(stray) }.map { "\($0.key)" }.sorted()
            view.code = .invalidField
            view.reason = "\(stray) does not filter this view; it filters \(kinds.joined(separator: ", "))"
            return view
        }
        var listing = Listing(
            after: request.afterKey, size: pageSize, unfiltered: filters.isEmpty, measuringRows: measuringRows)
        defer { work = listing.work }
        listing.work = work
        let everything = seesEverything(unit)
        switch request.kind {
        case .requests: view.requests = listing.page(requests, everything, requestRow(request, unit))
        case .cultivation: view.cultivation = listing.page(cultivation, everything, cultivationRow(request, unit))
        case .cases: view.cases = listing.page(cases, everything, caseRow(request, unit, today))
        case .audits: view.audits = listing.page(audits, everything, auditRow(request, unit))
        case .meetings: view.meetings = listing.page(meetings, everything, meetingRow(request, unit))
        case .actions: view.actions = listing.page(actions, everything, actionRow(request, unit))
        case .creditChanges: view.creditChanges = listing.page(creditChanges, true, creditRow(request, unit, today))
        case .reports: view.reports = listing.page(reports, everything, reportRow(request, unit))
        case .certificates: view.certificates = listing.page(standings, true, certificateRow(request, today))
        case .enterprises: view.enterprises = listing.page(standings, true, enterpriseRow(request, unit, today))
        case .breaches: view.breaches = listing.page(breaches, everything, breachRow(request, unit))
        case .services: view.services = listing.page(services, everything, serviceRow(request, unit, today))
        case .windows: view.windows = listing.page(windows, true, windowRow(request))
        case .priorityMatters: view.priorityMatters = listing.page(priorityMatters, true, prioritiesRow())
        case .incentives: view.incentives = listing.page(incentives, everything, incentiveRow(request, unit))
        case .activities: view.activities = listing.page(activities, everything, activityRow(unit))
        case .plans: view.plans = listing.page(plans, everything, planRow(request, unit, today))
        case .units: view.units = listing.page(RecordBook(topology.units), everything, unitRow(unit))
        case .unspecified, .UNRECOGNIZED:
            view.code = .invalidField
            view.reason =
                "kind: name a view (requests, cultivation, cases, audits, meetings, actions, credit_changes, "
                + "reports, certificates, incentives, activities, plans, units, enterprises, breaches, services, "
                + "windows, priority_matters)"
            return view
        }
        view.total = UInt32(listing.total)
        view.nextKey = listing.nextKey
        return view
    }

    /// The filters each view applies; any other filter set in a request is refused.
    static let filters: [ViewKind: Set<String>] = [
        .requests: ["uscc", "open_only"], .cultivation: ["uscc"], .cases: ["uscc", "case_id", "open_only"],
        .audits: ["uscc", "case_id", "open_only"], .meetings: ["meeting_id", "open_only"],
        .actions: ["meeting_id", "open_only"], .creditChanges: ["uscc", "open_only"], .reports: ["period"],
        .certificates: ["uscc", "open_only"], .incentives: ["uscc", "open_only"], .activities: [],
        .plans: ["uscc", "open_only"], .units: [],
        .enterprises: ["uscc", "must_stop", "barred", "suspended"], .breaches: ["uscc", "open_only"],
        .services: ["uscc", "open_only"], .windows: ["open_only"], .priorityMatters: [],
    ]

    private static func setFilters(_ request: ViewRequest) -> [String] {
        [
            ("uscc", !request.uscc.isEmpty), ("case_id", !request.caseID.isEmpty),
            ("meeting_id", !request.meetingID.isEmpty),
            ("period", !request.period.isEmpty), ("open_only", request.openOnly),
            ("must_stop", request.mustStop), ("barred", request.barred), ("suspended", request.suspended),
        ].filter(\.1).map(\.0)
    }

    /// Whether `unit` sees an entity with these participants (asked once per listing, not per record).
    func seer(_ unit: String) -> (Set<String>) -> Bool {
        seesEverything(unit) ? { _ in true } : { $0.contains(unit) }
    }

    func matches(_ value: String, _ filter: String) -> Bool { filter.isEmpty || value == filter }

    private func requestRow(_ request: ViewRequest, _ unit: String) -> ListingRule<RequestRecord, RequestRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc) && (!request.openOnly || $0.isOpen)
            }, row: RequestRow.init)
    }

    private func cultivationRow(
        _ request: ViewRequest, _ unit: String
    ) -> ListingRule<CultivationRecord, CultivationRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: { sees($0.participants) && matches($0.uscc, request.uscc) }, row: CultivationRow.init)
    }

    private func caseRow(_ request: ViewRequest, _ unit: String, _ today: CivilDate) -> ListingRule<CaseRecord, CaseRow>
    {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc) && matches($0.id, request.caseID)
                    && (!request.openOnly || $0.status == .open)
            },
            row: { record in
                var row = CaseRow(record)
                row.overdue = record.isOverdue(on: today)
                row.priority = isPriority(record.uscc)
                return row
            })
    }

    private func auditRow(_ request: ViewRequest, _ unit: String) -> ListingRule<AuditRecord, AuditRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.uscc, request.uscc) && matches($0.caseID, request.caseID)
                    && (!request.openOnly || $0.status == .proposed || $0.status == .scheduled)
            }, row: AuditRow.init)
    }

    private func meetingRow(_ request: ViewRequest, _ unit: String) -> ListingRule<MeetingRecord, MeetingRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.id, request.meetingID) && (!request.openOnly || !$0.closed)
            }, row: MeetingRow.init)
    }

    private func actionRow(_ request: ViewRequest, _ unit: String) -> ListingRule<ActionRecord, ActionRow> {
        let sees = seer(unit)
        return ListingRule(
            includes: {
                sees($0.participants) && matches($0.meetingID, request.meetingID)
                    && (!request.openOnly || $0.status != .done)
            }, row: ActionRow.init)
    }

    private func creditRow(
        _ request: ViewRequest, _ unit: String, _ today: CivilDate
    ) -> ListingRule<CreditChangeRecord, CreditChangeRow> {
        let everything = seesEverything(unit)
        return ListingRule(
            includes: { matches($0.uscc, request.uscc) && (!request.openOnly || !$0.lifted) },
            row: { change in
                var row = CreditChangeRow(change)
                row.overdue = change.isOverdue(on: today)
                row.confirmationsOverdue = change.confirmationsOverdue(on: today)
                row.youOweConfirmation = change.pending.contains(unit)
                if !everything, change.publisher != unit {
                    row.confirmed = []
                    row.pending = []
                }
                return row
            })
    }

    private func reportRow(_ request: ViewRequest, _ unit: String) -> ListingRule<ReportRecord, ReportRow> {
        let everything = seesEverything(unit)
        return ListingRule(
            includes: { (everything || $0.unit == unit) && matches($0.period, request.period) }, row: ReportRow.init)
    }
}
