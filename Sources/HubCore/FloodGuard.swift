import HubProtocol

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
    public var sentence: String {
        "\(Int(perSecond)) messages per second (bursts of \(Int(burst))) or \(Int(bytesPerSecond)) bytes per second "
            + "(bursts of \(Int(byteBurst)))"
    }
}

/// Token buckets per node id; owned by the hub's thread.
public struct FloodGuard: Sendable {
    public let limit: RateLimit?
    private var buckets: [String: Bucket] = [:]

    private struct Bucket: Sendable {
        var messages: Double
        var bytes: Double
        var at: ContinuousClock.Instant
    }

    public init(_ limit: RateLimit?) {
        self.limit = limit
    }

    /// Takes one message token and `bytes` byte tokens for `node`; answers `false` (taking nothing)
    /// when either bucket holds too few.
    public mutating func allow(_ node: String, bytes: Int = 0, now: ContinuousClock.Instant) -> Bool {
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

/// Lets through repeated events of one kind from one source at most once per interval, with how many
/// were left out, so bad input is visible in the log without a peer being able to flood it. It keeps
/// at most `maxSources` windows: beyond them, expired windows go, and then new sources share one.
public struct LogThrottle: Sendable {
    public let interval: Duration
    public let maxSources: Int
    private var windows: [String: Window] = [:]

    private struct Window: Sendable {
        var since: ContinuousClock.Instant
        var suppressed: Int
    }

    public init(interval: Duration = .seconds(10), maxSources: Int = 10_000) {
        self.interval = interval
        self.maxSources = maxSources
    }

    /// Answers `nil` when one of this `kind` from `node` passed within the interval (it is counted as
    /// left out); otherwise how many were left out since the last one that passed.
    public mutating func pass(node: String, kind: String, now: ContinuousClock.Instant) -> Int? {
        var key = "\(node)\u{0}\(kind)"
        if windows[key] == nil, windows.count >= maxSources {
            windows = windows.filter { now - $0.value.since < interval }
            if windows.count >= maxSources { key = "\u{0}others\u{0}\(kind)" }
        }
        if let window = windows[key], now - window.since < interval {
            windows[key]?.suppressed += 1
            return nil
        }
        let suppressed = windows[key]?.suppressed ?? 0
        windows[key] = Window(since: now, suppressed: 0)
        return suppressed
    }
}

extension RateLimit {
    /// The replays' own budget under a submit limit: a tenth of its rates, at least one replay a
    /// second and bursts of four.
    public static func replays(under limit: RateLimit) -> RateLimit {
        RateLimit(
            perSecond: max(1, limit.perSecond / 10), burst: max(4, limit.burst / 10),
            bytesPerSecond: limit.bytesPerSecond, byteBurst: limit.byteBurst)
    }
}

extension Command {
    /// Commands that cost the hub work (a check, a write, a read of the log) and so count against
    /// a node's rate; heartbeats, ACKs and CLOSE do not.
    public var isMetered: Bool {
        switch self {
        case .submit, .replayRequest, .viewRequest, .hello: true
        default: false
        }
    }
}
