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
}
