import Coordination
import EventLog
import Foundation
import HubProtocol

// Sessions: HELLO, WELCOME, transient sessions, heartbeats, presence and revoked keys.
extension RouterCore {
    mutating func openSession(
        _ hello: Hello, nodeID: String, key: String, routingID: Data, reads: BatchReads, batch: inout Batch,
        now: CoreTime
    ) {
        guard hello.protocolMajor == UInt32(ProtocolVersion.major) else {
            sendError(
                .unsupportedVersion, "protocol major \(hello.protocolMajor) is not supported; this hub speaks 1.x",
                to: routingID, now: now)
            send(.close(Close.with { $0.reason = "unsupported protocol version" }), to: routingID, now: now)
            return
        }
        guard hello.nodeID == nodeID else {
            count(.protocolErrors)
            outbox.record(
                .log(
                    LogLine(
                        .warning, "HELLO names another node than its key", ["key": nodeID, "claimed": hello.nodeID])))
            sendError(
                .identityMismatch, "this connection's key belongs to \(nodeID), not \(hello.nodeID)", to: routingID,
                now: now)
            send(.close(Close.with { $0.reason = "identity mismatch" }), to: routingID, now: now)
            return
        }
        guard let stored = reads.cursors[nodeID] else {
            sendError(
                .storageUnavailable,
                "the hub could not read its log (\(reads.failure ?? "no cursor")); send HELLO again later",
                to: routingID, now: now)
            return
        }
        // A node cannot have seen beyond the head (a node restored from another log may claim to):
        // deliveries would never start.
        let cursor = min(max(stored, hello.lastSequenceSeen, dirtyCursors[nodeID] ?? 0), head)
        let wasOnline = sessions[nodeID] != nil
        if hello.transient {
            // Beside the unit's long-lived session, which it neither replaces nor shows as offline.
            transients[routingID] = TransientSession(
                nodeID: nodeID, key: key, lastHeard: now.instant, lastSent: now.instant)
        } else {
            transients[routingID] = nil
            if let old = sessions[nodeID] { nodeByRoutingID[old.routingID] = nil }
            sessions[nodeID] = Session(
                nodeID: nodeID, key: key, routingID: routingID, sentUpTo: cursor, ackedUpTo: cursor,
                lastHeard: now.instant, lastSent: now.instant)
            nodeByRoutingID[routingID] = nodeID
            dirtyCursors[nodeID] = cursor
        }
        let role = configuration.topology.units[nodeID]?.role.rawValue ?? ""
        let interval = configuration.heartbeatInterval.components
        send(
            .welcome(
                Welcome.with {
                    $0.nodeID = nodeID
                    $0.role = role
                    $0.headSequence = stampedHead
                    $0.resumeAfter = cursor
                    $0.heartbeatIntervalMs = UInt32(
                        interval.seconds * 1000 + interval.attoseconds / 1_000_000_000_000_000)
                    $0.heartbeatLiveness = UInt32(configuration.heartbeatLiveness)
                    $0.creditWindow = UInt32(configuration.creditWindow)
                    $0.maxMessageBytes = UInt32(ProtocolLimits.maxMessageBytes)
                    $0.hubTimeMs = now.wallMs
                }), to: routingID, now: now)
        outbox.record(.log(LogLine(.info, "session opened", ["node": nodeID, "resume_after": "\(cursor)"])))
        // A command that connects, acts and leaves is not a unit coming online (SPEC.md 4.1).
        if !wasOnline, !hello.transient {
            presence(nodeID, online: true, reason: "session opened", batch: &batch, now: now)
        }
    }

    mutating func sendError(_ code: ErrorCode, _ reason: String, to routingID: Data, now: CoreTime) {
        send(
            .error(
                ProtocolError.with {
                    $0.code = code
                    $0.reason = reason
                    $0.command = UInt32(CommandCode.hello.rawValue)
                }), to: routingID, now: now)
    }

    mutating func endSession(_ nodeID: String, reason: String, batch: inout Batch, now: CoreTime) {
        guard let session = sessions.removeValue(forKey: nodeID) else { return }
        nodeByRoutingID[session.routingID] = nil
        outbox.record(.log(LogLine(.info, "session ended", ["node": nodeID, "reason": reason])))
        presence(nodeID, online: false, reason: reason, batch: &batch, now: now)
    }

    /// After a reload of the node keys: ends at once every session whose key `isCurrent` no longer
    /// holds (promise 12), and answers the presence records to write.
    public mutating func endRevokedSessions(
        isCurrent: (_ node: String, _ key: String) -> Bool, now: CoreTime
    ) -> Batch {
        var batch = Batch()
        for (nodeID, session) in sessions.sorted(by: { $0.key < $1.key }) where !isCurrent(nodeID, session.key) {
            refuseRevoked(session.routingID, nodeID: nodeID, now: now)
            endSession(nodeID, reason: "key revoked", batch: &batch, now: now)
        }
        for (routingID, session) in transients where !isCurrent(session.nodeID, session.key) {
            refuseRevoked(routingID, nodeID: session.nodeID, now: now)
            transients[routingID] = nil
        }
        return batch
    }

    /// Tells a connection whose key was revoked that it is closed.
    mutating func refuseRevoked(_ routingID: Data, nodeID: String, now: CoreTime) {
        warn("a revoked key is closed", node: nodeID, kind: "revoked", now: now)
        send(
            .error(
                ProtocolError.with {
                    $0.code = .notAuthorised
                    $0.reason = "this connection's key is no longer registered for \(nodeID)"
                }), to: routingID, now: now)
        send(.close(Close.with { $0.reason = "key revoked" }), to: routingID, now: now)
    }

    /// Heartbeats to quiet sessions; sessions silent for `liveness` intervals end. Answers the
    /// presence records to write.
    public mutating func keepSessionsAlive(now: CoreTime) -> Batch {
        let silence = configuration.heartbeatInterval * configuration.heartbeatLiveness
        var batch = Batch()
        for (nodeID, session) in sessions.sorted(by: { $0.key < $1.key }) {
            if now.instant - session.lastHeard > silence {
                endSession(nodeID, reason: "heartbeat expired", batch: &batch, now: now)
            } else if now.instant - session.lastSent >= configuration.heartbeatInterval {
                send(.heartbeat, to: session.routingID, now: now)
            }
        }
        for (routingID, session) in transients {
            if now.instant - session.lastHeard > silence {
                transients[routingID] = nil
            } else if now.instant - session.lastSent >= configuration.heartbeatInterval {
                send(.heartbeat, to: routingID, now: now)
            }
        }
        return batch
    }

    /// Sends CLOSE to every connection with a session: the hub is stopping.
    public mutating func closeAll(now: CoreTime) {
        for routingID in sessions.values.map(\.routingID) + transients.keys {
            send(.close(Close.with { $0.reason = "hub shutting down" }), to: routingID, now: now)
        }
    }

    /// The acknowledged positions to save now (every `cursorSaveInterval`, or at once when
    /// `force`), or `nil`; the runtime calls ``cursorsSaved(now:)`` once they are stored.
    public func cursorsDue(now: CoreTime, force: Bool) -> [String: UInt64]? {
        guard !dirtyCursors.isEmpty else { return nil }
        if !force, let last = lastCursorSave, now.instant - last < configuration.cursorSaveInterval { return nil }
        return dirtyCursors
    }

    /// The positions handed out by ``cursorsDue(now:force:)`` are stored.
    public mutating func cursorsSaved(_ saved: [String: UInt64], now: CoreTime) {
        for (node, position) in saved where dirtyCursors[node] == position { dirtyCursors[node] = nil }
        lastCursorSave = now.instant
    }
}
