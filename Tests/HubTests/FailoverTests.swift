import ChildProcesses
import EventLog
import FaultHarness
import Foundation
import Hub
import HubNode
import HubProtocol
import Synchronization
import Testing
import ZeroMQ

@testable import EventLogPostgres

/// The primary/backup pair on PostgreSQL (DESIGN.md promise 13, SPEC.md 13): real `aeohub hub` processes,
/// nodes and commands over CURVE on loopback, a private PostgreSQL cluster (`Deploy/with-test-postgres.sh`).
@Suite("A pair of hubs on PostgreSQL", .serialized)
struct FailoverTests {
    static func database() throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["AEOHUB_TEST_POSTGRES"], !url.isEmpty, url != "off" else {
            try Test.cancel(
                """
                PostgreSQL not configured: run `bash Deploy/with-test-postgres.sh swift test` (Deploy/test.sh does), \
                or set AEOHUB_TEST_POSTGRES; AEOHUB_TEST_POSTGRES=off skips this on purpose
                """)
        }
        var location = try PostgresLocation(url: url)
        location.schema = "pair_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return location
    }

    @Test("a node and a command keep working across a kill -9 of the primary and a pause of the next, unaided")
    func nodeAcrossFailover() async throws {
        let location = try Self.database()
        defer { try? PostgresHubTests.dropSchema(location) }
        let pair = try Pair(store: location)
        defer { pair.stop() }
        try await pair.start(0)
        try pair.launch(1)
        let sender = try await pair.node("n1")
        let receiver = try await pair.node("n2")
        let handled = Mutex<[(UInt64, String)]>([])
        let handling = Task {
            try await receiver.handleDeliveries { delivery in
                handled.withLock { $0.append((delivery.sequence, delivery.envelope.messageID)) }
            }
        }
        var accepted: [(UInt64, String)] = []
        func send(_ id: String) async throws {
            let answer = try await sender.submit(Make.report("across a failover", id: id, to: ["n2"]))
            accepted.append((answer.sequence, id))
        }
        try await send("m1")

        // The primary dies: the backup takes the lease and binds; the node finds it on its own.
        pair.hubs[0]?.kill9()
        try await send("m2")
        #expect(try await pair.waitUntilServing(1))
        #expect(await sender.currentEndpoint == pair.endpoints[1])
        // A command given both endpoints finds the one that serves (the first is dead).
        let listing = try await DeployedNetwork.detached {
            try AEOHubProcess.run(
                ["request", "list", "--timeout", "10"],
                environment: [
                    "AEOHUB_TOPOLOGY": pair.topologyPath, "AEOHUB_NODE": "coordinator",
                    "AEOHUB_KEY": pair.keyPath("coordinator"),
                ])
        }
        #expect(listing.status == 0, "\(listing.output)")

        // The killed hub comes back as the backup; the new primary is paused past its lease: the
        // first takes over, and the paused one, continued, steps down.
        try pair.launch(0)
        pair.hubs[1]?.signal(SIGSTOP)
        #expect(try await pair.waitUntilServing(0))
        try await send("m3")
        pair.hubs[1]?.signal(SIGCONT)
        #expect(try await pair.waitUntilStepped(down: 1), "\(pair.log(1))")
        try await send("m4")

        let deadline = ContinuousClock.now + .seconds(30)
        while handled.withLock({ $0.count }) < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(handled.withLock { $0.map(\.1) } == ["m1", "m2", "m3", "m4"])
        #expect(handled.withLock { $0.map(\.0) } == accepted.map(\.0))
        await sender.close()
        await receiver.close()
        _ = await handling.result
        let store = try PostgresEventStore(location: location, tailCheck: 0, readOnly: true)
        let records = try store.records(matching: RecordFilter(), after: 0, limit: 100)
        #expect(
            records.filter { $0.fields.type == "progress_report" }.map(\.fields.messageID) == ["m1", "m2", "m3", "m4"])
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let verified = try store.verify()
        #expect({ if case .intact = verified { true } else { false } }(), "\(verified)")
        #expect(pair.log(1).contains("stopped serving"), "\(pair.log(1))")
    }

    @Test("fencing: a hub whose lease another hub took (a paused primary) appends nothing, over real sockets")
    func fencedHubAppendsNothing() async throws {
        let location = try Self.database()
        defer { try? PostgresHubTests.dropSchema(location) }
        let network = try TestNetwork()
        let leaseStore = try PostgresEventStore(location: location, tailCheck: 0)
        let first = try #require(try PostgresLease(store: leaseStore, holder: "first").acquire(for: .milliseconds(300)))
        let fenced = Atomic<Int>(0)
        var configuration = network.configuration
        configuration.store = .postgresql(location)
        configuration.openStore = { _ in
            let store = try PostgresEventStore(location: location, tailCheck: 0)
            store.fence(epoch: first.epoch) { fenced.add(1, ordering: .relaxed) }
            return store
        }
        let hub = try await Hub.open(configuration: configuration, logger: quiet)
        hub.start()
        network.endpoint = hub.endpoint
        let node = try await network.node("trade-association")
        let before = try await node.submit(Make.report("under the lease", id: "r1", to: ["xm-dongdu"]))
        let check = try PostgresEventStore(location: location, tailCheck: 0, readOnly: true)
        // The session's presence record comes first.
        #expect(try check.head().sequence == before.sequence)

        // The lease lapses while this hub is (as if) paused; another hub takes it: a new epoch.
        try await Task.sleep(for: .milliseconds(400))
        let second = try #require(try PostgresLease(store: leaseStore, holder: "second").acquire(for: .seconds(30)))
        #expect(second.epoch == first.epoch + 1)
        await #expect(throws: NodeError.timedOut(messageID: "r2")) {
            try await node.submit(Make.report("after the takeover", id: "r2", to: ["xm-dongdu"]), deadline: .seconds(2))
        }
        #expect(fenced.load(ordering: .relaxed) >= 1)
        #expect(try check.head().sequence == before.sequence)
        #expect(try check.accepted(sender: "trade-association", messageID: "r2") == nil)
        await node.close()
        await hub.shutdown()
    }

    @Test("failover drill, short form: the primary killed -9 twice and paused past its lease once, under load")
    func shortDrill() async throws {
        let location = try Self.database()
        defer { try? PostgresHubTests.dropSchema(location) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-failover-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = FailoverDrill.Options(
            folder: folder, binary: try #require(AEOHubProcess.locate()), store: location)
        options.kills = 2
        options.pauses = 1
        options.nodes = 10
        options.uptime = 200...600
        options.leaseSeconds = 1.5
        let outcome = try await FailoverDrill(options: options, say: { _ in }).run()
        #expect(outcome.kills == 2 && outcome.pauses == 1, "\(outcome)")
        #expect(outcome.takeovers.count == 3, "\(outcome)")
        #expect(outcome.accepted >= 3 * options.progressPerCycle, "\(outcome)")
        #expect(outcome.lost == 0 && outcome.duplicates == 0 && outcome.outOfOrder == 0, "\(outcome)")
        #expect(outcome.verifyFailures == 0, "\(outcome)")
        // The paused primary stepped down, or (stuck) exited to be started again as the backup.
        #expect(outcome.stepDowns + outcome.exits.count >= 1, "\(outcome)")
        #expect(outcome.passed, "\(outcome)")
    }
}
