import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Observability
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Issue 17, item 4: the hub's metrics at `/metrics` and its health at `/healthz`, over real HTTP
/// from a real hub served to real nodes. Nothing here is timed: every wait polls, a bounded number of times.
@Suite("Metrics and health over HTTP", .serialized)
struct ObservabilityTests {
    @Test("/metrics moves with the hub: accepted by exactly what was accepted, rejections by code, lag, replay, views")
    func metricsMove() async throws {
        let observed = try await ObservedHub.start()
        let hub = observed.hub
        let before = try await observed.metrics()
        #expect(before["aeohub_accepted_total"] == 0)

        let huli = try await observed.node("huli")
        for text in ["one", "two", "three"] { _ = try await huli.submit(Make.report(text, id: "m-\(text)")) }
        #expect(try await huli.submit(Make.report("one", id: "m-one")).duplicate)
        do {
            _ = try await huli.submit(Make.report("other words", id: "m-one"))
            Issue.record("a reused message id with other content was accepted")
        } catch NodeError.rejected(let code, _, _) {
            #expect(code == "ID_REUSED")
        }
        let replayed = try await bounded(
            "the replay", onTimeout: { await huli.close() }, { try await huli.replay(ReplayRequest()) })
        _ = try await huli.view(.of(.requests))

        let after = try await observed.metrics { $0["aeohub_view_requests_total", default: 0] >= 1 }
        func moved(_ name: String) -> Double { after[name, default: 0] - before[name, default: 0] }
        #expect(moved("aeohub_accepted_total") == 3)
        // At least the one resubmitted: on a loaded machine the node may also resend a submit it had
        // no answer to in time, which the hub answers as a duplicate too (SPEC 4.2).
        #expect(moved("aeohub_duplicates_total") >= 1)
        #expect(after["aeohub_rejected_total{code=\"ID_REUSED\"}"] == 1)
        #expect(moved("aeohub_replay_requests_total") == 1)
        #expect(moved("aeohub_replay_records_total") == Double(replayed.count))
        #expect(after["aeohub_batches_total", default: 0] >= 1)
        #expect(after["aeohub_batch_size_count", default: 0] >= 1)
        #expect(after["aeohub_commit_seconds_count", default: 0] >= 1)
        #expect(after["aeohub_head_sequence", default: 0] >= 4)
        #expect(after["aeohub_store_up"] == 1)
        #expect(after["aeohub_healthy"] == 1)
        // The counters tests read and the metrics exported are one set of numbers.
        let snapshot = hub.counters.snapshot
        #expect(Double(snapshot["accepted"]!) == after["aeohub_accepted_total"])
        #expect(Double(snapshot["duplicates"]!) == after["aeohub_duplicates_total"])
        #expect(Double(snapshot["rejected"]!) == 1)

        // Huli's session shows; the coordinator, offline, is owed the reports and huli's presence.
        let lag = "aeohub_delivery_lag{node=\"commerce-bureau\"}"
        let owed = try await observed.metrics { $0["aeohub_sessions"] == 1 && $0[lag, default: 0] >= 4 }
        #expect(owed["aeohub_sessions"] == 1)
        #expect(owed[lag, default: 0] >= 4)
        // Once the coordinator is online and has acknowledged them, its lag is back to 0.
        let bureau = try await observed.node("commerce-bureau")
        let inbox = Inbox(bureau)
        try await inbox.wait(for: 4)
        let caughtUp = try await observed.metrics { $0[lag] == 0 && $0["aeohub_sessions"] == 2 }
        #expect(caughtUp[lag] == 0)
        #expect(caughtUp["aeohub_delivered_total", default: 0] >= 4)

        await huli.close()
        await bureau.close()
        _ = await inbox.task.result
        await observed.stop()
    }

    @Test("/healthz is 200 while the hub thread goes round, 503 while it is held, 200 again once released")
    func healthFollowsTheLoop() async throws {
        let observed = try await ObservedHub.start(maxLoopAge: .seconds(2))
        let healthy = try await observed.healthz(until: 200)
        #expect(healthy.body.hasPrefix("{\"status\":\"ok\",\"loop_age_ms\":"))
        #expect(healthy.body.contains("\"store\":\"ok\",\"head\":0}"))

        let hold = observed.hub.holdLoop()
        let stuck = try await observed.healthz(until: 503)
        // /metrics still answers while the hub thread is stuck, and says so.
        let seen = try await observed.metrics { $0["aeohub_healthy"] == 0 }
        hold.release()
        #expect(stuck.body.contains("\"status\":\"unhealthy\""))
        #expect(stuck.body.contains("the hub loop has not gone round"))
        #expect(stuck.body.contains("\"store\":\"ok\""))
        #expect(seen["aeohub_loop_age_seconds", default: 0] > 0)

        _ = try await observed.healthz(until: 200)
        // The released hub still serves.
        let huli = try await observed.node("huli")
        #expect(try await huli.submit(Make.report("after the hold")).sequence >= 1)
        await huli.close()

        await observed.network.stopHub()
        let stopped = try await observed.healthz(until: 503)
        #expect(stopped.body.contains("the hub loop has stopped"))
        await observed.stop()
    }

    @Test("a log the health check cannot read is unhealthy, with the store's error; the address parser")
    func storeUnreachable() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let hub = try #require(network.hub)
        let missing = network.folder.appendingPathComponent("absent/log.sqlite").path
        let report = await HubHealth(hub: hub, logPath: missing).check()
        #expect(!report.healthy)
        #expect(report.storeError != nil)
        #expect(report.json.contains("\"status\":\"unhealthy\""))
        #expect(report.json.contains("\"head\":null"))
        #expect(report.reasons.contains { $0.contains("the log does not answer a read") })
        let good = await HubHealth(hub: hub).check()
        #expect(good.storeError == nil && good.head == 0)
        await network.stopHub()

        #expect(Observability.parseAddress("9464")! == ("127.0.0.1", 9464))
        #expect(Observability.parseAddress(":0")! == ("127.0.0.1", 0))
        #expect(Observability.parseAddress("0.0.0.0:9464")! == ("0.0.0.0", 9464))
        #expect(Observability.parseAddress("[::1]:9464")! == ("::1", 9464))
        #expect(Observability.parseAddress("localhost") == nil)
        #expect(Observability.parseAddress("1:2:3") == nil)
        #expect(Observability.parseAddress("70000") == nil)
    }
}

/// A hub recording into a metrics backend of its own, with its HTTP server on a free port.
private final class ObservedHub: Sendable {
    let network: TestNetwork
    let hub: Hub
    let port: Int
    private let group: ServiceGroup
    private let serving: Task<Void, any Error>

    private init(network: TestNetwork, hub: Hub, port: Int, group: ServiceGroup, serving: Task<Void, any Error>) {
        self.network = network
        self.hub = hub
        self.port = port
        self.group = group
        self.serving = serving
    }

    static func start(maxLoopAge: Duration = .seconds(5)) async throws -> ObservedHub {
        let network = try TestNetwork()
        // Other suites' blocking calls may starve the nodes' tasks for a while: no session expires
        // meanwhile, so no submit is sent twice and every count below is exact.
        network.heartbeatLiveness = ObservedHub.liveness
        let metrics = MetricsBackend()
        var configuration = network.configuration
        configuration.metricsFactory = metrics.factory
        let hub = try await Hub.open(configuration: configuration, logger: quiet)
        network.endpoint = hub.endpoint
        network.hub = hub
        hub.start()
        network.hubTask = Task { try await hub.run() }

        let bound = Mutex<Int?>(nil)
        let server = ObservabilityServer(
            port: 0, metrics: metrics, health: HubHealth(hub: hub, maxLoopAge: maxLoopAge), logger: quiet
        ) { _, port in bound.withLock { $0 = port } }
        let group = ServiceGroup(services: [server], logger: quiet)
        let serving = Task { try await group.run() }
        let port = try await eventually("the HTTP server to listen") { bound.withLock { $0 } }
        return ObservedHub(network: network, hub: hub, port: port, group: group, serving: serving)
    }

    static let liveness = 120

    /// A node of `id`, as patient as the hub (see ``start(maxLoopAge:)``).
    func node(_ id: String) async throws -> HubNode {
        var configuration = NodeConfiguration(
            nodeID: id, endpoint: network.endpoint, hubKey: network.hubKeys.publicKey, keyPair: network.keys[id]!)
        configuration.retryInterval = .milliseconds(500)
        configuration.heartbeatLiveness = Self.liveness
        let node = try HubNode(configuration: configuration, logger: quiet)
        try await node.start()
        return node
    }

    func stop() async {
        await network.stopHub()
        await group.triggerGracefulShutdown()
        _ = await serving.result
    }

    /// The samples of `/metrics` by name and labels (`name{label="value"}`), once `condition` holds.
    func metrics(
        until condition: @escaping @Sendable ([String: Double]) -> Bool = { _ in true }
    )
        async throws -> [String: Double]
    {
        try await eventually("/metrics to show what was expected") {
            // A request that times out (the server's tasks starved by other suites) is tried again.
            guard let response = try? await HTTPProbe.get(port: port, path: "/metrics"), response.status == 200
            else { return nil }
            let samples = Self.samples(response.body)
            return condition(samples) ? samples : nil
        }
    }

    /// `/healthz` once it answers `status`.
    func healthz(until status: Int) async throws -> HTTPProbe.Response {
        try await eventually("/healthz to answer \(status)") {
            let response = try? await HTTPProbe.get(port: port, path: "/healthz")
            return response?.status == status ? response : nil
        }
    }

    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

/// Tries `attempt` every 50 ms until it answers something, 1,200 times at most. Attempts are counted,
/// not the clock: other suites' blocking calls may hold every concurrency thread for a minute.
private func eventually<T: Sendable>(_ what: String, _ attempt: () async throws -> T?) async throws -> T {
    for _ in 0..<1200 {
        if let value = try await attempt() { return value }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw HTTPProbe.Failure("gave up waiting for \(what)")
}

/// Runs `operation`, and fails rather than hangs if it does not finish within 1,200 polls (a replay
/// has no deadline of its own); `onTimeout` must make it end (closing the node ends its replays).
private func bounded<T: Sendable>(
    _ what: String, onTimeout: () async -> Void, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let task = Task {
        do {
            let value = try await operation()
            outcome.withLock { $0 = .success(value) }
        } catch {
            outcome.withLock { $0 = .failure(error) }
        }
    }
    do {
        return try await eventually(what) { try outcome.withLock { $0 }?.get() }
    } catch {
        await onTimeout()
        await task.value
        throw error
    }
}

/// A plain HTTP/1.1 GET over a socket (the tests have no HTTP client library).
private enum HTTPProbe {
    struct Response: Sendable {
        let status: Int
        let body: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func get(port: Int, path: String) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingGet(port: port, path: path) })
            }
        }
    }

    private static func blockingGet(port: Int, path: String) throws -> Response {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure("connect to port \(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure("send: errno \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n >= 0 else { throw Failure("recv: errno \(errno)") }
            if n == 0 { break }
            received.append(contentsOf: buffer[..<n])
        }
        return try parse(received)
    }

    private static func parse(_ bytes: [UInt8]) throws -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure("no HTTP header in \(text.prefix(200))") }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure("bad status line") }
        var body = String(text[split.upperBound...])
        if head.contains(where: { $0.lowercased() == "transfer-encoding: chunked" }) { body = dechunk(body) }
        return Response(status: status, body: body)
    }

    private static func dechunk(_ text: String) -> String {
        var rest = Substring(text)
        var body = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let chunk = rest.utf8[start...].prefix(size)
            body += String(decoding: chunk, as: UTF8.self)
            rest = Substring(rest.utf8[chunk.endIndex...]).dropFirst(2)
        }
        return body
    }
}
