import Coordination
import EventLog
import Foundation
import Hub
import HubNode
import HubProtocol
import Testing
import ZeroMQ

@Suite("Hub over real sockets and a real log", .serialized)
struct HubTests {
    @Test("submit -> ACCEPTED -> delivered -> acknowledged, by node, role, all and rule")
    func routing() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let dongdu = try await network.node("xm-dongdu")
        let haicangCustoms = try await network.node("xm-haicang")
        let bureau = try await network.node("commerce-bureau")
        let fuzhou = try await network.node("fuzhou-customs")
        let inboxes = [
            "huli": Inbox(huli), "xm-dongdu": Inbox(dongdu), "xm-haicang": Inbox(haicangCustoms),
            "commerce-bureau": Inbox(bureau), "fuzhou-customs": Inbox(fuzhou),
        ]

        // By rule: a request filed by Huli goes to its customs office (Dongdu) and the coordinator.
        let filed = try await huli.submit(Make.request("REQ-1"))
        #expect(filed.sequence >= 1 && !filed.duplicate)
        // To one node, explicitly (plus the rule: reports go to the coordinator).
        let direct = try await huli.submit(Make.report("to fuzhou", to: ["fuzhou-customs"]))
        // To a role.
        let role = try await huli.submit(
            Envelope.with {
                $0.to = Recipients.with { $0.roles = ["customs"] }
                $0.progressReport = ProgressReport.with {
                    $0.period = "2026-09/2026-10"
                    $0.text = "to customs"
                }
            })
        // To all.
        let all = try await huli.submit(
            Envelope.with {
                $0.to = Recipients.with { $0.all = true }
                $0.progressReport = ProgressReport.with {
                    $0.period = "2026-09/2026-10"
                    $0.text = "to all"
                }
            })

        func received(_ node: String) -> Set<UInt64> { Set(inboxes[node]!.sequences) }
        let expected: [String: Set<UInt64>] = [
            "xm-dongdu": [filed.sequence, role.sequence, all.sequence],
            "commerce-bureau": [filed.sequence, direct.sequence, role.sequence, all.sequence],
            "fuzhou-customs": [direct.sequence, all.sequence], "xm-haicang": [role.sequence, all.sequence],
        ]
        for (node, sequences) in expected {
            try await inboxes[node]!.wait { Set($0).isSuperset(of: sequences) }
        }
        #expect(received("xm-dongdu").isSuperset(of: [filed.sequence, role.sequence, all.sequence]))
        #expect(!received("xm-dongdu").contains(direct.sequence))
        #expect(
            received("commerce-bureau").isSuperset(of: [filed.sequence, direct.sequence, role.sequence, all.sequence]))
        #expect(received("fuzhou-customs") == [direct.sequence, all.sequence])
        #expect(received("xm-haicang") == [role.sequence, all.sequence])
        #expect(received("huli").isDisjoint(with: [filed.sequence, direct.sequence, role.sequence, all.sequence]))

        // The sender is stamped from the key, and the stored bytes are what was delivered.
        let delivery = try #require(inboxes["xm-dongdu"]!.deliveries.first { $0.sequence == filed.sequence })
        #expect(delivery.envelope.sender == "huli")
        #expect(delivery.envelope.deliveredTo == ["commerce-bureau", "xm-dongdu"])
        let stored = try network.store().records(matching: RecordFilter(), after: filed.sequence - 1, limit: 1)
        #expect(stored.first?.envelope == delivery.bytes)

        // Acknowledged: the hub's cursors move (saved within 200 ms).
        try await Task.sleep(for: .milliseconds(600))
        #expect(try network.store().cursor(for: "fuzhou-customs") == all.sequence)
        for node in [huli, dongdu, haicangCustoms, bureau, fuzhou] { await node.close() }
        await network.stopHub()
    }

    @Test("a recipient offline during 1,000 messages gets all of them, in order, once, after reconnecting")
    func offlineCatchUp() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        var bureau = try await network.node("commerce-bureau")
        let early = Inbox(bureau)
        let before = try await huli.submit(Make.report("before"))
        try await early.wait(until: { $0.contains(before.sequence) })
        await bureau.close()
        _ = await early.task.result

        var sequences: [UInt64] = []
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<1000 {
                group.addTask { try await huli.submit(Make.report("offline \(index)")).sequence }
            }
            for try await sequence in group { sequences.append(sequence) }
        }
        #expect(Set(sequences).count == 1000)

        bureau = try await network.node("commerce-bureau")
        let late = Inbox(bureau)
        try await late.wait(for: 1000)
        try await Task.sleep(for: .milliseconds(300))
        let reports = late.deliveries.filter { $0.envelope.messageType == .progressReport }
        #expect(reports.map(\.sequence) == sequences.sorted())
        #expect(late.sequences == late.sequences.sorted())
        #expect(Set(late.sequences).count == late.sequences.count)
        #expect(!late.sequences.contains(before.sequence))
        await huli.close()
        await bureau.close()
        await network.stopHub()
    }

    @Test(
        """
        a duplicate submit returns the original sequence and writes nothing; a reused id with other content is \
        ID_REUSED
        """
    )
    func duplicateSubmit() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let first = try await huli.submit(Make.report("once", id: "fixed-id-1"))
        let headBefore = try network.store().head()
        let second = try await huli.submit(Make.report("once", id: "fixed-id-1"))
        #expect(second.sequence == first.sequence)
        #expect(second.duplicate)
        #expect(try network.store().head() == headBefore)
        // The same id with other content is not a retry: refused, final, nothing written; the
        // sender's clock alone does not make content differ.
        do {
            _ = try await huli.submit(Make.report("other words", id: "fixed-id-1"))
            Issue.record("a reused message id with other content was accepted")
        } catch NodeError.rejected(let code, let reason, _) {
            #expect(code == "ID_REUSED")
            #expect(reason.contains("was accepted as #\(first.sequence) with other content"))
        }
        var later = Make.report("once", id: "fixed-id-1")
        later.sentAtMs = 42
        #expect(try await huli.submit(later).duplicate)
        #expect(try network.store().head() == headBefore)
        await huli.close()
        await network.stopHub()
    }

    @Test("stopping and restarting the hub mid-stream loses nothing accepted; the log stays gapless and verifies")
    func restartMidStream() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let accepted = Locked<[UInt64]>([])
        let producer = Task {
            for index in 0..<300 {
                let result = try await huli.submit(Make.report("stream \(index)", id: "stream-\(index)"))
                accepted.mutate { $0.append(result.sequence) }
            }
        }
        while accepted.value.count < 100 { try await Task.sleep(for: .milliseconds(5)) }
        await network.stopHub()
        try await Task.sleep(for: .milliseconds(200))
        try network.startHub()
        try await producer.value

        let store = try network.store()
        let records = try store.records(matching: RecordFilter(), after: 0, limit: 10_000)
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        let streamed = records.filter { $0.fields.sender == "huli" }
        #expect(streamed.count == 300)
        #expect(Set(streamed.map(\.fields.messageID)).count == 300)
        #expect(Set(accepted.value) == Set(streamed.map(\.sequence)))
        guard case .intact = try store.verify() else {
            Issue.record("the log does not verify after a restart")
            return
        }
        await huli.close()
        await network.stopHub()
    }

    @Test("replay returns exactly the accepted envelopes, byte for byte, for every filter")
    func replayFilters() async throws {
        let network = try TestNetwork()
        try network.startHub()
        let huli = try await network.node("huli")
        let dongdu = try await network.node("xm-dongdu")
        let bureau = try await network.node("commerce-bureau")
        _ = try await huli.submit(Make.request("REQ-9"))
        _ = try await huli.submit(Make.report("r1"))
        _ = try await dongdu.submit(
            Envelope.with {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = "CASE-1"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = Make.uscc
                        $0.name = "Xiamen Example Trading"
                    }
                    $0.applicationReceived = "2026-09-01"
                }
            })
        _ = try await bureau.submit(
            Envelope.with {
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = "JM-1"
                    $0.title = "Joint meeting"
                    $0.invitees = ["xm-dongdu", "huli"]
                    $0.time = TimeSlot.with {
                        $0.startMs = 1_788_900_000_000
                        $0.endMs = 1_788_907_200_000
                    }
                    $0.place = "Room 301"
                }
            })
        let store = try network.store()
        let everything = try store.records(matching: RecordFilter(), after: 0, limit: 1000)

        func check(_ request: ReplayRequest, _ expected: (LogRecord) -> Bool, as node: HubNode? = nil) async throws {
            let replayed = try await (node ?? bureau).replay(request)
            #expect(replayed.map(\.bytes) == everything.filter(expected).map(\.envelope), "\(request)")
        }
        try await check(ReplayRequest(), { _ in true })
        try await check(ReplayRequest.with { $0.meetingID = "JM-1" }, { $0.fields.subjects.meetingID == "JM-1" })
        try await check(ReplayRequest.with { $0.caseID = "CASE-1" }, { $0.fields.subjects.caseID == "CASE-1" })
        try await check(ReplayRequest.with { $0.uscc = Make.uscc }, { $0.fields.subjects.uscc == Make.uscc })
        try await check(ReplayRequest.with { $0.types = ["progress_report"] }, { $0.fields.type == "progress_report" })
        try await check(
            ReplayRequest.with { $0.nodeID = "huli" },
            { $0.fields.sender == "huli" || $0.fields.recipients.contains("huli") })
        try await check(
            ReplayRequest.with {
                $0.fromSequence = 2
                $0.toSequence = 3
            }, { (2...3).contains($0.sequence) })
        let middle = everything[everything.count / 2].fields.acceptedAt
        try await check(ReplayRequest.with { $0.fromTimeMs = middle }, { $0.fields.acceptedAt >= middle })
        // A unit other than the coordinator replays only what it sent or received.
        try await check(
            ReplayRequest(), { $0.fields.sender == "huli" || $0.fields.recipients.contains("huli") }, as: huli)
        await #expect(throws: NodeError.self) {
            _ = try await huli.replay(ReplayRequest.with { $0.nodeID = "xm-dongdu" })
        }
        for node in [huli, dongdu, bureau] { await node.close() }
        await network.stopHub()
    }
}
