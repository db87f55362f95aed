import HubProtocol

// What the measures ask units to offer every AEO in public: service windows at government service
// centres (measure 17) and each unit's list of matters AEOs are served first in (measure 19).
extension CoordinationState {
    mutating func applyPublicService(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender) = (t.p, t.sender)
        switch payload {
        case .serviceWindowOpened(let m):
            guard windows[m.windowID] == nil else {
                throw .workflow("window \(m.windowID) already exists; choose a new id", field: "\(p).window_id")
            }
            let opened = try pastDay(m.openedOn, "opened_on", t)
            if t.checking, topology.units[m.office]?.role != .customs {
                throw Refusal(
                    .invalidField, "\(m.office) is not a customs office of this network", field: "\(p).office")
            }
            windows[m.windowID] = WindowRecord(
                id: m.windowID, centre: m.centre, area: m.area, office: m.office, openedBy: sender.id, openedOn: opened)
            return route([m.office], sender: sender)
        case .serviceWindowClosed(let m):
            guard var window = windows[m.windowID] else {
                throw .workflow("there is no window \(m.windowID)", field: "\(p).window_id")
            }
            if t.checking, sender.id != window.openedBy, sender.id != window.office {
                throw .notAuthorised(
                    "\(window.openedBy) opened window \(m.windowID) and \(window.office) staffs it; only they close it")
            }
            if let closed = window.closedOn { throw .workflow("window \(m.windowID) was already closed on \(closed)") }
            let closed = try pastDay(m.closedOn, "closed_on", t)
            if t.checking, closed < window.openedOn {
                throw .workflow(
                    "closed_on \(closed) is before the window opened on \(window.openedOn)", field: "\(p).closed_on")
            }
            window.closedOn = closed
            windows[m.windowID] = window
            return route([window.openedBy, window.office], sender: sender)
        case .priorityMattersPublished(let m):
            let published = try pastDay(m.publishedOn, "published_on", t)
            priorityMatters[sender.id] = PriorityMattersRecord(unit: sender.id, publishedOn: published, items: m.items)
            return route([], sender: sender)
        default:
            throw .unhandled(p)
        }
    }
}

/// An AEO service window at a government service centre (measure 17).
public struct WindowRecord: Sendable, Hashable {
    public var id: String
    public var centre: String
    public var area: String
    /// The customs office that staffs it.
    public var office: String
    public var openedBy: String
    public var openedOn: CivilDate
    public var closedOn: CivilDate?
}

/// A unit's latest list of matters AEOs are served first in (measure 19).
public struct PriorityMattersRecord: Sendable, Hashable {
    public var unit: String
    public var publishedOn: CivilDate
    public var items: [PriorityMatter]
}
