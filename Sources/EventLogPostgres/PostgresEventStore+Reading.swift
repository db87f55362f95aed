import EventLog
import Foundation
import PostgresNIO

extension PostgresEventStore {
    static let columns = """
        r.sequence, r.accepted_at, r.sender, r.message_id, r.type, r.recipients, r.uscc, r.meeting_id, r.case_id,
        r.envelope, r.previous_hash, r.hash
        """

    static func record(_ row: PostgresRow) throws -> LogRecord {
        let (
            sequence, acceptedAt, sender, messageID, type, recipients, uscc, meetingID, caseID, envelope, previous, hash
        ) =
            try row.decode(
                (Int64, Int64, String, String, String, String, String?, String?, String?, Data, Data, Data).self)
        return LogRecord(
            fields: PendingRecord(
                sequence: UInt64(sequence), acceptedAt: acceptedAt, sender: sender, messageID: messageID, type: type,
                recipients: recipients.isEmpty ? [] : recipients.split(separator: ",").map(String.init),
                subjects: RecordSubjects(uscc: uscc, meetingID: meetingID, caseID: caseID), envelope: envelope),
            previousHash: previous, hash: hash)
    }

    public func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] {
        try reader.withSession { session in
            try session.query(Self.matching(filter, after: after, limit: limit, columns: Self.columns)).map(Self.record)
        }
    }

    public func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        let query = Self.matching(filter, after: after, limit: limit, columns: "r.sequence, r.envelope")
        return try reader.withSession { session in
            try session.query(query).map {
                let (sequence, envelope) = try $0.decode((Int64, Data).self)
                return SequencedEnvelope(sequence: UInt64(sequence), envelope: envelope)
            }
        }
    }

    /// The query for `columns` of the records matching `filter` after `after`, in order, at most `limit`.
    private static func matching(_ filter: RecordFilter, after: UInt64, limit: Int, columns: String) -> PostgresQuery {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let from = max(after, filter.fromSequence > 0 ? filter.fromSequence - 1 : 0)
        var conditions = ["r.sequence > \(bind(Int64(from)))"]
        if filter.toSequence > 0 { conditions.append("r.sequence <= \(bind(Int64(filter.toSequence)))") }
        if filter.fromTime > 0 { conditions.append("r.accepted_at >= \(bind(filter.fromTime))") }
        if filter.toTime > 0 { conditions.append("r.accepted_at < \(bind(filter.toTime))") }
        if !filter.types.isEmpty { conditions.append("r.type = ANY(\(bind(filter.types)))") }
        if let uscc = filter.uscc { conditions.append("r.uscc = \(bind(uscc))") }
        if let meeting = filter.meetingID { conditions.append("r.meeting_id = \(bind(meeting))") }
        if let caseID = filter.caseID { conditions.append("r.case_id = \(bind(caseID))") }
        if let node = filter.node {
            let parameter = bind(node)
            conditions.append(
                "(r.sender = \(parameter) OR EXISTS "
                    + "(SELECT 1 FROM delivery d WHERE d.recipient = \(parameter) AND d.sequence = r.sequence))")
        }
        let sql = """
            SELECT \(columns) FROM record r WHERE \(conditions.joined(separator: " AND "))
            ORDER BY r.sequence LIMIT \(bind(Int64(limit)))
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    public func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try reader.withSession { session in
            try session.query(
                """
                SELECT r.sequence, r.envelope FROM delivery d JOIN record r ON r.sequence = d.sequence
                WHERE d.recipient = \(node) AND d.sequence > \(Int64(after)) ORDER BY d.sequence LIMIT \(Int64(limit))
                """
            ).map {
                let (sequence, envelope) = try $0.decode((Int64, Data).self)
                return SequencedEnvelope(sequence: UInt64(sequence), envelope: envelope)
            }
        }
    }

    public func countDeliveries(for node: String, after: UInt64, upTo: UInt64, limit: Int) throws -> Int {
        try reader.withSession { session in
            let row = try session.query(
                """
                SELECT count(*) FROM (SELECT 1 FROM delivery WHERE recipient = \(node) AND sequence > \(Int64(after))
                                      AND sequence <= \(Int64(upTo)) LIMIT \(Int64(limit))) AS counted
                """
            ).first
            return Int(try row?.decode(Int64.self) ?? 0)
        }
    }

    public func cursor(for node: String) throws -> UInt64 {
        try reader.withSession { session in
            let row = try session.query("SELECT acknowledged FROM cursor WHERE node_id = \(node)").first
            return UInt64(try row?.decode(Int64.self) ?? 0)
        }
    }

    // MARK: Integrity and figures

    public func verify() throws -> VerifyResult {
        try verify(after: 0)
    }

    public func verify(progress: (_ checked: UInt64, _ head: UInt64) -> Void) throws -> VerifyResult {
        let head = try self.head().sequence
        return try verify(after: 0) { progress($0, head) }
    }

    /// Verifies the chain from the record after `after` to the head, 5,000 records a read.
    func verify(after: UInt64, progress: (UInt64) -> Void = { _ in }) throws -> VerifyResult {
        var chain: ChainCheck
        if after == 0 {
            chain = ChainCheck()
        } else {
            let hash = try reader.withSession { session in
                try session.query("SELECT hash FROM record WHERE sequence = \(Int64(after))").first?.decode(Data.self)
            }
            guard let hash else { return .broken(sequence: after, reason: "the record is missing") }
            chain = ChainCheck(after: LogHead(sequence: after, hash: hash))
        }
        var count: UInt64 = 0
        while true {
            let expected = Int64(chain.expected)
            let chunk = try reader.withSession { session in
                try session.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM record r WHERE r.sequence >= \(expected)
                    ORDER BY r.sequence LIMIT 5000
                    """
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
        let schema = location.schema
        return try reader.withSession { session in
            func grouped(_ column: String) throws -> [String: UInt64] {
                var result: [String: UInt64] = [:]
                for row in try session.query(
                    PostgresQuery(unsafeSQL: "SELECT \(column), count(*) FROM record GROUP BY 1"))
                {
                    let (key, count) = try row.decode((String, Int64).self)
                    result[key] = UInt64(count)
                }
                return result
            }
            var cursors: [String: UInt64] = [:]
            for row in try session.query("SELECT node_id, acknowledged FROM cursor") {
                let (node, sequence) = try row.decode((String, Int64).self)
                cursors[node] = UInt64(sequence)
            }
            let range = try session.query(
                "SELECT count(*), max(sequence), min(accepted_at), max(accepted_at) FROM record"
            ).first!.decode((Int64, Int64?, Int64?, Int64?).self)
            let bytes =
                try session.query(
                    """
                    SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema) AND c.relkind = 'r'
                    """
                ).first?.decode(Int64.self) ?? 0
            return LogStats(
                records: UInt64(range.0), head: UInt64(range.1 ?? 0), firstAcceptedAt: range.2,
                lastAcceptedAt: range.3, bytes: bytes, byType: try grouped("type"), bySender: try grouped("sender"),
                cursors: cursors)
        }
    }
}
