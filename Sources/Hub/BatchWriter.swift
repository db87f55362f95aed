import EventLog
import Synchronization
import ZeroMQ

/// Appends the hub's batches to the log on a thread of its own, so that the hub loop reads and
/// admits the next batch while the last one is written and fsynced (issue 14). It writes one batch
/// at a time; the loop hands it the next only after it has taken the outcome of the last, so batches
/// reach the log in the order they were admitted. A batch with nothing behind it the loop writes on
/// its own thread (``writeHere(_:)``), sparing the hand-offs.
final class BatchWriter: Sendable {
    /// Woken when the batch handed over is written or has failed; the hub loop polls it.
    let finished: LoopControl
    private let thread: SocketThread
    private let store: any EventStore
    private let outcome = Mutex<Result<[LogRecord], any Error>?>(nil)

    init(store: any EventStore) throws {
        self.store = store
        finished = try LoopControl()
        thread = try SocketThread(name: "aeohub-writer")
    }

    /// Appends `records` in one transaction, off the caller's thread.
    func write(_ records: [PendingRecord]) {
        let accepted = thread.execute { [self] in
            let result = Result { try store.append(records) }
            outcome.withLock { $0 = result }
            finished.wake()
        }
        if !accepted {
            outcome.withLock {
                $0 = .failure(EventLogError.storage("the hub is stopping; nothing of the batch was written"))
            }
            finished.wake()
        }
    }

    /// Appends `records` in one transaction on the caller's thread; the outcome is taken as after
    /// ``write(_:)``. Only while the writer's thread has no batch.
    func writeHere(_ records: [PendingRecord]) {
        let result = Result { try store.append(records) }
        outcome.withLock { $0 = result }
    }

    /// The outcome of the batch handed over, once it is known (`nil` while it is being written).
    func takeOutcome() -> Result<[LogRecord], any Error>? {
        finished.drain()
        return outcome.withLock { outcome in
            defer { outcome = nil }
            return outcome
        }
    }

    /// Blocks until the batch handed over (if any) is written or has failed.
    @available(*, noasync, message: "blocks the thread")
    func waitUntilIdle() { _ = thread.runAndWait {} }

    /// Ends the thread after what it was given.
    @available(*, noasync, message: "blocks the thread")
    func stop() {
        thread.shutdown()
        thread.join()
    }
}
