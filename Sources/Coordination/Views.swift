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
        var cache = ViewRowsCache()
        return view(request, for: unit, on: today, cache: &cache)
    }

    /// ``view(_:for:on:)``, keeping each listing's sorted rows in `cache`, so that paging through a
    /// listing builds and sorts its rows once, not once per page. The caller empties the cache when
    /// the state changes.
    public func view(
        _ request: ViewRequest, for unit: String, on today: CivilDate, cache: inout ViewRowsCache
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
        if let stray = Self.setFilters(request).first(where: { !applicable.contains($0) }) {
            let kinds = Self.filters.filter { $0.value.contains(stray) }.map { "\($0.key)" }.sorted()
            view.code = .invalidField
            view.reason = "\(stray) does not filter this view; it filters \(kinds.joined(separator: ", "))"
            return view
        }
        func page<Row: SwiftProtobuf.Message>(
            _ rows: @autoclosure () -> [(key: String, row: Row)], _ assign: (inout View, [Row]) -> Void
        ) {
            let signature = ViewRowsCache.signature(request, unit: unit, today: today)
            let sorted: [(key: String, row: Row)]
            if let cached = cache.rows(signature) as? [(key: String, row: Row)] {
                sorted = cached
            } else {
                sorted = rows().sorted { $0.key < $1.key }
                cache.keep(sorted, count: sorted.count, for: signature)
            }
            let rest = sorted[Self.firstIndex(in: sorted, after: request.afterKey)...]
            // Up to page_size rows and the byte budget, and always at least one row.
            var bytes = 0
            let fitting = rest.prefix(pageSize).prefix { item in
                bytes += (try? item.row.serializedBytes() as [UInt8])?.count ?? 0
                return bytes <= Self.pageBytes
            }
            let chosen = fitting.isEmpty ? rest.prefix(1) : fitting
            view.total = UInt32(sorted.count)
            if rest.count > chosen.count, let last = chosen.last { view.nextKey = last.key }
            assign(&view, chosen.map(\.row))
        }
        switch request.kind {
        case .requests: page(requestRows(request, unit)) { $0.requests = $1 }
        case .cultivation: page(cultivationRows(request, unit)) { $0.cultivation = $1 }
        case .cases: page(caseRows(request, unit, today)) { $0.cases = $1 }
        case .audits: page(auditRows(request, unit)) { $0.audits = $1 }
        case .meetings: page(meetingRows(request, unit)) { $0.meetings = $1 }
        case .actions: page(actionRows(request, unit)) { $0.actions = $1 }
        case .creditChanges: page(creditRows(request, unit, today)) { $0.creditChanges = $1 }
        case .reports: page(reportRows(request, unit)) { $0.reports = $1 }
        case .certificates: page(certificateRows(request, today)) { $0.certificates = $1 }
        case .incentives: page(incentiveRows(request, unit)) { $0.incentives = $1 }
        case .activities: page(activityRows(unit)) { $0.activities = $1 }
        case .plans: page(planRows(request, unit, today)) { $0.plans = $1 }
        case .units: page(unitRows(unit)) { $0.units = $1 }
        case .unspecified, .UNRECOGNIZED:
            view.code = .invalidField
            view.reason =
                "kind: name a view (requests, cultivation, cases, audits, meetings, actions, credit_changes, "
                + "reports, certificates, incentives, activities, plans, units)"
        }
        return view
    }

    /// Where the rows after `key` start in `sorted` (all of them for an empty key): a binary search,
    /// so a page costs its own rows, not the listing's.
    static func firstIndex<Row>(in sorted: [(key: String, row: Row)], after key: String) -> Int {
        guard !key.isEmpty else { return 0 }
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].key <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The filters each view applies; any other filter set in a request is refused.
    static let filters: [ViewKind: Set<String>] = [
        .requests: ["uscc", "open_only"], .cultivation: ["uscc"], .cases: ["uscc", "case_id", "open_only"],
        .audits: ["uscc", "case_id", "open_only"], .meetings: ["meeting_id", "open_only"],
        .actions: ["meeting_id", "open_only"], .creditChanges: ["uscc", "open_only"], .reports: ["period"],
        .certificates: ["uscc", "open_only"], .incentives: ["uscc", "open_only"], .activities: [],
        .plans: ["uscc", "open_only"], .units: [],
    ]

    private static func setFilters(_ request: ViewRequest) -> [String] {
        [
            ("uscc", !request.uscc.isEmpty), ("case_id", !request.caseID.isEmpty),
            ("meeting_id", !request.meetingID.isEmpty),
            ("period", !request.period.isEmpty), ("open_only", request.openOnly),
        ].filter(\.1).map(\.0)
    }

    func sees(_ participants: Set<String>, _ unit: String) -> Bool {
        seesEverything(unit) || participants.contains(unit)
    }

    func matches(_ value: String, _ filter: String) -> Bool { filter.isEmpty || value == filter }

    private func requestRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: RequestRow)] {
        requests.values.filter {
            sees($0.participants, unit) && matches($0.uscc, request.uscc) && (!request.openOnly || $0.isOpen)
        }.map { (ViewKey.padded($0.filedAt) + "|" + $0.id, RequestRow($0)) }
    }

    private func cultivationRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: CultivationRow)] {
        cultivation.values.filter { sees($0.participants, unit) && matches($0.uscc, request.uscc) }
            .map { ($0.uscc, CultivationRow($0)) }
    }

    private func caseRows(_ request: ViewRequest, _ unit: String, _ today: CivilDate) -> [(key: String, row: CaseRow)] {
        cases.values.filter {
            sees($0.participants, unit) && matches($0.uscc, request.uscc) && matches($0.id, request.caseID)
                && (!request.openOnly || $0.status == .open)
        }.map { record in
            var row = CaseRow(record)
            row.overdue = record.isOverdue(on: today)
            row.priority = isPriority(record.uscc)
            return (record.id, row)
        }
    }

    private func auditRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: AuditRow)] {
        audits.values.filter {
            sees($0.participants, unit) && matches($0.uscc, request.uscc) && matches($0.caseID, request.caseID)
                && (!request.openOnly || $0.status == .proposed || $0.status == .scheduled)
        }.map { ($0.id, AuditRow($0)) }
    }

    private func meetingRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: MeetingRow)] {
        meetings.values.filter {
            sees($0.participants, unit) && matches($0.id, request.meetingID) && (!request.openOnly || !$0.closed)
        }.map { ($0.id, MeetingRow($0)) }
    }

    private func actionRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: ActionRow)] {
        actions.values.filter {
            sees($0.participants, unit) && matches($0.meetingID, request.meetingID)
                && (!request.openOnly || $0.status != .done)
        }.map { ($0.id, ActionRow($0)) }
    }

    private func creditRows(
        _ request: ViewRequest, _ unit: String, _ today: CivilDate
    ) -> [(key: String, row: CreditChangeRow)] {
        creditChanges.values.filter { matches($0.uscc, request.uscc) && (!request.openOnly || !$0.lifted) }
            .map { change in
                var row = CreditChangeRow(change)
                row.overdue = change.isOverdue(on: today)
                row.youOweConfirmation = change.pending.contains(unit)
                if !seesEverything(unit), change.publisher != unit {
                    row.confirmed = []
                    row.pending = []
                }
                return (change.id, row)
            }
    }

    private func reportRows(_ request: ViewRequest, _ unit: String) -> [(key: String, row: ReportRow)] {
        reports.values.filter {
            (seesEverything(unit) || $0.unit == unit) && matches($0.period, request.period)
        }.map { ($0.unit + " " + $0.period, ReportRow($0)) }  // a space sorts before any id character
    }
}

/// Page keys that sort as their rows do.
enum ViewKey {
    /// A non-negative number as 20 digits, so that text order is numeric order.
    static func padded(_ value: Int64) -> String {
        let digits = String(max(0, value))
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
