import Foundation
import HubProtocol
import ProtocolFuzzing
import Reports
import Testing

/// The listings' times, worked out by hand, read as Foundation's formatter writes them.
@Suite("Times in China Standard Time")
struct TimestampTests {
    @Test("timestamps, ISO times and days equal DateFormatter's at UTC+8, for 20,000 seeded instants 2000-2100")
    func timestampsEqualTheFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let iso = DateFormatter()
        iso.locale = formatter.locale
        iso.timeZone = formatter.timeZone
        iso.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"
        var generator = SplitMix64(seed: 14)
        let edges: [Int64] = [946_684_800_000, 946_655_999_999, 1_788_220_799_999, 4_102_444_800_000]
        for milliseconds in edges
            + (0..<20_000).map({ _ in Int64.random(in: 946_684_800_000...4_102_444_800_000, using: &generator) })
        {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(EnvelopeText.timestamp(milliseconds) == expected, "\(milliseconds)")
            // Whole milliseconds as the formatter reads a Double: exact below 2^53.
            let instant = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(JSONValue.isoTime(milliseconds) == iso.string(from: instant), "\(milliseconds)")
            #expect(CivilDate(chinaTimeMilliseconds: milliseconds).description == String(expected.prefix(10)))
        }
    }
}
