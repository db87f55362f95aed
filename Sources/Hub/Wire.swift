import Foundation
import HubCore
import HubProtocol
import Synchronization
import ZeroMQ

/// Views answered off the loop's thread, for the wire to send: the ``Projection``.
protocol ViewAnswers: AnyObject, Sendable {
    /// Woken when answers are waiting.
    var answersWaiting: LoopControl { get }
    /// Takes the answers waiting (each with its routing id first).
    func takeAnswers() -> [Message]
}

/// The hub's ROUTER socket on a thread of its own (`aeohub-wire`), the second core of issue 14: it
/// reads what the nodes send, decodes it and checks the envelopes, and hands it to the loop; it
/// encodes and sends what the loop answers, and the projection's views. The loop's thread keeps
/// only what needs the state: sessions, admission, the batch.
///
/// Sends keep their order per connection. When a connection's queue is at its high-water mark, what
/// the loop sent it waits here, in order, and is tried again every millisecond. The loop counts what
/// it handed over and the wire has not yet sent (``WireSender``) and sees the connection as full at
/// ``pendingLimit``, so what waits here stays bounded. Reading pauses while a batch's worth waits for
/// the loop, so a loop held back by its writes holds the senders back through the socket, as before.
final class Wire: Sendable {
    /// A command for one connection.
    struct Outgoing: Sendable {
        let routingID: Data
        let command: Command
        /// What it weighs against ``Wire/pendingLimit``: its records' bytes, and a little for the rest.
        let cost: Int

        init(routingID: Data, command: Command) {
            self.routingID = routingID
            self.command = command
            switch command {
            case .deliver(let item): cost = 64 + item.bytes.count
            case .replayItems(let header, let items):
                cost = 64 + header.envelopes.reduce(0) { $0 + $1.count } + items.reduce(0) { $0 + $1.bytes.count }
            default: cost = 64
            }
        }
    }

    /// What the wire hands the loop at each turn.
    struct Arrivals {
        var messages: [DecodedInbound] = []
        /// The cost of commands handed over earlier that have left (sent, or dropped for a peer gone), by
        /// connection.
        var done: [Data: Int] = [:]
        /// Connections whose peer is gone and that have sent nothing since.
        var gone: Set<Data> = []
        /// Reading is paused until the loop takes the messages waiting.
        var paused = false
        /// The oldest key generation (``Allowlist/generation``) the messages' keys were checked under.
        var keyGeneration: Int?
    }

    /// Connections remembered as gone at most; past it the set starts again (a send to one of them
    /// fails again and puts it back).
    static let goneLimit = 4096

    /// What the loop may have handed over for one connection and the wire not yet sent (in
    /// ``Outgoing/cost``) before it sees the connection as full: well above a node's credit window of
    /// deliveries and its submits' answers, so only a reader that stopped reading reaches it.
    static let pendingLimit = 4 << 20

    /// Woken when decoded messages are waiting for the loop (``drainArrived()`` before each take).
    let arrived: LoopControl
    /// Whether `arrived` has been woken since the loop last drained it: messages read meanwhile need
    /// no further write(2).
    private let arrivedWoken = Atomic<Bool>(false)
    private let thread: SocketThread
    private let arrivals = Mutex(Arrivals())
    private let readLimit: Int
    private let allowlist: Allowlist
    private let counters: HubCounters
    private let views: any ViewAnswers
    /// Touched on the wire's thread only.
    private nonisolated(unsafe) let confined: Confined

    private final class Confined {
        let socket: Socket
        var reading: SocketThread.WatchID?
        /// Commands waiting for a full connection, in order.
        var overflow: [Data: [Outgoing]] = [:]
        var retryScheduled = false
        /// How long until the next retry: 1 ms, doubled (up to 128 ms) while a retry sends nothing.
        var retryDelay = Duration.milliseconds(1)
        var views: SocketThread.WatchID?
        var closed = false

        init(socket: Socket) { self.socket = socket }
    }

    /// Takes over `socket` (bound, made on another thread) and starts reading it.
    init(
        socket: Socket, readLimit: Int, allowlist: Allowlist, counters: HubCounters, views: any ViewAnswers
    ) throws {
        arrived = try LoopControl()
        thread = try SocketThread(name: "aeohub-wire")
        confined = Confined(socket: socket)
        self.readLimit = readLimit
        self.allowlist = allowlist
        self.counters = counters
        self.views = views
        thread.execute { [self] in
            confined.reading = thread.watch(confined.socket, events: .readable) { [self] _ in read() }
            confined.views = thread.watch(fileDescriptor: views.answersWaiting.fileDescriptor) { [self] _ in
                sendViews()
            }
        }
    }

    /// Clears the loop's wake-up; then ``take()`` gets everything that woke it. The eventfd is drained
    /// before the flag is cleared: a message read in between finds the flag set and is taken next, one
    /// read after it finds it clear and wakes the loop again.
    func drainArrived() {
        arrived.drain()
        arrivedWoken.store(false, ordering: .releasing)
    }

    /// Whether decoded messages wait for the loop's next take.
    var hasArrivals: Bool { arrivals.withLock { !$0.messages.isEmpty } }

    /// Takes what arrived since the last turn; resumes reading if it had paused.
    func take() -> Arrivals {
        let taken = arrivals.withLock { arrivals in
            let taken = arrivals
            arrivals.messages.removeAll(keepingCapacity: true)
            arrivals.done.removeAll()
            arrivals.paused = false
            arrivals.keyGeneration = nil
            return taken
        }
        if taken.paused {
            thread.execute { [self] in
                if let reading = confined.reading { thread.setEvents(.readable, for: reading) }
            }
        }
        return taken
    }

    /// Sends `commands` in order, off the caller's thread.
    func send(_ commands: [Outgoing]) {
        thread.execute { [self] in transmit(commands) }
    }

    /// Sends what was handed over before, then closes the socket and ends the thread; what still waits
    /// for a full connection is dropped (its node reads it from the log when it says HELLO again).
    @available(*, noasync, message: "blocks until the thread ends")
    func stop() {
        thread.execute { [self] in
            for watch in [confined.reading, confined.views].compactMap(\.self) { thread.stopWatching(watch) }
            confined.overflow = [:]
            confined.closed = true
            confined.socket.close()
        }
        thread.shutdown()
        thread.join()
    }

    // MARK: On the wire's thread

    private func read() {
        let room = readLimit - arrivals.withLock { $0.messages.count }
        let generation = allowlist.generation
        var decoded: [DecodedInbound] = []
        do {
            while decoded.count < room, let message = try confined.socket.tryReceive() {
                guard message.frames.count >= 2 else {
                    counters.protocolErrors.add(1)
                    continue
                }
                let identity = Allowlist.Identity(message.userID)
                let inbound = Inbound(
                    routingID: message.frames[0], identity: identity.map { ($0.node, $0.key) },
                    keyIsCurrent: identity.map(allowlist.isCurrent) ?? false, frames: Array(message.frames.dropFirst()))
                decoded.append(DecodedInbound(inbound))
            }
        } catch {
            // The context is ending (the hub stops); the loop stops the wire.
        }
        guard !decoded.isEmpty else { return }
        let paused = arrivals.withLock { arrivals in
            for message in decoded where arrivals.gone.contains(message.routingID) {
                arrivals.gone.remove(message.routingID)
            }
            arrivals.messages += decoded
            arrivals.keyGeneration = min(arrivals.keyGeneration ?? generation, generation)
            arrivals.paused = arrivals.messages.count >= readLimit
            return arrivals.paused
        }
        if paused, let reading = confined.reading { thread.setEvents([], for: reading) }
        if !arrivedWoken.exchange(true, ordering: .acquiringAndReleasing) { arrived.wake() }
    }

    private func transmit(_ commands: [Outgoing]) {
        var done: [Data: Int] = [:]
        var gone: [Data] = []
        for item in commands {
            if confined.overflow[item.routingID] != nil {
                confined.overflow[item.routingID]!.append(item)
                continue
            }
            switch trySend(item) {
            case .sent: done[item.routingID, default: 0] += item.cost
            case .full: confined.overflow[item.routingID] = [item]
            case .gone:
                done[item.routingID, default: 0] += item.cost
                gone.append(item.routingID)
            }
        }
        settle(done: done, gone: gone)
    }

    /// Tries again what waits for full connections, each in order until one is still full.
    private func retryOverflow() {
        confined.retryScheduled = false
        guard !confined.closed else { return }
        var done: [Data: Int] = [:]
        var gone: [Data] = []
        for (routingID, waiting) in confined.overflow {
            var left = 0
            var cost = 0
            retrying: while left < waiting.count {
                switch trySend(waiting[left]) {
                case .sent:
                    cost += waiting[left].cost
                    left += 1
                case .full: break retrying
                case .gone:
                    // The peer is gone: nothing more reaches it on this connection.
                    cost += waiting[left...].reduce(0) { $0 + $1.cost }
                    left = waiting.count
                    gone.append(routingID)
                }
            }
            done[routingID] = cost
            confined.overflow[routingID] = left == waiting.count ? nil : Array(waiting.dropFirst(left))
        }
        // A reader that stopped reading is looked at less and less often, until it reads again.
        let moved = done.values.contains { $0 > 0 }
        confined.retryDelay = moved ? .milliseconds(1) : min(confined.retryDelay * 2, .milliseconds(128))
        settle(done: done, gone: gone)
    }

    /// Tells the loop what has left, and looks again soon at what still waits.
    private func settle(done: [Data: Int], gone: [Data]) {
        if !done.isEmpty || !gone.isEmpty {
            arrivals.withLock { arrivals in
                for (routingID, count) in done where count > 0 { arrivals.done[routingID, default: 0] += count }
                if arrivals.gone.count + gone.count > Self.goneLimit { arrivals.gone.removeAll() }
                arrivals.gone.formUnion(gone)
            }
        }
        if !confined.overflow.isEmpty, !confined.retryScheduled {
            confined.retryScheduled = true
            thread.after(confined.retryDelay) { [self] in retryOverflow() }
        }
    }

    /// A full queue or a vanished peer drops a view; the node asks again after its timeout.
    private func sendViews() {
        guard !confined.closed else { return }
        for answer in views.takeAnswers() { _ = try? confined.socket.trySend(answer) }
    }

    private func trySend(_ item: Outgoing) -> SendOutcome {
        guard !confined.closed else { return .gone }
        do {
            return try confined.socket.trySend(Message([item.routingID] + WireCodec.encode(item.command)))
                ? .sent : .full
        } catch {
            // EHOSTUNREACH: the peer disconnected; its session expires by heartbeat.
            return .gone
        }
    }
}

/// The loop's side of the ``Wire``: it queues what the core sends in a turn and hands it over at the
/// turn's end (``flush()``), and counts what the wire has not yet sent, so that a connection with
/// ``Wire/pendingLimit`` waiting reads as full and one whose peer is gone as gone.
final class WireSender {
    let wire: Wire
    private let pendingLimit: Int
    private var queued: [Wire.Outgoing] = []
    /// The cost of commands handed to the wire and not yet sent, by connection.
    private var pending: [Data: Int] = [:]
    private var gone: Set<Data> = []

    init(_ wire: Wire, pendingLimit: Int = Wire.pendingLimit) {
        self.wire = wire
        self.pendingLimit = pendingLimit
    }

    /// Queues `command` for the connection, unless it is full or gone.
    func send(_ command: Command, to routingID: Data) -> SendOutcome {
        if gone.contains(routingID) { return .gone }
        let waiting = pending[routingID, default: 0]
        guard waiting < pendingLimit else { return .full }
        let outgoing = Wire.Outgoing(routingID: routingID, command: command)
        pending[routingID] = waiting + outgoing.cost
        queued.append(outgoing)
        return .sent
    }

    /// Hands the wire what was queued since the last flush.
    func flush() {
        guard !queued.isEmpty else { return }
        wire.send(queued)
        queued = []
    }

    /// Takes the wire's news with its messages: what it has sent, and the peers it found gone.
    /// Answers whether a connection that was full can take more (the core then tops its windows up).
    @discardableResult
    func settle(_ arrivals: Wire.Arrivals) -> Bool {
        var reopened = false
        for (routingID, cost) in arrivals.done {
            let before = pending[routingID, default: 0]
            let left = before - cost
            pending[routingID] = left > 0 ? left : nil
            if before >= pendingLimit, left < pendingLimit { reopened = true }
        }
        gone = arrivals.gone
        return reopened
    }
}
