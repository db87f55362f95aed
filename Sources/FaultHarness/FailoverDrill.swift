import ChildProcesses
import Deployment
import EventLog
import EventLogPostgres
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Synchronization
import ZeroMQ

/// The failover drill: two `aeohub hub` processes on one PostgreSQL log (a primary/backup pair, SPEC.md 13)
/// while nodes submit to each other through them. At random moments the primary is killed with SIGKILL (and
/// started again, as the new backup), or stopped with SIGSTOP until the backup has taken over and then
/// continued with SIGCONT: it must step down and append nothing (fencing). Each time it measures how long the
/// backup took to serve, and to answer the nodes' first ACCEPTED. Afterwards it checks DESIGN.md's promises
/// as the crash drill does: every ACCEPTED is in the log once at its sequence, the log is gapless and verifies,
/// and every recipient handled each message addressed to it once, in order.
public final class FailoverDrill {
    public struct Options: Sendable {
        /// Primaries killed with SIGKILL.
        public var kills = 50
        /// Primaries stopped with SIGSTOP past their lease, then continued.
        public var pauses = 10
        public var nodes = 20
        /// How long the primary serves between two faults, at random within (milliseconds).
        public var uptime: ClosedRange<Int> = 300...1500
        /// Messages the nodes must see accepted between two faults, so each one hits a working primary.
        public var progressPerCycle = 20
        /// The lease's duration (`aeohub hub --lease-seconds`).
        public var leaseSeconds = 3.0
        /// `aeohub hub --snapshot-every`: a takeover folds the records written since the newest snapshot.
        public var snapshotEvery = 5000
        public var folder: URL
        /// The `aeohub` executable.
        public var binary: URL
        /// The PostgreSQL log; the drill uses a schema of its own in that database.
        public var store: PostgresLocation
        /// A shell command run once under load after the hub faults, e.g. one that stops the PostgreSQL
        /// primary and promotes its synchronous standby (`Deploy/with-test-postgres-standby.sh` gives one).
        public var databaseFault: String?

        public init(folder: URL, binary: URL, store: PostgresLocation) {
            self.folder = folder
            self.binary = binary
            self.store = store
        }
    }

    let options: Options
    let say: @Sendable (String) -> Void
    let hubKeys: CurveKeyPair
    var keys: [String: CurveKeyPair] = [:]
    let nodeIDs: [String]
    /// The two hubs' processes and ports; `primary` is the index of the one serving.
    private var hubs: [ChildProcess?] = [nil, nil]
    private var ports: [Int] = []
    private var primary = 0
    let logger: Logger
    let tallies = Tallies()

    /// What the worker tasks record, shared with them.
    final class Tallies: Sendable {
        /// Message id -> (sender, recipient, sequence) for every ACCEPTED the nodes saw.
        let accepted = Mutex<[String: (sender: String, recipient: String, sequence: UInt64)]>([:])
        /// Per node, the (sequence, message id) it handled, in order.
        let handled = Mutex<[String: [(UInt64, String)]]>([:])
        let stopping = Atomic<Bool>(false)
        var acceptedCount: Int { accepted.withLock { $0.count } }
    }

    public init(options: Options, say: @escaping @Sendable (String) -> Void = { print($0) }) throws {
        self.options = options
        self.say = say
        try FileManager.default.createDirectory(at: options.folder, withIntermediateDirectories: true)
        hubKeys = try CurveKeyPair.generate()
        nodeIDs = (1...options.nodes).map { String(format: "n%02d", $0) }
        var logger = Logger(label: "failover-drill")
        logger.logLevel = .critical
        self.logger = logger
        for id in nodeIDs { keys[id] = try CurveKeyPair.generate() }
        try KeyFiles.write(hubKeys, name: "hub", folder: options.folder.appendingPathComponent("keys").path)
        ports = try [Self.freePort(), Self.freePort()]
        try writeTopology()
    }

    var endpoints: [String] { ports.map { "tcp://127.0.0.1:\($0)" } }
    var topologyPath: String { options.folder.appendingPathComponent("topology.yaml").path }
    func file(_ name: String) -> String { options.folder.appendingPathComponent(name).path }
    func readyFile(_ hub: Int) -> String { file("hub-\(hub == 0 ? "a" : "b").endpoint") }

    /// How many times hub `hub` has logged that it stopped serving on a lost lease.
    func stoppedServingLines(_ hub: Int) -> Int {
        let text = (try? String(contentsOfFile: file("hub-\(hub == 0 ? "a" : "b").log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter {
            $0.contains("stopped serving") && !$0.contains("the hub is stopping")
        }.count
    }

    private func writeTopology() throws {
        var yaml = """
            hub:
              bind: \(endpoints[0])
              endpoint: [\(endpoints.joined(separator: ", "))]
              public_key: "\(hubKeys.publicKey.z85)"
              secret_key_file: keys/hub.secret
              store: \(options.store)
              rate_limit: off
            units:
              - id: coordinator
                role: coordinator
                name: Drill coordinator

            """
        for id in nodeIDs {
            yaml +=
                "  - id: \(id)\n    role: association\n    name: Drill node \(id)\n    public_key: "
                + "\"\(keys[id]!.publicKey.z85)\"\n"
        }
        try yaml.write(toFile: topologyPath, atomically: true, encoding: .utf8)
    }

    /// A loopback port free now (the hubs of a pair bind fixed ports: nodes must know both in advance).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw DrillError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: Processes

    /// Starts hub `index` (0 or 1); it serves once it holds the lease, and writes its ready file then.
    private func startHub(_ index: Int) throws {
        try? FileManager.default.removeItem(atPath: readyFile(index))
        hubs[index] = try ChildProcess(
            options.binary.path,
            [
                "hub", "--config", topologyPath, "--bind", endpoints[index], "--ready-file", readyFile(index),
                "--lease-seconds", "\(options.leaseSeconds)", "--snapshot-every", "\(options.snapshotEvery)",
                "--log-level", "notice",
            ],
            output: .discard, error: .appendingTo(file("hub-\(index == 0 ? "a" : "b").log")))
    }

    /// Waits until hub `index` serves; answers how long that took, `nil` after `limit`.
    private func waitUntilServing(_ index: Int, limit: Duration = .seconds(60)) async throws -> Duration? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < limit {
            if FileManager.default.fileExists(atPath: readyFile(index)) { return ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    // MARK: The drill

    /// Runs the drill. Call it from a thread of its own, not from the pool the nodes run on.
    public func run() async throws -> Outcome {
        let started = ContinuousClock.now
        var outcome = Outcome()
        try startHub(0)
        guard try await waitUntilServing(0) != nil else { throw DrillError("hub A did not serve; see hub-a.log") }
        try startHub(1)
        var nodes: [String: HubNode] = [:]
        for id in nodeIDs {
            var configuration = NodeConfiguration(
                nodeID: id, endpoint: endpoints[0], hubKey: hubKeys.publicKey, keyPair: keys[id]!,
                stateDirectory: file("state"))
            configuration.endpoints = endpoints
            configuration.retryInterval = .milliseconds(300)
            configuration.reconnectMaximum = .milliseconds(500)
            let node = try HubNode(configuration: configuration, logger: logger)
            try await node.start(timeout: .seconds(30))
            nodes[id] = node
        }
        let workers = startWorkers(nodes)
        var faults = Array(repeating: false, count: options.kills) + Array(repeating: true, count: options.pauses)
        faults.shuffle()
        for (cycle, pause) in faults.enumerated() {
            try await fault(pause: pause, outcome: &outcome)
            if (cycle + 1) % 10 == 0 || cycle + 1 == faults.count {
                say(
                    "  fault \(cycle + 1)/\(faults.count): \(tallies.acceptedCount) accepted so far; takeover median "
                        + "\(Outcome.format(Outcome.median(outcome.takeovers)))")
            }
        }
        if let command = options.databaseFault { try await databaseFault(command, outcome: &outcome) }
        say("  stopping the submitters and waiting for every delivery")
        tallies.stopping.store(true, ordering: .relaxed)
        for worker in workers { _ = await worker.result }
        try await waitForDeliveries()
        for node in nodes.values { await node.close() }
        for hub in hubs {
            hub?.terminate()
            hub?.wait()
        }
        say("  checking the log and every recipient")
        try check(&outcome)
        outcome.elapsed = .now - started
        return outcome
    }

    /// Runs `command` (on a thread of its own: it blocks) under load, and measures the time from its start
    /// to the first ACCEPTED after it ended.
    private func databaseFault(_ command: String, outcome: inout Outcome) async throws {
        try await Task.sleep(for: .seconds(3))
        say("  database fault: \(command)")
        let started = ContinuousClock.now
        let result = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try ChildProcess.run("/bin/bash", ["-c", command], timeout: .seconds(300)) })
            }
        }
        if result.status != 0 { outcome.problems.append("the database fault failed: \(result.output)") }
        let acceptedAfter = tallies.acceptedCount
        while tallies.acceptedCount <= acceptedAfter, ContinuousClock.now - started < .seconds(120) {
            try await Task.sleep(for: .milliseconds(5))
        }
        outcome.databaseFaultServiceBack = ContinuousClock.now - started
        try await Task.sleep(for: .seconds(5))
    }

    /// One fault of the primary under load: killed, or paused past its lease and continued.
    private func fault(pause: Bool, outcome: inout Outcome) async throws {
        let before = tallies.acceptedCount
        try await Task.sleep(for: .milliseconds(Int.random(in: options.uptime)))
        let patience = ContinuousClock.now + .seconds(60)
        while tallies.acceptedCount < before + options.progressPerCycle, ContinuousClock.now < patience {
            try await Task.sleep(for: .milliseconds(10))
        }
        // A hub that could not stop serving in time exits (75): started again, as systemd's Restart= does.
        for index in 0...1 where hubs[index]?.isRunning == false {
            outcome.exits.append(hubs[index]?.exitStatus ?? -1)
            try startHub(index)
        }
        let old = primary
        let backup = 1 - old
        guard let process = hubs[old] else { return }
        let faultAt = ContinuousClock.now
        if pause { process.signal(SIGSTOP) } else { process.kill9() }
        guard let takeover = try await waitUntilServing(backup) else {
            outcome.problems.append("the backup did not take over within 60 s; see the hubs' logs")
            if pause { process.signal(SIGCONT) }
            return
        }
        outcome.takeovers.append(takeover)
        primary = backup
        // Answers counted from here on come from the new primary (the old one is dead or stopped).
        let acceptedAtTakeover = tallies.acceptedCount
        while tallies.acceptedCount <= acceptedAtTakeover, ContinuousClock.now - faultAt < .seconds(60) {
            try await Task.sleep(for: .milliseconds(5))
        }
        outcome.serviceBack.append(ContinuousClock.now - faultAt)
        if pause {
            outcome.pauses += 1
            // Let the new primary work a little under the paused one's nose, then wake it: it must step
            // down (its ready file goes) without appending anything.
            try await Task.sleep(for: .milliseconds(300))
            process.signal(SIGCONT)
            let woke = ContinuousClock.now
            while FileManager.default.fileExists(atPath: readyFile(old)), ContinuousClock.now - woke < .seconds(30) {
                try await Task.sleep(for: .milliseconds(5))
            }
            if FileManager.default.fileExists(atPath: readyFile(old)) {
                outcome.problems.append("a continued primary did not step down within 30 s")
            }
            // Its ready file goes first; then it either finishes stopping (and says so in its log) or,
            // stuck in I/O past its lease, exits. Wait for one of the two before counting.
            let stepDowns = stoppedServingLines(old)
            let settled = ContinuousClock.now
            while process.isRunning, stoppedServingLines(old) == stepDowns,
                ContinuousClock.now - settled < .seconds(options.leaseSeconds * 2 + 5)
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            if !process.isRunning {
                outcome.exits.append(process.exitStatus ?? -1)
                try startHub(old)
            }
        } else {
            outcome.kills += 1
            try startHub(old)
        }
    }
}
