import ArgumentParser
import EventLog
import FaultHarness
import Foundation

/// `aeohub-faults`: the long crash drill, or with `--failover` the failover drill of a pair of hubs on
/// PostgreSQL (the test suite runs a short form of each).
@main
struct Faults: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub-faults",
        abstract:
            "Kill -9 the hub (and node processes) at random moments under load, then check nothing was lost or "
            + "duplicated. With --failover: a primary/backup pair on PostgreSQL, the primary killed or paused."
    )

    @Option(help: "Hub kills.") var cycles = 200
    @Option(help: "In-process nodes submitting and receiving.") var nodes = 20
    @Option(help: "Node processes (aeohub listen) killed mid-handler.") var listeners = 2
    @Option(help: "Working folder (default: a new temporary one, kept).") var dir: String?

    @Flag(help: "Run the failover drill: two hubs on one PostgreSQL log (see --store).") var failover = false
    @Option(help: "Failover drill: primaries killed with SIGKILL.") var kills = 50
    @Option(help: "Failover drill: primaries stopped with SIGSTOP past their lease, then continued.") var pauses = 10
    @Option(help: "Failover drill: the lease's seconds (aeohub hub --lease-seconds).") var leaseSeconds = 3.0
    @Option(
        help: ArgumentHelp(
            "Failover drill: the PostgreSQL database (default AEOHUB_TEST_POSTGRES, as Deploy/with-test-postgres.sh "
                + "sets it); the drill makes a schema of its own there."))
    var store: String?
    @Option(
        help: ArgumentHelp(
            "Failover drill: a shell command run once under load after the hub faults (e.g. promote a PostgreSQL "
                + "standby: Deploy/with-test-postgres-standby.sh sets AEOHUB_TEST_PROMOTE)."))
    var databaseFault: String?
    @Option(help: "Failover drill: the hubs' --snapshot-every (a takeover folds the records since the newest one).")
    var snapshotEvery = 5000

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
        if failover {
            try await runFailover(folder: folder, binary: binary)
            return
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

    func runFailover(folder: URL, binary: URL) async throws {
        guard let url = store ?? ProcessInfo.processInfo.environment["AEOHUB_TEST_POSTGRES"], !url.isEmpty else {
            throw ValidationError(
                "give --store postgresql://..., or run under Deploy/with-test-postgres.sh (a private cluster)")
        }
        var location = try PostgresLocation(url: url)
        location.schema = "failover_" + UUID().uuidString.lowercased().prefix(8)
        var options = FailoverDrill.Options(folder: folder, binary: binary, store: location)
        options.kills = kills
        options.pauses = pauses
        options.nodes = nodes
        options.leaseSeconds = leaseSeconds
        options.databaseFault = databaseFault
        options.snapshotEvery = snapshotEvery
        say(
            "failover drill in \(folder.path): \(kills) kills and \(pauses) pauses of the primary, \(nodes) nodes, "
                + "lease \(leaseSeconds) s, log in \(location)")
        let outcome = try await FailoverDrill(options: options, say: say).run()
        say(outcome.description)
        say(outcome.passed ? "PASSED" : "FAILED")
        if !outcome.passed { throw ExitCode(1) }
    }
}

/// Prints a line at once (stdout to a file is block-buffered, and a drill may be stopped mid-way).
@Sendable func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
