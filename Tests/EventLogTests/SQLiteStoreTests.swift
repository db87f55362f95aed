import EventLog
import EventLogSQLite
import Foundation
import Testing

/// What only the SQLite store has: a WAL a crash can tear, and a file-to-file online backup. The
/// contract both stores keep is in ``EventStoreConformanceTests``.
@Suite("Event log on SQLite")
struct SQLiteStoreTests {
    @Test(
        "a torn last write (the WAL cut mid-frame, as a crash leaves it) loses only that commit; the log opens intact")
    func tornTail() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteEventStore(path: folder.path("log.sqlite"))
        for sequence in UInt64(1)...40 { _ = try store.append([pending(sequence)]) }
        // A crash image: the files as they are on disk now, before any checkpoint.
        let crash = try TemporaryFolder()
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(
                atPath: folder.path("log.sqlite" + suffix), toPath: crash.path("log.sqlite" + suffix))
        }
        let wal = try FileHandle(forUpdating: URL(fileURLWithPath: crash.path("log.sqlite-wal")))
        let size = try wal.seekToEnd()
        try wal.truncate(atOffset: size - 100)
        try wal.close()

        let reopened = try SQLiteEventStore(path: crash.path("log.sqlite"), tailCheck: .max)
        let head = try reopened.head().sequence
        #expect(head == 39)
        guard case .intact(let records, _) = try reopened.verify() else {
            Issue.record("the torn log does not verify")
            return
        }
        #expect(records == head)
        _ = try reopened.append([pending(head + 1)])  // and it goes on from there
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
