import EventLog
import EventLogPostgres
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// How a hub of a pair holds the lease on its PostgreSQL log.
public struct LeaseSettings: Sendable {
    /// How long a lease lasts unless renewed. The backup takes over at most this long (plus one poll and
    /// its start-up) after the primary's last renewal.
    public var duration: Duration = .seconds(3)
    /// How often the holder renews (well within ``duration``).
    public var renewInterval: Duration = .seconds(1)
    /// How often a waiting hub asks for the lease.
    public var pollInterval: Duration = .milliseconds(250)
    /// This hub's name in the lease row: unique per process, so a restarted hub never takes over its
    /// own old lease without a new epoch.
    public var holder: String

    /// The defaults: a 3 s lease renewed every second, asked for every 250 ms.
    public init(holder: String = LeaseSettings.processHolder()) {
        self.holder = holder
    }

    /// `host/pid/random`: unique to this process.
    public static func processHolder() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host)/\(getpid())/\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// One hub of a primary/backup pair on PostgreSQL (DESIGN.md promise 13, SPEC.md 13).
///
/// It waits, without binding, until it gets the lease on the log; then it opens a ``Hub`` whose appends
/// are fenced by the lease's epoch, and serves while it renews the lease. When a renewal fails for good
/// (another hub took the lease, or the lease ran out while the database did not answer), or an append is
/// refused as fenced, it stops that hub at once (its sessions are closed and its endpoint unbound) and
/// waits again. A graceful stop lets the lease lapse at once, so the other hub takes over at its next poll.
public final class LeasedHub: Service, Sendable {
    /// What the pair's hub does, for the operator's log, a ready file and drills.
    public enum Event: Sendable {
        /// Serving at `endpoint` under `epoch`.
        case serving(endpoint: String, epoch: UInt64)
        /// Stopped serving, and why.
        case steppedDown(reason: String)
    }

    private let configuration: Mutex<HubConfiguration>
    private let location: PostgresLocation
    private let settings: LeaseSettings
    private let logger: Logger
    private let onEvent: @Sendable (Event) -> Void
    private let current = Mutex<Hub?>(nil)
    private let stopping = Atomic<Bool>(false)

    /// A hub of the pair with `configuration` (its store must be PostgreSQL); `onEvent` hears each start
    /// and stop of serving, on the lease's thread.
    public init(
        configuration: HubConfiguration, settings: LeaseSettings = LeaseSettings(),
        logger: Logger = Logger(label: "aeohub.hub"), onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) throws {
        guard case .postgresql(let location) = configuration.store else {
            throw EventLogError.storage("a pair of hubs needs its log on PostgreSQL (store: postgresql://...)")
        }
        self.configuration = Mutex(configuration)
        self.location = location
        self.settings = settings
        self.logger = logger
        self.onEvent = onEvent
    }

    /// The hub serving now, `nil` while this one waits.
    public var hub: Hub? { current.withLock { $0 } }

    /// Waits for the lease and serves while holding it, until cancelled or gracefully shut down.
    public func run() async throws {
        let thread = try SocketThread(name: "aeohub-lease")
        thread.execute { [self] in
            defer { thread.shutdown() }
            keep()
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            await thread.finish()
        } onCancelOrGracefulShutdown: {
            self.stopping.store(true, ordering: .sequentiallyConsistent)
        }
    }

    /// Replaces the node keys: at once in the serving hub, and for every hub this one opens later.
    @discardableResult
    public func reloadAllowlist(_ nodeKeys: [CurveKey: String]) -> [String] {
        let units = configuration.withLock { configuration in
            let units = Set(configuration.topology.units.keys)
            configuration.nodeKeys = nodeKeys.filter { units.contains($0.value) }
            return units
        }
        hub?.reloadAllowlist(nodeKeys)
        return nodeKeys.values.filter { !units.contains($0) }.sorted()
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private func pause(_ duration: Duration) {
        Thread.sleep(
            forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// The lease's thread: wait, serve, wait again.
    private func keep() {
        var lease: PostgresLease?
        while !isStopping {
            do {
                if lease == nil {
                    let store = try PostgresEventStore(location: location, tailCheck: 0)
                    lease = PostgresLease(store: store, holder: settings.holder)
                }
                let asked = ContinuousClock.now
                if let lease, let held = try lease.acquire(for: settings.duration) {
                    serve(held, lease: lease, validUntil: asked + settings.duration)
                    continue
                }
            } catch {
                logger.warning("cannot reach the lease", metadata: ["error": "\(error)"])
                lease = nil
            }
            pause(settings.pollInterval)
        }
    }

    /// Serves under `held` until the lease is lost or the service stops.
    private func serve(_ held: Lease, lease: PostgresLease, validUntil: ContinuousClock.Instant) {
        let term = Term(validUntil: validUntil)
        var configuration = configuration.withLock { $0 }
        let location = location
        configuration.openStore = { _ in
            let store = try PostgresEventStore(location: location, tailCheck: 0)
            store.fence(epoch: held.epoch) { term.fenced.store(true, ordering: .sequentiallyConsistent) }
            return store
        }
        // Renewed from now on: loading the log (the records after the newest snapshot) may take longer
        // than the lease.
        startRenewing(held, lease: lease, term: term)
        let hub: Hub
        do {
            hub = try Hub(configuration: configuration, logger: logger)
        } catch {
            term.over.store(true, ordering: .sequentiallyConsistent)
            logger.error("cannot serve with the lease; letting it go", metadata: ["error": "\(error)"])
            try? lease.release(held)
            pause(settings.duration)
            return
        }
        if let reason = term.endReason(stopping: isStopping) {
            stopOrExit(hub, reason: reason)
            term.over.store(true, ordering: .sequentiallyConsistent)
            logger.notice("lost the lease while loading the log", metadata: ["reason": "\(reason)"])
            return
        }
        current.withLock { $0 = hub }
        // A key reload while the log loaded changed the configuration but found no hub to tell.
        let keys = self.configuration.withLock { $0.nodeKeys }
        if keys != configuration.nodeKeys { hub.reloadAllowlist(keys) }
        hub.start()
        logger.notice(
            "serving: this hub holds the lease",
            metadata: ["endpoint": "\(hub.endpoint)", "epoch": "\(held.epoch)", "holder": "\(settings.holder)"])
        onEvent(.serving(endpoint: hub.endpoint, epoch: held.epoch))
        let reason = watch(term)
        // Stop serving first, so that no session outlives the lease; then let the lease go if graceful.
        stopOrExit(hub, reason: reason)
        current.withLock { $0 = nil }
        term.over.store(true, ordering: .sequentiallyConsistent)
        if isStopping { try? lease.release(held) }
        logger.notice("stopped serving", metadata: ["reason": "\(reason)", "epoch": "\(held.epoch)"])
        onEvent(.steppedDown(reason: reason))
    }

    /// Stops `hub`; if its thread does not finish within the lease's duration (stuck in I/O: a query of a
    /// process resumed from SIGSTOP was seen never to return), the process exits (75), so that it serves
    /// nothing more: its sockets close, and the service manager starts it again as the backup.
    private func stopOrExit(_ hub: Hub, reason: String) {
        let stopped = DispatchSemaphore(value: 0)
        guard let stopper = try? SocketThread(name: "aeohub-hub-stop") else {
            hub.stop()
            return
        }
        stopper.execute {
            defer { stopper.shutdown() }
            hub.stop()
            stopped.signal()
        }
        let seconds = Double(settings.duration.components.seconds)
        if stopped.wait(timeout: .now() + max(seconds, 1)) == .timedOut {
            logger.critical(
                "the hub did not stop serving in time; exiting so that it is started again as the backup",
                metadata: ["reason": "\(reason)"])
            onEvent(.steppedDown(reason: reason))
            _exit(75)
        }
    }

    /// Renews on a thread of its own, so a database that does not answer never keeps ``watch(_:)`` from
    /// stepping down when the lease runs out.
    private func startRenewing(_ held: Lease, lease: PostgresLease, term: Term) {
        let settings = settings
        let logger = logger
        let thread: SocketThread
        do {
            thread = try SocketThread(name: "aeohub-lease-renew")
        } catch {
            // No thread, no renewal: the term runs out and the hub steps down, as with a database that
            // does not answer.
            logger.error("cannot start the lease's renewing thread", metadata: ["error": "\(error)"])
            return
        }
        thread.execute {
            defer { thread.shutdown() }
            while !term.over.load(ordering: .sequentiallyConsistent) {
                Thread.sleep(
                    forTimeInterval: Double(settings.renewInterval.components.attoseconds) / 1e18
                        + Double(settings.renewInterval.components.seconds))
                guard !term.over.load(ordering: .sequentiallyConsistent) else { return }
                let asked = ContinuousClock.now
                do {
                    if try lease.renew(held, for: settings.duration) != nil {
                        term.extend(to: asked + settings.duration)
                    } else {
                        term.lost.store(true, ordering: .sequentiallyConsistent)
                        return
                    }
                } catch {
                    logger.warning("lease not renewed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Waits until the term ends; answers why.
    private func watch(_ term: Term) -> String {
        while true {
            if let reason = term.endReason(stopping: isStopping) { return reason }
            pause(.milliseconds(20))
        }
    }

    /// One time of serving under one epoch, shared by the watch and the renewing thread.
    private final class Term: Sendable {
        let lost = Atomic<Bool>(false)
        let fenced = Atomic<Bool>(false)
        let over = Atomic<Bool>(false)
        private let until: Mutex<ContinuousClock.Instant>

        init(validUntil: ContinuousClock.Instant) { until = Mutex(validUntil) }

        var validUntil: ContinuousClock.Instant { until.withLock { $0 } }

        /// Why serving under this term must end now, `nil` while it may go on.
        func endReason(stopping: Bool) -> String? {
            if stopping { return "the hub is stopping" }
            if lost.load(ordering: .sequentiallyConsistent) { return "another hub holds the lease" }
            if fenced.load(ordering: .sequentiallyConsistent) {
                return "an append was fenced: another hub holds the lease"
            }
            if ContinuousClock.now >= validUntil { return "the lease ran out before it could be renewed" }
            return nil
        }
        func extend(to instant: ContinuousClock.Instant) { until.withLock { $0 = max($0, instant) } }
    }
}
