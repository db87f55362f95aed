import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

// Delivery and sending: what the hub thread sends to nodes.
extension HubLoop {
    // MARK: Delivery

    /// Sends newly committed records to online recipients, and tops up the windows of sessions
    /// that acknowledged something.
    func deliver(_ committed: [LogRecord], alsoPumping touched: Set<String>) {
        var toPump = touched
        for record in committed {
            for recipient in record.fields.recipients {
                guard var session = sessions[recipient] else { continue }
                if session.caughtUp, session.sentUpTo < record.sequence,
                    session.inFlight.count < configuration.creditWindow
                {
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
    func pump(_ nodeID: String) {
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

    func sendDelivery(_ record: LogRecord, to session: inout Session) -> Bool {
        guard send(.deliver(StoredEnvelope(bytes: record.envelope)), to: session.routingID) else { return false }
        session.sentUpTo = record.sequence
        session.inFlight.append(record.sequence)
        session.lastSent = .now
        counters.delivered.add(1)
        return true
    }

    func saveCursorsIfDue(force: Bool) throws {
        guard !dirtyCursors.isEmpty, force || ContinuousClock.now - lastCursorSave >= .milliseconds(200) else { return }
        try store.saveCursors(dirtyCursors)
        dirtyCursors.removeAll(keepingCapacity: true)
        lastCursorSave = .now
    }

    /// Sends the views the projection has answered.
    func sendViews() {
        for answer in projection.takeAnswers() {
            // A full queue or a vanished peer drops the answer; the node asks again after its timeout.
            _ = try? socket.trySend(answer)
        }
    }

    // MARK: Sending

    /// Sends a command to one connection; answers `false` if the connection's queue is full (its
    /// high-water mark) or it is gone.
    @discardableResult
    func send(_ command: Command, to routingID: Data, blocking: Bool = false) -> Bool {
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
