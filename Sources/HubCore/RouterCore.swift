import Coordination
import EventLog
import Foundation
import HubProtocol

/// The router's logic as a deterministic value: sessions, credit windows, batch admission, replay
/// cursors, presence and the flood guard. Messages and the time come in; sends go to the
/// ``Outbox``, records to append come out as a ``Batch``, log lines and counters as ``Effect``s
/// (recorded in the outbox in order with the sends, so a line is logged before its answer goes).
/// It reads the log only through ``HubLog`` and touches neither a socket nor a database.
///
/// One round: ``receive(_:now:)`` answers what it can and hands back a batch; the runtime appends
/// it durably and calls ``committed(_:records:now:)`` (ACCEPTED, then deliveries) or
/// ``commitFailed(_:error:now:)``.
public struct RouterCore {
    public let configuration: CoreConfiguration
    let log: any HubLog
    let outbox: any Outbox
    /// The workflow state, folded from the log and moved on by each admitted submit.
    public internal(set) var state: CoordinationState
    /// The last durable sequence.
    public internal(set) var head: UInt64
    /// The sequence of the last record put in a batch: the head, plus the records of batches handed
    /// back and not yet committed (the runtime may write one batch while it admits the next).
    public internal(set) var stampedHead: UInt64
    /// The submits in batches not yet committed, by sender and message id: a retry of one is answered
    /// once that batch is durable, and the same id with other content is refused.
    var unwritten: [MessageKey: (sequence: UInt64, acceptedAt: Int64, content: Envelope)] = [:]
    public internal(set) var lastAcceptedAt: Int64
    /// After a failed commit the state has moved past the log: submits are refused until the
    /// runtime rebuilds it from the log and calls ``install(state:head:lastAcceptedAt:)``.
    public internal(set) var stateIsStale = false
    public internal(set) var sessions: [String: Session] = [:]
    /// Transient sessions by routing id (SPEC.md 4.1).
    public internal(set) var transients: [Data: TransientSession] = [:]
    var nodeByRoutingID: [Data: String] = [:]
    /// Acknowledged positions not yet saved.
    public internal(set) var dirtyCursors: [String: UInt64] = [:]
    var lastCursorSave: ContinuousClock.Instant?
    /// Replays under way, advanced one chunk per turn (``advanceReplays(now:)``).
    public internal(set) var replays: [ReplayCursor] = []
    var floodGuard: FloodGuard
    var replayGuard: FloodGuard
    var logThrottle = LogThrottle()

    public init(
        configuration: CoreConfiguration, log: any HubLog, outbox: any Outbox, state: CoordinationState,
        head: UInt64, lastAcceptedAt: Int64
    ) {
        self.configuration = configuration
        self.log = log
        self.outbox = outbox
        self.state = state
        self.head = head
        stampedHead = head
        self.lastAcceptedAt = lastAcceptedAt
        floodGuard = FloodGuard(configuration.rateLimit)
        replayGuard = FloodGuard(configuration.replayRateLimit)
    }

    /// Replaces the workflow state with one folded from the log (at start, or after a failed commit).
    /// A head beyond the one the core knew means a commit reported as failed was written after all:
    /// every session then reads its deliveries from the log again (``catchUpSessions(now:)``).
    public mutating func install(state: CoordinationState, head: UInt64, lastAcceptedAt: Int64) {
        for nodeID in sessions.keys {
            // What was read ahead may be missing records of a commit reported as failed that was written.
            sessions[nodeID]?.readAhead = []
            sessions[nodeID]?.readAheadReachesHead = false
            if head > self.head { sessions[nodeID]?.caughtUp = false }
        }
        self.state = state
        self.head = head
        stampedHead = head
        unwritten = [:]
        self.lastAcceptedAt = max(self.lastAcceptedAt, lastAcceptedAt)
        stateIsStale = false
    }

    /// Whether replays are under way (the runtime then comes round at once).
    public var hasReplays: Bool { !replays.isEmpty }

    // MARK: Admission

    /// What the batch's reads found, all made before any submit is admitted.
    struct BatchReads {
        var accepted: [MessageKey: AcceptedReference] = [:]
        var cursors: [String: UInt64] = [:]
        /// Why the reads failed; then nothing of the batch is admitted.
        var failure: String?
    }

    /// Takes one batch of messages: answers what needs no log write at once, and hands back the
    /// records to append and the submits to answer once they are durable. Every read of the log
    /// for the batch (one dedup query, the cursors of the HELLOs) is made before any submit is
    /// admitted; if one fails, no submit of the batch is admitted and each is answered
    /// STORAGE_UNAVAILABLE, so the state never runs ahead of the log.
    public mutating func receive(_ messages: [Inbound], now: CoreTime) -> Batch {
        receive(decoded: messages.map(DecodedInbound.init), now: now)
    }

    /// ``receive(_:now:)`` for messages the runtime has decoded already (on another thread).
    public mutating func receive(decoded messages: [DecodedInbound], now: CoreTime) -> Batch {
        let reads = read(for: messages)
        var batch = Batch()
        for message in messages {
            guard let identity = message.identity else {
                count(.protocolErrors)
                continue
            }
            handle(message, node: identity.node, key: identity.key, reads: reads, batch: &batch, now: now)
        }
        return batch
    }

    /// The batch's reads: one query for every submit's (sender, message id), and the cursor of each
    /// node saying HELLO.
    private func read(for batch: [DecodedInbound]) -> BatchReads {
        var keys: [MessageKey] = []
        var helloNodes = Set<String>()
        for message in batch where message.keyIsCurrent {
            guard let node = message.identity?.node else { continue }
            switch message.command {
            case .success(.submit(let envelope)):
                keys.append(MessageKey(sender: node, messageID: envelope.messageID))
            case .success(.hello(let hello)) where hello.nodeID == node: helloNodes.insert(node)
            default: break
            }
        }
        var reads = BatchReads()
        do {
            if !keys.isEmpty { reads.accepted = try log.accepted(keys) }
            for node in helloNodes.sorted() { reads.cursors[node] = try log.cursor(for: node) }
        } catch {
            reads.failure = "\(error)"
            reads.accepted = [:]
        }
        return reads
    }

    private mutating func handle(
        _ message: DecodedInbound, node nodeID: String, key: String, reads: BatchReads, batch: inout Batch,
        now: CoreTime
    ) {
        let routingID = message.routingID
        // A connection whose key a reload removed is heard no more (promise 12).
        guard message.keyIsCurrent else {
            if floodGuard.allow(nodeID, now: now.instant) { refuseRevoked(routingID, nodeID: nodeID, now: now) }
            return
        }
        let command: Command
        switch message.command {
        case .success(let decoded): command = decoded
        case .failure(let error):
            count(.protocolErrors)
            warn("protocol error", node: nodeID, kind: "protocol", ["error": "\(error)"], now: now)
            // A node that keeps sending garbage gets no more answers than its rate allows.
            guard floodGuard.allow(nodeID, bytes: message.bytes, now: now.instant) else { return }
            send(
                .error(
                    ProtocolError.with {
                        $0.code = error.code
                        $0.reason = error.reason
                        $0.command = UInt32(message.commandByte)
                    }), to: routingID, now: now)
            return
        }
        if command.isMetered, !allowed(command, from: nodeID, bytes: message.bytes, now: now) {
            refuseOverRate(command, nodeID: nodeID, routingID: routingID, now: now)
            return
        }
        if case .hello(let hello) = command {
            openSession(
                hello, nodeID: nodeID, key: key, routingID: routingID, reads: reads, batch: &batch, now: now)
            if !hello.transient { batch.touched.insert(nodeID) }  // start its catch-up
            return
        }
        let transient = transients[routingID]?.nodeID == nodeID
        if transient {
            transients[routingID]?.lastHeard = now.instant
        } else if sessions[nodeID]?.routingID == routingID {
            sessions[nodeID]?.lastHeard = now.instant
        } else {
            send(
                .error(
                    ProtocolError.with {
                        $0.code = .noSession
                        $0.reason = "send HELLO before any other command"
                        $0.command = UInt32(command.code.rawValue)
                    }), to: routingID, now: now)
            return
        }
        switch command {
        case .submit(let envelope):
            submit(
                envelope, invalid: message.invalid, nodeID: nodeID, routingID: routingID, reads: reads, batch: &batch,
                now: now)
        case .ack(let ack):
            // A transient session is delivered nothing, so it has nothing to acknowledge.
            guard !transient, let session = sessions[nodeID], ack.sequence <= session.sentUpTo else { return }
            sessions[nodeID]?.acknowledge(upTo: ack.sequence)
            dirtyCursors[nodeID] = max(dirtyCursors[nodeID] ?? 0, ack.sequence)
            batch.touched.insert(nodeID)
        case .heartbeat:
            break
        case .replayRequest(let request):
            startReplay(request, for: nodeID, routingID: routingID, now: now)
        case .viewRequest(let request):
            // Answered by the projection; everything committed so far is in the view.
            outbox.record(.askView(routingID: routingID, nodeID: nodeID, request: request, atLeast: head))
        case .close:
            if transient {
                transients[routingID] = nil
            } else {
                endSession(nodeID, reason: "closed by the node", batch: &batch, now: now)
            }
        case .hello, .welcome, .accepted, .rejected, .deliver, .replayItems, .replayEnd, .error, .view:
            send(
                .error(
                    ProtocolError.with {
                        $0.code = .unknownCommand
                        $0.reason = "\(command.code) is sent by the hub, not to it"
                        $0.command = UInt32(command.code.rawValue)
                    }), to: routingID, now: now)
        }
    }

    /// Replay requests spend their own, lower budget; the other metered commands the node's.
    private mutating func allowed(_ command: Command, from nodeID: String, bytes: Int, now: CoreTime) -> Bool {
        if case .replayRequest = command { return replayGuard.allow(nodeID, bytes: bytes, now: now.instant) }
        return floodGuard.allow(nodeID, bytes: bytes, now: now.instant)
    }

    private mutating func submit(
        _ envelope: Envelope, invalid: Refusal?, nodeID: String, routingID: Data, reads: BatchReads, batch: inout Batch,
        now: CoreTime
    ) {
        let key = MessageKey(sender: nodeID, messageID: envelope.messageID)
        // A retry of a submit in this batch or one not yet committed: answered once that is durable (even
        // when this batch's reads failed, so that one id never gets both answers).
        if let earlier = unwritten[key] {
            if earlier.content != envelope.content {
                refuseReusedID(
                    envelope.messageID, sequence: earlier.sequence, routingID: routingID, nodeID: nodeID, now: now)
            } else {
                batch.waiting.append(
                    Waiting(
                        routingID: routingID, messageID: envelope.messageID, sequence: earlier.sequence,
                        acceptedAt: earlier.acceptedAt, duplicate: true))
            }
            return
        }
        if let failure = reads.failure {
            refuse(
                envelope.messageID, to: routingID,
                Refusal(
                    .storageUnavailable,
                    "the hub could not read its log (\(failure)); nothing was accepted: retry with the same "
                        + "message id"),
                nodeID: nodeID, now: now)
            return
        }
        if let existing = reads.accepted[key] {
            if let stored = try? Envelope(serializedBytes: existing.envelope), stored.content != envelope.content {
                refuseReusedID(
                    envelope.messageID, sequence: existing.sequence, routingID: routingID, nodeID: nodeID, now: now)
                return
            }
            count(.duplicates)
            send(
                .accepted(
                    Accepted.with {
                        $0.messageID = envelope.messageID
                        $0.sequence = existing.sequence
                        $0.acceptedAtMs = existing.acceptedAt
                        $0.duplicate = true
                    }), to: routingID, now: now)
            return
        }
        switch admit(envelope, invalid: invalid, from: nodeID, batch: &batch, now: now) {
        case .success(let (record, notes)):
            unwritten[key] = (record.sequence, record.acceptedAt, envelope.content)
            batch.waiting.append(
                Waiting(
                    routingID: routingID, messageID: envelope.messageID, sequence: record.sequence,
                    acceptedAt: record.acceptedAt, duplicate: false, notes: notes))
        case .failure(let rejection):
            refuse(envelope.messageID, to: routingID, rejection, nodeID: nodeID, now: now)
        }
    }
}
