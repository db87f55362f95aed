import HubProtocol

/// The enterprise standing's rules (SPEC.md 6.6) written again, apart from the hub's code, for the
/// randomised lifecycle test: it predicts whether each message is accepted and what it changes.
struct StandingModel {
    struct Certificate: Equatable {
        var status: String  // valid, suspended, withdrawn
        var grade = "advanced_certified"
        var suspended = false
        var withdrawnBy: String?
    }
    struct Change {
        var id: String
        var from: String
        var to: String
        var lifted = false
        var pending: Set<String> = []
        var repairOpen = false
        var replaced: String?
        var objected = false
        var objectionDecided = false
    }
    struct Firm {
        var certificate: Certificate?
        var level: String?
        var levelBy: String?
        var bar: (until: CivilDate, ref: String)?
        var openCase: (id: String, review: Bool, audited: Bool)?
        var changes: [Change] = []
    }
    struct Incentive: Equatable {
        var uscc: String
        var granter: String
        var measure: UInt32
        /// active, must_stop or stopped
        var status = "active"
        /// What marked it to stop: "change:ID", "case:ID" or "suspension".
        var markedBy: String?
    }

    static let coordinator = "commerce-bureau"
    static let aeoLevels: Set<String> = ["advanced_certified", "certified"]
    static let aeoOnly: Set<UInt32> = [5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]

    let today: CivilDate
    var firms: [String: Firm] = [:]
    var incentives: [String: Incentive] = [:]
    /// For each accepted message that marked incentives to stop: the units holding them then.
    var holdersTold: [String: Set<String>] = [:]

    init(today: CivilDate) { self.today = today }

    func isAEO(_ uscc: String) -> Bool { firms[uscc]?.certificate?.status == "valid" }

    func latestChange(_ uscc: String) -> Change? { firms[uscc]?.changes.last }

    /// Marks the enterprise's active incentives must-stop for `ref`; answers their holders.
    mutating func mark(_ uscc: String, by ref: String) -> Set<String> {
        var holders = Set<String>()
        for (id, incentive) in incentives where incentive.uscc == uscc && incentive.status == "active" {
            incentives[id]?.status = "must_stop"
            incentives[id]?.markedBy = ref
            holders.insert(incentive.granter)
        }
        return holders
    }

    /// Whether the hub should accept `envelope` from `sender`; applies it when it should.
    mutating func apply(_ sender: String, _ envelope: Envelope) -> Bool {
        switch envelope.payload {
        case .caseOpened(let m): return openCase(m)
        case .auditProposed(let m): return firm(ofCase: m.caseID) != nil
        case .auditScheduled(let m): return firm(ofCase: m.caseID) != nil
        case .auditCompleted(let m):
            guard let uscc = firm(ofCase: m.caseID) else { return false }
            firms[uscc]?.openCase?.audited = true
            return true
        case .caseConcluded(let m): return conclude(m, messageID: envelope.messageID)
        case .incentiveGranted(let m): return grant(m, sender)
        case .incentiveStopped(let m):
            guard let incentive = incentives[m.incentiveID], incentive.granter == sender,
                incentive.status != "stopped"
            else { return false }
            incentives[m.incentiveID]?.status = "stopped"
            return true
        case .certificateSuspended(let m):
            guard firms[m.uscc]?.certificate?.status == "valid" else { return false }
            firms[m.uscc]?.certificate?.status = "suspended"
            firms[m.uscc]?.certificate?.suspended = true
            holdersTold[envelope.messageID] = mark(m.uscc, by: "suspension")
            return true
        case .suspensionLifted(let m):
            guard firms[m.uscc]?.certificate?.status == "suspended" else { return false }
            firms[m.uscc]?.certificate?.status = "valid"
            firms[m.uscc]?.certificate?.suspended = false
            return true
        case .creditChangePublished(let m): return publish(m, sender, messageID: envelope.messageID)
        case .creditChangeConfirmed(let m): return confirm(m.changeID, sender)
        case .creditChangeLifted(let m): return lift(m.changeID, to: m.restoredLevel)
        case .creditObjectionFiled(let m):
            guard let (uscc, index) = change(m.changeID), let change = firms[uscc]?.changes[index], !change.lifted,
                !change.objected, Self.rank(change.to) > Self.rank(change.from)
            else { return false }
            firms[uscc]?.changes[index].objected = true
            return true
        case .creditObjectionDecided(let m):
            guard let (uscc, index) = change(m.changeID), let change = firms[uscc]?.changes[index], !change.lifted,
                change.objected, !change.objectionDecided
            else { return false }
            guard lift(m.changeID, to: "") else { return false }
            firms[uscc]?.changes[index].objectionDecided = true
            return true
        case .creditRepairRequested(let m):
            guard let (uscc, index) = change(m.changeID), let change = firms[uscc]?.changes[index], !change.lifted,
                !change.repairOpen, Self.rank(change.to) > Self.rank(change.from)
            else { return false }
            firms[uscc]?.changes[index].repairOpen = true
            return true
        case .creditRepairDecided(let m): return repair(m.changeID)
        default: return false
        }
    }

    private func firm(ofCase id: String) -> String? {
        firms.first { $0.value.openCase?.id == id }?.key
    }

    private func change(_ id: String) -> (String, Int)? {
        for (uscc, firm) in firms {
            if let index = firm.changes.firstIndex(where: { $0.id == id }) { return (uscc, index) }
        }
        return nil
    }

    private mutating func openCase(_ m: CaseOpened) -> Bool {
        let uscc = m.enterprise.uscc
        var firm = firms[uscc] ?? Firm()
        let received = CivilDate(m.applicationReceived)!
        if let bar = firm.bar, received < bar.until { return false }
        guard firm.openCase == nil else { return false }
        let holding = firm.certificate.map { $0.status != "withdrawn" } ?? false
        let review = m.kind == .review
        guard review == holding else { return false }
        firm.openCase = (m.caseID, review, false)
        firms[uscc] = firm
        return true
    }

    private mutating func conclude(_ m: CaseConcluded, messageID: String) -> Bool {
        guard let uscc = firm(ofCase: m.caseID), let open = firms[uscc]?.openCase else { return false }
        switch m.result {
        case .certified:
            guard open.audited else { return false }
            if open.review, firms[uscc]?.certificate?.status == "withdrawn" { return false }
            if !open.review {
                firms[uscc]?.certificate = Certificate(status: "valid")
                firms[uscc]?.level = "advanced_certified"
                firms[uscc]?.levelBy = open.id
            }
        case .notCertified:
            let withdrawn = firms[uscc]?.certificate?.status == "withdrawn"
            if !(open.review && withdrawn) { firms[uscc]?.bar = (today.adding(years: 1), open.id) }
            if open.review, !withdrawn {
                firms[uscc]?.certificate?.status = "withdrawn"
                firms[uscc]?.certificate?.withdrawnBy = open.id
                firms[uscc]?.level = "regular"
                firms[uscc]?.levelBy = open.id
                holdersTold[messageID] = mark(uscc, by: "case:\(open.id)")
            }
        default:
            guard !open.review else { return false }
            // Only an application the enterprise withdrew bars it; a termination on another ground does not.
            if m.result == .applicationWithdrawn { firms[uscc]?.bar = (today.adding(years: 1), open.id) }
        }
        firms[uscc]?.openCase = nil
        return true
    }

    private func stopping(_ uscc: String) -> Bool {
        firms[uscc]?.changes.contains { !$0.lifted && Self.stops($0.from, $0.to) } ?? false
    }

    /// Order 282's levels, best first.
    static func rank(_ level: String) -> Int {
        ["advanced_certified", "certified", "regular", "dishonest", "seriously_dishonest"].firstIndex(of: level) ?? -1
    }

    static func stops(_ from: String, _ to: String) -> Bool {
        (aeoLevels.contains(from) && !aeoLevels.contains(to)) || to.hasSuffix("dishonest")
    }

    private mutating func grant(_ m: IncentiveGranted, _ sender: String) -> Bool {
        let uscc = m.enterprise.uscc
        if sender.hasPrefix("xm-"), ![8, 11, 15, 16, 17].contains(m.measure) { return false }
        if Self.aeoOnly.contains(m.measure), !isAEO(uscc) { return false }
        guard !stopping(uscc), incentives[m.incentiveID] == nil else { return false }
        incentives[m.incentiveID] = Incentive(uscc: uscc, granter: sender, measure: m.measure)
        return true
    }

    private mutating func publish(_ m: CreditChangePublished, _ sender: String, messageID: String) -> Bool {
        let uscc = m.enterprise.uscc
        var firm = firms[uscc] ?? Firm()
        if let level = firm.level, level != m.fromLevel { return false }
        if Self.aeoLevels.contains(m.toLevel) {
            // Only between AEO levels, and only for a certificate in force.
            guard Self.aeoLevels.contains(m.fromLevel), let certificate = firm.certificate,
                certificate.status != "withdrawn"
            else { return false }
            firm.certificate?.grade = m.toLevel
        }
        var change = Change(id: m.changeID, from: m.fromLevel, to: m.toLevel, replaced: firm.levelBy)
        firm.level = m.toLevel
        firm.levelBy = m.changeID
        if Self.aeoLevels.contains(m.fromLevel), !Self.aeoLevels.contains(m.toLevel) {
            if firm.certificate != nil, firm.certificate?.status != "withdrawn" {
                firm.certificate?.status = "withdrawn"
                firm.certificate?.withdrawnBy = m.changeID
            }
            firm.bar = (CivilDate(m.effectiveDate)!.adding(years: 1), m.changeID)
        }
        firms[uscc] = firm
        if m.stopJointIncentives {
            let holders = Set(incentives.values.filter { $0.uscc == uscc && $0.status == "active" }.map(\.granter))
            change.pending = holders.union([Self.coordinator]).subtracting([sender])
            holdersTold[messageID] = mark(uscc, by: "change:\(m.changeID)")
        }
        firms[uscc]?.changes.append(change)
        return true
    }

    private mutating func confirm(_ id: String, _ sender: String) -> Bool {
        guard let (uscc, index) = change(id), let change = firms[uscc]?.changes[index], !change.lifted,
            change.pending.contains(sender)
        else { return false }
        firms[uscc]?.changes[index].pending.remove(sender)
        for (key, incentive) in incentives
        where incentive.uscc == uscc && incentive.granter == sender && incentive.status != "stopped" {
            incentives[key]?.status = "stopped"
        }
        return true
    }

    private mutating func lift(_ id: String, to restored: String) -> Bool {
        guard let (uscc, index) = change(id), var firm = firms[uscc] else { return false }
        let change = firm.changes[index]
        guard !change.lifted, firm.changes.last(where: { !$0.lifted })?.id == id, firm.level == change.to else {
            return false
        }
        let level = restored.isEmpty ? change.from : restored
        let toAEO = Self.aeoLevels.contains(level)
        if toAEO {
            guard let certificate = firm.certificate,
                certificate.status != "withdrawn" || certificate.withdrawnBy == id
            else { return false }
        } else if let certificate = firm.certificate, certificate.status != "withdrawn" {
            return false  // a certificate in force goes with an AEO level
        }
        firm.changes[index].lifted = true
        firm.changes[index].pending = []
        firm.changes[index].repairOpen = false
        firm.level = level
        firm.levelBy = level == change.from ? change.replaced ?? id : id
        let stillWithdrawn = firm.certificate?.withdrawnBy == id && !toAEO
        if toAEO {
            if var certificate = firm.certificate, certificate.withdrawnBy == id {
                certificate.status = certificate.suspended ? "suspended" : "valid"
                certificate.withdrawnBy = nil
                firm.certificate = certificate
            }
            if firm.bar?.ref == id { firm.bar = nil }
            if firm.certificate?.status != "withdrawn" { firm.certificate?.grade = level }
        }
        firms[uscc] = firm
        guard !stillWithdrawn else { return true }
        for (key, incentive) in incentives where incentive.status == "must_stop" && incentive.markedBy == "change:\(id)"
        {
            incentives[key]?.status = "active"
            incentives[key]?.markedBy = nil
        }
        return true
    }

    private mutating func repair(_ id: String) -> Bool {
        guard let (uscc, index) = change(id), let change = firms[uscc]?.changes[index], !change.lifted,
            change.repairOpen
        else { return false }
        let betweenAEO = Self.aeoLevels.contains(change.to)
        // Repaired back to an AEO level only with a certificate in force.
        if betweenAEO, firms[uscc]?.certificate.map({ $0.status != "withdrawn" }) != true { return false }
        firms[uscc]?.changes[index].lifted = true
        firms[uscc]?.changes[index].pending = []
        firms[uscc]?.changes[index].repairOpen = false
        let level = Self.aeoLevels.contains(change.from) && !betweenAEO ? "regular" : change.from
        if firms[uscc]?.levelBy == id {
            firms[uscc]?.level = level
            if Self.aeoLevels.contains(level), firms[uscc]?.certificate?.status != "withdrawn" {
                firms[uscc]?.certificate?.grade = level
            }
        }
        return true
    }
}
