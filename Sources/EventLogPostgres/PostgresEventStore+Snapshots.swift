import EventLog
import Foundation
import PostgresNIO

/// Snapshots of the hub's folded state (SPEC.md 12) in the log's schema, table `snapshot`: the three
/// newest are kept. A backup (`pg_dump` of the schema) carries them along.
extension PostgresEventStore: SnapshotStore {
    public func saveSnapshot(_ snapshot: Data, sequence: UInt64) throws {
        try snapshotLink.transaction { session in
            try session.query(
                """
                INSERT INTO snapshot (sequence, body) VALUES (\(Int64(sequence)), \(snapshot))
                ON CONFLICT (sequence) DO UPDATE SET body = excluded.body
                """)
            try session.query(
                """
                DELETE FROM snapshot WHERE sequence NOT IN
                    (SELECT sequence FROM snapshot ORDER BY sequence DESC LIMIT 3)
                """)
        }
    }

    public func snapshotSequences() throws -> [UInt64] {
        try snapshotLink.withSession { session in
            try session.query("SELECT sequence FROM snapshot ORDER BY sequence DESC").map {
                UInt64(try $0.decode(Int64.self))
            }
        }
    }

    public func loadSnapshot(at sequence: UInt64) throws -> Data {
        try snapshotLink.withSession { session in
            guard let row = try session.query("SELECT body FROM snapshot WHERE sequence = \(Int64(sequence))").first
            else { throw EventLogError.storage("no snapshot at \(sequence)") }
            return try row.decode(Data.self)
        }
    }
}
