import Foundation

extension SocketLoop {
    /// A loop's socket and what it keeps. It crosses threads only to reach the loop's
    /// ``SocketThread``, and every use of it runs there: hence unchecked.
    final class Confined: @unchecked Sendable {
        let continuation: AsyncStream<Message>.Continuation
        let events: AsyncStream<SocketEvent>.Continuation
        /// Takes each received message on the thread instead of ``continuation``, when set.
        let onReceive: (@Sendable (Message) -> Void)?
        var socket: Socket?
        var monitor: Socket?
        var socketWatch: SocketThread.WatchID?
        var monitorWatch: SocketThread.WatchID?
        /// A received message the full stream did not take; offered again before reading more.
        var held: Message?

        init(
            continuation: AsyncStream<Message>.Continuation, events: AsyncStream<SocketEvent>.Continuation,
            onReceive: (@Sendable (Message) -> Void)?
        ) {
            self.continuation = continuation
            self.events = events
            self.onReceive = onReceive
        }

        /// Opens the socket (and its monitor), runs `setup` and starts watching; answers the endpoint.
        func open(
            context: Context, type: SocketType, monitoring: SocketEvents, setup: (Socket) throws -> Void,
            thread: SocketThread, outbox: Locked<[Message]>, outcome: Locked<Outcome>
        ) throws -> String {
            do {
                let socket = try Socket(context, type: type)
                if !monitoring.isEmpty {
                    // The monitor starts before the socket connects, so no early event is missed.
                    let endpoint = "inproc://monitor-\(UUID().uuidString)"
                    try socket.monitor(endpoint, events: monitoring)
                    let monitor = try Socket(context, type: .pair)
                    try monitor.connect(endpoint)
                    self.monitor = monitor
                }
                try setup(socket)
                self.socket = socket
                socketWatch = thread.watch(socket, events: .readable) { ready in
                    self.serve(ready, thread: thread, outbox: outbox, outcome: outcome)
                }
                if let monitor {
                    monitorWatch = thread.watch(monitor, events: .readable) { _ in
                        self.readEvents(thread: thread, outcome: outcome)
                    }
                }
                return (try? socket.get(.lastEndpoint)) ?? ""
            } catch {
                monitor?.close()
                monitor = nil
                continuation.finish()
                events.finish()
                throw error
            }
        }

        /// Sends what waits in `outbox` that the socket takes now; waits for writability otherwise.
        func flush(thread: SocketThread, outbox: Locked<[Message]>, outcome: Locked<Outcome>) {
            guard let socket else { return }
            do throws(ZMQError) {
                let unroutable = try outbox.withLock { (queue) throws(ZMQError) in
                    try SocketLoop.sendWaiting(&queue, on: socket)
                }
                if unroutable > 0 { outcome.withLock { $0.unroutable += unroutable } }
                updateEvents(thread: thread, outbox: outbox)
            } catch {
                fail(error, thread: thread, outcome: outcome)
            }
        }

        private func serve(
            _ ready: PollEvents, thread: SocketThread, outbox: Locked<[Message]>, outcome: Locked<Outcome>
        ) {
            if ready.contains(.writable) { flush(thread: thread, outbox: outbox, outcome: outcome) }
            guard socket != nil, held == nil, ready.contains(.readable) else { return }
            do throws(ZMQError) {
                // A bounded burst, so the send side is never starved. The socket is looked up each
                // time: a handler on the thread may have closed the loop.
                var burst = 0
                while burst < 1000, held == nil, let socket, let message = try socket.tryReceive() {
                    if let onReceive {
                        onReceive(message)
                    } else {
                        held = SocketLoop.offer(message, to: continuation)
                    }
                    burst += 1
                }
            } catch {
                fail(error, thread: thread, outcome: outcome)
                return
            }
            if held != nil { offerHeldLater(thread: thread, outbox: outbox, outcome: outcome) }
            updateEvents(thread: thread, outbox: outbox)
        }

        /// While the stream is full the socket is not read (backpressure); look again for room
        /// every few milliseconds.
        private func offerHeldLater(thread: SocketThread, outbox: Locked<[Message]>, outcome: Locked<Outcome>) {
            thread.after(.milliseconds(5)) {
                guard self.socket != nil, let message = self.held else { return }
                self.held = SocketLoop.offer(message, to: self.continuation)
                if self.held != nil {
                    self.offerHeldLater(thread: thread, outbox: outbox, outcome: outcome)
                } else {
                    self.updateEvents(thread: thread, outbox: outbox)
                }
            }
        }

        private func updateEvents(thread: SocketThread, outbox: Locked<[Message]>) {
            guard let socketWatch else { return }
            var wanted: PollEvents = held == nil ? .readable : []
            if !outbox.withLock({ $0.isEmpty }) { wanted.insert(.writable) }
            thread.setEvents(wanted, for: socketWatch)
        }

        private func readEvents(thread: SocketThread, outcome: Locked<Outcome>) {
            guard let monitor else { return }
            do throws(ZMQError) {
                while let message = try monitor.tryReceive() {
                    if let event = SocketEvent(message) { events.yield(event) }
                }
            } catch {
                fail(error, thread: thread, outcome: outcome)
            }
        }

        /// An error other than the context ending closes the loop and is kept as its ``failure``.
        private func fail(_ error: ZMQError, thread: SocketThread, outcome: Locked<Outcome>) {
            outcome.withLock {
                if !error.isContextTerminated { $0.failure = error }
                $0.closed = true
            }
            close(thread: thread)
        }

        /// Stops watching, closes the sockets and finishes the streams. Safe to call more than once.
        func close(thread: SocketThread) {
            if let socketWatch { thread.stopWatching(socketWatch) }
            if let monitorWatch { thread.stopWatching(monitorWatch) }
            socketWatch = nil
            monitorWatch = nil
            monitor?.close()
            monitor = nil
            socket?.close()
            socket = nil
            held = nil
            continuation.finish()
            events.finish()
        }
    }
}
