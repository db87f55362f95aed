import EventLog
import EventLogPostgres
import EventLogSQLite

/// Opens the store a ``StoreLocation`` names: the one place that chooses between SQLite and PostgreSQL.
public enum EventStores {
    /// Opens (or creates) the log at `location`, checking the chain of its last `tailCheck` records.
    /// `readOnly` opens an existing log without ever writing to it (the operators' commands).
    public static func open(
        _ location: StoreLocation, tailCheck: UInt64 = 1000, readOnly: Bool = false
    ) throws
        -> any EventStore
    {
        switch location {
        case .sqlite(let path):
            return try SQLiteEventStore(path: path, tailCheck: tailCheck, readOnly: readOnly)
        case .postgresql(let postgres):
            return try PostgresEventStore(location: postgres, tailCheck: tailCheck, readOnly: readOnly)
        }
    }
}
