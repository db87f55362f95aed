import Coordination
import EventLog
import Foundation
import HubNode
import HubProtocol
import Testing

/// Promise 10: what a unit is shown equals the state folded from the whole log, filtered by what
/// that unit may see. A seeded random scenario of every workflow through the real hub (hand-overs,
/// joint audits, confirmations, a unit offline and back), then every view of every unit over the
/// wire. `AEOHUB_VIEW_SEEDS=200 AEOHUB_VIEW_STEPS=600 swift test --filter ViewConsistencyTests` is
/// the longer run.
@Suite("Every unit's views equal the one state filtered by its permissions", .serialized)
struct ViewConsistencyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds: [UInt64] = Array(1...UInt64(environment["AEOHUB_VIEW_SEEDS"].flatMap(UInt64.init) ?? 3))
    static let steps = environment["AEOHUB_VIEW_STEPS"].flatMap(Int.init) ?? 400
    static let kinds: [ViewKind] = [
        .requests, .cultivation, .cases, .audits, .meetings, .actions, .creditChanges, .reports, .certificates,
        .incentives, .activities, .plans, .enterprises, .breaches, .services, .windows, .priorityMatters,
    ]
    static let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))

    @Test("a random scenario: every unit's every view, page by page, equals the truth it may see", arguments: seeds)
    func views(seed: UInt64) async throws {
        let network = try TestNetwork()
        try network.startHub()
        var nodes: [String: HubNode] = [:]
        for unit in TestNetwork.units { nodes[unit.id] = try await network.node(unit.id, state: false) }
        var scenario = ViewScenario(seed: seed, topology: network.topology, today: Self.today)
        let away = "haicang"
        var accepted = 0
        for step in 0..<Self.steps {
            if step == Self.steps / 3 {
                await nodes[away]?.close()
                scenario.offline = [away]
            }
            if step == 2 * Self.steps / 3 {
                nodes[away] = try await network.node(away, state: false)
                scenario.offline = []
            }
            guard let (sender, envelope) = scenario.next(), !scenario.offline.contains(sender) else { continue }
            do {
                let answer = try await nodes[sender]!.submit(envelope, deadline: .seconds(20))
                accepted += 1
                scenario.accepted(envelope, from: sender)
                if case .requestFiled(let filed) = envelope.payload {
                    // A unit's next view includes what it has just had accepted.
                    let ledger = try await nodes[sender]!.view(.of(.requests))
                    #expect(ledger.asOfSequence >= answer.sequence)
                    #expect(ledger.requests.contains { $0.requestID == filed.requestID })
                }
            } catch NodeError.rejected {
                continue
            }
        }
        #expect(accepted >= Self.steps / 3, "seed \(seed): only \(accepted) of \(Self.steps) steps were accepted")

        let truth = try network.truth()
        let records = try Self.records(network)
        var shown: [String: View] = [:]
        for unit in TestNetwork.units.map(\.id) {
            for kind in Self.kinds {
                // Small pages, so that every view is read over several.
                let view = try await nodes[unit]!.view(
                    ViewRequest.with {
                        $0.kind = kind
                        $0.pageSize = 7
                    })
                let all = ViewRequest.with {
                    $0.kind = kind
                    $0.pageSize = UInt32(CoordinationState.maxPageSize)
                }
                let expected = truth.view(
                    all, for: unit, on: CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
                #expect(expected.nextKey.isEmpty)
                #expect(
                    Self.rows(view) == Self.rows(expected),
                    "seed \(seed): \(unit)'s \(kind) view differs from the truth")
                #expect(view.total == expected.total)
                shown["\(unit) \(kind)"] = view
            }
        }
        try Self.checkPermissions(shown, truth: truth, records: records, seed: seed)

        // Every record was read once by the projection, however many views were answered.
        let head = records.last?.sequence ?? 0
        #expect(network.hub?.counters.snapshot["projection_records_read"] == Int(head))
        for node in nodes.values { await node.close() }
        await network.stopHub()
    }

    /// The permissions themselves, against the log's routing: a unit sees an entity if and only if
    /// it sent or was routed a record about it (the coordinator sees everything), and what it sees
    /// of an entity is what the coordinator sees of it.
    static func checkPermissions(
        _ shown: [String: View], truth: CoordinationState, records: [Envelope], seed: UInt64
    ) throws {
        var touched: [String: Set<String>] = [:]  // unit -> entity keys
        for record in records {
            for key in entityKeys(record) {
                for unit in record.deliveredTo + [record.sender] { touched[unit, default: []].insert(key) }
            }
        }
        let coordinator = "commerce-bureau"
        let everything = entities(of: shown, coordinator)
        let workflows = truth.requests.count + truth.cultivation.count + truth.cases.count + truth.audits.count
        let registers =
            truth.meetings.count + truth.actions.count + truth.incentives.count + truth.activities.count
            + truth.plans.count + truth.breaches.count + truth.services.count
        #expect(everything.count == workflows + registers)
        for unit in TestNetwork.units.map(\.id) where unit != coordinator {
            let sees = entities(of: shown, unit)
            let mayTouch = touched[unit] ?? []
            #expect(
                sees == mayTouch,
                "seed \(seed): \(unit) sees \(sees.subtracting(mayTouch)), misses \(mayTouch.subtracting(sees))")
            for kind in kinds where kind != .creditChanges && kind != .reports {
                let mine = rows(shown["\(unit) \(kind)"]!)
                let full = rows(shown["\(coordinator) \(kind)"]!)
                #expect(
                    mine.allSatisfy(full.contains), "seed \(seed): \(unit)'s \(kind) rows differ from the coordinator's"
                )
            }
            for change in shown["\(unit) creditChanges"]!.creditChanges {
                let record = try #require(truth.creditChanges[change.changeID])
                #expect(change.youOweConfirmation == record.pending.contains(unit))
                #expect(change.confirmedCount == UInt32(record.confirmed.count))
                #expect(change.pending.isEmpty || record.publisher == unit)
            }
            #expect(shown["\(unit) creditChanges"]!.creditChanges.count == truth.creditChanges.count)
            #expect(shown["\(unit) reports"]!.reports.allSatisfy { $0.unit == unit })
        }
    }

    /// Keys of the entities a record is about, derived from its payload alone.
    static func entityKeys(_ envelope: Envelope) -> [String] {
        switch envelope.payload {
        case .requestFiled(let m): ["request:\(m.requestID)"]
        case .requestAcknowledged(let m): ["request:\(m.requestID)"]
        case .requestProgress(let m): ["request:\(m.requestID)"]
        case .requestResolved(let m): ["request:\(m.requestID)"]
        case .requestDeclined(let m): ["request:\(m.requestID)"]
        case .requestWithdrawn(let m): ["request:\(m.requestID)"]
        case .cultivationRecommended(let m): ["cultivation:\(m.enterprise.uscc)"]
        case .cultivationListed(let m): ["cultivation:\(m.uscc)"]
        case .cultivationDeclined(let m): ["cultivation:\(m.uscc)"]
        case .cultivationRemoved(let m): ["cultivation:\(m.uscc)"]
        case .caseOpened(let m): ["case:\(m.caseID)"]
        case .caseExtended(let m): ["case:\(m.caseID)"]
        case .caseConcluded(let m): ["case:\(m.caseID)"]
        case .auditProposed(let m): ["audit:\(m.auditID)", "case:\(m.caseID)"]
        case .auditResponded(let m): ["audit:\(m.auditID)", "case:\(m.caseID)"]
        case .auditScheduled(let m): ["audit:\(m.auditID)", "case:\(m.caseID)"]
        case .auditCompleted(let m): ["audit:\(m.auditID)", "case:\(m.caseID)"]
        case .auditCancelled(let m): ["audit:\(m.auditID)", "case:\(m.caseID)"]
        case .meetingConvened(let m): ["meeting:\(m.meetingID)"]
        case .agendaItemProposed(let m): ["meeting:\(m.meetingID)"]
        case .meetingRsvp(let m): ["meeting:\(m.meetingID)"]
        case .minutesEntry(let m): ["meeting:\(m.meetingID)"]
        case .decisionRecorded(let m): ["meeting:\(m.meetingID)"]
        case .meetingClosed(let m): ["meeting:\(m.meetingID)"]
        case .actionItemAssigned(let m): ["action:\(m.actionID)"]
        case .actionItemProgress(let m): ["action:\(m.actionID)"]
        case .incentiveGranted(let m): ["incentive:\(m.incentiveID)"]
        case .incentiveStopped(let m): ["incentive:\(m.incentiveID)"]
        case .activityRecorded(let m): ["activity:\(m.activityID)"]
        case .planRecorded(let m): ["plan:\(m.planID)"]
        case .planMilestoneReached(let m): ["plan:\(m.planID)"]
        case .breachReported(let m): ["breach:\(m.reportID)"]
        case .breachDecided(let m): ["breach:\(m.reportID)"]
        case .refundProcessed(let m): ["service:\(m.recordID)"]
        case .toleranceAccepted(let m): ["service:\(m.recordID)"]
        case .toleranceFulfilled(let m): ["service:\(m.recordID)"]
        case .fxBatchDeclared(let m): ["service:\(m.recordID)"]
        default: []
        }
    }

    /// The entity keys in a unit's views.
    static func entities(of shown: [String: View], _ unit: String) -> Set<String> {
        var keys = Set<String>()
        for row in shown["\(unit) requests"]!.requests { keys.insert("request:\(row.requestID)") }
        for row in shown["\(unit) cultivation"]!.cultivation { keys.insert("cultivation:\(row.enterprise.uscc)") }
        for row in shown["\(unit) cases"]!.cases { keys.insert("case:\(row.caseID)") }
        for row in shown["\(unit) audits"]!.audits { keys.insert("audit:\(row.auditID)") }
        for row in shown["\(unit) meetings"]!.meetings { keys.insert("meeting:\(row.meetingID)") }
        for row in shown["\(unit) actions"]!.actions { keys.insert("action:\(row.actionID)") }
        for row in shown["\(unit) incentives"]!.incentives { keys.insert("incentive:\(row.incentiveID)") }
        for row in shown["\(unit) activities"]!.activities { keys.insert("activity:\(row.activityID)") }
        for row in shown["\(unit) plans"]!.plans { keys.insert("plan:\(row.planID)") }
        for row in shown["\(unit) breaches"]!.breaches { keys.insert("breach:\(row.reportID)") }
        for row in shown["\(unit) services"]!.services { keys.insert("service:\(row.recordID)") }
        return keys
    }

    /// A view's rows, whatever their kind, as comparable values.
    static func rows(_ view: View) -> [AnyHashable] {
        view.requests.map(AnyHashable.init) + view.cultivation.map(AnyHashable.init) + view.cases.map(AnyHashable.init)
            + view.audits.map(AnyHashable.init) + view.meetings.map(AnyHashable.init)
            + view.actions.map(AnyHashable.init)
            + view.creditChanges.map(AnyHashable.init) + view.reports.map(AnyHashable.init)
            + view.certificates.map(AnyHashable.init) + view.incentives.map(AnyHashable.init)
            + view.activities.map(AnyHashable.init) + view.plans.map(AnyHashable.init)
            + view.enterprises.map(AnyHashable.init) + view.breaches.map(AnyHashable.init)
            + view.services.map(AnyHashable.init) + view.windows.map(AnyHashable.init)
            + view.priorityMatters.map(AnyHashable.init)
    }

    static func records(_ network: TestNetwork) throws -> [Envelope] {
        let store = try network.store()
        var envelopes: [Envelope] = []
        var after: UInt64 = 0
        while true {
            let chunk = try store.records(matching: RecordFilter(), after: after, limit: 5000)
            guard let last = chunk.last else { return envelopes }
            envelopes += try chunk.map { try Envelope(serializedBytes: $0.envelope) }
            after = last.sequence
        }
    }
}
