import Foundation

/// Copies a whole log from one store to another (SQLite to PostgreSQL, or back): every record with
/// its sequence, time and hash, and the delivery cursors; then verifies the copy.
public enum LogMigration {
    /// What a finished copy holds.
    public struct Outcome: Sendable, Hashable {
        public var records: UInt64
        public var head: LogHead
        public var cursors: Int
    }

    /// Copies `source` into the empty `target`, `batch` records per transaction. Refuses a target
    /// that already holds records; stops at the first record whose hash in the copy differs from
    /// the source's (the target seals records with the same ``RecordHash``, so an intact source
    /// gives the same hashes); and verifies the whole copy at the end.
    public static func copy(
        from source: any EventStore, to target: any EventStore, batch: Int = 1000,
        progress: (_ copied: UInt64, _ head: UInt64) -> Void = { _, _ in }
    ) throws -> Outcome {
        guard try target.head() == .empty else {
            throw EventLogError.storage(
                "the target log is not empty (head \(try target.head().sequence)); copy into an empty one")
        }
        let sourceHead = try source.head()
        var copied: UInt64 = 0
        // Up to the head as it was at the start: a record appended meanwhile is not copied.
        var upToHead = RecordFilter()
        upToHead.toSequence = sourceHead.sequence
        while copied < sourceHead.sequence {
            let chunk = try source.records(matching: upToHead, after: copied, limit: batch)
            if chunk.isEmpty { break }
            let sealed = try target.append(chunk.map(\.fields))
            for (original, copy) in zip(chunk, sealed) where original.hash != copy.hash {
                throw EventLogError.corrupt(
                    .broken(
                        sequence: original.sequence, reason: "its hash in the source does not match its contents"))
            }
            copied = chunk.last!.sequence
            progress(copied, sourceHead.sequence)
        }
        let cursors = try source.stats().cursors
        try target.saveCursors(cursors)
        let result = try target.verify()
        guard case .intact(let records, let head) = result, head == sourceHead else {
            throw EventLogError.corrupt(result)
        }
        return Outcome(records: records, head: head, cursors: cursors.count)
    }
}
