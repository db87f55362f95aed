import Foundation
@testable import HubNode
import Testing

@Suite("A node's lifetime")
struct NodeLifetimeTests {
    @Test("a node dropped without close() is freed and its tasks end (issue 13, defect 5)")
    func droppedNode() async throws {
        let network = try TestNetwork()
        try network.startHub()
        var node: HubNode? = try await network.node("huli")
        weak let weakNode = node
        let tasks = try #require(await node?.backgroundTasks)
        #expect(tasks.count == 3)
        node = nil

        for _ in 0..<3000 where weakNode != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(weakNode == nil)
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for task in tasks { await task.value }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended, "the dropped node's ticker, receiver and monitor are still running")
        await network.stopHub()
    }
}
