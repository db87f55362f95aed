import HubProtocol
import Logging
import Synchronization

/// How much one node may send: token buckets per node, one counting commands (refilled at
/// `perSecond` up to `burst`) and one counting their bytes (refilled at `bytesPerSecond` up to
/// `byteBurst`). A command passes when both buckets hold enough.
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Double
    public var bytesPerSecond: Double
    /// At least the largest message the hub takes (1 MiB), so every valid message can pass.
    public var byteBurst: Double

    /// The byte budget's default: 1 MiB per second sustained, 4 MiB at once.
    public static let standardBytesPerSecond: Double = 1_048_576
    public static let standardByteBurst: Double = 4_194_304

    public init(
        perSecond: Double, burst: Double, bytesPerSecond: Double = RateLimit.standardBytesPerSecond,
        byteBurst: Double = RateLimit.standardByteBurst
    ) {
        self.perSecond = perSecond
        self.burst = burst
        self.bytesPerSecond = bytesPerSecond
        self.byteBurst = max(byteBurst, Double(ProtocolLimits.maxMessageBytes))
    }

    /// 500 submits per second sustained, 2,000 at once, and 1 MiB per second (4 MiB at once): far
    /// above what a unit's people and systems send, well below what would crowd out the other nodes.
    public static let standard = RateLimit(perSecond: 500, burst: 2000)

    /// How a refusal states the limit.
    var sentence: String {
        "\(Int(perSecond)) messages per second (bursts of \(Int(burst))) or \(Int(bytesPerSecond)) bytes per second "
            + "(bursts of \(Int(byteBurst)))"
    }
}

/// Token buckets per node id; owned by the hub's thread.
struct FloodGuard {
    let limit: RateLimit?
    private var buckets: [String: Bucket] = [:]

    private struct Bucket {
        var messages: Double
        var bytes: Double
        var at: ContinuousClock.Instant
    }

    init(_ limit: RateLimit?) {
        self.limit = limit
    }

    /// Takes one message token and `bytes` byte tokens for `node`; answers `false` (taking nothing)
    /// when either bucket holds too few.
    mutating func allow(_ node: String, bytes: Int = 0, now: ContinuousClock.Instant = .now) -> Bool {
        guard let limit else { return true }
        var bucket = buckets[node] ?? Bucket(messages: limit.burst, bytes: limit.byteBurst, at: now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.messages = min(limit.burst, bucket.messages + seconds * limit.perSecond)
        bucket.bytes = min(limit.byteBurst, bucket.bytes + seconds * limit.bytesPerSecond)
        bucket.at = now
        let allowed = bucket.messages >= 1 && bucket.bytes >= Double(bytes)
        if allowed {
            bucket.messages -= 1
            bucket.bytes -= Double(bytes)
        }
        buckets[node] = bucket
        return allowed
    }
}

/// Logs repeated events of one kind from one source at most once per interval, with how many were
/// left out, so bad input is visible in the log without a peer being able to flood it. It keeps at
/// most `maxSources` windows: beyond them, expired windows go, and then new sources share one.
struct LogThrottle {
    let interval: Duration
    let maxSources: Int
    private var windows: [String: (since: ContinuousClock.Instant, suppressed: Int)] = [:]

    init(interval: Duration = .seconds(10), maxSources: Int = 10_000) {
        self.interval = interval
        self.maxSources = maxSources
    }

    /// Logs `message` unless one of this `kind` from `node` was logged within the interval;
    /// `label` names what `node` is in the line's metadata.
    mutating func warning(
        _ logger: Logger, _ message: Logger.Message, node: String, kind: String, label: String = "node",
        metadata: Logger.Metadata = [:], now: ContinuousClock.Instant = .now
    ) {
        var key = "\(node)\u{0}\(kind)"
        if windows[key] == nil, windows.count >= maxSources {
            windows = windows.filter { now - $0.value.since < interval }
            if windows.count >= maxSources { key = "\u{0}others\u{0}\(kind)" }
        }
        if let window = windows[key], now - window.since < interval {
            windows[key]?.suppressed += 1
            return
        }
        var metadata = metadata
        metadata[label] = "\(node)"
        if let suppressed = windows[key]?.suppressed, suppressed > 0 {
            metadata["suppressed_since_last"] = "\(suppressed)"
        }
        windows[key] = (now, 0)
        logger.warning(message, metadata: metadata)
    }
}

/// A ``LogThrottle`` shared by threads (the ZAP handler's).
final class SharedLogThrottle: Sendable {
    private let throttle: Mutex<LogThrottle>

    init(interval: Duration) { throttle = Mutex(LogThrottle(interval: interval)) }

    func warning(
        _ logger: Logger, _ message: Logger.Message, node: String, kind: String, label: String,
        metadata: Logger.Metadata = [:]
    ) {
        throttle.withLock { $0.warning(logger, message, node: node, kind: kind, label: label, metadata: metadata) }
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
