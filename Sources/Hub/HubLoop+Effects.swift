import Foundation
import HubCore
import HubProtocol
import Logging

/// The core's ``Outbox`` in the runtime: sends go to the ``Wire`` at the turn's end (its
/// ``WireSender``), to be encoded and sent off the loop's thread; the effects are carried out as they
/// come (log lines, counters, view requests for the projection).
final class LoopOutbox: Outbox {
    let sender: WireSender
    let logger: Logger
    let counters: HubCounters
    let projection: Projection

    init(_ sender: WireSender, logger: Logger, counters: HubCounters, projection: Projection) {
        self.sender = sender
        self.logger = logger
        self.counters = counters
        self.projection = projection
    }

    func send(_ command: Command, to routingID: Data) -> SendOutcome { sender.send(command, to: routingID) }

    func record(_ effect: Effect) {
        switch effect {
        case .log(let line):
            let metadata = line.metadata.mapValues { Logger.MetadataValue.string($0) }
            switch line.level {
            case .info: logger.info("\(line.message)", metadata: metadata)
            case .warning: logger.warning("\(line.message)", metadata: metadata)
            case .error: logger.error("\(line.message)", metadata: metadata)
            }
        case .count(let metric, let amount):
            count(metric, amount)
        case .askView(let routingID, let nodeID, let request, let atLeast):
            projection.ask(Projection.Job(routingID: routingID, nodeID: nodeID, request: request, atLeast: atLeast))
        }
    }

    private func count(_ metric: Metric, _ amount: Int) {
        switch metric {
        case .protocolErrors: counters.protocolErrors.add(amount)
        case .rateLimited: counters.rateLimited.add(amount)
        case .duplicates: counters.duplicates.add(amount)
        case .accepted: counters.accepted.add(amount)
        case .delivered: counters.delivered.add(amount)
        case .replayRequests: counters.replayRequests.add(amount)
        case .replayRecords: counters.replayRecords.add(amount)
        case .rejected(let code): counters.reject(code: code, count: amount)
        }
    }
}

// What the runtime does besides: saved cursors, views, gauges.
extension HubLoop {
    func saveCursorsIfDue(force: Bool) throws {
        let now = CoreTime.now
        guard let due = core.cursorsDue(now: now, force: force) else { return }
        try store.saveCursors(due)
        core.cursorsSaved(due, now: now)
    }

    /// Sets the session gauges, and every two seconds each unit's delivery lag.
    func recordGauges() {
        counters.sessions.record(core.sessions.count)
        counters.transientSessions.record(core.transients.count)
        guard ContinuousClock.now - lastLagUpdate >= .seconds(2) else { return }
        lastLagUpdate = .now
        for nodeID in configuration.topology.units.keys {
            if let lag = core.deliveryLag(of: nodeID) { counters.setLag(lag, node: nodeID) }
        }
    }
}
