import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import ZeroMQ

/// The projection thread's own state: the fold and how far it got.
struct Follower {
    let store: any EventStore
    var state: CoordinationState
    let logger: Logger
    let stopping: Projection.Mailboxes
    var folded: UInt64 = 0
    var foldedHash = LogHead.empty.hash
    var lastAcceptedAt: Int64 = 0
    /// Whether a fold has reached the log's head at least once (the first one can be stopped midway).
    var caughtUp = false
    var failure: String?
    /// A page built before it was asked for, and the one to build next.
    private var ahead: PageAhead?
    private var nextAhead: (nodeID: String, request: ViewRequest)?
    /// Pages answered from a page built ahead.
    private(set) var pagesServedAhead = 0

    /// The page after the one last answered to a unit reading page after page; its request without
    /// an id, built from the fold at `folded`.
    struct PageAhead {
        let nodeID: String
        let request: ViewRequest
        let today: CivilDate
        let folded: UInt64
        let view: View
    }

    init(store: any EventStore, state: CoordinationState, logger: Logger, stopping: Projection.Mailboxes) {
        self.store = store
        self.state = state
        self.logger = logger
        self.stopping = stopping
    }

    /// Starts from a snapshot instead of the first record.
    mutating func start(from restored: StateSnapshots.Restored) {
        state = restored.state
        folded = restored.head.sequence
        foldedHash = restored.head.hash
        lastAcceptedAt = restored.lastAcceptedAt
    }

    /// Folds every record after the last one folded; answers how many it read. Unless `untilStopped` is
    /// false, a stop asked for meanwhile ends it between chunks.
    mutating func catchUp(untilStopped: Bool = true) -> Int {
        var read = 0
        do {
            while !(untilStopped && stopping.stopping.load(ordering: .acquiring)) {
                let chunk = try store.records(matching: RecordFilter(), after: folded, limit: 5000)
                guard let last = chunk.last else {
                    caughtUp = true
                    break
                }
                for record in chunk {
                    if let envelope = try? Envelope(serializedBytes: record.envelope) {
                        state.fold(envelope)
                        lastAcceptedAt = max(lastAcceptedAt, envelope.acceptedAtMs)
                    }
                }
                read += chunk.count
                folded = last.sequence
                foldedHash = last.hash
            }
            failure = nil
        } catch {
            failure = "\(error)"
            logger.error("the projection cannot read the log", metadata: ["error": "\(error)"])
        }
        return read
    }

    mutating func answer(_ job: Job) -> Message {
        guard folded >= job.atLeast else {
            return message(
                job,
                View.with {
                    $0.requestID = job.request.requestID
                    $0.kind = job.request.kind
                    $0.code = .storageUnavailable
                    $0.reason = "the hub cannot read its log now (\(failure ?? "behind")); ask again later"
                }, asOf: folded
            ).message
        }
        let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        var asked = job.request
        asked.requestID = ""
        var page: (message: Message, bodyBytes: Int, view: View)
        if let ahead, ahead.nodeID == job.nodeID, ahead.request == asked, ahead.today == today,
            ahead.folded >= job.atLeast
        {
            var view = ahead.view
            view.requestID = job.request.requestID
            page = message(job, view, asOf: ahead.folded)
            pagesServedAhead += 1
        } else {
            page = message(job, view(job.request, for: job.nodeID, on: today, measuringRows: false), asOf: folded)
        }
        ahead = nil
        // The page is encoded once. Only an encoding over the rows' limit has the page built again
        // with each row measured (its rows alone may still be under the limit).
        if page.bodyBytes > CoordinationState.pageBytes {
            page = message(job, view(job.request, for: job.nodeID, on: today, measuringRows: true), asOf: folded)
        }
        // A unit that asked for a page after a key reads page after page: it most likely asks for
        // the next one next, which ``buildPageAhead()`` builds once this turn's answers are out.
        if !job.request.afterKey.isEmpty, !page.view.nextKey.isEmpty, job.request.kind != .units {
            asked.afterKey = page.view.nextKey
            nextAhead = (job.nodeID, asked)
        }
        return page.message
    }

    /// Builds the page ``answer(_:)`` expects to be asked for next, from the fold as it is now, unless
    /// `skipped`; answers whether it did. It is answered from here when it is asked for before the day
    /// ends, as long as the fold it was built from includes what the request must
    /// (``Projection/Job/atLeast``).
    mutating func buildPageAhead(unless skipped: Bool) -> Bool {
        defer { nextAhead = nil }
        guard !skipped, let (nodeID, request) = nextAhead else { return false }
        let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        ahead = PageAhead(
            nodeID: nodeID, request: request, today: today, folded: folded,
            view: view(request, for: nodeID, on: today, measuringRows: false))
        return true
    }

    private func view(_ request: ViewRequest, for nodeID: String, on today: CivilDate, measuringRows: Bool) -> View {
        var work = ViewWork()
        var view = state.view(request, for: nodeID, on: today, work: &work, measuringRows: measuringRows)
        if request.kind == .units { view.units = view.units.map(addDeliveries) }
        return view
    }

    /// The VIEW to send, the size of its body, and the view.
    private func message(_ job: Job, _ view: View, asOf: UInt64) -> (message: Message, bodyBytes: Int, view: View) {
        var view = view
        view.asOfSequence = asOf
        let frames = WireCodec.encode(.view(view))
        return (Message([job.routingID] + frames), frames.last?.count ?? 0, view)
    }

    /// The unit's saved delivery cursor and the records routed to it since, counted up to a bound.
    func addDeliveries(_ row: UnitRow) -> UnitRow {
        var row = row
        if let cursor = try? store.cursor(for: row.unit) {
            row.acknowledgedSequence = cursor
            // Counted up to what the view includes, without reading the records.
            let pending =
                (try? store.countDeliveries(
                    for: row.unit, after: cursor, upTo: folded, limit: Self.backlogBound)) ?? 0
            row.pendingDeliveries = UInt32(pending)
        }
        return row
    }

    /// The most pending deliveries a units view counts.
    static let backlogBound = 10_000

    typealias Job = Projection.Job
}

/// When the projection thread writes a snapshot of its fold.
struct SnapshotWriter {
    let snapshots: StateSnapshots
    let every: UInt64
    let interval: Duration
    private var lastSequence: UInt64 = 0
    private var lastTime = ContinuousClock.now

    init(snapshots: StateSnapshots, every: UInt64, interval: Duration) {
        self.snapshots = snapshots
        self.every = every
        self.interval = interval
    }

    mutating func written(at sequence: UInt64) {
        lastSequence = sequence
        lastTime = .now
    }

    /// Writes a snapshot when the fold has grown by `every` records or `interval` has passed since the
    /// last one (or, with `force`, whenever it has grown at all).
    mutating func write(_ follower: Follower, force: Bool, counters: HubCounters, logger: Logger) {
        guard every > 0, follower.folded > lastSequence else { return }
        let due = follower.folded - lastSequence >= every || ContinuousClock.now - lastTime >= interval
        guard force || due else { return }
        do {
            try snapshots.save(
                follower.state, head: LogHead(sequence: follower.folded, hash: follower.foldedHash),
                lastAcceptedAt: follower.lastAcceptedAt)
            counters.snapshotsWritten.add(1)
            logger.info("snapshot written", metadata: ["sequence": "\(follower.folded)"])
        } catch {
            logger.error("cannot write a snapshot", metadata: ["error": "\(error)"])
        }
        written(at: follower.folded)
    }
}
