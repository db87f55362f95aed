import Coordination
import Foundation
import HubNode
import HubProtocol
import ProtocolFuzzing
import Testing

/// Each enterprise's standing through hundreds of lifecycles (apply, audit, certify, grant,
/// suspend, lift, downgrade, confirm, lift a change, repair, review, re-apply), sent by real nodes
/// to a real hub, each answer checked against ``StandingModel`` (the rules written apart from the
/// hub's), then the invariants: no active AEO incentive on a standing that is not AEO; every
/// must-stop reaches its holders; bars end a year to the day; the standing folded again from the
/// log equals the live one. `AEOHUB_STANDING_SEEDS=20 AEOHUB_STANDING_STEPS=4000` is a longer run.
@Suite("Each enterprise's standing through hundreds of lifecycles", .serialized)
struct StandingLifecycleTests {
    typealias T = WorkflowTransitionTests
    static let environment = ProcessInfo.processInfo.environment
    static let seeds = Array(1...UInt64(environment["AEOHUB_STANDING_SEEDS"].flatMap(UInt64.init) ?? 3))
    static let steps = environment["AEOHUB_STANDING_STEPS"].flatMap(Int.init) ?? 1500

    @Test(
        "a random year of lifecycles: every answer as the model says, and the standing's invariants", arguments: seeds)
    func lifecycles(seed: UInt64) async throws {
        let n = try await T.Nodes()
        var model = StandingModel(today: T.today)
        // Enough enterprises that a long run does not bar them all: about one per 30 messages.
        let driver = LifecycleDriver(seed: seed, today: T.today, enterprises: max(48, Self.steps / 30))
        var sent = 0
        var accepted = 0
        var mismatches = 0
        while sent < Self.steps {
            for (sender, envelope) in driver.next(model) {
                sent += 1
                let expected = model.apply(sender, envelope)
                var answer = "accepted"
                do {
                    _ = try await n.nodes[sender]!.submit(envelope, deadline: .seconds(20))
                    accepted += 1
                } catch NodeError.rejected(let code, let reason, _) {
                    answer = "\(code): \(reason)"
                }
                if (answer == "accepted") != expected {
                    mismatches += 1
                    let what = "seed \(seed), step \(sent): \(sender) \(envelope.messageType!.rawValue) was \(answer)"
                    Issue.record("\(what); the model expected \(expected ? "acceptance" : "a refusal")")
                }
                if mismatches > 5 { break }
            }
            if mismatches > 5 { break }
        }
        #expect(accepted > sent / 3, "seed \(seed): only \(accepted) of \(sent) were accepted")
        #expect(driver.lifecycles >= 40, "seed \(seed): only \(driver.lifecycles) lifecycles began")
        try checkInvariants(n, model, seed: seed)
        await n.close()
    }

    func checkInvariants(_ n: T.Nodes, _ model: StandingModel, seed: UInt64) throws {
        let truth = try n.network.truth()
        for (uscc, firm) in model.firms {
            let standing = truth.standings[uscc]
            #expect(standing?.certificate?.status.rawValue == firm.certificate?.status, "seed \(seed) \(uscc)")
            #expect(standing?.levels[.order282]?.level == firm.level, "seed \(seed) \(uscc) level")
            #expect(standing?.bar?.until == firm.bar?.until, "seed \(seed) \(uscc) bar")
            #expect(standing?.certificate?.grade == firm.certificate?.grade, "seed \(seed) \(uscc) grade")
            if let bar = standing?.bar { #expect(bar.until == T.today.adding(years: 1), "a bar ends a year on") }
        }
        // A certificate that is not withdrawn goes with an AEO level under its order.
        for standing in truth.standings.values {
            guard let certificate = standing.certificate, certificate.status != .withdrawn else { continue }
            let level = standing.levels[certificate.levelSet]?.level ?? ""
            #expect(certificate.levelSet.level(level)?.isAEO == true, "seed \(seed) \(standing.uscc): \(level)")
        }
        for (id, incentive) in model.incentives {
            #expect(truth.incentives[id]?.status == incentive.status, "seed \(seed) incentive \(id)")
        }
        // No active incentive of an AEO-only measure on a standing that is not AEO.
        for incentive in truth.incentives.values
        where incentive.status == "active" && StandingModel.aeoOnly.contains(incentive.measure) {
            #expect(truth.standings[incentive.uscc]?.isAEO == true, "seed \(seed): \(incentive.id) active")
        }
        // Every message that marked incentives to stop reached every unit holding one.
        let records = try ViewConsistencyTests.records(n.network)
        let byID = Dictionary(records.map { ($0.messageID, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(!model.holdersTold.isEmpty, "seed \(seed): nothing was marked to stop")
        for (messageID, holders) in model.holdersTold {
            let record = try #require(byID[messageID])
            let reached = Set(record.deliveredTo + [record.sender])
            #expect(holders.isSubset(of: reached), "seed \(seed) \(messageID): \(holders) not all in \(reached)")
        }
        // The standing folded again from the log equals the live one.
        var folded = CoordinationState(topology: n.network.topology)
        for record in records { folded.fold(record) }
        #expect(folded.standings == truth.standings, "seed \(seed): the fold differs")
        #expect(folded.incentives == truth.incentives, "seed \(seed): the incentives' fold differs")
        // And a snapshot of it restores every field of every standing, change and incentive.
        let bytes: [UInt8] = try truth.storedFold.serializedBytes()
        let restored = try CoordinationState(
            topology: truth.topology, restoring: try StoredState(serializedBytes: bytes))
        #expect(restored == truth, "seed \(seed): the snapshot does not restore the state")
    }
}

/// Chooses each next step for one of many enterprises from what the model knows of it.
final class LifecycleDriver {
    var random: SplitMix64
    let today: CivilDate
    let usccs: [String]
    var counter = 0
    /// Certification cases opened: each begins a lifecycle.
    var lifecycles = 0

    init(seed: UInt64, today: CivilDate, enterprises: Int) {
        random = SplitMix64(seed: seed)
        self.today = today
        usccs = (0..<enterprises).map { LifecycleDriver.uscc(seed: seed, index: $0) }
    }

    /// A valid USCC of Huli (350206), distinct per seed and index.
    static func uscc(seed: UInt64, index: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let body = Array(String(format: "91350206MA%02d%05d", Int(seed % 100), index))
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(body, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return String(body) + String(alphabet[(31 - sum % 31) % 31])
    }

    func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    func pick<Item>(_ items: [Item]) -> Item? {
        items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))]
    }
    func id(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    /// The next messages for one enterprise, chosen from its state in `model`.
    func next(_ model: StandingModel) -> [(String, Envelope)] {
        let uscc = pick(usccs)!
        let firm = model.firms[uscc] ?? StandingModel.Firm()
        let firmName = Enterprise.with {
            $0.uscc = uscc
            $0.name = "Firm \(uscc.suffix(5))"
        }
        // Mostly a case runs its course; now and then something else happens to the enterprise meanwhile.
        if let open = firm.openCase, chance(75) {
            return open.audited && chance(70) ? [conclude(open.id, review: open.review)] : audit(open.id, uscc)
        }
        let holding = firm.certificate.map { $0.status != "withdrawn" } ?? false
        switch random.next() % 10 {
        case 0, 1:
            if !holding, firm.openCase == nil { lifecycles += 1 }
            return [open(firmName, review: holding && chance(60))]
        case 2, 3:
            return [grant(firmName, model)]
        case 4:
            let suspend = firm.certificate?.status == "suspended" ? chance(20) : chance(70)
            return [suspension(uscc, lift: !suspend)]
        case 5:
            return publish(firmName, firm)
        case 6:
            guard let change = pick(firm.changes) ?? firm.changes.last else { return [grant(firmName, model)] }
            return lift(change.id)
        case 7:
            guard let change = firm.changes.last else { return [open(firmName, review: false)] }
            return repair(change.id)
        case 8:
            guard let change = firm.changes.last else { return [grant(firmName, model)] }
            let unit = pick(Array(change.pending) + ["siming", "finance-bureau"])!
            return [
                (unit, envelope { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = change.id } })
            ]
        default:
            let held = model.incentives.filter { $0.value.uscc == uscc }.sorted { $0.key < $1.key }
            guard let (incentive, record) = pick(held).map({ ($0.key, $0.value) }) else {
                return [grant(firmName, model)]
            }
            return [
                (
                    record.granter,
                    envelope {
                        $0.incentiveStopped = IncentiveStopped.with {
                            $0.incentiveID = incentive
                            $0.reason = "Stopped."
                        }
                    }
                )
            ]
        }
    }
}
