import HubProtocol
import Logging

/// How much one node may send: a token bucket per node, refilled at `perSecond` up to `burst`.
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Double

    public init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// 500 submits per second sustained, 2,000 at once: far above what a unit's people and
    /// systems send, well below what would crowd out the other nodes.
    public static let standard = RateLimit(perSecond: 500, burst: 2000)
}

/// Token buckets per node id; owned by the hub's thread.
struct FloodGuard {
    let limit: RateLimit?
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    init(_ limit: RateLimit?) {
        self.limit = limit
    }

    /// Takes one token for `node`; answers `false` when its bucket is empty.
    mutating func allow(_ node: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard let limit else { return true }
        var bucket = buckets[node] ?? (limit.burst, now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(limit.burst, bucket.tokens + seconds * limit.perSecond)
        bucket.at = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[node] = bucket
        return allowed
    }
}

/// Logs repeated events of one kind from one node at most once per interval, with how many were
/// left out, so bad input is visible in the log without a node being able to flood it.
struct LogThrottle {
    let interval: Duration
    private var windows: [String: (since: ContinuousClock.Instant, suppressed: Int)] = [:]

    init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    mutating func warning(_ logger: Logger, _ message: Logger.Message, node: String, kind: String, metadata: Logger.Metadata = [:], now: ContinuousClock.Instant = .now) {
        let key = "\(node)\u{0}\(kind)"
        if let window = windows[key], now - window.since < interval {
            windows[key]?.suppressed += 1
            return
        }
        var metadata = metadata
        metadata["node"] = "\(node)"
        if let suppressed = windows[key]?.suppressed, suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        windows[key] = (now, 0)
        logger.warning(message, metadata: metadata)
    }
}

extension Command {
    /// Commands that cost the hub work (a check, a write, a read of the log) and so count against
    /// a node's rate; heartbeats, ACKs and CLOSE do not.
    var isMetered: Bool {
        switch self {
        case .submit, .replayRequest, .viewRequest, .hello: true
        default: false
        }
    }
}
