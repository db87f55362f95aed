// Field rules of the requests messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func requestFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .requestFiled(let m):
            try recordID(m.requestID, "\(p).request_id")
            try enterprise(m.enterprise, present: m.hasEnterprise, "\(p).enterprise")
            try area(m.area, "\(p).area")
            try chosen(
                m.category, unspecified: .unspecified, "\(p).category",
                "AEO_CERTIFICATION_INTENT, CREDIT_CULTIVATION, POLICY_CONSULTATION, CLEARANCE_PAIN_POINT")
            try required(m.description_p, "\(p).description", max: TextLimit.long)
            try contact(m.contact, present: m.hasContact, "\(p).contact")
        case .requestAcknowledged(let m):
            try recordID(m.requestID, "\(p).request_id")
            try nodeID(m.handlingOffice, "\(p).handling_office")
            if m.hasOfficer { try officer(m.officer, "\(p).officer") }
            try optionalText(m.note, "\(p).note", max: TextLimit.long)
        case .requestProgress(let m):
            try recordID(m.requestID, "\(p).request_id")
            try required(m.note, "\(p).note", max: TextLimit.long)
        case .requestResolved(let m):
            try recordID(m.requestID, "\(p).request_id")
            try required(m.resolution, "\(p).resolution", max: TextLimit.long)
        case .requestDeclined(let m):
            try recordID(m.requestID, "\(p).request_id")
            try required(m.reason, "\(p).reason", max: TextLimit.long)
        case .requestWithdrawn(let m):
            try recordID(m.requestID, "\(p).request_id")
            try optionalText(m.reason, "\(p).reason", max: TextLimit.long)
        default:
            break
        }
    }
}
