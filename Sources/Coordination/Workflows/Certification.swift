import HubProtocol

// Certification cases and reviews (复核), certificates and their suspension (measures 2, 21; BRIEF.md).
extension CoordinationState {
    mutating func applyCertification(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .caseOpened(let m):
            let uscc = m.enterprise.uscc
            guard cases[m.caseID] == nil else {
                throw .workflow("case \(m.caseID) already exists", field: "\(p).case_id")
            }
            let received = try date(m.applicationReceived, "\(p).application_received")
            if t.checking, received > t.today {
                throw .workflow(
                    "application_received \(received) is in the future (today is \(t.today) in China); "
                        + "enter the day customs received the application", field: "\(p).application_received")
            }
            let standing = standings[uscc]
            // A rule on new applications: folding trusts the log (1.3 logs knew no bar from a downgrade).
            if t.checking, let bar = standing?.bar, received < bar.until {
                throw .workflow("\(uscc) may not apply again yet: \(bar.sentence)")
            }
            if let open = standing?.openCase { throw .workflow("\(uscc) already has open case \(open)") }
            let review = m.kind == .review
            let certificate = standing?.certificate.flatMap { $0.status == .withdrawn ? nil : $0 }
            if t.checking, review, certificate == nil {
                throw .workflow("\(uscc) holds no certificate to review; a review (复核) is for a certified enterprise")
            }
            if t.checking, !review, let certificate {
                throw .workflow(
                    "\(uscc) is already certified (case \(certificate.caseID)); open a review (kind REVIEW) instead")
            }
            cases[m.caseID] = CaseRecord(
                id: m.caseID, uscc: uscc, enterpriseName: m.enterprise.name, office: sender.id,
                received: received, deadline: received.adding(days: 90), extended: false, status: .open, audits: [],
                reviewDue: nil, joint: false, openedAt: t.now, kind: m.kind)
            try withStanding(uscc, name: m.enterprise.name) { standing throws(Refusal) in
                standing.openCase = m.caseID
                if review { standing.certificate?.openReview = m.caseID }
            }
            return route([], sender: sender, uscc: uscc, caseID: m.caseID)
        case .caseExtended(let m):
            var record = try openCase(m.caseID, sender, t.checking, p)
            guard !record.extended else {
                throw .workflow("case \(m.caseID) was already extended once; the measures allow one 30-day extension")
            }
            if t.checking, t.today > record.deadline {
                throw .workflow(
                    "case \(m.caseID)'s deadline \(record.deadline) has passed; an extension is granted on or before it"
                )
            }
            record.extended = true
            record.deadline = record.deadline.adding(days: 30)
            cases[m.caseID] = record
            return caseRoute(record, sender)
        case .caseConcluded(let m):
            return try conclude(m, t)
        case .reviewDue(let m):
            guard var certificate = standings[m.uscc]?.certificate, certificate.status != .withdrawn else {
                if t.checking {
                    throw .workflow(
                        "\(m.uscc) holds no certificate; a review falls due only for a certified enterprise")
                }
                return route([], sender: sender, uscc: m.uscc)
            }
            certificate.reviewDue = try date(m.dueDate, "\(p).due_date")
            standings[m.uscc]?.certificate = certificate
            return route([certificate.office], sender: sender, uscc: m.uscc)
        case .certificateSuspended(let m):
            guard var certificate = standings[m.uscc]?.certificate, certificate.status == .valid else {
                // Folding a log written before 1.4 (a suspension after a downgrade it did not withdraw on).
                if !t.checking { return route([], sender: sender, uscc: m.uscc) }
                let status = standings[m.uscc]?.certificate?.status.rawValue
                throw .workflow(
                    status.map { "\(m.uscc)'s certificate is \($0); only a valid one is suspended" }
                        ?? "\(m.uscc) holds no certificate; only a certified enterprise's measures are suspended")
            }
            certificate.status = .suspended
            certificate.ground = m.ground
            certificate.suspendedBy = sender.id
            certificate.suspendedOn = t.today
            standings[m.uscc]?.certificate = certificate
            let holders = markMustStop(m.uscc, StopCause(kind: .suspension, ref: sender.id))
            return route(
                topology.ids(of: .customs) + topology.ids(of: .department) + holders, sender: sender, uscc: m.uscc)
        case .suspensionLifted(let m):
            guard var certificate = standings[m.uscc]?.certificate, certificate.status == .suspended else {
                if !t.checking { return route([], sender: sender, uscc: m.uscc) }
                throw .workflow("\(m.uscc)'s AEO measures are not suspended")
            }
            if t.checking, let office = certificate.suspendedBy, office != sender.id {
                throw .notAuthorised("\(office) suspended \(m.uscc)'s measures; only that office lifts the suspension")
            }
            // Incentives stopped (or still marked to stop) during the suspension stay so: a granter grants again.
            certificate.status = .valid
            certificate.ground = .unspecified
            certificate.suspendedBy = nil
            certificate.suspendedOn = nil
            standings[m.uscc]?.certificate = certificate
            return route(topology.ids(of: .customs) + topology.ids(of: .department), sender: sender, uscc: m.uscc)
        case .customsContactAssigned(let m):
            return try assignContact(m, t)
        default:
            return try applyAudit(payload, t)
        }
    }

    private mutating func conclude(_ m: CaseConcluded, _ t: Transition) throws(Refusal) -> Admission {
        var record = try openCase(m.caseID, t.sender, t.checking, t.p)
        let today = t.today
        let review = record.kind == .review
        var holders: [String] = []
        switch m.result {
        case .certified:
            if t.checking { try requireAudited(record) }
            let (set, grade) = try certifiedGrade(m, review: review, today: today, t)
            if t.checking, review, let certificate = standings[record.uscc]?.certificate,
                certificate.status == .withdrawn
            {
                throw .workflow(
                    "\(record.uscc)'s certificate was withdrawn on \(certificate.withdrawnOn.map { "\($0)" } ?? "?") "
                        + "(\(certificate.withdrawnBy ?? "-")): the review cannot pass it; conclude it NOT_CERTIFIED")
            }
            record.status = .certified
            record.reviewDue = today.adding(years: 5)
            try withStanding(record.uscc, name: record.enterpriseName) { standing throws(Refusal) in
                if review {
                    standing.certificate?.reviewDue = today.adding(years: 5)
                } else {
                    standing.certificate = CertificateRecord(
                        uscc: record.uscc, name: record.enterpriseName, caseID: record.id, office: record.office,
                        certifiedOn: today, reviewDue: today.adding(years: 5), status: .valid, grade: grade,
                        levelSet: set)
                    standing.levels[set] = CurrentLevel(level: grade, changeID: record.id)
                }
            }
        case .notCertified:
            record.status = .notCertified
            let reason: Bar.Reason = review ? .failedReview : .failedCertification
            let withdrawn = standings[record.uscc]?.certificate?.status == .withdrawn
            // A review failing after a downgrade already withdrew the certificate changes nothing more.
            if !(review && withdrawn) {
                standings[record.uscc]?.bar = Bar(until: today.adding(years: 1), reason: reason, ref: record.id)
            }
            if review, !withdrawn, var certificate = standings[record.uscc]?.certificate {
                certificate.status = .withdrawn
                certificate.withdrawnOn = today
                certificate.withdrawnBy = record.id
                standings[record.uscc]?.certificate = certificate
                if let regular = certificate.levelSet.bestNonAEO {
                    standings[record.uscc]?.levels[certificate.levelSet] = CurrentLevel(
                        level: regular.id, changeID: record.id)
                }
                holders = markMustStop(record.uscc, StopCause(kind: .reviewFailed, ref: record.id))
            }
        default:
            if t.checking, review {
                throw .workflow(
                    "a review ends passed (CERTIFIED) or failed (NOT_CERTIFIED), not "
                        + (m.result == .terminated ? "TERMINATED" : "APPLICATION_WITHDRAWN"),
                    field: "\(t.p).result")
            }
            record.status = .terminated
            // The orders bar an enterprise that withdrew its application; a termination for another
            // ground (an investigation, say) bars nothing by itself.
            if m.result == .applicationWithdrawn {
                standings[record.uscc]?.bar = Bar(
                    until: today.adding(years: 1), reason: .applicationWithdrawn, ref: record.id)
            }
        }
        if review { standings[record.uscc]?.certificate?.openReview = nil }
        record.concludedAt = t.now
        cases[m.caseID] = record
        standings[record.uscc]?.openCase = nil
        var admission = caseRoute(record, t.sender)
        admission.recipients = Set(admission.recipients).union(holders).subtracting([t.sender.id]).sorted()
        return admission
    }

    /// CERTIFIED needs a passed on-site audit of every site named by an audit of the case not cancelled.
    private func requireAudited(_ record: CaseRecord) throws(Refusal) {
        let live = record.audits.compactMap { audits[$0] }.filter { $0.status != .cancelled }
        let passed = live.filter {
            $0.status == .completed && ($0.outcome == .passed || $0.outcome == .passedWithFindings)
        }
        guard !passed.isEmpty else {
            throw .workflow("case \(record.id) has no completed on-site audit that passed; certify only after one")
        }
        let covered = Set(passed.flatMap { $0.sites.map(Self.siteKey) })
        if let missing = live.flatMap(\.sites).first(where: { !covered.contains(Self.siteKey($0)) }) {
            throw .workflow(
                "site '\(missing.name)' (\(missing.address), area \(missing.customsArea)) of case \(record.id) has no "
                    + "passed on-site audit yet; every site is audited before certification")
        }
    }

    /// The level set and AEO grade a certification grants (SPEC.md 6.4): named, or by the hub's day.
    private func certifiedGrade(
        _ m: CaseConcluded, review: Bool, today: CivilDate, _ t: Transition
    ) throws(Refusal) -> (LevelSet, String) {
        let set = m.levelSet == .unspecified ? LevelSet.certifying(on: today) : m.levelSet
        let grade = m.grade.isEmpty ? "advanced_certified" : m.grade
        if t.checking, !review, set.level(grade)?.isAEO != true {
            let aeo = set.levels.filter(\.isAEO).map(\.id).joined(separator: ", ")
            throw Refusal(
                .invalidField, "'\(grade)' is not an AEO grade of \(set.title); certify as one of \(aeo)",
                field: "\(t.p).grade")
        }
        return (set, grade)
    }

    static func siteKey(_ site: AuditSite) -> String { "\(site.customsArea)\u{0}\(site.name)\u{0}\(site.address)" }

    func openCase(_ id: String, _ sender: Unit, _ checking: Bool, _ p: String) throws(Refusal) -> CaseRecord {
        guard let record = cases[id] else { throw .workflow("there is no case \(id)", field: "\(p).case_id") }
        guard record.status == .open else { throw .workflow("case \(id) is concluded (\(record.status.rawValue))") }
        if checking, record.office != sender.id {
            throw .notAuthorised("case \(id) belongs to \(record.office); only that customs office acts on it")
        }
        return record
    }

    func caseRoute(_ record: CaseRecord, _ sender: Unit) -> Admission {
        route(
            [record.office] + (record.joint ? topology.ids(of: .partner) : []), sender: sender, uscc: record.uscc,
            caseID: record.id)
    }
}

/// A certified enterprise's certificate (高级认证企业 or, under Order 282, 认证企业), kept in its standing.
public struct CertificateRecord: Sendable, Hashable {
    /// Valid (有效), suspended (暂停适用) or withdrawn (撤销).
    public enum Status: String, Sendable, Hashable, Codable { case valid, suspended, withdrawn }
    public var uscc: String
    public var name: String
    /// The case that certified it.
    public var caseID: String
    public var office: String
    public var certifiedOn: CivilDate
    public var reviewDue: CivilDate
    public var status: Status
    /// The AEO level granted (`advanced_certified`, or `certified` under Order 282) and its order.
    public var grade: String = "advanced_certified"
    public var levelSet: LevelSet = .order251
    public var ground: SuspensionGround = .unspecified
    public var suspendedBy: String?
    /// The open review case, if any.
    public var openReview: String?
    public var suspendedOn: CivilDate?
    public var withdrawnOn: CivilDate?
    /// The credit change or failed review that withdrew it.
    public var withdrawnBy: String?

    /// Valid or suspended, its review due before `date`, and no review open.
    public func isReviewOverdue(on date: CivilDate) -> Bool {
        status != .withdrawn && openReview == nil && reviewDue < date
    }
}
