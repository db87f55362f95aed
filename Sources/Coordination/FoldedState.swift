import Foundation
import HubProtocol
import SwiftProtobuf

/// A node's latest presence: online or not, and when the hub wrote it (ms).
public struct Presence: Sendable, Hashable {
    public var online: Bool
    public var at: Int64
}

/// A stored state that does not decode into records (a date that is not `YYYY-MM-DD`, an unknown status).
public struct StoredStateError: Error, CustomStringConvertible {
    public let description: String
}

extension CoordinationState {
    /// How a snapshot stores the state (SPEC.md 12): 3 is ``StoredState`` (state.proto) with each
    /// enterprise's standing. A snapshot of another layout is not restored (the hub folds the log
    /// instead): raise it whenever the stored fields change meaning.
    public static let foldLayoutVersion: UInt32 = 3

    /// Everything the fold holds but the topology: what a snapshot stores.
    public var storedFold: StoredState {
        var stored = StoredState()
        stored.requests = requests.byID.mapValues(\.stored)
        stored.cultivation = cultivation.byID.mapValues(\.stored)
        stored.cases = cases.byID.mapValues(\.stored)
        stored.audits = audits.byID.mapValues(\.stored)
        stored.meetings = meetings.byID.mapValues(\.stored)
        stored.actions = actions.byID.mapValues(\.stored)
        stored.creditChanges = creditChanges.byID.mapValues(\.stored)
        stored.reports = reports.byID.mapValues(\.stored)
        stored.standings = standings.byID.mapValues(\.stored)
        stored.breaches = breaches.byID.mapValues(\.stored)
        stored.services = services.byID.mapValues(\.stored)
        stored.windows = windows.byID.mapValues(\.stored)
        stored.priorityMatters = priorityMatters.byID.mapValues(\.stored)
        stored.incentives = incentives.byID.mapValues(\.stored)
        stored.activities = activities.byID.mapValues(\.stored)
        stored.plans = plans.byID.mapValues(\.stored)
        stored.presence = presence.mapValues { presence in
            StoredPresence.with {
                $0.online = presence.online
                $0.atMs = presence.at
            }
        }
        stored.openRequests = openRequests.mapValues(StoredIds.init(_:))
        stored.scheduledAudits = Array(scheduledAudits)
        stored.changesOf = changesOf.mapValues(StoredIds.init(_:))
        return stored
    }

    /// The state a snapshot holds, under `topology` (the snapshot names the topology it was folded under,
    /// and is restored only under the same one).
    public init(topology: Topology, restoring stored: StoredState) throws {
        self.init(topology: topology)
        try restore(stored)
    }

    /// Sets every field of the fold from `stored`: the one place a restore touches the state.
    mutating func restore(_ stored: StoredState) throws {
        requests = RecordBook(try stored.requests.mapValues(RequestRecord.init(stored:)))
        cultivation = RecordBook(try stored.cultivation.mapValues(CultivationRecord.init(stored:)))
        cases = RecordBook(try stored.cases.mapValues(CaseRecord.init(stored:)))
        audits = RecordBook(try stored.audits.mapValues(AuditRecord.init(stored:)))
        meetings = RecordBook(stored.meetings.mapValues(MeetingRecord.init(stored:)))
        actions = RecordBook(try stored.actions.mapValues(ActionRecord.init(stored:)))
        creditChanges = RecordBook(try stored.creditChanges.mapValues(CreditChangeRecord.init(stored:)))
        reports = RecordBook(stored.reports.mapValues(ReportRecord.init(stored:)))
        standings = RecordBook(try stored.standings.mapValues(EnterpriseStanding.init(stored:)))
        breaches = RecordBook(try stored.breaches.mapValues(BreachRecord.init(stored:)))
        services = RecordBook(try stored.services.mapValues(ServiceRecord.init(stored:)))
        windows = RecordBook(try stored.windows.mapValues(WindowRecord.init(stored:)))
        priorityMatters = RecordBook(try stored.priorityMatters.mapValues(PriorityMattersRecord.init(stored:)))
        incentives = RecordBook(try stored.incentives.mapValues(IncentiveRecord.init(stored:)))
        activities = RecordBook(try stored.activities.mapValues(ActivityRecord.init(stored:)))
        plans = RecordBook(stored.plans.mapValues(PlanRecord.init(stored:)))
        presence = stored.presence.mapValues { Presence(online: $0.online, at: $0.atMs) }
        openRequests = stored.openRequests.mapValues(\.ids)
        scheduledAudits = Set(stored.scheduledAudits)
        changesOf = stored.changesOf.mapValues(\.ids)
    }
}

extension StoredIds {
    init(_ ids: [String]) {
        self.init()
        self.ids = ids
    }
}

/// A stored date, `YYYY-MM-DD`.
func civilDate(_ text: String, _ field: String) throws -> CivilDate {
    guard let date = CivilDate(text) else {
        throw StoredStateError(description: "\(field) \"\(text)\" is not a date YYYY-MM-DD")
    }
    return date
}

/// A stored optional date: absent is `nil`.
func civilDate(_ text: String, present: Bool, _ field: String) throws -> CivilDate? {
    present ? try civilDate(text, field) : nil
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
            var confirmationWorkingDays: Int
        }
        let canonical = Canonical(
            units: units.values.sorted { $0.id < $1.id },
            authorisation: Dictionary(
                uniqueKeysWithValues: authorisation.map { ($0.key.rawValue, $0.value.map(\.rawValue).sorted()) }),
            partnerArea: partnerArea, homeArea: homeArea, requestServiceDays: requestServiceDays,
            confirmationWorkingDays: confirmationWorkingDays)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(canonical)) ?? Data()
    }
}
