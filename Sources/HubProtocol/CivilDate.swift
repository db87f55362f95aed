/// A calendar date without a time zone, written `YYYY-MM-DD` on the wire.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date, if `year`-`month`-`day` exists in the proleptic Gregorian calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else, including impossible dates.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The first day of a `YYYY-MM` month; `nil` for anything else.
    public init?(firstOfMonth text: String) {
        guard text.utf8.count == 7 else { return nil }
        self.init(text + "-01")
    }

    public var description: String {
        guard (0...9999).contains(year) else {
            func pad(_ n: Int, _ width: Int) -> String {
                let s = String(n)
                return String(repeating: "0", count: max(0, width - s.count)) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
        // Written byte by byte: listings print a date per row, and interpolation cost more than the rest.
        return String(unsafeUninitializedCapacity: 10) { bytes in
            Self.writeDigits(year, count: 4, into: bytes, at: 0)
            bytes[4] = UInt8(ascii: "-")
            Self.writeDigits(month, count: 2, into: bytes, at: 5)
            bytes[7] = UInt8(ascii: "-")
            Self.writeDigits(day, count: 2, into: bytes, at: 8)
            return 10
        }
    }

    /// Writes `value` (0 or more) as its last `count` decimal digits, zero-padded, at `offset`.
    public static func writeDigits(
        _ value: Int, count: Int, into bytes: UnsafeMutableBufferPointer<UInt8>, at offset: Int
    ) {
        var rest = value
        for index in stride(from: offset + count - 1, through: offset, by: -1) {
            bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    /// The date `days` later (or earlier, if negative).
    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> CivilDate {
        let y = year + years
        return CivilDate(year: y, month: month, day: min(day, Self.daysIn(month: month, year: y)))!
    }

    /// The same day `months` later, clamped to the month's last day (31 January + 1 month: 28 or 29 February).
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let (y, m) = (index / 12, index % 12 + 1)
        return CivilDate(year: y, month: m, day: min(day, Self.daysIn(month: m, year: y)))!
    }

    /// The day `count` working days (Monday to Friday) later. Public holidays are not known.
    public func adding(workingDays count: Int) -> CivilDate {
        var date = self
        var left = count
        while left > 0 {
            date = date.adding(days: 1)
            if !date.isWeekend { left -= 1 }
        }
        return date
    }

    /// Saturday or Sunday (1970-01-01 was a Thursday).
    public var isWeekend: Bool { ((dayNumber % 7) + 7 + 3) % 7 >= 5 }

    /// Days from `self` to `other`.
    public func days(until other: CivilDate) -> Int { other.dayNumber - dayNumber }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// The date of an instant in China Standard Time (UTC+8, no daylight saving).
    public init(chinaTimeMilliseconds ms: Int64) {
        // Clamped to ±100,000 years, so no instant from any source can overflow the arithmetic.
        let bound: Int64 = 3_155_760_000_000_000
        let shifted = min(max(ms, -bound), bound) + 8 * 3_600_000
        let days = shifted >= 0 ? shifted / 86_400_000 : (shifted - 86_399_999) / 86_400_000
        self.init(dayNumber: Int(days))
    }

    /// Midnight at the start of this date in China Standard Time, as Unix milliseconds.
    public var chinaMidnightMilliseconds: Int64 { Int64(dayNumber) * 86_400_000 - 8 * 3_600_000 }
}
