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

@Suite("Flood guard")
struct FloodGuardTests {
    @Test("a node gets its burst at once, then its rate; other nodes are unaffected")
    func tokenBucket() {
        var guardian = FloodGuard(RateLimit(perSecond: 10, burst: 5))
        let start = ContinuousClock.now
        #expect((0..<8).filter { _ in guardian.allow("huli", now: start) }.count == 5)
        let otherNode = guardian.allow("siming", now: start)
        let tooSoon = guardian.allow("huli", now: start + .milliseconds(50))
        let refilled = guardian.allow("huli", now: start + .milliseconds(150))  // one token back after 100 ms
        #expect(otherNode)
        #expect(!tooSoon)
        #expect(refilled)
        var unlimited = FloodGuard(nil)
        #expect((0..<10_000).allSatisfy { _ in unlimited.allow("huli", now: start) })
    }

    @Test("large messages spend the byte budget: refused while messages are still allowed, refilled by time")
    func byteBucket() {
        var guardian = FloodGuard(RateLimit(perSecond: 1000, burst: 1000, bytesPerSecond: 100_000, byteBurst: 0))
        #expect(guardian.limit?.byteBurst == Double(1 << 20))  // never below one message of the largest size
        let start = ContinuousClock.now
        let big = 300_000
        let burst = (0..<5).filter { _ in guardian.allow("huli", bytes: big, now: start) }.count
        let small = guardian.allow("huli", bytes: 100, now: start)
        let tooSoon = guardian.allow("huli", bytes: big, now: start + .seconds(1))
        let refilled = guardian.allow("huli", bytes: big, now: start + .seconds(3))
        #expect(burst == 3)
        #expect(small)
        #expect(!tooSoon)
        #expect(refilled)
    }

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
