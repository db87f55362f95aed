import Coordination
import EventLog
import Foundation
import HubProtocol
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// The central router: a swift-service-lifecycle `Service`.
///
/// `init` opens the log (checking its tail and folding it into the workflow state), starts the ZAP
/// handler and binds the CURVE ROUTER, so ``endpoint`` is known before ``run()``. `run()` serves
/// until the task is cancelled or a graceful shutdown (SIGTERM/SIGINT through a `ServiceGroup`)
/// arrives; then the hub stops taking messages, finishes the batch in hand and closes the log.
public final class Hub: Service {
    /// The endpoint actually bound (with the real port after `tcp://...:*`).
    public let endpoint: String
    /// The hub's counters, also recorded in swift-metrics (``HubConfiguration/metricsFactory``).
    public let counters: HubCounters
    /// The event log's file, for a health check's own read-only connection.
    public let logPath: String
    /// Where the event log lives (a SQLite file or PostgreSQL), for a health check's own connection.
    public let store: StoreLocation

    private let pulse = LoopPulse()
    private let thread: SocketThread
    private let go = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let control: LoopControl
    private let allowlist: Allowlist
    private let zap: ZAPHandler
    private let context: Context
    /// The units of the running topology: a reload may change their keys, not add units.
    private let units: Set<String>

    /// Opens the log and binds the socket; throws if either fails (a corrupt log, a taken port).
    /// Waits while the log loads: async code uses ``open(configuration:logger:)``.
    @available(*, noasync, message: "waits while the log loads; use `await Hub.open(configuration:logger:)`")
    public init(configuration: HubConfiguration, logger: Logger = Logger(label: "aeohub.hub")) throws {
        let context = try Context()
        let allowlist = Allowlist(configuration.nodeKeys)
        // A stranger retrying (libzmq reconnects every 100 ms) writes one line a minute, with a count.
        let refusals = SharedLogThrottle(interval: .seconds(60))
        let zap = try ZAPHandler(context: context) { request in
            guard request.domain == Hub.zapDomain, let key = request.clientKey else {
                return .deny(reason: "CURVE in domain \(Hub.zapDomain) is required")
            }
            guard let nodeID = allowlist.node(for: key) else {
                refusals.warning(
                    logger, "refused an unknown key", node: "\(key)", kind: "zap", label: "key",
                    metadata: ["address": "\(request.address)"])
                return .deny(reason: "unknown key")
            }
            // The key rides along with the node id, so the hub can tell a revoked key's connection.
            return .allow(userID: Allowlist.userID(node: nodeID, key: key))
        }
        let control = try LoopControl()
        let ready = DispatchSemaphore(value: 0)
        let setup = Mutex<Result<String, any Error>>(.success(""))
        let go = self.go
        let counters = HubCounters(factory: configuration.metricsFactory ?? MetricsSystem.factory)
        let pulse = self.pulse
        self.counters = counters
        logPath = configuration.logPath
        store = configuration.store
        self.context = context
        self.allowlist = allowlist
        units = Set(configuration.topology.units.keys)
        self.zap = zap
        self.control = control
        let thread = try SocketThread(name: "aeohub-hub")
        self.thread = thread
        // The hub's loop owns the thread from set-up to stop, then ends it.
        thread.execute {
            defer { thread.shutdown() }
            let loop: HubLoop
            do {
                let store = try configuration.openStore(configuration)
                let socket = try Socket(context, type: .router)
                try socket.set(.routerMandatory, true)
                try socket.set(.sendHighWaterMark, configuration.highWaterMark)
                try socket.set(.receiveHighWaterMark, configuration.highWaterMark)
                try socket.set(.maxMessageSize, Int64(ProtocolLimits.maxMessageBytes))
                try socket.set(.sendTimeout, 2000)
                try socket.set(.handshakeInterval, 5000)
                try socket.makeCurveServer(keyPair: configuration.keyPair, zapDomain: Hub.zapDomain)
                let endpoint = try socket.bind(configuration.endpoint)
                if configuration.verifyWholeLogAtStart {
                    let result = try store.verify()
                    if case .broken = result { throw EventLogError.corrupt(result) }
                }
                let snapshots = (store as? any SnapshotStore).map {
                    StateSnapshots(store: $0, topology: configuration.topology)
                }
                let restored = snapshots?.newest(agreeingWith: store, logger: logger)
                let projection = try Projection(
                    store: store, snapshots: snapshots, configuration: configuration, counters: counters,
                    logger: logger)
                do {
                    loop = try HubLoop(
                        configuration: configuration, store: store, snapshots: snapshots, restored: restored,
                        socket: socket, projection: projection,
                        allowlist: allowlist, logger: logger, counters: counters)
                    // Folded once: the projection starts from the loop's state (the fold is the largest cost of
                    // a start, and the two threads share two cores with everything else).
                    let empty = StateSnapshots.Restored(
                        state: CoordinationState(topology: configuration.topology), head: .empty, lastAcceptedAt: 0)
                    projection.start(from: loop.loaded() ?? restored ?? empty, snapshotAt: restored?.head.sequence ?? 0)
                } catch {
                    projection.stop()
                    throw error
                }
                setup.withLock { $0 = .success(endpoint) }
                logger.info("hub listening", metadata: ["endpoint": "\(endpoint)", "log": "\(configuration.store)"])
            } catch {
                setup.withLock { $0 = .failure(error) }
                ready.signal()
                return
            }
            ready.signal()
            go.wait()
            loop.run(control: control, pulse: pulse)
            pulse.end()
        }
        ready.wait()
        switch setup.withLock({ $0 }) {
        case .success(let endpoint):
            self.endpoint = endpoint
        case .failure(let error):
            thread.join()
            zap.stop()
            throw error
        }
    }

    /// The ZAP domain of the hub's socket.
    public static let zapDomain = "aeohub"

    /// Opens the hub as ``init(configuration:logger:)`` does, suspending while the log loads: the
    /// waiting happens on a thread of its own, never on one of the cooperative pool.
    public static func open(
        configuration: HubConfiguration, logger: Logger = Logger(label: "aeohub.hub")
    ) async throws -> Hub {
        let opener = try SocketThread(name: "aeohub-hub-open")
        return try await withCheckedThrowingContinuation { continuation in
            opener.execute {
                defer { opener.shutdown() }
                continuation.resume(with: Result { try Hub(configuration: configuration, logger: logger) })
            }
        }
    }

    /// Starts serving on the hub's own thread, without waiting for ``run()`` (which starts it too).
    /// Safe to call more than once.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        go.signal()
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await thread.finish()
        } onCancelOrGracefulShutdown: {
            self.requestStop()
        }
        await shutdown()
    }

    /// Stops serving: the batch in hand is finished and the log closed. Suspends until the hub's
    /// thread has ended, blocking no thread. Safe to call more than once.
    public func shutdown() async {
        requestStop()
        await thread.finish()
        zap.stop()
    }

    /// ``shutdown()`` for synchronous code: blocks until the hub's thread has ended.
    @available(*, noasync, message: "blocks until the hub's thread ends; use `await shutdown()`")
    public func stop() {
        requestStop()
        thread.join()
        zap.stop()
    }

    /// Asks the hub's loop to stop (it finishes the batch in hand); returns at once.
    private func requestStop() {
        control.requestStop()
        pulse.releaseHold()
        start()  // lets a hub that never started reach its stop check
    }

    /// Where the hub's thread is: not started, running (and how long ago its loop last went round),
    /// or stopped. Read from any thread; the health check's first question.
    public var loopStatus: HubLoopStatus { pulse.status }

    /// Stops the hub's thread at its next round until the hold is released: for tests and drills
    /// of a stuck hub (its health check turns unhealthy). Nothing is read or answered meanwhile.
    /// ``stop()`` releases it. One hold at a time.
    public func holdLoop() -> HubLoopHold {
        let hold = HubLoopHold()
        pulse.place(hold)
        control.wake()
        return hold
    }

    /// Replaces the allowlist (key rotation). New handshakes use it at once, and the sessions and
    /// connections of keys it no longer holds are ended (promise 12: revocation is immediate).
    /// Keys of units the running topology does not have are left out (a unit is added by a restart,
    /// which loads its role and rules too) and answered, so the caller can say so.
    @discardableResult
    public func reloadAllowlist(_ nodeKeys: [CurveKey: String]) -> [String] {
        let known = nodeKeys.filter { units.contains($0.value) }
        allowlist.replace(known)
        control.wake()
        return nodeKeys.values.filter { !units.contains($0) }.sorted()
    }

    deinit {
        requestStop()
        // The last reference can go on the hub's own thread (a job it ran); that thread cannot wait for itself.
        if !thread.isCurrent { thread.join() }
        zap.stop()
    }
}

/// The public-key-to-node-id map the ZAP handler reads, replaceable at run time.
final class Allowlist: Sendable {
    private struct Keys {
        var byKey: [CurveKey: String]
        /// Z85 text -> node id, for the check of every message's User-Id.
        var byText: [String: String]
        var generation = 0
    }
    private let keys: Mutex<Keys>

    init(_ keys: [CurveKey: String]) { self.keys = Mutex(Self.index(keys, generation: 0)) }

    private static func index(_ keys: [CurveKey: String], generation: Int) -> Keys {
        Keys(
            byKey: keys, byText: Dictionary(keys.map { ($0.key.z85, $0.value) }, uniquingKeysWith: { $1 }),
            generation: generation)
    }

    func node(for key: CurveKey) -> String? { keys.withLock { $0.byKey[key] } }
    func replace(_ new: [CurveKey: String]) { keys.withLock { $0 = Self.index(new, generation: $0.generation + 1) } }

    /// Bumped by each reload, so the hub loop checks its sessions once per reload.
    var generation: Int { keys.withLock { $0.generation } }

    /// Whether the key in a connection's User-Id is still the node's.
    func isCurrent(_ userID: Allowlist.Identity) -> Bool { keys.withLock { $0.byText[userID.key] == userID.node } }

    /// The ZAP User-Id of a connection: the node id and the key, as `node|key` (`|` is not Z85).
    static func userID(node: String, key: CurveKey) -> String { "\(node)|\(key.z85)" }

    /// A connection's node id and key, from its User-Id.
    struct Identity: Hashable {
        let node: String
        let key: String

        init(node: String, key: String) {
            self.node = node
            self.key = key
        }

        init?(_ userID: String?) {
            guard let userID, let bar = userID.firstIndex(of: "|") else { return nil }
            node = String(userID[..<bar])
            key = String(userID[userID.index(after: bar)...])
        }
    }
}
