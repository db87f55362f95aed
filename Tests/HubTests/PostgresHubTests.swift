import Deployment
import EventLog
import Foundation
import Hub
import Testing

@testable import EventLogPostgres

/// The hub process with its log on PostgreSQL (`store: postgresql://...` in the topology), and the
/// operators' log commands on that store. Needs `AEOHUB_TEST_POSTGRES` (see `Deploy/with-test-postgres.sh`).
@Suite("The hub on PostgreSQL", .serialized)
struct PostgresHubTests {
    @Test("aeohub hub on store: postgresql:// accepts a submit, delivers it; log verify, stats, migrate, backup")
    func hubOnPostgres() async throws {
        guard let url = ProcessInfo.processInfo.environment["AEOHUB_TEST_POSTGRES"], !url.isEmpty, url != "off" else {
            try Test.cancel(
                """
                PostgreSQL not configured: run `bash Deploy/with-test-postgres.sh swift test` (Deploy/test.sh does), \
                or set AEOHUB_TEST_POSTGRES; AEOHUB_TEST_POSTGRES=off skips this on purpose
                """)
        }
        var location = try PostgresLocation(url: url)
        location.schema = "hub_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        defer { try? Self.dropSchema(location) }
        let store = location.description

        let network = try DeployedNetwork(store: store)
        #expect(try TopologyFile.load(path: network.topologyPath).store == .postgresql(location))
        #expect(network.hubLog.contains(store), "\(network.hubLog)")
        let inbox = try network.listen("xm-dongdu")
        let filed = try await network.runDetached(
            "huli",
            [
                "request", "file", "--request", "REQ-PG1", "--uscc", "91350200776049653A", "--name",
                "Xiamen Example Trading", "--area", "350206", "--category", "policy", "--description",
                "Filed on a hub whose log is on PostgreSQL.", "--contact-name", "Lin Wei",
            ])
        #expect(filed.status == 0 && filed.output.contains("accepted: request_filed"), "\(filed.output)")
        let deadline = Date().addingTimeInterval(20)
        while !DeployedNetwork.inboxTypes(inbox).contains("request_filed"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(DeployedNetwork.inboxTypes(inbox) == ["request_filed"])
        let again = try await network.runDetached("huli", ["request", "list", "--timeout", "2"])
        #expect(again.status == 0 && again.output.contains("REQ-PG1"), "\(again.output)")
        #expect(try await DeployedNetwork.detached { network.stop() } == 0, "\(network.hubLog)")

        let verify = try AEOHubProcess.run(["log", "verify", "--store", store])
        #expect(verify.status == 0 && verify.output.contains("log intact"), "\(verify.output)")
        let stats = try AEOHubProcess.run(["log", "stats", "--store", store, "--json"])
        #expect(stats.status == 0 && stats.output.contains("\"request_filed\":1"), "\(stats.output)")

        // migrate to SQLite and back to a new schema: the same records and hashes each way
        let copy = network.folder.appendingPathComponent("copy.sqlite").path
        let toSQLite = try AEOHubProcess.run(["log", "migrate", "--from", store, "--to", "sqlite://\(copy)"])
        #expect(toSQLite.status == 0 && toSQLite.output.contains("log intact"), "\(toSQLite.output)")
        var back = location
        back.schema += "_back"
        defer { try? Self.dropSchema(back) }
        let toPostgres = try AEOHubProcess.run([
            "log", "migrate", "--from", "sqlite://\(copy)", "--to", back.description,
        ])
        #expect(toPostgres.status == 0 && toPostgres.output.contains("log intact"), "\(toPostgres.output)")
        let refused = try AEOHubProcess.run(["log", "migrate", "--from", "sqlite://\(copy)", "--to", back.description])
        #expect(refused.status != 0 && refused.output.contains("not empty"), "\(refused.output)")
        let original = try PostgresEventStore(location: location, tailCheck: 0, readOnly: true)
        let returned = try PostgresEventStore(location: back, tailCheck: 0, readOnly: true)
        #expect(try returned.head() == original.head())
        #expect(
            try returned.records(matching: RecordFilter(), after: 0, limit: 1000)
                == original.records(matching: RecordFilter(), after: 0, limit: 1000))

        let dump = network.folder.appendingPathComponent("log.dump").path
        let backup = try AEOHubProcess.run(["log", "backup", "--store", store, "--to", dump])
        #expect(
            backup.status == 0 && backup.output.contains("pg_dump of schema \(location.schema)"), "\(backup.output)")
        #expect(FileManager.default.fileExists(atPath: dump))
    }

    static func dropSchema(_ location: PostgresLocation) throws {
        let link = PostgresLink(location: location, password: try PostgresPassword.resolve(), readOnly: false)
        defer { link.close() }
        try link.withSession { try $0.execute("DROP SCHEMA IF EXISTS \(location.schema) CASCADE") }
    }
}
