import HubProtocol

// The transitions' shared checks and routing.
extension CoordinationState {
    // MARK: Routing helpers

    /// The recipients a sender adds with `to`. Only the coordinator addresses any type; another
    /// unit addresses only what is meant to be passed around (a progress report), so it cannot
    /// spread a workflow's records (an enterprise's case, a credit objection) beyond their rule.
    func explicitRecipients(_ to: Recipients, type: MessageType, sender: Unit) throws(Refusal) -> Set<String> {
        let addressed = !to.nodes.isEmpty || !to.roles.isEmpty || to.all
        if addressed, sender.role != .coordinator, !Self.addressable.contains(type) {
            throw Refusal(
                .notAuthorised,
                "\(sender.id) may not add recipients to \(type.rawValue): its recipients follow the routing rule; "
                    + "only the coordinator addresses it further",
                field: "to")
        }
        var ids = Set<String>()
        for (index, node) in to.nodes.enumerated() {
            guard topology.units[node] != nil else {
                throw Refusal(
                    .unknownRecipient, "'\(node)' is not a unit of this network", field: "to.nodes[\(index)]")
            }
            ids.insert(node)
        }
        for role in to.roles { ids.formUnion(topology.ids(of: Role(rawValue: role) ?? .coordinator)) }
        if to.all { ids.formUnion(topology.units.keys) }
        return ids
    }

    /// The types any unit may address with `to`.
    static let addressable: Set<MessageType> = [.progressReport]

    func route(
        _ ids: [String?], sender: Unit, uscc: String? = nil, meeting: String? = nil, caseID: String? = nil
    ) -> Admission {
        var set = Set(ids.compactMap { $0 })
        set.formUnion(topology.ids(of: .coordinator))
        set.remove(sender.id)
        return Admission(recipients: set.sorted(), uscc: uscc, meetingID: meeting, caseID: caseID)
    }

    func day(_ ms: Int64) -> CivilDate { CivilDate(chinaTimeMilliseconds: ms) }

    /// A date field of something done (`name`), which may not be after the hub's day.
    func pastDay(_ text: String, _ name: String, _ t: Transition) throws(Refusal) -> CivilDate {
        let day = try date(text, "\(t.p).\(name)")
        if t.checking, day > t.today {
            throw .workflow("\(name) \(day) is in the future (today is \(t.today))", field: "\(t.p).\(name)")
        }
        return day
    }

    /// A date field; validation refuses a bad one before the hub admits it, but a record from another
    /// implementation or an older version is refused here rather than crash the fold.
    func date(_ text: String, _ field: String) throws(Refusal) -> CivilDate {
        guard let date = CivilDate(text) else {
            throw Refusal(.invalidField, "'\(text)' is not a date (YYYY-MM-DD)", field: field)
        }
        return date
    }
}
