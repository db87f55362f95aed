import EventLog
import EventLogStores
import Foundation
import Hub
import Synchronization

/// The hub's health: is its thread going round, and does its log answer a read?
///
/// The loop's age comes from the hub's own pulse (``Hub/loopStatus``); the log is read through a
/// read-only connection of the health check's own, never the hub thread's, so a stuck hub thread
/// and an unreadable log are told apart.
public final class HubHealth: Sendable {
    /// The answer: healthy or not, and what was seen.
    public struct Report: Sendable, Equatable {
        /// `true` when the loop went round within the limit and the log answered.
        public var healthy: Bool
        /// Since the hub's loop last went round; `nil` if it is not running.
        public var loopAge: Duration?
        /// `nil` when the log answered; otherwise why not.
        public var storeError: String?
        /// The log's last sequence, read from the health check's connection.
        public var head: UInt64?
        /// Why the hub is unhealthy (empty when healthy).
        public var reasons: [String]

        /// The body `/healthz` answers: `{"status":"ok","loop_age_ms":..,"store":"ok","head":N}`,
        /// with `"reason"` when unhealthy.
        public var json: String {
            var fields = [
                "\"status\":\(Self.quoted(healthy ? "ok" : "unhealthy"))",
                "\"loop_age_ms\":\(loopAge.map { String(Self.milliseconds($0)) } ?? "null")",
                "\"store\":\(Self.quoted(storeError.map { "error: \($0)" } ?? "ok"))",
                "\"head\":\(head.map(String.init) ?? "null")",
            ]
            if !reasons.isEmpty { fields.append("\"reason\":\(Self.quoted(reasons.joined(separator: "; ")))") }
            return "{" + fields.joined(separator: ",") + "}"
        }

        static func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }

        static func quoted(_ text: String) -> String {
            let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    private let status: @Sendable () -> HubLoopStatus
    private let location: StoreLocation
    /// The loop age beyond which the hub counts as stuck.
    public let maxLoopAge: Duration
    private let probe = Mutex<(any EventStore)?>(nil)
    /// Reads run here, off the concurrency pool's threads (a read may wait on a busy disk).
    private let queue = DispatchQueue(label: "aeohub.health")

    /// Checks `hub`, whose log is at `logPath` (the hub's own by default); a loop older than
    /// `maxLoopAge` is unhealthy. An idle hub's loop goes round at least once a second.
    public init(hub: Hub, logPath: String? = nil, maxLoopAge: Duration = .seconds(5)) {
        status = { hub.loopStatus }
        location = logPath.map { .sqlite(path: $0) } ?? hub.store
        self.maxLoopAge = maxLoopAge
    }

    /// Checks a hub of a pair (``LeasedHub``): while it waits for the lease its loop has not started,
    /// so it answers unhealthy (503), which is what a load balancer in front of the pair needs.
    public init(pair: LeasedHub, store: StoreLocation, maxLoopAge: Duration = .seconds(5)) {
        status = { pair.hub?.loopStatus ?? .notStarted }
        location = store
        self.maxLoopAge = maxLoopAge
    }

    /// Looks at the loop and reads the log's head.
    public func check() async -> Report {
        var report = Report(healthy: true, loopAge: nil, storeError: nil, head: nil, reasons: [])
        switch status() {
        case .notStarted:
            report.reasons.append("the hub loop has not started")
        case .stopped:
            report.reasons.append("the hub loop has stopped")
        case .running(let age):
            report.loopAge = age
            if age > maxLoopAge {
                let seconds = Double(Report.milliseconds(age)) / 1000
                report.reasons.append(
                    "the hub loop has not gone round for \(String(format: "%.1f", seconds)) s (limit \(maxLoopAge))")
            }
        }
        switch await readHead() {
        case .success(let head):
            report.head = head
        case .failure(let error):
            report.storeError = "\(error)"
            report.reasons.append("the log does not answer a read: \(error)")
        }
        report.healthy = report.reasons.isEmpty
        return report
    }

    private func readHead() async -> Result<UInt64, any Error> {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                continuation.resume(returning: Result { try headFromProbe() })
            }
        }
    }

    /// The head through the probe's connection, opened on first use and again after a failure.
    private func headFromProbe() throws -> UInt64 {
        let store = try probe.withLock { probe in
            if let probe { return probe }
            let opened = try EventStores.open(location, tailCheck: 0, readOnly: true)
            probe = opened
            return opened
        }
        do {
            return try store.head().sequence
        } catch {
            probe.withLock { $0 = nil }
            throw error
        }
    }
}
