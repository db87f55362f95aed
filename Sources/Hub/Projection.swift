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
    final class Mailboxes: Sendable {
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
            let servedBefore = follower.pagesServedAhead
            let answers = jobs.map { follower.answer($0) }
            counters.viewsAnswered.add(answers.count)
            counters.pagesAnsweredAhead.add(follower.pagesServedAhead - servedBefore)
            mail.outbox.withLock { $0.append(contentsOf: answers) }
            answersWaiting.wake()
            // Meanwhile the unit prints this page: the next one is ready when it asks, unless other
            // requests are waiting (they go first, and the page is not built).
            if follower.buildPageAhead(unless: !mail.inbox.withLock { $0.jobs.isEmpty }) {
                counters.pagesBuiltAhead.add(1)
            }
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
