import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

@Suite("HubCore: batch admission")
struct AdmissionCoreTests {
    static let huli = CoreHarness.routing("huli")
    static let dongdu = CoreHarness.routing("xm-dongdu")

    @Test("one dedup query per batch, however many submits it holds; a retry inside the batch is one record")
    func dedupWithinBatch() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let queriesBefore = hub.log.dedupQueries
        let report = CoreHarness.report("once", id: "m-1")
        var batch: [(node: String, command: Command)] = (1...50).map {
            ("huli", .submit(CoreHarness.report("report \($0)", id: "r\($0)")))
        }
        batch += [("huli", .submit(report)), ("huli", .submit(report))]
        hub.round(batch)
        #expect(hub.log.dedupQueries == queriesBefore + 1)
        let accepted = hub.outbox.take(Self.huli).accepted
        #expect(accepted.count == 52)
        let twice = accepted.filter { $0.messageID == "m-1" }
        #expect(twice.map(\.duplicate) == [false, true])
        #expect(twice[0].sequence == twice[1].sequence)
        #expect(hub.lastBatch.records.count == 51)
    }

    @Test("a retry of a stored submit is ACCEPTED duplicate with its sequence; other content is ID_REUSED")
    func dedupAgainstLog() {
        var hub = CoreHarness()
        hub.hello("huli")
        hub.round([("huli", .submit(CoreHarness.report("original", id: "m-1")))])
        let original = hub.outbox.take(Self.huli).accepted.first { $0.messageID == "m-1" }
        hub.round([("huli", .submit(CoreHarness.report("original", id: "m-1")))])
        let retry = hub.outbox.take(Self.huli).accepted
        #expect(retry.map(\.duplicate) == [true] && retry.first?.sequence == original?.sequence)
        hub.round([("huli", .submit(CoreHarness.report("other content", id: "m-1")))])
        #expect(hub.outbox.take(Self.huli).rejected.map(\.code) == [.idReused])
        #expect(hub.log.records.count == 2)
    }

    @Test("a read failing mid-batch admits nothing: every submit is answered STORAGE_UNAVAILABLE, no ghost remains")
    func failingRead() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        // The batch's one dedup read fails (a HELLO's cursor read in the same batch comes after it).
        hub.log.readsLeft = 0
        hub.round([
            ("huli", .submit(CoreHarness.request("R-GHOST", messageID: "m-1"))),
            ("huli", .submit(CoreHarness.report("second", id: "m-2"))),
        ])
        let refused = hub.outbox.take(Self.huli).rejected
        #expect(refused.map(\.code) == [.storageUnavailable, .storageUnavailable])
        #expect(hub.core.state.requests["R-GHOST"] == nil, "the state never runs ahead of the log")
        #expect(hub.lastBatch.records.isEmpty)
        hub.log.readsLeft = -1
        hub.round([("huli", .submit(CoreHarness.request("R-GHOST", messageID: "m-1")))])
        #expect(hub.outbox.take(Self.huli).accepted.map(\.messageID) == ["m-1"])
        #expect(hub.core.state.requests["R-GHOST"] != nil)
    }

    @Test("a HELLO whose cursor cannot be read is answered ERROR, and the batch's submits admit nothing")
    func failingCursorRead() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        hub.log.readsLeft = 1  // the dedup query passes, the cursor read fails
        hub.round([
            ("huli", .submit(CoreHarness.report("first", id: "m-1"))),
            (
                "siming",
                .hello(
                    Hello.with {
                        $0.protocolMajor = 1
                        $0.nodeID = "siming"
                    })
            ),
        ])
        #expect(hub.outbox.take(Self.huli).rejected.map(\.code) == [.storageUnavailable])
        #expect(hub.outbox.take(CoreHarness.routing("siming")).errors.map(\.code) == [.storageUnavailable])
        #expect(hub.core.sessions["siming"] == nil && hub.lastBatch.records.isEmpty)
    }

    @Test("a failed commit answers STORAGE_UNAVAILABLE and refuses submits until the state is rebuilt")
    func failedCommit() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let batch = hub.core.receive(
            [
                Inbound(
                    routingID: Self.huli, identity: ("huli", "key-huli"), keyIsCurrent: true,
                    frames: WireCodec.encode(.submit(CoreHarness.request("R-1", messageID: "m-1"))))
            ], now: hub.now)
        hub.core.commitFailed(batch, error: "disk full (injected)", now: hub.now)
        #expect(hub.outbox.take(Self.huli).rejected.map(\.code) == [.storageUnavailable])
        #expect(hub.core.stateIsStale)
        hub.round([("huli", .submit(CoreHarness.request("R-1", messageID: "m-1")))])
        #expect(hub.outbox.take(Self.huli).rejected.map(\.code) == [.storageUnavailable])
        // The runtime folds the log again (here: the presence record only) and installs it.
        var state = CoordinationState(topology: CoreHarness.topology)
        for record in hub.log.records { state.fold(try! Envelope(serializedBytes: record.envelope)) }
        hub.core.install(state: state, head: UInt64(hub.log.records.count), lastAcceptedAt: 0)
        hub.round([("huli", .submit(CoreHarness.request("R-1", messageID: "m-1")))])
        #expect(hub.outbox.take(Self.huli).accepted.map(\.messageID) == ["m-1"])
    }

    @Test("a commit reported as failed that was written after all: after the rebuild, its recipients get it")
    func failedCommitThatWasWritten() throws {
        var hub = CoreHarness()
        hub.hello("huli")
        hub.hello("xm-dongdu")
        _ = hub.outbox.take(Self.huli)
        _ = hub.outbox.take(Self.dongdu)
        let batch = hub.core.receive(
            [
                Inbound(
                    routingID: Self.huli, identity: ("huli", "key-huli"), keyIsCurrent: true,
                    frames: WireCodec.encode(.submit(CoreHarness.request("R-1", messageID: "m-1"))))
            ], now: hub.now)
        // The connection dropped during COMMIT, but the server had written the batch.
        _ = hub.log.append(batch.records)
        hub.core.commitFailed(batch, error: "connection lost during COMMIT (injected)", now: hub.now)
        #expect(hub.outbox.take(Self.dongdu).deliveries.isEmpty)
        var state = CoordinationState(topology: CoreHarness.topology)
        for record in hub.log.records { state.fold(try Envelope(serializedBytes: record.envelope)) }
        hub.core.install(state: state, head: UInt64(hub.log.records.count), lastAcceptedAt: 0)
        hub.core.catchUpSessions(now: hub.now)
        let delivered = hub.outbox.take(Self.dongdu).deliveries.compactMap { try? $0.decoded() }
        #expect(delivered.map(\.messageID) == ["m-1"])
    }

    @Test("garbage is answered by a protocol ERROR and counted; accepted times never go back")
    func garbageAndClock() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let garbage = Inbound(
            routingID: Self.huli, identity: ("huli", "key-huli"), keyIsCurrent: true, frames: [Data("junk".utf8)])
        hub.commit(hub.core.receive([garbage], now: hub.now))
        #expect(hub.outbox.take(Self.huli).errors.count == 1)
        let effects = hub.outbox.takeEffects()
        #expect(effects.contains(.count(.protocolErrors, 1)))
        hub.round([("huli", .submit(CoreHarness.report("a", id: "m-1")))])
        hub.now.wallMs -= 60_000  // the wall clock steps back
        hub.round([("huli", .submit(CoreHarness.report("b", id: "m-2")))])
        let times = hub.outbox.take(Self.huli).accepted.map(\.acceptedAtMs)
        #expect(times.count == 2 && times[1] >= times[0])
    }
}
