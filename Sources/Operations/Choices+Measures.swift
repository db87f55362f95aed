import HubProtocol

// The choices protocol 1.2 added.

extension SuspensionGround: NamedChoice {
    public static let named: [(name: String, value: SuspensionGround)] = [
        ("criminal-case", .criminalCase), ("administrative-investigation", .administrativeInvestigation),
    ]
}

extension PlanApproach: NamedChoice {
    public static let named: [(name: String, value: PlanApproach)] = [
        ("tailored", .tailored), ("group-plus", .groupPlus), ("one-plus-n", .onePlusN),
    ]
}

extension ObjectionDecision: NamedChoice {
    public static let named: [(name: String, value: ObjectionDecision)] = [
        ("change-stands", .changeStands), ("change-withdrawn", .changeWithdrawn),
    ]
}

extension ActivityKind: NamedChoice {
    public static let named: [(name: String, value: ActivityKind)] = [
        ("publicity", .publicity), ("training", .training), ("consultation", .consultation),
    ]
}

extension KeyListCategory: NamedChoice {
    public static let named: [(name: String, value: KeyListCategory)] = [
        ("key-foreign-trade", .keyForeignTrade), ("specialised", .specialised),
        ("integration-leader", .integrationLeader), ("own-brand", .ownBrand), ("other", .other),
    ]
}

extension CaseKind: NamedChoice {
    public static let named: [(name: String, value: CaseKind)] = [("certification", .certification), ("review", .review)]
}
