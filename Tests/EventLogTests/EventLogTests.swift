import EventLog
import Foundation
import Testing

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

func pending(_ sequence: UInt64, sender: String = "huli", to recipients: [String] = ["xm-dongdu", "commerce-bureau"],
             type: String = "request_filed", subjects: RecordSubjects = RecordSubjects(uscc: "91350200776049653A")) -> PendingRecord {
    PendingRecord(
        sequence: sequence, acceptedAt: 1_788_220_800_000 + Int64(sequence), sender: sender, messageID: "m-\(sequence)",
        type: type, recipients: recipients, subjects: subjects, envelope: Data("envelope-\(sequence)-MARKER".utf8)
    )
}

@Suite("Event log")
struct EventLogTests {
    @Test("appends in order, chains hashes, reads back byte for byte, and fsyncs every commit")
    func appendAndRead() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        #expect(try store.synchronousLevel() == 2)
        #expect(try store.head() == .empty)
        let sealed = try store.append((1...10).map { pending($0) })
        #expect(sealed.map(\.sequence) == Array(1...10))
        #expect(sealed[1].previousHash == sealed[0].hash)
        #expect(try store.head().sequence == 10)
        let read = try store.records(matching: RecordFilter(), after: 0, limit: 100)
        #expect(read == sealed)
        #expect(try store.verify() == .intact(records: 10, head: LogHead(sequence: 10, hash: sealed[9].hash)))
    }

    @Test("a read-only store reads a live log beside its writer and cannot write it (issue 13, defect 8)")
    func readOnly() throws {
        let folder = try TemporaryFolder()
        let writer = try SQLiteEventStore(path: folder.path("log.sqlite"))
        _ = try writer.append((1...5).map { pending($0) })
        let reader = try SQLiteEventStore(path: folder.path("log.sqlite"), tailCheck: 5, readOnly: true)
        #expect(try reader.head().sequence == 5)
        #expect(try reader.stats().records == 5)
        #expect(throws: (any Error).self) { _ = try reader.append([pending(6)]) }
        #expect(throws: (any Error).self) { try reader.saveCursors(["huli": 5]) }
        _ = try writer.append([pending(6)])
        #expect(try reader.head().sequence == 6)
        #expect(throws: (any Error).self) { _ = try SQLiteEventStore(path: folder.path("missing.sqlite"), readOnly: true) }
    }

    @Test("a batch that does not continue the sequence is refused whole")
    func gaplessOnly() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        _ = try store.append([pending(1)])
        #expect(throws: EventLogError.outOfSequence(expected: 3, got: 4)) { _ = try store.append([pending(2), pending(4)]) }
        #expect(try store.head().sequence == 1)
    }

    @Test("the (sender, message id) index answers the original sequence")
    func dedupIndex() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        _ = try store.append([pending(1), pending(2)])
        #expect(try store.accepted(sender: "huli", messageID: "m-2")?.sequence == 2)
        #expect(try store.accepted(sender: "siming", messageID: "m-2") == nil)
        var again = pending(3)
        again.messageID = "m-2"
        #expect(throws: EventLogError.self) { _ = try store.append([again]) }
    }

    @Test("deliveries per recipient and cursors that never move back survive reopening")
    func deliveriesAndCursors() throws {
        let folder = try TemporaryFolder()
        do {
            let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
            _ = try store.append([pending(1, to: ["a1"]), pending(2, to: ["b1"]), pending(3, to: ["a1", "b1"])])
            try store.saveCursors(["a1": 1])
            try store.saveCursors(["a1": 0, "b1": 2])
        }
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        #expect(try store.deliveries(for: "a1", after: 0, limit: 10).map(\.sequence) == [1, 3])
        #expect(try store.deliveries(for: "a1", after: 1, limit: 10).map(\.sequence) == [3])
        #expect(try store.cursor(for: "a1") == 1)
        #expect(try store.cursor(for: "b1") == 2)
        #expect(try store.cursor(for: "nobody") == 0)
    }

    @Test("filters: sequence and time ranges, types, subjects and node")
    func filters() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        _ = try store.append([
            pending(1, type: "meeting_convened", subjects: RecordSubjects(meetingID: "JM-1")),
            pending(2, sender: "xm-dongdu", to: ["huli"], type: "case_opened", subjects: RecordSubjects(uscc: "U1", caseID: "C1")),
            pending(3, type: "minutes_entry", subjects: RecordSubjects(meetingID: "JM-1")),
            pending(4, sender: "siming", to: ["commerce-bureau"], type: "progress_report", subjects: RecordSubjects()),
        ])
        func sequences(_ configure: (inout RecordFilter) -> Void) throws -> [UInt64] {
            var filter = RecordFilter()
            configure(&filter)
            return try store.records(matching: filter, after: 0, limit: 100).map(\.sequence)
        }
        #expect(try sequences { $0.meetingID = "JM-1" } == [1, 3])
        #expect(try sequences { $0.caseID = "C1" } == [2])
        #expect(try sequences { $0.uscc = "U1" } == [2])
        #expect(try sequences { $0.types = ["progress_report", "case_opened"] } == [2, 4])
        #expect(try sequences { $0.fromSequence = 2; $0.toSequence = 3 } == [2, 3])
        #expect(try sequences { $0.fromTime = 1_788_220_800_002; $0.toTime = 1_788_220_800_004 } == [2, 3])
        #expect(try sequences { $0.node = "huli" } == [1, 2, 3])
        #expect(try sequences { $0.node = "siming" } == [4])
    }

    @Test("one changed byte in the file is found and named by verify")
    func tamperDetected() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("log.sqlite")
        do {
            let store = try SQLiteEventStore(path: path)
            _ = try store.append((1...50).map { pending($0) })
        } // closing checkpoints the WAL into the file
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let marker = Data("envelope-37-MARKER".utf8)
        let range = try #require(bytes.range(of: marker))
        bytes[range.lowerBound + 9] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))

        #expect(throws: EventLogError.self) { _ = try SQLiteEventStore(path: path) }
        let store = try SQLiteEventStore(path: path, tailCheck: 0)
        guard case .broken(let sequence, let reason) = try store.verify() else {
            Issue.record("verify passed a changed file")
            return
        }
        #expect(sequence == 37)
        #expect(reason.contains("do not match its hash"))
    }

    @Test("a torn last write (the WAL cut mid-frame, as a crash leaves it) loses only that commit; the log opens intact")
    func tornTail() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        for sequence in UInt64(1)...40 { _ = try store.append([pending(sequence)]) }
        // A crash image: the files as they are on disk now, before any checkpoint.
        let crash = try TemporaryFolder()
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: folder.path("log.sqlite" + suffix), toPath: crash.path("log.sqlite" + suffix))
        }
        let wal = try FileHandle(forUpdating: URL(fileURLWithPath: crash.path("log.sqlite-wal")))
        let size = try wal.seekToEnd()
        try wal.truncate(atOffset: size - 100)
        try wal.close()

        let reopened = try SQLiteEventStore(path: crash.path("log.sqlite"), tailCheck: .max)
        let head = try reopened.head().sequence
        #expect(head == 39)
        guard case .intact(let records, _) = try reopened.verify() else { Issue.record("the torn log does not verify"); return }
        #expect(records == head)
        _ = try reopened.append([pending(head + 1)])  // and it goes on from there
    }

    @Test("a changed byte anywhere stops the store from opening with a full check, naming the record")
    func corruptMiddleRefused() throws {
        let folder = try TemporaryFolder()
        do {
            let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
            _ = try store.append((1...3000).map { pending($0) })
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder.path("log.sqlite")))
        let range = try #require(bytes.range(of: Data("envelope-17-MARKER".utf8)))
        bytes[range.lowerBound] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: folder.path("log.sqlite")))
        _ = try SQLiteEventStore(path: folder.path("log.sqlite"))  // the last 1000 records are fine
        let error = #expect(throws: EventLogError.self) { _ = try SQLiteEventStore(path: folder.path("log.sqlite"), tailCheck: .max) }
        #expect(error?.description.contains("record 17") == true, "\(String(describing: error))")
    }

    @Test("an online backup is a consistent, verifiable copy")
    func backup() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        _ = try store.append((1...100).map { pending($0) })
        try store.backup(to: folder.path("copy.sqlite"))
        let copy = try SQLiteEventStore(path: folder.path("copy.sqlite"), tailCheck: 0)
        guard case .intact(let count, _) = try copy.verify() else {
            Issue.record("backup does not verify")
            return
        }
        #expect(count == 100)
        #expect(try copy.stats().byType["request_filed"] == 100)
    }
}
