import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

/// Issue 14: no work per message that grows with history. The work is counted, not timed: store
/// queries and records read by admission, and the index entries the workflow checks visit.
@Suite("HubCore: admission cost does not grow with history")
struct AdmissionScaleTests {
    /// A valid USCC for enterprise number `n` (GB 32100 check character computed).
    static func uscc(_ n: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let body = Array("91350200" + String(format: "%09d", n))
        let sum = zip(body, weights).reduce(0) { $0 + (alphabet.firstIndex(of: $1.0) ?? 0) * $1.1 }
        return String(body) + String(alphabet[(31 - sum % 31) % 31])
    }

    struct Work: Equatable {
        var dedupQueries: Int
        var recordsRead: Int
        var entriesVisited: Int
        var accepted: Int
    }

    /// Files requests `range` from huli, 1,000 a batch, each for its own enterprise.
    static func file(_ range: Range<Int>, into hub: inout CoreHarness) {
        for start in stride(from: range.lowerBound, to: range.upperBound, by: 1_000) {
            let end = min(range.upperBound, start + 1_000)
            hub.round(
                (start..<end).map { n in
                    ("huli", .submit(CoreHarness.request("R-\(n)", messageID: "m-\(n)", uscc: uscc(n))))
                })
        }
        _ = hub.outbox.take(CoreHarness.routing("huli"))
    }

    /// The work of one batch: 100 new requests, 100 retries of requests filed long ago, and a request
    /// of an enterprise that already has one open (a probable duplicate).
    static func probe(_ hub: inout CoreHarness, next: Int) -> Work {
        let before = (hub.log.dedupQueries, hub.log.recordsRead, hub.core.state.work.entriesVisited)
        var batch: [(node: String, command: Command)] = (next..<next + 100).map { n in
            ("huli", .submit(CoreHarness.request("R-\(n)", messageID: "m-\(n)", uscc: uscc(n))))
        }
        batch += (0..<100).map { n in
            ("huli", .submit(CoreHarness.request("R-\(n)", messageID: "m-\(n)", uscc: uscc(n))))
        }
        batch.append(("huli", .submit(CoreHarness.request("R-dup-\(next)", messageID: "dup-\(next)", uscc: uscc(7)))))
        hub.round(batch)
        let answers = hub.outbox.take(CoreHarness.routing("huli"))
        return Work(
            dedupQueries: hub.log.dedupQueries - before.0, recordsRead: hub.log.recordsRead - before.1,
            entriesVisited: hub.core.state.work.entriesVisited - before.2, accepted: answers.accepted.count)
    }

    @Test("one dedup query per batch, no record read and as many index entries visited at 1,000 and 20,000 requests")
    func flat() {
        var hub = CoreHarness { $0.rateLimit = nil }
        hub.hello("huli")
        Self.file(0..<1_000, into: &hub)
        let small = Self.probe(&hub, next: 1_000)
        Self.file(1_100..<20_000, into: &hub)
        #expect(hub.core.state.requests.count >= 20_000)
        let large = Self.probe(&hub, next: 20_000)
        #expect(small == large, "at 1k: \(small); at 20k: \(large)")
        #expect(small.dedupQueries == 1)
        #expect(small.recordsRead == 0)
        #expect(small.accepted == 201)
        #expect(small.entriesVisited == 101, "one lookup of the open-requests index per new request")
    }
}
