import CZeroMQ
import Foundation
import Synchronization

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
