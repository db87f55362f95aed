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
        #expect(tasks.count == 3)
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
        #expect(ended.value, "the dropped node's ticker, receiver and monitor are still running")
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

    @Test("a run of deliveries waiting for the application is acknowledged with a few ACKs, each handled once, in order")
    func acknowledgementsCoverRuns() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let coordinator = try await network.node("commerce-bureau")
        for index in 1...100 { _ = try await huli.submit(Make.report("waiting \(index)", to: ["commerce-bureau"])) }
        // A window's worth waits in the node before the application handles any.
        for _ in 0..<3000 where await coordinator.ready.count < 64 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await coordinator.ready.count == 64)
        let store = try network.store()
        let addressed = try store.deliveries(for: "commerce-bureau", after: 0, limit: 1000).map(\.sequence)
        let handled = Locked<[UInt64]>([])
        let handling = Task {
            try await coordinator.handleDeliveries { delivery in handled.mutate { $0.append(delivery.sequence) } }
        }
        // The last ACK reaches the hub: its saved cursor is the last delivery.
        for _ in 0..<3000 where try store.cursor(for: "commerce-bureau") < addressed.last ?? 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(handled.value == addressed)
        #expect(try store.cursor(for: "commerce-bureau") == addressed.last)
        // One ACK per quarter window (16) while deliveries wait, and one for each run after it: not one each.
        let acknowledgements = await coordinator.acknowledgementsSent
        #expect(acknowledgements <= addressed.count / 4, "\(acknowledgements) ACKs for \(addressed.count) deliveries")
        handling.cancel()
        await coordinator.close()
        await huli.close()
        await network.stopHub()
    }
}
