import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

// Sessions: HELLO, WELCOME, transient sessions, heartbeats, presence and revoked keys.
extension HubLoop {
    // MARK: Sessions

    func openSession(
        _ hello: Hello, nodeID: String, key: String, routingID: Data, pending: inout [PendingRecord]
    ) throws {
        guard hello.protocolMajor == UInt32(ProtocolVersion.major) else {
            send(
                .error(
                    ProtocolError.with {
                        $0.code = .unsupportedVersion
                        $0.reason = "protocol major \(hello.protocolMajor) is not supported; this hub speaks 1.x"
                        $0.command = 1
                    }), to: routingID)
            send(.close(Close.with { $0.reason = "unsupported protocol version" }), to: routingID)
            return
        }
        guard hello.nodeID == nodeID else {
            counters.protocolErrors.add(1)
            logger.warning(
                "HELLO names another node than its key", metadata: ["key": "\(nodeID)", "claimed": "\(hello.nodeID)"])
            send(
                .error(
                    ProtocolError.with {
                        $0.code = .identityMismatch
                        $0.reason = "this connection's key belongs to \(nodeID), not \(hello.nodeID)"
                        $0.command = 1
                    }), to: routingID)
            send(.close(Close.with { $0.reason = "identity mismatch" }), to: routingID)
            return
        }
        // A node cannot have seen beyond the head (a node restored from another log may claim to):
        // deliveries would never start.
        let cursor = min(max(try store.cursor(for: nodeID), hello.lastSequenceSeen, dirtyCursors[nodeID] ?? 0), head)
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
        send(
            .welcome(
                Welcome.with {
                    $0.nodeID = nodeID
                    $0.role = role
                    $0.headSequence = head + UInt64(pending.count)
                    $0.resumeAfter = cursor
                    $0.heartbeatIntervalMs = UInt32(
                        configuration.heartbeatInterval.components.seconds * 1000 + configuration.heartbeatInterval
                            .components.attoseconds / 1_000_000_000_000_000)
                    $0.heartbeatLiveness = UInt32(configuration.heartbeatLiveness)
                    $0.creditWindow = UInt32(configuration.creditWindow)
                    $0.maxMessageBytes = UInt32(ProtocolLimits.maxMessageBytes)
                    $0.hubTimeMs = Int64(Date().timeIntervalSince1970 * 1000)
                }), to: routingID)
        logger.info("session opened", metadata: ["node": "\(nodeID)", "resume_after": "\(cursor)"])
        // A command that connects, acts and leaves is not a unit coming online (SPEC.md 4.1).
        if !wasOnline, !hello.transient { presence(nodeID, online: true, reason: "session opened", pending: &pending) }
    }

    func endSession(_ nodeID: String, reason: String, pending: inout [PendingRecord]) {
        guard let session = sessions.removeValue(forKey: nodeID) else { return }
        nodeByRoutingID[session.routingID] = nil
        logger.info("session ended", metadata: ["node": "\(nodeID)", "reason": "\(reason)"])
        presence(nodeID, online: false, reason: reason, pending: &pending)
    }

    /// After a reload of the node keys: ends at once every session whose key is gone (promise 12).
    func endRevokedSessions() throws {
        keyGeneration = allowlist.generation
        var pending: [PendingRecord] = []
        for (nodeID, session) in sessions where !allowlist.isCurrent(.init(node: nodeID, key: session.key)) {
            refuseRevoked(session.routingID, nodeID: nodeID)
            endSession(nodeID, reason: "key revoked", pending: &pending)
        }
        for (routingID, session) in transients where !allowlist.isCurrent(.init(node: session.nodeID, key: session.key))
        {
            refuseRevoked(routingID, nodeID: session.nodeID)
            transients[routingID] = nil
        }
        let committed = try commit(pending, waiting: [])
        deliver(committed, alsoPumping: [])
    }

    /// Tells a connection whose key was revoked that it is closed.
    func refuseRevoked(_ routingID: Data, nodeID: String) {
        logThrottle.warning(logger, "a revoked key is closed", node: nodeID, kind: "revoked")
        send(
            .error(
                ProtocolError.with {
                    $0.code = .notAuthorised
                    $0.reason = "this connection's key is no longer registered for \(nodeID)"
                }), to: routingID)
        send(.close(Close.with { $0.reason = "key revoked" }), to: routingID)
    }

    /// Heartbeats to quiet sessions; sessions silent for `liveness` intervals end.
    func keepSessionsAlive() throws {
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
}
