import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol

/// An in-memory log that counts its reads and can be told to fail them.
final class MemoryLog: HubLog {
    var records: [LogRecord] = []
    var cursors: [String: UInt64] = [:]
    /// One per call of ``accepted(_:)``.
    var dedupQueries = 0
    /// Records handed out by every read.
    var recordsRead = 0
    /// One per call of ``deliveries(for:after:limit:)``.
    var deliveryReads = 0
    /// Reads that still succeed before every further one fails; negative: reads never fail.
    var readsLeft = -1

    private func reading() throws {
        if readsLeft == 0 { throw EventLogError.storage("disk I/O error on read (injected)") }
        if readsLeft > 0 { readsLeft -= 1 }
    }

    func accepted(_ keys: [MessageKey]) throws -> [MessageKey: AcceptedReference] {
        try reading()
        dedupQueries += 1
        let wanted = Set(keys)
        var found: [MessageKey: AcceptedReference] = [:]
        // An index lookup in a real store; here the keys are looked up in a dictionary.
        for key in wanted {
            if let sequence = index[key] {
                let record = records[Int(sequence) - 1]
                found[key] = AcceptedReference(
                    sequence: sequence, acceptedAt: record.fields.acceptedAt, envelope: record.envelope)
            }
        }
        return found
    }
    private var index: [MessageKey: UInt64] = [:]

    func cursor(for node: String) throws -> UInt64 {
        try reading()
        return cursors[node] ?? 0
    }

    func deliveries(for node: String, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try reading()
        deliveryReads += 1
        let found = records.dropFirst(Int(after)).lazy.filter { $0.fields.recipients.contains(node) }.prefix(limit)
        recordsRead += found.count
        return found.map { SequencedEnvelope(sequence: $0.sequence, envelope: $0.envelope) }
    }

    func records(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [LogRecord] {
        try reading()
        let found = records.dropFirst(Int(after)).lazy.filter { record in
            guard let node = filter.node else { return true }
            return record.fields.sender == node || record.fields.recipients.contains(node)
        }.prefix(limit)
        recordsRead += found.count
        return Array(found)
    }

    func envelopes(matching filter: RecordFilter, after: UInt64, limit: Int) throws -> [SequencedEnvelope] {
        try records(matching: filter, after: after, limit: limit).map {
            SequencedEnvelope(sequence: $0.sequence, envelope: $0.envelope)
        }
    }

    /// Appends a batch (no hash chain: the core never reads it).
    func append(_ batch: [PendingRecord]) -> [LogRecord] {
        let sealed = batch.map { LogRecord(fields: $0, previousHash: Data(), hash: Data()) }
        for record in sealed {
            precondition(record.sequence == UInt64(records.count) + 1, "out of sequence")
            records.append(record)
            index[MessageKey(sender: record.fields.sender, messageID: record.fields.messageID)] = record.sequence
        }
        return sealed
    }
}

/// Records what the core sends, decoded, and can leave a connection's queue full.
final class MemoryOutbox: Outbox {
    var sent: [(routingID: Data, command: Command)] = []
    /// Connections whose queue is full.
    var full = Set<Data>()
    /// Connections gone.
    var gone = Set<Data>()

    func send(_ command: Command, to routingID: Data) -> SendOutcome {
        if gone.contains(routingID) { return .gone }
        if full.contains(routingID) { return .full }
        // Through the wire format and back, as a node would read it.
        let command = try! WireCodec.decode(WireCodec.encode(command))
        sent.append((routingID, command))
        journal.append("send \(command.code)")
        return .sent
    }

    /// Log lines, counters and view requests, in order.
    var effects: [Effect] = []

    /// Sends and log lines in the order they came: "send CODE", "log MESSAGE".
    var journal: [String] = []

    func record(_ effect: Effect) {
        effects.append(effect)
        if case .log(let line) = effect { journal.append("log \(line.message)") }
    }

    /// Takes the effects recorded so far.
    func takeEffects() -> [Effect] {
        defer { effects.removeAll() }
        return effects
    }

    /// Takes what was sent to `routingID` so far.
    func take(_ routingID: Data) -> [Command] {
        let mine = sent.filter { $0.routingID == routingID }.map(\.command)
        sent.removeAll { $0.routingID == routingID }
        return mine
    }
}

/// A core on an in-memory log, with a clock the test moves.
struct CoreHarness {
    static let units: [Coordination.Unit] = [
        Unit(id: "commerce-bureau", role: .coordinator, name: "Municipal Commerce Bureau"),
        Unit(id: "xm-dongdu", role: .customs, name: "Dongdu Customs"),
        Unit(id: "huli", role: .district, name: "Huli District", area: "350206", customsOffice: "xm-dongdu"),
        Unit(id: "siming", role: .district, name: "Siming District", area: "350203", customsOffice: "xm-dongdu"),
    ]
    static let topology = Topology(units: units)

    let log = MemoryLog()
    let outbox = MemoryOutbox()
    var core: RouterCore
    var now: CoreTime
    /// What the last commit was asked to write.
    var lastBatch = Batch()

    init(configure: (inout CoreConfiguration) -> Void = { _ in }) {
        var configuration = CoreConfiguration(topology: Self.topology)
        configure(&configuration)
        now = CoreTime(instant: .now, wallMs: 1_788_220_800_000)
        core = RouterCore(
            configuration: configuration, log: log, outbox: outbox, state: CoordinationState(topology: Self.topology),
            head: 0, lastAcceptedAt: 0)
    }

    static func routing(_ node: String) -> Data { Data("conn-\(node)".utf8) }

    /// Moves both clocks on.
    mutating func advance(_ duration: Duration) {
        now.instant += duration
        now.wallMs += Int64(duration.components.seconds * 1000)
    }

    /// One round: the messages in, the batch committed to the log, the answers out.
    mutating func round(_ messages: [(node: String, command: Command)], keyIsCurrent: Bool = true) {
        let inbound = messages.map { message in
            Inbound(
                routingID: Self.routing(message.node), identity: (message.node, "key-\(message.node)"),
                keyIsCurrent: keyIsCurrent, frames: WireCodec.encode(message.command))
        }
        let batch = core.receive(inbound, now: now)
        commit(batch)
    }

    mutating func commit(_ batch: Batch) {
        lastBatch = batch
        let records = log.append(batch.records)
        core.committed(batch, records: records, now: now)
    }

    mutating func hello(_ node: String, lastSeen: UInt64 = 0, transient: Bool = false) {
        round([
            (
                node,
                .hello(
                    Hello.with {
                        $0.protocolMajor = 1
                        $0.nodeID = node
                        $0.lastSequenceSeen = lastSeen
                        $0.transient = transient
                    })
            )
        ])
    }

    static func report(_ text: String, id: String, to nodes: [String] = []) -> Envelope {
        Envelope.with {
            $0.messageID = id
            $0.to = Recipients.with { $0.nodes = nodes }
            $0.progressReport = ProgressReport.with {
                $0.period = "2026-09/2026-10"
                $0.text = text
            }
        }
    }

    static func request(_ id: String, messageID: String, uscc: String = "91350200776049653A") -> Envelope {
        Envelope.with {
            $0.messageID = messageID
            $0.requestFiled = RequestFiled.with {
                $0.requestID = id
                $0.enterprise = Enterprise.with {
                    $0.uscc = uscc
                    $0.name = "Xiamen Example Trading"
                }
                $0.area = "350206"
                $0.category = .aeoCertificationIntent
                $0.description_p = "Wants to apply for AEO certification."
                $0.contact = Contact.with { $0.name = "Lin Wei" }
            }
        }
    }
}

extension [Command] {
    var accepted: [Accepted] { compactMap { if case .accepted(let a) = $0 { a } else { nil } } }
    var rejected: [Rejected] { compactMap { if case .rejected(let r) = $0 { r } else { nil } } }
    var errors: [ProtocolError] { compactMap { if case .error(let e) = $0 { e } else { nil } } }
    var deliveries: [StoredEnvelope] { compactMap { if case .deliver(let d) = $0 { d } else { nil } } }
    var welcome: Welcome? { lazy.compactMap { if case .welcome(let w) = $0 { w } else { nil } }.first }
}
