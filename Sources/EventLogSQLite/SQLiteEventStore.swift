import EventLog
import Foundation
import GRDB

/// The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit is
/// on disk (fsynced) when `append` returns.
///
/// Reads run in short transactions on the pool's reader connections, so a long replay, read chunk
/// by chunk, never holds back the writer or checkpoints.
public final class SQLiteEventStore: EventStore {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (or creates) the log at `path`, and checks the chain of its last `tailCheck` records.
    /// Throws ``EventLogError/corrupt(_:)`` if they are broken. `readOnly` opens an existing log for
    /// the operators' commands (verify, stats, backup), which must never write to a live log.
    public init(path: String, tailCheck: UInt64 = 1000, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = readOnly
        if !readOnly { configuration.journalMode = .wal }
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 4
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if !readOnly {
                // DatabasePool opens with synchronous=NORMAL; FULL makes every commit fsync the WAL.
                // It must be set outside a transaction.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                }
                try Self.migrator.migrate(pool)
            }
        } catch let error as DatabaseError {
            throw EventLogError.storage("\(path): \(error.message ?? error.description)")
        }
        if tailCheck > 0 {
            let head = try head()
            let from = head.sequence > tailCheck ? head.sequence - tailCheck : 0
            let result = try verify(after: from)
            if case .broken = result { throw EventLogError.corrupt(result) }
        }
    }

    /// Whether writes are fsynced (`PRAGMA synchronous` is FULL, 2).
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE record (
                        sequence INTEGER PRIMARY KEY,
                        accepted_at INTEGER NOT NULL,
                        sender TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        recipients TEXT NOT NULL,
                        uscc TEXT,
                        meeting_id TEXT,
                        case_id TEXT,
                        envelope BLOB NOT NULL,
                        previous_hash BLOB NOT NULL,
                        hash BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX record_sender_message ON record(sender, message_id);
                    CREATE INDEX record_time ON record(accepted_at);
                    CREATE INDEX record_type ON record(type, sequence);
                    CREATE INDEX record_uscc ON record(uscc, sequence) WHERE uscc IS NOT NULL;
                    CREATE INDEX record_meeting ON record(meeting_id, sequence) WHERE meeting_id IS NOT NULL;
                    CREATE INDEX record_case ON record(case_id, sequence) WHERE case_id IS NOT NULL;
                    CREATE TABLE delivery (
                        recipient TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        PRIMARY KEY (recipient, sequence)
                    ) WITHOUT ROWID;
                    CREATE TABLE cursor (
                        node_id TEXT PRIMARY KEY,
                        acknowledged INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    // MARK: Writing

    public func head() throws -> LogHead {
        try reading { db in try Self.head(db) }
    }

    private static func head(_ db: Database) throws -> LogHead {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM record ORDER BY sequence DESC LIMIT 1")
        else {
            return .empty
        }
        return LogHead(sequence: UInt64(row[0] as Int64), hash: row[1])
    }

    public func append(_ batch: [PendingRecord]) throws -> [LogRecord] {
        guard !batch.isEmpty else { return [] }
        return try writing { db in
            var head = try Self.head(db)
            var sealed: [LogRecord] = []
            sealed.reserveCapacity(batch.count)
            let insertRecord = try db.cachedStatement(
                sql: """
                    INSERT INTO record (sequence, accepted_at, sender, message_id, type, recipients, uscc, meeting_id,
                                        case_id, envelope, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertDelivery = try db.cachedStatement(sql: "INSERT INTO delivery (recipient, sequence) VALUES (?, ?)")
            for record in batch {
                guard record.sequence == head.sequence + 1 else {
                    throw EventLogError.outOfSequence(expected: head.sequence + 1, got: record.sequence)
                }
                let hash = RecordHash.compute(previous: head.hash, record: record)
                let sequence = Int64(record.sequence)
                try insertRecord.execute(arguments: [
                    sequence, record.acceptedAt, record.sender, record.messageID, record.type,
                    record.recipients.joined(separator: ","), record.subjects.uscc, record.subjects.meetingID,
                    record.subjects.caseID, record.envelope, head.hash, hash,
                ])
                for recipient in Set(record.recipients) {
                    try insertDelivery.execute(arguments: [recipient, sequence])
                }
                sealed.append(LogRecord(fields: record, previousHash: head.hash, hash: hash))
                head = LogHead(sequence: record.sequence, hash: hash)
            }
            return sealed
        }
    }

    public func accepted(sender: String, messageID: String) throws -> AcceptedReference? {
        try reading { db in
            // Cached: the hub asks this for every submit.
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT sequence, accepted_at, envelope FROM record WHERE sender = ? AND message_id = ?"),
                arguments: [sender, messageID]
            ).map { AcceptedReference(sequence: UInt64($0[0] as Int64), acceptedAt: $0[1], envelope: $0[2]) }
        }
    }

    public func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        return try reading { db in
            var found: [MessageKey: AcceptedReference] = [:]
            // One statement per batch (a batch holds at most a few thousand submits; SQLite takes
            // 32,766 arguments). A join, so that each key is one search of the unique index.
            for start in stride(from: 0, to: unique.count, by: 10_000) {
                let slice = unique[start..<min(unique.count, start + 10_000)]
                let values = Array(repeating: "(?, ?)", count: slice.count).joined(separator: ", ")
                let statement = try db.cachedStatement(
                    sql: """
                        WITH k(sender, message_id) AS (VALUES \(values))
                        SELECT r.sender, r.message_id, r.sequence, r.accepted_at, r.envelope
                        FROM k JOIN record r ON r.sender = k.sender AND r.message_id = k.message_id
                        """)
                let arguments = StatementArguments(slice.flatMap { [$0.sender, $0.messageID] })
                for row in try Row.fetchAll(statement, arguments: arguments) {
                    found[MessageKey(sender: row[0], messageID: row[1])] = AcceptedReference(
                        sequence: UInt64(row[2] as Int64), acceptedAt: row[3], envelope: row[4])
                }
            }
            return found
        }
    }

    // MARK: Integrity and figures

    public func verify() throws -> VerifyResult {
        try verify(after: 0)
    }

    /// ``verify()``, telling `progress` the records checked and the head after each chunk.
    public func verify(progress: (_ checked: UInt64, _ head: UInt64) -> Void) throws -> VerifyResult {
        let head = try self.head().sequence
        return try verify(after: 0) { progress($0, head) }
    }

    /// Verifies the chain from the record after `after` to the head, in chunks.
    func verify(after: UInt64, progress: (UInt64) -> Void = { _ in }) throws -> VerifyResult {
        var chain: ChainCheck
        if after == 0 {
            chain = ChainCheck()
        } else {
            guard
                let hash = try reading({
                    try Data.fetchOne($0, sql: "SELECT hash FROM record WHERE sequence = ?", arguments: [Int64(after)])
                })
            else {
                return .broken(sequence: after, reason: "the record is missing")
            }
            chain = ChainCheck(after: LogHead(sequence: after, hash: hash))
        }
        var count: UInt64 = 0
        while true {
            let chunk = try reading { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT \(Self.columns) FROM record r WHERE r.sequence >= ? ORDER BY r.sequence LIMIT 5000",
                    arguments: [Int64(chain.expected)]
                ).map(Self.record)
            }
            if chunk.isEmpty { break }
            for record in chunk {
                if let broken = chain.check(record) { return broken }
                count += 1
            }
            progress(count)
        }
        return .intact(records: count, head: chain.head)
    }

    public func stats() throws -> LogStats {
        try reading { db in
            func grouped(_ column: String) throws -> [String: UInt64] {
                var result: [String: UInt64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT \(column), count(*) FROM record GROUP BY \(column)") {
                    result[row[0]] = UInt64(row[1] as Int64)
                }
                return result
            }
            var cursors: [String: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT node_id, acknowledged FROM cursor") {
                cursors[row[0]] = UInt64(row[1] as Int64)
            }
            let range = try Row.fetchOne(
                db, sql: "SELECT count(*), max(sequence), min(accepted_at), max(accepted_at) FROM record")!
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return LogStats(
                records: UInt64(range[0] as Int64), head: UInt64((range[1] as Int64?) ?? 0),
                firstAcceptedAt: range[2], lastAcceptedAt: range[3], bytes: pages * pageSize,
                byType: try grouped("type"), bySender: try grouped("sender"), cursors: cursors
            )
        }
    }

    public func backup(to path: String) throws {
        try backup(to: path, progress: nil)
    }

    /// ``backup(to:)`` in steps of 1,000 pages, telling `progress` the fraction copied after each.
    public func backup(to path: String, progress: ((Double) -> Void)?) throws {
        do {
            let destination = try DatabaseQueue(path: path)
            try pool.backup(to: destination, pagesPerStep: 1000) { step in
                progress?(step.totalPageCount == 0 ? 1 : Double(step.completedPageCount) / Double(step.totalPageCount))
            }
            try destination.close()
        } catch let error as DatabaseError {
            throw EventLogError.storage("backup to \(path): \(error.message ?? error.description)")
        }
    }

    // MARK: Errors

    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw EventLogError.storage(error.message ?? error.description)
        }
    }

    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw EventLogError.storage("a (sender, message id) is already in the log: \(error.message ?? "")")
        } catch let error as DatabaseError {
            throw EventLogError.storage(error.message ?? error.description)
        }
    }
}
