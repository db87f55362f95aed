import Crypto
import Foundation

/// The hash chain: each record's hash covers the previous record's hash and all of its own fields,
/// each length-prefixed so that no two different records hash the same input. Every store seals
/// records with it, so a log moved between stores keeps its hashes.
public enum RecordHash {
    /// The hash of `record` following a record whose hash is `previous`.
    public static func compute(previous: Data, record: PendingRecord) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(integer: record.sequence)
        hasher.update(integer: UInt64(bitPattern: record.acceptedAt))
        hasher.update(field: Data(record.sender.utf8))
        hasher.update(field: Data(record.messageID.utf8))
        hasher.update(field: Data(record.type.utf8))
        hasher.update(integer: UInt64(record.recipients.count))
        for recipient in record.recipients { hasher.update(field: Data(recipient.utf8)) }
        for subject in [record.subjects.uscc, record.subjects.meetingID, record.subjects.caseID] {
            hasher.update(optional: subject)
        }
        hasher.update(field: record.envelope)
        return Data(hasher.finalize())
    }
}

extension SHA256 {
    fileprivate mutating func update(integer: UInt64) {
        withUnsafeBytes(of: integer.bigEndian) { update(bufferPointer: $0) }
    }

    fileprivate mutating func update(field: Data) {
        update(integer: UInt64(field.count))
        update(data: field)
    }

    fileprivate mutating func update(optional: String?) {
        guard let value = optional else {
            update(data: Data([0]))
            return
        }
        update(data: Data([1]))
        update(field: Data(value.utf8))
    }
}

/// Walks a hash chain record by record, in sequence order, from the start of the log or from a
/// known record: the one check behind `verify`, the store's tail check and the hub's start-up fold.
public struct ChainCheck: Sendable {
    /// The sequence the next record must have.
    public private(set) var expected: UInt64
    /// The hash the next record must name as its previous one.
    public private(set) var previous: Data

    /// A check from the first record on, or from the record after `head`.
    public init(after head: LogHead = .empty) {
        expected = head.sequence + 1
        previous = head.hash
    }

    /// Checks the next record; answers why the chain is broken there, or `nil`.
    public mutating func check(_ record: LogRecord) -> VerifyResult? {
        guard record.sequence == expected else {
            return .broken(sequence: expected, reason: "the record is missing (the next one is \(record.sequence))")
        }
        guard record.previousHash == previous else {
            return .broken(
                sequence: record.sequence, reason: "its previous-hash does not match record \(expected - 1)'s hash")
        }
        guard RecordHash.compute(previous: previous, record: record.fields) == record.hash else {
            return .broken(
                sequence: record.sequence, reason: "its contents do not match its hash (changed or corrupted)")
        }
        previous = record.hash
        expected += 1
        return nil
    }

    /// What has been checked so far.
    public var head: LogHead { LogHead(sequence: expected - 1, hash: previous) }
}
