import Foundation

// The gauges the hub thread sets: sessions each round, the delivery lags every two seconds.
extension HubLoop {
    /// Sets the session gauges, and every two seconds each unit's delivery lag.
    func recordGauges() {
        counters.sessions.record(sessions.count)
        counters.transientSessions.record(transients.count)
        guard ContinuousClock.now - lastLagUpdate >= .seconds(2) else { return }
        lastLagUpdate = .now
        for nodeID in configuration.topology.units.keys {
            if let lag = deliveryLag(of: nodeID) { counters.setLag(lag, node: nodeID) }
        }
    }

    /// How far the node's acknowledgements are behind the log's head, in sequence numbers: the head
    /// minus the sequence before the first record addressed to the node that it has not acknowledged,
    /// and 0 when it acknowledged every record addressed to it. (The head minus its cursor alone
    /// would grow with records addressed to others, and make a unit seldom written to look late.)
    /// Answers `nil` when the log cannot be read.
    func deliveryLag(of nodeID: String) -> UInt64? {
        let acknowledged: UInt64
        if let session = sessions[nodeID] {
            if let first = session.inFlight.first { return head - min(head, first - 1) }
            if session.caughtUp { return 0 }
            acknowledged = session.ackedUpTo
        } else if let dirty = dirtyCursors[nodeID] {
            acknowledged = dirty
        } else {
            guard let stored = try? store.cursor(for: nodeID) else { return nil }
            acknowledged = stored
        }
        // An offline unit's (or one catching up): one indexed read of the next record it is owed.
        guard let next = try? store.deliveries(for: nodeID, after: acknowledged, limit: 1) else { return nil }
        guard let first = next.first else { return 0 }
        return head - min(head, first.sequence - 1)
    }
}
