import Foundation
import HubProtocol

/// A protocol enum with short names people type and read ("pain-point", "in-progress"), and its
/// Chinese names (通关堵点, 推进中), which people may type as well.
public protocol NamedChoice: Hashable, Sendable {
    /// Every value people may choose, with its name, in the order help lists them.
    static var named: [(name: String, value: Self)] { get }
    /// The Chinese name of every value people may choose (`Terms.swift`).
    static var chineseNames: [Self: String] { get }
}

extension NamedChoice {
    /// The short name, or "unspecified" for the protocol's zero value.
    public var label: String { Self.named.first { $0.value == self }?.name ?? "unspecified" }

    /// The Chinese name, if the value has one.
    public var chineseName: String? { Self.chineseNames[self] }

    /// The name people read in `language`: the Chinese name, or the short name.
    public func label(_ language: Language) -> String { language == .zh ? chineseName ?? label : label }

    /// The name in JSON: lower case with underscores (`in_progress`), stable across versions.
    public var jsonName: String {
        let label = self.label
        guard label.utf8.contains(UInt8(ascii: "-")) else { return label }
        return String(decoding: label.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    /// The value with this short name (case-insensitive; `_` and `-` are the same) or this Chinese name.
    public init?(label: String) {
        let text = label.trimmingCharacters(in: .whitespaces)
        let wanted = text.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let match = Self.named.first(where: { $0.name == wanted || Self.chineseNames[$0.value] == text }) else {
            return nil
        }
        self = match.value
    }

    /// The short name of each value with its Chinese name beside it: "minor (轻微)".
    public static var pairedNames: [String] {
        named.map { choice in chineseNames[choice.value].map { "\(choice.name) (\($0))" } ?? choice.name }
    }

    /// Every name people may type: the short names and the Chinese names.
    public static var typedNames: [String] { named.flatMap { [$0.name] + (chineseNames[$0.value].map { [$0] } ?? []) } }

    /// The names, for help and error messages: "minor (轻微), general (一般) or serious (严重)".
    public static var choiceList: String { Terms.list(pairedNames) }
}

extension RequestCategory: NamedChoice {
    public static let named: [(name: String, value: RequestCategory)] = [
        ("aeo-intent", .aeoCertificationIntent), ("cultivation", .creditCultivation),
        ("policy", .policyConsultation), ("pain-point", .clearancePainPoint),
    ]
}

extension ActionStatus: NamedChoice {
    public static let named: [(name: String, value: ActionStatus)] = [
        ("in-progress", .inProgress), ("done", .done), ("blocked", .blocked),
    ]
}

extension Severity: NamedChoice {
    public static let named: [(name: String, value: Severity)] = [
        ("minor", .minor), ("general", .general), ("serious", .serious),
    ]
}

extension AuditAnswer: NamedChoice {
    public static let named: [(name: String, value: AuditAnswer)] = [
        ("accept", .accept), ("decline", .decline), ("counter", .counterPropose),
    ]
}

extension AuditOutcome: NamedChoice {
    public static let named: [(name: String, value: AuditOutcome)] = [
        ("passed", .passed), ("passed-with-findings", .passedWithFindings), ("failed", .failed),
    ]
}

extension CaseResult: NamedChoice {
    public static let named: [(name: String, value: CaseResult)] = [
        ("certified", .certified), ("not-certified", .notCertified), ("terminated", .terminated),
        ("application-withdrawn", .applicationWithdrawn),
    ]
}

extension RsvpAnswer: NamedChoice {
    public static let named: [(name: String, value: RsvpAnswer)] = [
        ("attending", .attending), ("declined", .declined), ("delegate", .delegate),
    ]
}

extension LevelSet: NamedChoice {
    public static let named: [(name: String, value: LevelSet)] = [("order-251", .order251), ("order-282", .order282)]
}
