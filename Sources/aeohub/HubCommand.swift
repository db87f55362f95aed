import ArgumentParser
import Dashboard
import Deployment
import Foundation
import Hub
import HubNode
import Logging
import Observability
import ServiceLifecycle
import UnixSignals
import ZeroMQ

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the central router until SIGTERM or SIGINT; SIGHUP reloads the node keys from the topology file."
    )

    @Option(help: "The topology file (see Deploy/xiamen-topology.yaml).")
    var config: String

    @Option(help: "Once listening, write the bound endpoint (with the real port) to this file.")
    var readyFile: String?

    @Flag(
        help: "Walk the log's whole hash chain before serving (by default only the records after the newest snapshot).")
    var verifyLog = false

    @Option(
        help: ArgumentHelp(
            "Write a snapshot of the folded state after this many new records (0: none); also every 10 minutes and at "
                + "a graceful stop.")
    )
    var snapshotEvery: UInt64 = 50_000

    @Option(help: "Bind here instead of the topology's hub.bind (the second hub of a pair on the same machine).")
    var bind: String?

    @Option(
        help: ArgumentHelp(
            "With the log on PostgreSQL: seconds the lease lasts unless renewed (renewed every third of it). The "
                + "backup takes over within about this long of the primary's death."))
    var leaseSeconds: Double = 3

    @Option(help: "With the log on PostgreSQL: this hub's name in the lease (default: host/pid/random).")
    var leaseHolder: String?

    @Option(help: "trace, debug, info, notice, warning or error.")
    var logLevel: String = "info"

    @Option(help: "Serve /metrics and /healthz over HTTP on HOST:PORT (a port alone: on 127.0.0.1).")
    var http: String?

    @Option(help: "Seconds since the hub loop last went round after which /healthz answers 503.")
    var healthMaxLoopAge: Double = 5

    @Option(help: "Also serve the coordinator's dashboard on HOST:PORT (see `aeohub dashboard`).")
    var dashboard: String?

    @Option(help: "The dashboard's unit (default: the topology's coordinator).")
    var dashboardNode: String?

    @Option(help: "That unit's secret key file (required with --dashboard).")
    var dashboardKey: String?

    @Option(help: "The dashboard's accounts file (required for an address other than loopback).")
    var dashboardAccounts: String?

    func run() async throws {
        // Node ids and other text from the wire reach the log: escaped, they cannot forge a line.
        var logger = Logger(label: "aeohub.hub") {
            EscapingLogHandler(wrapping: StreamLogHandler.standardError(label: $0))
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level '\(logLevel)' is not a level")
        }
        logger.logLevel = level
        let address = try http.map { text in
            guard let address = Observability.parseAddress(text) else {
                throw ValidationError("--http '\(text)' is not HOST:PORT or a port")
            }
            return address
        }
        guard healthMaxLoopAge > 0 else { throw ValidationError("--health-max-loop-age must be above 0") }
        let file = try TopologyFile.load(path: config)
        // The process's one metrics backend: the hub records into it, /metrics reads it.
        let metrics = MetricsBackend()
        metrics.bootstrap()
        var configuration = try file.hubConfiguration()
        configuration.metricsFactory = metrics.factory
        configuration.verifyWholeLogAtStart = verifyLog
        configuration.snapshotEveryRecords = snapshotEvery
        if let bind { configuration.endpoint = bind }
        if case .postgresql = configuration.store {
            try await runPair(configuration, file: file, metrics: metrics, address: address, logger: logger)
            return
        }
        let hub = try await Hub.open(configuration: configuration, logger: logger)
        if let readyFile { try hub.endpoint.write(toFile: readyFile, atomically: true, encoding: .utf8) }
        let reloader = AllowlistReloader(topologyPath: config, logger: logger) { hub.reloadAllowlist($0) }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: hub),
            .init(
                service: reloader, successTerminationBehavior: .ignore,
                failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let address {
            let health = HubHealth(hub: hub, maxLoopAge: .milliseconds(Int64(healthMaxLoopAge * 1000)))
            let server = ObservabilityServer(
                host: address.host, port: address.port, metrics: metrics, health: health, logger: logger)
            services.append(.init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let dashboard {
            services.append(
                .init(
                    service: try dashboardService(dashboard, file: file, hubEndpoint: hub.endpoint, logger: logger),
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        try await runGroup(services, logger: logger)
    }

    func runGroup(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// A hub of a primary/backup pair (SPEC.md 13): it serves only while it holds the lease on the log.
    /// The ready file holds the endpoint while this hub serves, and is removed when it stops serving.
    func runPair(
        _ configuration: HubConfiguration, file: TopologyFile, metrics: MetricsBackend,
        address: (host: String, port: Int)?, logger: Logger
    ) async throws {
        guard leaseSeconds >= 0.3 else { throw ValidationError("--lease-seconds must be at least 0.3") }
        var settings = LeaseSettings()
        if let leaseHolder { settings.holder = leaseHolder }
        settings.duration = .milliseconds(Int64(leaseSeconds * 1000))
        settings.renewInterval = settings.duration / 3
        settings.pollInterval = min(.milliseconds(250), settings.duration / 6)
        let readyFile = self.readyFile
        let pair = try LeasedHub(configuration: configuration, settings: settings, logger: logger) { event in
            guard let readyFile else { return }
            switch event {
            case .serving(let endpoint, _): try? endpoint.write(toFile: readyFile, atomically: true, encoding: .utf8)
            case .steppedDown: try? FileManager.default.removeItem(atPath: readyFile)
            }
        }
        logger.notice(
            "waiting for the lease on the log", metadata: ["holder": "\(settings.holder)", "store": "\(file.store)"])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: pair),
            .init(
                service: AllowlistReloader(topologyPath: config, logger: logger) { pair.reloadAllowlist($0) },
                successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let address {
            let health = HubHealth(
                pair: pair, store: configuration.store,
                maxLoopAge: .milliseconds(Int64(healthMaxLoopAge * 1000)))
            let server = ObservabilityServer(
                host: address.host, port: address.port, metrics: metrics, health: health, logger: logger)
            services.append(.init(service: server, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let dashboard {
            // The dashboard is a node of the pair like any other: it follows whichever hub serves.
            services.append(
                .init(
                    service: try dashboardService(dashboard, file: file, hubEndpoint: file.endpoint, logger: logger),
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        try await runGroup(services, logger: logger)
    }
}

extension HubCommand {
    /// The dashboard beside the hub: a transient session of the coordinator's to this hub.
    func dashboardService(
        _ listen: String, file: TopologyFile, hubEndpoint: String, logger: Logger
    ) throws -> DashboardService {
        guard let address = Observability.parseAddress(listen) else {
            throw ValidationError("--dashboard '\(listen)' is not HOST:PORT or a port")
        }
        guard let nodeID = dashboardNode ?? file.topology.ids(of: .coordinator).first else {
            throw ValidationError("--dashboard-node: the topology has no coordinator; name the dashboard's unit")
        }
        guard let keyPath = dashboardKey else {
            throw ValidationError("--dashboard needs --dashboard-key, \(nodeID)'s secret key")
        }
        let pair = try CurveKeyPair(secretKey: try KeyFiles.readSecretKey(keyPath))
        guard file.unitKeys[nodeID] == pair.publicKey else {
            throw ValidationError("\(keyPath) is not \(nodeID)'s key in \(config)")
        }
        let settings = Dashboard.Settings(
            host: address.host, port: address.port, accounts: try dashboardAccounts.map(Accounts.init(path:)))
        guard settings.isLoopback || settings.accounts != nil else {
            throw ValidationError(
                "--dashboard on \(address.host), not a loopback address, needs --dashboard-accounts FILE")
        }
        // The dashboard connects to this hub on loopback whatever address the hub binds.
        let endpoint = hubEndpoint.replacingOccurrences(of: "tcp://0.0.0.0:", with: "tcp://127.0.0.1:")
        var node = NodeConfiguration(nodeID: nodeID, endpoint: endpoint, hubKey: file.hubPublicKey, keyPair: pair)
        if file.endpoints.count > 1 { node.endpoints = file.endpoints }
        return DashboardService(node: node, topology: file.topology, settings: settings, logger: logger)
    }
}

/// Key rotation: on SIGHUP, reads the topology file again and gives the hub its node keys.
/// Sessions already open stay; a key no longer listed is refused at its next handshake. A file
/// that does not load is logged and the keys in force are kept.
struct AllowlistReloader: Service {
    let topologyPath: String
    let logger: Logger
    /// Gives the hub the keys; answers the units left out.
    let reload: @Sendable ([CurveKey: String]) -> [String]

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let file = try TopologyFile.load(path: topologyPath)
                let keys = Dictionary(file.unitKeys.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
                let leftOut = reload(keys)
                logger.notice(
                    "node keys reloaded",
                    metadata: ["file": "\(topologyPath)", "keys": "\(keys.count - leftOut.count)"])
                if !leftOut.isEmpty {
                    logger.warning(
                        "units not in the running topology are left out until the hub restarts",
                        metadata: ["units": "\(leftOut.joined(separator: ", "))"])
                }
            } catch {
                logger.error("node keys not reloaded; the keys in force stay", metadata: ["error": "\(error)"])
            }
        }
    }
}
