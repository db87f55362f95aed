import HubProtocol

/// What a unit does on the network (BRIEF.md).
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case customs, partner, district, zone, coordinator, association, department

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}

/// One unit of the network: a node.
public struct Unit: Sendable, Hashable, Codable {
    public var id: String
    public var role: Role
    public var name: String
    /// For a district, its 6-digit code; for a zone, its id. Districts and zones only.
    public var area: String?
    /// For a district or zone, the node id of its responsible customs office.
    public var customsOffice: String?
    /// The measures (1 to 21) whose 责任单位 line names the unit; empty when the topology does not say.
    public var measures: [Int] = []

    public init(
        id: String, role: Role, name: String, area: String? = nil, customsOffice: String? = nil, measures: [Int] = []
    ) {
        self.id = id
        self.role = role
        self.name = name
        self.area = area
        self.customsOffice = customsOffice
        self.measures = measures
    }
}

/// The network's units and who may send what.
public struct Topology: Sendable, Hashable {
    /// Every unit by node id.
    public var units: [String: Unit] { didSet { lookups = Lookups(units) } }
    /// The roles that may send each type.
    public var authorisation: [MessageType: Set<Role>]
    /// The customs area code of the partner (Fuzhou Customs); a site there makes an audit joint.
    public var partnerArea: String
    /// The network's own customs area (Xiamen Customs, 3700). An audit's site lies here or in the
    /// partner's area.
    public var homeArea: String
    /// Days within which customs should settle an enterprise request; older open ones are overdue.
    public var requestServiceDays: Int
    /// Working days (Monday to Friday) within which the units asked confirm a credit change (measure 20: 及时).
    public var confirmationWorkingDays: Int

    public init(
        units: [Unit], authorisation: [MessageType: Set<Role>] = Topology.defaultAuthorisation,
        partnerArea: String = "3500",
        homeArea: String = "3700", requestServiceDays: Int = 20, confirmationWorkingDays: Int = 5
    ) {
        self.confirmationWorkingDays = confirmationWorkingDays
        self.homeArea = homeArea
        self.units = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        lookups = Lookups(self.units)
        self.authorisation = authorisation
        self.partnerArea = partnerArea
        self.requestServiceDays = requestServiceDays
    }

    /// Node ids of every unit with `role`, sorted.
    public func ids(of role: Role) -> [String] { lookups.idsByRole[role] ?? [] }

    /// The customs office responsible for a district or zone `area`.
    public func responsibleCustoms(forArea area: String) -> String? { lookups.customsByArea[area] }

    /// What the rules ask of the units for every message, worked out once (issue 14: not per submit).
    private var lookups: Lookups

    private struct Lookups: Sendable, Hashable {
        let idsByRole: [Role: [String]]
        let customsByArea: [String: String]

        init(_ units: [String: Unit]) {
            idsByRole = Dictionary(grouping: units.values, by: \.role).mapValues { $0.map(\.id).sorted() }
            // The first unit by id names an area's office, so that the answer does not depend on hashing.
            var customs: [String: String] = [:]
            for unit in units.values.sorted(by: { $0.id < $1.id }) {
                if let area = unit.area, let office = unit.customsOffice, customs[area] == nil {
                    customs[area] = office
                }
            }
            customsByArea = customs
        }
    }

    /// The defaults of SPEC.md 6.2.
    public static let defaultAuthorisation: [MessageType: Set<Role>] = {
        let every = Set(Role.allCases)
        let filers: Set<Role> = [.district, .zone, .association, .coordinator]
        let granters: Set<Role> = [.department, .district, .zone, .coordinator, .customs]
        let askers: Set<Role> = [.customs, .district, .zone, .coordinator]
        var table: [MessageType: Set<Role>] = [:]
        for type in MessageType.allCases {
            switch type {
            case .requestFiled, .requestWithdrawn: table[type] = filers
            case .requestAcknowledged: table[type] = [.customs]
            // A department answers the requests customs hands to it (SPEC.md 6.4).
            case .requestProgress, .requestResolved, .requestDeclined: table[type] = [.customs, .department]
            case .cultivationRecommended: table[type] = [.district, .zone, .coordinator, .association, .department]
            case .cultivationListed, .cultivationDeclined, .cultivationRemoved, .planRecorded, .planMilestoneReached:
                table[type] = [.customs]
            case .caseOpened, .caseExtended, .auditProposed, .auditScheduled, .auditRescheduled, .auditCancelled,
                .auditCompleted, .caseConcluded, .reviewDue, .certificateSuspended, .suspensionLifted:
                table[type] = [.customs]
            case .auditResponded: table[type] = [.customs, .partner]
            case .meetingConvened, .attendanceRecorded, .minutesEntry, .decisionRecorded, .actionItemAssigned,
                .meetingClosed:
                table[type] = [.coordinator]
            case .agendaItemProposed, .meetingRsvp, .actionItemProgress: table[type] = every
            case .creditChangePublished, .breachDecided, .customsContactAssigned: table[type] = [.customs]
            case .breachReported: table[type] = [.department, .district, .zone, .coordinator]
            case .creditChangeLifted, .creditObjectionDecided, .creditRepairDecided:
                table[type] = [.customs, .coordinator]
            case .creditObjectionFiled, .creditRepairRequested: table[type] = askers
            case .incentiveGranted, .incentiveStopped: table[type] = granters
            case .activityRecorded: table[type] = [.customs, .district, .zone, .coordinator, .department, .association]
            case .toleranceAccepted, .toleranceFulfilled, .fxBatchDeclared, .refundProcessed:
                table[type] = [.department]
            case .serviceWindowOpened, .serviceWindowClosed: table[type] = [.customs, .district, .zone]
            case .priorityMattersPublished: table[type] = [.customs, .district, .zone, .coordinator, .department]
            case .creditChangeConfirmed, .progressReport: table[type] = every
            case .nodePresence: table[type] = []
            }
        }
        return table
    }()
}
