import Coordination
import Foundation
import HTTPTypes
import HubProtocol
import Hummingbird
import HummingbirdAuth
import HummingbirdBasicAuth
import Logging
import Mustache
import NIOCore
import Reports

/// The coordinator's dashboard as a Hummingbird application: read-only pages over the hub's views,
/// each with a JSON twin, and the meeting record and bimonthly report as printable documents.
public enum Dashboard {
    /// Where the dashboard listens, and who may read it.
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// Accounts with bcrypt hashes; required unless the host is a loopback address.
        public var accounts: Accounts?
        /// Seconds between a page's own reloads.
        public var refreshSeconds: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, accounts: Accounts? = nil, refreshSeconds: Int = 30) {
            self.host = host
            self.port = port
            self.accounts = accounts
            self.refreshSeconds = refreshSeconds
        }

        public var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) }
    }

    /// Why the dashboard does not start.
    public struct SettingsError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The application (a swift-service-lifecycle `Service`); `onRunning` hears the bound port.
    public static func application(
        source: any DashboardSource, topology: Topology, settings: Settings, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        guard settings.isLoopback || settings.accounts != nil else {
            throw SettingsError(
                description: """
                    the dashboard listens on \(settings.host), not a loopback address: \
                    give --accounts FILE (user:bcrypt-hash \
                    lines, see `aeohub dashboard hash-password`), or put it behind a reverse proxy that authenticates
                    """)
        }
        let router = Router(context: BasicAuthRequestContext<Account>.self)
        if let accounts = settings.accounts {
            router.add(middleware: BasicAuthenticator { name, _ in accounts.account(named: name) })
            router.add(middleware: RequireAccount())
        } else {
            router.add(middleware: LoopbackHostOnly())
        }
        try Routes(source: source, topology: topology, refreshSeconds: settings.refreshSeconds).register(on: router)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "aeohub-dashboard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }
}

/// Without accounts the dashboard trusts the machine it runs on: it refuses a request whose Host is
/// not a loopback name, so that a web page cannot reach it through a domain rebound to 127.0.0.1.
struct LoopbackHostOnly: RouterMiddleware {
    typealias Context = BasicAuthRequestContext<Account>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let authority = request.head.authority ?? ""
        let host =
            authority.hasPrefix("[")
            ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.prefix { $0 != ":" })
        guard ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) else {
            throw HTTPError(.forbidden, message: "this dashboard answers only on 127.0.0.1 or localhost")
        }
        return try await next(request, context)
    }
}

/// Answers 401 with a Basic challenge, so that a browser asks for the account.
struct RequireAccount: RouterMiddleware {
    typealias Context = BasicAuthRequestContext<Account>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.identity != nil else {
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"AEO Hub\", charset=\"UTF-8\""])
        }
        return try await next(request, context)
    }
}
