import HubCore
import Logging
import Synchronization

// The flood guard and the log throttle are the core's (HubCore/FloodGuard.swift); the ZAP handler's
// threads share one throttle here.

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
