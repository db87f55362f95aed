import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

/// The hub's event loop. It runs on one thread that owns the ROUTER socket, and follows one path:
/// socket -> decode -> check -> log -> answer -> route.
final class HubLoop {
    let configuration: HubConfiguration
    let store: any EventStore
    let snapshots: StateSnapshots?
    let socket: Socket
    let logger: Logger
    let counters: HubCounters
    var state: CoordinationState
    var head: UInt64
    var lastAcceptedAt: Int64 = 0
    var sessions: [String: Session] = [:]
    /// Transient sessions by routing id (SPEC.md 4.1).
    var transients: [Data: TransientSession] = [:]
    var nodeByRoutingID: [Data: String] = [:]
    var dirtyCursors: [String: UInt64] = [:]
    /// Replays under way, advanced one chunk per loop turn (``advanceReplays()``).
    var replays: [ReplayCursor] = []
    var lastCursorSave = ContinuousClock.now
    var floodGuard: FloodGuard
    let projection: Projection
    let allowlist: Allowlist
    var keyGeneration: Int
    var logThrottle = LogThrottle()
    /// When the delivery-lag gauges were last set (``recordGauges()``).
    var lastLagUpdate = ContinuousClock.now - .seconds(60)

    /// A submit waiting for the batch to commit.
    struct Waiting {
        let routingID: Data
        let messageID: String
        let sequence: UInt64
        let acceptedAt: Int64
        let duplicate: Bool
    }

    init(
        configuration: HubConfiguration, store: any EventStore, snapshots: StateSnapshots?, socket: Socket,
        projection: Projection, allowlist: Allowlist, logger: Logger, counters: HubCounters
    ) throws {
        self.snapshots = snapshots
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

    /// Folds the log into the workflow state, from the newest snapshot that agrees with the log (or
    /// from the first record): the state is never kept anywhere else. The state is replaced only when
    /// the whole tail was read.
    func rebuild() throws {
        let restored = snapshots?.newest(agreeingWith: store, logger: logger)
        var state = restored?.state ?? CoordinationState(topology: configuration.topology)
        var lastAcceptedAt = restored?.lastAcceptedAt ?? 0
        var after = restored?.head.sequence ?? 0
        var folded = 0
        // The chain after the snapshot is checked on the same pass (before it, the snapshot's record hash
        // ties it to the log; `aeohub log verify` walks all of it).
        var chain = ChainCheck(after: restored?.head ?? .empty)
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { break }
            for record in chunk {
                if let broken = chain.check(record) { throw EventLogError.corrupt(broken) }
                if let envelope = try? Envelope(serializedBytes: record.envelope) {
                    if !state.fold(envelope) {
                        logger.warning(
                            "record no longer fits the workflow state", metadata: ["sequence": "\(record.sequence)"])
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
        counters.recordsFoldedAtLoad.add(folded)
        logger.info(
            "log loaded",
            metadata: [
                "records": "\(folded)", "head": "\(head)", "snapshot": "\(restored?.head.sequence ?? 0)",
            ])
    }

    /// After a failed commit the state has moved past the log; it is rebuilt before the next
    /// submit is checked, and submits are refused while the log cannot be read.
    var stateIsStale = false

    func stateIsCurrent() -> Bool {
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
    /// Each round beats `pulse` (the health check's loop age) and waits while a test holds it.
    func run(control: LoopControl, pulse: LoopPulse) {
        let poller = Poller()
        poller.add(socket)
        poller.add(fileDescriptor: control.fileDescriptor)
        poller.add(fileDescriptor: projection.answersWaiting.fileDescriptor)
        let tick = configuration.heartbeatInterval / 4
        // An idle loop still goes round at least once a second, so its age shows it is alive.
        let idleTimeout = min(tick, .seconds(1))
        var lastTick = ContinuousClock.now
        pulse.begin()
        counters.head.record(Int64(clamping: head))
        while !control.isStopping {
            pulse.waitWhileHeld()
            pulse.beat()
            do {
                // While replays are under way the loop comes round at once to send their next chunks.
                let ready = try poller.poll(timeout: replays.isEmpty ? idleTimeout : .milliseconds(1))
                if ready[1].contains(.readable) {
                    control.drain()
                    if allowlist.generation != keyGeneration { try endRevokedSessions() }
                }
                if ready[0].contains(.readable) { try serveWaitingMessages() }
                if ready[2].contains(.readable) { sendViews() }
                if !replays.isEmpty { try advanceReplays() }
                if ContinuousClock.now - lastTick >= tick {
                    lastTick = .now
                    try keepSessionsAlive()
                }
                try saveCursorsIfDue(force: false)
                recordGauges()
            } catch let error as ZMQError where error.isContextTerminated {
                break
            } catch {
                logger.error("hub loop error", metadata: ["error": "\(error)"])
            }
        }
        shutdown()
    }

    func shutdown() {
        for routingID in sessions.values.map(\.routingID) + transients.keys {
            send(.close(Close.with { $0.reason = "hub shutting down" }), to: routingID)
        }
        try? saveCursorsIfDue(force: true)
        projection.stop()
        logger.info("hub stopped", metadata: ["head": "\(head)"])
    }

    /// Reads what is waiting on the socket (up to one batch), commits the submits among it in one
    /// transaction, then answers and delivers.
    func serveWaitingMessages() throws {
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
                    counters.protocolErrors.add(1)
                    continue
                }
                let nodeID = identity.node
                let routingID = message.frames[0]
                // A connection whose key a reload removed is heard no more (promise 12).
                guard allowlist.isCurrent(identity) else {
                    if floodGuard.allow(nodeID) { refuseRevoked(routingID, nodeID: nodeID) }
                    continue
                }
                let bytes = message.frames.reduce(0) { $0 + $1.count }
                let command: Command
                do {
                    command = try WireCodec.decode(message.frames.dropFirst())
                } catch {
                    counters.protocolErrors.add(1)
                    logThrottle.warning(
                        logger, "protocol error", node: nodeID, kind: "protocol", metadata: ["error": "\(error)"])
                    // A node that keeps sending garbage gets no more answers than its rate allows.
                    guard floodGuard.allow(nodeID, bytes: bytes) else { continue }
                    send(
                        .error(
                            ProtocolError.with {
                                $0.code = error.code
                                $0.reason = error.reason
                                $0.command = UInt32(message.frames.count > 2 ? message.frames[2].first ?? 0 : 0)
                            }), to: routingID)
                    continue
                }
                if command.isMetered, !floodGuard.allow(nodeID, bytes: bytes) {
                    if sessions[nodeID]?.routingID == routingID { sessions[nodeID]?.lastHeard = .now }
                    transients[routingID]?.lastHeard = .now
                    counters.rateLimited.add(1)
                    logThrottle.warning(logger, "node over its rate limit", node: nodeID, kind: "rate")
                    if case .submit(let envelope) = command {
                        let limit = configuration.rateLimit ?? .standard
                        send(
                            .rejected(
                                Rejected.with {
                                    $0.messageID = envelope.messageID
                                    $0.code = .rateLimited
                                    $0.reason =
                                        "\(nodeID) sends more than \(limit.sentence); "
                                        + "retry later with the same message id"
                                }), to: routingID)
                    } else if case .replayRequest(let request) = command {
                        send(
                            .replayEnd(
                                ReplayEnd.with {
                                    $0.requestID = request.requestID
                                    $0.code = .rateLimited
                                    $0.reason = "too many requests from \(nodeID); ask again later"
                                }), to: routingID)
                    } else if case .viewRequest(let request) = command {
                        send(
                            .view(
                                View.with {
                                    $0.requestID = request.requestID
                                    $0.kind = request.kind
                                    $0.code = .rateLimited
                                    $0.reason = "too many requests from \(nodeID); ask again later"
                                }), to: routingID)
                    } else if case .hello = command {
                        // SPEC 4.1: a HELLO is answered with WELCOME or ERROR, also over the rate.
                        send(
                            .error(
                                ProtocolError.with {
                                    $0.code = .rateLimited
                                    $0.command = UInt32(CommandCode.hello.rawValue)
                                    $0.reason = "too many HELLOs from \(nodeID); send HELLO again later"
                                }), to: routingID)
                    }
                    continue
                }
                if case .hello(let hello) = command {
                    try openSession(hello, nodeID: nodeID, key: identity.key, routingID: routingID, pending: &pending)
                    if !hello.transient { touched.insert(nodeID) }  // start its catch-up
                    continue
                }
                let transient = transients[routingID]?.nodeID == nodeID
                if transient {
                    transients[routingID]?.lastHeard = .now
                } else if sessions[nodeID]?.routingID == routingID {
                    sessions[nodeID]?.lastHeard = .now
                } else {
                    send(
                        .error(
                            ProtocolError.with {
                                $0.code = .noSession
                                $0.reason = "send HELLO before any other command"
                                $0.command = UInt32(command.code.rawValue)
                            }), to: routingID)
                    continue
                }
                switch command {
                case .submit(let envelope):
                    let key = "\(nodeID)\u{0}\(envelope.messageID)"
                    if let earlier = batchIDs[key] {
                        if earlier.content != envelope.content {
                            refuseReusedID(
                                envelope.messageID, sequence: earlier.sequence, routingID: routingID, nodeID: nodeID)
                        } else {
                            waiting.append(
                                Waiting(
                                    routingID: routingID, messageID: envelope.messageID, sequence: earlier.sequence,
                                    acceptedAt: 0, duplicate: true))
                        }
                        continue
                    }
                    if let existing = try store.accepted(sender: nodeID, messageID: envelope.messageID) {
                        if let stored = try? Envelope(serializedBytes: existing.envelope),
                            stored.content != envelope.content
                        {
                            refuseReusedID(
                                envelope.messageID, sequence: existing.sequence, routingID: routingID, nodeID: nodeID)
                            continue
                        }
                        counters.duplicates.add(1)
                        send(
                            .accepted(
                                Accepted.with {
                                    $0.messageID = envelope.messageID
                                    $0.sequence = existing.sequence
                                    $0.acceptedAtMs = existing.acceptedAt
                                    $0.duplicate = true
                                }), to: routingID)
                        continue
                    }
                    switch admit(envelope, from: nodeID, pending: &pending) {
                    case .success(let sequence):
                        batchIDs[key] = (sequence, envelope.content)
                        let record = pending[pending.count - 1]
                        waiting.append(
                            Waiting(
                                routingID: routingID, messageID: envelope.messageID, sequence: sequence,
                                acceptedAt: record.acceptedAt, duplicate: false))
                    case .failure(let rejection):
                        counters.reject(code: rejection.code.name)
                        logThrottle.warning(
                            logger, "submit refused", node: nodeID, kind: "rejected",
                            metadata: ["code": "\(rejection.code.name)", "reason": "\(rejection.reason)"])
                        send(
                            .rejected(
                                Rejected.with {
                                    $0.messageID = envelope.messageID
                                    $0.code = rejection.code
                                    $0.reason = rejection.reason
                                    $0.field = rejection.field
                                }), to: routingID)
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
                    startReplay(request, for: nodeID, routingID: routingID)
                case .viewRequest(let request):
                    // Answered by the projection's thread; everything committed so far is in the view.
                    projection.ask(
                        Projection.Job(routingID: routingID, nodeID: nodeID, request: request, atLeast: head))
                case .close:
                    if transient {
                        transients[routingID] = nil
                    } else {
                        endSession(nodeID, reason: "closed by the node", pending: &pending)
                    }
                case .hello, .welcome, .accepted, .rejected, .deliver, .replayItems, .replayEnd, .error, .view:
                    send(
                        .error(
                            ProtocolError.with {
                                $0.code = .unknownCommand
                                $0.reason = "\(command.code) is sent by the hub, not to it"
                                $0.command = UInt32(command.code.rawValue)
                            }), to: routingID)
                }
            }
        } catch {
            // A read failed after submits of this batch were admitted into the state: none of them
            // is written, so none is acknowledged, and the state is rebuilt from the log before the
            // next submit is checked (otherwise a retry would meet its own ghost: "already exists").
            if !pending.isEmpty { stateIsStale = true }
            counters.reject(code: ErrorCode.storageUnavailable.name, count: waiting.count)
            for item in waiting {
                send(
                    .rejected(
                        Rejected.with {
                            $0.messageID = item.messageID
                            $0.code = .storageUnavailable
                            $0.reason =
                                "the hub could not read its log (\(error)); nothing was accepted: retry with the same "
                                + "message id"
                        }), to: item.routingID)
            }
            throw error
        }

        let committed = try commit(pending, waiting: waiting)
        deliver(committed, alsoPumping: touched)
    }
}
