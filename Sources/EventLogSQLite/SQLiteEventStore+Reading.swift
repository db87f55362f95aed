import EventLog
import Foundation
import GRDB

// Reading the log: records by filter, a replay's envelopes, deliveries and cursors.
extension SQLiteEventStore {
    static let columns = """
        r.sequence, r.accepted_at, r.sender, r.message_id, r.type, r.recipients, r.uscc, r.meeting_id, r.case_id,
        r.envelope, r.previous_hash, r.hash
        """

    static func record(_ row: Row) -> LogRecord {
        let recipients: String = row[5]
        return LogRecord(
            fields: PendingRecord(
                sequence: UInt64(row[0] as Int64), acceptedAt: row[1], sender: row[2], messageID: row[3], type: row[4],
                recipients: recipients.isEmpty ? [] : recipients.split(separator: ",").map(String.init),
                subjects: RecordSubjects(uscc: row[6], meetingID: row[7], caseID: row[8]),
                envelope: row[9]
            ),
            previousHash: row[10],
            hash: row[11]
        )
    }

    public func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] {
        try matching(filter, after: after, limit: limit, columns: Self.columns) { statement, arguments in
            try Row.fetchAll(statement, arguments: arguments).map(Self.record)
        }
    }

    public func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try matching(filter, after: after, limit: limit, columns: "r.sequence, r.envelope") { statement, arguments in
            var found: [SequencedEnvelope] = []
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() {
                found.append(SequencedEnvelope(sequence: UInt64(row[0] as Int64), envelope: row[1]))
            }
            return found
        }
    }

    /// Runs `read` with the statement that selects `columns` of the records matching `filter` after
    /// `after`, in order, at most `limit`.
    private func matching<T>(
        _ filter: RecordFilter, after: UInt64, limit: Int, columns: String,
        read: (Statement, StatementArguments) throws -> T
    ) throws -> T {
        var conditions = ["r.sequence > ?"]
        var arguments: [any DatabaseValueConvertible] = [
            Int64(max(after, filter.fromSequence > 0 ? filter.fromSequence - 1 : 0))
        ]
        if filter.toSequence > 0 {
            conditions.append("r.sequence <= ?")
            arguments.append(Int64(filter.toSequence))
        }
        if filter.fromTime > 0 {
            conditions.append("r.accepted_at >= ?")
            arguments.append(filter.fromTime)
        }
        if filter.toTime > 0 {
            conditions.append("r.accepted_at < ?")
            arguments.append(filter.toTime)
        }
        if !filter.types.isEmpty {
            conditions.append("r.type IN (\(Array(repeating: "?", count: filter.types.count).joined(separator: ",")))")
            arguments.append(contentsOf: filter.types)
        }
        if let uscc = filter.uscc {
            conditions.append("r.uscc = ?")
            arguments.append(uscc)
        }
        if let meeting = filter.meetingID {
            conditions.append("r.meeting_id = ?")
            arguments.append(meeting)
        }
        if let caseID = filter.caseID {
            conditions.append("r.case_id = ?")
            arguments.append(caseID)
        }
        if let node = filter.node {
            conditions.append(
                "(r.sender = ? OR EXISTS (SELECT 1 FROM delivery d WHERE d.recipient = ? AND d.sequence = r.sequence))")
            arguments.append(contentsOf: [node, node])
        }
        arguments.append(limit)
        let sql =
            "SELECT \(columns) FROM record r WHERE \(conditions.joined(separator: " AND ")) ORDER BY r.sequence "
            + "LIMIT ?"
        return try reading { db in
            // Cached: a replay reads chunk after chunk with the same statement, and an uncached one runs
            // GRDB's authorizer at each preparation. Not with a list of types, whose every length would be
            // a statement kept for ever.
            let statement = filter.types.isEmpty ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            return try read(statement, StatementArguments(arguments))
        }
    }

    public func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try reading { db in
            var found: [SequencedEnvelope] = []
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT r.sequence, r.envelope FROM delivery d JOIN record r ON r.sequence = d.sequence
                        WHERE d.recipient = ? AND d.sequence > ? ORDER BY d.sequence LIMIT ?
                        """), arguments: [node, Int64(after), limit])
            while let row = try rows.next() {
                found.append(SequencedEnvelope(sequence: UInt64(row[0] as Int64), envelope: row[1]))
            }
            return found
        }
    }

    public func countDeliveries(for node: String, after: UInt64, upTo: UInt64, limit: Int) throws -> Int {
        try reading { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (
                        SELECT 1 FROM delivery WHERE recipient = ? AND sequence > ? AND sequence <= ? LIMIT ?)
                    """, arguments: [node, Int64(after), Int64(upTo), limit]) ?? 0
        }
    }

    public func cursor(for node: String) throws -> UInt64 {
        try reading { db in
            UInt64(
                try Int64.fetchOne(db, sql: "SELECT acknowledged FROM cursor WHERE node_id = ?", arguments: [node]) ?? 0
            )
        }
    }

    public func saveCursors(_ cursors: [String: UInt64]) throws {
        guard !cursors.isEmpty else { return }
        try writing { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO cursor (node_id, acknowledged) VALUES (?, ?)
                    ON CONFLICT(node_id) DO UPDATE SET acknowledged = max(acknowledged, excluded.acknowledged)
                    """)
            for (node, sequence) in cursors {
                try statement.execute(arguments: [node, Int64(sequence)])
            }
        }
    }
}
