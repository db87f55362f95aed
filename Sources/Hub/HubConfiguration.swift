import Coordination
import EventLog
import EventLogStores
import Metrics
import ZeroMQ

/// Everything a hub needs to run.
public struct HubConfiguration: Sendable {
    /// Where the ROUTER binds, e.g. `tcp://0.0.0.0:5570` or `tcp://127.0.0.1:*`.
    public var endpoint: String
    /// The hub's long-term CURVE key pair.
    public var keyPair: CurveKeyPair
    /// The SQLite event log's file (``store`` is `.sqlite` at this path unless set otherwise).
    public var logPath: String
    /// Where the event log lives: SQLite (the default, at ``logPath``) or PostgreSQL.
    public var store: StoreLocation
    /// The units and the authorisation table.
    public var topology: Topology
    /// The allowlist: each node's public key and its node id.
    public var nodeKeys: [CurveKey: String]
    /// Unacknowledged deliveries in flight per node.
    public var creditWindow: Int = 64
    /// How often each side shows it is alive.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Intervals of silence after which the peer is gone.
    public var heartbeatLiveness: Int = 3
    /// The most submits committed in one transaction.
    public var maxBatch: Int = 1000
    /// ZeroMQ high-water mark per connection, in messages.
    public var highWaterMark: Int32 = 1000
    /// Submits and replay requests each node may send; `nil` for no limit. Over it, a submit is
    /// answered RATE_LIMITED (retry later with the same message id).
    public var rateLimit: RateLimit? = .standard
    /// How long a replay's reader may leave its queue full before the replay is abandoned.
    public var replayStallLimit: Duration = .seconds(30)
    /// A snapshot of the folded state is written after this many new records (SPEC.md 12), and at a
    /// graceful stop; `0` writes none.
    public var snapshotEveryRecords: UInt64 = 50_000
    /// ... or after this long, when the log has grown at all since the last one.
    public var snapshotInterval: Duration = .seconds(600)
    /// Walk the whole hash chain at start-up, besides the tail after the newest snapshot.
    public var verifyWholeLogAtStart = false
    /// Where the hub records its metrics (``HubCounters``); `nil` for the process's
    /// `MetricsSystem.factory`. Hubs sharing a process (tests) should each have their own.
    public var metricsFactory: (any MetricsFactory)?
    /// Opens the event log at ``store`` unless replaced (tests inject storage faults here).
    /// The store skips its own tail check: the hub checks the whole chain as it folds the log.
    public var openStore: @Sendable (HubConfiguration) throws -> any EventStore = { configuration in
        try EventStores.open(configuration.store, tailCheck: 0)
    }

    public init(
        endpoint: String, keyPair: CurveKeyPair, logPath: String, topology: Topology, nodeKeys: [CurveKey: String]
    ) {
        self.endpoint = endpoint
        self.keyPair = keyPair
        self.logPath = logPath
        store = .sqlite(path: logPath)
        self.topology = topology
        self.nodeKeys = nodeKeys
    }
}
