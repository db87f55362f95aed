import Foundation
import HubCore
import HubProtocol
import Testing

@Suite("HubCore: flood guard")
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

    @Test("the log throttle lets one line per source and kind through each interval, and counts the rest")
    func throttle() {
        var throttle = LogThrottle(interval: .seconds(10), maxSources: 2)
        let start = ContinuousClock.now
        let passes = [
            throttle.pass(node: "a", kind: "rate", now: start),
            throttle.pass(node: "a", kind: "rate", now: start + .seconds(1)),
            throttle.pass(node: "a", kind: "protocol", now: start),
            // Beyond maxSources, new sources share one window.
            throttle.pass(node: "b", kind: "rate", now: start),
            throttle.pass(node: "c", kind: "rate", now: start),
            throttle.pass(node: "a", kind: "rate", now: start + .seconds(11)),
        ]
        #expect(passes == [0, nil, 0, 0, nil, 1])
    }

    @Test("through the core, with the clock injected: a flood is refused RATE_LIMITED, and served again in time")
    func floodThroughCore() {
        var hub = CoreHarness { $0.rateLimit = RateLimit(perSecond: 10, burst: 20) }
        hub.hello("huli")  // a HELLO spends a token too
        let huli = CoreHarness.routing("huli")
        _ = hub.outbox.take(huli)
        hub.round((1...40).map { ("huli", .submit(CoreHarness.report("flood \($0)", id: "f\($0)"))) })
        let answers = hub.outbox.take(huli)
        #expect(answers.accepted.count == 19)
        #expect(answers.rejected.allSatisfy { $0.code == .rateLimited } && answers.rejected.count == 21)
        let effects = hub.outbox.takeEffects()
        #expect(effects.contains(.count(.rateLimited, 1)))
        // Another node is unaffected; a second later huli has ten tokens again.
        hub.hello("siming")
        #expect(hub.outbox.take(CoreHarness.routing("siming")).welcome != nil)
        hub.advance(.seconds(1))
        hub.round((41...60).map { ("huli", .submit(CoreHarness.report("flood \($0)", id: "f\($0)"))) })
        #expect(hub.outbox.take(huli).accepted.count == 10)
        // Heartbeats and ACKs are not metered.
        hub.round((1...50).map { _ in ("huli", .heartbeat) })
        #expect(hub.outbox.take(huli).isEmpty)
    }
}
