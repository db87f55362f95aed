/// A credit level of one of the shipped level sets, with its Chinese name.
public struct CreditLevel: Sendable, Hashable {
    /// The identifier used on the wire, e.g. `advanced_certified`.
    public let id: String
    /// The name in the order's text, e.g. 高级认证企业.
    public let name: String
    /// Whether the level counts as AEO (certified).
    public let isAEO: Bool

    /// A dishonest level (失信企业, 严重失信企业): joint incentives stop (measure 20).
    public var isDishonest: Bool { id.hasSuffix("dishonest") }
}

extension LevelSet {
    /// The levels of this set, best first (SPEC.md 7.4).
    public var levels: [CreditLevel] {
        switch self {
        case .order251:
            [
                CreditLevel(id: "advanced_certified", name: "高级认证企业", isAEO: true),
                CreditLevel(id: "other", name: "其他企业", isAEO: false),
                CreditLevel(id: "dishonest", name: "失信企业", isAEO: false),
            ]
        case .order282:
            [
                CreditLevel(id: "advanced_certified", name: "高级认证企业", isAEO: true),
                CreditLevel(id: "certified", name: "认证企业", isAEO: true),
                CreditLevel(id: "regular", name: "常规企业", isAEO: false),
                CreditLevel(id: "dishonest", name: "失信企业", isAEO: false),
                CreditLevel(id: "seriously_dishonest", name: "严重失信企业", isAEO: false),
            ]
        case .unspecified, .UNRECOGNIZED: []
        }
    }

    /// The level named `id` in this set.
    public func level(_ id: String) -> CreditLevel? { levels.first { $0.id == id } }

    /// Whether moving from `from` to `to` is a downgrade (both must be levels of the set).
    public func isDowngrade(from: String, to: String) -> Bool {
        guard let a = levels.firstIndex(where: { $0.id == from }), let b = levels.firstIndex(where: { $0.id == to })
        else {
            return false
        }
        return b > a
    }

    /// Whether a change from `from` to `to` must stop joint incentives: it leaves the AEO levels or
    /// reaches a dishonest one (measure 20).
    public func stopsIncentives(from: String, to: String) -> Bool {
        guard let before = level(from), let after = level(to), isDowngrade(from: from, to: to) else { return false }
        return (before.isAEO && !after.isAEO) || after.isDishonest
    }

    /// A short name for messages: "Order 251".
    public var title: String {
        switch self {
        case .order251: "Order 251"
        case .order282: "Order 282"
        case .unspecified, .UNRECOGNIZED: "no level set"
        }
    }
}
