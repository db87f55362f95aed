import EventLog
import Foundation
import HubProtocol

// Delivery: committed records to their online recipients, within each session's credit window.
extension RouterCore {
    /// Sends newly committed records to online recipients, and tops up the windows of sessions
    /// that acknowledged something.
    mutating func deliver(_ committed: [LogRecord], alsoPumping touched: Set<String>, now: CoreTime) {
        var toPump = touched
        for record in committed {
            for recipient in record.fields.recipients {
                guard var session = sessions[recipient] else { continue }
                if session.caughtUp, session.sentUpTo < record.sequence,
                    session.inFlight.count < configuration.creditWindow
                {
                    if sendDelivery(
                        SequencedEnvelope(sequence: record.sequence, envelope: record.envelope), to: &session, now: now)
                    {
                        sessions[recipient] = session
                        continue
                    }
                }
                session.caughtUp = false
                session.readAheadReachesHead = false
                sessions[recipient] = session
                toPump.insert(recipient)
            }
        }
        for nodeID in toPump.sorted() { pump(nodeID, now: now) }
    }

    /// Fills every session's window that is not caught up (after ``install(state:head:lastAcceptedAt:)``).
    public mutating func catchUpSessions(now: CoreTime) {
        for nodeID in sessions.keys.sorted() { pump(nodeID, now: now) }
    }

    /// Fills the node's credit window from the log, unless it is caught up (then new records reach
    /// it straight from each committed batch). It reads a window's worth ahead and tops the window
    /// up from that as acknowledgements free room: one read of the log per window, not per ACK.
    mutating func pump(_ nodeID: String, now: CoreTime) {
        guard var session = sessions[nodeID], !session.caughtUp else { return }
        defer { sessions[nodeID] = session }
        let window = configuration.creditWindow
        while session.inFlight.count < window {
            if session.readAhead.isEmpty {
                let records: [SequencedEnvelope]
                do {
                    records = try log.deliveries(for: nodeID, after: session.sentUpTo, limit: window)
                } catch {
                    outbox.record(
                        .log(LogLine(.error, "cannot read deliveries", ["node": nodeID, "error": "\(error)"])))
                    return
                }
                session.readAhead = records[...]
                // Fewer than asked for: nothing more for the node in the log, until a commit adds some.
                session.readAheadReachesHead = records.count < window
            }
            while session.inFlight.count < window, let record = session.readAhead.first {
                if record.sequence > session.sentUpTo {
                    guard sendDelivery(record, to: &session, now: now) else { return }
                }
                session.readAhead.removeFirst()
            }
            if session.readAhead.isEmpty, session.readAheadReachesHead {
                session.caughtUp = true
                return
            }
        }
    }

    mutating func sendDelivery(_ record: SequencedEnvelope, to session: inout Session, now: CoreTime) -> Bool {
        guard outbox.send(.deliver(StoredEnvelope(bytes: record.envelope)), to: session.routingID) == .sent else {
            return false
        }
        session.sentUpTo = record.sequence
        session.inFlight.append(record.sequence)
        session.lastSent = now.instant
        count(.delivered)
        return true
    }

    /// How far the node's acknowledgements are behind the log's head, in sequence numbers: the head
    /// minus the sequence before the first record addressed to the node that it has not acknowledged,
    /// and 0 when it acknowledged every record addressed to it. (The head minus its cursor alone
    /// would grow with records addressed to others, and make a unit seldom written to look late.)
    /// Answers `nil` when the log cannot be read.
    public func deliveryLag(of nodeID: String) -> UInt64? {
        let acknowledged: UInt64
        if let session = sessions[nodeID] {
            if let first = session.inFlight.first { return head - min(head, first - 1) }
            if session.caughtUp { return 0 }
            acknowledged = session.ackedUpTo
        } else if let dirty = dirtyCursors[nodeID] {
            acknowledged = dirty
        } else {
            guard let stored = try? log.cursor(for: nodeID) else { return nil }
            acknowledged = stored
        }
        // An offline unit's (or one catching up): one indexed read of the next record it is owed.
        guard let next = try? log.deliveries(for: nodeID, after: acknowledged, limit: 1) else { return nil }
        guard let first = next.first else { return 0 }
        return head - min(head, first.sequence - 1)
    }
}
