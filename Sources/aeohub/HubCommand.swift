import ArgumentParser
import Hub
import Logging
import ServiceLifecycle

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the central router until SIGTERM or SIGINT."
    )

    @Option(help: "The topology file (see Deploy/xiamen-topology.yaml).")
    var config: String

    func run() async throws {
        let file = try TopologyFile.load(path: config)
        let logger = Logger(label: "aeohub.hub")
        let hub = try Hub(configuration: try file.hubConfiguration(), logger: logger)
        let group = ServiceGroup(services: [hub], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
