import CZeroMQ

/// What a poller waits for, and what it found.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message can be received (or, for a file descriptor, data read).
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// An error condition on a file descriptor.
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}

/// Waits on several sockets (and plain file descriptors) at once, like `zmq_poll`.
///
/// Like its sockets, a poller belongs to one thread.
public final class Poller {
    private var sockets: [Socket?] = []
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Adds a socket and answers its index in ``poll(timeout:)``'s result.
    @discardableResult
    public func add(_ socket: Socket, events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// Adds a file descriptor (an eventfd, a pipe) and answers its index.
    @discardableResult
    public func add(fileDescriptor: Int32, events: PollEvents = .readable) -> Int {
        sockets.append(nil)
        items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// Changes what the item at `index` waits for.
    public func setEvents(_ events: PollEvents, at index: Int) {
        items[index].events = events.rawValue
    }

    /// Waits until an item is ready or `timeout` passes (`nil`: forever), and answers, for each item
    /// in the order added, what it is ready for. An interrupted wait is resumed for the time left.
    public func poll(timeout: Duration?) throws(ZMQError) -> [PollEvents] {
        let deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
        let count = Int32(items.count)
        _ = try items.withUnsafeMutableBufferPointer { (buffer) throws(ZMQError) -> Int32 in
            // The time left is computed on every attempt, so a retry after EINTR keeps the deadline.
            try LibZMQ.call("zmq_poll") {
                let milliseconds = deadline.map { Self.milliseconds(ContinuousClock.now.duration(to: $0)) } ?? -1
                return zmq_poll(buffer.baseAddress, count, milliseconds)
            }
        }
        return items.map { PollEvents(rawValue: $0.revents) }
    }

    /// Waits until one socket is ready for `events`; answers whether it became ready in time.
    static func wait(for socket: Socket, events: PollEvents, timeout: Duration) throws(ZMQError) -> Bool {
        let poller = Poller()
        poller.add(socket, events: events)
        return !(try poller.poll(timeout: timeout)[0].isDisjoint(with: events))
    }

    static func milliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        // Round up so that a wait is never shorter than asked.
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
