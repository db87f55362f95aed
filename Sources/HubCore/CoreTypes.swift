import Coordination
import EventLog
import Foundation
import HubProtocol

/// What the router core needs to know about its network and its limits.
public struct CoreConfiguration: Sendable {
    /// The units and the authorisation table.
    public var topology: Topology
    /// Unacknowledged deliveries in flight per node.
    public var creditWindow: Int = 64
    /// How often each side shows it is alive.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Intervals of silence after which the peer is gone.
    public var heartbeatLiveness: Int = 3
    /// Submits, HELLOs and view requests each node may send; `nil` for no limit.
    public var rateLimit: RateLimit?
    /// Replay requests each node may send: a budget of its own, lower than the submits' (a replay
    /// reads much more than a submit writes); `nil` for no limit.
    public var replayRateLimit: RateLimit?
    /// Records replays may send per loop turn, all replays together, one chunk each in turn.
    public var replayRecordsPerTurn = 500
    /// Replays one node may have under way at once; more are refused RATE_LIMITED.
    public var replaysPerNode = 2
    /// How long a replay's reader may leave its queue full before the replay is abandoned.
    public var replayStallLimit: Duration = .seconds(30)
    /// How often acknowledged positions are handed to the store.
    public var cursorSaveInterval: Duration = .milliseconds(200)

    public init(topology: Topology, rateLimit: RateLimit? = .standard) {
        self.topology = topology
        self.rateLimit = rateLimit
        replayRateLimit = rateLimit.map(RateLimit.replays(under:))
    }
}

/// The core's clocks, both given by the caller: a monotonic instant for liveness, rates and
/// stalls, and the wall clock (Unix milliseconds) the accepted records are stamped with.
public struct CoreTime: Sendable {
    public var instant: ContinuousClock.Instant
    public var wallMs: Int64

    public init(instant: ContinuousClock.Instant, wallMs: Int64) {
        self.instant = instant
        self.wallMs = wallMs
    }

    /// The machine's clocks now.
    public static var now: CoreTime {
        CoreTime(instant: .now, wallMs: Int64(Date().timeIntervalSince1970 * 1000))
    }
}

/// One message read from the socket: its connection, who its key says it is, and its frames
/// after the routing id.
public struct Inbound: Sendable {
    public var routingID: Data
    /// The node id and the CURVE key (Z85) of the connection; `nil` when the User-Id is missing.
    public var identity: (node: String, key: String)?
    /// Whether the key is still registered for the node (a reload may have removed it).
    public var keyIsCurrent: Bool
    public var frames: [Data]

    public init(routingID: Data, identity: (node: String, key: String)?, keyIsCurrent: Bool, frames: [Data]) {
        self.routingID = routingID
        self.identity = identity
        self.keyIsCurrent = keyIsCurrent
        self.frames = frames
    }
}

/// One message from a node, decoded and its envelope checked: work that needs nothing of the core's
/// state, so the runtime does it on the thread that reads the socket, not on the loop's.
public struct DecodedInbound: Sendable {
    public let routingID: Data
    /// The node id and CURVE key of the connection; `nil` when the User-Id or the frames are missing.
    public let identity: (node: String, key: String)?
    /// Whether the key is still registered for the node (a reload may have removed it); the runtime
    /// checks it again if the keys were reloaded after the message was read.
    public var keyIsCurrent: Bool
    /// The command, or why the frames are not one.
    public let command: Result<Command, Refusal>
    /// Why a submit's envelope fails its field checks (SPEC.md 8); `nil` when it passes.
    public let invalid: Refusal?
    /// Frame 1's first byte as sent (the command code), for the answer to a malformed command.
    public let commandByte: UInt8
    /// The message's size, routing id included, for the flood guard.
    public let bytes: Int

    public init(_ inbound: Inbound) {
        routingID = inbound.routingID
        identity = inbound.frames.isEmpty ? nil : inbound.identity
        keyIsCurrent = inbound.keyIsCurrent
        bytes = inbound.routingID.count + inbound.frames.reduce(0) { $0 + $1.count }
        commandByte = inbound.frames.count > 1 ? inbound.frames[1].first ?? 0 : 0
        var invalid: Refusal?
        do {
            let command = try WireCodec.decode(inbound.frames)
            if case .submit(let envelope) = command {
                do { _ = try EnvelopeValidator.validate(envelope) } catch { invalid = error }
            }
            self.command = .success(command)
        } catch {
            command = .failure(error)
        }
        self.invalid = invalid
    }
}

/// What became of a send.
public enum SendOutcome: Sendable, Equatable {
    case sent
    /// The connection's queue is at its high-water mark; nothing was sent.
    case full
    /// The peer is gone.
    case gone
}

/// Where the core's messages and effects go: the runtime's socket, logger and counters, or a test's
/// lists. A send never blocks; the outbox encodes the command (the runtime off the loop's thread).
public protocol Outbox: AnyObject {
    /// Sends one command to a connection.
    func send(_ command: Command, to routingID: Data) -> SendOutcome
    /// Carries out (or records) an effect: a log line, a counter, a view request.
    func record(_ effect: Effect)
}

/// The reads the core makes of the log. Any ``EventStore`` provides them (``StoreLog``); tests use
/// an in-memory log.
public protocol HubLog: AnyObject {
    /// The records already accepted for these (sender, message id) keys: one query.
    func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference]
    /// The last sequence `node` acknowledged.
    func cursor(for node: String) throws -> UInt64
    /// The sequences and envelopes of up to `limit` records addressed to `node` after `after`, in order.
    func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope]
    /// Up to `limit` records matching `filter` after `after`, in order.
    func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord]
    /// ``records(matching:after:limit:)``'s sequences and envelopes alone (what a replay sends).
    func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope]
}

/// An ``EventStore`` read as a ``HubLog``.
public final class StoreLog: HubLog {
    public let store: any EventStore

    public init(_ store: any EventStore) { self.store = store }

    public func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference] {
        try store.accepted(keys)
    }
    public func cursor(for node: String) throws -> UInt64 { try store.cursor(for: node) }
    public func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try store.deliveries(for: node, after: after, limit: limit)
    }
    public func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] {
        try store.records(matching: filter, after: after, limit: limit)
    }
    public func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try store.envelopes(matching: filter, after: after, limit: limit)
    }
}

/// What the core asks the runtime to do besides sending: log lines, counter increments and view
/// requests, as values.
public enum Effect: Sendable, Equatable {
    case log(LogLine)
    case count(Metric, Int)
    /// A view request for the projection, to be answered with everything up to `atLeast` in it.
    case askView(routingID: Data, nodeID: String, request: ViewRequest, atLeast: UInt64)
}

/// A log line as a value.
public struct LogLine: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, warning, error }
    public var level: Level
    public var message: String
    public var metadata: [String: String]

    public init(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}

/// The hub's counters the core moves.
public enum Metric: Sendable, Hashable {
    case protocolErrors, rateLimited, duplicates, accepted, delivered, replayRequests, replayRecords
    /// A refused submit, by its code's name.
    case rejected(String)
}

/// A submit waiting for its batch to be durable.
public struct Waiting: Sendable, Equatable {
    public let routingID: Data
    public let messageID: String
    public let sequence: UInt64
    public let acceptedAt: Int64
    public let duplicate: Bool
    /// What the rules noticed, for the sender (``Admission/notes``).
    public var notes: [String] = []
}

/// What one round of the core produced for the log: records to append in one transaction, the
/// submits to answer once they are durable, and the nodes whose deliveries to top up afterwards.
public struct Batch: Sendable {
    public var records: [PendingRecord] = []
    public var waiting: [Waiting] = []
    public var touched: Set<String> = []

    public init() {}

    /// Whether nothing needs writing or answering.
    public var isEmpty: Bool { records.isEmpty && waiting.isEmpty && touched.isEmpty }

    /// Adds a later batch, to be written in the same transaction after this one's records.
    public mutating func append(_ later: Batch) {
        records += later.records
        waiting += later.waiting
        touched.formUnion(later.touched)
    }
}
