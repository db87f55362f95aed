import EventLog
import EventLogPostgres
import EventLogSQLite
import Foundation
import Testing

/// The `EventStore` contract, the same test functions against every store (SQLite and PostgreSQL).
@Suite("Event store contract")
struct EventStoreConformanceTests {
    @Test(
        "appends in order, chains hashes, reads back byte for byte, and commits durably", arguments: StoreKind.allCases)
    func appendAndRead(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        switch store {
        case let sqlite as SQLiteEventStore: #expect(try sqlite.synchronousLevel() == 2)
        case let postgres as PostgresEventStore:
            let durability = try postgres.durability()
            #expect(durability.synchronousCommit == "on" && durability.fsync == "on")
        default: Issue.record("an unknown store")
        }
        #expect(try store.head() == .empty)
        let sealed = try store.append((1...10).map { pending($0) })
        #expect(sealed.map(\.sequence) == Array(1...10))
        #expect(sealed[0].previousHash == Data(count: 32))
        #expect(sealed[1].previousHash == sealed[0].hash)
        #expect(try store.head() == LogHead(sequence: 10, hash: sealed[9].hash))
        #expect(try store.records(matching: RecordFilter(), after: 0, limit: 100) == sealed)
        #expect(try store.records(matching: RecordFilter(), after: 4, limit: 3).map(\.sequence) == [5, 6, 7])
        #expect(try store.verify() == .intact(records: 10, head: LogHead(sequence: 10, hash: sealed[9].hash)))
    }

    @Test(
        "snapshots round-trip byte for byte, newest first, and only the three newest are kept",
        arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try #require(try fixture.open() as? any SnapshotStore)
        #expect(try store.snapshotSequences() == [])
        var bodies: [Data] = []
        for index in 1...5 {
            let bytes: [UInt8] = (0..<(1000 * index)).map { offset in UInt8(truncatingIfNeeded: offset &* 7 &+ index) }
            bodies.append(Data(bytes))
        }
        for (index, body) in bodies.enumerated() { try store.saveSnapshot(body, sequence: UInt64(index + 1) * 100) }
        #expect(try store.snapshotSequences() == [500, 400, 300])
        #expect(try store.loadSnapshot(at: 400) == bodies[3])
        #expect(throws: (any Error).self) { _ = try store.loadSnapshot(at: 100) }
    }

    @Test("every store seals the same records with the same hashes")
    func sameChainEverywhere() throws {
        guard TestPostgres.isConfigured else { try Test.cancel(Comment(rawValue: TestPostgres.howToRun)) }
        let batch = (1...20).map { pending($0, subjects: $0 % 2 == 0 ? RecordSubjects() : RecordSubjects(caseID: "C")) }
        let hashes = try StoreKind.allCases.map { kind in
            let fixture = try StoreFixture(kind)
            return try fixture.open().append(batch).map(\.hash)
        }
        #expect(hashes[0] == hashes[1])
    }

    @Test("a batch that does not continue the sequence is refused whole", arguments: StoreKind.allCases)
    func gaplessOnly(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        _ = try store.append([pending(1)])
        #expect(throws: EventLogError.outOfSequence(expected: 3, got: 4)) {
            _ = try store.append([pending(2), pending(4)])
        }
        #expect(throws: EventLogError.outOfSequence(expected: 2, got: 1)) { _ = try store.append([pending(1)]) }
        #expect(try store.head().sequence == 1)
        #expect(try store.accepted(sender: "huli", messageID: "m-2") == nil)
    }

    @Test(
        "one query answers a batch's (sender, message id) keys: the stored ones, none of the others",
        arguments: StoreKind.allCases)
    func batchedDedup(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        _ = try store.append((1...5).map { pending($0) })
        let keys = [
            MessageKey(sender: "huli", messageID: "m-2"), MessageKey(sender: "huli", messageID: "m-4"),
            MessageKey(sender: "huli", messageID: "m-9"), MessageKey(sender: "siming", messageID: "m-2"),
            MessageKey(sender: "huli", messageID: "m-2"),
        ]
        let found = try store.accepted(keys)
        #expect(Set(found.keys) == [keys[0], keys[1]])
        #expect(
            found[keys[1]]
                == AcceptedReference(sequence: 4, acceptedAt: pending(4).acceptedAt, envelope: pending(4).envelope))
        #expect(try store.accepted([]).isEmpty)
    }

    @Test(
        "the (sender, message id) index answers the original record and refuses a second", arguments: StoreKind.allCases
    )
    func dedup(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        _ = try store.append([pending(1), pending(2)])
        let original = try #require(try store.accepted(sender: "huli", messageID: "m-2"))
        #expect(
            original == AcceptedReference(sequence: 2, acceptedAt: pending(2).acceptedAt, envelope: pending(2).envelope)
        )
        #expect(try store.accepted(sender: "siming", messageID: "m-2") == nil)
        var again = pending(3)
        again.messageID = "m-2"
        let error = #expect(throws: EventLogError.self) { _ = try store.append([again]) }
        #expect(error?.description.contains("already in the log") == true, "\(String(describing: error))")
        var other = pending(3, sender: "siming")
        other.messageID = "m-2"
        #expect(try store.append([other]).map(\.sequence) == [3])
    }

    @Test(
        "a batch that fails to commit (a duplicate inside it) acknowledges nothing and leaves the head",
        arguments: StoreKind.allCases)
    func failedBatchWritesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        let first = try store.append([pending(1, to: ["a1"])])
        var duplicate = pending(4, to: ["a1"])
        duplicate.messageID = "m-2"
        var sealed: [LogRecord]?
        #expect(throws: EventLogError.self) {
            sealed = try store.append([pending(2, to: ["a1"]), pending(3, to: ["a1"]), duplicate])
        }
        #expect(sealed == nil)
        #expect(try store.head() == LogHead(sequence: 1, hash: first[0].hash))
        #expect(try store.accepted(sender: "huli", messageID: "m-2") == nil)
        #expect(try store.deliveries(for: "a1", after: 0, limit: 10).map(\.sequence) == [1])
        #expect(try store.records(matching: RecordFilter(), after: 0, limit: 10) == first)
        // and the log goes on from where it was
        #expect(try store.append([pending(2), pending(3)]).map(\.sequence) == [2, 3])
        #expect(try store.verify() == .intact(records: 3, head: try store.head()))
    }

    @Test(
        "deliveries per recipient, counted, and cursors that never move back survive reopening",
        arguments: StoreKind.allCases)
    func deliveriesAndCursors(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        do {
            let store = try fixture.open()
            _ = try store.append([
                pending(1, to: ["a1"]), pending(2, to: ["b1"]), pending(3, to: ["a1", "b1", "a1"]), pending(4, to: []),
                pending(5, to: ["a1"]),
            ])
            try store.saveCursors(["a1": 3])
            try store.saveCursors(["a1": 1, "b1": 2])
            try store.saveCursors([:])
        }
        let store = try fixture.open()
        #expect(try store.deliveries(for: "a1", after: 0, limit: 10).map(\.sequence) == [1, 3, 5])
        let addressed = try store.records(matching: RecordFilter(), after: 0, limit: 10).filter {
            [1, 3, 5].contains($0.sequence)
        }
        #expect(try store.deliveries(for: "a1", after: 0, limit: 10).map(\.envelope) == addressed.map(\.envelope))
        #expect(try store.deliveries(for: "a1", after: 1, limit: 1).map(\.sequence) == [3])
        #expect(try store.deliveries(for: "nobody", after: 0, limit: 10).isEmpty)
        #expect(try store.records(matching: RecordFilter(), after: 3, limit: 1).first?.fields.recipients == [])
        #expect(try store.countDeliveries(for: "a1", after: 0, upTo: 5, limit: 100) == 3)
        #expect(try store.countDeliveries(for: "a1", after: 1, upTo: 4, limit: 100) == 1)
        #expect(try store.countDeliveries(for: "a1", after: 0, upTo: 5, limit: 2) == 2)
        #expect(try store.countDeliveries(for: "b1", after: 2, upTo: 5, limit: 100) == 1)
        #expect(try store.cursor(for: "a1") == 3)
        #expect(try store.cursor(for: "b1") == 2)
        #expect(try store.cursor(for: "nobody") == 0)
        #expect(try store.stats().cursors == ["a1": 3, "b1": 2])
    }

    @Test(
        "filters: sequence and time ranges, types, subjects and node; envelopes alone read the same",
        arguments: StoreKind.allCases)
    func filters(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = try fixture.open()
        _ = try store.append([
            pending(1, type: "meeting_convened", subjects: RecordSubjects(meetingID: "JM-1")),
            pending(
                2, sender: "xm-dongdu", to: ["huli"], type: "case_opened",
                subjects: RecordSubjects(uscc: "U1", caseID: "C1")),
            pending(3, type: "minutes_entry", subjects: RecordSubjects(meetingID: "JM-1")),
            pending(4, sender: "siming", to: ["commerce-bureau"], type: "progress_report", subjects: RecordSubjects()),
        ])
        func sequences(
            after: UInt64 = 0, limit: Int = 100, _ configure: (inout RecordFilter) -> Void
        ) throws -> [UInt64] {
            var filter = RecordFilter()
            configure(&filter)
            let records = try store.records(matching: filter, after: after, limit: limit)
            // What a replay reads: the same records' sequences and envelopes, without the rest.
            let envelopes = try store.envelopes(matching: filter, after: after, limit: limit)
            #expect(envelopes == records.map { SequencedEnvelope(sequence: $0.sequence, envelope: $0.envelope) })
            return records.map(\.sequence)
        }
        #expect(try sequences { $0.meetingID = "JM-1" } == [1, 3])
        #expect(try sequences { $0.caseID = "C1" } == [2])
        #expect(try sequences { $0.uscc = "U1" } == [2])
        #expect(try sequences { $0.types = ["progress_report", "case_opened"] } == [2, 4])
        #expect(
            try sequences {
                $0.fromSequence = 2
                $0.toSequence = 3
            } == [2, 3])
        #expect(
            try sequences {
                $0.fromTime = 1_788_220_800_002
                $0.toTime = 1_788_220_800_004
            } == [2, 3])
        #expect(try sequences { $0.node = "huli" } == [1, 2, 3])
        #expect(try sequences { $0.node = "siming" } == [4])
        #expect(
            try sequences {
                $0.node = "huli"
                $0.types = ["minutes_entry", "case_opened"]
            } == [2, 3])
        #expect(try sequences(after: 1, limit: 1) { $0.node = "huli" } == [2])
        let record = try #require(try store.records(matching: RecordFilter(), after: 1, limit: 1).first)
        #expect(record.fields.subjects == RecordSubjects(uscc: "U1", caseID: "C1"))
        let stats = try store.stats()
        #expect(stats.records == 4 && stats.head == 4 && stats.bytes > 0)
        #expect(stats.firstAcceptedAt == 1_788_220_800_001 && stats.lastAcceptedAt == 1_788_220_800_004)
        #expect(stats.byType["meeting_convened"] == 1 && stats.bySender == ["huli": 2, "xm-dongdu": 1, "siming": 1])
    }

    @Test(
        "one changed byte is found and named by verify, and stops a full check at opening (not a tail check)",
        arguments: StoreKind.allCases)
    func tamperDetected(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        do {
            let store = try fixture.open()
            _ = try store.append((1...1200).map { pending($0) })
        }  // closing checkpoints SQLite's WAL into the file
        try fixture.tamper(sequence: 37)
        _ = try fixture.open()  // the last 1000 records are fine
        let error = #expect(throws: EventLogError.self) { _ = try fixture.open(tailCheck: .max) }
        #expect(error?.description.contains("record 37") == true, "\(String(describing: error))")
        let store = try fixture.open(tailCheck: 0)
        guard case .broken(let sequence, let reason) = try store.verify() else {
            Issue.record("verify passed a changed record")
            return
        }
        #expect(sequence == 37)
        #expect(reason.contains("do not match its hash"))
    }

    @Test("a read-only store reads a live log beside its writer and cannot write it", arguments: StoreKind.allCases)
    func readOnly(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(throws: (any Error).self) { _ = try fixture.open(readOnly: true) }  // no log there yet
        let writer = try fixture.open()
        _ = try writer.append((1...5).map { pending($0) })
        let reader = try fixture.open(tailCheck: 5, readOnly: true)
        #expect(try reader.head().sequence == 5)
        #expect(try reader.stats().records == 5)
        #expect(throws: (any Error).self) { _ = try reader.append([pending(6)]) }
        #expect(throws: (any Error).self) { try reader.saveCursors(["huli": 5]) }
        _ = try writer.append([pending(6)])
        #expect(try reader.head().sequence == 6)
        #expect(try reader.cursor(for: "huli") == 0)
    }

    @Test(
        "a log migrated to the other store keeps its sequences, hashes and cursors, and verifies",
        arguments: StoreKind.allCases)
    func migrate(kind: StoreKind) throws {
        let source = try StoreFixture(kind)
        let target = try StoreFixture(kind == .sqlite ? .postgresql : .sqlite)
        let original = try source.open()
        for start in stride(from: UInt64(1), through: 2401, by: 600) {
            _ = try original.append((start..<start + 600).map { pending($0, to: $0 % 3 == 0 ? ["a1"] : ["b1", "c1"]) })
        }
        try original.saveCursors(["a1": 900, "b1": 12])
        let copy = try target.open()
        let outcome = try LogMigration.copy(from: original, to: copy, batch: 700)
        let head = try original.head()
        #expect(outcome.records == 3000 && outcome.head == head && outcome.cursors == 2)
        #expect(
            try copy.records(matching: RecordFilter(), after: 0, limit: 5000)
                == (try original.records(matching: RecordFilter(), after: 0, limit: 5000)))
        #expect(try copy.deliveries(for: "a1", after: 2990, limit: 10).map(\.sequence) == [2991, 2994, 2997, 3000])
        #expect(try copy.cursor(for: "a1") == 900)
        #expect(try copy.verify() == .intact(records: 3000, head: try original.head()))
        let refusal = #expect(throws: EventLogError.self) { _ = try LogMigration.copy(from: original, to: copy) }
        #expect(refusal?.description.contains("not empty") == true)
    }
}
