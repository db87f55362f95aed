import ChildProcesses
import Coordination
import Deployment
import EventLog
import EventLogSQLite
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Synchronization
import ZeroMQ

/// A hub running as its own `aeohub hub` process (so its memory is its own), and nodes in this one.
final class BenchNetwork {
    let folder: URL
    let hubKeys: CurveKeyPair
    var keys: [String: CurveKeyPair] = [:]
    let nodeIDs: [String]
    var process: ChildProcess?
    var endpoint = ""
    var nodes: [String: HubNode] = [:]
    /// Deliveries each catch-up node has waiting (set by ``catchUp(records:)``).
    var target = 0
    /// The coordinator's handler, which keeps its deliveries flowing while others submit.
    var drain: Task<Void, any Error>?
    let logger: Logger

    /// The `aeohub` executable beside this one.
    var aeohub: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("aeohub").path
    }
    var topologyPath: String { folder.appendingPathComponent("topology.yaml").path }
    func keyPath(_ id: String) -> String { folder.appendingPathComponent("keys/\(id).secret").path }

    /// Units and their keys in `keys/`; the hub's log at `log.sqlite`, or the `store` URL (e.g. `postgresql://...`,
    /// its password from `AEOHUB_STORE_PASSWORD_FILE`).
    init(folder: URL, nodeCount: Int, store: String? = nil) throws {
        self.folder = folder
        hubKeys = try CurveKeyPair.generate()
        nodeIDs = (1...nodeCount).map { String(format: "n%03d", $0) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        self.logger = logger
        let keysFolder = folder.appendingPathComponent("keys").path
        try KeyFiles.write(hubKeys, name: "hub", folder: keysFolder)
        var yaml = """
            hub:
              bind: tcp://127.0.0.1:*
              endpoint: tcp://127.0.0.1:0
              public_key: "\(hubKeys.publicKey.z85)"
              secret_key_file: keys/hub.secret
              \(store.map { "store: \($0)" } ?? "log: log.sqlite")
              credit_window: 256
              rate_limit: off
            units:

            """
        for (id, role) in [
            // One coordinator, which every message reaches; the catch-up units get only what is
            // written to them (`catchUp(records:)`, `StartupBench.fill`).
            ("bureau", "coordinator"), ("catchup", "customs"), ("catchup-each", "customs"),
            ("catchup-batched", "customs"), ("catchup-listen", "customs"), ("catchup-listen-each", "customs"),
            ("customs", "customs"),
        ] + nodeIDs.map({ ($0, "association") }) {
            keys[id] = try CurveKeyPair.generate()
            try KeyFiles.write(keys[id]!, name: id, folder: keysFolder)
            yaml += "  - id: \(id)\n    role: \(role)\n    public_key: \"\(keys[id]!.publicKey.z85)\"\n"
        }
        // The districts that file the requests of the scale table's logs (`StartupBench.fill`).
        for district in 1...6 {
            yaml += "  - id: district-\(district)\n    role: district\n"
            yaml += "    area: \"35020\(district)\"\n    customs: customs\n"
        }
        try yaml.write(to: folder.appendingPathComponent("topology.yaml"), atomically: true, encoding: .utf8)
    }

    func store() throws -> SQLiteEventStore {
        try SQLiteEventStore(path: folder.appendingPathComponent("log.sqlite").path, tailCheck: 0)
    }

    /// Starts the hub process; answers the seconds until it served (its log folded, its endpoint bound).
    @discardableResult
    func startHub() throws -> Double {
        let began = ContinuousClock.now
        let ready = folder.appendingPathComponent("hub.endpoint").path
        let hubLog = folder.appendingPathComponent("hub.log").path
        let process = try ChildProcess(
            aeohub,
            ["hub", "--config", folder.appendingPathComponent("topology.yaml").path, "--ready-file", ready],
            output: .appendingTo(hubLog))
        self.process = process
        // The port is chosen by the OS; the hub writes the endpoint it bound to the ready file.
        try? FileManager.default.removeItem(atPath: ready)
        let deadline = Date().addingTimeInterval(900)
        while process.isRunning, Date() < deadline {
            if let written = try? String(contentsOfFile: ready, encoding: .utf8), !written.isEmpty {
                endpoint = written.trimmingCharacters(in: .whitespacesAndNewlines)
                // Command-line nodes (`aeohub listen`, listings) read the endpoint from the topology.
                let yaml = try String(contentsOfFile: topologyPath, encoding: .utf8)
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix("  endpoint: ") ? "  endpoint: \(endpoint)" : String($0) }
                try yaml.joined(separator: "\n").write(toFile: topologyPath, atomically: true, encoding: .utf8)
                return Benchmark.seconds(ContinuousClock.now - began)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw BenchError("the hub did not start: \((try? String(contentsOfFile: hubLog, encoding: .utf8)) ?? "")")
    }

    func stopHub() {
        guard let process else { return }
        process.signal(SIGINT)
        process.wait()
        self.process = nil
    }

    func node(_ id: String) async throws -> HubNode {
        if let node = nodes[id] { return node }
        let node = try HubNode(
            configuration: NodeConfiguration(
                nodeID: id, endpoint: endpoint, hubKey: hubKeys.publicKey, keyPair: keys[id]!), logger: logger)
        try await node.start(timeout: .seconds(30))
        nodes[id] = node
        return node
    }

    static func report(_ tag: String) -> Envelope {
        Envelope.with {
            $0.progressReport = ProgressReport.with {
                $0.period = "2026-09/2026-10"
                $0.text = tag + Benchmark.payloadText
            }
        }
    }

    /// Accepted submits per second with `senders` nodes, each keeping up to 64 submits in flight.
    func durableAccept(senders: Int, messages: Int) async throws -> Double {
        let bureau = try await node("bureau")
        let drain = Task { try await bureau.handleDeliveries { _ in } }
        _ = drain
        var senderNodes: [HubNode] = []
        for id in nodeIDs.prefix(senders) { senderNodes.append(try await node(id)) }
        let perSender = messages / senders
        let began = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senderNodes {
                group.addTask {
                    var sent = 0
                    while sent < perSender {
                        let chunk = min(64, perSender - sent)
                        let base = sent
                        try await withThrowingTaskGroup(of: Void.self) { inner in
                            for index in 0..<chunk {
                                inner.addTask { _ = try await sender.submit(Self.report("\(base + index)")) }
                            }
                            try await inner.waitForAll()
                        }
                        sent += chunk
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(perSender * senders) / Benchmark.seconds(ContinuousClock.now - began)
    }

    /// Submit-to-delivered latency at a fixed offered load (bursts every 10 ms), from one node to
    /// customs, and (the part of it the sender waits for) submit-to-ACCEPTED. Milliseconds; the
    /// receiver catches up first and the first second is not measured.
    func latency(offered: Int, seconds: Int) async throws -> LatencyFigures {
        let sender = try await node(nodeIDs[0])
        let receiver = try await node("customs")
        let sentAt = Mutex<[String: ContinuousClock.Instant]>([:])
        let delivered = Mutex<[Double]>([])
        let handler = Task {
            try await receiver.handleDeliveries { delivery in
                let arrived = ContinuousClock.now
                if let started = sentAt.withLock({ $0[delivery.envelope.messageID] }) {
                    delivered.withLock { $0.append(Benchmark.seconds(arrived - started) * 1000) }
                }
            }
        }
        _ = handler
        // Earlier runs' records go first, to the receiver and to the coordinator that drained them:
        // timed meanwhile, the run would measure that backlog, not the latency.
        try await waitUntilHandledNothing(for: .milliseconds(500), [receiver] + [nodes["bureau"]].compactMap(\.self))
        let total = offered * seconds
        let tick = 10  // milliseconds per burst
        let perTick = offered * tick / 1000
        // A first second of the same load is not measured: the hub may still be delivering earlier
        // runs' records to other nodes, which costs the first bursts tens of milliseconds.
        let warmUpBursts = 1000 / tick
        var began = ContinuousClock.now
        let warmUpBegan = began
        var tasks: [Task<Double, any Error>] = []
        for burst in 0..<(warmUpBursts + total / perTick) {
            try await Task.sleep(until: warmUpBegan + .milliseconds(burst * tick))
            if burst == warmUpBursts { began = .now }
            for index in 0..<perTick {
                var envelope = Self.report("lat")
                envelope.messageID = "lat-\(burst)-\(index)"
                envelope.to = Recipients.with { $0.nodes = ["customs"] }
                let message = envelope
                guard burst >= warmUpBursts else {
                    Task { _ = try await sender.submit(message) }
                    continue
                }
                let started = ContinuousClock.now
                sentAt.withLock { $0[envelope.messageID] = started }
                tasks.append(
                    Task {
                        _ = try await sender.submit(message)
                        return Benchmark.seconds(ContinuousClock.now - started) * 1000
                    })
            }
        }
        var toAccepted: [Double] = []
        for task in tasks { toAccepted.append(try await task.value) }
        toAccepted.sort()
        let achieved = Double(total) / Benchmark.seconds(ContinuousClock.now - began)
        for _ in 0..<500 where delivered.withLock({ $0.count }) < total { try await Task.sleep(for: .milliseconds(10)) }
        let toDelivered = delivered.withLock { $0.sorted() }
        guard !toDelivered.isEmpty else { throw BenchError("no deliveries measured") }
        return LatencyFigures(delivered: toDelivered, accepted: toAccepted, achieved: achieved)
    }

    /// Returns once none of `handlers` has handled a delivery for `quiet` (at most five minutes).
    func waitUntilHandledNothing(for quiet: Duration, _ handlers: [HubNode]) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        var handled: [UInt64] = []
        while ContinuousClock.now < deadline {
            var now: [UInt64] = []
            for node in handlers { now.append(await node.lastHandled) }
            if now == handled { return }
            handled = now
            try await Task.sleep(for: quiet)
        }
    }

    /// The mean size of the log's first 10,000 envelopes.
    func averageEnvelopeBytes() throws -> Int {
        let envelopes = try store().envelopes(matching: RecordFilter(), after: 0, limit: 10_000)
        return envelopes.reduce(0) { $0 + $1.envelope.count } / max(envelopes.count, 1)
    }

    /// Records read per second from the log, in replay-sized chunks of 5,000.
    func replayRate(envelopesOnly: Bool = false) throws -> Double {
        let store = try store()
        var after: UInt64 = 0
        var count = 0
        let began = ContinuousClock.now
        while true {
            let read: (count: Int, last: UInt64?)
            if envelopesOnly {
                let chunk = try store.envelopes(matching: RecordFilter(), after: after, limit: 5000)
                read = (chunk.count, chunk.last?.sequence)
            } else {
                let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
                read = (chunk.count, chunk.last?.sequence)
            }
            guard let last = read.last else { break }
            count += read.count
            after = last
        }
        return Double(count) / Benchmark.seconds(ContinuousClock.now - began)
    }

    /// Appends `records` reports for the offline `catchup` node straight into the log (as the hub
    /// would have), restarts the hub, and times the node's catch-up to the head.
    func catchUp(records: Int) async throws -> (seconds: Double, count: Int) {
        for node in nodes.values { await node.close() }
        nodes.removeAll()
        stopHub()
        let store = try store()
        var head = try store.head().sequence
        var lastAt = Int64(Date().timeIntervalSince1970 * 1000)
        var remaining = records
        while remaining > 0 {
            let batch = (0..<min(1000, remaining)).map { index -> PendingRecord in
                head += 1
                lastAt += 1
                var envelope = Self.report("catch-up")
                envelope.messageID = "bulk-\(head)"
                envelope.sender = nodeIDs[1]
                envelope.sequence = head
                envelope.acceptedAtMs = lastAt
                envelope.deliveredTo = Self.catchUpNodes
                _ = index
                return PendingRecord(
                    sequence: head, acceptedAt: lastAt, sender: nodeIDs[1], messageID: envelope.messageID,
                    type: "progress_report", recipients: Self.catchUpNodes, subjects: RecordSubjects(),
                    envelope: (try? envelope.serializedBytes()) ?? Data())
            }
            _ = try store.append(batch)
            remaining -= batch.count
        }
        target = try store.deliveries(for: "catchup", after: 0, limit: Int.max).count
        try startHub()
        return (
            try await timeCatchUp("catchup") { node, received in
                try await node.handleDeliveries { _ in received.add(1) }
            }, target
        )
    }

    /// The same catch-up with an application that makes each delivery durable before it counts as
    /// handled, as `aeohub listen` does: an fsync per delivery, and then one per batch.
    func durableCatchUp() async throws -> (each: Double, batched: Double) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-bench-inbox-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func inbox(_ name: String) throws -> FileHandle {
            let path = folder.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: nil)
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        let eachFile = try inbox("each.jsonl")
        let each = try await timeCatchUp("catchup-each") { node, received in
            try await node.handleDeliveries { delivery in
                try eachFile.write(contentsOf: delivery.bytes + Data([10]))
                try eachFile.synchronize()
                received.add(1)
            }
        }
        let batchedFile = try inbox("batched.jsonl")
        let batched = try await timeCatchUp("catchup-batched") { node, received in
            try await node.handleDeliveryBatches { batch in
                try batchedFile.write(contentsOf: batch.reduce(into: Data()) { $0 += $1.bytes + Data([10]) })
                try batchedFile.synchronize()
                received.add(batch.count)
            }
        }
        return (each, batched)
    }

    static let catchUpNodes = ["bureau", "catchup", "catchup-each", "catchup-batched"]

    /// Seconds for node `id` to receive `target` deliveries through `handle`.
    func timeCatchUp(
        _ id: String, _ handle: @escaping @Sendable (HubNode, Received) async throws -> Void
    ) async throws -> Double {
        let node = try await node(id)
        let received = Received()
        let began = ContinuousClock.now
        let handler = Task { try await handle(node, received) }
        while received.count < target { try await Task.sleep(for: .milliseconds(2)) }
        let seconds = Benchmark.seconds(ContinuousClock.now - began)
        handler.cancel()
        await node.close()
        nodes[id] = nil
        return seconds
    }

    /// Connects every node and reads the hub process's peak resident memory (VmHWM).
    func idleNodesRSS(nodes count: Int) async throws -> Double {
        for id in nodeIDs.prefix(count) { _ = try await node(id) }
        try await Task.sleep(for: .seconds(2))
        guard let pid = process?.pid,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else {
            throw BenchError("cannot read the hub's /proc status")
        }
        for node in nodes.values { await node.close() }
        return kilobytes / 1024
    }
}

/// Deliveries an application has handled, counted across tasks.
final class Received: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
    func add(_ n: Int) { value.add(n, ordering: .relaxed) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Latencies of one fixed-rate run, sorted, in milliseconds.
struct LatencyFigures {
    let delivered: [Double]
    let accepted: [Double]
    let achieved: Double

    static func percentile(_ sorted: [Double], _ permille: Int) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * permille / 1000)]
    }

    /// "p50 … p99 … p99.9 … max …" of one of the two series.
    static func summary(_ sorted: [Double]) -> String {
        String(
            format: "p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms", percentile(sorted, 500), percentile(sorted, 990),
            percentile(sorted, 999), sorted.last ?? 0)
    }
}
