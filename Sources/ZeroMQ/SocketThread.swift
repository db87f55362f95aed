import Foundation
import Synchronization

/// A thread that owns sockets and is the `SerialExecutor` of the actor that uses them, as a
/// swift-nio event loop is: the actor's methods run on this thread, so they touch their sockets
/// directly, and opening or closing a socket never blocks a thread of the cooperative pool.
///
/// The thread runs one loop: it runs what was enqueued (the actor's jobs, ``execute(_:)``'s
/// closures), then waits in `zmq_poll` on the sockets and file descriptors it watches and on its
/// own eventfd, then calls the handlers of those that are ready and of the timers that are due.
/// Everything but ``enqueue(_:)``, ``execute(_:)``, ``shutdown()`` and ``join()`` is called on the
/// thread (``isCurrent``).
public final class SocketThread: SerialExecutor, Sendable {
    /// The thread's name, as `top` and a debugger show it.
    public let name: String
    private let wakeup: Wakeup
    private let inbox = Mutex<Inbox>(Inbox())
    /// The thread's `pthread_t` (0 until it runs).
    private let threadID = Atomic<UInt>(0)
    private let ending = Mutex<Ending>(Ending())
    /// What only the thread touches: its watches and timers.
    private nonisolated(unsafe) let confined = Confined()

    private struct Inbox: ~Copyable {
        var work: [Work] = []
        var stopping = false
        /// The loop has ended: nothing enqueued now would run.
        var ended = false
    }

    private struct Ending {
        var ended = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var blocked: [DispatchSemaphore] = []
    }

    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    /// A socket or file descriptor the thread waits on, with the handler it calls when it is ready.
    public struct WatchID: Hashable, Sendable {
        fileprivate let value: Int
    }

    private final class Confined {
        struct Watch {
            let id: Int
            let socket: Socket?
            let fileDescriptor: Int32
            var events: PollEvents
            let handler: (PollEvents) -> Void
        }
        var watches: [Watch] = [] {
            didSet { poller = nil }
        }
        /// The poller over the wakeup and the watches, made again when they change.
        var poller: Poller?
        var timers: [(deadline: ContinuousClock.Instant, handler: () -> Void)] = []
        var nextID = 0
    }

    /// Starts the thread, which runs until ``shutdown()``.
    public init(name: String) throws(ZMQError) {
        self.name = name
        wakeup = try Wakeup()
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    // MARK: Executor

    public func enqueue(_ job: consuming ExecutorJob) {
        let accepted = add(.job(UnownedJob(job)))
        precondition(accepted, "a job was enqueued on the socket thread \(name) after it ended")
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(isCurrent, "not on the socket thread \(name)")
    }

    /// Whether the caller runs on this thread.
    public var isCurrent: Bool {
        threadID.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Runs `body` on the thread, after what is already enqueued; answers `false` (and drops it) if
    /// the thread has ended.
    @discardableResult
    public func execute(_ body: @escaping @Sendable () -> Void) -> Bool {
        add(.closure(body))
    }

    /// Runs `body` on the thread and returns once it has run: at once when called on the thread,
    /// otherwise by waiting for the thread. Answers `false` if the thread has ended.
    @available(*, noasync, message: "blocks until the thread has run it; use the thread's actor instead")
    @discardableResult
    public func runAndWait(_ body: @escaping @Sendable () -> Void) -> Bool {
        if isCurrent {
            body()
            return true
        }
        let semaphore = DispatchSemaphore(value: 0)
        guard
            execute({
                body()
                semaphore.signal()
            })
        else { return false }
        semaphore.wait()
        return true
    }

    private func add(_ work: Work) -> Bool {
        let (accepted, first) = inbox.withLock { inbox in
            guard !inbox.ended else { return (false, false) }
            inbox.work.append(work)
            return (true, inbox.work.count == 1)
        }
        // Work already waiting has woken the thread, which takes it all at once: one write(2) per
        // round, not per job.
        if first { wakeup.signal() }
        return accepted
    }

    // MARK: Watches and timers (on the thread)

    /// Calls `handler` on this thread whenever `socket` is ready for `events`, until
    /// ``stopWatching(_:)``. The thread keeps the socket only while it watches it.
    public func watch(_ socket: Socket, events: PollEvents, handler: @escaping (PollEvents) -> Void) -> WatchID {
        add(socket: socket, fileDescriptor: -1, events: events, handler: handler)
    }

    /// Calls `handler` on this thread whenever `fileDescriptor` is readable (an eventfd, a pipe).
    public func watch(fileDescriptor: Int32, handler: @escaping (PollEvents) -> Void) -> WatchID {
        add(socket: nil, fileDescriptor: fileDescriptor, events: .readable, handler: handler)
    }

    private func add(
        socket: Socket?, fileDescriptor: Int32, events: PollEvents, handler: @escaping (PollEvents) -> Void
    ) -> WatchID {
        checkIsolated()
        confined.nextID += 1
        confined.watches.append(
            .init(id: confined.nextID, socket: socket, fileDescriptor: fileDescriptor, events: events, handler: handler)
        )
        return WatchID(value: confined.nextID)
    }

    /// Changes what a watched socket is waited for (`[]`: nothing, for now).
    public func setEvents(_ events: PollEvents, for watch: WatchID) {
        checkIsolated()
        if let index = confined.watches.firstIndex(where: { $0.id == watch.value }) {
            let poller = confined.poller
            confined.watches[index].events = events
            // Only the events changed: the poller is kept, its item updated.
            poller?.setEvents(events, at: index + 1)
            confined.poller = poller
        }
    }

    /// Stops watching; the handler is not called again.
    public func stopWatching(_ watch: WatchID) {
        checkIsolated()
        confined.watches.removeAll { $0.id == watch.value }
    }

    /// Calls `handler` once on this thread after `delay`.
    public func after(_ delay: Duration, _ handler: @escaping () -> Void) {
        checkIsolated()
        confined.timers.append((.now + delay, handler))
    }

    // MARK: Lifetime

    /// Asks the thread to end once what is enqueued has run. Returns at once; safe from any thread
    /// (the thread itself included) and more than once.
    public func shutdown() {
        inbox.withLock { $0.stopping = true }
        wakeup.signal()
    }

    /// Waits until the thread has ended (after ``shutdown()``). Blocks: never call it on this thread.
    @available(*, noasync, message: "blocks until the thread ends; use finish()")
    public func join() {
        precondition(!isCurrent, "a socket thread cannot wait for itself")
        let semaphore = DispatchSemaphore(value: 0)
        let ended = ending.withLock { ending in
            if !ending.ended { ending.blocked.append(semaphore) }
            return ending.ended
        }
        if !ended { semaphore.wait() }
    }

    /// Suspends until the thread has ended (after ``shutdown()``), blocking no thread: the thread
    /// resumes its waiters as it ends.
    public func finish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = ending.withLock { ending in
                if !ending.ended { ending.waiters.append(continuation) }
                return ending.ended
            }
            if ended { continuation.resume() }
        }
    }

    private func loop() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        nameInKernel()
        defer {
            let (waiters, blocked) = ending.withLock { ending in
                ending.ended = true
                return (ending.waiters, ending.blocked)
            }
            for waiter in waiters { waiter.resume() }
            for semaphore in blocked { semaphore.signal() }
        }
        while true {
            let work = inbox.withLock { inbox in
                defer { inbox.work.removeAll(keepingCapacity: true) }
                // Ending is decided under the lock, so nothing enqueued afterwards is lost unnoticed.
                if inbox.stopping, inbox.work.isEmpty { inbox.ended = true }
                return inbox.work
            }
            for item in work {
                switch item {
                case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
                case .closure(let body): body()
                }
            }
            if work.isEmpty, inbox.withLock({ $0.ended }) { break }
            // After a batch of jobs, the sockets and timers get their turn without waiting, so a
            // steady stream of jobs cannot keep them from being served.
            waitAndDispatch(waiting: work.isEmpty)
        }
        confined.watches.removeAll()
        confined.timers.removeAll()
    }

    /// Foundation's thread name does not reach the kernel; top, perf and `/proc` show this one (its
    /// first 15 bytes).
    private func nameInKernel() {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// One wait in `zmq_poll` (or, when not `waiting`, a look), then the handlers of what is ready
    /// and of the timers that are due.
    private func waitAndDispatch(waiting: Bool) {
        let watches = confined.watches
        let poller = confined.poller ?? Poller()
        if confined.poller == nil {
            poller.add(fileDescriptor: wakeup.fileDescriptor)
            for watch in watches {
                if let socket = watch.socket {
                    poller.add(socket, events: watch.events)
                } else {
                    poller.add(fileDescriptor: watch.fileDescriptor, events: watch.events)
                }
            }
            confined.poller = poller
        }
        let now = ContinuousClock.now
        let timeout =
            waiting ? confined.timers.map(\.deadline).min().map { max(.zero, now.duration(to: $0)) } : .zero
        guard let ready = try? poller.poll(timeout: timeout) else { return }
        if ready[0].contains(.readable) { wakeup.drain() }
        for (index, watch) in watches.enumerated() where !ready[index + 1].isEmpty {
            // A handler may have stopped this watch or another one meanwhile.
            guard confined.watches.contains(where: { $0.id == watch.id }) else { continue }
            watch.handler(ready[index + 1])
        }
        let due = ContinuousClock.now
        let fired = confined.timers.filter { $0.deadline <= due }
        confined.timers.removeAll { $0.deadline <= due }
        for timer in fired { timer.handler() }
    }
}
