import HubCore
import Logging

/// How much one node may send (``HubConfiguration/rateLimit``); defined with the flood guard in HubCore.
public typealias RateLimit = HubCore.RateLimit

typealias LogThrottle = HubCore.LogThrottle

extension LogThrottle {
    /// Logs `message` unless one of this `kind` from `node` was logged within the interval;
    /// `label` names what `node` is in the line's metadata.
    mutating func warning(
        _ logger: Logger, _ message: Logger.Message, node: String, kind: String, label: String = "node",
        metadata: Logger.Metadata = [:], now: ContinuousClock.Instant = .now
    ) {
        guard let suppressed = pass(node: node, kind: kind, now: now) else { return }
        var metadata = metadata
        metadata[label] = "\(node)"
        if suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        logger.warning(message, metadata: metadata)
    }
}
