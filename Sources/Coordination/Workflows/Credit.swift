import HubProtocol

// Credit status changes (measure 20): published by customs from the enterprise's current level,
// confirmed by every incentive-granting unit when joint incentives stop, open to objection (reviewed
// within 20 days) and repair (decided within 20 days), lifted only by the publisher or the coordinator.
extension CoordinationState {
    /// Days within which an objection is reviewed and a repair decided.
    public static let creditAnswerDays = 20

    mutating func applyCredit(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .creditChangePublished(let m):
            guard creditChanges[m.changeID] == nil else {
                throw .workflow("credit change \(m.changeID) already exists", field: "\(p).change_id")
            }
            let uscc = m.enterprise.uscc
            if t.checking {
                try checkOrder(m, p)
                try checkPublication(m, p)
            }
            let effective = try date(m.effectiveDate, "\(p).effective_date")
            // Asked to confirm: the units holding an active incentive of the enterprise, and the coordinator.
            let holders = m.stopJointIncentives ? activeIncentives(of: uscc).map(\.granter) : []
            let asked =
                m.stopJointIncentives
                ? Set(holders + topology.ids(of: .coordinator)).subtracting([sender.id]) : []
            creditChanges[m.changeID] = CreditChangeRecord(
                id: m.changeID, uscc: uscc, enterpriseName: m.enterprise.name, publisher: sender.id,
                levelSet: m.levelSet, from: m.fromLevel, to: m.toLevel, severity: m.severity,
                effective: effective, pending: asked, confirmed: [], lifted: false,
                stopsIncentives: m.stopJointIncentives, publicityEnd: CivilDate(m.publicityEnd),
                confirmBy: asked.isEmpty ? nil : t.today.adding(workingDays: topology.confirmationWorkingDays),
                replaced: standings[uscc]?.levels[m.levelSet]?.changeID)
            changesOf[uscc, default: []].append(m.changeID)
            try withStanding(uscc, name: m.enterprise.name) { standing throws(Refusal) in
                standing.levels[m.levelSet] = CurrentLevel(level: m.toLevel, changeID: m.changeID)
                let set = m.levelSet
                if set.level(m.fromLevel)?.isAEO == true, set.level(m.toLevel)?.isAEO == false {
                    if var certificate = standing.certificate, certificate.status != .withdrawn {
                        certificate.status = .withdrawn
                        certificate.withdrawnOn = effective
                        certificate.withdrawnBy = m.changeID
                        standing.certificate = certificate
                    }
                    standing.bar = Bar(until: effective.adding(years: 1), reason: .downgraded, ref: m.changeID)
                } else if set.level(m.toLevel)?.isAEO == true, standing.certificate?.levelSet == set {
                    standing.certificate?.grade = m.toLevel
                }
            }
            if m.stopJointIncentives { _ = markMustStop(uscc, StopCause(kind: .creditChange, ref: m.changeID)) }
            let everyone = Set(topology.units.keys).subtracting([sender.id])
            return route(Array(everyone), sender: sender, uscc: uscc)
        case .creditChangeConfirmed(let m):
            var change = try change(m.changeID, p)
            guard !change.lifted else { throw .workflow("credit change \(m.changeID) was lifted; nothing to confirm") }
            // Folding trusts the log: a 1.1 hub asked every unit, so a record may confirm for one
            // that 1.2 would not ask.
            guard change.pending.contains(sender.id) || (!t.checking && !change.confirmed.contains(sender.id)) else {
                throw .workflow(
                    change.confirmed.contains(sender.id)
                        ? "\(sender.id) already confirmed credit change \(m.changeID)"
                        : "credit change \(m.changeID) asks no confirmation of \(sender.id)")
            }
            change.pending.remove(sender.id)
            change.confirmed.append(sender.id)
            creditChanges[m.changeID] = change
            stopIncentives(of: change.uscc, grantedBy: sender.id, change: m.changeID, at: t.now)
            return route([change.publisher], sender: sender, uscc: change.uscc)
        case .creditChangeLifted(let m):
            let change = try liftable(m.changeID, t)
            if t.checking { try requireLatest(change, t.p) }
            let level = try restoredLevel(change, m.restoredLevel, t)
            if t.checking { try checkRestored(change, level, t) }
            lift(change, to: level, undoing: true)
            return route(Array(topology.units.keys), sender: sender, uscc: change.uscc)
        case .creditObjectionFiled(let m):
            var change = try liftable(m.changeID, t, decider: false)
            try requireDowngrade(change, t)
            if let objection = change.objection {
                throw .workflow(
                    "an objection to \(m.changeID) was filed on \(objection.filedOn); one objection per change")
            }
            change.objection = CreditMatter(filedOn: t.today, due: t.today.adding(days: Self.creditAnswerDays))
            creditChanges[m.changeID] = change
            return route([change.publisher], sender: sender, uscc: change.uscc)
        case .creditObjectionDecided(let m):
            var change = try liftable(m.changeID, t)
            guard var objection = change.objection, objection.outcome == nil else {
                throw .workflow("credit change \(m.changeID) has no objection waiting for a decision")
            }
            if t.checking, m.decision == .changeWithdrawn { try requireLatest(change, t.p) }
            objection.outcome = m.decision == .changeWithdrawn ? "change_withdrawn" : "change_stands"
            change.objection = objection
            creditChanges[m.changeID] = change
            if m.decision == .changeWithdrawn { lift(change, to: change.from, undoing: true) }
            return route(Array(topology.units.keys), sender: sender, uscc: change.uscc)
        case .creditRepairRequested(let m):
            var change = try liftable(m.changeID, t, decider: false)
            try requireDowngrade(change, t)
            if let repair = change.repair, repair.outcome == nil {
                throw .workflow("a repair of \(m.changeID) was requested on \(repair.filedOn) and is due \(repair.due)")
            }
            change.repair = CreditMatter(filedOn: t.today, due: t.today.adding(days: Self.creditAnswerDays))
            creditChanges[m.changeID] = change
            return route([change.publisher], sender: sender, uscc: change.uscc)
        case .creditRepairDecided(let m):
            var change = try liftable(m.changeID, t)
            guard var repair = change.repair, repair.outcome == nil else {
                throw .workflow("credit change \(m.changeID) has no repair request waiting for a decision")
            }
            // Every check before the first change to the state: a refusal leaves it untouched.
            let level = m.granted ? try repairedLevel(change, m.restoredLevel, t) : change.from
            repair.outcome = m.granted ? "granted" : "refused"
            change.repair = repair
            creditChanges[m.changeID] = change
            if m.granted { lift(change, to: level, undoing: false) }
            return route(Array(topology.units.keys), sender: sender, uscc: change.uscc)
        default:
            return try applyBreach(payload, t)
        }
    }

    /// The rules a new publication meets against the standing (SPEC.md 6.4): `from_level` is the
    /// current level, and only a certification makes an enterprise AEO.
    private func checkPublication(_ m: CreditChangePublished, _ p: String) throws(Refusal) {
        let uscc = m.enterprise.uscc
        let standing = standings[uscc]
        if let current = standing?.levels[m.levelSet], current.level != m.fromLevel {
            throw .workflow(
                "\(uscc)'s current level under \(m.levelSet.title) is \(levelName(m.levelSet, current.level)) "
                    + "(set by \(current.changeID)); a change starts from it, not from "
                    + levelName(m.levelSet, m.fromLevel), field: "\(p).from_level")
        }
        guard let to = m.levelSet.level(m.toLevel), to.isAEO else { return }
        if m.levelSet.level(m.fromLevel)?.isAEO != true {
            throw .workflow(
                "a credit change cannot make \(uscc) \(to.name): AEO status comes only from a certification case "
                    + "concluded CERTIFIED; open a case (aeohub audit open-case)", field: "\(p).to_level")
        }
        guard let certificate = standing?.certificate, certificate.status != .withdrawn else {
            throw .workflow(
                "\(uscc) holds no AEO certificate on this hub, so it cannot be moved to \(to.name); "
                    + "AEO status comes from a certification case", field: "\(p).to_level")
        }
    }

    /// A change that touches an AEO level speaks the order of the enterprise's certificate.
    private func checkOrder(_ m: CreditChangePublished, _ p: String) throws(Refusal) {
        let set = m.levelSet
        guard let certificate = standings[m.enterprise.uscc]?.certificate, certificate.status != .withdrawn,
            certificate.levelSet != set, set.level(m.fromLevel)?.isAEO == true || set.level(m.toLevel)?.isAEO == true
        else { return }
        throw Refusal(
            .invalidField,
            "\(m.enterprise.uscc)'s certificate was granted under \(certificate.levelSet.title); publish the change "
                + "under that order", field: "\(p).level_set")
    }

    func levelName(_ set: LevelSet, _ id: String) -> String { set.level(id).map { "\($0.name) (\(id))" } ?? id }

    private func change(_ id: String, _ p: String) throws(Refusal) -> CreditChangeRecord {
        guard let change = creditChanges[id] else {
            throw .workflow("there is no credit change \(id)", field: "\(p).change_id")
        }
        return change
    }

    /// A change not lifted; `decider`: the sender must be its publisher or the coordinator.
    private func liftable(_ id: String, _ t: Transition, decider: Bool = true) throws(Refusal) -> CreditChangeRecord {
        let change = try change(id, t.p)
        guard !change.lifted else { throw .workflow("credit change \(id) was already lifted") }
        if t.checking, decider, t.sender.id != change.publisher, t.sender.role != .coordinator {
            throw .notAuthorised(
                "\(change.publisher) published credit change \(id); only it (or the coordinator) decides on it")
        }
        return change
    }

    /// The level a lift restores: `restored`, or the change's `from` level when empty.
    private func restoredLevel(
        _ change: CreditChangeRecord, _ restored: String, _ t: Transition
    ) throws(Refusal) -> String {
        let level = restored.isEmpty ? change.from : restored
        if t.checking, change.levelSet.level(level) == nil {
            let known = change.levelSet.levels.map(\.id).joined(separator: ", ")
            throw Refusal(
                .invalidField, "'\(restored)' is not a level of \(change.levelSet.title); use one of \(known)",
                field: "\(t.p).restored_level")
        }
        return level
    }

    /// Undoing a change (a lift, an objection upheld) restores what it replaced: only the latest change
    /// in force of its enterprise and level set can be undone, or the level would skip the later one.
    private func requireLatest(_ change: CreditChangeRecord, _ p: String) throws(Refusal) {
        let later = changesOf[change.uscc]?.reversed().lazy.compactMap { self.creditChanges[$0] }
            .first { $0.levelSet == change.levelSet && !$0.lifted }
        if let later, later.id != change.id {
            throw .workflow(
                "credit change \(later.id) of \(change.uscc) came after \(change.id) and is in force; "
                    + "lift or decide it first", field: "\(p).change_id")
        }
        if let current = standings[change.uscc]?.levels[change.levelSet], current.level != change.to {
            throw .workflow(
                "\(change.uscc) is now \(levelName(change.levelSet, current.level)) (set by \(current.changeID)), "
                    + "not the \(levelName(change.levelSet, change.to)) change \(change.id) set; it cannot be undone",
                field: "\(p).change_id")
        }
    }

    /// A level restored goes with the certificate: an AEO level only with a certificate in force (or the
    /// one this change withdrew), and no other level while a certificate of the set is in force.
    private func checkRestored(_ change: CreditChangeRecord, _ level: String, _ t: Transition) throws(Refusal) {
        let set = change.levelSet
        let certificate = standings[change.uscc]?.certificate
        if set.level(level)?.isAEO == true {
            guard let certificate, certificate.status != .withdrawn || certificate.withdrawnBy == change.id else {
                throw Refusal(
                    .invalidField,
                    "\(change.uscc) holds no AEO certificate that this change withdrew; it cannot be restored to "
                        + "\(levelName(set, level))", field: "\(t.p).restored_level")
            }
        } else if let certificate, certificate.levelSet == set, certificate.status != .withdrawn {
            throw Refusal(
                .invalidField,
                "\(change.uscc) holds a certificate in force (\(levelName(set, certificate.grade))): restore an AEO "
                    + "level, or publish a downgrade to take it out of AEO", field: "\(t.p).restored_level")
        }
    }

    /// Objections and repairs answer a downgrade; an upgrade has nothing to contest.
    private func requireDowngrade(_ change: CreditChangeRecord, _ t: Transition) throws(Refusal) {
        if t.checking, !change.levelSet.isDowngrade(from: change.from, to: change.to) {
            throw .workflow(
                "credit change \(change.id) raised \(change.uscc) to \(levelName(change.levelSet, change.to)); "
                    + "only a downgrade is contested or repaired", field: "\(t.p).change_id")
        }
    }

    /// The level a granted repair restores: at most the best level that is not AEO (常规企业 or 其他企业):
    /// AEO status needs a new application once the bar ends.
    private func repairedLevel(
        _ change: CreditChangeRecord, _ restored: String, _ t: Transition
    ) throws(Refusal) -> String {
        let set = change.levelSet
        // A change between AEO levels leaves the certificate: its repair restores as a lift does.
        guard let ceiling = set.bestNonAEO, set.level(change.to)?.isAEO == false else {
            let level = try restoredLevel(change, restored, t)
            if t.checking { try checkRestored(change, level, t) }
            return level
        }
        let asked = restored.isEmpty ? change.from : restored
        guard set.level(asked)?.isAEO == true else { return try restoredLevel(change, restored, t) }
        if t.checking, !restored.isEmpty {
            let bar = standings[change.uscc]?.bar(on: t.today).map { " (\($0.sentence))" } ?? ""
            throw Refusal(
                .invalidField,
                "a repair restores at most \(ceiling.name) (\(ceiling.id)); \(set.level(asked)?.name ?? asked) needs "
                    + "a new certification\(bar)", field: "\(t.p).restored_level")
        }
        return ceiling.id
    }

    /// Lifts `change` and restores `level`; an objection or repair still undecided is closed with it.
    /// `undoing` (a lift, an objection upheld): the change was wrong, so the certificate and bar it
    /// brought go and its incentives are active again. A repair keeps them: AEO status needs a new
    /// certification, and a stopped incentive a new grant.
    private mutating func lift(_ change: CreditChangeRecord, to level: String, undoing: Bool) {
        var change = change
        change.lifted = true
        change.pending = []
        if change.objection?.outcome == nil { change.objection?.outcome = "lifted" }
        if change.repair?.outcome == nil { change.repair?.outcome = "lifted" }
        creditChanges[change.id] = change
        guard var standing = standings[change.uscc] else { return }
        let set = change.levelSet
        let current = standing.levels[set]
        let setsLevel = current?.changeID == change.id || (undoing && current?.level == change.to)
        if setsLevel {
            // Undone to the level it replaced, the level is again that record's; otherwise this change's.
            let setter = undoing && level == change.from ? change.replaced ?? change.id : change.id
            standing.levels[set] = CurrentLevel(level: level, changeID: setter)
        }
        // Undone to an AEO level, the certificate and the bar the change brought go with it; undone to
        // a level that is not AEO, the enterprise stays out of AEO, and so do its incentives' marks.
        let restoresAEO = set.level(level)?.isAEO == true
        let stillWithdrawn = standing.certificate?.withdrawnBy == change.id && !restoresAEO
        if undoing, restoresAEO {
            if let certificate = standing.certificate, certificate.withdrawnBy == change.id {
                standing.certificate?.status = certificate.suspendedOn == nil ? .valid : .suspended
                standing.certificate?.withdrawnOn = nil
                standing.certificate?.withdrawnBy = nil
            }
            if standing.bar?.ref == change.id { standing.bar = nil }
        }
        // A certificate in force carries the AEO level it is restored to (a change between AEO levels).
        if setsLevel, restoresAEO, standing.certificate?.levelSet == set, standing.certificate?.status != .withdrawn {
            standing.certificate?.grade = level
        }
        standings[change.uscc] = standing
        if undoing, !stillWithdrawn { clearMustStop(change.uscc, ref: change.id) }
    }

    /// The change that stops joint incentives to `uscc` now, if any: the latest one not lifted.
    public func incentiveStop(for uscc: String) -> CreditChangeRecord? {
        changesOf[uscc]?.reversed().lazy.compactMap { creditChanges[$0] }.first { $0.stopsIncentives && !$0.lifted }
    }
}

/// An enterprise's level in one level set, and the change that set it.
public struct CurrentLevel: Sendable, Hashable {
    public var level: String
    public var changeID: String
}

/// An objection or a repair request: filed, due, and decided.
public struct CreditMatter: Sendable, Hashable {
    public var filedOn: CivilDate
    public var due: CivilDate
    /// `change_stands` / `change_withdrawn` for an objection, `granted` / `refused` for a repair.
    public var outcome: String?

    public func isOverdue(on date: CivilDate) -> Bool { outcome == nil && due < date }
}
