import Foundation

/// Reading the hub's log: records, deliveries, cursors and the chain check. Every read streams in
/// chunks the caller sizes; nothing reads the whole log into memory.
public protocol LogReader: Sendable {
    /// The last record's sequence and hash.
    func head() throws -> LogHead
    /// The record already accepted for `(sender, messageID)`, if any.
    func accepted(sender: String, messageID: String) throws -> AcceptedReference?
    /// The records already accepted for any of `keys`, in one query (the hub asks once per batch).
    func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference]
    /// Up to `limit` records matching `filter` with a sequence above `after`, in order.
    func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord]
    /// ``records(matching:after:limit:)``'s sequences and envelopes alone (what a replay sends), read
    /// without building the rest of each record.
    func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope]
    /// The sequences and envelopes (what a catch-up sends) of up to `limit` records addressed to
    /// `node` with a sequence above `after`, in order.
    func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope]
    /// How many records addressed to `node` lie in `(after, upTo]`, counted up to `limit`, without
    /// reading them.
    func countDeliveries(for node: String, after: UInt64, upTo: UInt64, limit: Int) throws -> Int
    /// The last sequence `node` acknowledged.
    func cursor(for node: String) throws -> UInt64
    /// Walks the hash chain and names the first bad record.
    func verify() throws -> VerifyResult
    /// ``verify()``, telling `progress` the records checked and the head as it goes.
    func verify(progress: (_ checked: UInt64, _ head: UInt64) -> Void) throws -> VerifyResult
    func stats() throws -> LogStats
    /// Writes a consistent copy of the live log to `path`.
    func backup(to path: String) throws
}

extension LogReader {
    /// One lookup per key, for stores that have no batched query (test wrappers).
    public func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference] {
        var found: [MessageKey: AcceptedReference] = [:]
        for key in Set(keys) {
            if let reference = try accepted(sender: key.sender, messageID: key.messageID) { found[key] = reference }
        }
        return found
    }

    public func verify(progress: (_ checked: UInt64, _ head: UInt64) -> Void) throws -> VerifyResult {
        try verify()
    }
}

/// Writing the hub's log. The contract every store keeps (SPEC.md 11): an append returns only once
/// the batch is durable; it is all or nothing; its first record's sequence is `head + 1`;
/// `(sender, message_id)` is unique; a cursor never moves back.
public protocol LogWriter: Sendable {
    /// Appends a batch in one durable transaction and answers the records with their hashes.
    func append(_ batch: [PendingRecord]) throws -> [LogRecord]
    /// Saves acknowledged positions (a cursor never moves back).
    func saveCursors(_ cursors: [String: UInt64]) throws
}

/// Durable, append-only storage of the hub's records, with delivery cursors: SQLite is the embedded
/// default (`EventLogSQLite`), PostgreSQL (`EventLogPostgres`) the store of a primary/backup pair;
/// both keep the same hash chain, so a log moves between them and still verifies.
public typealias EventStore = LogReader & LogWriter

/// Where a hub keeps snapshots of its folded state (SPEC.md 12). A snapshot is derived data: losing one
/// costs a longer start-up, never a record.
public protocol SnapshotStore: Sendable {
    /// Stores `snapshot`, the fold up to `sequence`, durably; keeps a few older ones and drops the rest.
    func saveSnapshot(_ snapshot: Data, sequence: UInt64) throws
    /// The sequences of the stored snapshots, newest first.
    func snapshotSequences() throws -> [UInt64]
    /// The stored bytes of the snapshot at `sequence`.
    func loadSnapshot(at sequence: UInt64) throws -> Data
}
