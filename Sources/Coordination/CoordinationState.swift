import HubProtocol

/// The state of every workflow, as a fold over the log.
///
/// The hub calls ``admit(_:from:at:)`` before it accepts a message: authorisation, the workflow's
/// rules and routing, all without I/O. Replay and reports rebuild the same state with
/// ``fold(_:)`` over the stored envelopes. A value type: the hub keeps a copy to roll back a batch
/// that fails to commit.
public struct CoordinationState: Sendable, Equatable {
    public let topology: Topology
    public internal(set) var requests = RecordBook<RequestRecord>()
    public internal(set) var cultivation = RecordBook<CultivationRecord>()
    public internal(set) var cases = RecordBook<CaseRecord>()
    public internal(set) var audits = RecordBook<AuditRecord>()
    public internal(set) var meetings = RecordBook<MeetingRecord>()
    public internal(set) var actions = RecordBook<ActionRecord>()
    public internal(set) var creditChanges = RecordBook<CreditChangeRecord>()
    /// Each unit's latest report per period, keyed by unit and period.
    public internal(set) var reports = RecordBook<ReportRecord>()
    /// Each enterprise's AEO standing by USCC: certificate, levels, bar, open case, incentives held.
    public internal(set) var standings = RecordBook<EnterpriseStanding>()
    public internal(set) var breaches = RecordBook<BreachRecord>()
    /// Services given to AEOs (measures 9, 13, 14).
    public internal(set) var services = RecordBook<ServiceRecord>()
    /// AEO service windows (measure 17) by id, and each unit's latest priority-matter list (measure 19).
    public internal(set) var windows = RecordBook<WindowRecord>()
    public internal(set) var priorityMatters = RecordBook<PriorityMattersRecord>()
    public internal(set) var incentives = RecordBook<IncentiveRecord>()
    public internal(set) var activities = RecordBook<ActivityRecord>()
    public internal(set) var plans = RecordBook<PlanRecord>()
    /// Each node's latest presence: online or not, and when the hub wrote it (ms).
    public internal(set) var presence: [String: Presence] = [:]

    // Indexes, so that no rule scans history (issue 14): each answers one rule's question directly.
    /// Open requests by enterprise and category, in the order filed.
    var openRequests: [String: [String]] = [:]
    /// Audits scheduled now (not yet completed or cancelled).
    var scheduledAudits: Set<String> = []
    /// Credit changes by enterprise.
    var changesOf: [String: [String]] = [:]
    /// The index entries the checks visited (``WorkCount``).
    public internal(set) var work = WorkCount()

    /// The node id the hub stamps on the records it writes itself.
    public static let hubID = "hub"

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Checks that `sender` may send `envelope` now, applies it, and answers where it goes.
    public mutating func admit(
        _ envelope: Envelope, from sender: String, at acceptedAt: Int64
    ) throws(Refusal) -> Admission {
        guard let type = envelope.messageType else {
            throw Refusal(.unknownMessageType, "no message type this hub knows is set", field: "payload")
        }
        guard let unit = topology.units[sender] else {
            throw Refusal.notAuthorised("\(sender) is not a unit of this network")
        }
        let allowed = topology.authorisation[type] ?? []
        guard allowed.contains(unit.role) else {
            let who =
                allowed.isEmpty
                ? "only the hub writes it"
                : "only \(allowed.sorted().map(\.rawValue).joined(separator: ", ")) units may send it"
            throw Refusal.notAuthorised(
                "\(sender) is a \(unit.role.rawValue) unit and may not send \(type.rawValue): \(who)")
        }
        // Every check that can refuse comes before any change to the state, so a refused message
        // leaves it untouched.
        let explicit = try explicitRecipients(envelope.to, type: type, sender: unit)
        var admission = try apply(envelope, type: type, sender: unit, at: acceptedAt, checking: true)
        involve(admission.recipients + [sender], in: envelope)
        admission.recipients = Set(admission.recipients).union(explicit).subtracting([sender]).sorted()
        return admission
    }

    /// Applies a stored envelope (already accepted) to the state, as replay and reports do.
    /// Answers `false` if the envelope no longer fits the state (which an intact log never does).
    @discardableResult
    public mutating func fold(_ envelope: Envelope) -> Bool {
        guard let type = envelope.messageType else { return false }
        let unit =
            topology.units[envelope.sender] ?? Unit(id: envelope.sender, role: .coordinator, name: envelope.sender)
        do {
            let admission = try apply(envelope, type: type, sender: unit, at: envelope.acceptedAtMs, checking: false)
            involve(admission.recipients + [unit.id], in: envelope)
            return true
        } catch {
            return false
        }
    }

    // MARK: The transitions

    private mutating func apply(
        _ envelope: Envelope, type: MessageType, sender: Unit, at now: Int64, checking: Bool
    ) throws(Refusal) -> Admission {
        guard let payload = envelope.payload else {
            throw Refusal(.unknownMessageType, "no message type this hub knows is set", field: "payload")
        }
        let t = Transition(sender: sender, now: now, checking: checking, p: type.rawValue)
        switch type.workflow {
        case .requests: return try applyRequest(payload, t)
        case .cultivation: return try applyCultivation(payload, t)
        case .certification: return try applyCertification(payload, t)
        case .meetings: return try applyMeeting(payload, t)
        case .credit: return try applyCredit(payload, t)
        case .incentives: return try applyIncentive(payload, t)
        case .activities: return try applyActivity(payload, t)
        case .services: return try applyService(payload, t)
        case .reports, .presence: return try applyReport(payload, t)
        }
    }
}

/// One transition's inputs.
struct Transition {
    let sender: Unit
    /// The hub's clock when it accepts the message (the stored `accepted_at_ms` when folding).
    let now: Int64
    /// Whether the rules judge a new message. Folding an accepted record trusts the log: rules added
    /// in a later version (dates, levels, publicity) do not drop a record an earlier hub accepted.
    let checking: Bool
    /// The payload's field name, the prefix of every field path in a refusal.
    let p: String

    /// The hub's day in China time.
    var today: CivilDate { CivilDate(chinaTimeMilliseconds: now) }
}

extension Refusal {
    /// A payload reached a workflow that does not own it: a programming error, refused rather than crash.
    static func unhandled(_ p: String) -> Refusal {
        Refusal(.unknownMessageType, "\(p) is not handled by its workflow", field: "payload")
    }
}
