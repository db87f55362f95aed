import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Testing

@Suite("HubCore: catching up costs a read of the log per window")
struct DeliveryCoreTests {
    @Test("a node catching up, acking one by one as records keep coming, gets each once, in order, a read per window")
    func catchUpReadsPerWindow() throws {
        let window = 8
        var hub = CoreHarness { $0.creditWindow = window }
        hub.hello("huli")
        for index in 1...100 { hub.round([("huli", .submit(CoreHarness.report("before \(index)", id: "b\(index)")))]) }
        let coordinator = CoreHarness.routing("commerce-bureau")
        let readsBefore = hub.log.deliveryReads
        hub.hello("commerce-bureau")

        var received: [UInt64] = []
        var more = 0
        let deadline = 10_000
        for _ in 0..<deadline {
            let delivered = try hub.outbox.take(coordinator).deliveries.map { try $0.decoded().sequence }
            received += delivered
            if delivered.isEmpty && more == 20 { break }
            // Records keep coming while it catches up, after the ones it was read ahead.
            if more < 20, received.count % 7 == 0 {
                more += 1
                hub.round([("huli", .submit(CoreHarness.report("during \(more)", id: "d\(more)")))])
            }
            // One ACK per delivery, as an application handling them one at a time sends them.
            for sequence in delivered {
                hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = sequence }))])
            }
        }
        let addressed = hub.log.records.filter { $0.fields.recipients.contains("commerce-bureau") }.map(\.sequence)
        #expect(received == addressed)
        #expect(hub.core.sessions["commerce-bureau"]?.caughtUp == true)
        // One read per window of records it caught up on, and a few more where commits came between.
        let reads = hub.log.deliveryReads - readsBefore
        #expect(reads <= addressed.count / window + 25, "\(reads) reads for \(addressed.count) deliveries")
    }

    @Test("a commit reported as failed that was written while a node catches up: the node still gets it, in order")
    func readAheadAfterRebuild() throws {
        let window = 8
        var hub = CoreHarness { $0.creditWindow = window }
        hub.hello("huli")
        for index in 1...11 { hub.round([("huli", .submit(CoreHarness.report("before \(index)", id: "b\(index)")))]) }
        let coordinator = CoreHarness.routing("commerce-bureau")
        hub.hello("commerce-bureau")
        var received = try hub.outbox.take(coordinator).deliveries.map { try $0.decoded().sequence }
        #expect(received.count == window)
        // Two acknowledged: the next read comes back short (the log's end), two are sent, the rest wait.
        hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = received[1] }))])
        received += try hub.outbox.take(coordinator).deliveries.map { try $0.decoded().sequence }

        // A report for it is written, but its commit is reported as failed; the state is rebuilt.
        let batch = hub.core.receive(
            [
                Inbound(
                    routingID: CoreHarness.routing("huli"), identity: ("huli", "key-huli"), keyIsCurrent: true,
                    frames: WireCodec.encode(.submit(CoreHarness.report("written after all", id: "w"))))
            ], now: hub.now)
        _ = hub.log.append(batch.records)
        hub.core.commitFailed(batch, error: "connection lost during COMMIT (injected)", now: hub.now)
        var state = CoordinationState(topology: CoreHarness.topology)
        for record in hub.log.records { state.fold(try Envelope(serializedBytes: record.envelope)) }
        hub.core.install(state: state, head: UInt64(hub.log.records.count), lastAcceptedAt: 0)
        hub.core.catchUpSessions(now: hub.now)

        for _ in 0..<100 {
            guard let last = received.last else { break }
            hub.round([("commerce-bureau", .ack(Ack.with { $0.sequence = last }))])
            let delivered = try hub.outbox.take(coordinator).deliveries.map { try $0.decoded().sequence }
            if delivered.isEmpty { break }
            received += delivered
        }
        let addressed = hub.log.records.filter { $0.fields.recipients.contains("commerce-bureau") }.map(\.sequence)
        #expect(received == addressed)
    }
}
