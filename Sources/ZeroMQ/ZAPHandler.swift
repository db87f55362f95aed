import CZeroMQ
import Foundation
import Synchronization

/// One ZAP authentication request (RFC 27): who is connecting to which socket, and with what.
public struct ZAPRequest: Sendable, Hashable {
    /// The request id, echoed in the reply.
    public var requestID: Data
    /// The server socket's `ZAP_DOMAIN`.
    public var domain: String
    /// The peer's network address, e.g. `127.0.0.1`.
    public var address: String
    /// The routing id the peer announced, if any.
    public var routingID: Data
    /// `NULL`, `PLAIN` or `CURVE`.
    public var mechanism: String
    /// The mechanism's credentials (for CURVE, one frame: the client's 32-byte public key).
    public var credentials: [Data]

    /// The client's long-term public key, for a CURVE handshake.
    public var clientKey: CurveKey? {
        guard mechanism == "CURVE", let first = credentials.first else { return nil }
        return try? CurveKey(bytes: first)
    }
}

/// A ZAP handler's answer.
public enum ZAPDecision: Sendable, Hashable {
    /// Let the peer in; every message it sends carries `userID` as its `User-Id` property.
    case allow(userID: String)
    /// Refuse the handshake; libzmq drops the connection.
    case deny(reason: String)
}

/// The ZAP handler of a context: answers every handshake of its CURVE/PLAIN server sockets.
///
/// It binds `inproc://zeromq.zap.01` before `init` returns (so no handshake can race it) and serves
/// requests on its own ``SocketThread``, calling `authenticate` for each. Servers that also set
/// ``SocketOption/zapEnforceDomain`` refuse everyone while no handler is bound: fail closed.
public final class ZAPHandler: Sendable {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    private let thread: SocketThread
    private let confined: Confined

    /// The handler's socket, touched only on its thread (hence unchecked), and its tallies.
    private final class Confined: @unchecked Sendable {
        var socket: Socket?
        var watch: SocketThread.WatchID?
        let served = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)

        func open(
            context: Context, thread: SocketThread, authenticate: @escaping @Sendable (ZAPRequest) -> ZAPDecision
        ) throws(ZMQError) {
            let socket = try Socket(context, type: .reply)
            try socket.bind(ZAPHandler.endpoint)
            self.socket = socket
            watch = thread.watch(socket, events: .readable) { _ in self.serve(thread: thread, authenticate) }
        }

        private func serve(thread: SocketThread, _ authenticate: @Sendable (ZAPRequest) -> ZAPDecision) {
            guard let socket else { return }
            do throws(ZMQError) {
                while let request = try socket.tryReceive() {
                    try socket.send(ZAPHandler.reply(to: request.frames, authenticate: authenticate))
                    served.add(1, ordering: .relaxed)
                }
            } catch {
                if error.isContextTerminated { close(thread: thread) }
            }
        }

        func close(thread: SocketThread) {
            if let watch { thread.stopWatching(watch) }
            watch = nil
            socket?.close()
            socket = nil
        }
    }

    /// Starts the handler on `context`; throws if another handler is already bound there.
    public init(context: Context, authenticate: @escaping @Sendable (ZAPRequest) -> ZAPDecision) throws(ZMQError) {
        let thread = try SocketThread(name: "zap-handler")
        let confined = Confined()
        let failure = Locked<ZMQError?>(nil)
        thread.runAndWait {
            do throws(ZMQError) {
                try confined.open(context: context, thread: thread, authenticate: authenticate)
            } catch {
                failure.withLock { $0 = error }
            }
        }
        self.thread = thread
        self.confined = confined
        if let error = failure.value {
            thread.shutdown()
            throw error
        }
    }

    /// How many handshakes the handler has answered.
    public var requestsServed: Int { confined.served.load(ordering: .relaxed) }

    /// Stops the handler and unbinds it before returning; later handshakes are refused if domains
    /// are enforced.
    public func stop() {
        guard !confined.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.runAndWait { [confined, thread] in confined.close(thread: thread) }
        thread.shutdown()
    }

    deinit {
        stop()
    }

    /// The RFC 27 reply to one request: version, request id, status code, status text, user id,
    /// metadata.
    static func reply(to frames: [Data], authenticate: (ZAPRequest) -> ZAPDecision) -> Message {
        func text(_ index: Int) -> String {
            frames.indices.contains(index) ? String(decoding: frames[index], as: UTF8.self) : ""
        }
        let requestID = frames.indices.contains(1) ? frames[1] : Data()
        guard frames.count >= 6, text(0) == "1.0" else {
            return zapReply(requestID: requestID, status: "500", text: "malformed ZAP request", userID: "")
        }
        let request = ZAPRequest(
            requestID: requestID,
            domain: text(2),
            address: text(3),
            routingID: frames[4],
            mechanism: text(5),
            credentials: Array(frames.dropFirst(6))
        )
        switch authenticate(request) {
        case .allow(let userID):
            return zapReply(requestID: requestID, status: "200", text: "OK", userID: userID)
        case .deny(let reason):
            return zapReply(requestID: requestID, status: "400", text: reason, userID: "")
        }
    }
}

private func zapReply(requestID: Data, status: String, text: String, userID: String) -> Message {
    Message([Data("1.0".utf8), requestID, Data(status.utf8), Data(text.utf8), Data(userID.utf8), Data()])
}

/// The stop flag and wake-up of a loop that owns a socket on its own thread: the owner asks it to
/// stop from any thread, and an eventfd (which a ``Poller`` waits on beside the socket) wakes it.
public final class LoopControl: Sendable {
    let wakeup: Wakeup
    let counter = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    public init() throws(ZMQError) {
        wakeup = try Wakeup()
    }

    /// The eventfd to add to the loop's poller.
    public var fileDescriptor: Int32 { wakeup.fileDescriptor }

    /// Whether the loop has been asked to stop.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Asks the loop to stop and wakes it; answers `false` if it was asked before.
    @discardableResult
    public func requestStop() -> Bool {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        wakeup.signal()
        return true
    }

    /// Wakes the loop without stopping it.
    public func wake() { wakeup.signal() }

    /// Clears the wake-up after the poller reported it.
    public func drain() { wakeup.drain() }
}
