import Coordination
import HubProtocol

/// A bimonthly reporting period (01/02, 03/04, ...): the measures ask every unit to report every
/// two months.
public struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    /// The first day of the period and the first day after it.
    public let start: CivilDate
    public let end: CivilDate

    /// Why a period cannot be reported on.
    public struct Unusable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `YYYY-MM/YYYY-MM` and refuses a malformed period or one that has not begun by `today`.
    public init(_ text: String, today: CivilDate) throws(Unusable) {
        do {
            try EnvelopeValidator.validatePeriod(text, field: "period")
        } catch {
            throw Unusable(description: "period '\(text)': \(error.reason)")
        }
        let year = Int(text.prefix(4)) ?? 0
        let month = Int(text.dropFirst(5).prefix(2)) ?? 1
        guard let start = CivilDate(year: year, month: month, day: 1) else {
            throw Unusable(description: "period '\(text)' is not a real pair of months")
        }
        guard start <= today else {
            let current = ReportPeriod(containing: today)
            throw Unusable(
                description: "period \(text) has not begun yet (today is \(today)); the current period is \(current)")
        }
        self.init(start: start)
    }

    /// The period `date` falls in.
    public init(containing date: CivilDate) {
        let first = date.month % 2 == 1 ? date.month : date.month - 1
        self.init(start: CivilDate(year: date.year, month: first, day: 1)!)
    }

    private init(start: CivilDate) {
        self.start = start
        let nextMonth = start.month + 2
        end =
            nextMonth > 12
            ? CivilDate(year: start.year + 1, month: nextMonth - 12, day: 1)!
            : CivilDate(year: start.year, month: nextMonth, day: 1)!
    }

    /// `YYYY-MM/YYYY-MM`.
    public var description: String {
        func month(_ m: Int) -> String { m < 10 ? "0\(m)" : "\(m)" }
        return "\(start.year)-\(month(start.month))/\(start.year)-\(month(start.month + 1))"
    }

    /// The instants bounding the period, [start, end), as the log's `accepted_at_ms`.
    public var startMilliseconds: Int64 { start.chinaMidnightMilliseconds }
    public var endMilliseconds: Int64 { end.chinaMidnightMilliseconds }

    /// The last day of the period.
    public var lastDay: CivilDate { end.adding(days: -1) }

    /// Whether `milliseconds` (a record's accepted time) falls in the period.
    public func contains(_ milliseconds: Int64) -> Bool {
        milliseconds >= startMilliseconds && milliseconds < endMilliseconds
    }
}
