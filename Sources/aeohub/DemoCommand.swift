import ArgumentParser
import Foundation
import Logging
import Observability
import Operations
import Reports

struct DemoCommand: AsyncParsableCommand {
    /// Writes a line at once, unbuffered: with --keep-running the process does not exit, so a
    /// narration buffered into a file or pipe would stop mid-line and never show the hub's address.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the Xiamen network on loopback and play the three daily uses end to end."
    )

    @Option(help: "Folder for the log, keys and report (default: a new temporary folder).")
    var dir: String?

    @Flag(help: "Leave the hub running after the scenario, for other commands to talk to.")
    var keepRunning = false

    @Flag(help: "Show the hub's and nodes' own logs.")
    var verbose = false

    @Option(help: "Serve the hub's /metrics and /healthz over HTTP on HOST:PORT (port 0: any free port).")
    var http: String?

    func run() async throws {
        let folder =
            dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "aeohub-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "aeohub")
        logger.logLevel = verbose ? .info : .error
        var demo = Demo(directory: folder, logger: logger) { Self.say($0) }
        if let http {
            guard let address = Observability.parseAddress(http) else {
                throw ValidationError("--http '\(http)' is not HOST:PORT or a port")
            }
            // The process's metrics backend: the demo's hub records into MetricsSystem's factory.
            let metrics = MetricsBackend()
            metrics.bootstrap()
            let logger = logger
            demo.companions = { hub in
                [
                    ObservabilityServer(
                        host: address.host, port: address.port, metrics: metrics, health: HubHealth(hub: hub),
                        logger: logger
                    ) { host, port in
                        let base = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
                        Self.say("metrics: \(base)/metrics   health: \(base)/healthz")
                    }
                ]
            }
        }
        let started = ContinuousClock.now
        let outcome = try await demo.run(keepRunning: keepRunning)
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        Self.say(
            """

            Done in \(String(format: "%.2f", seconds)) s: \(outcome.records) records.
            Log:      \(outcome.logPath)
            Report:   \(outcome.reportPaths.first ?? "-")
            Topology: \(outcome.topologyPath)
            Check it: aeohub log verify --log \(outcome.logPath)
            """)
    }
}
