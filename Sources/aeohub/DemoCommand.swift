import ArgumentParser
import Foundation
import Logging
import Operations

struct DemoCommand: AsyncParsableCommand {
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

    func run() async throws {
        let folder = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "aeohub")
        logger.logLevel = verbose ? .info : .error
        let demo = Demo(directory: folder, logger: logger) { print($0) }
        let started = ContinuousClock.now
        let outcome = try await demo.run(keepRunning: keepRunning)
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print("""

            Done in \(String(format: "%.2f", seconds)) s: \(outcome.records) records.
            Log:      \(outcome.logPath)
            Report:   \(outcome.reportPaths.first ?? "-")
            Topology: \(outcome.topologyPath)
            Check it: aeohub log verify --log \(outcome.logPath)
            """)
    }
}
