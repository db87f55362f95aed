import Coordination
import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Logging
import Testing
import ZeroMQ

@Suite("Limits: bytes, the resume point, refused keys (issue 13, defect 14)", .serialized)
struct LimitTests {
    @Test("a node sending large valid envelopes is throttled by bytes, well inside its message rate")
    func byteBudget() async throws {
        let network = try TestNetwork()
        network.rateLimit = RateLimit(perSecond: 1000, burst: 1000, bytesPerSecond: 10_000, byteBurst: 1_048_576)
        try network.startHub()
        let heavy = try RawClient(network, as: "huli")
        _ = try #require(try heavy.hello("huli"))
        let text = String(repeating: "字", count: 20_000)  // 60 KB of UTF-8, a valid report
        let total = 40
        for index in 0..<total { try heavy.send(.submit(Make.report(text, id: "big-\(index)"))) }
        var accepted = 0
        var limited: [Rejected] = []
        while accepted + limited.count < total, let answer = try heavy.receive(timeout: .seconds(20)) {
            if case .accepted = answer { accepted += 1 }
            if case .rejected(let rejected) = answer { limited.append(rejected) }
        }
        #expect(accepted + limited.count == total)
        #expect(accepted > 0 && accepted < total, "\(accepted) of \(total) accepted")
        #expect(limited.allSatisfy { $0.code == .rateLimited })
        #expect(limited.first?.reason.contains("bytes per second") == true, "\(limited.first?.reason ?? "")")

        // Small messages from another node pass meanwhile.
        let siming = try await network.node("siming")
        #expect(try await siming.submit(Make.report("small")).sequence > 0)
        await siming.close()
        await network.stopHub()
    }

    @Test("HELLO.last_sequence_seen beyond the head is taken as the head: deliveries still come")
    func resumePointClamped() async throws {
        let network = try TestNetwork()
        network.heartbeatLiveness = 600
        try network.startHub()
        let huli = try await network.node("huli")
        _ = try await huli.submit(Make.report("before"))

        let coordinator = try RawClient(network, as: "commerce-bureau")
        let welcome = try #require(try coordinator.hello("commerce-bureau", lastSeen: 1_000_000))
        #expect(welcome.resumeAfter <= welcome.headSequence, "resume after \(welcome.resumeAfter)")

        let next = try await huli.submit(Make.report("after"))
        let delivered = try coordinator.deliveries(expected: 1)
        #expect(delivered.contains(next.sequence), "\(delivered)")
        await huli.close()
        await network.stopHub()
    }

    @Test("an unknown key retrying is logged once per minute, not once per handshake")
    func zapRefusalsThrottled() async throws {
        let network = try TestNetwork()
        let logged = Locked<[String]>([])
        network.logger = Logger(label: "hub") { _ in CapturingLogHandler(lines: logged) }
        try network.startHub()
        let stranger = try CurveKeyPair.generate()
        for _ in 0..<5 {
            var configuration = NodeConfiguration(
                nodeID: "huli", endpoint: network.endpoint, hubKey: network.hubKeys.publicKey, keyPair: stranger)
            configuration.retryInterval = .milliseconds(500)
            let node = try HubNode(configuration: configuration, logger: quiet)
            await #expect(throws: NodeError.self) { try await node.start() }
            await node.close()
        }
        let refusals = logged.value.filter { $0.hasPrefix("refused an unknown key") }
        #expect(refusals.count == 1, "\(refusals)")
        #expect(refusals.first?.contains("key=\(stranger.publicKey)") == true, "\(refusals)")
        await network.stopHub()
    }
}
