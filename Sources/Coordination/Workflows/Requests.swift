import HubProtocol

// Enterprise requests (measures 1, 6, 18): filed by a district or zone for its area, by an
// association (certification intentions only) or by the coordinator; answered by the customs office
// responsible for the area.
extension CoordinationState {
    mutating func applyRequest(_ payload: Envelope.OneOf_Payload, _ t: Transition) throws(Refusal) -> Admission {
        let (p, sender, now) = (t.p, t.sender, t.now)
        switch payload {
        case .requestFiled(let m):
            guard requests[m.requestID] == nil else {
                throw .workflow(
                    "request \(m.requestID) already exists; choose a new request id", field: "\(p).request_id")
            }
            if t.checking, sender.role == .district || sender.role == .zone, sender.area != m.area {
                throw .notAuthorised(
                    "\(sender.id) files requests only for its own area \(sender.area ?? "-"), not \(m.area)",
                    field: "\(p).area")
            }
            if t.checking, sender.role == .association, m.category != .aeoCertificationIntent {
                throw .notAuthorised(
                    "an association files enterprises' certification intentions (AEO_CERTIFICATION_INTENT) only "
                        + "(measure 18)",
                    field: "\(p).category")
            }
            let office = topology.responsibleCustoms(forArea: m.area)
            if t.checking, office == nil {
                throw Refusal(
                    .invalidField, "no customs office is responsible for area \(m.area) in the topology",
                    field: "\(p).area")
            }
            let key = Self.requestKey(m.enterprise.uscc, m.category)
            let duplicate = openRequests[key]?.first
            work.entriesVisited += 1
            requests[m.requestID] = RequestRecord(
                id: m.requestID, uscc: m.enterprise.uscc, enterpriseName: m.enterprise.name, area: m.area,
                category: m.category, filer: sender.id, filedAt: now, status: .filed, handlingOffice: office,
                updatedAt: now, duplicateOf: duplicate
            )
            openRequests[key, default: []].append(m.requestID)
            var admission = route([office], sender: sender, uscc: m.enterprise.uscc)
            if let duplicate, let earlier = requests[duplicate] {
                let handler = earlier.handlingOffice ?? "-"
                admission.notes.append(
                    "\(m.enterprise.uscc) already has open request \(duplicate) of this category, filed by "
                        + "\(earlier.filer) on \(day(earlier.filedAt)) and handled by \(handler): "
                        + "this one is recorded as its probable duplicate; withdraw it if it adds nothing")
            }
            return admission
        case .requestAcknowledged(let m):
            var request = try openRequest(m.requestID, p)
            guard request.status == .filed else {
                throw .workflow("request \(m.requestID) was already acknowledged by \(request.handlingOffice ?? "-")")
            }
            // The office the request was routed to takes it on, or hands it to another office or to the
            // department responsible for the matter (measures 6, 9, 14, 15: approvals, tax refunds, ports).
            try requireHandler(request, sender, t.checking)
            guard let handler = topology.units[m.handlingOffice], [.customs, .department].contains(handler.role) else {
                throw Refusal(
                    .invalidField, "\(m.handlingOffice) is not a customs office or a department of this network",
                    field: "\(p).handling_office")
            }
            request.status = .acknowledged
            request.handlingOffice = m.handlingOffice
            return update(request, at: now, sender: sender)
        case .requestProgress(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, t.checking)
            guard request.status != .filed else {
                throw .workflow("request \(m.requestID) must be acknowledged before progress is reported")
            }
            request.status = .inProgress
            return update(request, at: now, sender: sender)
        case .requestResolved(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, t.checking)
            guard request.status != .filed else {
                throw .workflow("request \(m.requestID) must be acknowledged before it is resolved")
            }
            request.status = .resolved
            return update(request, at: now, sender: sender)
        case .requestDeclined(let m):
            var request = try openRequest(m.requestID, p)
            try requireHandler(request, sender, t.checking)
            request.status = .declined
            return update(request, at: now, sender: sender)
        case .requestWithdrawn(let m):
            var request = try openRequest(m.requestID, p)
            if t.checking, request.filer != sender.id, sender.role != .coordinator {
                throw .notAuthorised(
                    "only the filer \(request.filer) (or the coordinator) may withdraw request \(m.requestID)")
            }
            request.status = .withdrawn
            return update(request, at: now, sender: sender)
        default:
            throw .unhandled(p)
        }
    }

    static func requestKey(_ uscc: String, _ category: RequestCategory) -> String { "\(uscc)\u{0}\(category.rawValue)" }

    func openRequest(_ id: String, _ p: String) throws(Refusal) -> RequestRecord {
        guard let request = requests[id] else { throw .workflow("there is no request \(id)", field: "\(p).request_id") }
        guard request.isOpen else { throw .workflow("request \(id) is already \(request.status.rawValue)") }
        return request
    }

    func requireHandler(_ request: RequestRecord, _ sender: Unit, _ checking: Bool) throws(Refusal) {
        guard checking, let office = request.handlingOffice, office != sender.id else { return }
        throw .notAuthorised("request \(request.id) is handled by \(office); only that office may answer it")
    }

    mutating func update(_ request: RequestRecord, at now: Int64, sender: Unit) -> Admission {
        var request = request
        request.updatedAt = now
        requests[request.id] = request
        if !request.isOpen {
            work.entriesVisited += openRequests[Self.requestKey(request.uscc, request.category)]?.count ?? 0
            openRequests[Self.requestKey(request.uscc, request.category)]?.removeAll { $0 == request.id }
        }
        return route([request.filer, request.handlingOffice], sender: sender, uscc: request.uscc)
    }
}
