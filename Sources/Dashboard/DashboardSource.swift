import Foundation
import HubNode
import HubProtocol

/// Where the dashboard's figures come from: the hub's permission-filtered views, and the log's
/// records for the documents (a meeting's record, a period's report). The dashboard never folds
/// history itself on the hub's thread: views are answered by the hub's projection, and records
/// come by replay, only the tail since the previous page.
public protocol DashboardSource: Sendable {
    /// Every row of a view, as the dashboard's unit may see it.
    func view(_ kind: ViewKind) async throws -> View
    /// Every record in the log, in order.
    func records() async throws -> [Envelope]
}

/// A source over a node session of the coordinator's: views from the hub, records replayed once
/// and then followed from the last sequence seen.
public actor NodeSource: DashboardSource {
    private let node: HubNode
    private var cached: [Envelope] = []
    private var lastSequence: UInt64 = 0

    /// A source over `node`, a started session (transient: the dashboard writes no presence).
    public init(node: HubNode) {
        self.node = node
    }

    public func view(_ kind: ViewKind) async throws -> View {
        try await node.view(ViewRequest.with { $0.kind = kind })
    }

    public func records() async throws -> [Envelope] {
        let tail = try await node.replay(ReplayRequest.with { $0.fromSequence = lastSequence + 1 })
        for stored in tail {
            let envelope = try stored.decoded()
            guard envelope.sequence > lastSequence else { continue }
            cached.append(envelope)
            lastSequence = envelope.sequence
        }
        return cached
    }
}
