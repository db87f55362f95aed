import Logging
import Synchronization
import Testing

@testable import Hub

/// Collects log lines.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "capture") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let extra = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: " ")
            log.lines.withLock { $0.append("\(event.message) \(extra)") }
        }
    }
}

/// The token buckets are tested in HubCoreTests; here the throttle's log lines.
@Suite("Flood guard")
struct FloodGuardTests {
    @Test("the log throttle keeps a bounded number of sources; beyond them new sources share one window")
    func throttleBounded() {
        let captured = CapturedLog()
        var throttle = LogThrottle(interval: .seconds(60), maxSources: 10)
        let start = ContinuousClock.now
        for key in 0..<1000 {
            throttle.warning(captured.logger, "refused", node: "key-\(key)", kind: "zap", now: start)
        }
        #expect(captured.lines.withLock { $0.count } == 11)
        throttle.warning(captured.logger, "refused", node: "key-late", kind: "zap", now: start + .seconds(61))
        #expect(captured.lines.withLock { $0.count } == 12)
    }

    @Test("repeated bad input is logged once per interval per node, with the count left out")
    func throttledLog() {
        let captured = CapturedLog()
        var throttle = LogThrottle(interval: .seconds(10))
        let start = ContinuousClock.now
        for index in 0..<1000 {
            throttle.warning(
                captured.logger, "protocol error", node: "huli", kind: "protocol", now: start + .milliseconds(index))
        }
        throttle.warning(captured.logger, "protocol error", node: "siming", kind: "protocol", now: start)
        throttle.warning(captured.logger, "protocol error", node: "huli", kind: "protocol", now: start + .seconds(11))
        let lines = captured.lines.withLock { $0 }
        #expect(lines.count == 3)
        #expect(lines.last?.contains("suppressed_since_last=999") == true, "\(lines)")
    }
}
