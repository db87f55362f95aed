import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

/// The runtime writes one batch while the core admits the next (issue 14): sequences continue
/// across the batch being written, a retry of a submit in it waits for it, and a failure fails
/// the batch admitted behind it.
@Suite("HubCore: admitting while a batch is written")
struct PipelineCoreTests {
    static let huli = CoreHarness.routing("huli")

    static func submits(_ envelopes: [Envelope]) -> [Inbound] {
        envelopes.map {
            Inbound(
                routingID: huli, identity: ("huli", "key-huli"), keyIsCurrent: true,
                frames: WireCodec.encode(.submit($0)))
        }
    }

    @Test("the next batch's sequences follow the one being written; a retry of its submit is answered after it")
    func admitsBehindTheWrite() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let head = hub.core.head
        let first = hub.core.receive(Self.submits([CoreHarness.report("one", id: "m-1")]), now: hub.now)
        // Not yet written: the retry, a new submit, and the same id with other content.
        let second = hub.core.receive(
            Self.submits([
                CoreHarness.report("one", id: "m-1"), CoreHarness.report("two", id: "m-2"),
                CoreHarness.report("changed", id: "m-1"),
            ]), now: hub.now)
        #expect(first.records.map(\.sequence) == [head + 1])
        #expect(second.records.map(\.sequence) == [head + 2])
        #expect(hub.core.stampedHead == head + 2)
        // Nothing is ACCEPTED before it is durable; the reused id is refused at once.
        let early = hub.outbox.take(Self.huli)
        #expect(early.accepted.isEmpty)
        #expect(early.rejected.map(\.code) == [.idReused])
        hub.commit(first)
        #expect(hub.outbox.take(Self.huli).accepted.map(\.messageID) == ["m-1"])
        hub.commit(second)
        let later = hub.outbox.take(Self.huli).accepted
        #expect(later.map(\.messageID) == ["m-1", "m-2"])
        #expect(later.map(\.duplicate) == [true, false])
        #expect(later.map(\.sequence) == [head + 1, head + 2])
        #expect(hub.log.records.count == Int(head) + 2)
    }

    @Test("a failed write fails the batch admitted behind it: nothing ACCEPTED, the retry refused, sequences reused")
    func failureFailsTheNext() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let head = hub.core.head
        let first = hub.core.receive(Self.submits([CoreHarness.request("R-1", messageID: "m-1")]), now: hub.now)
        let second = hub.core.receive(
            Self.submits([
                CoreHarness.request("R-1", messageID: "m-1"), CoreHarness.report("two", id: "m-2"),
            ]), now: hub.now)
        hub.core.commitFailed(first, error: "disk full (injected)", now: hub.now)
        hub.core.commitFailed(second, error: "a batch before it was not written", now: hub.now)
        let answers = hub.outbox.take(Self.huli)
        #expect(answers.accepted.isEmpty)
        #expect(answers.rejected.map(\.code) == [.storageUnavailable, .storageUnavailable, .storageUnavailable])
        #expect(hub.core.stampedHead == head)
        // Rebuilt from the log (which has neither batch): the same submits are admitted afresh.
        var state = CoordinationState(topology: CoreHarness.topology)
        for record in hub.log.records { state.fold(try! Envelope(serializedBytes: record.envelope)) }
        hub.core.install(state: state, head: UInt64(hub.log.records.count), lastAcceptedAt: 0)
        hub.round([
            ("huli", .submit(CoreHarness.request("R-1", messageID: "m-1"))),
            ("huli", .submit(CoreHarness.report("two", id: "m-2"))),
        ])
        let retried = hub.outbox.take(Self.huli).accepted
        #expect(retried.map(\.messageID) == ["m-1", "m-2"])
        #expect(retried.map(\.duplicate) == [false, false])
        #expect(retried.map(\.sequence) == [head + 1, head + 2])
    }

    @Test("a retry of a submit being written is answered once it is durable, even when the next batch's reads fail")
    func retryWhileReadsFail() {
        var hub = CoreHarness()
        hub.hello("huli")
        _ = hub.outbox.take(Self.huli)
        let first = hub.core.receive(Self.submits([CoreHarness.report("one", id: "m-1")]), now: hub.now)
        hub.log.readsLeft = 0
        let second = hub.core.receive(
            Self.submits([CoreHarness.report("one", id: "m-1"), CoreHarness.report("two", id: "m-2")]), now: hub.now)
        // m-2 cannot be checked against the log and is refused; the retry of m-1 waits for m-1's write.
        #expect(hub.outbox.take(Self.huli).rejected.map(\.messageID) == ["m-2"])
        hub.log.readsLeft = -1
        hub.commit(first)
        hub.commit(second)
        let answers = hub.outbox.take(Self.huli).accepted
        #expect(answers.map(\.messageID) == ["m-1", "m-1"])
        #expect(answers.map(\.duplicate) == [false, true])
        #expect(answers[0].sequence == answers[1].sequence && answers[0].acceptedAtMs == answers[1].acceptedAtMs)
    }
}
