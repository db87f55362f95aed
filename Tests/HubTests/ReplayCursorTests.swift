import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Testing
import ZeroMQ

@Suite("Replays under way do not hold the hub", .serialized)
struct ReplayCursorTests {
    /// `count` progress reports from huli, appended straight to the log before the hub starts.
    static func fill(_ network: TestNetwork, count: Int) throws {
        let store = try network.store()
        var batch: [PendingRecord] = []
        for sequence in 1...UInt64(count) {
            var envelope = Make.report("Report \(sequence) " + String(repeating: "进展", count: 100))
            envelope.sender = "huli"
            envelope.sequence = sequence
            envelope.messageID = "r\(sequence)"
            envelope.acceptedAtMs = 1_788_220_800_000 + Int64(sequence)
            batch.append(
                PendingRecord(
                    sequence: sequence, acceptedAt: envelope.acceptedAtMs, sender: "huli",
                    messageID: envelope.messageID,
                    type: "progress_report", recipients: ["commerce-bureau"], subjects: RecordSubjects(),
                    envelope: try envelope.serializedBytes()))
            if batch.count == 1000 {
                _ = try store.append(batch)
                batch.removeAll()
            }
        }
        if !batch.isEmpty { _ = try store.append(batch) }
    }

    @Test(
        "a reader that stops reading mid-replay: others' submits are accepted meanwhile, and the replay resumes whole")
    func stalledReader() async throws {
        let network = try TestNetwork()
        network.highWaterMark = 4
        network.heartbeatLiveness = 600
        // However slow a loaded run is, the stall below stays within the limit.
        network.replayStallLimit = .seconds(600)
        let total = 30_000
        try Self.fill(network, count: total)
        try network.startHub()
        let reader = try RawClient(network, as: "commerce-bureau", receiveHighWaterMark: 2)
        _ = try #require(try reader.hello("commerce-bureau", lastSeen: UInt64(total)))
        try reader.send(.replayRequest(ReplayRequest.with { $0.requestID = "all" }))

        // The reader reads nothing: its queue fills up, and the hub goes on serving everyone else.
        let siming = try await network.node("siming")
        for index in 1...20 {
            let answer = try await siming.submit(Make.report("Accepted while a replay waits \(index)"))
            #expect(answer.sequence > UInt64(total))
        }
        await siming.close()
        // Longer than a blocking send's timeout (2 s): a hub that blocked on the reader gave up here.
        try await Task.sleep(for: .seconds(3))

        var replayed = 0
        var end: ReplayEnd?
        let deadline = ContinuousClock.now + .seconds(180)
        while end == nil, ContinuousClock.now < deadline {
            guard let command = try reader.receive(timeout: .seconds(5)) else { continue }
            switch command {
            case .replayItems(_, let items): replayed += items.count
            case .replayEnd(let finished): end = finished
            default: break
            }
        }
        let finished = try #require(end, "no REPLAY_END after \(replayed) records")
        #expect(finished.code == .unspecified, "\(finished)")
        // Everything in the log when it ended, the records accepted during the stall included.
        let head = try network.store().head().sequence
        #expect(replayed == Int(head) && finished.count == head, "\(replayed) of \(head), \(finished)")
        await network.stopHub()
    }

    @Test("a node has at most two replays under way; a third is refused RATE_LIMITED")
    func replaysPerNode() async throws {
        let network = try TestNetwork()
        network.highWaterMark = 4
        network.heartbeatLiveness = 600
        try Self.fill(network, count: 20_000)
        try network.startHub()
        let reader = try RawClient(network, as: "commerce-bureau", receiveHighWaterMark: 2)
        _ = try #require(try reader.hello("commerce-bureau", lastSeen: 20_000))
        for id in ["one", "two", "three"] {
            try reader.send(.replayRequest(ReplayRequest.with { $0.requestID = id }))
        }
        let refused = try reader.first(within: .seconds(30)) { command -> ReplayEnd? in
            if case .replayEnd(let end) = command, end.requestID == "three" { end } else { nil }
        }
        #expect(refused?.code == .rateLimited, "\(String(describing: refused))")
        await network.stopHub()
    }
}
