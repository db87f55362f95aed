import Foundation
import Metrics
import Synchronization

/// The hub's counters and measures.
///
/// Each count is kept in an atomic, which ``snapshot`` reads (tests, the demo's summary), and recorded
/// in swift-metrics by the same call, so the two never disagree. The metrics go to the factory given
/// at init; exported by swift-prometheus they are (`_total` counters, histograms, gauges):
///
/// - `aeohub_accepted_total`, `aeohub_duplicates_total`: submits accepted, and retries answered
///   with the earlier sequence;
/// - `aeohub_rejected_total{code}`: submits refused, by error code (`STORAGE_UNAVAILABLE` included);
/// - `aeohub_protocol_errors_total`, `aeohub_rate_limited_total`;
/// - `aeohub_batches_total`, `aeohub_batch_size` (records per committed transaction),
///   `aeohub_commit_seconds` (the append transaction, fsync included: SQLite does not tell them apart);
/// - `aeohub_delivered_total`, `aeohub_delivery_lag{node}` (see `RouterCore.deliveryLag(of:)` in HubCore);
/// - `aeohub_sessions`, `aeohub_transient_sessions`, `aeohub_head_sequence`;
/// - `aeohub_replay_requests_total`, `aeohub_replay_records_total`, `aeohub_view_requests_total`
///   (views answered), `aeohub_projection_records_read_total`, `aeohub_view_pages_built_ahead_total`
///   and `aeohub_view_pages_answered_ahead_total` (pages built before a unit reading page after page
///   asked for them, and those answered);
/// - `aeohub_records_folded_at_load_total` (records the hub thread folded at start-up and rebuilds:
///   the tail after the newest snapshot), `aeohub_snapshots_written_total`.
public final class HubCounters: Sendable {
    /// One count: the atomic and the swift-metrics counter, moved together.
    final class Tally: Sendable {
        private let value = Atomic<Int>(0)
        private let metric: CoreMetrics.Counter

        init(_ label: String, _ factory: any MetricsFactory) {
            metric = CoreMetrics.Counter(label: label, factory: factory)
        }

        func add(_ amount: Int) {
            guard amount > 0 else { return }
            value.add(amount, ordering: .relaxed)
            metric.increment(by: amount)
        }

        var count: Int { value.load(ordering: .relaxed) }
    }

    let accepted: Tally
    let duplicates: Tally
    let protocolErrors: Tally
    let rateLimited: Tally
    let batches: Tally
    let delivered: Tally
    /// Log records the view projection has read: each once, so views cost the tail, not the log.
    let projectionRecordsRead: Tally
    /// Records the hub thread folded at start-up and after failed commits.
    let recordsFoldedAtLoad: Tally
    let snapshotsWritten: Tally
    let replayRequests: Tally
    let replayRecords: Tally
    let viewsAnswered: Tally
    /// Pages built before they were asked for (a unit reading page after page), and those answered.
    let pagesBuiltAhead: Tally
    let pagesAnsweredAhead: Tally
    /// Every refused submit; in swift-metrics by code (``reject(code:)``).
    private let rejected = Atomic<Int>(0)
    private let rejectedByCode = Mutex<[String: CoreMetrics.Counter]>([:])
    private let lagByNode = Mutex<[String: Gauge]>([:])
    private let factory: any MetricsFactory

    let batchSize: Recorder
    let commitTime: CoreMetrics.Timer
    let sessions: Gauge
    let transientSessions: Gauge
    let head: Gauge

    /// Counters that record into `factory`: the process's `MetricsSystem.factory` by default (a no-op
    /// unless the executable bootstrapped one). Hubs sharing a process should each have their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        accepted = Tally("aeohub_accepted_total", factory)
        duplicates = Tally("aeohub_duplicates_total", factory)
        protocolErrors = Tally("aeohub_protocol_errors_total", factory)
        rateLimited = Tally("aeohub_rate_limited_total", factory)
        batches = Tally("aeohub_batches_total", factory)
        delivered = Tally("aeohub_delivered_total", factory)
        projectionRecordsRead = Tally("aeohub_projection_records_read_total", factory)
        recordsFoldedAtLoad = Tally("aeohub_records_folded_at_load_total", factory)
        snapshotsWritten = Tally("aeohub_snapshots_written_total", factory)
        replayRequests = Tally("aeohub_replay_requests_total", factory)
        replayRecords = Tally("aeohub_replay_records_total", factory)
        viewsAnswered = Tally("aeohub_view_requests_total", factory)
        pagesBuiltAhead = Tally("aeohub_view_pages_built_ahead_total", factory)
        pagesAnsweredAhead = Tally("aeohub_view_pages_answered_ahead_total", factory)
        batchSize = Recorder(label: "aeohub_batch_size", aggregate: true, factory: factory)
        commitTime = CoreMetrics.Timer(label: "aeohub_commit_seconds", factory: factory)
        sessions = Gauge(label: "aeohub_sessions", factory: factory)
        transientSessions = Gauge(label: "aeohub_transient_sessions", factory: factory)
        head = Gauge(label: "aeohub_head_sequence", factory: factory)
    }

    /// Counts a refused submit under its error code (`ID_REUSED`, `RATE_LIMITED`...).
    func reject(code: String, count: Int = 1) {
        guard count > 0 else { return }
        rejected.add(count, ordering: .relaxed)
        let metric = rejectedByCode.withLock { counters in
            if let metric = counters[code] { return metric }
            let metric = CoreMetrics.Counter(
                label: "aeohub_rejected_total", dimensions: [("code", code)], factory: factory)
            counters[code] = metric
            return metric
        }
        metric.increment(by: count)
    }

    /// Sets a node's delivery lag, in records.
    func setLag(_ lag: UInt64, node: String) {
        let gauge = lagByNode.withLock { gauges in
            if let gauge = gauges[node] { return gauge }
            let gauge = Gauge(label: "aeohub_delivery_lag", dimensions: [("node", node)], factory: factory)
            gauges[node] = gauge
            return gauge
        }
        gauge.record(Int64(clamping: lag))
    }

    /// A snapshot of every counter by name.
    public var snapshot: [String: Int] {
        [
            "accepted": accepted.count, "duplicates": duplicates.count,
            "rejected": rejected.load(ordering: .relaxed), "protocol_errors": protocolErrors.count,
            "rate_limited": rateLimited.count, "batches": batches.count, "delivered": delivered.count,
            "projection_records_read": projectionRecordsRead.count,
            "records_folded_at_load": recordsFoldedAtLoad.count, "snapshots_written": snapshotsWritten.count,
            "replay_requests": replayRequests.count, "replay_records": replayRecords.count,
            "views_answered": viewsAnswered.count, "pages_built_ahead": pagesBuiltAhead.count,
            "pages_answered_ahead": pagesAnsweredAhead.count,
        ]
    }
}

/// Where the hub's thread is, for the health check.
public enum HubLoopStatus: Sendable, Equatable {
    /// The hub was made but ``Hub/start()`` (or `run()`) was not called yet.
    case notStarted
    /// Serving; `age` is the time since the loop last went round. An idle loop goes round at least
    /// once a second (its poll times out), so a large age means the thread is stuck.
    case running(age: Duration)
    /// The loop has ended (the hub stopped).
    case stopped
}

/// A hold on the hub's thread (``Hub/holdLoop()``): the loop waits until it is released.
public final class HubLoopHold: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let released = Atomic<Bool>(false)

    init() {}

    /// Lets the loop go on. Safe to call more than once.
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        semaphore.signal()
    }

    func wait() {
        guard !released.load(ordering: .acquiring) else { return }
        semaphore.wait()
        semaphore.signal()  // a released hold stays open for any later waiter
    }
}

/// The hub thread's pulse: when its loop last went round, and the hold a test may put on it.
final class LoopPulse: Sendable {
    private enum Phase: Int { case notStarted, running, stopped }
    /// `DispatchTime` uptime in nanoseconds (a monotonic clock) of the loop's latest round.
    private let lastBeat = Atomic<UInt64>(0)
    private let phase = Atomic<Int>(Phase.notStarted.rawValue)
    private let hold = Mutex<HubLoopHold?>(nil)

    func begin() {
        beat()
        phase.store(Phase.running.rawValue, ordering: .releasing)
    }

    func end() { phase.store(Phase.stopped.rawValue, ordering: .releasing) }

    func beat() { lastBeat.store(DispatchTime.now().uptimeNanoseconds, ordering: .releasing) }

    var status: HubLoopStatus {
        switch Phase(rawValue: phase.load(ordering: .acquiring)) {
        case .running:
            let now = DispatchTime.now().uptimeNanoseconds
            let last = lastBeat.load(ordering: .acquiring)
            return .running(age: .nanoseconds(Int64(clamping: now > last ? now - last : 0)))
        case .stopped: return .stopped
        default: return .notStarted
        }
    }

    func place(_ new: HubLoopHold) { hold.withLock { $0 = new } }

    /// Called by the loop each round: waits while a hold is placed.
    func waitWhileHeld() {
        guard let current = hold.withLock({ $0 }) else { return }
        current.wait()
        hold.withLock { if $0 === current { $0 = nil } }
    }

    /// Releases the hold placed, so a stopping hub's thread can finish.
    func releaseHold() { hold.withLock { $0 }?.release() }
}
