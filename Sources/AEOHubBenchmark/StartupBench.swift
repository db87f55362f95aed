import Coordination
import EventLog
import EventLogSQLite
import Foundation
import Hub
import HubProtocol
import Logging
import ZeroMQ

/// `aeohub-benchmark --startup RECORDS [--requests N]`: hub start-up on a log of that many records, folding
/// the whole log beside starting from a snapshot, measured in one run.
enum StartupBench {
    static func run(records: Int, requests: Int, folder: URL) throws {
        let units =
            [
                Unit(id: "bureau", role: .coordinator, name: "Bureau"),
                Unit(id: "customs", role: .customs, name: "Customs"),
            ] + (1...6).map { Unit(id: "district-\($0)", role: .district, name: "District \($0)", area: "35020\($0)") }
        let topology = Topology(units: units)
        let logPath = folder.appendingPathComponent("startup.sqlite").path
        let writing = ContinuousClock.now
        try fill(logPath, records: records, requests: requests)
        Benchmark.say(
            Benchmark.label("log written (\(records) records, \(requests) requests)")
                + String(format: "%.1f s", Benchmark.seconds(.now - writing)))

        var logger = Logger(label: "bench.startup")
        logger.logLevel = .error
        var configuration = HubConfiguration(
            endpoint: "tcp://127.0.0.1:*", keyPair: try CurveKeyPair.generate(), logPath: logPath,
            topology: topology, nodeKeys: [:])
        configuration.snapshotEveryRecords = 0
        let whole = try timedStart(configuration, logger: logger)
        Benchmark.say(Benchmark.label("hub start-up, folding the whole log") + String(format: "%.2f s", whole))

        configuration.snapshotEveryRecords = UInt64(min(50_000, records))
        let stopping = ContinuousClock.now
        let snapshotFolder = SnapshotFolder(path: logPath + ".snapshots")
        // The projection writes the snapshot once its own first fold is done: wait for it, or the
        // next start would fold the whole log again.
        let snapshotting = try Hub(configuration: configuration, logger: logger)
        snapshotting.start()
        let deadline = ContinuousClock.now + .seconds(300)
        while try snapshotFolder.snapshotSequences().isEmpty, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        snapshotting.stop()
        guard let sequence = try snapshotFolder.snapshotSequences().first else {
            throw BenchError("the hub wrote no snapshot of the \(records)-record log")
        }
        let size = (try? snapshotFolder.loadSnapshot(at: sequence).count) ?? 0
        Benchmark.say(
            Benchmark.label("start, a snapshot written, graceful stop")
                + String(
                    format: "%.2f s (snapshot at %d, %.1f MB)", Benchmark.seconds(.now - stopping), sequence,
                    Double(size) / 1e6))
        configuration.snapshotEveryRecords = 0
        let restored = try timedStart(configuration, logger: logger)
        Benchmark.say(
            Benchmark.label("hub start-up from the snapshot")
                + String(format: "%.2f s (%.1fx faster)", restored, whole / restored))
    }

    /// Seconds from `Hub.init` to a hub ready to serve (the state folded).
    private static func timedStart(_ configuration: HubConfiguration, logger: Logger) throws -> Double {
        let began = ContinuousClock.now
        let hub = try Hub(configuration: configuration, logger: logger)
        let elapsed = Benchmark.seconds(.now - began)
        hub.start()
        hub.stop()
        return elapsed
    }

    /// Enterprise requests from the districts, then progress reports, appended in batches of 1,000;
    /// each to customs, and from sequence `alsoFrom` on to the units `alsoTo` as well.
    static func fill(
        _ path: String, records: Int, requests: Int, alsoTo: [String] = [], alsoFrom: UInt64 = .max
    ) throws {
        let store = try SQLiteEventStore(path: path, tailCheck: 0)
        let start: Int64 = 1_788_220_800_000
        var batch: [PendingRecord] = []
        for sequence in 1...UInt64(records) {
            let district = "district-\(sequence % 6 + 1)"
            var envelope = Envelope()
            envelope.sender = district
            envelope.sequence = sequence
            envelope.acceptedAtMs = start + Int64(sequence)
            envelope.messageID = "m\(sequence)"
            if sequence <= requests {
                envelope.requestFiled = RequestFiled.with {
                    $0.requestID = "REQ-\(sequence)"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = String(format: "91350206MA%08d", sequence)
                        $0.name = "Enterprise \(sequence)"
                    }
                    $0.area = "35020\(sequence % 6 + 1)"
                    $0.category = .aeoCertificationIntent
                    $0.description_p = "Wants to apply for AEO certification."
                    $0.contact = Contact.with { $0.name = "Lin Wei" }
                }
            } else {
                envelope.progressReport = ProgressReport.with {
                    $0.period = "2026-09/2026-10"
                    $0.text = "Progress in the period, report \(sequence)."
                }
            }
            let recipients = sequence >= alsoFrom ? ["customs"] + alsoTo : ["customs"]
            envelope.deliveredTo = recipients
            batch.append(
                PendingRecord(
                    sequence: sequence, acceptedAt: envelope.acceptedAtMs, sender: district,
                    messageID: envelope.messageID, type: envelope.messageType?.rawValue ?? "",
                    recipients: recipients, subjects: RecordSubjects(), envelope: try envelope.serializedBytes()))
            if batch.count == 1000 || sequence == records {
                _ = try store.append(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }
}
