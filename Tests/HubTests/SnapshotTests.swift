import ChildProcesses
import Coordination
import Crypto
import EventLog
import EventLogSQLite
import Foundation
import Hub
import HubNode
import HubProtocol
import ProtocolFuzzing
import Testing

@Suite("Snapshots of the folded state")
struct SnapshotTests {
    /// Every message a random scenario has accepted, stamped as the hub stamps them.
    static func acceptedSteps(seed: UInt64, topology: Topology, count: Int) -> [Envelope] {
        var scenario = ViewScenario(seed: seed, topology: topology, today: ViewConsistencyTests.today)
        var live = CoordinationState(topology: topology)
        var accepted: [Envelope] = []
        // The scenario dates its messages from `today`: the hub's clock starts that morning.
        var now = ViewConsistencyTests.today.chinaMidnightMilliseconds + 3_600_000
        for _ in 0..<count {
            guard let (sender, envelope) = scenario.next() else { continue }
            now += 60_000
            guard (try? live.admit(envelope, from: sender, at: now)) != nil else { continue }
            scenario.accepted(envelope, from: sender)
            var stamped = envelope
            stamped.sender = sender
            stamped.sequence = UInt64(accepted.count + 1)
            stamped.acceptedAtMs = now
            accepted.append(stamped)
        }
        return accepted
    }

    @Test(
        "a snapshot taken anywhere, restored and followed by the rest, is the fold of the whole log", arguments: 1...12)
    func roundTrip(seed: UInt64) throws {
        let topology = Topology(units: TestNetwork.units)
        let steps = Self.acceptedSteps(seed: seed, topology: topology, count: 500)
        #expect(steps.count > 100, "the scenario accepted only \(steps.count) messages")
        var whole = CoordinationState(topology: topology)
        for step in steps { whole.fold(step) }
        var random = SplitMix64(seed: seed)
        for _ in 0..<5 {
            let cut = Int(random.next() % UInt64(steps.count + 1))
            var head = CoordinationState(topology: topology)
            for step in steps[..<cut] { head.fold(step) }
            let bytes: [UInt8] = try head.storedFold.serializedBytes()
            var restored = try CoordinationState(topology: topology, restoring: try StoredState(serializedBytes: bytes))
            #expect(restored == head, "seed \(seed): the snapshot at \(cut) does not restore the same state")
            for step in steps[cut...] { restored.fold(step) }
            #expect(restored == whole, "seed \(seed): snapshot at \(cut) of \(steps.count), then the tail")
        }
    }

    @Test("the round trip's scenarios hold every kind of record the state stores")
    func roundTripCoversTheState() throws {
        let topology = Topology(units: TestNetwork.units)
        var never: Set<String> = [
            "requests", "cultivation", "cases", "audits", "meetings", "actions", "credit changes", "reports",
            "incentives", "activities", "plans", "standings", "open requests", "changes of", "breaches", "windows",
            "priority matters",
        ]
        for seed in UInt64(1)...12 {
            var state = CoordinationState(topology: topology)
            for step in Self.acceptedSteps(seed: seed, topology: topology, count: 500) { state.fold(step) }
            let stored = state.storedFold
            let counts: [String: Int] = [
                "requests": stored.requests.count, "cultivation": stored.cultivation.count,
                "cases": stored.cases.count, "audits": stored.audits.count, "meetings": stored.meetings.count,
                "actions": stored.actions.count, "credit changes": stored.creditChanges.count,
                "reports": stored.reports.count, "incentives": stored.incentives.count,
                "activities": stored.activities.count, "plans": stored.plans.count,
                "standings": stored.standings.count, "open requests": stored.openRequests.count,
                "changes of": stored.changesOf.count, "breaches": stored.breaches.count,
                "services": stored.services.count, "windows": stored.windows.count,
                "priority matters": stored.priorityMatters.count,
            ]
            never.subtract(counts.filter { $0.value > 0 }.keys)
        }
        #expect(never.isEmpty, "never stored: \(never.sorted())")
    }

    @Test("a stored state that does not decode into records is refused, naming the field")
    func undecodableState() throws {
        let topology = Topology(units: TestNetwork.units)
        var stored = StoredState()
        stored.actions["A-1"] = StoredAction.with {
            $0.id = "A-1"
            $0.due = "2026-02-30"
        }
        let refused = #expect(throws: StoredStateError.self) {
            try CoordinationState(topology: topology, restoring: stored)
        }
        #expect(refused?.description.contains("action due") == true, "\(String(describing: refused))")
    }

    @Test("a snapshot of layout 1 (JSON) is passed over: the hub folds the whole log, then writes the current layout")
    func layoutOne() async throws {
        let network = try await Self.stoppedHub(withRequests: 5)
        let store = try network.store()
        let head = try store.head().sequence
        let sequence = try #require(try store.snapshotSequences().first)
        var file = try SnapshotFile(serializedBytes: try store.loadSnapshot(at: sequence))
        var body = try SnapshotBody(serializedBytes: file.body)
        #expect(body.stateLayout == CoordinationState.foldLayoutVersion && body.state.requests.count == 5)
        // The same snapshot as a hub of layout 1 wrote it: intact, same topology, same record.
        body.stateLayout = 1
        body.clearState()
        body.stateJson = Data(#"{"requests":{}}"#.utf8)
        file.body = try body.serializedBytes()
        file.sha256 = Data(SHA256.hash(data: file.body))
        try store.saveSnapshot(try file.serializedBytes(), sequence: sequence)
        let counters = try await Self.restart(network, snapshots: true)
        #expect(counters["records_folded_at_load"] == Int(head), "\(counters)")
        let coordinator = try await network.node("commerce-bureau")
        #expect(try await coordinator.view(.of(.requests)).requests.count == 5)
        await coordinator.close()
        await network.stopHub()
        // The graceful stop wrote a snapshot of layout 2 after it (presence records came meanwhile).
        let newest = try #require(try store.snapshotSequences().first)
        #expect(newest > sequence)
        let rewritten = try SnapshotBody(
            serializedBytes: try SnapshotFile(serializedBytes: try store.loadSnapshot(at: newest)).body)
        #expect(rewritten.stateLayout == CoordinationState.foldLayoutVersion && rewritten.state.requests.count == 5)
    }

    @Test(
        """
        the projection starts from the state the hub loop loaded: it reads none of the log again, and a log \
        loaded without a snapshot has one after a stop at once
        """
    )
    func projectionStartsFromTheLoadedState() async throws {
        let network = try await Self.stoppedHub(withRequests: 20)
        let store = try network.store()
        try Self.removeSnapshots(store)
        #expect(try store.snapshotSequences().isEmpty)
        let loadedHead = try store.head().sequence
        let counters = try await Self.restart(network, snapshots: true)
        #expect(counters["records_folded_at_load"] == Int(loadedHead), "\(counters)")
        let coordinator = try await network.node("commerce-bureau")
        #expect(try await coordinator.view(.of(.requests)).requests.count == 20)
        let read = try #require(network.hub?.counters.snapshot["projection_records_read"])
        // Only what came after the start (the coordinator's presence), not the log again.
        #expect(read <= Int(try store.head().sequence - loadedHead), "the projection read \(read) records")
        await coordinator.close()
        await network.stopHub()
        #expect(try store.snapshotSequences().first ?? 0 >= loadedHead)
        // Without a snapshot again, a stop right after the start writes one.
        try Self.removeSnapshots(store)
        _ = try await Self.restart(network, snapshots: true)
        await network.stopHub()
        #expect(try store.snapshotSequences().first == (try store.head().sequence))
    }

    static func removeSnapshots(_ store: SQLiteEventStore) throws {
        for sequence in try store.snapshotSequences() {
            try FileManager.default.removeItem(
                atPath: store.snapshotFolder.path + "/" + String(format: "snapshot-%020llu.pb", sequence))
        }
    }

    @Test("start-up folds only the records after the newest snapshot; a damaged or foreign snapshot is passed over")
    func startUpFoldsTheTail() async throws {
        let network = try await Self.stoppedHub(withRequests: 30)  // a graceful stop writes a snapshot of the whole log
        let store = try network.store()
        let head = try store.head().sequence
        #expect(try store.snapshotSequences() == [head])

        // Restarted: nothing to fold; ten more records, and a stop that writes no snapshot.
        var counters = try await Self.restart(network, snapshots: false)
        #expect(counters["records_folded_at_load"] == 0, "\(counters)")
        let again = try await network.node("huli")
        for index in 31...40 { _ = try await again.submit(Make.request(String(format: "REQ-2026-%04d", index))) }
        await again.close()
        await network.stopHub()
        let grown = try store.head().sequence

        // The next start folds only what came after the snapshot, and serves the whole ledger.
        counters = try await Self.restart(network, snapshots: false)
        #expect(counters["records_folded_at_load"] == Int(grown - head), "\(counters)")
        let coordinator = try await network.node("commerce-bureau")
        let ledger = try await coordinator.view(.of(.requests))
        #expect(ledger.requests.count == 40)
        await coordinator.close()
        await network.stopHub()
        #expect(try network.truth() == (try Self.foldFromSnapshot(network, store: store)))

        // A flipped byte: the checksum fails, the whole log is folded, and the state is the same.
        let file =
            store.snapshotFolder.path + "/"
            + (try FileManager.default.contentsOfDirectory(
                atPath: store.snapshotFolder.path
            ).first { $0.hasPrefix("snapshot-") } ?? "")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
        counters = try await Self.restart(network, snapshots: false)
        #expect(counters["records_folded_at_load"] == Int(try store.head().sequence), "\(counters)")
        await network.stopHub()
    }

    @Test("a snapshot folded under another topology, or ahead of a log that was replaced, is not used")
    func foreignSnapshots() async throws {
        let network = try await Self.stoppedHub(withRequests: 5)
        let store = try network.store()
        let head = try store.head()
        let snapshots = try store.snapshotSequences()
        #expect(snapshots == [head.sequence])

        // Under a topology with one unit less, the snapshot does not fit.
        let smaller = try TestNetwork(units: TestNetwork.units.filter { $0.id != "trade-association" })
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: network.logPath + suffix) {
            try FileManager.default.copyItem(atPath: network.logPath + suffix, toPath: smaller.logPath + suffix)
        }
        try FileManager.default.copyItem(
            atPath: store.snapshotFolder.path, toPath: smaller.logPath + ".snapshots")
        var counters = try await Self.restart(smaller, snapshots: false)
        #expect(counters["records_folded_at_load"] == Int(head.sequence), "\(counters)")
        await smaller.stopHub()

        // Another log, longer than the snapshot's: its record at the snapshot's sequence is another one.
        let other = try TestNetwork()
        try other.startHub()
        let siming = try await other.node("siming")
        for index in 1...8 { _ = try await siming.submit(Make.request("REQ-OTHER-\(index)", area: "350203")) }
        await siming.close()
        await other.stopHub()
        let otherStore = try other.store()
        try FileManager.default.removeItem(atPath: otherStore.snapshotFolder.path)
        try FileManager.default.copyItem(atPath: store.snapshotFolder.path, toPath: otherStore.snapshotFolder.path)
        counters = try await Self.restart(other, snapshots: false)
        #expect(counters["records_folded_at_load"] == Int(try otherStore.head().sequence), "\(counters)")
        await other.stopHub()
    }

    @Test("a changed record after the newest snapshot stops the hub from starting, naming the record")
    func changedTail() async throws {
        let network = try await Self.stoppedHub(withRequests: 5)
        _ = try await Self.restart(network, snapshots: false)
        let siming = try await network.node("siming")
        let changed = try await siming.submit(Make.report("Marker text after the snapshot"))
        await siming.close()
        await network.stopHub()

        // A read-write open and close folds the WAL into the file, where the byte is changed.
        do { _ = try SQLiteEventStore(path: network.logPath, tailCheck: 0) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: network.logPath))
        let range = try #require(bytes.range(of: Data("Marker text".utf8)))
        bytes[range.lowerBound] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: network.logPath))
        #expect(try network.store().snapshotSequences().first ?? 0 < changed.sequence)
        let refused = #expect(throws: EventLogError.self) {
            try Hub(configuration: network.configuration, logger: quiet)
        }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("\(changed.sequence)"), "\(String(describing: refused))")
    }

    /// A network whose hub took `count` requests from Huli and stopped gracefully (writing a snapshot).
    static func stoppedHub(withRequests count: Int) async throws -> TestNetwork {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        for index in 1...count { _ = try await huli.submit(Make.request(String(format: "REQ-2026-%04d", index))) }
        await huli.close()
        await network.stopHub()
        return network
    }

    /// Restarts the network's hub and answers its counters once it serves.
    static func restart(_ network: TestNetwork, snapshots: Bool) async throws -> [String: Int] {
        var configuration = network.configuration
        if !snapshots { configuration.snapshotEveryRecords = 0 }
        let hub = try await Hub.open(configuration: configuration, logger: quiet)
        network.endpoint = hub.endpoint
        network.hub = hub
        hub.start()
        network.hubTask = Task { try await hub.run() }
        return hub.counters.snapshot
    }

    /// The state the newest snapshot plus the tail gives, read straight from the store.
    static func foldFromSnapshot(_ network: TestNetwork, store: SQLiteEventStore) throws -> CoordinationState {
        let sequence = try #require(try store.snapshotSequences().first)
        let file = try SnapshotFile(serializedBytes: try store.loadSnapshot(at: sequence))
        let body = try SnapshotBody(serializedBytes: file.body)
        var state = try CoordinationState(topology: network.topology, restoring: body.state)
        for record in try store.records(matching: RecordFilter(), after: sequence, limit: 100_000) {
            state.fold(try Envelope(serializedBytes: record.envelope))
        }
        return state
    }
}
