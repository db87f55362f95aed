import Foundation
import ProtocolFuzzing
import Reports
import Testing

/// The listings' times, worked out by hand, read as Foundation's formatter writes them.
@Suite("Times in China Standard Time")
struct TimestampTests {
    @Test("a timestamp equals DateFormatter's yyyy-MM-dd HH:mm:ss at UTC+8, for 20,000 seeded instants 2000-2100")
    func timestampsEqualTheFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var generator = SplitMix64(seed: 14)
        let edges: [Int64] = [946_684_800_000, 946_655_999_999, 1_788_220_799_999, 4_102_444_800_000]
        for milliseconds in edges
            + (0..<20_000).map({ _ in Int64.random(in: 946_684_800_000...4_102_444_800_000, using: &generator) })
        {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(EnvelopeText.timestamp(milliseconds) == expected, "\(milliseconds)")
        }
    }
}
