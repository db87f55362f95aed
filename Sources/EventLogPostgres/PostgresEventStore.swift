import EventLog
import Foundation
import PostgresNIO
import Synchronization

/// The event store on PostgreSQL (PostgresNIO): the same contract and the same hash chain as
/// `SQLiteEventStore`, so a log moves between the two and still verifies.
///
/// Every append is one transaction with `synchronous_commit` on, so it returns once the server has the
/// batch on disk (and on its synchronous standbys, if it has any); a store that can write refuses a server
/// running with `fsync` off. The tables live in one schema (`aeohub` by default), which is what a backup
/// dumps. Writes go through one connection and reads through another, so that the projection's long
/// reads never wait for an append or hold one back; each is used synchronously (see `PostgresLink`).
public final class PostgresEventStore: EventStore {
    /// The database and schema, without any password.
    public let location: PostgresLocation
    let writer: PostgresLink
    let reader: PostgresLink
    /// Snapshots have their own connection (opened on first use), so writing one never holds an append.
    let snapshotLink: PostgresLink
    private let password: String?
    /// The lease epoch every ``append(_:)`` is fenced by, once ``fence(epoch:whenFenced:)`` set it.
    let fencing = Mutex<Fencing?>(nil)
    /// Chunk of records per `INSERT`: 12 parameters each, well under PostgreSQL's 65,535.
    static let insertChunk = 400

    /// Opens the log in `location` (creating its schema and tables unless `readOnly`), and checks the chain
    /// of its last `tailCheck` records. Throws ``EventLogError/corrupt(_:)`` if they are broken. `readOnly`
    /// opens an existing log for the operators' commands, in read-only transactions. The password is
    /// `password`, or else the one from the environment (``PostgresPassword``).
    public init(
        location: PostgresLocation, password: String? = nil, tailCheck: UInt64 = 1000, readOnly: Bool = false
    ) throws {
        self.location = location
        let password = try password ?? PostgresPassword.resolve()
        self.password = password
        writer = PostgresLink(location: location, password: password, readOnly: readOnly)
        reader = readOnly ? writer : PostgresLink(location: location, password: password, readOnly: true)
        snapshotLink = readOnly ? writer : PostgresLink(location: location, password: password, readOnly: false)
        if readOnly {
            let exists = try reader.withSession { session in
                try session.query("SELECT to_regclass(\("\"\(location.schema)\".record"))::text").first?
                    .decode(String?.self)
            }
            guard exists != nil else {
                throw EventLogError.storage("no event log in schema \(location.schema) of \(location)")
            }
        } else {
            guard try durability().fsync == "on" else {
                throw EventLogError.storage("the server runs with fsync=off: its commits would not be durable")
            }
            try migrate()
        }
        if tailCheck > 0 {
            let head = try head()
            let from = head.sequence > tailCheck ? head.sequence - tailCheck : 0
            let result = try verify(after: from)
            if case .broken = result { throw EventLogError.corrupt(result) }
        }
    }

    deinit {
        writer.close()
        if reader !== writer { reader.close() }
        if snapshotLink !== writer { snapshotLink.close() }
    }

    /// The server's `synchronous_commit` and `fsync` as the writing connection sees them (both `on`).
    public func durability() throws -> (synchronousCommit: String, fsync: String) {
        try writer.withSession { session in
            let commit = try session.query("SHOW synchronous_commit").first?.decode(String.self) ?? ""
            let fsync = try session.query("SHOW fsync").first?.decode(String.self) ?? ""
            return (commit, fsync)
        }
    }

    private func migrate() throws {
        let schema = location.schema
        try writer.transaction { session in
            // Two hubs starting together must not both create the schema.
            try session.query("SELECT pg_advisory_xact_lock(hashtext(\("aeohub-schema-" + schema)))")
            for statement in Self.tables(schema: schema) { try session.execute(statement) }
        }
    }

    static func tables(schema: String) -> [String] {
        [
            // Quoted: the name is checked (lower-case letters, digits, _), but may be a reserved word.
            "CREATE SCHEMA IF NOT EXISTS \"\(schema)\"",
            """
            CREATE TABLE IF NOT EXISTS record (
                sequence BIGINT PRIMARY KEY,
                accepted_at BIGINT NOT NULL,
                sender TEXT NOT NULL,
                message_id TEXT NOT NULL,
                type TEXT NOT NULL,
                recipients TEXT NOT NULL,
                uscc TEXT,
                meeting_id TEXT,
                case_id TEXT,
                envelope BYTEA NOT NULL,
                previous_hash BYTEA NOT NULL,
                hash BYTEA NOT NULL,
                CONSTRAINT record_sender_message UNIQUE (sender, message_id)
            )
            """,
            "CREATE INDEX IF NOT EXISTS record_time ON record (accepted_at)",
            "CREATE INDEX IF NOT EXISTS record_type ON record (type, sequence)",
            "CREATE INDEX IF NOT EXISTS record_uscc ON record (uscc, sequence) WHERE uscc IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS record_meeting ON record (meeting_id, sequence) WHERE meeting_id IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS record_case ON record (case_id, sequence) WHERE case_id IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS delivery (
                recipient TEXT NOT NULL, sequence BIGINT NOT NULL, PRIMARY KEY (recipient, sequence))
            """,
            "CREATE TABLE IF NOT EXISTS cursor (node_id TEXT PRIMARY KEY, acknowledged BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS snapshot (sequence BIGINT PRIMARY KEY, body BYTEA NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS lease (
                name TEXT PRIMARY KEY, epoch BIGINT NOT NULL, holder TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)
            """,
        ]
    }

    // MARK: Writing

    public func head() throws -> LogHead {
        try reader.withSession { try Self.head($0) }
    }

    static func head(_ session: PostgresSession) throws -> LogHead {
        guard let row = try session.query("SELECT sequence, hash FROM record ORDER BY sequence DESC LIMIT 1").first
        else { return .empty }
        let (sequence, hash) = try row.decode((Int64, Data).self)
        return LogHead(sequence: UInt64(sequence), hash: hash)
    }

    public func append(_ batch: [PendingRecord]) throws -> [LogRecord] {
        guard let fencing = fencing.withLock({ $0 }) else { return try append(batch, fence: nil) }
        do {
            return try append(batch, fencedBy: fencing.epoch)
        } catch let error as EventLogError {
            if case .fenced = error { fencing.whenFenced() }
            throw error
        }
    }

    /// ``append(_:)``, running `fence` first in the same transaction: it throws to refuse the batch.
    func append(_ batch: [PendingRecord], fence: ((PostgresSession) throws -> Void)?) throws -> [LogRecord] {
        guard !batch.isEmpty else { return [] }
        return try writer.transaction { session in
            try fence?(session)
            var head = try Self.head(session)
            var sealed: [LogRecord] = []
            sealed.reserveCapacity(batch.count)
            for record in batch {
                guard record.sequence == head.sequence + 1 else {
                    throw EventLogError.outOfSequence(expected: head.sequence + 1, got: record.sequence)
                }
                let hash = RecordHash.compute(previous: head.hash, record: record)
                sealed.append(LogRecord(fields: record, previousHash: head.hash, hash: hash))
                head = LogHead(sequence: record.sequence, hash: hash)
            }
            for start in stride(from: 0, to: sealed.count, by: Self.insertChunk) {
                try session.query(Self.insert(sealed[start..<min(start + Self.insertChunk, sealed.count)]))
            }
            var recipients: [String] = []
            var sequences: [Int64] = []
            for record in batch {
                for recipient in Set(record.recipients) {
                    recipients.append(recipient)
                    sequences.append(Int64(record.sequence))
                }
            }
            if !recipients.isEmpty {
                try session.query(
                    """
                    INSERT INTO delivery (recipient, sequence)
                    SELECT * FROM unnest(\(recipients)::text[], \(sequences)::bigint[])
                    """
                )
            }
            return sealed
        }
    }

    private static func insert(_ records: ArraySlice<LogRecord>) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: records.count * 12)
        var rows: [String] = []
        for record in records {
            let first = binds.count
            rows.append("(" + (1...12).map { "$\(first + $0)" }.joined(separator: ", ") + ")")
            let fields = record.fields
            binds.append(Int64(fields.sequence))
            binds.append(fields.acceptedAt)
            binds.append(fields.sender)
            binds.append(fields.messageID)
            binds.append(fields.type)
            binds.append(fields.recipients.joined(separator: ","))
            binds.append(fields.subjects.uscc)
            binds.append(fields.subjects.meetingID)
            binds.append(fields.subjects.caseID)
            try binds.append(fields.envelope)
            try binds.append(record.previousHash)
            try binds.append(record.hash)
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO record (sequence, accepted_at, sender, message_id, type, recipients, uscc, meeting_id,
                                    case_id, envelope, previous_hash, hash)
                VALUES \(rows.joined(separator: ", "))
                """, binds: binds)
    }

    public func accepted(sender: String, messageID: String) throws -> AcceptedReference? {
        try reader.withSession { session in
            try session.query(
                """
                SELECT sequence, accepted_at, envelope FROM record
                WHERE sender = \(sender) AND message_id = \(messageID)
                """
            ).first.map { row in
                let (sequence, acceptedAt, envelope) = try row.decode((Int64, Int64, Data).self)
                return AcceptedReference(sequence: UInt64(sequence), acceptedAt: acceptedAt, envelope: envelope)
            }
        }
    }

    public func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        let senders = unique.map(\.sender)
        let messageIDs = unique.map(\.messageID)
        return try reader.withSession { session in
            var found: [MessageKey: AcceptedReference] = [:]
            // One query for the batch: each key one search of the (sender, message_id) index.
            let rows = try session.query(
                """
                SELECT r.sender, r.message_id, r.sequence, r.accepted_at, r.envelope
                FROM unnest(\(senders)::text[], \(messageIDs)::text[]) AS k(sender, message_id)
                JOIN record r ON r.sender = k.sender AND r.message_id = k.message_id
                """)
            for row in rows {
                let (sender, messageID, sequence, acceptedAt, envelope) = try row.decode(
                    (String, String, Int64, Int64, Data).self)
                found[MessageKey(sender: sender, messageID: messageID)] = AcceptedReference(
                    sequence: UInt64(sequence), acceptedAt: acceptedAt, envelope: envelope)
            }
            return found
        }
    }

    public func saveCursors(_ cursors: [String: UInt64]) throws {
        guard !cursors.isEmpty else { return }
        let nodes = Array(cursors.keys)
        let positions = nodes.map { Int64(cursors[$0]!) }
        try writer.transaction { session in
            try session.query(
                """
                INSERT INTO cursor (node_id, acknowledged)
                SELECT * FROM unnest(\(nodes)::text[], \(positions)::bigint[])
                ON CONFLICT (node_id) DO UPDATE SET acknowledged = greatest(cursor.acknowledged, excluded.acknowledged)
                """)
        }
    }

    public func backup(to path: String) throws {
        try PostgresDump.dump(location: location, password: password, to: path)
    }
}
