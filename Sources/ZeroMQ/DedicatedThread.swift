import CZeroMQ
import Foundation
import Synchronization

/// A thread that runs one body to its end, and can be waited for: how a socket gets the one thread
/// that owns it for its whole life.
public final class DedicatedThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Whether the body has returned, and the async waiters to resume when it does.
    private let state = Locked<Completion>(Completion())

    struct Completion: Sendable {
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Starts `body` on a new thread called `name`.
    public init(name: String, body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let state = self.state
        let thread = Thread {
            body()
            let waiters = state.withLock { (state: inout Completion) -> [CheckedContinuation<Void, Never>] in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits until the body has returned. May be called again (and from several threads).
    public func join() {
        finished.wait()
        finished.signal()
    }

    /// Suspends until the body has returned. Blocks no thread: the thread itself resumes the
    /// waiters as it ends (a blocked thread of the small cooperative pool would starve other tasks).
    public func finish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { (state: inout Completion) -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// An eventfd that other threads write to, to wake a thread blocked in ``Poller/poll(timeout:)``.
final class Wakeup: Sendable {
    let fileDescriptor: Int32

    init() throws(ZMQError) {
        fileDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fileDescriptor >= 0 else { throw ZMQError(code: errno, operation: "eventfd") }
    }

    deinit {
        close(fileDescriptor)
    }

    /// Wakes the waiting thread (many signals before it wakes count as one).
    func signal() {
        var one: UInt64 = 1
        _ = write(fileDescriptor, &one, MemoryLayout<UInt64>.size)
    }

    /// Resets the eventfd after a wake-up.
    func drain() {
        var value: UInt64 = 0
        _ = read(fileDescriptor, &value, MemoryLayout<UInt64>.size)
    }
}

/// A value guarded by a mutex, as a class so that escaping closures and other threads can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R: Sendable, E: Error>(_ body: (inout sending Value) throws(E) -> sending R) throws(E) -> sending R {
        try mutex.withLock(body)
    }

    var value: Value { mutex.withLock { $0 } }
}
