import ArgumentParser
import Foundation
import Hub
import Logging

@main
struct AEOHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub",
        abstract: "AEO Hub: the coordination wire of Xiamen's AEO measures.",
        discussion: """
            Exit codes: 0 done; 1 refused by the hub (final: do not retry the same message); 64 usage; \
            65 the input failed a local check; 69 the hub cannot be reached; 70 a fault in aeohub; \
            75 retry later with the same message id (storage, rate limit, shutdown, timeout). Under --json \
            (or --format jsonl) a failure prints one JSON object: code, reason, field, retryable, exit_code.
            """,
        subcommands: [
            DemoCommand.self, RequestCommand.self, CultivationCommand.self, AuditCommand.self, MeetingCommand.self,
            CreditCommand.self, ReviewCommand.self, EnterpriseCommand.self, ServiceCommand.self, IncentiveCommand.self,
            ActivityCommand.self,
            PlanCommand.self,
            ReplayCommand.self, ReportCommand.self, DashboardCommand.self, ListenCommand.self, HubCommand.self,
            KeysCommand.self, TopologyCommand.self,
            LogCommand.self,
        ]
    )

    /// Runs the command and turns a failure into its exit code (and, under `--json`, a JSON object).
    static func main() async {
        // Every logger of the process escapes control characters: text from a peer (a node id, a
        // hub's reason, a dashboard request's path) cannot forge a log line (issue 13, defect 10).
        LoggingSystem.bootstrap { EscapingLogHandler(wrapping: StreamLogHandler.standardOutput(label: $0)) }
        let arguments = CommandLine.arguments.dropFirst()
        let json =
            arguments.contains("--json")
            || zip(arguments, arguments.dropFirst()).contains { $0 == ("--format", "jsonl") }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            failure.report(json: json)
            Foundation.exit(failure.kind.rawValue)
        } catch {
            let status = exitCode(for: error)
            if status == .failure, !(error is ExitCode) {
                // Not the argument parser's: a fault of ours (an I/O error writing --out, say).
                let failure = CommandFailure(.internal, code: "INTERNAL", "\(error)")
                failure.report(json: json)
                Foundation.exit(failure.kind.rawValue)
            }
            if json, status.rawValue == CommandFailure.Kind.usage.rawValue {
                CommandFailure(.usage, code: "USAGE", message(for: error)).report(json: true)
                Foundation.exit(status.rawValue)
            }
            exit(withError: error)
        }
    }
}
