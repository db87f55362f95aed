import EventLog
import Foundation

/// One node's open session: where its connection is, what it has in flight, when it was last heard.
public struct Session: Sendable {
    public let nodeID: String
    /// The CURVE key (Z85) the connection authenticated with; a reload that drops it ends the session.
    public var key: String
    public var routingID: Data
    /// The highest sequence sent to the node (delivered, perhaps not yet acknowledged).
    public var sentUpTo: UInt64
    /// The highest sequence the node acknowledged.
    public var ackedUpTo: UInt64
    /// Sequences sent and not yet acknowledged, in order; never more than the credit window.
    public var inFlight: [UInt64] = []
    /// `true` when every record addressed to the node up to the log's head has been sent, so new
    /// records can go straight from the committed batch instead of a read.
    public var caughtUp = false
    /// Records read from the log for the node and not yet sent, while it is not caught up.
    var readAhead: ArraySlice<SequencedEnvelope> = []
    /// Whether ``readAhead`` holds everything for the node up to the head (its read came back short
    /// and no commit has added a record for the node since).
    var readAheadReachesHead = false
    public var lastHeard: ContinuousClock.Instant
    public var lastSent: ContinuousClock.Instant

    mutating func acknowledge(upTo sequence: UInt64) {
        guard sequence > ackedUpTo else { return }
        ackedUpTo = sequence
        if let index = inFlight.firstIndex(where: { $0 > sequence }) {
            inFlight.removeFirst(index)
        } else {
            inFlight.removeAll()
        }
    }
}

/// A transient session (HELLO.transient: a command that connects, acts and leaves). It lives beside
/// the unit's long-lived session, by connection, is delivered nothing and leaves no presence record.
public struct TransientSession: Sendable {
    public let nodeID: String
    public let key: String
    public var lastHeard: ContinuousClock.Instant
    public var lastSent: ContinuousClock.Instant
}
