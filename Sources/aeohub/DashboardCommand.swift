import ArgumentParser
import Dashboard
import Foundation
import Logging
import ServiceLifecycle

/// `aeohub dashboard`: the coordinator's read-only dashboard over its node's views.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract:
            "Serve the coordinator's dashboard (read-only web pages, JSON twins, the report and meeting records).",
        subcommands: [Serve.self, HashPassword.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the dashboard until SIGTERM or SIGINT.",
            discussion: """
                The pages show what the node (normally the coordinator, commerce-bureau) may see. Without --listen \
                the dashboard binds 127.0.0.1:8080; any other address needs --accounts, or a reverse proxy in \
                front (README: "The dashboard").
                """)

        @OptionGroup var node: NodeOptions

        @Option(help: "Where to listen, HOST:PORT (port 0 picks a free one). Default 127.0.0.1:8080.")
        var listen: String = "127.0.0.1:8080"

        @Option(help: "Accounts file: one name:bcrypt-hash per line (see `aeohub dashboard hash-password`).")
        var accounts: String?

        @Option(help: "Seconds between a page's own reloads.")
        var refresh: Int = 30

        @Option(help: "Once listening, write the dashboard's URL to this file.")
        var readyFile: String?

        func run() async throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen '\(listen)' is not HOST:PORT, e.g. 127.0.0.1:8080")
            }
            let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let settings = Dashboard.Settings(
                host: host, port: port, accounts: try accounts.map(Accounts.init(path:)), refreshSeconds: refresh)
            let session = try await node.connect()
            var logger = Logger(label: "aeohub.dashboard")
            logger.logLevel = .notice
            let readyFile = readyFile
            let application = try Dashboard.application(
                source: NodeSource(node: session.node), topology: session.topology, settings: settings, logger: logger,
                onRunning: { port in
                    let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
                    FileHandle.standardError.write(Data("dashboard at \(url)\n".utf8))
                    if let readyFile { try? url.write(toFile: readyFile, atomically: true, encoding: .utf8) }
                })
            let group = ServiceGroup(
                configuration: .init(
                    services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            await session.close()
        }
    }

    struct HashPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-password",
            abstract: "Read a password on standard input and print a bcrypt hash for the accounts file.")

        func run() throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("give the password on standard input")
            }
            print(Accounts.hash(password))
        }
    }
}
