import EventLog
import EventLogStores
import Foundation
import Testing

@testable import EventLogPostgres

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

func pending(
    _ sequence: UInt64, sender: String = "huli", to recipients: [String] = ["xm-dongdu", "commerce-bureau"],
    type: String = "request_filed", subjects: RecordSubjects = RecordSubjects(uscc: "91350200776049653A")
) -> PendingRecord {
    PendingRecord(
        sequence: sequence, acceptedAt: 1_788_220_800_000 + Int64(sequence), sender: sender, messageID: "m-\(sequence)",
        type: type, recipients: recipients, subjects: subjects, envelope: Data("envelope-\(sequence)-MARKER".utf8)
    )
}

/// The stores the conformance suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }
}

/// The PostgreSQL server for the tests: `AEOHUB_TEST_POSTGRES`, which `Deploy/with-test-postgres.sh`
/// (run by `Deploy/test.sh`) sets to a private throw-away cluster. Unset, the PostgreSQL cases are
/// skipped with a message saying how to run them; `off` skips them on purpose.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["AEOHUB_TEST_POSTGRES"]

    static var isConfigured: Bool { url.map { !$0.isEmpty && $0 != "off" } ?? false }

    static let howToRun = """
        PostgreSQL store tests skipped: AEOHUB_TEST_POSTGRES is not set. Run them with \
        `bash Deploy/with-test-postgres.sh swift test` (a private throw-away cluster; Deploy/test.sh does this), \
        or set AEOHUB_TEST_POSTGRES=postgresql://USER@HOST:PORT/DATABASE (password in PGPASSWORD or \
        AEOHUB_STORE_PASSWORD_FILE); AEOHUB_TEST_POSTGRES=off skips them on purpose.
        """

    /// A location in a new schema of its own, so that tests running in parallel never meet; or the test is
    /// skipped (cancelled) with ``howToRun``.
    static func freshLocation() throws -> PostgresLocation {
        guard let url, isConfigured else {
            if url == "off" { try Test.cancel("PostgreSQL store tests off (AEOHUB_TEST_POSTGRES=off)") }
            try Test.cancel(Comment(rawValue: howToRun))
        }
        var location = try PostgresLocation(url: url)
        location.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return location
    }

    /// Runs `sql` in `location`'s schema over a connection of its own.
    static func execute(_ sql: String, in location: PostgresLocation) throws {
        let link = PostgresLink(location: location, password: try PostgresPassword.resolve(), readOnly: false)
        defer { link.close() }
        try link.withSession { try $0.execute(sql) }
    }
}

/// A place for one store of a kind: a SQLite file in a temporary folder, or a PostgreSQL schema of its
/// own (dropped at the end). Every `open` opens the same log again.
final class StoreFixture {
    let kind: StoreKind
    let folder: TemporaryFolder
    let location: StoreLocation

    init(_ kind: StoreKind) throws {
        self.kind = kind
        folder = try TemporaryFolder()
        switch kind {
        case .sqlite: location = .sqlite(path: folder.path("log.sqlite"))
        case .postgresql: location = .postgresql(try TestPostgres.freshLocation())
        }
    }

    func open(tailCheck: UInt64 = 1000, readOnly: Bool = false) throws -> any EventStore {
        try EventStores.open(location, tailCheck: tailCheck, readOnly: readOnly)
    }

    /// Changes one byte of record `sequence`'s envelope behind the store's back. Close the stores first
    /// (SQLite: so that the WAL is checkpointed into the file).
    func tamper(sequence: UInt64) throws {
        switch location {
        case .sqlite(let path):
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let range = try #require(bytes.range(of: Data("envelope-\(sequence)-MARKER".utf8)))
            bytes[range.lowerBound + 9] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: path))
        case .postgresql(let postgres):
            try TestPostgres.execute(
                "UPDATE record SET envelope = set_byte(envelope, 9, get_byte(envelope, 9) # 1) "
                    + "WHERE sequence = \(sequence)",
                in: postgres)
        }
    }

    deinit {
        if case .postgresql(let postgres) = location {
            try? TestPostgres.execute("DROP SCHEMA IF EXISTS \(postgres.schema) CASCADE", in: postgres)
        }
    }
}
