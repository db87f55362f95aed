import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

// Admission and commit: a submit checked into the batch, the batch made durable, the answers.
extension HubLoop {
    /// Answers a message id already accepted with other content: final, nothing is written.
    func refuseReusedID(_ messageID: String, sequence: UInt64, routingID: Data, nodeID: String) {
        counters.reject(code: ErrorCode.idReused.name)
        logThrottle.warning(logger, "submit refused", node: nodeID, kind: "rejected", metadata: ["code": "ID_REUSED"])
        send(
            .rejected(
                Rejected.with {
                    $0.messageID = messageID
                    $0.code = .idReused
                    $0.reason =
                        "message id \(messageID) was accepted as #\(sequence) with other content; "
                        + "a retry must send the same envelope, and new content needs a new message id"
                }), to: routingID)
    }

    /// Stamps, checks and queues one submit for the batch. The workflow state moves on at once (a
    /// refused message leaves it untouched); if the batch then fails to commit, it is rebuilt from
    /// the log.
    func admit(_ envelope: Envelope, from nodeID: String, pending: inout [PendingRecord]) -> Result<UInt64, Rejection> {
        do {
            _ = try EnvelopeValidator.validate(envelope)
        } catch {
            return .failure(Rejection(error.code, error.reason, field: error.field))
        }
        guard stateIsCurrent() else {
            return .failure(
                Rejection(
                    .storageUnavailable,
                    "the hub cannot read its log; nothing was accepted: retry with the same message id"))
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

    func record(_ stamped: Envelope, admission: Admission) -> PendingRecord {
        PendingRecord(
            sequence: stamped.sequence, acceptedAt: stamped.acceptedAtMs, sender: stamped.sender,
            messageID: stamped.messageID,
            type: stamped.messageType?.rawValue ?? "unknown", recipients: admission.recipients,
            subjects: RecordSubjects(uscc: admission.uscc, meetingID: admission.meetingID, caseID: admission.caseID),
            envelope: (try? stamped.serializedBytes()) ?? Data()
        )
    }

    /// A presence record written by the hub itself.
    func presence(_ nodeID: String, online: Bool, reason: String, pending: inout [PendingRecord]) {
        let acceptedAt = nextTimestamp()
        let sequence = head + UInt64(pending.count) + 1
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
        pending.append(record(envelope, admission: Admission(recipients: recipients)))
    }

    func nextTimestamp() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        lastAcceptedAt = max(lastAcceptedAt, now)
        return lastAcceptedAt
    }

    /// Appends the batch durably, then answers every waiting submit. On a storage failure nothing
    /// is answered ACCEPTED: each submit gets STORAGE_UNAVAILABLE and the state is rebuilt from the
    /// log, which does not have the batch.
    func commit(_ pending: [PendingRecord], waiting: [Waiting]) throws -> [LogRecord] {
        guard !pending.isEmpty else {
            for item in waiting { answerAccepted(item) }
            return []
        }
        let committed: [LogRecord]
        let started = ContinuousClock.now
        do {
            committed = try store.append(pending)
        } catch {
            counters.reject(code: ErrorCode.storageUnavailable.name, count: waiting.count)
            logger.error("batch not committed", metadata: ["records": "\(pending.count)", "error": "\(error)"])
            for item in waiting {
                send(
                    .rejected(
                        Rejected.with {
                            $0.messageID = item.messageID
                            $0.code = .storageUnavailable
                            $0.reason =
                                "the hub could not write its log (\(error)); nothing was accepted: retry with the "
                                + "same message id"
                        }), to: item.routingID)
            }
            stateIsStale = true
            _ = stateIsCurrent()
            return []
        }
        counters.commitTime.record(duration: ContinuousClock.now - started)
        counters.batchSize.record(committed.count)
        head = committed.last?.sequence ?? head
        counters.head.record(Int64(clamping: head))
        projection.logGrew()
        counters.batches.add(1)
        for item in waiting { answerAccepted(item) }
        return committed
    }

    func answerAccepted(_ item: Waiting) {
        if item.duplicate { counters.duplicates.add(1) } else { counters.accepted.add(1) }
        send(
            .accepted(
                Accepted.with {
                    $0.messageID = item.messageID
                    $0.sequence = item.sequence
                    $0.acceptedAtMs = item.acceptedAt
                    $0.duplicate = item.duplicate
                }), to: item.routingID)
    }
}
