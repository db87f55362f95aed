import EventLog
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One PostgreSQL connection used by one caller at a time, through a synchronous API.
///
/// The event store's protocol is synchronous: the hub calls it from its own dedicated thread (and the
/// projection from another), never from a Swift concurrency task. So each query is sent on the
/// connection's NIO event loop and the calling thread waits for the answer with `EventLoopFuture.wait()`.
/// Blocking a dedicated thread this way is fine; it must not be done from the cooperative thread pool,
/// and async callers (a health check, say) hop to a dispatch queue first, as `HubHealth` does.
///
/// A lost connection is opened again on the next use, trying the servers in the location's order; a
/// read, or a transaction whose `BEGIN` found the connection gone, is tried once more on the new one
/// (nothing of it reached the server). A connection lost in the middle of a transaction is an error:
/// whether its commit happened is then for the caller to find out (the hub reads the log again).
final class PostgresLink: Sendable {
    let location: PostgresLocation
    private let password: String?
    private let readOnly: Bool
    private let logger: Logger
    private let current = Mutex<PostgresConnection?>(nil)

    init(location: PostgresLocation, password: String?, readOnly: Bool) {
        self.location = location
        self.password = password
        self.readOnly = readOnly
        var logger = Logger(label: "aeohub.store.postgres")
        logger.logLevel = .error
        self.logger = logger
    }

    /// Runs `body` with the connection held: no other caller's query comes in between.
    func withSession<T: Sendable>(_ body: (PostgresSession) throws -> T) throws -> T {
        try current.withLock { current in
            var attempt = 0
            while true {
                let connection: PostgresConnection
                if let open = current, !open.isClosed {
                    connection = open
                } else {
                    connection = try self.open()
                    current = connection
                }
                do {
                    return try body(PostgresSession(connection: connection, logger: logger))
                } catch ConnectionLost.beforeAnyEffect(let why) {
                    _ = try? connection.close().wait()
                    current = nil
                    attempt += 1
                    if attempt > 1 { throw EventLogError.storage("the connection was lost: \(why)") }
                }
            }
        }
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            try session.execute("BEGIN")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch ConnectionLost.beforeAnyEffect(let why) {
                throw EventLogError.storage("the connection was lost in a transaction: \(why)")
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    func close() {
        current.withLock { current in
            _ = try? current?.close().wait()
            current = nil
        }
    }

    /// The last holder may be other than the store (the lease renews on a thread of its own and can
    /// outlive the store, reconnecting): whoever drops the link last closes its connection.
    deinit { close() }

    /// The TLS settings `location.tls` asks for (libpq's sslmode).
    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = location.tls == .verifyFull ? .fullVerification : .none
        if let root = location.rootCertificate { configuration.trustRoots = .file(root) }
        switch location.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: configuration))
        case .require, .verifyFull: return .require(try NIOSSLContext(configuration: configuration))
        }
    }

    /// Connects to the first server that answers (and, for a writer, is not a read-only standby).
    private func open() throws -> PostgresConnection {
        var failures: [String] = []
        for server in location.servers {
            var configuration: PostgresConnection.Configuration
            if server.host.hasPrefix("/") {
                configuration = .init(
                    unixSocketPath: "\(server.host)/.s.PGSQL.\(server.port)", username: location.user,
                    password: password, database: location.database)
            } else {
                configuration = .init(
                    host: server.host, port: server.port, username: location.user, password: password,
                    database: location.database, tls: try tls())
            }
            configuration.options.connectTimeout = .seconds(10)
            do {
                let connection = try PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                    id: Int.random(in: 0..<Int(Int32.max)), logger: logger
                ).wait()
                let session = PostgresSession(connection: connection, logger: logger)
                do {
                    try session.prepare(readOnly: readOnly, schema: location.schema)
                    return connection
                } catch {
                    _ = try? connection.close().wait()
                    throw error
                }
            } catch {
                failures.append("\(server.host):\(server.port): \(PostgresSession.describe(error))")
            }
        }
        throw EventLogError.storage("no PostgreSQL server for \(location): \(failures.joined(separator: "; "))")
    }
}

/// Queries on a held connection.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a query and answers its rows; a failure is an ``EventLogError``.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            return try connection.query(query, logger: logger).wait().rows
        } catch {
            if Self.isConnectionLost(error) { throw ConnectionLost.beforeAnyEffect(Self.describe(error)) }
            throw EventLogError.storage(Self.describe(error))
        }
    }

    /// Whether `error` means the connection is gone (closed, or its server process ended).
    static func isConnectionLost(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: return true
        case .server:
            // 57P01-57P05: the server process was terminated or is shutting down; 08: connection exceptions.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default: return false
        }
    }

    func execute(_ sql: String) throws {
        try query(PostgresQuery(unsafeSQL: sql))
    }

    /// Sets the session up for the log: the schema, durable commits, and read-only where asked.
    fileprivate func prepare(readOnly: Bool, schema: String) throws {
        if try query("SELECT pg_is_in_recovery()").first?.decode(Bool.self) == true, !readOnly {
            throw EventLogError.storage("the server is a read-only standby")
        }
        try execute("SET search_path TO \"\(schema)\"")
        // The store's promise: append returns once the batch is on disk, whatever the server's default.
        try execute("SET synchronous_commit TO on")
        if readOnly {
            try execute("SET default_transaction_read_only TO on")
        } else {
            // Every transaction of the store is a few statements sent back to back; one left open this
            // long belongs to a paused or stuck process (a stopped hub of a pair). The server ends it,
            // so its lock on the lease row cannot keep the other hub from taking over.
            try execute("SET idle_in_transaction_session_timeout TO '2s'")
        }
    }

    /// What went wrong, with the server's message: PSQLError's own description hides it.
    static func describe(_ error: any Error) -> String {
        if let error = error as? EventLogError, case .storage(let why) = error { return why }
        if case ConnectionLost.beforeAnyEffect(let why)? = error as? ConnectionLost { return why }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            let detail = info[.detail].map { " (\($0))" } ?? ""
            if info[.sqlState] == "23505", message.contains("sender") || detail.contains("sender") {
                return "a (sender, message id) is already in the log: \(message)\(detail)"
            }
            return "\(message)\(detail)"
        }
        return "\(error.code)"
    }
}

/// A query that failed because the connection is gone. Thrown by a session's queries; a read, or a
/// transaction's `BEGIN`, had no effect, and the link tries it once more on a new connection.
enum ConnectionLost: Error {
    case beforeAnyEffect(String)
}

/// The password for the store: the file named by `AEOHUB_STORE_PASSWORD_FILE`, else `PGPASSWORD`.
public enum PostgresPassword {
    /// Reads the password from `environment` (the process's own by default); `nil` if none is given.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String? {
        if let file = environment["AEOHUB_STORE_PASSWORD_FILE"], !file.isEmpty {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                return String(text.trimmingCharacters(in: .newlines))
            } catch {
                throw EventLogError.storage("AEOHUB_STORE_PASSWORD_FILE \(file) cannot be read: \(error)")
            }
        }
        return environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
