import HubProtocol

// The transitions' shared checks and routing.
extension CoordinationState {
    // MARK: Routing helpers

    func explicitRecipients(_ to: Recipients) throws(Rejection) -> Set<String> {
        var ids = Set<String>()
        for (index, node) in to.nodes.enumerated() {
            guard topology.units[node] != nil else {
                throw Rejection(
                    .unknownRecipient, "'\(node)' is not a unit of this network", field: "to.nodes[\(index)]")
            }
            ids.insert(node)
        }
        for role in to.roles { ids.formUnion(topology.ids(of: Role(rawValue: role) ?? .coordinator)) }
        if to.all { ids.formUnion(topology.units.keys) }
        return ids
    }

    func route(
        _ ids: [String?], sender: Unit, uscc: String? = nil, meeting: String? = nil, caseID: String? = nil
    ) -> Admission {
        var set = Set(ids.compactMap { $0 })
        set.formUnion(topology.ids(of: .coordinator))
        set.remove(sender.id)
        return Admission(recipients: set.sorted(), uscc: uscc, meetingID: meeting, caseID: caseID)
    }

    func day(_ ms: Int64) -> CivilDate { CivilDate(chinaTimeMilliseconds: ms) }

    /// A date field; validation refuses a bad one before the hub admits it, but a record from another
    /// implementation or an older version is refused here rather than crash the fold.
    func date(_ text: String, _ field: String) throws(Rejection) -> CivilDate {
        guard let date = CivilDate(text) else {
            throw Rejection(.invalidField, "'\(text)' is not a date (YYYY-MM-DD)", field: field)
        }
        return date
    }
}
