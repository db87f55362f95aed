import Foundation

/// The keys a record can be found by, besides its sequence, time, sender and type.
public struct RecordSubjects: Sendable, Hashable {
    /// The enterprise's USCC.
    public var uscc: String?
    public var meetingID: String?
    public var caseID: String?

    public init(uscc: String? = nil, meetingID: String? = nil, caseID: String? = nil) {
        self.uscc = uscc
        self.meetingID = meetingID
        self.caseID = caseID
    }
}

/// A record to append: everything but the hash chain, which the log computes.
public struct PendingRecord: Sendable, Hashable {
    /// The sequence the hub gave it; must be the log's next.
    public var sequence: UInt64
    /// The hub's clock, Unix milliseconds.
    public var acceptedAt: Int64
    /// The node id stamped from the sender's key.
    public var sender: String
    /// The sender's message id (unique per sender).
    public var messageID: String
    /// The message type.
    public var type: String
    /// Node ids the record is delivered to.
    public var recipients: [String]
    public var subjects: RecordSubjects
    /// The envelope exactly as delivered and replayed.
    public var envelope: Data

    public init(
        sequence: UInt64, acceptedAt: Int64, sender: String, messageID: String, type: String,
        recipients: [String], subjects: RecordSubjects, envelope: Data
    ) {
        self.sequence = sequence
        self.acceptedAt = acceptedAt
        self.sender = sender
        self.messageID = messageID
        self.type = type
        self.recipients = recipients
        self.subjects = subjects
        self.envelope = envelope
    }
}

/// A record in the log, with its place in the hash chain.
public struct LogRecord: Sendable, Hashable {
    public var fields: PendingRecord
    /// The hash of the record before (32 zero bytes for the first).
    public var previousHash: Data
    /// SHA-256 over the previous hash and every field of this record.
    public var hash: Data

    public var sequence: UInt64 { fields.sequence }
    public var envelope: Data { fields.envelope }

    public init(fields: PendingRecord, previousHash: Data, hash: Data) {
        self.fields = fields
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The last record's sequence and hash (0 and zeros for an empty log).
public struct LogHead: Sendable, Hashable {
    public var sequence: UInt64
    public var hash: Data

    public init(sequence: UInt64, hash: Data) {
        self.sequence = sequence
        self.hash = hash
    }

    public static let empty = LogHead(sequence: 0, hash: Data(count: 32))
}

/// A record's sequence and stored envelope: what a replay sends, read without the rest of the record.
public struct SequencedEnvelope: Sendable, Hashable {
    public var sequence: UInt64
    /// The envelope's bytes as stored.
    public var envelope: Data

    public init(sequence: UInt64, envelope: Data) {
        self.sequence = sequence
        self.envelope = envelope
    }
}

/// A record already accepted for a (sender, message id).
public struct AcceptedReference: Sendable, Hashable {
    public var sequence: UInt64
    public var acceptedAt: Int64
    /// The stored envelope, to tell a retry (the same content) from a reused id.
    public var envelope: Data

    public init(sequence: UInt64, acceptedAt: Int64, envelope: Data) {
        self.sequence = sequence
        self.acceptedAt = acceptedAt
        self.envelope = envelope
    }
}

/// A sender's message id: the key a submit is deduplicated by.
public struct MessageKey: Sendable, Hashable {
    public var sender: String
    public var messageID: String

    public init(sender: String, messageID: String) {
        self.sender = sender
        self.messageID = messageID
    }
}

/// Which records to read; empty conditions do not filter, the others combine with AND.
public struct RecordFilter: Sendable, Hashable {
    public var fromSequence: UInt64 = 0
    public var toSequence: UInt64 = 0
    public var fromTime: Int64 = 0
    public var toTime: Int64 = 0
    public var types: [String] = []
    public var uscc: String?
    public var meetingID: String?
    public var caseID: String?
    /// Sent by or delivered to this node.
    public var node: String?

    public init() {}
}

/// What `verify` found.
public enum VerifyResult: Sendable, Hashable, CustomStringConvertible {
    case intact(records: UInt64, head: LogHead)
    /// The first record that breaks the chain, and why.
    case broken(sequence: UInt64, reason: String)

    public var description: String {
        switch self {
        case .intact(let records, let head):
            "log intact: \(records) records, head \(head.sequence), hash "
                + "\(head.hash.prefix(8).map { String(format: "%02x", $0) }.joined())…"
        case .broken(let sequence, let reason):
            "log broken at record \(sequence): \(reason)"
        }
    }
}

/// Figures about the log.
public struct LogStats: Sendable, Hashable {
    public var records: UInt64
    public var head: UInt64
    public var firstAcceptedAt: Int64?
    public var lastAcceptedAt: Int64?
    public var bytes: Int64
    public var byType: [String: UInt64]
    public var bySender: [String: UInt64]
    public var cursors: [String: UInt64]

    public init(
        records: UInt64, head: UInt64, firstAcceptedAt: Int64?, lastAcceptedAt: Int64?, bytes: Int64,
        byType: [String: UInt64], bySender: [String: UInt64], cursors: [String: UInt64]
    ) {
        self.records = records
        self.head = head
        self.firstAcceptedAt = firstAcceptedAt
        self.lastAcceptedAt = lastAcceptedAt
        self.bytes = bytes
        self.byType = byType
        self.bySender = bySender
        self.cursors = cursors
    }
}

/// Why the log refused or failed an operation.
public enum EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The batch does not continue the log (a second writer, or a hub bug).
    case outOfSequence(expected: UInt64, got: UInt64)
    /// The storage failed (disk full, read-only, I/O error); nothing of the batch was committed.
    case storage(String)
    /// The log's chain is broken; the hub refuses to run on it.
    case corrupt(VerifyResult)
    /// The writer's lease epoch is no longer the lease's (another hub took it over); nothing was written.
    case fenced(epoch: UInt64, current: UInt64?)

    public var description: String {
        switch self {
        case .outOfSequence(let expected, let got): "record \(got) does not continue the log (expected \(expected))"
        case .storage(let why): "the log cannot be written: \(why)"
        case .fenced(let epoch, let current):
            "the log's lease has moved on (this writer holds epoch \(epoch), the lease is at "
                + "\(current.map(String.init) ?? "none")); nothing was written"
        case .corrupt(let result):
            "the hub will not run on this log: \(result); restore it from a backup (aeohub log verify names the record)"
        }
    }
}
