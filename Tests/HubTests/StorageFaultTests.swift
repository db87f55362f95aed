import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Synchronization
import Testing

/// The real SQLite log behind a switch that makes every commit fail as a full disk or a failed
/// fsync does: SQLite rolls the transaction back and reports an error.
final class FaultyStore: EventStore {
    let inner: any EventStore
    let failing = Atomic<Bool>(false)
    let refusedBatches = Atomic<Int>(0)

    init(_ inner: any EventStore) { self.inner = inner }

    func append(_ batch: [PendingRecord]) throws -> [LogRecord] {
        if failing.load(ordering: .relaxed) {
            refusedBatches.add(1, ordering: .relaxed)
            throw EventLogError.storage("disk I/O error: no space left on device (injected)")
        }
        return try inner.append(batch)
    }

    func head() throws -> LogHead { try inner.head() }
    func accepted(sender: String, messageID: String) throws -> AcceptedReference? { try inner.accepted(sender: sender, messageID: messageID) }
    func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] { try inner.records(matching: filter, after: after, limit: limit) }
    func deliveries(for node: String, after: UInt64, limit: Int) throws -> [LogRecord] { try inner.deliveries(for: node, after: after, limit: limit) }
    func cursor(for node: String) throws -> UInt64 { try inner.cursor(for: node) }
    func saveCursors(_ cursors: [String: UInt64]) throws { try inner.saveCursors(cursors) }
    func verify() throws -> VerifyResult { try inner.verify() }
    func stats() throws -> LogStats { try inner.stats() }
    func backup(to path: String) throws { try inner.backup(to: path) }
}

@Suite("Storage faults and clock skew", .serialized)
struct StorageFaultTests {
    @Test("while the log cannot be written the hub answers STORAGE_UNAVAILABLE and acknowledges nothing; when it can again, the retries are accepted once")
    func diskFull() async throws {
        let network = try TestNetwork()
        let faulty = Mutex<FaultyStore?>(nil)
        network.wrapStore = { store in
            let wrapped = FaultyStore(store)
            faulty.withLock { $0 = wrapped }
            return wrapped
        }
        try network.startHub()
        let store = try #require(faulty.withLock { $0 })
        let huli = try await network.node("huli")
        for index in 0..<50 { _ = try await huli.submit(Make.report("before \(index)")) }

        let headBefore = try store.head().sequence
        store.failing.store(true, ordering: .relaxed)
        let raw = try RawClient(network, as: "siming")
        _ = try #require(try raw.hello("siming"))
        try raw.send(.submit(Make.report("while full", id: "raw-1")))
        let refused = try raw.first { if case .rejected(let r) = $0 { r } else { nil } }
        #expect(refused?.code == .storageUnavailable)

        // Submits during the fault are retried by the node with the same id; none is acknowledged.
        let acknowledged = Atomic<Int>(0)
        let during = Task {
            var sequences: [UInt64] = []
            for index in 0..<20 {
                sequences.append(try await huli.submit(Make.report("during \(index)", id: "during-\(index)")).sequence)
                acknowledged.add(1, ordering: .relaxed)
            }
            return sequences
        }
        try await Task.sleep(for: .seconds(2))
        #expect(acknowledged.load(ordering: .relaxed) == 0)
        #expect(store.refusedBatches.load(ordering: .relaxed) >= 2)
        #expect(try store.head().sequence == headBefore)

        // Space returns.
        store.failing.store(false, ordering: .relaxed)
        let sequences = try await during.value
        #expect(sequences.count == 20)
        try raw.send(.submit(Make.report("while full", id: "raw-1")))
        let retried = try raw.first { if case .accepted(let a) = $0 { a } else { nil } }
        #expect(retried?.duplicate == false)

        let records = try network.store().records(matching: RecordFilter(), after: 0, limit: 10_000).map(\.fields)
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let ids = records.filter { $0.type == "progress_report" }.map(\.messageID)
        #expect(ids.count == 71)
        #expect(Set(ids).count == ids.count)
        #expect(Set(sequences).isSubset(of: Set(records.map(\.sequence))))
        guard case .intact(let count, _) = try network.store().verify() else { Issue.record("the log does not verify"); return }
        #expect(count == UInt64(records.count))
        await huli.close()
        await network.stopHub()
    }

    @Test("timestamps come from the hub: a node's skewed clock changes nothing")
    func clockSkew() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        var past = Make.report("from a clock in 2001")
        past.sentAtMs = 1_000_000_000_000
        var future = Make.report("from a clock in 2100")
        future.sentAtMs = 4_102_444_800_000
        let first = try await huli.submit(future)
        let second = try await huli.submit(past)
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(second.sequence == first.sequence + 1)
        for answer in [first, second] { #expect((before - 1000)...(after + 1000) ~= answer.acceptedAtMs) }
        #expect(second.acceptedAtMs >= first.acceptedAtMs)
        let stored = try network.store().records(matching: RecordFilter(), after: 0, limit: 100).map(\.fields).filter { $0.type == "progress_report" }
        #expect(stored.map(\.acceptedAt) == [first.acceptedAtMs, second.acceptedAtMs])
        let envelope = try Envelope(serializedBytes: stored[1].envelope)
        #expect(envelope.sentAtMs == 1_000_000_000_000)  // kept as the node's claim, never used for order
        await huli.close()
        await network.stopHub()
    }
}
