import Coordination
import HubNode
import Logging
import ServiceLifecycle

/// The dashboard as one more service of a process that runs the hub (`aeohub hub --dashboard`):
/// it opens a transient session of its node to that hub, then serves the pages until shutdown.
public struct DashboardService: Service {
    let node: NodeConfiguration
    let topology: Topology
    let settings: Dashboard.Settings
    let logger: Logger

    /// A dashboard for the unit `node` describes (its key, the hub's endpoint and key).
    public init(node: NodeConfiguration, topology: Topology, settings: Dashboard.Settings, logger: Logger) {
        var node = node
        node.transient = true
        self.node = node
        self.topology = topology
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let session = try HubNode(configuration: node, logger: logger)
        // The hub starts beside this service: ask until it answers (it checks its log first).
        var attempt = 0
        while true {
            do {
                try await session.start(timeout: .seconds(10))
                break
            } catch  where attempt < 30 && !Task.isCancelled {
                attempt += 1
                try await Task.sleep(for: .seconds(1))
            }
        }
        let logger = logger
        let application = try Dashboard.application(
            source: NodeSource(node: session), topology: topology, settings: settings, logger: logger,
            onRunning: { port in
                logger.notice("dashboard serving", metadata: ["host": "\(settings.host)", "port": "\(port)"])
            })
        do {
            try await application.run()
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}
