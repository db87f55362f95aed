import Foundation
import HubProtocol
import Logging
import ZeroMQ

/// The client library every node uses: a CURVE session with the hub, submits that return when the
/// hub has durably accepted them, deliveries handed to the application once each, in order, and
/// replay.
///
/// The node's socket lives on a ``SocketThread`` (from ``SocketThreadGroup/shared``, as a swift-nio
/// channel lives on an event loop), which is also this actor's executor: the actor's methods run on
/// the thread that owns the socket, so opening, feeding and closing it never blocks a thread of the
/// cooperative pool, and the socket never changes threads.
public actor HubNode {
    /// A delivered envelope and its place in the log.
    public struct Delivery: Sendable {
        public let sequence: UInt64
        public let envelope: Envelope
        /// The exact bytes stored in the hub's log.
        public let bytes: Data
    }

    public let configuration: NodeConfiguration
    let logger: Logger
    private let context: Context
    /// The thread that owns the socket and runs this actor (shared with other nodes; it lives as
    /// long as the process, so it outlives every job on its way to this actor).
    nonisolated let socketThread: SocketThread
    private var loop: SocketLoop?
    private var monitor: Task<Void, Never>?
    private var ticker: Task<Void, Never>?
    var closed = false

    var welcome: Welcome?
    private var lastHeard = ContinuousClock.now
    private var lastSent = ContinuousClock.now
    private var lastHello = ContinuousClock.now - .seconds(3600)
    private var reconnectDelay: Duration
    /// Which of the endpoints the socket goes to (Binary Star: the next one after each silence).
    private var endpointIndex = 0
    /// The endpoint the node is connected (or connecting) to now.
    public var currentEndpoint: String { configuration.endpoints[endpointIndex % configuration.endpoints.count] }
    var helloWaiters: [CheckedContinuation<Welcome, any Error>] = []

    private struct PendingSubmit {
        let frames: Message
        var lastSent: ContinuousClock.Instant?
        let continuation: CheckedContinuation<Accepted, any Error>
    }
    private var pending: [String: PendingSubmit] = [:]

    struct PendingReplay {
        var items: [StoredEnvelope]
        let progress: (@Sendable (_ lastSequence: UInt64, _ count: Int) -> Void)?
        let continuation: CheckedContinuation<[StoredEnvelope], any Error>
    }
    var replays: [String: PendingReplay] = [:]

    struct PendingView {
        let frames: Message
        var lastSent: ContinuousClock.Instant?
        let continuation: CheckedContinuation<View, any Error>
    }
    var views: [String: PendingView] = [:]

    /// The last sequence the application handled (kept on disk when a state folder is set).
    public internal(set) var lastHandled: UInt64
    /// The last sequence handed to the application (handled or waiting in `ready`).
    var lastQueued: UInt64
    /// Deliveries received and not yet taken by the application, in sequence order.
    var ready: [Delivery] = []
    /// Ticks when `ready` gains deliveries (coalesced: one tick stands for any number).
    let readyTicks: AsyncStream<Void>
    let readyContinuation: AsyncStream<Void>.Continuation

    /// Creates the node; call ``start()`` to connect.
    public init(configuration: NodeConfiguration, logger: Logger = Logger(label: "aeohub.node")) throws {
        self.configuration = configuration
        self.logger = logger
        context = try Context()
        socketThread = SocketThreadGroup.shared.next()
        reconnectDelay = configuration.reconnectInitial
        let last = max(Self.loadLastHandled(configuration), configuration.lastHandledByApplication ?? 0)
        lastHandled = last
        lastQueued = last
        (readyTicks, readyContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Connects and opens the session; returns when the hub has answered WELCOME.
    @discardableResult
    public func start(timeout: Duration = .seconds(10)) async throws -> Welcome {
        if let welcome { return welcome }
        if loop == nil { try connect() }
        if ticker == nil {
            // Holds the node only for one tick at a time, and ends once the node is gone.
            ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    guard let node = self else { return }
                    await node.tick()
                }
            }
        }
        sendHello()
        let deadline = ContinuousClock.now + timeout
        // The waiters are resumed by WELCOME or by this timer, so no continuation is left behind.
        let endpoint = configuration.endpoints.joined(separator: " or ")
        let timer = Task { [weak self] in
            try await Task.sleep(until: deadline)
            await self?.failWelcomeWaiters(.sessionRefused("no answer from the hub at \(endpoint) within \(timeout)"))
        }
        defer { timer.cancel() }
        return try await waitForWelcome()
    }

    private func waitForWelcome() async throws -> Welcome {
        if let welcome { return welcome }
        return try await withCheckedThrowingContinuation { helloWaiters.append($0) }
    }

    /// Submits `envelope` and returns when the hub answered ACCEPTED (the envelope is durable). An
    /// empty message id gets a fresh UUID. Lost answers are retried with the same message id, so
    /// the hub accepts it once. Throws ``NodeError/rejected(code:reason:field:)`` when refused.
    public func submit(_ envelope: Envelope, deadline: Duration? = nil) async throws -> Accepted {
        guard !closed else { throw NodeError.closed }
        var envelope = envelope
        if envelope.messageID.isEmpty { envelope.messageID = UUID().uuidString.lowercased() }
        if envelope.sentAtMs == 0 { envelope.sentAtMs = Int64(Date().timeIntervalSince1970 * 1000) }
        let messageID = envelope.messageID
        let frames = Message(WireCodec.encode(.submit(envelope)))
        let timeoutTask = deadline.map { limit in
            Task { [weak self] in
                try? await Task.sleep(for: limit)
                await self?.fail(messageID, with: NodeError.timedOut(messageID: messageID))
            }
        }
        defer { timeoutTask?.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            pending[messageID] = PendingSubmit(frames: frames, lastSent: nil, continuation: continuation)
            if welcome != nil { sendPending(messageID) }
        }
    }

    private func fail(_ messageID: String, with error: any Error) {
        pending.removeValue(forKey: messageID)?.continuation.resume(throwing: error)
    }

    /// Ends the session (CLOSE), stops the socket and fails what is still waiting.
    public func close() {
        guard !closed else { return }
        closed = true
        if welcome != nil { send(Message(WireCodec.encode(.close(Close.with { $0.reason = "node stopping" })))) }
        ticker?.cancel()
        disconnect()
        for (_, submit) in pending { submit.continuation.resume(throwing: NodeError.closed) }
        pending.removeAll()
        for (_, replay) in replays { replay.continuation.resume(throwing: NodeError.closed) }
        replays.removeAll()
        for (_, view) in views { view.continuation.resume(throwing: NodeError.closed) }
        views.removeAll()
        for waiter in helloWaiters { waiter.resume(throwing: NodeError.closed) }
        helloWaiters.removeAll()
        readyContinuation.finish()
    }

    /// A node dropped without ``close()`` still stops: its socket closes (the hub sees the
    /// connection go) and its tasks end. What still waits cannot, since each waiter holds the node.
    deinit {
        ticker?.cancel()
        monitor?.cancel()
        // The last reference may go on any thread: the socket's own thread closes it.
        if let loop { socketThread.execute { loop.close() } }
        readyContinuation.finish()
    }

    /// Whether the caller runs on the node's socket thread (for tests: the actor's methods do).
    func runsOnSocketThread() -> Bool { socketThread.isCurrent }

    /// Runs the actor on the thread that owns its socket.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { socketThread.asUnownedSerialExecutor() }

    /// The node's background tasks, for tests that check they end.
    var backgroundTasks: [Task<Void, Never>] { [ticker, monitor].compactMap { $0 } }

    // MARK: Connection

    private func connect() throws {
        let configuration = self.configuration
        let endpoint = currentEndpoint
        // A pair's backup binds only when it takes over: retry it often, not after libzmq's longer backoff.
        let retryMaximum: Int32 = configuration.endpoints.count > 1 ? 500 : 5000
        // Each message is handled on the socket thread as it is read, this actor's executor: no hop
        // to the cooperative pool and back per message (a delivery, an answer).
        let loop = try SocketLoop(
            context: context, type: .dealer, name: "aeohub-node-\(configuration.nodeID)", thread: socketThread,
            monitoring: [.handshakeFailedAuth, .handshakeFailedProtocol],
            onReceive: { [weak self] message in self?.assumeIsolated { $0.receive(message) } },
            setup: { socket in
                try socket.makeCurveClient(keyPair: configuration.keyPair, serverKey: configuration.hubKey)
                try socket.set(.reconnectInterval, 100)
                try socket.set(.reconnectIntervalMax, retryMaximum)
                try socket.set(.sendHighWaterMark, 1000)
                try socket.set(.receiveHighWaterMark, 1000)
                try socket.connect(endpoint)
            })
        self.loop = loop
        lastHeard = .now
        monitor = Task { [weak self] in
            for await event in loop.events {
                await self?.handshakeFailed(event)
            }
        }
    }

    private func disconnect() {
        loop?.close()
        loop = nil
        monitor?.cancel()
        monitor = nil
        welcome = nil
    }

    /// Paranoid Pirate: a hub silent for `liveness` intervals means a new socket and a new HELLO. With
    /// two endpoints (a pair), Binary Star: the new socket goes to the other hub, at once; the backoff
    /// grows only when every endpoint was tried.
    private func reconnect(because reason: String = "hub silent") {
        let count = configuration.endpoints.count
        endpointIndex = (endpointIndex + 1) % count
        let wrapped = endpointIndex == 0
        logger.info(
            "\(reason); reconnecting",
            metadata: [
                "node": "\(configuration.nodeID)", "endpoint": "\(currentEndpoint)",
                "backoff": "\(wrapped ? reconnectDelay : .zero)",
            ])
        disconnect()
        for (id, replay) in replays {
            replay.continuation.resume(throwing: NodeError.replayInterrupted)
            replays[id] = nil
        }
        do {
            try connect()
        } catch {
            logger.error("reconnect failed", metadata: ["error": "\(error)"])
        }
        if wrapped {
            lastHeard = .now + reconnectDelay
            reconnectDelay = min(reconnectDelay * 2, configuration.reconnectMaximum)
        } else {
            lastHeard = .now
        }
        sendHello()
    }

    private func sendHello() {
        lastHello = .now
        send(
            Message(
                WireCodec.encode(
                    .hello(
                        Hello.with {
                            $0.protocolMajor = UInt32(ProtocolVersion.major)
                            $0.protocolMinor = UInt32(ProtocolVersion.minor)
                            $0.nodeID = configuration.nodeID
                            $0.lastSequenceSeen = lastHandled
                            $0.software = configuration.software
                            $0.transient = configuration.transient
                        }))))
    }

    func send(_ message: Message) {
        guard let loop else { return }
        do {
            try loop.send(message)
            lastSent = .now
        } catch {
            logger.debug("send failed", metadata: ["error": "\(error)"])
        }
    }

    private func sendPending(_ messageID: String) {
        guard var submit = pending[messageID] else { return }
        submit.lastSent = .now
        pending[messageID] = submit
        send(submit.frames)
    }

    private func tick() {
        guard !closed else { return }
        let now = ContinuousClock.now
        if let failure = loop?.failure, now >= lastHeard {
            // A socket that failed on its own is replaced without waiting for the liveness, but not
            // before the backoff a reconnect set (`lastHeard` in the future).
            logger.error("the node's socket failed", metadata: ["error": "\(failure)"])
            reconnect(because: "socket failed")
            return
        }
        if now - lastHeard > configuration.heartbeatInterval * configuration.heartbeatLiveness {
            reconnect()
            return
        }
        guard welcome != nil else {
            if now - lastHello >= configuration.heartbeatInterval { sendHello() }
            return
        }
        for (id, submit) in pending where submit.lastSent.map({ now - $0 >= configuration.retryInterval }) ?? true {
            sendPending(id)
        }
        if now - lastSent >= configuration.heartbeatInterval {
            send(Message(WireCodec.encode(.heartbeat)))
        }
    }

    // MARK: Receiving

    private func receive(_ message: Message) {
        lastHeard = .now
        let command: Command
        do {
            command = try WireCodec.decode(message.frames)
        } catch {
            logger.warning("undecodable message from the hub", metadata: ["error": "\(error)"])
            return
        }
        switch command {
        case .welcome(let body):
            welcome = body
            reconnectDelay = configuration.reconnectInitial
            for waiter in helloWaiters { waiter.resume(returning: body) }
            helloWaiters.removeAll()
            for id in pending.keys { sendPending(id) }
            for id in views.keys { sendView(id) }
        case .accepted(let body):
            pending.removeValue(forKey: body.messageID)?.continuation.resume(returning: body)
        case .rejected(let body):
            if [.storageUnavailable, .rateLimited, .shuttingDown].contains(body.code) {
                logger.warning(
                    "submit to retry", metadata: ["message_id": "\(body.messageID)", "reason": "\(body.reason)"])
                return  // retried by the ticker with the same id
            }
            fail(body.messageID, with: NodeError.rejected(code: body.code.name, reason: body.reason, field: body.field))
        case .deliver(let stored):
            deliver(stored)
        case .heartbeat:
            break
        case .replayItems(let header, let frames):
            // Inside the header when the hub speaks 1.3, a frame each from an older hub.
            let items = header.envelopes.map(StoredEnvelope.init(bytes:)) + frames
            replays[header.requestID]?.items.append(contentsOf: items)
            if let replay = replays[header.requestID], let progress = replay.progress,
                let last = try? items.last?.decoded()
            {
                progress(last.sequence, replay.items.count)
            }
        case .replayEnd(let end):
            guard let replay = replays.removeValue(forKey: end.requestID) else { return }
            if end.code == .unspecified, end.count != UInt64(replay.items.count) {
                // An item this node could not read (a message over its limit): never a silent gap.
                replay.continuation.resume(
                    throwing: NodeError.replayIncomplete(received: replay.items.count, sent: end.count))
            } else if end.code == .unspecified {
                replay.continuation.resume(returning: replay.items)
            } else {
                replay.continuation.resume(throwing: NodeError.replayRefused(code: end.code.name, reason: end.reason))
            }
        case .error(let error):
            switch error.code {
            case .noSession:
                welcome = nil
                sendHello()
            case .identityMismatch, .unsupportedVersion,
                .rateLimited where welcome == nil:
                let refusal = NodeError.sessionRejected(code: error.code.name, reason: error.reason)
                for waiter in helloWaiters { waiter.resume(throwing: refusal) }
                helloWaiters.removeAll()
            default:
                logger.warning(
                    "hub reported an error", metadata: ["code": "\(error.code.name)", "reason": "\(error.reason)"])
            }
        case .close:
            welcome = nil
            // A hub of a pair closes its sessions when it stops serving: the other one serves, or will.
            if configuration.endpoints.count > 1, !closed { reconnect() }
        case .view(let view):
            views.removeValue(forKey: view.requestID)?.continuation.resume(returning: view)
        case .hello, .submit, .ack, .replayRequest, .viewRequest:
            logger.warning("hub sent a node command", metadata: ["command": "\(command.code)"])
        }
    }
}
