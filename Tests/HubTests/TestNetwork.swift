import Coordination
import EventLog
import EventLogSQLite
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Synchronization
import ZeroMQ

let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A small Xiamen network on loopback: a hub with a real SQLite log in a temporary folder and
/// real CURVE keys, and nodes that connect to it.
class TestNetwork: @unchecked Sendable {
    // @unchecked: mutated only by the test that owns it, on one task at a time.
    let folder: URL
    let hubKeys: CurveKeyPair
    let keys: [String: CurveKeyPair]
    let topology: Topology
    var hub: Hub?
    var hubTask: Task<Void, any Error>?
    var endpoint = "tcp://127.0.0.1:*"
    var creditWindow = 64
    var heartbeatLiveness = 3
    var rateLimit: RateLimit? = .standard
    /// The hub socket's high-water mark per connection, in messages.
    var highWaterMark: Int32 = 1000
    var replayStallLimit: Duration = .seconds(30)
    /// The hub's logger (silent unless a test listens).
    var logger = quiet
    /// Wraps the hub's SQLite store, e.g. to inject storage faults.
    var wrapStore: (@Sendable (any EventStore) -> any EventStore)?

    static let units = [
        Unit(id: "commerce-bureau", role: .coordinator, name: "Municipal Commerce Bureau"),
        Unit(id: "xm-dongdu", role: .customs, name: "Dongdu Customs"),
        Unit(id: "xm-haicang", role: .customs, name: "Haicang Customs"),
        Unit(id: "fuzhou-customs", role: .partner, name: "Fuzhou Customs"),
        Unit(id: "huli", role: .district, name: "Huli District", area: "350206", customsOffice: "xm-dongdu"),
        Unit(id: "siming", role: .district, name: "Siming District", area: "350203", customsOffice: "xm-dongdu"),
        Unit(id: "haicang", role: .district, name: "Haicang District", area: "350205", customsOffice: "xm-haicang"),
        Unit(id: "finance-bureau", role: .department, name: "Municipal Finance Bureau 市财政局"),
        Unit(id: "trade-association", role: .association, name: "Xiamen Import and Export Association"),
    ]

    init(units: [Coordination.Unit] = TestNetwork.units) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-hubtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        hubKeys = try CurveKeyPair.generate()
        var keys: [String: CurveKeyPair] = [:]
        for unit in units { keys[unit.id] = try CurveKeyPair.generate() }
        self.keys = keys
        topology = Topology(units: units)
    }

    deinit {
        hub?.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Where the log lives; in the test's folder unless a test puts it elsewhere (a small disk).
    var logDirectory: URL?
    var logPath: String { (logDirectory ?? folder).appendingPathComponent("log.sqlite").path }

    var configuration: HubConfiguration {
        var configuration = HubConfiguration(
            endpoint: endpoint, keyPair: hubKeys, logPath: logPath, topology: topology,
            nodeKeys: Dictionary(uniqueKeysWithValues: keys.map { ($0.value.publicKey, $0.key) })
        )
        configuration.creditWindow = creditWindow
        configuration.heartbeatLiveness = heartbeatLiveness
        configuration.rateLimit = rateLimit
        configuration.highWaterMark = highWaterMark
        configuration.replayStallLimit = replayStallLimit
        if let wrapStore {
            configuration.openStore = { wrapStore(try SQLiteEventStore(path: $0.logPath, tailCheck: 0)) }
        }
        return configuration
    }

    /// Starts (or restarts, on the same port) the hub.
    func startHub() throws {
        let hub = try Hub(configuration: configuration, logger: logger)
        endpoint = hub.endpoint
        self.hub = hub
        hub.start()  // serving must not wait for a free concurrency thread
        hubTask = Task { try await hub.run() }
    }

    func stopHub() async {
        await hub?.shutdown()
        _ = await hubTask?.result
        hub = nil
    }

    func node(_ id: String, state: Bool = true) async throws -> HubNode {
        var configuration = NodeConfiguration(
            nodeID: id, endpoint: endpoint, hubKey: hubKeys.publicKey, keyPair: keys[id]!,
            stateDirectory: state ? folder.appendingPathComponent("nodes").path : nil
        )
        configuration.retryInterval = .milliseconds(500)
        let node = try HubNode(configuration: configuration, logger: quiet)
        try await node.start()
        return node
    }

    func store() throws -> SQLiteEventStore { try SQLiteEventStore(path: logPath, tailCheck: 0) }

    /// The truth: the state folded from the whole log, read straight from the store.
    func truth() throws -> CoordinationState {
        let store = try store()
        var state = CoordinationState(topology: topology)
        var after: UInt64 = 0
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { return state }
            for record in chunk { state.fold(try Envelope(serializedBytes: record.envelope)) }
            after = last.sequence
        }
    }
}

extension ViewRequest {
    /// A request for every row of `kind`.
    static func of(_ kind: ViewKind) -> ViewRequest { ViewRequest.with { $0.kind = kind } }
}

/// Envelopes for the tests.
enum Make {
    static let uscc = "91350200776049653A"

    static func report(_ text: String, id: String = "", to nodes: [String] = []) -> Envelope {
        Envelope.with {
            $0.messageID = id
            $0.to = Recipients.with { $0.nodes = nodes }
            $0.progressReport = ProgressReport.with {
                $0.period = "2026-09/2026-10"
                $0.text = text
            }
        }
    }

    static func request(_ id: String, area: String = "350206") -> Envelope {
        Envelope.with {
            $0.requestFiled = RequestFiled.with {
                $0.requestID = id
                $0.enterprise = Enterprise.with {
                    $0.uscc = uscc
                    $0.name = "Xiamen Example Trading"
                }
                $0.area = area
                $0.category = .aeoCertificationIntent
                $0.description_p = "Wants to apply for AEO certification."
                $0.contact = Contact.with { $0.name = "Lin Wei" }
            }
        }
    }
}

extension Envelope {
    /// The envelope with message id `id`.
    func with(id: String) -> Envelope {
        var envelope = self
        envelope.messageID = id
        return envelope
    }
}

/// Collects a node's deliveries in the background.
final class Inbox: Sendable {
    private let items = Locked<[HubNode.Delivery]>([])
    let task: Task<Void, any Error>

    init(_ node: HubNode, delay: Duration? = nil) {
        let items = self.items
        task = Task {
            try await node.handleDeliveries { delivery in
                if let delay { try await Task.sleep(for: delay) }
                items.mutate { $0.append(delivery) }
            }
        }
    }

    var deliveries: [HubNode.Delivery] { items.value }
    var sequences: [UInt64] { deliveries.map(\.sequence) }

    /// Waits until `count` deliveries arrived (or 30 s passed).
    func wait(for count: Int) async throws {
        try await wait { $0.count >= count }
    }

    /// Waits until the delivered sequences satisfy `condition` (or 30 s passed).
    func wait(until condition: ([UInt64]) -> Bool) async throws {
        for _ in 0..<3000 where !condition(sequences) {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

final class Locked<Value: Sendable>: Sendable {
    private let mutex: Synchronization.Mutex<Value>
    init(_ value: Value) { mutex = .init(value) }
    var value: Value { mutex.withLock { $0 } }
    func mutate(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
}

/// A log handler that keeps each line as it would be written (message, then key=value metadata).
struct CapturingLogHandler: LogHandler {
    let lines: Locked<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.mutate { $0.append(([event.message.description] + fields).joined(separator: " ")) }
    }
}
