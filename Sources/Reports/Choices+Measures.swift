import HubProtocol

// The choices protocol 1.2 added.

extension SuspensionGround: NamedChoice {
    public static let chineseNames: [SuspensionGround: String] = [
        .criminalCase: "刑事案件", .administrativeInvestigation: "行政调查",
    ]
    public static let named: [(name: String, value: SuspensionGround)] = [
        ("criminal-case", .criminalCase), ("administrative-investigation", .administrativeInvestigation),
    ]
}

extension PlanApproach: NamedChoice {
    public static let chineseNames: [PlanApproach: String] = [.tailored: "因企制宜", .groupPlus: "集团+", .onePlusN: "1+N"]
    public static let named: [(name: String, value: PlanApproach)] = [
        ("tailored", .tailored), ("group-plus", .groupPlus), ("one-plus-n", .onePlusN),
    ]
}

extension ObjectionDecision: NamedChoice {
    public static let chineseNames: [ObjectionDecision: String] = [.changeStands: "维持", .changeWithdrawn: "撤销调整"]
    public static let named: [(name: String, value: ObjectionDecision)] = [
        ("change-stands", .changeStands), ("change-withdrawn", .changeWithdrawn),
    ]
}

extension ActivityKind: NamedChoice {
    public static let chineseNames: [ActivityKind: String] = [.publicity: "宣传", .training: "培训", .consultation: "咨询辅导"]
    public static let named: [(name: String, value: ActivityKind)] = [
        ("publicity", .publicity), ("training", .training), ("consultation", .consultation),
    ]
}

extension KeyListCategory: NamedChoice {
    public static let chineseNames: [KeyListCategory: String] = [
        .keyForeignTrade: "重点外贸企业", .specialised: "专精特新企业", .integrationLeader: "内外贸一体化领跑企业",
        .ownBrand: "外贸自主品牌培育企业", .other: "其他",
    ]
    public static let named: [(name: String, value: KeyListCategory)] = [
        ("key-foreign-trade", .keyForeignTrade), ("specialised", .specialised),
        ("integration-leader", .integrationLeader), ("own-brand", .ownBrand), ("other", .other),
    ]
}

extension CaseKind: NamedChoice {
    public static let chineseNames: [CaseKind: String] = [.certification: "认证", .review: "复核"]
    public static let named: [(name: String, value: CaseKind)] = [
        ("certification", .certification), ("review", .review),
    ]
}
