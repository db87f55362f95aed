import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import Synchronization
import ZeroMQ

/// The workflow state folded from the whole log, kept on its own thread, and the views answered
/// from it (SPEC.md 4.7).
///
/// The hub thread only hands over work: a view request with the log's head when it arrived, and
/// the new head after each commit. This thread reads the log's tail since its last fold (never the
/// history again), computes each view as the asking unit may see it, and leaves the encoded answers
/// in an outbox the hub thread sends from. So a view includes every record committed before it was
/// asked for, and a long listing never delays a submit.
///
/// This thread also writes the snapshots of the fold (SPEC.md 12): every
/// ``HubConfiguration/snapshotEveryRecords`` records or ``HubConfiguration/snapshotInterval``, and at a
/// graceful stop. It starts from the state the hub loop loaded at start-up, so the log is folded once.
final class Projection: ViewAnswers {
    /// A view request waiting for an answer.
    struct Job: Sendable {
        let routingID: Data
        let nodeID: String
        let request: ViewRequest
        /// The log's head when the request arrived: the view includes at least this much.
        let atLeast: UInt64
    }

    /// What the hub thread and the projection thread share.
    fileprivate final class Mailboxes: Sendable {
        struct Inbox: Sendable {
            var jobs: [Job] = []
            var stopping = false
        }
        let inbox = Mutex(Inbox())
        /// Set by ``Projection/stop()``; a long first fold checks it between chunks.
        let stopping = Atomic<Bool>(false)
        /// A turn is enqueued on the thread and has not yet taken the inbox: asking again adds nothing.
        let turnEnqueued = Atomic<Bool>(false)
        /// A turn for records committed is set to run after ``Projection/foldDelay``.
        let foldScheduled = Atomic<Bool>(false)
        let outbox = Mutex<[Message]>([])
    }

    /// The fold and the snapshot writer. Only the projection's thread touches them (hence unchecked).
    private final class Worker: @unchecked Sendable {
        var follower: Follower
        var writer: SnapshotWriter?
        let mail: Mailboxes
        let counters: HubCounters
        let logger: Logger
        let answersWaiting: LoopControl

        init(
            store: any EventStore, snapshots: StateSnapshots?, configuration: HubConfiguration, counters: HubCounters,
            logger: Logger, mail: Mailboxes, answersWaiting: LoopControl
        ) {
            follower = Follower(
                store: store, state: CoordinationState(topology: configuration.topology), logger: logger,
                stopping: mail)
            writer = snapshots.map {
                SnapshotWriter(
                    snapshots: $0, every: configuration.snapshotEveryRecords, interval: configuration.snapshotInterval)
            }
            self.mail = mail
            self.counters = counters
            self.logger = logger
            self.answersWaiting = answersWaiting
        }

        /// Starts from the state the hub loop loaded; the newest snapshot is of record `snapshotAt`.
        func start(from loaded: StateSnapshots.Restored, snapshotAt: UInt64) {
            follower.start(from: loaded)
            writer?.written(at: snapshotAt)
            // Usually nothing follows `loaded` yet: the fold is current at once, so even a stop right
            // after the start writes a snapshot that is due.
            counters.projectionRecordsRead.add(follower.catchUp())
        }

        /// Folds the log's tail, writes a snapshot when one is due, and answers the waiting requests.
        func turn() {
            mail.turnEnqueued.store(false, ordering: .releasing)
            let jobs = mail.inbox.withLock { inbox in
                defer { inbox.jobs.removeAll() }
                return inbox.stopping ? [] : inbox.jobs
            }
            guard !mail.stopping.load(ordering: .acquiring) else { return }
            counters.projectionRecordsRead.add(follower.catchUp())
            if follower.caughtUp { writer?.write(follower, force: false, counters: counters, logger: logger) }
            guard !jobs.isEmpty else { return }
            let answers = jobs.map { follower.answer($0) }
            counters.viewsAnswered.add(answers.count)
            mail.outbox.withLock { $0.append(contentsOf: answers) }
            answersWaiting.wake()
        }

        /// A graceful stop: the last records, then a snapshot, unless the first fold never ended.
        func finish() {
            guard follower.caughtUp else { return }
            counters.projectionRecordsRead.add(follower.catchUp(untilStopped: false))
            writer?.write(follower, force: true, counters: counters, logger: logger)
        }
    }

    private let mail = Mailboxes()
    /// Woken when answers are waiting in the outbox; the hub thread polls its file descriptor.
    let answersWaiting: LoopControl
    private let thread: SocketThread
    private let worker: Worker

    /// A projection that folds nothing until ``start(from:snapshotAt:)``.
    init(
        store: any EventStore, snapshots: StateSnapshots?, configuration: HubConfiguration, counters: HubCounters,
        logger: Logger
    ) throws {
        let answersWaiting = try LoopControl()
        self.answersWaiting = answersWaiting
        thread = try SocketThread(name: "aeohub-projection")
        worker = Worker(
            store: store, snapshots: snapshots, configuration: configuration, counters: counters, logger: logger,
            mail: mail, answersWaiting: answersWaiting)
    }

    /// Starts from `loaded`, the state the hub loop loaded at start-up (the log is not folded a second
    /// time), and folds what follows it. The newest snapshot is of record `snapshotAt` (0: none): the
    /// next is due from there, so a log loaded without one gets one as soon as it is due.
    func start(from loaded: StateSnapshots.Restored, snapshotAt: UInt64) {
        thread.execute { [worker] in worker.start(from: loaded, snapshotAt: snapshotAt) }
        enqueueTurn()
    }

    private func enqueueTurn() {
        guard !mail.turnEnqueued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.execute { [worker] in worker.turn() }
    }

    /// Queues a view request (called by the hub thread; does no I/O). The same request asked again
    /// on the same connection before it is answered is answered once.
    func ask(_ job: Job) {
        let queued = mail.inbox.withLock { inbox in
            guard
                !inbox.jobs.contains(where: {
                    $0.routingID == job.routingID && $0.request.requestID == job.request.requestID
                })
            else { return false }
            inbox.jobs.append(job)
            return true
        }
        if queued { enqueueTurn() }
    }

    /// Tells the projection that the log grew. It folds the new records within ``foldDelay``, with
    /// those committed meanwhile: one wake-up of its thread for many commits when they come one at a
    /// time. A view asked for meanwhile folds them first (``Job/atLeast``).
    func logGrew() {
        guard !mail.foldScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.execute { [thread, mail, self] in
            thread.after(Self.foldDelay) {
                mail.foldScheduled.store(false, ordering: .releasing)
                self.enqueueTurn()
            }
        }
    }

    /// How long records committed may wait to be folded when no view asks for them.
    static let foldDelay = Duration.milliseconds(5)

    /// The encoded answers ready to send, each with its routing id first.
    func takeAnswers() -> [Message] {
        answersWaiting.drain()
        return mail.outbox.withLock { outbox in
            defer { outbox.removeAll() }
            return outbox
        }
    }

    /// Stops the thread (after the last records and a snapshot) and waits for it.
    func stop() {
        mail.inbox.withLock { $0.stopping = true }
        mail.stopping.store(true, ordering: .releasing)
        thread.execute { [worker] in worker.finish() }
        thread.shutdown()
        thread.join()
    }
}

/// The projection thread's own state: the fold and how far it got.
private struct Follower {
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
                }
            ).message
        }
        let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        // The page is encoded once. Only an encoding over the rows' limit has the page built again
        // with each row measured (its rows alone may still be under the limit).
        let page = message(job, view(job, on: today, measuringRows: false))
        guard page.bodyBytes > CoordinationState.pageBytes else { return page.message }
        return message(job, view(job, on: today, measuringRows: true)).message
    }

    private func view(_ job: Job, on today: CivilDate, measuringRows: Bool) -> View {
        var work = ViewWork()
        var view = state.view(job.request, for: job.nodeID, on: today, work: &work, measuringRows: measuringRows)
        if job.request.kind == .units { view.units = view.units.map(addDeliveries) }
        return view
    }

    /// The VIEW to send, and the size of its body.
    private func message(_ job: Job, _ view: View) -> (message: Message, bodyBytes: Int) {
        var view = view
        view.asOfSequence = folded
        let frames = WireCodec.encode(.view(view))
        return (Message([job.routingID] + frames), frames.last?.count ?? 0)
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
private struct SnapshotWriter {
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
