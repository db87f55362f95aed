import Foundation
import Testing

@testable import HubNode

@Suite("A node's lifetime")
struct NodeLifetimeTests {
    @Test("a node dropped without close() is freed and its tasks end (issue 13, defect 5)")
    func droppedNode() async throws {
        let network = try TestNetwork()
        try network.startHub()
        var node: HubNode? = try await network.node("huli")
        weak let weakNode = node
        let tasks = try #require(await node?.backgroundTasks)
        #expect(tasks.count == 2)
        node = nil

        for _ in 0..<3000 where weakNode != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(weakNode == nil)
        // Polled rather than awaited: a task that never ends must fail the test, not hang it.
        let ended = Locked(false)
        let waiter = Task {
            for task in tasks { await task.value }
            ended.mutate { $0 = true }
        }
        for _ in 0..<3000 where !ended.value { try await Task.sleep(for: .milliseconds(10)) }
        #expect(ended.value, "the dropped node's ticker and monitor are still running")
        for task in tasks { task.cancel() }
        waiter.cancel()
        await network.stopHub()
    }

    @Test(
        "a node runs on the thread that owns its socket, so its socket work blocks no pool thread (issue 13, defect 4)")
    func nodeOnItsSocketThread() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let node = try await network.node("huli")
        #expect(await node.runsOnSocketThread())
        #expect(!node.socketThread.isCurrent)
        // Submits, CLOSE and the socket's close run as jobs on that thread, never on the caller's.
        await node.close()
        #expect(await node.runsOnSocketThread())
        await network.stopHub()
    }
}
