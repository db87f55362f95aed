// Field rules of the incentive register and activities (SPEC.md 5 and 8).
extension FieldCheck {
    /// The measures an incentive can implement: 5 (financial support) and 7 to 17 (BRIEF.md).
    static let incentiveMeasures: Set<UInt32> = [5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]

    mutating func incentiveFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .incentiveGranted(let m):
            try recordID(m.incentiveID, "\(p).incentive_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            guard Self.incentiveMeasures.contains(m.measure) else {
                throw fail("\(p).measure", "\(m.measure) is not a measure with incentives; use 5 or 7 to 17")
            }
            try required(m.support, "\(p).support", max: TextLimit.long)
            _ = try date(m.grantedOn, "\(p).granted_on")
        case .incentiveStopped(let m):
            try recordID(m.incentiveID, "\(p).incentive_id")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .activityRecorded(let m):
            try recordID(m.activityID, "\(p).activity_id")
            try chosen(m.kind, unspecified: .unspecified, "\(p).kind", "PUBLICITY, TRAINING, CONSULTATION")
            try known(m.kind, "\(p).kind")
            try required(m.title, "\(p).title", max: TextLimit.name)
            _ = try date(m.heldOn, "\(p).held_on")
            try count(m.organisers, "\(p).organisers", max: RepeatedLimit.units)
            for (i, node) in m.organisers.enumerated() { try nodeID(node, "\(p).organisers[\(i)]") }
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        default:
            break
        }
    }
}
