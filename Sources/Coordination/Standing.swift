import HubProtocol

/// One enterprise's AEO standing: the certificate it holds and under which order, its validity, its
/// credit level per level set, the one-year bar, its open case, the incentives it holds and the
/// people on both sides. Every workflow reads and changes an enterprise's status here (SPEC.md 6.6);
/// no other record keeps a copy.
public struct EnterpriseStanding: Sendable, Hashable {
    public var uscc: String
    public var name: String
    /// The certificate, once the enterprise was certified (kept, withdrawn, after a withdrawal).
    public var certificate: CertificateRecord?
    /// The current level in each level set, and the change or case that set it.
    public var levels: [LevelSet: CurrentLevel] = [:]
    /// No new application before `bar.until`.
    public var bar: Bar?
    public var openCase: String?
    /// Its cultivation plans with a milestone not reached, in the order recorded.
    public var openPlans: [String] = []
    /// The ids of the incentives granted to it, in the order granted.
    public var incentives: [String] = []
    /// The enterprise's own contact for customs affairs (关务负责人), from its latest audit proposal.
    public var enterpriseContact: Contact?
    /// The customs enterprise coordinator (企业协调员) and the named liaison (专人对接, measure 15).
    public var coordinator: Officer?
    public var liaison: Officer?

    public init(uscc: String, name: String) {
        self.uscc = uscc
        self.name = name
    }

    /// The latest cultivation plan with a milestone not reached.
    public var openPlan: String? { openPlans.last }

    /// Holds a valid certificate: AEO, its measures not suspended, not withdrawn.
    public var isAEO: Bool { certificate?.status == .valid }

    /// `""`, `valid`, `suspended` or `withdrawn`.
    public var validity: String { certificate?.status.rawValue ?? "" }

    /// The bar in force on `date`, if any.
    public func bar(on date: CivilDate) -> Bar? { bar.flatMap { date < $0.until ? $0 : nil } }
}

/// Why and until when an enterprise may not apply for certification (BRIEF.md: one year).
public struct Bar: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case failedCertification = "failed_certification"
        case failedReview = "failed_review"
        case applicationWithdrawn = "application_withdrawn"
        case downgraded
    }
    /// The first day it may apply again.
    public var until: CivilDate
    public var reason: Reason
    /// The case or credit change that barred it.
    public var ref: String

    /// The refusal's sentence: what happened, and from when it may apply.
    public var sentence: String {
        let what =
            switch reason {
            case .failedCertification: "case \(ref) ended not certified"
            case .failedReview: "its review (复核) in case \(ref) failed and the certificate was withdrawn"
            case .applicationWithdrawn: "it withdrew its application in case \(ref) (撤回认证申请)"
            case .downgraded: "credit change \(ref) took it out of the AEO levels"
            }
        return "\(what); it may apply again from \(until)"
    }
}

/// Why an incentive must stop: what happened to the enterprise, and the record that said so.
public struct StopCause: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A credit change that stops joint incentives (a downgrade out of AEO, or to a dishonest level).
        case creditChange = "credit_change"
        /// The certificate's AEO measures were suspended (暂停适用).
        case suspension
        /// A review failed: the certificate was withdrawn.
        case reviewFailed = "review_failed"
    }
    public var kind: Kind
    /// The change id, the case id, or the suspending office's id.
    public var ref: String
}

extension CoordinationState {
    /// The measures whose grants need a valid AEO certificate ("对 AEO 企业…"): 5 and 7 to 16.
    public static let aeoOnlyMeasures: Set<UInt32> = [5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    /// The incentive measures customs is a responsible unit of (责任单位): 8, 11, 15, 16, 17.
    public static let customsMeasures: Set<UInt32> = [8, 11, 15, 16, 17]
    /// The day Order 282 is in force (BRIEF.md): certifications from then on are granted under it.
    public static let order282InForce = CivilDate(year: 2026, month: 4, day: 1)!

    /// The standing of `uscc`, created (with `name`) the first time a workflow touches the enterprise.
    mutating func withStanding<Result>(
        _ uscc: String, name: String, _ body: (inout EnterpriseStanding) throws(Refusal) -> Result
    ) throws(Refusal) -> Result {
        var standing = standings[uscc] ?? EnterpriseStanding(uscc: uscc, name: name)
        if standing.name.isEmpty { standing.name = name }
        let result = try body(&standing)
        standings[uscc] = standing
        return result
    }

    /// The incentives of `uscc` that are active now: granted, not stopped, not marked to stop.
    mutating func activeIncentives(of uscc: String) -> [IncentiveRecord] {
        let ids = standings[uscc]?.incentives ?? []
        work.entriesVisited += ids.count
        return ids.compactMap { incentives[$0] }.filter { $0.stoppedAt == nil && $0.stopCause == nil }
    }

    /// Marks every active incentive of `uscc` *must stop* for `cause`; answers their holders, who
    /// must be told.
    mutating func markMustStop(_ uscc: String, _ cause: StopCause) -> [String] {
        var holders = Set<String>()
        for incentive in activeIncentives(of: uscc) {
            incentives[incentive.id]?.stopCause = cause
            holders.insert(incentive.granter)
        }
        return holders.sorted()
    }

    /// Clears the marks `ref` set on incentives not stopped yet: the change that set them was lifted.
    mutating func clearMustStop(_ uscc: String, ref: String) {
        let ids = standings[uscc]?.incentives ?? []
        work.entriesVisited += ids.count
        for id in ids
        where incentives[id]?.stoppedAt == nil && incentives[id]?.stopCause == StopCause(kind: .creditChange, ref: ref)
        {
            incentives[id]?.stopCause = nil
        }
    }

    /// Refuses a grant the standing does not allow: measures 5 and 7-16 need a valid certificate.
    func checkGrant(_ m: IncentiveGranted, sender: Unit, today: CivilDate, _ p: String) throws(Refusal) {
        let uscc = m.enterprise.uscc
        if sender.role == .customs, !Self.customsMeasures.contains(m.measure) {
            throw .notAuthorised(
                "customs is a responsible unit of measures 8, 11, 15, 16 and 17 only; measure \(m.measure)'s "
                    + "incentives are recorded by the units it names", field: "\(p).measure")
        }
        if !sender.measures.isEmpty, !sender.measures.contains(Int(m.measure)) {
            let own = sender.measures.filter { Self.aeoOnlyMeasures.union([17]).contains(UInt32($0)) }
            throw .notAuthorised(
                "\(sender.id) is a responsible unit (责任单位) of "
                    + (own.isEmpty
                        ? "no measure with incentives" : "measures \(own.map(String.init).joined(separator: ", "))")
                    + "; measure \(m.measure)'s incentives are recorded by the units it names", field: "\(p).measure")
        }
        guard Self.aeoOnlyMeasures.contains(m.measure) else { return }
        let standing = standings[uscc]
        guard let certificate = standing?.certificate else {
            throw .workflow(
                "\(uscc) holds no AEO certificate: measure \(m.measure) is for AEO enterprises only; "
                    + "grant it once customs has certified the enterprise", field: "\(p).enterprise")
        }
        switch certificate.status {
        case .valid: return
        case .suspended:
            throw .workflow(
                "\(uscc)'s AEO measures are suspended (暂停适用) since \(certificate.suspendedOn.map { "\($0)" } ?? "?")"
                    + " by \(certificate.suspendedBy ?? "customs"); grant nothing until the suspension is lifted",
                field: "\(p).enterprise")
        case .withdrawn:
            let bar = standing?.bar(on: today).map { " (\($0.sentence))" } ?? ""
            throw .workflow(
                "\(uscc)'s AEO certificate was withdrawn (撤销) on "
                    + "\(certificate.withdrawnOn.map { "\($0)" } ?? "?")\(bar); it is not an AEO enterprise",
                field: "\(p).enterprise")
        }
    }
}

extension LevelSet {
    /// The best level of the set that is not AEO (常规企业, 其他企业): the most a repair restores.
    public var bestNonAEO: CreditLevel? { levels.first { !$0.isAEO } }

    /// The set a certification on `day` is granted under when the message names none.
    static func certifying(on day: CivilDate) -> LevelSet {
        day < CoordinationState.order282InForce ? .order251 : .order282
    }
}
