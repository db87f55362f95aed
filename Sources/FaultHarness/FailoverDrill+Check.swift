import ChildProcesses
import EventLog
import EventLogPostgres
import Foundation
import HubNode
import HubProtocol

extension FailoverDrill {
    /// What a failover drill saw.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var kills = 0
        public var pauses = 0
        public var accepted = 0
        public var logRecords: UInt64 = 0
        public var delivered = 0
        public var lost = 0
        public var duplicates = 0
        public var outOfOrder = 0
        public var verifyFailures = 0
        /// From each fault to the backup serving (bound, with the lease).
        public var takeovers: [Duration] = []
        /// From each fault to the first ACCEPTED any node saw after it.
        public var serviceBack: [Duration] = []
        /// Batches the hubs refused to append because their lease had moved on (from their logs).
        public var fencedBatches = 0
        /// Times a hub stopped serving because it lost the lease (from their logs).
        public var stepDowns = 0
        /// Exit statuses of hubs that exited on their own (75: could not stop serving in time) and were
        /// started again.
        public var exits: [Int32] = []
        /// From the start of the database fault (``Options/databaseFault``) to the first ACCEPTED after it.
        public var databaseFaultServiceBack: Duration?
        public var elapsed: Duration = .zero
        public var problems: [String] = []

        public var passed: Bool {
            lost == 0 && duplicates == 0 && outOfOrder == 0 && verifyFailures == 0 && problems.isEmpty
        }

        static func median(_ values: [Duration]) -> Duration? {
            values.isEmpty ? nil : values.sorted()[values.count / 2]
        }

        static func format(_ duration: Duration?) -> String {
            guard let duration else { return "-" }
            let milliseconds =
                duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
            return String(format: "%.2f s", Double(milliseconds) / 1000)
        }

        public var description: String {
            "\(kills) primaries killed, \(pauses) paused past their lease; \(accepted) messages accepted, "
                + "\(logRecords) log records, \(delivered) deliveries handled; lost \(lost), duplicated "
                + "\(duplicates), out of order \(outOfOrder), verify failures \(verifyFailures)\n"
                + "takeover (fault -> backup serving): median \(Self.format(Self.median(takeovers))), max "
                + "\(Self.format(takeovers.max()))\n"
                + "service back (fault -> first ACCEPTED): median \(Self.format(Self.median(serviceBack))), max "
                + "\(Self.format(serviceBack.max()))\n"
                + "step-downs on a lost lease: \(stepDowns); batches refused as fenced: \(fencedBatches); "
                + "hubs that exited and were restarted: \(exits.count) \(exits); \(elapsed)"
                + (databaseFaultServiceBack.map { "\ndatabase fault -> first ACCEPTED: \(Self.format($0))" } ?? "")
                + (problems.isEmpty ? "" : "\nproblems:\n  " + problems.prefix(20).joined(separator: "\n  "))
        }
    }

    /// Each node submits to the next one, waiting for each ACCEPTED (retries keep the message id), and
    /// records what it handles.
    func startWorkers(_ nodes: [String: HubNode]) -> [Task<Void, any Error>] {
        var submitters: [Task<Void, any Error>] = []
        let tallies = tallies
        for (index, id) in nodeIDs.enumerated() {
            let node = nodes[id]!
            let peer = nodeIDs[(index + 1) % nodeIDs.count]
            submitters.append(
                Task {
                    var counter = 0
                    while !tallies.stopping.load(ordering: .relaxed) {
                        counter += 1
                        let messageID = "\(id)-\(counter)"
                        let envelope = Envelope.with {
                            $0.messageID = messageID
                            $0.to = Recipients.with { $0.nodes = [peer] }
                            $0.progressReport = ProgressReport.with {
                                $0.period = "2026-09/2026-10"
                                $0.text = "failover drill \(messageID)"
                            }
                        }
                        let answer = try await node.submit(envelope)
                        tallies.accepted.withLock { $0[messageID] = (id, peer, answer.sequence) }
                    }
                })
            Task {
                // Ends when the node closes.
                try await node.handleDeliveries { delivery in
                    guard delivery.envelope.messageType == .progressReport else { return }
                    tallies.handled.withLock {
                        $0[id, default: []].append((delivery.sequence, delivery.envelope.messageID))
                    }
                }
            }
        }
        return submitters
    }

    func expected() -> [String: [(UInt64, String)]] {
        var byRecipient: [String: [(UInt64, String)]] = [:]
        for (messageID, entry) in tallies.accepted.withLock({ $0 }) {
            byRecipient[entry.recipient, default: []].append((entry.sequence, messageID))
        }
        return byRecipient.mapValues { $0.sorted { $0.0 < $1.0 } }
    }

    /// Waits until every node has handled what was addressed to it, as long as deliveries keep coming.
    func waitForDeliveries() async throws {
        let expected = expected()
        var lastCount = -1
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < .seconds(60) {
            let counts = nodeIDs.map { id in (tallies.handled.withLock { $0[id]?.count ?? 0 }, expected[id]?.count ?? 0)
            }
            if counts.allSatisfy({ $0.0 >= $0.1 }) { return }
            let total = counts.reduce(0) { $0 + $1.0 }
            if total != lastCount {
                lastCount = total
                lastProgress = .now
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func check(_ outcome: inout Outcome) throws {
        let accepted = tallies.accepted.withLock { $0 }
        outcome.accepted = accepted.count
        let store = try PostgresEventStore(location: options.store, tailCheck: 0, readOnly: true)
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
        let verify = try ChildProcess.run(options.binary.path, ["log", "verify", "--store", options.store.description])
        if verify.status != 0 {
            outcome.verifyFailures += 1
            outcome.problems.append("aeohub log verify: \(verify.output)")
        }
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
        let expected = expected()
        for id in nodeIDs {
            let got = tallies.handled.withLock { $0[id] ?? [] }
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
        for name in ["hub-a.log", "hub-b.log"] {
            let text = (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                if line.contains("batch not committed"), line.contains("lease has moved on") {
                    outcome.fencedBatches += 1
                }
                if line.contains("stopped serving"), !line.contains("the hub is stopping") { outcome.stepDowns += 1 }
            }
        }
    }
}
