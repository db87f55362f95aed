import EventLog
import Foundation
import HubNode
import HubProtocol
import Synchronization
import Testing
import ZeroMQ

/// Replays over the wire with envelopes of every size: each REPLAY_ITEMS stays under the 1 MiB
/// message limit (SPEC.md 4.5), so a replay of long reports arrives whole.
@Suite("Replays of large envelopes")
struct ReplayWireTests {
    @Test("a replay of reports at their 20,000-character limit arrives whole, in order")
    func longReports() async throws {
        let network = try TestNetwork()
        network.rateLimit = nil
        try network.startHub()
        let huli = try await network.node("huli", state: false)
        // About 60 KB each: 30 of them are 1.8 MB, more than one message may hold.
        let text = String(repeating: "厦门海关高级认证企业培育", count: 1_666)
        for index in 0..<30 {
            _ = try await huli.submit(Make.report(text + " \(index)", to: ["commerce-bureau"]))
        }
        await huli.close()
        let bureau = try await network.node("commerce-bureau", state: false)
        let everything = try network.store().records(matching: RecordFilter(), after: 0, limit: 1000)
        let replayed = try await bureau.replay(ReplayRequest())
        #expect(replayed.count == everything.count)
        #expect(replayed.map(\.bytes) == everything.map(\.envelope))
        await bureau.close()
        await network.stopHub()
    }

    @Test("a node that cannot read a REPLAY_ITEMS says so at REPLAY_END instead of answering a replay with a gap")
    func countedAtTheEnd() async throws {
        let network = try TestNetwork()
        // A hub that sends a REPLAY_ITEMS over the message limit, then one of a single envelope.
        let context = try Context()
        let zap = try ZAPHandler(context: context) { _ in .allow(userID: "commerce-bureau") }
        defer { zap.stop() }
        let thread = try SocketThread(name: "fake-hub")
        let endpoint = Locked<String?>(nil)
        let stop = Atomic<Bool>(false)
        let hubKeys = network.hubKeys
        thread.execute {
            defer { thread.shutdown() }
            guard let hub = try? Socket(context, type: .router) else { return }
            defer { try? hub.set(.linger, 0) }
            try? hub.makeCurveServer(keyPair: hubKeys, zapDomain: "fake-hub")
            endpoint.mutate { $0 = try? hub.bind("tcp://127.0.0.1:*") }
            while !stop.load(ordering: .relaxed) {
                guard let message = try? hub.receive(timeout: .milliseconds(50)) else { continue }
                try? Self.answer(message, on: hub)
            }
        }
        var failure: (any Error)?
        do {
            for _ in 0..<100 where endpoint.value == nil { try await Task.sleep(for: .milliseconds(20)) }
            network.endpoint = try #require(endpoint.value)
            let bureau = try await network.node("commerce-bureau", state: false)
            await #expect(throws: NodeError.replayIncomplete(received: 1, sent: 3)) {
                _ = try await bureau.replay(ReplayRequest())
            }
            await bureau.close()
        } catch {
            failure = error
        }
        stop.store(true, ordering: .relaxed)
        await thread.finish()
        if let failure { throw failure }
    }

    /// The fake hub's answers: WELCOME to HELLO; to REPLAY_REQUEST two REPLAY_ITEMS (the first over
    /// the message limit) and a REPLAY_END that counts all three envelopes.
    static func answer(_ message: Message, on hub: Socket) throws {
        let routing = message.frames[0]
        func send(_ command: Command) throws { try hub.send(Message([routing] + WireCodec.encode(command))) }
        switch try WireCodec.decode(message.frames.dropFirst()) {
        case .hello(let hello):
            try send(
                .welcome(
                    Welcome.with {
                        $0.nodeID = hello.nodeID
                        $0.heartbeatIntervalMs = 1000
                        $0.heartbeatLiveness = 30
                        $0.creditWindow = 64
                    }))
        case .replayRequest(let request):
            let header = ReplayItems.with { $0.requestID = request.requestID }
            try send(.replayItems(header, Array(repeating: StoredEnvelope(bytes: Data(count: 600_000)), count: 2)))
            try send(.replayItems(header, [StoredEnvelope(bytes: Data(count: 10))]))
            try send(
                .replayEnd(
                    ReplayEnd.with {
                        $0.requestID = request.requestID
                        $0.count = 3
                    }))
        default: break
        }
    }
}
