import Foundation

/// Where the event log lives: a SQLite file, or a PostgreSQL database, named by a URL:
/// `sqlite:///var/lib/aeohub/log.sqlite` or `postgresql://aeohub@db1,db2:5432/aeohub?schema=aeohub`.
///
/// A PostgreSQL URL never carries a password (it is refused): the password comes from the file named by
/// `AEOHUB_STORE_PASSWORD_FILE`, or from `PGPASSWORD`, so that no topology file holds a secret.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgresql(PostgresLocation)

    /// Reads a store URL; a bare path (no scheme) is a SQLite file, as `log: PATH` always was.
    public init(url text: String) throws {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.hasPrefix("/") else {
                throw StoreLocationError("\(text): give an absolute path, sqlite:///var/lib/aeohub/log.sqlite")
            }
            self = .sqlite(path: path.removingPercentEncoding ?? path)
        } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            self = .postgresql(try PostgresLocation(url: text))
        } else if !text.contains("://") {
            self = .sqlite(path: text)
        } else {
            throw StoreLocationError("\(text): a store is sqlite:///PATH or postgresql://USER@HOST[,HOST]/DATABASE")
        }
    }

    /// The URL, without any secret: safe to log.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgresql(let location): location.description
        }
    }
}

/// A PostgreSQL database and the schema the log's tables live in.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// A server to try, in order: a host name or address, or a folder holding a Unix socket.
    public struct Server: Sendable, Hashable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int = 5432) {
            self.host = host
            self.port = port
        }
    }

    /// The servers, tried in the order given; the first that accepts writes is used.
    public var servers: [Server]
    public var user: String
    public var database: String
    /// The schema of the log's tables (`aeohub` unless `?schema=` says otherwise).
    public var schema: String
    /// TLS to the servers, as libpq's `sslmode` (`?sslmode=`; `prefer` unless said otherwise).
    public var tls: TLSMode = .prefer
    /// The certificate authority that `verify-full` trusts (`?sslrootcert=PATH`); the system's if nil.
    public var rootCertificate: String?

    /// How a connection uses TLS: libpq's `sslmode` values, those this store supports.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS if the server offers it, without checking its certificate; plain otherwise (libpq's default).
        case prefer
        /// TLS or no connection, without checking the server's certificate.
        case require
        /// TLS, with the server's certificate checked against the trusted authorities and its host name.
        case verifyFull = "verify-full"
    }

    public init(servers: [Server], user: String, database: String, schema: String = "aeohub") {
        self.servers = servers
        self.user = user
        self.database = database
        self.schema = schema
    }

    /// Reads `postgresql://USER@HOST[:PORT][,HOST[:PORT]...]/DATABASE[?schema=NAME]`.
    public init(url text: String) throws {
        guard let schemeEnd = text.range(of: "://") else { throw StoreLocationError("\(text): not a URL") }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                query[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            rest = rest[..<mark]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw StoreLocationError("\(text): name the user, postgresql://aeohub@HOST/DATABASE")
        }
        let userInfo = rest[..<at]
        guard !userInfo.contains(":") else {
            throw StoreLocationError(
                "the store URL must not hold a password; put it in the file named by AEOHUB_STORE_PASSWORD_FILE "
                    + "or in PGPASSWORD"
            )
        }
        user = String(userInfo).removingPercentEncoding ?? String(userInfo)
        rest = rest[rest.index(after: at)...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hosts = rest[..<slash]
        database = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : user
        schema = query["schema"] ?? "aeohub"
        if let mode = query["sslmode"] {
            guard let tls = TLSMode(rawValue: mode) else {
                let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw StoreLocationError("\(text): sslmode must be one of \(modes)")
            }
            self.tls = tls
        }
        rootCertificate = query["sslrootcert"]
        var servers: [Server] = []
        for entry in hosts.split(separator: ",") {
            var host = String(entry)
            var port = 5432
            if let colon = entry.lastIndex(of: ":"), !entry.hasSuffix("]") {
                guard let number = Int(entry[entry.index(after: colon)...]), (1...65535).contains(number) else {
                    throw StoreLocationError("\(text): '\(entry)' has no valid port")
                }
                host = String(entry[..<colon])
                port = number
            }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }  // [::1]
            servers.append(Server(host: host.removingPercentEncoding ?? host, port: port))
        }
        if let socketFolder = query["host"] {
            servers = [Server(host: socketFolder, port: servers.first?.port ?? 5432)]
        }
        self.servers = servers
        guard !servers.isEmpty, !user.isEmpty, !database.isEmpty else {
            throw StoreLocationError("\(text): give user, host and database, postgresql://aeohub@db1,db2/aeohub")
        }
        guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw StoreLocationError("\(text): the schema must be lower-case letters, digits and _")
        }
    }

    /// The URL, which never holds a password.
    public var description: String {
        let hosts = servers.map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" }
        let socket = servers.first.map { $0.host.hasPrefix("/") } ?? false
        let authority = socket ? "localhost:\(servers[0].port)" : hosts.joined(separator: ",")
        var text = "postgresql://\(user)@\(authority)/\(database)?schema=\(schema)"
        if socket { text += "&host=\(servers[0].host)" }
        if tls != .prefer { text += "&sslmode=\(tls.rawValue)" }
        if let rootCertificate { text += "&sslrootcert=\(rootCertificate)" }
        return text
    }
}

/// A store URL that cannot be used, and why.
public struct StoreLocationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
