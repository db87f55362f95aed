import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

@Suite("HubCore: replay cursors")
struct ReplayCoreTests {
    static let coordinator = CoreHarness.routing("commerce-bureau")

    /// A harness whose log holds `count` reports from huli to the coordinator.
    static func filled(
        _ count: Int, bytes: Int = 0, configure: (inout CoreConfiguration) -> Void = { _ in }
    ) -> CoreHarness {
        var hub = CoreHarness(configure: configure)
        var batch: [PendingRecord] = []
        for sequence in 1...UInt64(count) {
            batch.append(
                PendingRecord(
                    sequence: sequence, acceptedAt: 1_788_220_800_000, sender: "huli", messageID: "r\(sequence)",
                    type: "progress_report", recipients: ["commerce-bureau"], subjects: RecordSubjects(),
                    envelope: Data("record \(sequence)".utf8) + Data(count: bytes)))
        }
        _ = hub.log.append(batch)
        hub.core.install(state: hub.core.state, head: UInt64(count), lastAcceptedAt: 0)
        hub.hello("commerce-bureau", lastSeen: UInt64(count))
        _ = hub.outbox.take(coordinator)
        return hub
    }

    static func items(_ commands: [Command]) -> [Int] {
        commands.compactMap { if case .replayItems(_, let items) = $0 { items.count } else { nil } }
    }

    static func end(_ commands: [Command]) -> ReplayEnd? {
        commands.lazy.compactMap { if case .replayEnd(let end) = $0 { end } else { nil } }.first
    }

    @Test("a replay goes one chunk per turn within the turn's budget, then REPLAY_END with the count")
    func chunks() {
        var hub = Self.filled(1_200)
        hub.round([("commerce-bureau", .replayRequest(ReplayRequest.with { $0.requestID = "all" }))])
        var chunks: [Int] = []
        var end: ReplayEnd?
        var turns = 0
        while hub.core.hasReplays {
            turns += 1
            hub.core.advanceReplays(now: hub.now)
            let sent = hub.outbox.take(Self.coordinator)
            chunks += Self.items(sent)
            end = end ?? Self.end(sent)
        }
        // The 1,200 reports and the coordinator's own presence record.
        #expect(chunks == [500, 500, 201])
        #expect(turns == 4)
        #expect(end?.count == 1_201 && end?.code == .unspecified)
        #expect(hub.log.recordsRead == 1_201, "each record read once")
    }

    @Test("a chunk holds at most 768 KiB of envelopes (at least one), so that it stays under the message limit")
    func chunkBytes() {
        var hub = Self.filled(200, bytes: 60_000)
        hub.round([("commerce-bureau", .replayRequest(ReplayRequest.with { $0.requestID = "all" }))])
        var chunks: [[StoredEnvelope]] = []
        while hub.core.hasReplays {
            hub.core.advanceReplays(now: hub.now)
            chunks += hub.outbox.take(Self.coordinator).compactMap {
                if case .replayItems(_, let items) = $0 { items } else { nil }
            }
        }
        let sizes = chunks.map { $0.map(\.bytes.count) }
        #expect(sizes.joined().count == 201, "the 200 records and the coordinator's presence")
        // The records a chunk leaves out are not all read again for the next one: the first read takes
        // the turn's budget, the later ones one envelope more than they send (1,656 reads without it).
        #expect(hub.log.recordsRead < 3 * 201, "\(hub.log.recordsRead) records read")
        for (index, chunk) in sizes.enumerated() {
            #expect(chunk.reduce(0, +) <= RouterCore.replayChunkBytes)
            // Cut at the limit: the next chunk's first envelope would not have fitted.
            if index + 1 < sizes.count {
                #expect(chunk.reduce(0, +) + sizes[index + 1][0] > RouterCore.replayChunkBytes)
            }
        }
        #expect(sizes.count > 1)
    }

    @Test("since 1.3 a reader may ask for the envelopes inside the header: the same bytes, in the same chunks")
    func inlineEnvelopes() {
        func replayed(inline: Bool) -> [[Data]] {
            var hub = Self.filled(1_200, bytes: 1_000)
            hub.round([
                (
                    "commerce-bureau",
                    .replayRequest(
                        ReplayRequest.with {
                            $0.requestID = "all"
                            $0.inlineEnvelopes = inline
                        })
                )
            ])
            var chunks: [[Data]] = []
            while hub.core.hasReplays {
                hub.core.advanceReplays(now: hub.now)
                for case .replayItems(let header, let frames) in hub.outbox.take(Self.coordinator) {
                    #expect(inline ? frames.isEmpty : header.envelopes.isEmpty)
                    chunks.append(header.envelopes + frames.map(\.bytes))
                }
            }
            return chunks
        }
        let inline = replayed(inline: true)
        #expect(inline.map(\.count) == [500, 500, 201])
        #expect(inline == replayed(inline: false))
    }

    @Test("two replays share one turn's budget; a third of the same node is refused RATE_LIMITED")
    func sharedBudget() {
        var hub = Self.filled(2_000) { $0.replayRecordsPerTurn = 300 }
        hub.round(
            ["one", "two", "three"].map { id in
                ("commerce-bureau", .replayRequest(ReplayRequest.with { $0.requestID = id }))
            })
        #expect(Self.end(hub.outbox.take(Self.coordinator))?.code == .rateLimited)
        let before = hub.log.recordsRead
        hub.core.advanceReplays(now: hub.now)
        #expect(hub.log.recordsRead - before == 300)
        #expect(Self.items(hub.outbox.take(Self.coordinator)) == [300])
        hub.core.advanceReplays(now: hub.now)
        #expect(Self.items(hub.outbox.take(Self.coordinator)) == [300])
        #expect(hub.core.replays.map(\.sent) == [300, 300])
    }

    @Test("a stalled reader keeps its chunk and its place until the stall limit, then the replay is abandoned")
    func stalledReader() {
        var hub = Self.filled(1_000) { $0.replayStallLimit = .seconds(30) }
        hub.round([("commerce-bureau", .replayRequest(ReplayRequest.with { $0.requestID = "all" }))])
        hub.core.advanceReplays(now: hub.now)
        #expect(Self.items(hub.outbox.take(Self.coordinator)) == [500])
        hub.outbox.full.insert(Self.coordinator)
        let readBefore = hub.log.recordsRead
        for _ in 0..<10 {
            hub.advance(.seconds(1))
            hub.core.advanceReplays(now: hub.now)
        }
        #expect(hub.log.recordsRead - readBefore == 500, "the waiting chunk is read once, not per turn")
        #expect(hub.core.replays.first?.sent == 500)
        // Another node's submit is served meanwhile.
        hub.hello("huli")
        hub.round([("huli", .submit(CoreHarness.report("meanwhile", id: "m-1")))])
        #expect(hub.outbox.take(CoreHarness.routing("huli")).accepted.count == 1)
        // The reader reads again: the replay resumes whole.
        hub.outbox.full.remove(Self.coordinator)
        while hub.core.hasReplays { hub.core.advanceReplays(now: hub.now) }
        let rest = hub.outbox.take(Self.coordinator)
        // The rest (with the coordinator's presence record), and the two records written meanwhile.
        #expect(Self.items(rest).reduce(0, +) == 501 + 2)
        // A reader that never reads again is given up after the stall limit.
        hub.round([("commerce-bureau", .replayRequest(ReplayRequest.with { $0.requestID = "again" }))])
        hub.outbox.full.insert(Self.coordinator)
        hub.core.advanceReplays(now: hub.now)
        hub.advance(.seconds(31))
        hub.core.advanceReplays(now: hub.now)
        #expect(!hub.core.hasReplays)
    }

    @Test("replay requests spend a budget of their own: refused RATE_LIMITED while submits still pass")
    func replayBudget() {
        var hub = Self.filled(10) { $0.replayRateLimit = RateLimit(perSecond: 1, burst: 2) }
        let asks = (1...4).map { id in
            ("commerce-bureau", Command.replayRequest(ReplayRequest.with { $0.requestID = "ask-\(id)" }))
        }
        hub.round(asks)
        let limited = hub.outbox.take(Self.coordinator).compactMap { command -> ReplayEnd? in
            if case .replayEnd(let end) = command, end.code == .rateLimited { end } else { nil }
        }
        // Two pass the budget (and are under the two per node); the other two are refused.
        #expect(limited.map(\.requestID) == ["ask-3", "ask-4"])
        hub.round([("commerce-bureau", .submit(CoreHarness.report("still served", id: "m-1", to: ["huli"])))])
        #expect(hub.outbox.take(Self.coordinator).accepted.count == 1)
    }
}
