import ChildProcesses
import EventLog
import EventLogSQLite
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
    /// Dedup reads that still succeed before every further one fails; negative: reads never fail.
    let readsLeft = Atomic<Int>(-1)

    init(_ inner: any EventStore) { self.inner = inner }

    func append(_ batch: [PendingRecord]) throws -> [LogRecord] {
        if failing.load(ordering: .relaxed) {
            refusedBatches.add(1, ordering: .relaxed)
            throw EventLogError.storage("disk I/O error: no space left on device (injected)")
        }
        return try inner.append(batch)
    }

    func head() throws -> LogHead { try inner.head() }
    func accepted(sender: String, messageID: String) throws -> AcceptedReference? {
        if readsLeft.load(ordering: .relaxed) == 0 { throw EventLogError.storage("disk I/O error on read (injected)") }
        if readsLeft.load(ordering: .relaxed) > 0 { readsLeft.subtract(1, ordering: .relaxed) }
        return try inner.accepted(sender: sender, messageID: messageID)
    }
    func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] {
        try inner.records(matching: filter, after: after, limit: limit)
    }
    func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try inner.envelopes(matching: filter, after: after, limit: limit)
    }
    func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try inner.deliveries(for: node, after: after, limit: limit)
    }
    func countDeliveries(for node: String, after: UInt64, upTo: UInt64, limit: Int) throws -> Int {
        try inner.countDeliveries(for: node, after: after, upTo: upTo, limit: limit)
    }
    func cursor(for node: String) throws -> UInt64 { try inner.cursor(for: node) }
    func saveCursors(_ cursors: [String: UInt64]) throws { try inner.saveCursors(cursors) }
    func verify() throws -> VerifyResult { try inner.verify() }
    func stats() throws -> LogStats { try inner.stats() }
    func backup(to path: String) throws { try inner.backup(to: path) }
}

@Suite("Storage faults and clock skew", .serialized)
struct StorageFaultTests {
    @Test(
        """
        a read that fails mid-batch acknowledges nothing and leaves no ghost: the retry is accepted (issue 13, \
        defect 1)
        """
    )
    func failedReadMidBatch() async throws {
        let network = try TestNetwork()
        let faulty = Mutex<FaultyStore?>(nil)
        network.wrapStore = { store in
            let wrapped = FaultyStore(store)
            faulty.withLock { $0 = wrapped }
            return wrapped
        }
        try network.startHub()
        let store = try #require(faulty.withLock { $0 })
        let raw = try RawClient(network, as: "huli")
        _ = try #require(try raw.hello("huli"))
        // Two submits in one burst: the first is admitted, the dedup read of the second fails.
        store.readsLeft.store(1, ordering: .relaxed)
        try raw.send(.submit(Make.request("R-GHOST").with(id: "m-1")))
        try raw.send(.submit(Make.report("second", id: "m-2")))
        let first = try raw.first {
            if case .rejected(let r) = $0, r.messageID == "m-1" {
                r
            } else if case .accepted(let a) = $0, a.messageID == "m-1" {
                Rejected.with {
                    $0.messageID = "m-1"
                    $0.reason = "accepted #\(a.sequence)"
                }
            } else {
                nil
            }
        }
        store.readsLeft.store(-1, ordering: .relaxed)
        #expect(first != nil)
        // The retry, with the same id, is accepted: never refused as "request R-GHOST already exists".
        try raw.send(.submit(Make.request("R-GHOST").with(id: "m-1")))
        let retry = try raw.first { command -> Command? in
            switch command {
            case .accepted(let a) where a.messageID == "m-1": command
            case .rejected(let r) where r.messageID == "m-1" && r.code != .storageUnavailable: command
            default: nil
            }
        }
        guard case .accepted = retry else {
            Issue.record("the retry was not accepted: \(String(describing: retry))")
            return
        }
        #expect(try network.truth().requests["R-GHOST"] != nil)
        await network.stopHub()
    }

    @Test(
        """
        while the log cannot be written the hub answers STORAGE_UNAVAILABLE and acknowledges nothing; when it can \
        again, the retries are accepted once
        """
    )
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
        // The raw client sends no heartbeats, so its session may have expired meanwhile: open it again.
        _ = try #require(try raw.hello("siming"))
        try raw.send(.submit(Make.report("while full", id: "raw-1")))
        let retried = try raw.first { if case .accepted(let a) = $0 { a } else { nil } }
        #expect(retried?.duplicate == false)

        let records = try network.store().records(matching: RecordFilter(), after: 0, limit: 10_000).map(\.fields)
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let ids = records.filter { $0.type == "progress_report" }.map(\.messageID)
        #expect(ids.count == 71)
        #expect(Set(ids).count == ids.count)
        #expect(Set(sequences).isSubset(of: Set(records.map(\.sequence))))
        guard case .intact(let count, _) = try network.store().verify() else {
            Issue.record("the log does not verify")
            return
        }
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
        let stored = try network.store().records(matching: RecordFilter(), after: 0, limit: 100).map(\.fields).filter {
            $0.type == "progress_report"
        }
        #expect(stored.map(\.acceptedAt) == [first.acceptedAtMs, second.acceptedAtMs])
        let envelope = try Envelope(serializedBytes: stored[1].envelope)
        #expect(envelope.sentAtMs == 1_000_000_000_000)  // kept as the node's claim, never used for order
        await huli.close()
        await network.stopHub()
    }
}

/// A small tmpfs mounted for one test (needs root, as the CI machine has).
final class SmallDisk {
    let url: URL

    static let available: Bool = {
        guard getuid() == 0, let disk = try? SmallDisk(megabytes: 1) else { return false }
        disk.unmount()
        return true
    }()

    init(megabytes: Int) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-disk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Self.mount(["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path])
    }

    func remount(_ options: String) throws { try Self.mount(["-o", "remount,\(options)", url.path]) }

    func unmount() {
        _ = try? Self.mount(["-l", url.path], program: "/bin/umount")
        try? FileManager.default.removeItem(at: url)
    }

    private static func mount(_ arguments: [String], program: String = "/bin/mount") throws {
        guard try ChildProcess(program, arguments).wait() == 0 else {
            throw DiskError("\(program) \(arguments.joined(separator: " ")) failed")
        }
    }

    struct DiskError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

@Suite("A real full disk", .serialized, .enabled(if: SmallDisk.available, "needs root to mount a small tmpfs"))
struct RealDiskFaultTests {
    @Test(
        """
        the log's disk fills up: refused with STORAGE_UNAVAILABLE, nothing acknowledged that is not on disk; space \
        returns and the retry is accepted once
        """
    )
    func diskFull() async throws {
        let disk = try SmallDisk(megabytes: 2)
        defer { disk.unmount() }
        let network = try TestNetwork()
        network.logDirectory = disk.url
        try network.startHub()
        let raw = try RawClient(network, as: "siming")
        _ = try #require(try raw.hello("siming"))
        let filler = String(repeating: "Clearance pain points in Siming, recorded in full. ", count: 60)

        func submit(_ id: String) throws -> Command? {
            try raw.send(.submit(Make.report(filler, id: id)))
            return try raw.first { command in
                switch command {
                case .accepted, .rejected: command
                default: nil
                }
            }
        }
        var accepted: [String: UInt64] = [:]
        var refusedID: String?
        for index in 0..<5000 {
            let id = "fill-\(index)"
            switch try submit(id) {
            case .accepted(let a): accepted[id] = a.sequence
            case .rejected(let r):
                #expect(r.code == .storageUnavailable, "\(r.reason)")
                refusedID = id
            default: Issue.record("no answer to \(id)")
            }
            if refusedID != nil { break }
        }
        let full = try #require(refusedID, "the 2 MB disk never filled")
        #expect(accepted.count > 20)
        // Still full: still refused, never acknowledged.
        if case .accepted = try submit("still-full") { Issue.record("accepted while the disk was full") }
        try disk.remount("size=16m")

        // Space returns: the refused message, retried with its id, is accepted once.
        guard case .accepted(let retried) = try submit(full) else {
            Issue.record("the retry was not accepted")
            return
        }
        #expect(!retried.duplicate)
        accepted[full] = retried.sequence
        for index in 0..<20 {
            guard case .accepted(let a) = try submit("after-\(index)") else {
                Issue.record("after-\(index) refused")
                continue
            }
            accepted["after-\(index)"] = a.sequence
        }
        await network.stopHub()

        let store = try SQLiteEventStore(path: network.logPath, tailCheck: .max)
        let records = try store.records(matching: RecordFilter(), after: 0, limit: 100_000).map(\.fields)
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let stored = Dictionary(
            grouping: records.filter { $0.sender == "siming" && $0.type == "progress_report" }, by: \.messageID)
        #expect(stored.values.allSatisfy { $0.count == 1 })
        for (id, sequence) in accepted { #expect(stored[id]?.first?.sequence == sequence, "\(id)") }
        #expect(stored["still-full"] == nil)
        guard case .intact = try store.verify() else {
            Issue.record("the log does not verify")
            return
        }
    }
}
