import Coordination
import Foundation
import HubProtocol

/// How envelopes read for people: one line each, with time and sender, in English or Chinese
/// (`EnvelopeText+Chinese.swift`). Slots are numbered from 1, as people count them.
public enum EnvelopeText {
    /// `"#12  2026-11-29 09:00:01  huli  request_filed  REQ-1 ..."`; in Chinese the summary starts
    /// with the type's Chinese name (`【提交诉求】REQ-1 ...`).
    public static func line(_ envelope: Envelope, language: Language = .en) -> String {
        let time = timestamp(envelope.acceptedAtMs)
        let type = envelope.messageType?.rawValue ?? "unknown"
        return "#\(envelope.sequence)".padding(toLength: 6, withPad: " ", startingAt: 0)
            + "  \(time)  " + envelope.sender.padding(toLength: 16, withPad: " ", startingAt: 0)
            + "  " + type.padding(toLength: 24, withPad: " ", startingAt: 0)
            + "  " + summary(envelope, language: language)
    }

    /// An instant in Xiamen's time (China Standard Time, UTC+8), `YYYY-MM-DD HH:MM:SS`.
    /// Worked out by hand, as ``JSONValue/isoTime(_:)`` is: a `DateFormatter` per call (ICU's set-up)
    /// cost a listing most of its time.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let iso = JSONValue.isoTime(milliseconds)  // YYYY-MM-DDTHH:MM:SS.mmm+08:00
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8)
    }

    public static func slot(_ slot: TimeSlot) -> String {
        "\(timestamp(slot.startMs).prefix(16))-\(timestamp(slot.endMs).dropFirst(11).prefix(5))"
    }

    /// What the payload says, in a few words, in `language`.
    public static func summary(_ envelope: Envelope, language: Language = .en) -> String {
        language == .zh ? chineseSummary(envelope) : englishSummary(envelope)
    }

    // swiftlint:disable:next cyclomatic_complexity
    /// What the payload says, in a few English words.
    static func englishSummary(_ envelope: Envelope) -> String {
        switch envelope.payload {
        case .requestFiled(let m):
            "\(m.requestID) \(m.enterprise.name) (\(m.enterprise.uscc)), area \(m.area): \(m.description_p)"
        case .requestAcknowledged(let m): "\(m.requestID) taken by \(m.handlingOffice)"
        case .requestProgress(let m): "\(m.requestID): \(m.note)"
        case .requestResolved(let m): "\(m.requestID) resolved: \(m.resolution)"
        case .requestDeclined(let m): "\(m.requestID) declined: \(m.reason)"
        case .requestWithdrawn(let m): "\(m.requestID) withdrawn \(m.reason)"
        case .cultivationRecommended(let m): "\(m.enterprise.name) (\(m.enterprise.uscc)): \(m.reason)"
        case .cultivationListed(let m): "\(m.uscc) on the key list \(m.note)"
        case .cultivationDeclined(let m): "\(m.uscc): \(m.reason)"
        case .cultivationRemoved(let m): "\(m.uscc): \(m.reason)"
        case .caseOpened(let m): "\(m.caseID) \(m.enterprise.name), application received \(m.applicationReceived)"
        case .caseExtended(let m): "\(m.caseID): \(m.reason)"
        case .auditProposed(let m):
            "\(m.auditID) for \(m.caseID): sites "
                + m.sites.map { "\($0.name) [\($0.customsArea)]" }.joined(separator: ", ")
                + "; slots \(m.slots.map(slot).joined(separator: ", "))"
                + "; team \(m.team.map(\.name).joined(separator: ", "))"
        case .auditResponded(let m):
            "\(m.auditID): \(answer(m.answer)) \(m.acceptedSlots.map { "slot \($0 + 1)" }.joined(separator: ", "))"
                + " \(m.note)"
        case .auditScheduled(let m): "\(m.auditID) scheduled \(slot(m.slot))"
        case .auditRescheduled(let m): "\(m.auditID) moved to \(slot(m.slot)): \(m.reason)"
        case .auditCancelled(let m): "\(m.auditID) cancelled: \(m.reason)"
        case .auditCompleted(let m): "\(m.auditID) completed: \(m.outcome.label) \(m.findings)"
        case .caseConcluded(let m): "\(m.caseID): \(m.result.label) \(m.reason)"
        case .reviewDue(let m): "\(m.uscc) review due \(m.dueDate)"
        case .meetingConvened(let m):
            "\(m.meetingID) \"\(m.title)\" at \(m.place), \(slot(m.time)); invited "
                + "\(m.invitees.joined(separator: ", "))"
        case .agendaItemProposed(let m): "\(m.meetingID) item \(m.item.itemID): \(m.item.title)"
        case .meetingRsvp(let m): "\(m.meetingID): \(m.answer.label)\(m.delegate.isEmpty ? "" : " (\(m.delegate))")"
        case .attendanceRecorded(let m):
            "\(m.meetingID) present: \(m.present.joined(separator: ", ")); absent: \(m.absent.joined(separator: ", "))"
        case .minutesEntry(let m): "\(m.meetingID) minutes \(m.entryID): \(m.text)"
        case .decisionRecorded(let m): "\(m.meetingID) decision \(m.decisionID): \(m.text)"
        case .actionItemAssigned(let m): "\(m.actionID) to \(m.ownerUnit), due \(m.dueDate): \(m.text)"
        case .actionItemProgress(let m): "\(m.actionID): \(m.status.label) \(m.note)"
        case .meetingClosed(let m): "\(m.meetingID) closed. \(m.summary)"
        case .creditChangePublished(let m):
            "\(m.changeID) \(m.enterprise.name) (\(m.enterprise.uscc)) "
                + "\(m.levelSet.level(m.fromLevel)?.name ?? m.fromLevel)"
                + " -> \(m.levelSet.level(m.toLevel)?.name ?? m.toLevel)"
                + " under \(m.levelSet.title), effective \(m.effectiveDate)"
                + (m.stopJointIncentives ? "; stop joint incentives" : "")
        case .creditChangeConfirmed(let m): "\(m.changeID) confirmed \(m.note)"
        case .creditChangeLifted(let m): "\(m.changeID) lifted: \(m.reason)"
        case .progressReport(let m):
            "report \(m.period): \(m.figures.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))"
        case .nodePresence(let m): "\(m.nodeID) \(m.online ? "online" : "offline") (\(m.reason))"
        default: MeasuresText.summary(envelope)
        }
    }

    static func answer(_ answer: AuditAnswer) -> String {
        switch answer {
        case .accept: "accepts"
        case .decline: "declines"
        case .counterPropose: "counter-proposes"
        default: "answers"
        }
    }
}
