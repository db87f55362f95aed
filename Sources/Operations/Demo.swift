import Coordination
import Deployment
import EventLog
import EventLogSQLite
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Reports
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// `aeohub demo`: the Xiamen network on loopback, playing the three daily uses end to end.
///
/// Everything is real: a hub with its SQLite log in `directory`, fresh CURVE keys, and one ZeroMQ
/// node per unit connecting over tcp.
public struct Demo: Sendable {
    public let directory: URL
    let say: @Sendable (String) -> Void
    let logger: Logger
    /// Services to run beside the hub, in its service group (e.g. its metrics and health over HTTP).
    public var companions: @Sendable (Hub) -> [any Service] = { _ in [] }

    public init(directory: URL, logger: Logger, say: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        self.logger = logger
        self.say = say
    }

    /// Where the demo left its results.
    public struct Outcome: Sendable {
        public var logPath: String
        public var reportPaths: [String]
        public var topologyPath: String
        public var endpoint: String
        public var records: UInt64
    }

    /// Plays the scenario; with `keepRunning`, leaves the hub up until SIGINT or SIGTERM.
    public func run(keepRunning: Bool) async throws -> Outcome {
        let keysFolder = directory.appendingPathComponent("keys").path
        let hubKeys = try CurveKeyPair.generate()
        try KeyFiles.write(hubKeys, name: "hub", folder: keysFolder)
        var unitKeys: [String: CurveKeyPair] = [:]
        for unit in XiamenNetwork.units {
            unitKeys[unit.id] = try CurveKeyPair.generate()
            try KeyFiles.write(unitKeys[unit.id]!, name: unit.id, folder: keysFolder)
        }
        let logPath = directory.appendingPathComponent("log.sqlite").path
        let topology = Topology(units: XiamenNetwork.units)
        let configuration = HubConfiguration(
            endpoint: "tcp://127.0.0.1:*", keyPair: hubKeys, logPath: logPath, topology: topology,
            nodeKeys: Dictionary(uniqueKeysWithValues: unitKeys.map { ($0.value.publicKey, $0.key) }))
        let hub = try await Hub.open(configuration: configuration, logger: logger)
        let topologyPath = try writeTopology(
            endpoint: hub.endpoint, hubKeys: hubKeys, unitKeys: unitKeys, logPath: logPath)
        let group = ServiceGroup(
            services: [hub] + companions(hub), gracefulShutdownSignals: keepRunning ? [.sigterm, .sigint] : [],
            logger: logger)
        let serving = Task { try await group.run() }

        say(
            "AEO Hub demo: \(XiamenNetwork.units.count) units on loopback, hub at \(hub.endpoint), CURVE keys in "
                + "\(keysFolder)"
        )
        say("log: \(logPath)\n")

        let network = try await DemoNetwork.connect(
            units: XiamenNetwork.units.map(\.id).filter { $0 != XiamenNetwork.fuzhou }, endpoint: hub.endpoint,
            hubKey: hubKeys.publicKey, keys: unitKeys, stateFolder: directory.appendingPathComponent("nodes").path,
            logger: logger)
        let scenario = Scenario(
            network: network, say: say, keys: unitKeys, hubKey: hubKeys.publicKey, endpoint: hub.endpoint,
            stateFolder: directory.appendingPathComponent("nodes").path, logger: logger)
        let reportPaths = try await scenario.play(into: directory)
        await network.closeAll()

        let store = try SQLiteEventStore(path: logPath, tailCheck: 0)
        let verified = try store.verify()
        say("\nlog verify: \(verified)")
        let counters = hub.counters.snapshot.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        say("hub counters: " + counters.joined(separator: " "))
        let outcome = Outcome(
            logPath: logPath, reportPaths: reportPaths, topologyPath: topologyPath, endpoint: hub.endpoint,
            records: try store.head().sequence)
        if keepRunning {
            say("\nThe hub keeps running at \(hub.endpoint) (topology \(topologyPath)); Ctrl-C stops it.")
            try await serving.value
        } else {
            await group.triggerGracefulShutdown()
            try await serving.value
        }
        return outcome
    }

    private func writeTopology(
        endpoint: String, hubKeys: CurveKeyPair, unitKeys: [String: CurveKeyPair], logPath: String
    ) throws -> String {
        var text = """
            # Written by `aeohub demo`: the demo's own network on loopback.
            hub:
              bind: \(endpoint)
              endpoint: \(endpoint)
              public_key: "\(hubKeys.publicKey.z85)"
              secret_key_file: keys/hub.secret
              log: \(logPath)
            units:

            """
        for unit in XiamenNetwork.units {
            text += "  - id: \(unit.id)\n    role: \(unit.role.rawValue)\n    name: \"\(unit.name)\"\n"
            if let area = unit.area { text += "    area: \"\(area)\"\n" }
            if let office = unit.customsOffice { text += "    customs: \(office)\n" }
            text += "    public_key: \"\(unitKeys[unit.id]!.publicKey.z85)\"\n"
        }
        let path = directory.appendingPathComponent("topology.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The demo's nodes and what each has received.
final class DemoNetwork: Sendable {
    let nodes: Mutex<[String: HubNode]>
    let inboxes: Mutex<[String: [Envelope]]>
    let handlers: Mutex<[Task<Void, any Error>]>

    private init() {
        nodes = Mutex([:])
        inboxes = Mutex([:])
        handlers = Mutex([])
    }

    static func connect(
        units: [String], endpoint: String, hubKey: CurveKey, keys: [String: CurveKeyPair], stateFolder: String,
        logger: Logger
    ) async throws -> DemoNetwork {
        let network = DemoNetwork()
        for id in units {
            try await network.add(
                id, endpoint: endpoint, hubKey: hubKey, keyPair: keys[id]!, stateFolder: stateFolder, logger: logger)
        }
        return network
    }

    func add(
        _ id: String, endpoint: String, hubKey: CurveKey, keyPair: CurveKeyPair, stateFolder: String, logger: Logger
    ) async throws {
        let node = try HubNode(
            configuration: NodeConfiguration(
                nodeID: id, endpoint: endpoint, hubKey: hubKey, keyPair: keyPair, stateDirectory: stateFolder),
            logger: logger)
        try await node.start()
        nodes.withLock { $0[id] = node }
        let task = Task {
            try await node.handleDeliveries { [self] delivery in
                inboxes.withLock { $0[id, default: []].append(delivery.envelope) }
            }
        }
        handlers.withLock { $0.append(task) }
    }

    func node(_ id: String) -> HubNode { nodes.withLock { $0[id]! } }
    var ids: [String] { nodes.withLock { $0.keys.sorted() } }

    func received(_ id: String) -> [Envelope] { inboxes.withLock { $0[id] ?? [] } }

    /// Waits (up to 10 s) until `id` has received something matching `match`.
    func waitFor(_ id: String, _ match: @Sendable (Envelope) -> Bool) async throws -> Envelope {
        for _ in 0..<1000 {
            if let found = received(id).first(where: match) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DemoError("\(id) did not receive the expected message within 10 s")
    }

    func close(_ id: String) async {
        guard let node = nodes.withLock({ $0.removeValue(forKey: id) }) else { return }
        await node.close()
    }

    func closeAll() async {
        for id in ids { await close(id) }
        for task in handlers.withLock({ $0 }) { _ = await task.result }
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
