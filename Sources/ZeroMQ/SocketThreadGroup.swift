import Foundation
import Synchronization

/// A fixed set of ``SocketThread``s that live as long as the process, handed out in turn, as
/// swift-nio's `MultiThreadedEventLoopGroup` hands out event loops: many actors (and their sockets)
/// share a thread, and since the threads never end, an actor's executor outlives every job that
/// could still be on its way to it.
public final class SocketThreadGroup: Sendable {
    /// The process's group for node clients: one thread per core.
    public static let shared: SocketThreadGroup = {
        do {
            return try SocketThreadGroup(name: "aeohub-node", count: System.coreCount)
        } catch {
            fatalError("cannot start the node socket threads: \(error)")
        }
    }()

    private let threads: [SocketThread]
    private let turn = Atomic<Int>(0)

    /// Starts `count` threads named `name-1`, `name-2`, ...
    public init(name: String, count: Int) throws(ZMQError) {
        var threads: [SocketThread] = []
        for index in 1...max(1, count) { threads.append(try SocketThread(name: "\(name)-\(index)")) }
        self.threads = threads
    }

    /// The next thread in turn.
    public func next() -> SocketThread {
        threads[turn.wrappingAdd(1, ordering: .relaxed).oldValue % threads.count]
    }
}

/// What the machine has.
enum System {
    /// The number of cores this process may use.
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
