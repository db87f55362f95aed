import HubProtocol

extension Refusal {
    static func workflow(_ reason: String, field: String = "") -> Refusal {
        Refusal(.workflowViolation, reason, field: field)
    }
    static func notAuthorised(_ reason: String, field: String = "") -> Refusal {
        Refusal(.notAuthorised, reason, field: field)
    }
}

/// Where an accepted message goes and what it can be found by.
public struct Admission: Sendable, Hashable {
    /// Node ids, sorted, never the sender.
    public var recipients: [String]
    public var uscc: String?
    public var meetingID: String?
    public var caseID: String?
    /// Notes for the people reading the ledger, e.g. a probable duplicate request.
    public var notes: [String] = []
    /// The workflow entity the message is about, whose participants the routing extends.
    public var subject: Subject?

    public init(recipients: [String], uscc: String? = nil, meetingID: String? = nil, caseID: String? = nil) {
        self.recipients = recipients
        self.uscc = uscc
        self.meetingID = meetingID
        self.caseID = caseID
    }
}

/// A workflow entity a message is about.
public enum Subject: Sendable, Hashable {
    case request(String)
    case cultivation(String)
    case certificationCase(String)
    /// An audit and its case.
    case audit(String, caseID: String)
    case meeting(String)
    case action(String)
    case plan(String)
    case incentive(String)
    case activity(String)
    case breach(String)
    case service(String)
}

// MARK: - Workflow records

/// An enterprise request in the ledger.
public struct RequestRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case filed, acknowledged
        case inProgress = "in_progress"
        case resolved, declined, withdrawn
    }
    public var id: String
    public var uscc: String
    public var enterpriseName: String
    public var area: String
    public var category: RequestCategory
    public var filer: String
    public var filedAt: Int64
    public var status: Status
    public var handlingOffice: String?
    public var updatedAt: Int64
    /// The open request for the same enterprise and category this one probably duplicates.
    public var duplicateOf: String?
    /// Every unit that sent or was routed a message about the request (SPEC.md 6.5).
    public var participants: Set<String> = []

    public var isOpen: Bool { [.filed, .acknowledged, .inProgress].contains(status) }

    /// Whole days since the request was filed (China time).
    public func age(on date: CivilDate) -> Int { CivilDate(chinaTimeMilliseconds: filedAt).days(until: date) }

    /// Open for longer than the network's service time.
    public func isOverdue(on date: CivilDate, serviceDays: Int) -> Bool { isOpen && age(on: date) > serviceDays }
}

public struct CultivationRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable { case recommended, listed, declined, removed }
    public var uscc: String
    public var name: String
    public var recommenders: [String]
    public var status: Status
    public var updatedAt: Int64
    public var participants: Set<String> = []
    public var category: KeyListCategory = .unspecified
}

public struct CaseRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case open, certified
        case notCertified = "not_certified"
        case terminated
    }
    public var id: String
    public var uscc: String
    public var enterpriseName: String
    public var office: String
    public var received: CivilDate
    public var deadline: CivilDate
    public var extended: Bool
    public var status: Status
    public var audits: [String]
    public var reviewDue: CivilDate?
    public var joint: Bool
    public var openedAt: Int64 = 0
    public var concludedAt: Int64 = 0
    public var kind: CaseKind = .certification
    public var participants: Set<String> = []

    /// Open past its deadline.
    public func isOverdue(on date: CivilDate) -> Bool { status == .open && deadline < date }
}

public struct AuditRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable { case proposed, scheduled, cancelled, completed }
    public var id: String
    public var caseID: String
    public var uscc: String
    public var office: String
    public var slots: [TimeSlot]
    public var team: [String]
    public var joint: Bool
    /// Units that must accept a slot before it can be scheduled (Fuzhou Customs for a joint audit).
    public var requiredParticipants: [String]
    /// Slot indexes each participant accepted.
    public var accepted: [String: Set<Int>]
    public var declined: Set<String>
    public var status: Status
    public var scheduled: TimeSlot?
    public var outcome: AuditOutcome?
    public var sites: [AuditSite] = []
    public var participants: Set<String> = []
    /// The officers required participants named to join the team (Fuzhou Customs' on a joint audit).
    public var joining: [Officer] = []

    /// Required participants that have accepted no slot yet.
    public var waitingFor: [String] {
        status == .proposed ? requiredParticipants.filter { accepted[$0]?.isEmpty ?? true } : []
    }
}

public struct MeetingRecord: Sendable, Hashable {
    public var id: String
    public var title: String
    public var invitees: [String]
    public var time: TimeSlot
    public var place: String
    public var agendaItems: Set<String>
    public var closed: Bool
    public var decisions: Int
    public var minutes: Int
    public var participants: Set<String> = []
}

public struct ActionRecord: Sendable, Hashable {
    public var id: String
    public var meetingID: String
    public var owner: String
    public var due: CivilDate
    public var text: String
    public var status: ActionStatus
    public var participants: Set<String> = []

    public func isOverdue(on date: CivilDate) -> Bool { status != .done && due < date }
}

public struct CreditChangeRecord: Sendable, Hashable {
    public var id: String
    public var uscc: String
    public var enterpriseName: String
    public var publisher: String
    public var levelSet: LevelSet
    public var from: String
    public var to: String
    public var severity: Severity
    public var effective: CivilDate
    public var pending: Set<String>
    public var confirmed: [String]
    public var lifted: Bool
    public var stopsIncentives = false
    public var publicityEnd: CivilDate?
    public var objection: CreditMatter?
    public var repair: CreditMatter?
    /// The day the units asked must have confirmed by; `nil` when none was asked.
    public var confirmBy: CivilDate?
    /// The change or case that had set the level this change replaced: undoing it restores that one.
    public var replaced: String?

    /// A confirmation still owed after ``confirmBy``.
    public func confirmationsOverdue(on date: CivilDate) -> Bool {
        !lifted && !pending.isEmpty && confirmBy.map { $0 < date } == true
    }

    /// An objection or repair undecided past its due date.
    public func isOverdue(on date: CivilDate) -> Bool {
        (objection?.isOverdue(on: date) ?? false) || (repair?.isOverdue(on: date) ?? false)
    }
}

public struct ReportRecord: Sendable, Hashable {
    public var unit: String
    public var period: String
    public var figures: [String: Int64]
    public var text: String
    public var filedAt: Int64 = 0
}
