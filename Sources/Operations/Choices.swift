import HubProtocol

/// A protocol enum with short names people type and read ("pain-point", "in-progress").
public protocol NamedChoice: Hashable, Sendable {
    /// Every value people may choose, with its name, in the order help lists them.
    static var named: [(name: String, value: Self)] { get }
}

extension NamedChoice {
    /// The short name, or "unspecified" for the protocol's zero value.
    public var label: String { Self.named.first { $0.value == self }?.name ?? "unspecified" }

    /// The name in JSON: lower case with underscores (`in_progress`), stable across versions.
    public var jsonName: String { label.replacingOccurrences(of: "-", with: "_") }

    /// The value with this short name (case-insensitive; `_` and `-` are the same).
    public init?(label: String) {
        let wanted = label.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let match = Self.named.first(where: { $0.name == wanted }) else { return nil }
        self = match.value
    }

    /// The names, for help and error messages: "a, b or c".
    public static var choiceList: String {
        let names = named.map(\.name)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

extension RequestCategory: NamedChoice {
    public static let named: [(name: String, value: RequestCategory)] = [
        ("aeo-intent", .aeoCertificationIntent), ("cultivation", .creditCultivation),
        ("policy", .policyConsultation), ("pain-point", .clearancePainPoint),
    ]
}

extension ActionStatus: NamedChoice {
    public static let named: [(name: String, value: ActionStatus)] = [("in-progress", .inProgress), ("done", .done), ("blocked", .blocked)]
}

extension Severity: NamedChoice {
    public static let named: [(name: String, value: Severity)] = [("minor", .minor), ("general", .general), ("serious", .serious)]
}

extension AuditAnswer: NamedChoice {
    public static let named: [(name: String, value: AuditAnswer)] = [("accept", .accept), ("decline", .decline), ("counter", .counterPropose)]
}

extension AuditOutcome: NamedChoice {
    public static let named: [(name: String, value: AuditOutcome)] = [
        ("passed", .passed), ("passed-with-findings", .passedWithFindings), ("failed", .failed),
    ]
}

extension CaseResult: NamedChoice {
    public static let named: [(name: String, value: CaseResult)] = [
        ("certified", .certified), ("not-certified", .notCertified), ("terminated", .terminated),
    ]
}

extension RsvpAnswer: NamedChoice {
    public static let named: [(name: String, value: RsvpAnswer)] = [("attending", .attending), ("declined", .declined), ("delegate", .delegate)]
}

extension LevelSet: NamedChoice {
    public static let named: [(name: String, value: LevelSet)] = [("order-251", .order251), ("order-282", .order282)]
}
