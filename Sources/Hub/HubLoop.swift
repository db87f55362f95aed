import Coordination
import EventLog
import Foundation
import HubCore
import HubProtocol
import Logging
import SwiftProtobuf
import Synchronization
import ZeroMQ

/// The hub's event loop: the thin runtime around ``RouterCore``. It runs on one thread and follows
/// one path: wire (read, decode) -> check -> log -> answer -> route -> wire (encode, send). The
/// ``Wire`` owns the ROUTER socket on a thread of its own; the poller, the store's commit, the
/// state's rebuild from the log and the metrics are here; what to answer, admit and deliver is the
/// core's.
final class HubLoop {
    let configuration: HubConfiguration
    let store: any EventStore
    let snapshots: StateSnapshots?
    /// The socket's thread: what nodes send comes from it decoded, what the core sends goes to it.
    let wire: Wire
    let sender: WireSender
    let logger: Logger
    let counters: HubCounters
    var core: RouterCore
    let projection: Projection
    let allowlist: Allowlist
    var keyGeneration: Int
    /// When the delivery-lag gauges were last set (``recordGauges()``).
    var lastLagUpdate = ContinuousClock.now - .seconds(60)
    /// Appends batches off this thread while the loop admits the next one (on it when none waits).
    let writer: BatchWriter
    /// Whether a batch with nothing behind it is written on this thread (``commit(_:)``).
    let writesLoneBatches: Bool
    /// The batch the writer is appending, and when it was handed over.
    var writing: (batch: Batch, since: ContinuousClock.Instant)?
    /// What was admitted meanwhile, to be appended next, in one transaction.
    var waitingToWrite: Batch?

    init(
        configuration: HubConfiguration, store: any EventStore, snapshots: StateSnapshots?,
        restored: StateSnapshots.Restored?, socket: Socket, projection: Projection, allowlist: Allowlist,
        logger: Logger, counters: HubCounters
    ) throws {
        self.snapshots = snapshots
        self.configuration = configuration
        self.projection = projection
        self.allowlist = allowlist
        keyGeneration = allowlist.generation
        self.store = store
        self.logger = logger
        self.counters = counters
        writer = try BatchWriter(store: store)
        if case .sqlite = configuration.store { writesLoneBatches = true } else { writesLoneBatches = false }
        let wire = try Wire(
            socket: socket, readLimit: configuration.maxBatch, allowlist: allowlist, counters: counters,
            views: projection)
        let sender = WireSender(wire)
        self.wire = wire
        self.sender = sender
        var coreConfiguration = CoreConfiguration(topology: configuration.topology, rateLimit: configuration.rateLimit)
        coreConfiguration.creditWindow = configuration.creditWindow
        coreConfiguration.heartbeatInterval = configuration.heartbeatInterval
        coreConfiguration.heartbeatLiveness = configuration.heartbeatLiveness
        coreConfiguration.replayStallLimit = configuration.replayStallLimit
        core = RouterCore(
            configuration: coreConfiguration, log: StoreLog(store),
            outbox: LoopOutbox(sender, logger: logger, counters: counters, projection: projection),
            state: CoordinationState(topology: configuration.topology), head: 0, lastAcceptedAt: 0)
        do {
            try rebuild(from: restored)
        } catch {
            writer.stop()
            wire.stop()
            throw error
        }
    }

    var head: UInt64 { core.head }

    /// The state as loaded from the log, with the record it ends at (before the loop runs); `nil` if
    /// the log cannot be read or no longer ends there.
    func loaded() -> StateSnapshots.Restored? {
        guard let head = try? store.head(), head.sequence == core.head else { return nil }
        return StateSnapshots.Restored(state: core.state, head: head, lastAcceptedAt: core.lastAcceptedAt)
    }

    /// Folds the log into the workflow state, from the newest snapshot that agrees with the log (or
    /// from the first record): the state is never kept anywhere else. The state is replaced only when
    /// the whole tail was read.
    func rebuild() throws {
        try rebuild(from: snapshots?.newest(agreeingWith: store, logger: logger))
    }

    /// Folds the records after `restored` (all of them if `nil`) into it.
    private func rebuild(from restored: StateSnapshots.Restored?) throws {
        var state = restored?.state ?? CoordinationState(topology: configuration.topology)
        var lastAcceptedAt = restored?.lastAcceptedAt ?? 0
        var after = restored?.head.sequence ?? 0
        var folded = 0
        // The chain after the snapshot is checked on the same pass (before it, the snapshot's record hash
        // ties it to the log; `aeohub log verify` walks all of it).
        var chain = ChainCheck(after: restored?.head ?? .empty)
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { break }
            for record in chunk {
                if let broken = chain.check(record) { throw EventLogError.corrupt(broken) }
                if let envelope = try? Envelope(serializedBytes: record.envelope) {
                    if !state.fold(envelope) {
                        logger.warning(
                            "record no longer fits the workflow state", metadata: ["sequence": "\(record.sequence)"])
                    }
                    lastAcceptedAt = max(lastAcceptedAt, envelope.acceptedAtMs)
                }
                folded += 1
            }
            after = last.sequence
        }
        let head = try store.head().sequence
        core.install(state: state, head: head, lastAcceptedAt: lastAcceptedAt)
        counters.recordsFoldedAtLoad.add(folded)
        logger.info(
            "log loaded",
            metadata: [
                "records": "\(folded)", "head": "\(head)", "snapshot": "\(restored?.head.sequence ?? 0)",
            ])
    }

    /// After a failed commit the state has moved past the log; it is rebuilt before the next batch is
    /// checked, and the core refuses submits while the log cannot be read.
    func rebuildIfStale() {
        guard core.stateIsStale, writing == nil, waitingToWrite == nil else { return }
        do {
            try rebuild()
            // A commit reported as failed may have been written: deliver what the log holds.
            core.catchUpSessions(now: .now)
        } catch {
            logger.error("cannot rebuild the workflow state from the log", metadata: ["error": "\(error)"])
        }
    }

    // MARK: The loop

    /// Runs until `control` asks it to stop; finishes the batch in hand, then closes sessions.
    /// Each round beats `pulse` (the health check's loop age) and waits while a test holds it.
    func run(control: LoopControl, pulse: LoopPulse) {
        let poller = Poller()
        poller.add(fileDescriptor: control.fileDescriptor)
        poller.add(fileDescriptor: wire.arrived.fileDescriptor)
        poller.add(fileDescriptor: writer.finished.fileDescriptor)
        let tick = configuration.heartbeatInterval / 4
        // An idle loop still goes round at least once a second, so its age shows it is alive.
        let idleTimeout = min(tick, .seconds(1))
        var lastTick = ContinuousClock.now
        // Records the replays sent last turn: while they move, the next turn comes at once.
        var replayed = 0
        pulse.begin()
        counters.head.record(Int64(clamping: head))
        while !control.isStopping {
            pulse.waitWhileHeld()
            pulse.beat()
            do {
                // While replays move the loop comes round at once to send their next chunks; while their
                // readers' queues are full, after a millisecond.
                let timeout: Duration = core.hasReplays ? (replayed > 0 ? .zero : .milliseconds(1)) : idleTimeout
                let ready = try poller.poll(timeout: timeout)
                if ready[0].contains(.readable) {
                    control.drain()
                    if allowlist.generation != keyGeneration { endRevokedSessions() }
                }
                if ready[2].contains(.readable) { writeFinished() }
                // Drained before the take, so messages arriving after it wake the next poll.
                if ready[1].contains(.readable) { wire.drainArrived() }
                serveArrivals()
                replayed = core.hasReplays ? core.advanceReplays(now: .now) : 0
                if ContinuousClock.now - lastTick >= tick {
                    lastTick = .now
                    commit(core.keepSessionsAlive(now: .now))
                }
                try saveCursorsIfDue(force: false)
                recordGauges()
            } catch let error as ZMQError where error.isContextTerminated {
                break
            } catch {
                logger.error("hub loop error", metadata: ["error": "\(error)"])
            }
            // Also after a turn that failed part-way: what the core sent goes now, not a turn later.
            sender.flush()
        }
        shutdown()
    }

    func shutdown() {
        while writing != nil {
            writer.waitUntilIdle()
            writeFinished()
        }
        writer.stop()
        core.closeAll(now: .now)
        sender.flush()
        wire.stop()
        try? saveCursorsIfDue(force: true)
        projection.stop()
        logger.info("hub stopped", metadata: ["head": "\(head)"])
    }

    /// Takes what the wire read and decoded (up to one batch) and what it sent; the core checks the
    /// messages, the batch's records go to the writer, and the core answers and delivers once they
    /// are durable.
    func serveArrivals() {
        // A write that lags a whole batch behind holds the loop back, as a blocking commit did: the state
        // runs no further ahead of the log, and senders feel it through their credit and the socket.
        if let waiting = waitingToWrite, waiting.records.count >= configuration.maxBatch {
            writer.waitUntilIdle()
            writeFinished()
        }
        let arrivals = wire.take()
        if sender.settle(arrivals) { core.catchUpSessions(now: .now) }
        guard !arrivals.messages.isEmpty else { return }
        var messages = arrivals.messages
        // Keys reloaded since the wire checked them: checked again, so a revoked key is served nothing
        // (promise 12), not even a HELLO read just before the reload.
        if let checked = arrivals.keyGeneration, checked != allowlist.generation {
            for index in messages.indices {
                guard let identity = messages[index].identity else { continue }
                messages[index].keyIsCurrent = allowlist.isCurrent(.init(node: identity.node, key: identity.key))
            }
        }
        rebuildIfStale()
        commit(core.receive(decoded: messages, now: .now))
    }

    /// After a reload of the node keys: ends at once every session whose key is gone (promise 12).
    func endRevokedSessions() {
        keyGeneration = allowlist.generation
        let allowlist = allowlist
        commit(core.endRevokedSessions(isCurrent: { allowlist.isCurrent(.init(node: $0, key: $1)) }, now: .now))
    }

    /// Hands the batch to the writer, or, while it writes another, keeps it to append next. The core
    /// answers and delivers once the batch is durable (``writeFinished()``); a batch with nothing to
    /// write is answered at once unless it waits behind one being written (a retry of its submit).
    ///
    /// When no message waits to be admitted and the log is a local SQLite file, the loop writes the
    /// batch itself: there is nothing to do meanwhile, and two thread hand-offs are a large part of a
    /// lone message's round trip. A message that arrives during that fsync waits for it, and so do
    /// heartbeats: a PostgreSQL log, whose commit may wait on the network or a standby, always goes to
    /// the writer thread.
    func commit(_ batch: Batch) {
        if writing != nil || waitingToWrite != nil {
            if !batch.isEmpty { waitingToWrite.append(batch) }
        } else if !batch.records.isEmpty {
            writing = (batch, .now)
            if !writesLoneBatches || wire.hasArrivals {
                writer.write(batch.records)
            } else {
                writer.writeHere(batch.records)
                writeFinished()
            }
        } else if !batch.isEmpty {
            core.committed(batch, records: [], now: .now)
        }
    }

    /// The writer has finished the batch: on success the core answers every waiting submit ACCEPTED
    /// and delivers, and the batch admitted meanwhile goes to the writer. On a storage failure nothing
    /// is answered ACCEPTED: each submit of it and of the batch admitted meanwhile (whose records
    /// follow it) gets STORAGE_UNAVAILABLE, and the state is rebuilt from the log.
    func writeFinished() {
        guard let outcome = writer.takeOutcome(), let (batch, since) = writing else { return }
        writing = nil
        let next = waitingToWrite
        waitingToWrite = nil
        switch outcome {
        case .success(let committed):
            counters.commitTime.record(duration: ContinuousClock.now - since)
            counters.batchSize.record(committed.count)
            counters.head.record(Int64(clamping: committed.last?.sequence ?? head))
            projection.logGrew()
            counters.batches.add(1)
            core.committed(batch, records: committed, now: .now)
            if let next { commit(next) }
        case .failure(let error):
            core.commitFailed(batch, error: "\(error)", now: .now)
            if let next {
                core.commitFailed(next, error: "a batch before it was not written (\(error))", now: .now)
            }
            rebuildIfStale()
        }
    }
}

extension Batch? {
    /// Appends `later` to the batch, or starts one with it.
    fileprivate mutating func append(_ later: Batch) {
        if self == nil { self = later } else { self!.append(later) }
    }
}
