import Foundation
import HubProtocol
import SwiftProtobuf

/// A node's latest presence: online or not, and when the hub wrote it (ms).
public struct Presence: Sendable, Hashable, Codable {
    public var online: Bool
    public var at: Int64
}

extension CoordinationState {
    /// The version of ``encodedFold()``'s layout. A snapshot of another version is not restored (the hub
    /// folds the log instead): raise it whenever a record's stored fields change.
    public static let foldLayoutVersion: UInt32 = 1

    /// Everything the fold holds but the topology, as UTF-8 JSON (SPEC.md 12): what a snapshot stores.
    public func encodedFold() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(Folded(self))
    }

    /// The state a snapshot holds, under `topology` (the snapshot names the topology it was folded under,
    /// and is restored only under the same one).
    public init(topology: Topology, restoring encoded: Data) throws {
        let folded = try JSONDecoder().decode(Folded.self, from: encoded)
        self.init(topology: topology)
        folded.restore(into: &self)
    }

    /// The fields of the fold, for ``encodedFold()``.
    struct Folded: Codable {
        var requests: RecordBook<RequestRecord>
        var cultivation: RecordBook<CultivationRecord>
        var cases: RecordBook<CaseRecord>
        var audits: RecordBook<AuditRecord>
        var meetings: RecordBook<MeetingRecord>
        var actions: RecordBook<ActionRecord>
        var creditChanges: RecordBook<CreditChangeRecord>
        var reports: RecordBook<ReportRecord>
        var barredUntil: [String: CivilDate]
        var certificates: RecordBook<CertificateRecord>
        var creditLevels: [String: CurrentLevel]
        var incentives: RecordBook<IncentiveRecord>
        var activities: RecordBook<ActivityRecord>
        var plans: RecordBook<PlanRecord>
        var presence: [String: Presence]
        var openRequests: [String: [String]]
        var openCase: [String: String]
        var scheduledAudits: Set<String>
        var changesOf: [String: [String]]
        var incentivesOf: [String: [String]]

        init(_ state: CoordinationState) {
            requests = state.requests
            cultivation = state.cultivation
            cases = state.cases
            audits = state.audits
            meetings = state.meetings
            actions = state.actions
            creditChanges = state.creditChanges
            reports = state.reports
            barredUntil = state.barredUntil
            certificates = state.certificates
            creditLevels = state.creditLevels
            incentives = state.incentives
            activities = state.activities
            plans = state.plans
            presence = state.presence
            openRequests = state.openRequests
            openCase = state.openCase
            scheduledAudits = state.scheduledAudits
            changesOf = state.changesOf
            incentivesOf = state.incentivesOf
        }

        func restore(into state: inout CoordinationState) {
            state.requests = requests
            state.cultivation = cultivation
            state.cases = cases
            state.audits = audits
            state.meetings = meetings
            state.actions = actions
            state.creditChanges = creditChanges
            state.reports = reports
            state.barredUntil = barredUntil
            state.certificates = certificates
            state.creditLevels = creditLevels
            state.incentives = incentives
            state.activities = activities
            state.plans = plans
            state.presence = presence
            state.openRequests = openRequests
            state.openCase = openCase
            state.scheduledAudits = scheduledAudits
            state.changesOf = changesOf
            state.incentivesOf = incentivesOf
        }
    }
}

extension Topology {
    /// The topology as canonical JSON (units, authorisation, areas, service time): what the fold depends
    /// on besides the log. A snapshot records its digest and is restored only under an equal topology.
    public var canonicalEncoding: Data {
        struct Canonical: Encodable {
            var units: [Unit]
            var authorisation: [String: [String]]
            var partnerArea: String
            var homeArea: String
            var requestServiceDays: Int
        }
        let canonical = Canonical(
            units: units.values.sorted { $0.id < $1.id },
            authorisation: Dictionary(
                uniqueKeysWithValues: authorisation.map { ($0.key.rawValue, $0.value.map(\.rawValue).sorted()) }),
            partnerArea: partnerArea, homeArea: homeArea, requestServiceDays: requestServiceDays)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(canonical)) ?? Data()
    }
}

// Protocol enums are stored by number and messages by their binary encoding (base64 in the JSON), so a
// snapshot keeps every field exactly.
extension RequestCategory: Codable {}
extension KeyListCategory: Codable {}
extension CaseKind: Codable {}
extension SuspensionGround: Codable {}
extension PlanApproach: Codable {}
extension ActivityKind: Codable {}
extension ActionStatus: Codable {}
extension AuditOutcome: Codable {}
extension LevelSet: Codable {}
extension Severity: Codable {}

extension SwiftProtobuf.Message {
    /// A message stored in a snapshot as its binary encoding.
    fileprivate static func decodeBinary(from decoder: any Swift.Decoder) throws -> Self {
        try Self(serializedBytes: try decoder.singleValueContainer().decode(Data.self))
    }

    fileprivate func encodeBinary(to encoder: any Swift.Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try serializedBytes() as Data)
    }
}

extension TimeSlot: Codable {
    public init(from decoder: any Swift.Decoder) throws { self = try .decodeBinary(from: decoder) }
    public func encode(to encoder: any Swift.Encoder) throws { try encodeBinary(to: encoder) }
}

extension AuditSite: Codable {
    public init(from decoder: any Swift.Decoder) throws { self = try .decodeBinary(from: decoder) }
    public func encode(to encoder: any Swift.Encoder) throws { try encodeBinary(to: encoder) }
}

extension Enterprise: Codable {
    public init(from decoder: any Swift.Decoder) throws { self = try .decodeBinary(from: decoder) }
    public func encode(to encoder: any Swift.Encoder) throws { try encodeBinary(to: encoder) }
}

extension Officer: Codable {
    public init(from decoder: any Swift.Decoder) throws { self = try .decodeBinary(from: decoder) }
    public func encode(to encoder: any Swift.Encoder) throws { try encodeBinary(to: encoder) }
}

extension Milestone: Codable {
    public init(from decoder: any Swift.Decoder) throws { self = try .decodeBinary(from: decoder) }
    public func encode(to encoder: any Swift.Encoder) throws { try encodeBinary(to: encoder) }
}
