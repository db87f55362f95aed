import Crypto
import Foundation

/// The hash chain: each record's hash covers the previous record's hash and all of its own fields,
/// each length-prefixed so that no two different records hash the same input.
enum RecordHash {
    static func compute(previous: Data, record: PendingRecord) -> Data {
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

private extension SHA256 {
    mutating func update(integer: UInt64) {
        withUnsafeBytes(of: integer.bigEndian) { update(bufferPointer: $0) }
    }

    mutating func update(field: Data) {
        update(integer: UInt64(field.count))
        update(data: field)
    }

    mutating func update(optional: String?) {
        guard let value = optional else {
            update(data: Data([0]))
            return
        }
        update(data: Data([1]))
        update(field: Data(value.utf8))
    }
}
