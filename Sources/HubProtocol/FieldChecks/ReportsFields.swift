// Field rules of the reports messages (SPEC.md 5 and 8).
extension FieldCheck {
    mutating func reportFields(_ payload: Envelope.OneOf_Payload, _ p: String) throws(Refusal) {
        switch payload {
        case .progressReport(let m):
            try period(m.period, "\(p).period")
            try count(m.figures, "\(p).figures", max: RepeatedLimit.figures)
            for (i, figure) in m.figures.enumerated() {
                try required(figure.name, "\(p).figures[\(i)].name", max: TextLimit.person)
            }
            try optionalText(m.text, "\(p).text", max: TextLimit.report)
        case .nodePresence(let m):
            try nodeID(m.nodeID, "\(p).node_id")
        default:
            break
        }
    }
}
