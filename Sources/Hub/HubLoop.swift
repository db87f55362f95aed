import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

/// Counters the hub keeps; read from any thread.
public final class HubCounters: Sendable {
    let accepted = Atomic<Int>(0)
    let duplicates = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let protocolErrors = Atomic<Int>(0)
    let rateLimited = Atomic<Int>(0)
    let batches = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
    /// Log records the view projection has read: each once, so views cost the tail, not the log.
    let projectionRecordsRead = Atomic<Int>(0)

    /// A snapshot of every counter by name.
    public var snapshot: [String: Int] {
        [
            "accepted": accepted.load(ordering: .relaxed), "duplicates": duplicates.load(ordering: .relaxed),
            "rejected": rejected.load(ordering: .relaxed), "protocol_errors": protocolErrors.load(ordering: .relaxed),
            "rate_limited": rateLimited.load(ordering: .relaxed),
            "batches": batches.load(ordering: .relaxed), "delivered": delivered.load(ordering: .relaxed),
            "projection_records_read": projectionRecordsRead.load(ordering: .relaxed),
        ]
    }
}

/// The hub's event loop. It runs on one thread that owns the ROUTER socket, and follows one path:
/// socket -> decode -> check -> log -> answer -> route.
final class HubLoop {
    private let configuration: HubConfiguration
    private let store: any EventStore
    private let socket: Socket
    private let logger: Logger
    private let counters: HubCounters
    private var state: CoordinationState
    private var head: UInt64
    private var lastAcceptedAt: Int64 = 0
    private var sessions: [String: Session] = [:]
    /// Transient sessions by routing id (SPEC.md 4.1).
    private var transients: [Data: TransientSession] = [:]
    private var nodeByRoutingID: [Data: String] = [:]
    private var dirtyCursors: [String: UInt64] = [:]
    private var lastCursorSave = ContinuousClock.now
    private var floodGuard: FloodGuard
    private let projection: Projection
    private let allowlist: Allowlist
    private var keyGeneration: Int
    private var logThrottle = LogThrottle()

    /// A submit waiting for the batch to commit.
    private struct Waiting {
        let routingID: Data
        let messageID: String
        let sequence: UInt64
        let acceptedAt: Int64
        let duplicate: Bool
    }

    init(
        configuration: HubConfiguration, store: any EventStore, socket: Socket, projection: Projection,
        allowlist: Allowlist, logger: Logger, counters: HubCounters
    ) throws {
        self.configuration = configuration
        self.projection = projection
        self.allowlist = allowlist
        keyGeneration = allowlist.generation
        self.store = store
        self.socket = socket
        self.logger = logger
        self.counters = counters
        floodGuard = FloodGuard(configuration.rateLimit)
        state = CoordinationState(topology: configuration.topology)
        head = 0
        try rebuild()
    }

    /// Folds the whole log into the workflow state: the state is never kept anywhere else. The
    /// state is replaced only when the whole log was read.
    private func rebuild() throws {
        var state = CoordinationState(topology: configuration.topology)
        var lastAcceptedAt: Int64 = 0
        var after: UInt64 = 0
        var folded = 0
        // The whole hash chain is checked on the same pass: the hub never runs on a changed log.
        var chain = ChainCheck()
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { break }
            for record in chunk {
                if let broken = chain.check(record) { throw EventLogError.corrupt(broken) }
                if let envelope = try? Envelope(serializedBytes: record.envelope) {
                    if !state.fold(envelope) {
                        logger.warning("record no longer fits the workflow state", metadata: ["sequence": "\(record.sequence)"])
                    }
                    lastAcceptedAt = max(lastAcceptedAt, envelope.acceptedAtMs)
                }
                folded += 1
            }
            after = last.sequence
        }
        head = try store.head().sequence
        self.state = state
        self.lastAcceptedAt = max(self.lastAcceptedAt, lastAcceptedAt)
        stateIsStale = false
        logger.info("log loaded", metadata: ["records": "\(folded)", "head": "\(head)"])
    }

    /// After a failed commit the state has moved past the log; it is rebuilt before the next
    /// submit is checked, and submits are refused while the log cannot be read.
    private var stateIsStale = false

    private func stateIsCurrent() -> Bool {
        guard stateIsStale else { return true }
        do {
            try rebuild()
            return true
        } catch {
            logger.error("cannot rebuild the workflow state from the log", metadata: ["error": "\(error)"])
            return false
        }
    }

    // MARK: The loop

    /// Runs until `control` asks it to stop; finishes the batch in hand, then closes sessions.
    func run(control: LoopControl) {
        let poller = Poller()
        poller.add(socket)
        poller.add(fileDescriptor: control.fileDescriptor)
        poller.add(fileDescriptor: projection.answersWaiting.fileDescriptor)
        let tick = configuration.heartbeatInterval / 4
        var lastTick = ContinuousClock.now
        while !control.isStopping {
            do {
                let ready = try poller.poll(timeout: tick)
                if ready[1].contains(.readable) {
                    control.drain()
                    if allowlist.generation != keyGeneration { try endRevokedSessions() }
                }
                if ready[0].contains(.readable) { try serveWaitingMessages() }
                if ready[2].contains(.readable) { sendViews() }
                if ContinuousClock.now - lastTick >= tick {
                    lastTick = .now
                    try keepSessionsAlive()
                }
                try saveCursorsIfDue(force: false)
            } catch let error as ZMQError where error.isContextTerminated {
                break
            } catch {
                logger.error("hub loop error", metadata: ["error": "\(error)"])
            }
        }
        shutdown()
    }

    private func shutdown() {
        for routingID in sessions.values.map(\.routingID) + transients.keys {
            send(.close(Close.with { $0.reason = "hub shutting down" }), to: routingID)
        }
        try? saveCursorsIfDue(force: true)
        projection.stop()
        logger.info("hub stopped", metadata: ["head": "\(head)"])
    }

    /// Reads what is waiting on the socket (up to one batch), commits the submits among it in one
    /// transaction, then answers and delivers.
    private func serveWaitingMessages() throws {
        var pending: [PendingRecord] = []
        var waiting: [Waiting] = []
        // "sender\u{0}messageID" -> sequence and content, for retries inside one batch
        var batchIDs: [String: (sequence: UInt64, content: Envelope)] = [:]
        var touched = Set<String>()

        var count = 0
        do {
            while count < configuration.maxBatch, let message = try socket.tryReceive() {
                count += 1
                guard message.frames.count >= 2, let identity = Allowlist.Identity(message.userID) else {
                    counters.protocolErrors.add(1, ordering: .relaxed)
                    continue
                }
                let nodeID = identity.node
                let routingID = message.frames[0]
                // A connection whose key a reload removed is heard no more (promise 12).
                guard allowlist.isCurrent(identity) else {
                    if floodGuard.allow(nodeID) { refuseRevoked(routingID, nodeID: nodeID) }
                    continue
                }
                let command: Command
                do {
                    command = try WireCodec.decode(message.frames.dropFirst())
                } catch {
                    counters.protocolErrors.add(1, ordering: .relaxed)
                    logThrottle.warning(logger, "protocol error", node: nodeID, kind: "protocol", metadata: ["error": "\(error)"])
                    // A node that keeps sending garbage gets no more answers than its rate allows.
                    guard floodGuard.allow(nodeID) else { continue }
                    send(.error(ProtocolError.with { $0.code = error.code; $0.reason = error.reason; $0.command = UInt32(message.frames.count > 2 ? message.frames[2].first ?? 0 : 0) }), to: routingID)
                    continue
                }
                if command.isMetered, !floodGuard.allow(nodeID) {
                    if sessions[nodeID]?.routingID == routingID { sessions[nodeID]?.lastHeard = .now }
                    transients[routingID]?.lastHeard = .now
                    counters.rateLimited.add(1, ordering: .relaxed)
                    logThrottle.warning(logger, "node over its rate limit", node: nodeID, kind: "rate")
                    if case .submit(let envelope) = command {
                        let limit = configuration.rateLimit ?? .standard
                        send(.rejected(Rejected.with {
                            $0.messageID = envelope.messageID; $0.code = .rateLimited
                            $0.reason = "\(nodeID) sends more than \(Int(limit.perSecond)) messages per second (bursts of \(Int(limit.burst))); retry later with the same message id"
                        }), to: routingID)
                    } else if case .replayRequest(let request) = command {
                        send(.replayEnd(ReplayEnd.with { $0.requestID = request.requestID; $0.code = .rateLimited; $0.reason = "too many requests from \(nodeID); ask again later" }), to: routingID)
                    } else if case .viewRequest(let request) = command {
                        send(.view(View.with { $0.requestID = request.requestID; $0.kind = request.kind; $0.code = .rateLimited; $0.reason = "too many requests from \(nodeID); ask again later" }), to: routingID)
                    } else if case .hello = command {
                        // SPEC 4.1: a HELLO is answered with WELCOME or ERROR, also over the rate.
                        send(.error(ProtocolError.with {
                            $0.code = .rateLimited; $0.command = UInt32(CommandCode.hello.rawValue)
                            $0.reason = "too many HELLOs from \(nodeID); send HELLO again later"
                        }), to: routingID)
                    }
                    continue
                }
                if case .hello(let hello) = command {
                    try openSession(hello, nodeID: nodeID, key: identity.key, routingID: routingID, pending: &pending)
                    if !hello.transient { touched.insert(nodeID) } // start its catch-up
                    continue
                }
                let transient = transients[routingID]?.nodeID == nodeID
                if transient {
                    transients[routingID]?.lastHeard = .now
                } else if sessions[nodeID]?.routingID == routingID {
                    sessions[nodeID]?.lastHeard = .now
                } else {
                    send(.error(ProtocolError.with { $0.code = .noSession; $0.reason = "send HELLO before any other command"; $0.command = UInt32(command.code.rawValue) }), to: routingID)
                    continue
                }
                switch command {
                case .submit(let envelope):
                    let key = "\(nodeID)\u{0}\(envelope.messageID)"
                    if let earlier = batchIDs[key] {
                        if earlier.content != envelope.content {
                            refuseReusedID(envelope.messageID, sequence: earlier.sequence, routingID: routingID, nodeID: nodeID)
                        } else {
                            waiting.append(Waiting(routingID: routingID, messageID: envelope.messageID, sequence: earlier.sequence, acceptedAt: 0, duplicate: true))
                        }
                        continue
                    }
                    if let existing = try store.accepted(sender: nodeID, messageID: envelope.messageID) {
                        if let stored = try? Envelope(serializedBytes: existing.envelope), stored.content != envelope.content {
                            refuseReusedID(envelope.messageID, sequence: existing.sequence, routingID: routingID, nodeID: nodeID)
                            continue
                        }
                        counters.duplicates.add(1, ordering: .relaxed)
                        send(.accepted(Accepted.with { $0.messageID = envelope.messageID; $0.sequence = existing.sequence; $0.acceptedAtMs = existing.acceptedAt; $0.duplicate = true }), to: routingID)
                        continue
                    }
                    switch admit(envelope, from: nodeID, pending: &pending) {
                    case .success(let sequence):
                        batchIDs[key] = (sequence, envelope.content)
                        let record = pending[pending.count - 1]
                        waiting.append(Waiting(routingID: routingID, messageID: envelope.messageID, sequence: sequence, acceptedAt: record.acceptedAt, duplicate: false))
                    case .failure(let rejection):
                        counters.rejected.add(1, ordering: .relaxed)
                        logThrottle.warning(logger, "submit refused", node: nodeID, kind: "rejected",
                                            metadata: ["code": "\(rejection.code.name)", "reason": "\(rejection.reason)"])
                        send(.rejected(Rejected.with { $0.messageID = envelope.messageID; $0.code = rejection.code; $0.reason = rejection.reason; $0.field = rejection.field }), to: routingID)
                    }
                case .ack(let ack):
                    // A transient session is delivered nothing, so it has nothing to acknowledge.
                    guard !transient, let session = sessions[nodeID], ack.sequence <= session.sentUpTo else { continue }
                    sessions[nodeID]?.acknowledge(upTo: ack.sequence)
                    dirtyCursors[nodeID] = max(dirtyCursors[nodeID] ?? 0, ack.sequence)
                    touched.insert(nodeID)
                case .heartbeat:
                    break
                case .replayRequest(let request):
                    try replay(request, for: nodeID, routingID: routingID)
                case .viewRequest(let request):
                    // Answered by the projection's thread; everything committed so far is in the view.
                    projection.ask(Projection.Job(routingID: routingID, nodeID: nodeID, request: request, atLeast: head))
                case .close:
                    if transient {
                        transients[routingID] = nil
                    } else {
                        endSession(nodeID, reason: "closed by the node", pending: &pending)
                    }
                case .hello, .welcome, .accepted, .rejected, .deliver, .replayItems, .replayEnd, .error, .view:
                    send(.error(ProtocolError.with { $0.code = .unknownCommand; $0.reason = "\(command.code) is sent by the hub, not to it"; $0.command = UInt32(command.code.rawValue) }), to: routingID)
                }
            }
        } catch {
            // A read failed after submits of this batch were admitted into the state: none of them
            // is written, so none is acknowledged, and the state is rebuilt from the log before the
            // next submit is checked (otherwise a retry would meet its own ghost: "already exists").
            if !pending.isEmpty { stateIsStale = true }
            for item in waiting {
                send(.rejected(Rejected.with {
                    $0.messageID = item.messageID; $0.code = .storageUnavailable
                    $0.reason = "the hub could not read its log (\(error)); nothing was accepted: retry with the same message id"
                }), to: item.routingID)
            }
            throw error
        }

        let committed = try commit(pending, waiting: waiting)
        deliver(committed, alsoPumping: touched)
    }

    /// Answers a message id already accepted with other content: final, nothing is written.
    private func refuseReusedID(_ messageID: String, sequence: UInt64, routingID: Data, nodeID: String) {
        counters.rejected.add(1, ordering: .relaxed)
        logThrottle.warning(logger, "submit refused", node: nodeID, kind: "rejected", metadata: ["code": "ID_REUSED"])
        send(.rejected(Rejected.with {
            $0.messageID = messageID
            $0.code = .idReused
            $0.reason = "message id \(messageID) was accepted as #\(sequence) with other content; "
                + "a retry must send the same envelope, and new content needs a new message id"
        }), to: routingID)
    }

    /// Stamps, checks and queues one submit for the batch. The workflow state moves on at once (a
    /// refused message leaves it untouched); if the batch then fails to commit, it is rebuilt from
    /// the log.
    private func admit(_ envelope: Envelope, from nodeID: String, pending: inout [PendingRecord]) -> Result<UInt64, Rejection> {
        do {
            _ = try EnvelopeValidator.validate(envelope)
        } catch {
            return .failure(Rejection(error.code, error.reason, field: error.field))
        }
        guard stateIsCurrent() else {
            return .failure(Rejection(.storageUnavailable, "the hub cannot read its log; nothing was accepted: retry with the same message id"))
        }
        let acceptedAt = nextTimestamp()
        let admission: Admission
        do {
            admission = try state.admit(envelope, from: nodeID, at: acceptedAt)
        } catch {
            return .failure(error)
        }
        let sequence = head + UInt64(pending.count) + 1
        var stamped = envelope
        stamped.sender = nodeID
        stamped.sequence = sequence
        stamped.acceptedAtMs = acceptedAt
        stamped.deliveredTo = admission.recipients
        pending.append(record(stamped, admission: admission))
        return .success(sequence)
    }

    private func record(_ stamped: Envelope, admission: Admission) -> PendingRecord {
        PendingRecord(
            sequence: stamped.sequence, acceptedAt: stamped.acceptedAtMs, sender: stamped.sender, messageID: stamped.messageID,
            type: stamped.messageType?.rawValue ?? "unknown", recipients: admission.recipients,
            subjects: RecordSubjects(uscc: admission.uscc, meetingID: admission.meetingID, caseID: admission.caseID),
            envelope: (try? stamped.serializedBytes()) ?? Data()
        )
    }

    /// A presence record written by the hub itself.
    private func presence(_ nodeID: String, online: Bool, reason: String, pending: inout [PendingRecord]) {
        let acceptedAt = nextTimestamp()
        let sequence = head + UInt64(pending.count) + 1
        var envelope = Envelope()
        envelope.messageID = "presence-\(sequence)"
        envelope.nodePresence = NodePresence.with { $0.nodeID = nodeID; $0.online = online; $0.reason = reason }
        envelope.sender = CoordinationState.hubID
        envelope.sequence = sequence
        envelope.acceptedAtMs = acceptedAt
        let recipients = configuration.topology.ids(of: .coordinator).filter { $0 != nodeID }
        envelope.deliveredTo = recipients
        state.fold(envelope)
        pending.append(record(envelope, admission: Admission(recipients: recipients)))
    }

    private func nextTimestamp() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        lastAcceptedAt = max(lastAcceptedAt, now)
        return lastAcceptedAt
    }

    /// Appends the batch durably, then answers every waiting submit. On a storage failure nothing
    /// is answered ACCEPTED: each submit gets STORAGE_UNAVAILABLE and the state is rebuilt from the
    /// log, which does not have the batch.
    private func commit(_ pending: [PendingRecord], waiting: [Waiting]) throws -> [LogRecord] {
        guard !pending.isEmpty else {
            for item in waiting { answerAccepted(item) }
            return []
        }
        let committed: [LogRecord]
        do {
            committed = try store.append(pending)
        } catch {
            logger.error("batch not committed", metadata: ["records": "\(pending.count)", "error": "\(error)"])
            for item in waiting {
                send(.rejected(Rejected.with { $0.messageID = item.messageID; $0.code = .storageUnavailable; $0.reason = "the hub could not write its log (\(error)); nothing was accepted: retry with the same message id" }), to: item.routingID)
            }
            stateIsStale = true
            _ = stateIsCurrent()
            return []
        }
        head = committed.last?.sequence ?? head
        projection.logGrew()
        counters.batches.add(1, ordering: .relaxed)
        for item in waiting { answerAccepted(item) }
        return committed
    }

    private func answerAccepted(_ item: Waiting) {
        if item.duplicate { counters.duplicates.add(1, ordering: .relaxed) } else { counters.accepted.add(1, ordering: .relaxed) }
        send(.accepted(Accepted.with { $0.messageID = item.messageID; $0.sequence = item.sequence; $0.acceptedAtMs = item.acceptedAt; $0.duplicate = item.duplicate }), to: item.routingID)
    }

    // MARK: Sessions

    private func openSession(
        _ hello: Hello, nodeID: String, key: String, routingID: Data, pending: inout [PendingRecord]
    ) throws {
        guard hello.protocolMajor == UInt32(ProtocolVersion.major) else {
            send(.error(ProtocolError.with { $0.code = .unsupportedVersion; $0.reason = "protocol major \(hello.protocolMajor) is not supported; this hub speaks 1.x"; $0.command = 1 }), to: routingID)
            send(.close(Close.with { $0.reason = "unsupported protocol version" }), to: routingID)
            return
        }
        guard hello.nodeID == nodeID else {
            counters.protocolErrors.add(1, ordering: .relaxed)
            logger.warning("HELLO names another node than its key", metadata: ["key": "\(nodeID)", "claimed": "\(hello.nodeID)"])
            send(.error(ProtocolError.with { $0.code = .identityMismatch; $0.reason = "this connection's key belongs to \(nodeID), not \(hello.nodeID)"; $0.command = 1 }), to: routingID)
            send(.close(Close.with { $0.reason = "identity mismatch" }), to: routingID)
            return
        }
        let cursor = max(try store.cursor(for: nodeID), hello.lastSequenceSeen, dirtyCursors[nodeID] ?? 0)
        let wasOnline = sessions[nodeID] != nil
        if hello.transient {
            // Beside the unit's long-lived session, which it neither replaces nor shows as offline.
            transients[routingID] = TransientSession(nodeID: nodeID, key: key, lastHeard: .now, lastSent: .now)
        } else {
            transients[routingID] = nil
            if let old = sessions[nodeID] { nodeByRoutingID[old.routingID] = nil }
            sessions[nodeID] = Session(
                nodeID: nodeID, key: key, routingID: routingID, sentUpTo: cursor, ackedUpTo: cursor, lastHeard: .now,
                lastSent: .now)
            nodeByRoutingID[routingID] = nodeID
            dirtyCursors[nodeID] = cursor
        }
        let role = configuration.topology.units[nodeID]?.role.rawValue ?? ""
        send(.welcome(Welcome.with {
            $0.nodeID = nodeID
            $0.role = role
            $0.headSequence = head + UInt64(pending.count)
            $0.resumeAfter = cursor
            $0.heartbeatIntervalMs = UInt32(configuration.heartbeatInterval.components.seconds * 1000 + configuration.heartbeatInterval.components.attoseconds / 1_000_000_000_000_000)
            $0.heartbeatLiveness = UInt32(configuration.heartbeatLiveness)
            $0.creditWindow = UInt32(configuration.creditWindow)
            $0.maxMessageBytes = UInt32(ProtocolLimits.maxMessageBytes)
            $0.hubTimeMs = Int64(Date().timeIntervalSince1970 * 1000)
        }), to: routingID)
        logger.info("session opened", metadata: ["node": "\(nodeID)", "resume_after": "\(cursor)"])
        // A command that connects, acts and leaves is not a unit coming online (SPEC.md 4.1).
        if !wasOnline, !hello.transient { presence(nodeID, online: true, reason: "session opened", pending: &pending) }
    }

    private func endSession(_ nodeID: String, reason: String, pending: inout [PendingRecord]) {
        guard let session = sessions.removeValue(forKey: nodeID) else { return }
        nodeByRoutingID[session.routingID] = nil
        logger.info("session ended", metadata: ["node": "\(nodeID)", "reason": "\(reason)"])
        presence(nodeID, online: false, reason: reason, pending: &pending)
    }

    /// After a reload of the node keys: ends at once every session whose key is gone (promise 12).
    private func endRevokedSessions() throws {
        keyGeneration = allowlist.generation
        var pending: [PendingRecord] = []
        for (nodeID, session) in sessions where !allowlist.isCurrent(.init(node: nodeID, key: session.key)) {
            refuseRevoked(session.routingID, nodeID: nodeID)
            endSession(nodeID, reason: "key revoked", pending: &pending)
        }
        for (routingID, session) in transients where !allowlist.isCurrent(.init(node: session.nodeID, key: session.key)) {
            refuseRevoked(routingID, nodeID: session.nodeID)
            transients[routingID] = nil
        }
        let committed = try commit(pending, waiting: [])
        deliver(committed, alsoPumping: [])
    }

    /// Tells a connection whose key was revoked that it is closed.
    private func refuseRevoked(_ routingID: Data, nodeID: String) {
        logThrottle.warning(logger, "a revoked key is closed", node: nodeID, kind: "revoked")
        send(.error(ProtocolError.with {
            $0.code = .notAuthorised; $0.reason = "this connection's key is no longer registered for \(nodeID)"
        }), to: routingID)
        send(.close(Close.with { $0.reason = "key revoked" }), to: routingID)
    }

    /// Heartbeats to quiet sessions; sessions silent for `liveness` intervals end.
    private func keepSessionsAlive() throws {
        let now = ContinuousClock.now
        let silence = configuration.heartbeatInterval * configuration.heartbeatLiveness
        var pending: [PendingRecord] = []
        for (nodeID, session) in sessions {
            if now - session.lastHeard > silence {
                endSession(nodeID, reason: "heartbeat expired", pending: &pending)
            } else if now - session.lastSent >= configuration.heartbeatInterval {
                send(.heartbeat, to: session.routingID)
            }
        }
        for (routingID, session) in transients {
            if now - session.lastHeard > silence {
                transients[routingID] = nil
            } else if now - session.lastSent >= configuration.heartbeatInterval {
                send(.heartbeat, to: routingID)
            }
        }
        let committed = try commit(pending, waiting: [])
        deliver(committed, alsoPumping: [])
    }

    // MARK: Delivery

    /// Sends newly committed records to online recipients, and tops up the windows of sessions
    /// that acknowledged something.
    private func deliver(_ committed: [LogRecord], alsoPumping touched: Set<String>) {
        var toPump = touched
        for record in committed {
            for recipient in record.fields.recipients {
                guard var session = sessions[recipient] else { continue }
                if session.caughtUp, session.sentUpTo < record.sequence, session.inFlight.count < configuration.creditWindow {
                    if sendDelivery(record, to: &session) {
                        sessions[recipient] = session
                        continue
                    }
                }
                session.caughtUp = false
                sessions[recipient] = session
                toPump.insert(recipient)
            }
        }
        for nodeID in toPump { pump(nodeID) }
    }

    /// Fills the node's credit window from the log, unless it is caught up (then new records reach
    /// it straight from each committed batch).
    private func pump(_ nodeID: String) {
        guard var session = sessions[nodeID], !session.caughtUp else { return }
        defer { sessions[nodeID] = session }
        while session.inFlight.count < configuration.creditWindow {
            let room = configuration.creditWindow - session.inFlight.count
            let records: [LogRecord]
            do {
                records = try store.deliveries(for: nodeID, after: session.sentUpTo, limit: room)
            } catch {
                logger.error("cannot read deliveries", metadata: ["node": "\(nodeID)", "error": "\(error)"])
                return
            }
            for record in records where !sendDelivery(record, to: &session) { return }
            if records.count < room {
                session.caughtUp = true
                return
            }
        }
    }

    private func sendDelivery(_ record: LogRecord, to session: inout Session) -> Bool {
        guard send(.deliver(StoredEnvelope(bytes: record.envelope)), to: session.routingID) else { return false }
        session.sentUpTo = record.sequence
        session.inFlight.append(record.sequence)
        session.lastSent = .now
        counters.delivered.add(1, ordering: .relaxed)
        return true
    }

    private func saveCursorsIfDue(force: Bool) throws {
        guard !dirtyCursors.isEmpty, force || ContinuousClock.now - lastCursorSave >= .milliseconds(200) else { return }
        try store.saveCursors(dirtyCursors)
        dirtyCursors.removeAll(keepingCapacity: true)
        lastCursorSave = .now
    }

    // MARK: Replay

    private func replay(_ request: ReplayRequest, for nodeID: String, routingID: Data) throws {
        var filter = RecordFilter()
        filter.fromSequence = request.fromSequence
        filter.toSequence = request.toSequence
        filter.fromTime = request.fromTimeMs
        filter.toTime = request.toTimeMs
        filter.types = request.types
        filter.uscc = request.uscc.isEmpty ? nil : request.uscc
        filter.meetingID = request.meetingID.isEmpty ? nil : request.meetingID
        filter.caseID = request.caseID.isEmpty ? nil : request.caseID
        filter.node = request.nodeID.isEmpty ? nil : request.nodeID
        if configuration.topology.units[nodeID]?.role != .coordinator {
            if let asked = filter.node, asked != nodeID {
                send(.replayEnd(ReplayEnd.with { $0.requestID = request.requestID; $0.code = .replayForbidden; $0.reason = "only the coordinator replays other units' records; \(nodeID) may replay what it sent or received" }), to: routingID)
                return
            }
            filter.node = nodeID
        }
        var after: UInt64 = 0
        var count: UInt64 = 0
        let limit = request.limit == 0 ? UInt64.max : UInt64(request.limit)
        while count < limit {
            let chunk = try store.records(matching: filter, after: after, limit: Int(min(500, limit - count)))
            guard let last = chunk.last else { break }
            // A blocking send (bounded by the socket's send timeout) so a long replay waits for a
            // slow reader instead of dropping chunks; a reader that stops reading ends the replay.
            guard send(.replayItems(ReplayItems.with { $0.requestID = request.requestID }, chunk.map { StoredEnvelope(bytes: $0.envelope) }), to: routingID, blocking: true) else {
                logger.warning("replay abandoned: the reader stopped reading", metadata: ["node": "\(nodeID)", "sent": "\(count)"])
                return
            }
            count += UInt64(chunk.count)
            after = last.sequence
        }
        send(.replayEnd(ReplayEnd.with { $0.requestID = request.requestID; $0.count = count }), to: routingID)
    }

    /// Sends the views the projection has answered.
    private func sendViews() {
        for answer in projection.takeAnswers() {
            // A full queue or a vanished peer drops the answer; the node asks again after its timeout.
            _ = try? socket.trySend(answer)
        }
    }

    // MARK: Sending

    /// Sends a command to one connection; answers `false` if the connection's queue is full (its
    /// high-water mark) or it is gone.
    @discardableResult
    private func send(_ command: Command, to routingID: Data, blocking: Bool = false) -> Bool {
        let message = Message([routingID] + WireCodec.encode(command))
        do {
            if blocking {
                try socket.send(message)
            } else if try !socket.trySend(message) {
                return false
            }
            if let nodeID = nodeByRoutingID[routingID] {
                sessions[nodeID]?.lastSent = .now
            } else {
                transients[routingID]?.lastSent = .now
            }
            return true
        } catch {
            // EHOSTUNREACH: the peer disconnected; its session expires by heartbeat.
            return false
        }
    }
}
