import Coordination
import EventLog
import Foundation
import HubProtocol

// Admission and commit: a submit checked into the batch, the batch made durable, the answers.
extension RouterCore {
    /// Stamps, checks and queues one submit for the batch. The workflow state moves on at once (a
    /// refused message leaves it untouched); if the batch then fails to commit, it is rebuilt from
    /// the log.
    mutating func admit(
        _ envelope: Envelope, invalid: Refusal?, from nodeID: String, batch: inout Batch, now: CoreTime
    ) -> Result<(record: PendingRecord, notes: [String]), Refusal> {
        if let invalid { return .failure(invalid) }
        guard !stateIsStale else {
            return .failure(
                Refusal(
                    .storageUnavailable,
                    "the hub cannot read its log; nothing was accepted: retry with the same message id"))
        }
        let acceptedAt = nextTimestamp(now)
        let admission: Admission
        do {
            admission = try state.admit(envelope, from: nodeID, at: acceptedAt)
        } catch {
            return .failure(error)
        }
        var stamped = envelope
        stamped.sender = nodeID
        stamped.sequence = stampedHead + 1
        stamped.acceptedAtMs = acceptedAt
        stamped.deliveredTo = admission.recipients
        let record = Self.record(stamped, admission: admission)
        batch.records.append(record)
        stampedHead = record.sequence
        return .success((record, admission.notes))
    }

    static func record(_ stamped: Envelope, admission: Admission) -> PendingRecord {
        PendingRecord(
            sequence: stamped.sequence, acceptedAt: stamped.acceptedAtMs, sender: stamped.sender,
            messageID: stamped.messageID,
            type: stamped.messageType?.rawValue ?? "unknown", recipients: admission.recipients,
            subjects: RecordSubjects(uscc: admission.uscc, meetingID: admission.meetingID, caseID: admission.caseID),
            envelope: (try? stamped.serializedBytes()) ?? Data()
        )
    }

    /// A presence record written by the hub itself.
    mutating func presence(_ nodeID: String, online: Bool, reason: String, batch: inout Batch, now: CoreTime) {
        let acceptedAt = nextTimestamp(now)
        let sequence = stampedHead + 1
        var envelope = Envelope()
        envelope.messageID = "presence-\(sequence)"
        envelope.nodePresence = NodePresence.with {
            $0.nodeID = nodeID
            $0.online = online
            $0.reason = reason
        }
        envelope.sender = CoordinationState.hubID
        envelope.sequence = sequence
        envelope.acceptedAtMs = acceptedAt
        let recipients = configuration.topology.ids(of: .coordinator).filter { $0 != nodeID }
        envelope.deliveredTo = recipients
        state.fold(envelope)
        batch.records.append(Self.record(envelope, admission: Admission(recipients: recipients)))
        stampedHead = sequence
    }

    /// The wall clock, never behind a time already stamped (a clock stepped back keeps the log's
    /// times in order).
    mutating func nextTimestamp(_ now: CoreTime) -> Int64 {
        lastAcceptedAt = max(lastAcceptedAt, now.wallMs)
        return lastAcceptedAt
    }

    // MARK: Commit

    /// The batch is durable: the log's head moves on, every waiting submit is answered ACCEPTED,
    /// and the new records go to their online recipients.
    public mutating func committed(_ batch: Batch, records: [LogRecord], now: CoreTime) {
        head = records.last?.sequence ?? head
        forgetUnwritten(batch)
        for item in batch.waiting { answerAccepted(item, now: now) }
        deliver(records, alsoPumping: batch.touched, now: now)
    }

    /// The batch could not be written: nothing is answered ACCEPTED, each waiting submit gets
    /// STORAGE_UNAVAILABLE, and the state is stale until rebuilt from the log. A runtime that writes
    /// one batch while it admits the next fails that next one too: its records follow the failed ones.
    public mutating func commitFailed(_ batch: Batch, error: String, now: CoreTime) {
        forgetUnwritten(batch)
        stampedHead = head
        if !batch.records.isEmpty {
            outbox.record(
                .log(LogLine(.error, "batch not committed", ["records": "\(batch.records.count)", "error": error])))
            stateIsStale = true
        }
        // Retries of a submit that was not written are refused with it; of a durable one, answered.
        for item in batch.waiting {
            guard item.sequence > head else {
                answerAccepted(item, now: now)
                continue
            }
            count(.rejected(ErrorCode.storageUnavailable.name))
            send(
                .rejected(
                    Rejected.with {
                        $0.messageID = item.messageID
                        $0.code = .storageUnavailable
                        $0.reason =
                            "the hub could not write its log (\(error)); nothing was accepted: retry with the "
                            + "same message id"
                    }), to: item.routingID, now: now)
        }
        deliver([], alsoPumping: batch.touched, now: now)
    }

    /// The batch's submits are durable or failed: a retry of one is now the log's to answer.
    private mutating func forgetUnwritten(_ batch: Batch) {
        for record in batch.records { unwritten[MessageKey(sender: record.sender, messageID: record.messageID)] = nil }
    }

    mutating func answerAccepted(_ item: Waiting, now: CoreTime) {
        count(item.duplicate ? .duplicates : .accepted)
        send(
            .accepted(
                Accepted.with {
                    $0.messageID = item.messageID
                    $0.sequence = item.sequence
                    $0.acceptedAtMs = item.acceptedAt
                    $0.duplicate = item.duplicate
                    $0.notes = item.notes
                }), to: item.routingID, now: now)
    }

    // MARK: Refusals

    mutating func refuse(_ messageID: String, to routingID: Data, _ rejection: Refusal, nodeID: String, now: CoreTime) {
        count(.rejected(rejection.code.name))
        warn(
            "submit refused", node: nodeID, kind: "rejected",
            ["code": "\(rejection.code.name)", "reason": "\(rejection.reason)"], now: now)
        send(
            .rejected(
                Rejected.with {
                    $0.messageID = messageID
                    $0.code = rejection.code
                    $0.reason = rejection.reason
                    $0.field = rejection.field
                }), to: routingID, now: now)
    }

    /// Answers a message id already accepted with other content: final, nothing is written.
    mutating func refuseReusedID(_ messageID: String, sequence: UInt64, routingID: Data, nodeID: String, now: CoreTime)
    {
        count(.rejected(ErrorCode.idReused.name))
        warn("submit refused", node: nodeID, kind: "rejected", ["code": "ID_REUSED"], now: now)
        send(
            .rejected(
                Rejected.with {
                    $0.messageID = messageID
                    $0.code = .idReused
                    $0.reason =
                        "message id \(messageID) was accepted as #\(sequence) with other content; "
                        + "a retry must send the same envelope, and new content needs a new message id"
                }), to: routingID, now: now)
    }

    /// Answers a metered command over the node's rate; the node was still heard.
    mutating func refuseOverRate(_ command: Command, nodeID: String, routingID: Data, now: CoreTime) {
        if sessions[nodeID]?.routingID == routingID { sessions[nodeID]?.lastHeard = now.instant }
        transients[routingID]?.lastHeard = now.instant
        count(.rateLimited)
        warn("node over its rate limit", node: nodeID, kind: "rate", now: now)
        switch command {
        case .submit(let envelope):
            let limit = configuration.rateLimit ?? .standard
            send(
                .rejected(
                    Rejected.with {
                        $0.messageID = envelope.messageID
                        $0.code = .rateLimited
                        $0.reason = "\(nodeID) sends more than \(limit.sentence); retry later with the same message id"
                    }), to: routingID, now: now)
        case .replayRequest(let request):
            send(
                .replayEnd(
                    ReplayEnd.with {
                        $0.requestID = request.requestID
                        $0.code = .rateLimited
                        $0.reason = "too many requests from \(nodeID); ask again later"
                    }), to: routingID, now: now)
        case .viewRequest(let request):
            send(
                .view(
                    View.with {
                        $0.requestID = request.requestID
                        $0.kind = request.kind
                        $0.code = .rateLimited
                        $0.reason = "too many requests from \(nodeID); ask again later"
                    }), to: routingID, now: now)
        case .hello:
            // SPEC 4.1: a HELLO is answered with WELCOME or ERROR, also over the rate.
            send(
                .error(
                    ProtocolError.with {
                        $0.code = .rateLimited
                        $0.command = UInt32(CommandCode.hello.rawValue)
                        $0.reason = "too many HELLOs from \(nodeID); send HELLO again later"
                    }), to: routingID, now: now)
        default:
            break
        }
    }

    // MARK: Effects

    mutating func count(_ metric: Metric, _ amount: Int = 1) {
        guard amount > 0 else { return }
        outbox.record(.count(metric, amount))
    }

    /// A warning, at most one per interval for each node and kind, with how many were left out.
    mutating func warn(
        _ message: String, node: String, kind: String, label: String = "node", _ metadata: [String: String] = [:],
        now: CoreTime
    ) {
        guard let suppressed = logThrottle.pass(node: node, kind: kind, now: now.instant) else { return }
        var metadata = metadata
        metadata[label] = node
        if suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        outbox.record(.log(LogLine(.warning, message, metadata)))
    }

    /// Sends a command to one connection; answers `false` if the connection's queue is full (its
    /// high-water mark) or it is gone (its session then expires by heartbeat).
    @discardableResult
    mutating func send(_ command: Command, to routingID: Data, now: CoreTime) -> Bool {
        sendCommand(command, to: routingID, now: now) == .sent
    }

    mutating func sendCommand(_ command: Command, to routingID: Data, now: CoreTime) -> SendOutcome {
        let outcome = outbox.send(command, to: routingID)
        guard outcome == .sent else { return outcome }
        if let nodeID = nodeByRoutingID[routingID] {
            sessions[nodeID]?.lastSent = now.instant
        } else {
            transients[routingID]?.lastSent = now.instant
        }
        return outcome
    }
}
