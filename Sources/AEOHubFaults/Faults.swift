import ArgumentParser
import FaultHarness
import Foundation

/// `aeohub-faults`: the long crash drill (the test suite runs a short one).
@main
struct Faults: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub-faults",
        abstract:
            "Kill -9 the hub (and node processes) at random moments under load, then check nothing was lost or "
            + "duplicated."
    )

    @Option(help: "Hub kills.") var cycles = 200
    @Option(help: "In-process nodes submitting and receiving.") var nodes = 20
    @Option(help: "Node processes (aeohub listen) killed mid-handler.") var listeners = 2
    @Option(help: "Working folder (default: a new temporary one, kept).") var dir: String?

    func run() async throws {
        let folder =
            dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "aeohub-faults-\(UUID().uuidString.prefix(8))")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "aeohub")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ValidationError("build aeohub beside this executable first: swift build -c release")
        }
        var options = CrashDrill.Options(folder: folder, binary: binary)
        options.cycles = cycles
        options.nodes = nodes
        options.listeners = listeners
        say("crash drill in \(folder.path): \(cycles) hub kills, \(nodes) nodes, \(listeners) node processes")
        let drill = try CrashDrill(options: options, say: say)
        let outcome = try await drill.run()
        say(outcome.description)
        say(outcome.passed ? "PASSED" : "FAILED")
        if !outcome.passed { throw ExitCode(1) }
    }
}

/// Prints a line at once (stdout to a file is block-buffered, and a drill may be stopped mid-way).
@Sendable func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
