import EventLog
import Foundation
import Testing

@testable import EventLogPostgres

/// What only the PostgreSQL store has: store URLs, the password's sources, several servers, pg_dump.
@Suite("Event log on PostgreSQL")
struct PostgresStoreTests {
    @Test("store URLs: SQLite paths, PostgreSQL servers in order, a schema, and never a password")
    func locations() throws {
        #expect(
            try StoreLocation(url: "sqlite:///var/lib/aeohub/log.sqlite") == .sqlite(path: "/var/lib/aeohub/log.sqlite")
        )
        #expect(try StoreLocation(url: "/var/lib/aeohub/log.sqlite") == .sqlite(path: "/var/lib/aeohub/log.sqlite"))
        let location = try StoreLocation(url: "postgresql://aeohub@db1,db2:5433/aeohub")
        #expect(
            location
                == .postgresql(
                    PostgresLocation(
                        servers: [.init(host: "db1", port: 5432), .init(host: "db2", port: 5433)], user: "aeohub",
                        database: "aeohub", schema: "aeohub")))
        #expect(location.description == "postgresql://aeohub@db1:5432,db2:5433/aeohub?schema=aeohub")
        #expect(try PostgresLocation(url: "postgres://u@h/d?schema=log_2").schema == "log_2")
        let ipv6 = try PostgresLocation(url: "postgresql://u@[::1]:6000,db2/d")
        #expect(ipv6.servers == [.init(host: "::1", port: 6000), .init(host: "db2")])
        #expect(try PostgresLocation(url: ipv6.description) == ipv6)
        let checked = try PostgresLocation(url: "postgresql://u@h/d?sslmode=verify-full&sslrootcert=/etc/aeohub/ca.pem")
        #expect(checked.tls == .verifyFull && checked.rootCertificate == "/etc/aeohub/ca.pem")
        #expect(try PostgresLocation(url: checked.description) == checked)
        #expect(try PostgresLocation(url: "postgresql://u@h/d").tls == .prefer)
        let socket = try PostgresLocation(url: "postgresql://u@localhost:6543/d?host=/run/pg")
        #expect(socket.servers == [.init(host: "/run/pg", port: 6543)])
        for bad in [
            "postgresql://aeohub:secret@db1/aeohub", "postgresql://db1/aeohub", "postgresql://u@h/d?schema=Bad-Name",
            "postgresql://u@h:99999/d", "mysql://u@h/d", "postgresql://u@h/d?sslmode=allow", "sqlite://relative/path",
        ] {
            #expect(throws: StoreLocationError.self, "\(bad)") { _ = try StoreLocation(url: bad) }
        }
        let refusal = #expect(throws: StoreLocationError.self) { _ = try StoreLocation(url: "postgresql://a:pw@h/d") }
        #expect(refusal?.description.contains("pw") == false)
    }

    @Test("the password comes from AEOHUB_STORE_PASSWORD_FILE before PGPASSWORD")
    func password() throws {
        let folder = try TemporaryFolder()
        try "from-file\n".write(toFile: folder.path("password"), atomically: true, encoding: .utf8)
        let file = folder.path("password")
        #expect(
            try PostgresPassword.resolve(environment: ["AEOHUB_STORE_PASSWORD_FILE": file, "PGPASSWORD": "env"])
                == "from-file")
        #expect(try PostgresPassword.resolve(environment: ["PGPASSWORD": "env"]) == "env")
        #expect(try PostgresPassword.resolve(environment: [:]) == nil)
        #expect(throws: EventLogError.self) {
            _ = try PostgresPassword.resolve(environment: ["AEOHUB_STORE_PASSWORD_FILE": folder.path("missing")])
        }
    }

    @Test("the servers are tried in order: one that does not answer is passed over")
    func serverOrder() throws {
        var location = try TestPostgres.freshLocation()
        defer { try? TestPostgres.execute("DROP SCHEMA IF EXISTS \(location.schema) CASCADE", in: location) }
        let silent = try closedPort()
        location.servers.insert(.init(host: "127.0.0.1", port: silent), at: 0)
        let store = try PostgresEventStore(location: location)
        #expect(try store.append([pending(1)]).count == 1)
        location.servers.removeLast()
        let error = #expect(throws: EventLogError.self) { _ = try PostgresEventStore(location: location) }
        #expect(error?.description.contains("127.0.0.1:\(silent)") == true, "\(String(describing: error))")
    }

    @Test("TLS as libpq's sslmode: prefer and require encrypt, verify-full checks the certificate, disable is plain")
    func tls() throws {
        var location = try TestPostgres.freshLocation()
        guard let authority = ProcessInfo.processInfo.environment["AEOHUB_TEST_POSTGRES_CA"] else {
            try Test.cancel("the test cluster offers no TLS (Deploy/with-test-postgres.sh found no openssl)")
        }
        defer { try? TestPostgres.execute("DROP SCHEMA IF EXISTS \(location.schema) CASCADE", in: location) }
        func encrypted(_ mode: PostgresLocation.TLSMode, authority: String? = nil) throws -> Bool {
            location.tls = mode
            location.rootCertificate = authority
            let store = try PostgresEventStore(location: location)
            return try store.writer.withSession { session in
                try session.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.decode(Bool.self)
            } ?? false
        }
        #expect(try encrypted(.prefer))
        #expect(try encrypted(.require))
        #expect(try encrypted(.verifyFull, authority: authority))
        #expect(try !encrypted(.disable))
        // The cluster's certificate is self-signed: not one the system trusts.
        #expect(throws: EventLogError.self) { _ = try encrypted(.verifyFull) }
    }

    @Test("a wrong password is refused with the server's reason")
    func wrongPassword() throws {
        let location = try TestPostgres.freshLocation()
        let error = #expect(throws: EventLogError.self) {
            _ = try PostgresEventStore(location: location, password: "not-the-password")
        }
        #expect(error?.description.contains("password authentication failed") == true, "\(String(describing: error))")
    }

    @Test("a backup is pg_dump's custom-format dump of the log's schema")
    func backup() throws {
        let fixture = try StoreFixture(.postgresql)
        let store = try fixture.open()
        _ = try store.append((1...100).map { pending($0) })
        let path = fixture.folder.path("log.dump")
        try store.backup(to: path)
        let dump = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(dump.prefix(5) == Data("PGDMP".utf8))
    }

    /// A loopback port nothing listens on (bound, then closed).
    private func closedPort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(socket, raw, length) == 0, getsockname(socket, raw, &length) == 0 else {
                    throw EventLogError.storage("cannot bind a loopback port")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The lease that decides which hub writes (DESIGN.md promise 13), and the fence on every append.
@Suite("The lease on PostgreSQL")
struct PostgresLeaseTests {
    @Test("an append fenced by a stale lease epoch is refused and writes nothing; the new holder's goes in")
    func fencing() throws {
        let fixture = try StoreFixture(.postgresql)
        let store = try #require(try fixture.open() as? PostgresEventStore)
        let unleased = #expect(throws: EventLogError.self) { _ = try store.append([pending(1)], fencedBy: 1) }
        #expect(unleased == .fenced(epoch: 1, current: nil))
        let first = PostgresLease(store: store, holder: "hub-a")
        let second = PostgresLease(store: store, holder: "hub-b")
        #expect(try first.current() == nil)
        let held = try #require(try first.acquire(for: .seconds(60)))
        #expect(held.epoch == 1 && held.holder == "hub-a")
        #expect(try second.acquire(for: .seconds(60)) == nil)
        #expect(try first.acquire(for: .seconds(60))?.epoch == 1)  // its own: the same epoch
        #expect(try store.append([pending(1)], fencedBy: held.epoch).count == 1)
        let renewed = try #require(try first.renew(held, for: .seconds(60)))
        #expect(renewed.epoch == 1 && renewed.expiresAt >= held.expiresAt)

        // The first holder's lease lapses (renewed into the past); the second takes it over.
        _ = try #require(try first.renew(renewed, for: .seconds(-1)))
        let taken = try #require(try second.acquire(for: .seconds(60)))
        #expect(taken.epoch == 2 && taken.holder == "hub-b")
        #expect(try first.current() == taken)
        let stale = #expect(throws: EventLogError.self) { _ = try store.append([pending(2), pending(3)], fencedBy: 1) }
        #expect(stale == .fenced(epoch: 1, current: 2))
        #expect(try store.head().sequence == 1)
        #expect(try store.accepted(sender: "huli", messageID: "m-2") == nil)
        #expect(try first.renew(renewed, for: .seconds(60)) == nil)
        #expect(try first.acquire(for: .seconds(60)) == nil)
        #expect(try store.append([pending(2)], fencedBy: taken.epoch).map(\.sequence) == [2])
        #expect(try store.verify() == .intact(records: 2, head: try store.head()))
    }

    @Test("a lease that outlives its store (the hub's renewing thread at a stop) closes its connection when it goes")
    func leaseOutlivesItsStore() throws {
        let fixture = try StoreFixture(.postgresql)
        guard case .postgresql(let location) = fixture.location else { return }
        var store = try #require(try fixture.open() as? PostgresEventStore) as PostgresEventStore?
        var lease: PostgresLease? = PostgresLease(store: try #require(store), holder: "hub-a")
        store = nil  // closes the store's connections
        // The lease's next query opens one again on the link it shares with the (gone) store.
        #expect(try lease?.acquire(for: .seconds(60))?.holder == "hub-a")
        weak let link = lease?.link
        let pid = try #require(
            try link?.withSession { try $0.query("SELECT pg_backend_pid()").first?.decode(Int32.self) })
        lease = nil
        #expect(link == nil, "the lease's link outlived it")
        let watcher = PostgresLink(location: location, password: try PostgresPassword.resolve(), readOnly: false)
        defer { watcher.close() }
        var open = true
        for _ in 0..<500 where open {
            open = try watcher.withSession {
                try $0.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").first?.decode(Int.self) != 0
            }
            if open { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(!open, "the dropped lease left its connection open")
    }
}

/// What the store does when PostgreSQL drops its connections (a restart, a failover, an operator).
@Suite("Lost connections on PostgreSQL")
struct PostgresConnectionTests {
    @Test("connections the server ends are opened again: the next read and append go through, nothing is lost")
    func reconnect() throws {
        let fixture = try StoreFixture(.postgresql)
        let store = try #require(try fixture.open() as? PostgresEventStore)
        _ = try store.append([pending(1)])
        try store.saveCursors(["a1": 1])
        let before = try backends(of: store)
        guard case .postgresql(let location) = fixture.location else { return }
        // pg_terminate_backend with a timeout returns once those server processes are gone.
        let pids = before.map(String.init).joined(separator: ",")
        try TestPostgres.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM unnest(ARRAY[\(pids)]) AS pid", in: location)
        #expect(try store.head().sequence == 1)
        #expect(try store.append([pending(2)]).map(\.sequence) == [2])
        #expect(try store.cursor(for: "a1") == 1)
        #expect(try backends(of: store).isDisjoint(with: before))
        #expect(try store.verify() == .intact(records: 2, head: try store.head()))
    }

    @Test("connections ended while in use: reads and appends are tried again on a new connection, never doubled")
    func reconnectWhileInUse() throws {
        let fixture = try StoreFixture(.postgresql)
        let store = try #require(try fixture.open() as? PostgresEventStore)
        guard case .postgresql(let location) = fixture.location else { return }
        for sequence in UInt64(1)...20 {
            let reader = try backend(of: store.reader)
            let writer = try backend(of: store.writer)
            // The reader's without waiting: the next read may find it open, closed, or closing under it. The
            // writer's until it is gone: a connection lost inside a transaction is (rightly) an error.
            try TestPostgres.execute(
                "SELECT pg_terminate_backend(\(reader)), pg_terminate_backend(\(writer), 10000)", in: location)
            #expect(try store.head().sequence == sequence - 1)
            #expect(try store.append([pending(sequence)]).map(\.sequence) == [sequence])
        }
        #expect(try store.verify() == .intact(records: 20, head: try store.head()))
    }

    /// The server process ids behind the store's writing and reading connections.
    private func backends(of store: PostgresEventStore) throws -> Set<Int32> {
        [try backend(of: store.writer), try backend(of: store.reader)]
    }

    private func backend(of link: PostgresLink) throws -> Int32 {
        try link.withSession { try $0.query("SELECT pg_backend_pid()").first?.decode(Int32.self) } ?? 0
    }
}
