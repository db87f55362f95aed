import Coordination
import Foundation
import Hub
import HubNode
import HubProtocol
import Testing
import ZeroMQ

@Suite("Node churn", .serialized)
struct ChurnTests {
    @Test(
        "100 nodes connect, submit and disconnect in waves while a slow recipient receives: nothing lost or duplicated")
    func churn() async throws {
        let network = try ChurnNetwork(nodes: 100)
        try network.startHub()
        let receiver = try await network.node("receiver")
        let inbox = Inbox(receiver, delay: .milliseconds(1))  // a slow consumer
        var accepted: [UInt64] = []
        for wave in 0..<3 {
            try await withThrowingTaskGroup(of: UInt64.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let node = try await network.node(String(format: "c%03d", index))
                        let answer = try await node.submit(Make.report("wave \(wave) from \(index)", to: ["receiver"]))
                        await node.close()
                        return answer.sequence
                    }
                }
                for try await sequence in group { accepted.append(sequence) }
            }
        }
        try await inbox.wait { Set($0).isSuperset(of: accepted) }
        let reports = inbox.deliveries.filter { $0.envelope.messageType == .progressReport }.map(\.sequence)
        #expect(reports.count == 300)
        #expect(Set(reports) == Set(accepted))
        #expect(reports == reports.sorted())
        await receiver.close()
        await network.stopHub()
    }
}

/// A network of many anonymous association nodes and one receiver.
final class ChurnNetwork: TestNetwork, @unchecked Sendable {
    init(nodes: Int) throws {
        let units =
            [
                Coordination.Unit(id: "commerce-bureau", role: .coordinator, name: "Coordinator"),
                Coordination.Unit(id: "receiver", role: .association, name: "Receiver"),
            ]
            + (0..<nodes).map {
                Coordination.Unit(id: String(format: "c%03d", $0), role: .association, name: "Churn \($0)")
            }
        try super.init(units: units)
    }
}
