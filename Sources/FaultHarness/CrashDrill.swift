import ChildProcesses
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

/// The crash drill: a hub process killed with SIGKILL at random moments while nodes submit and
/// receive, restarted on the same port each time; node processes (`aeohub listen`) killed
/// mid-handler too. Afterwards it checks DESIGN.md's promises: every message a node saw ACCEPTED
/// is in the log once, the log is gapless and verifies, and every recipient handled each message
/// addressed to it once, in order.
public final class CrashDrill {
    public struct Options: Sendable {
        public var cycles = 20
        public var nodes = 20
        public var listeners = 2
        /// How long the hub runs between kills, at random within.
        public var uptime: ClosedRange<Int> = 200...1200
        /// Messages the nodes must see accepted between two kills (however slow the machine is),
        /// so every cycle kills a hub that was working.
        public var progressPerCycle = 20
        public var folder: URL
        /// The `aeohub` executable.
        public var binary: URL

        public init(folder: URL, binary: URL) {
            self.folder = folder
            self.binary = binary
        }
    }

    let options: Options
    let say: @Sendable (String) -> Void
    private let hubKeys: CurveKeyPair
    private var keys: [String: CurveKeyPair] = [:]
    private let nodeIDs: [String]
    private let listenerIDs: [String]
    private var hub: ChildProcess?
    private var port = 0
    private var listeners: [String: ChildProcess] = [:]
    private let logger: Logger

    /// What the worker tasks record, shared with them.
    private final class Tallies: Sendable {
        /// Message id -> (sender, recipient, sequence) for every ACCEPTED the nodes saw.
        let accepted = Mutex<[String: (sender: String, recipient: String, sequence: UInt64)]>([:])
        /// Per in-process node, the (sequence, message id) it handled, in order.
        let handled = Mutex<[String: [(UInt64, String)]]>([:])
        /// Set when the submitters should finish the message in hand and stop.
        let stopping = Atomic<Bool>(false)
    }

    private let tallies = Tallies()

    public init(options: Options, say: @escaping @Sendable (String) -> Void = { print($0) }) throws {
        self.options = options
        self.say = say
        try FileManager.default.createDirectory(at: options.folder, withIntermediateDirectories: true)
        hubKeys = try CurveKeyPair.generate()
        nodeIDs = (1...options.nodes).map { String(format: "n%02d", $0) }
        listenerIDs = (0..<options.listeners).map { String(format: "l%02d", $0 + 1) }
        var logger = Logger(label: "drill")
        logger.logLevel = .critical
        self.logger = logger
        for id in nodeIDs + listenerIDs { keys[id] = try CurveKeyPair.generate() }
        try KeyFiles.write(hubKeys, name: "hub", folder: keysFolder.path)
        for id in listenerIDs { try KeyFiles.write(keys[id]!, name: id, folder: keysFolder.path) }
        try writeTopology(bind: "tcp://127.0.0.1:*", endpoint: "tcp://127.0.0.1:1")
    }

    var keysFolder: URL { options.folder.appendingPathComponent("keys") }
    var topologyPath: String { options.folder.appendingPathComponent("topology.yaml").path }
    var logPath: String { options.folder.appendingPathComponent("log.sqlite").path }
    func inbox(_ id: String) -> String { options.folder.appendingPathComponent("\(id).inbox").path }

    private func writeTopology(bind: String, endpoint: String) throws {
        var yaml = """
            hub:
              bind: \(bind)
              endpoint: \(endpoint)
              public_key: "\(hubKeys.publicKey.z85)"
              secret_key_file: keys/hub.secret
              log: log.sqlite
              rate_limit: off
            units:
              - id: coordinator
                role: coordinator
                name: Drill coordinator

            """
        for id in nodeIDs + listenerIDs {
            yaml +=
                "  - id: \(id)\n    role: association\n    name: Drill node \(id)\n    public_key: "
                + "\"\(keys[id]!.publicKey.z85)\"\n"
        }
        try yaml.write(toFile: topologyPath, atomically: true, encoding: .utf8)
    }

    // MARK: Processes

    private func startHub() throws {
        let ready = options.folder.appendingPathComponent("hub.endpoint").path
        try? FileManager.default.removeItem(atPath: ready)
        let process = try ChildProcess(
            options.binary.path, ["hub", "--config", topologyPath, "--ready-file", ready, "--log-level", "error"],
            output: .discard, error: .appendingTo(logFile("hub.log")))
        hub = process
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ready), process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let endpoint = try? String(contentsOfFile: ready, encoding: .utf8) else {
            throw DrillError("the hub did not start; see \(options.folder.appendingPathComponent("hub.log").path)")
        }
        if port == 0 {
            port = Int(endpoint.split(separator: ":").last!)!
            try writeTopology(bind: "tcp://127.0.0.1:\(port)", endpoint: "tcp://127.0.0.1:\(port)")
        }
    }

    /// The path of `name` in the drill's folder (each restart appends to the same file).
    private func logFile(_ name: String) -> String { options.folder.appendingPathComponent(name).path }

    /// The hub's peak resident set (VmHWM), in KiB.
    private func hubPeakRSS() -> Int {
        guard let pid = hub?.pid,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    private func kill9(_ process: ChildProcess?) { process?.kill9() }

    private func startListener(_ id: String) throws {
        listeners[id] = try ChildProcess(
            options.binary.path,
            [
                "listen", "--topology", topologyPath, "--node", id, "--key",
                keysFolder.appendingPathComponent("\(id).secret").path, "--inbox", inbox(id), "--drill-delay-ms", "1",
            ],
            output: .discard, error: .appendingTo(logFile("\(id).log")))
    }

    private func verifyLog() throws -> Bool {
        try ChildProcess(options.binary.path, ["log", "verify", "--log", logPath]).wait() == 0
    }

    // MARK: The drill

    /// Runs the drill. Blocking calls (process waits) happen on the caller's thread: call it from a
    /// thread of its own, not from the cooperative pool the nodes run on.
    public func run() async throws -> Outcome {
        let started = ContinuousClock.now
        var outcome = Outcome()
        try startHub()
        for id in listenerIDs { try startListener(id) }
        var nodes: [String: HubNode] = [:]
        for id in nodeIDs {
            var configuration = NodeConfiguration(
                nodeID: id, endpoint: "tcp://127.0.0.1:\(port)", hubKey: hubKeys.publicKey, keyPair: keys[id]!,
                stateDirectory: options.folder.appendingPathComponent("state").path)
            configuration.retryInterval = .milliseconds(300)
            configuration.reconnectMaximum = .milliseconds(500)
            let node = try HubNode(configuration: configuration, logger: logger)
            try await node.start(timeout: .seconds(30))
            nodes[id] = node
        }
        let workers = startWorkers(nodes)

        var random = SystemRandomNumberGenerator()
        for cycle in 1...options.cycles {
            let before = tallies.accepted.withLock { $0.count }
            try await Task.sleep(for: .milliseconds(Int.random(in: options.uptime, using: &random)))
            let patience = ContinuousClock.now + .seconds(60)
            while tallies.accepted.withLock({ $0.count }) < before + options.progressPerCycle,
                ContinuousClock.now < patience
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            outcome.hubPeakRSSKiB = max(outcome.hubPeakRSSKiB, hubPeakRSS())
            for (id, process) in listeners where !process.isRunning {
                outcome.problems.append(
                    "cycle \(cycle): node process \(id) had exited (status \(process.exitStatus ?? -1)); see \(id).log")
                try startListener(id)
            }
            kill9(hub)
            if cycle % 2 == 0, let id = listenerIDs.randomElement() {
                kill9(listeners[id])
                outcome.listenerKills += 1
                try startListener(id)
            }
            try startHub()
            if try !verifyLog() {
                outcome.verifyFailures += 1
                outcome.problems.append("cycle \(cycle): aeohub log verify failed")
            }
            outcome.cycles = cycle
            if cycle % 10 == 0 || cycle == options.cycles {
                say("  cycle \(cycle)/\(options.cycles): \(tallies.accepted.withLock { $0.count }) accepted so far")
            }
        }

        // Let every submit in hand finish, then every delivery arrive.
        say("  stopping the submitters and waiting for every delivery")
        tallies.stopping.store(true, ordering: .relaxed)
        for worker in workers { _ = await worker.result }
        try await waitForDeliveries()
        say("  checking the log and every recipient")
        outcome.hubPeakRSSKiB = max(outcome.hubPeakRSSKiB, hubPeakRSS())
        for node in nodes.values { await node.close() }
        for process in listeners.values {
            process.terminate()
            process.wait()
        }
        hub?.terminate()
        hub?.wait()
        try check(&outcome)
        outcome.elapsed = .now - started
        return outcome
    }

    /// Each node submits to the next node and, every third message, to a listener process,
    /// waiting for each ACCEPTED (retries keep the message id); and records what it handles.
    private func startWorkers(_ nodes: [String: HubNode]) -> [Task<Void, any Error>] {
        var tasks: [Task<Void, any Error>] = []
        let tallies = tallies
        for (index, id) in nodeIDs.enumerated() {
            let node = nodes[id]!
            let peer = nodeIDs[(index + 1) % nodeIDs.count]
            let listeners = listenerIDs
            tasks.append(
                Task {
                    var counter = 0
                    while !tallies.stopping.load(ordering: .relaxed) {
                        counter += 1
                        let recipient =
                            counter % 3 == 0 && !listeners.isEmpty ? listeners[counter / 3 % listeners.count] : peer
                        let messageID = "\(id)-\(counter)"
                        let envelope = Envelope.with {
                            $0.messageID = messageID
                            $0.to = Recipients.with { $0.nodes = [recipient] }
                            $0.progressReport = ProgressReport.with {
                                $0.period = "2026-09/2026-10"
                                $0.text = "drill \(messageID)"
                            }
                        }
                        let answer = try await node.submit(envelope)
                        tallies.accepted.withLock { $0[messageID] = (id, recipient, answer.sequence) }
                    }
                })
            tasks.append(
                Task {
                    // Ends when the node closes; not awaited with the submitters.
                    try await node.handleDeliveries { delivery in
                        guard delivery.envelope.messageType == .progressReport else { return }
                        tallies.handled.withLock {
                            $0[id, default: []].append((delivery.sequence, delivery.envelope.messageID))
                        }
                    }
                })
        }
        return tasks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    }

    private func expected() -> [String: [(UInt64, String)]] {
        var byRecipient: [String: [(UInt64, String)]] = [:]
        for (messageID, entry) in tallies.accepted.withLock({ $0 }) {
            byRecipient[entry.recipient, default: []].append((entry.sequence, messageID))
        }
        return byRecipient.mapValues { $0.sorted { $0.0 < $1.0 } }
    }

    private func listenerLines(_ id: String) -> [(UInt64, String)] {
        guard let text = try? String(contentsOfFile: inbox(id), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let sequence = (object["sequence"] as? NSNumber)?.uint64Value, let id = object["message_id"] as? String
            else { return nil }
            return (sequence, id)
        }
    }

    /// Waits until every recipient has handled what was addressed to it. A slow consumer may be far
    /// behind after a long drill, so this waits as long as deliveries keep arriving, and gives up
    /// only after a minute without any.
    private func waitForDeliveries() async throws {
        let expected = expected()
        var lastCount = -1
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < .seconds(60) {
            let nodeCounts = nodeIDs.map { id in
                (tallies.handled.withLock { $0[id]?.count ?? 0 }, expected[id]?.count ?? 0)
            }
            let listenerCounts = listenerIDs.map { (listenerLineCount($0), expected[$0]?.count ?? 0) }
            let counts = nodeCounts + listenerCounts
            if counts.allSatisfy({ $0.0 >= $0.1 }) { return }
            let total = counts.reduce(0) { $0 + $1.0 }
            if total != lastCount {
                lastCount = total
                lastProgress = .now
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Lines in a listener's inbox (cheaper than parsing them while waiting).
    private func listenerLineCount(_ id: String) -> Int {
        guard let data = FileManager.default.contents(atPath: inbox(id)) else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private func check(_ outcome: inout Outcome) throws {
        let accepted = tallies.accepted.withLock { $0 }
        outcome.accepted = accepted.count
        let store = try SQLiteEventStore(path: logPath)
        let head = try store.head().sequence
        outcome.logRecords = head
        var bySequence: [UInt64: PendingRecord] = [:]
        var after: UInt64 = 0
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { break }
            for record in chunk { bySequence[record.sequence] = record.fields }
            after = last.sequence
        }
        if bySequence.count != Int(head) || (1...max(1, head)).contains(where: { head > 0 && bySequence[$0] == nil }) {
            outcome.problems.append("the log has gaps: \(bySequence.count) records for head \(head)")
        }
        if case .broken(let sequence, let reason) = try store.verify() {
            outcome.verifyFailures += 1
            outcome.problems.append("verify: record \(sequence): \(reason)")
        }
        // Every ACCEPTED is in the log, once, at its sequence.
        var inLog: [String: Int] = [:]
        for record in bySequence.values where record.type == "progress_report" {
            inLog[record.messageID, default: 0] += 1
        }
        for (messageID, entry) in accepted {
            guard let record = bySequence[entry.sequence], record.messageID == messageID, record.sender == entry.sender
            else {
                outcome.lost += 1
                outcome.problems.append("\(messageID) was ACCEPTED as #\(entry.sequence) but is not there in the log")
                continue
            }
            if (inLog[messageID] ?? 0) > 1 { outcome.duplicates += 1 }
        }
        // Every recipient handled each message addressed to it once, in order.
        let expected = expected()
        for id in nodeIDs + listenerIDs {
            let got = listenerIDs.contains(id) ? listenerLines(id) : tallies.handled.withLock { $0[id] ?? [] }
            outcome.delivered += got.count
            let sequences = got.map(\.0)
            outcome.duplicates += sequences.count - Set(sequences).count
            if sequences != sequences.sorted() {
                outcome.outOfOrder += 1
                outcome.problems.append("\(id) handled out of order")
            }
            let missing = Set((expected[id] ?? []).map(\.0)).subtracting(sequences)
            outcome.lost += missing.count
            if !missing.isEmpty {
                outcome.problems.append(
                    "\(id) never handled \(missing.sorted().prefix(5).map { "#\($0)" }.joined(separator: ", "))")
            }
        }
    }
}

public struct DrillError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
