import ZeroMQ

/// How a node reaches the hub and who it is.
public struct NodeConfiguration: Sendable {
    /// This node's id, as the topology gives it to its key.
    public var nodeID: String
    /// The hub's endpoint, e.g. `tcp://hub.example:5570`: the first of ``endpoints``.
    public var endpoint: String {
        get { endpoints[0] }
        set { endpoints[0] = newValue }
    }
    /// The hub's endpoints: one, or the primary's and the backup's of a pair (SPEC.md 13). A node that
    /// hears nothing from the hub for `heartbeatLiveness` intervals, or is closed by it, tries the next.
    public var endpoints: [String]
    /// The hub's public key.
    public var hubKey: CurveKey
    /// This node's key pair.
    public var keyPair: CurveKeyPair
    /// A folder where the node keeps the last sequence its application handled, so that it sees
    /// each delivery once across restarts. `nil` keeps it in memory only.
    public var stateDirectory: String?
    /// The last sequence the application has handled, when it records every delivery's sequence
    /// durably itself (as `aeohub listen`'s inbox does). The node then starts after the later of this
    /// and its state file and writes no state file, so a batch of deliveries costs the application's
    /// own fsync only; the application's record is what keeps each delivery handled once.
    public var lastHandledByApplication: UInt64?
    /// How long to wait for an answer before sending a submit again (with the same message id).
    public var retryInterval: Duration = .seconds(2)
    /// How often to show the hub this node is alive, and how many silent intervals mean it is gone.
    public var heartbeatInterval: Duration = .seconds(1)
    public var heartbeatLiveness: Int = 3
    /// Reconnection backoff, doubling from the first to the largest.
    public var reconnectInitial: Duration = .milliseconds(100)
    public var reconnectMaximum: Duration = .seconds(5)
    /// A node that connects, acts and leaves (a command-line session): the hub records no presence
    /// for it. Daemons and other long-lived nodes leave it `false`.
    public var transient = false
    /// Free text sent in HELLO.
    public var software = "aeohub-node/1.0 swift"

    public init(
        nodeID: String, endpoint: String, hubKey: CurveKey, keyPair: CurveKeyPair, stateDirectory: String? = nil
    ) {
        self.nodeID = nodeID
        endpoints = [endpoint]
        self.hubKey = hubKey
        self.keyPair = keyPair
        self.stateDirectory = stateDirectory
    }
}

/// Why a node operation failed.
public enum NodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The hub refused the envelope; final for that message id.
    case rejected(code: String, reason: String, field: String)
    /// No answer within the deadline; the message may still be accepted later: retry with the same id.
    case timedOut(messageID: String)
    /// No session: no WELCOME in time, or the hub refused the HELLO (another protocol version).
    case sessionRefused(String)
    /// The hub refused this node's key during the handshake (not in its allowlist).
    case keyRefused(String)
    /// The hub answered HELLO with a final error (IDENTITY_MISMATCH, UNSUPPORTED_VERSION).
    case sessionRejected(code: String, reason: String)
    /// The replay was cut off by a reconnect; ask again.
    case replayInterrupted
    /// A replay ended with an error code.
    case replayRefused(code: String, reason: String)
    /// The envelopes this node could read differ from the count REPLAY_END gave: a REPLAY_ITEMS it
    /// could not read was dropped (one over the 1 MiB limit, from a hub older than the 768 KiB chunks).
    case replayIncomplete(received: Int, sent: UInt64)
    /// No page of a view came in time.
    case viewTimedOut
    /// A view request was answered with an error code.
    case viewRefused(code: String, reason: String)
    /// The node was closed.
    case closed

    /// No session yet, for a reason that passes: the hub did not answer, or limited this node's rate.
    public var isTransient: Bool {
        switch self {
        case .sessionRefused: true
        case .sessionRejected(let code, _): code == "RATE_LIMITED"
        default: false
        }
    }

    public var description: String {
        switch self {
        case .rejected(let code, let reason, let field):
            "rejected (\(code))\(field.isEmpty ? "" : " \(field)"): \(reason)"
        case .timedOut(let id): "no answer for message \(id) in time; it may still be accepted: retry with the same id"
        case .sessionRefused(let why): "no session with the hub: \(why)"
        case .keyRefused(let why): why
        case .sessionRejected(let code, let reason): "the hub refused the session (\(code)): \(reason)"
        case .replayInterrupted: "the replay was interrupted by a reconnect; ask again"
        case .replayRefused(let code, let reason): "replay refused (\(code)): \(reason)"
        case .replayIncomplete(let received, let sent):
            "the hub counted \(sent) envelopes in the replay but \(received) arrived readable (a message over "
                + "the 1 MiB limit is dropped, see the 'undecodable message' warning): narrow the replay "
                + "(a sequence or time range, types) or upgrade the hub"
        case .viewTimedOut: "no answer to a view request in time; is the hub up?"
        case .viewRefused(let code, let reason): "view refused (\(code)): \(reason)"
        case .closed: "the node is closed"
        }
    }
}
