import Coordination
import Deployment
import Foundation
import HubProtocol
import Reports

/// A small log of every workflow, at fixed times, for output that must not drift.
enum SampleLog {
    static let today = CivilDate("2026-10-15")!
    static let topology = Topology(units: XiamenNetwork.units)

    static func at(_ day: String, _ hour: Int) -> Int64 {
        CivilDate(day)!.chinaMidnightMilliseconds + Int64(hour) * 3_600_000
    }

    static func slot(_ day: String, _ from: Int, _ to: Int) -> TimeSlot {
        TimeSlot.with {
            $0.startMs = at(day, from)
            $0.endMs = at(day, to)
        }
    }

    static let trading = Enterprise.with {
        $0.uscc = "91350206MA8QH2T10N"
        $0.name = "Xiamen Example Trading Co., Ltd."
    }
    static let logistics = Enterprise.with {
        $0.uscc = "91350211M0000XUF46"
        $0.name = "Jimei Logistics Co."
    }

    /// The records, in log order, as the hub accepted them.
    static var records: [Envelope] {
        let steps: [(String, Int64, (inout Envelope) -> Void)] = [
            (
                "huli", at("2026-09-01", 9),
                {
                    $0.requestFiled = RequestFiled.with {
                        $0.requestID = "REQ-1"
                        $0.enterprise = trading
                        $0.area = "350206"
                        $0.category = .aeoCertificationIntent
                        $0.description_p = "Intends to apply."
                    }
                }
            ),
            (
                "huli", at("2026-09-02", 9),
                {
                    $0.requestFiled = RequestFiled.with {
                        $0.requestID = "REQ-2"
                        $0.enterprise = logistics
                        $0.area = "350206"
                        $0.category = .clearancePainPoint
                        $0.description_p = "Inspection takes four days."
                    }
                }
            ),
            (
                "xm-dongdu", at("2026-09-03", 10),
                {
                    $0.requestAcknowledged = RequestAcknowledged.with {
                        $0.requestID = "REQ-1"
                        $0.handlingOffice = "xm-dongdu"
                    }
                }
            ),
            (
                "torch", at("2026-09-04", 9),
                {
                    $0.cultivationRecommended = CultivationRecommended.with {
                        $0.enterprise = trading
                        $0.reason = "Growth."
                    }
                }
            ),
            (
                "xm-dongdu", at("2026-09-05", 9),
                {
                    $0.caseOpened = CaseOpened.with {
                        $0.caseID = "CASE-1"
                        $0.enterprise = trading
                        $0.applicationReceived = "2026-09-05"
                    }
                }
            ),
            (
                "xm-dongdu", at("2026-09-06", 9),
                {
                    $0.auditProposed = AuditProposed.with {
                        $0.caseID = "CASE-1"
                        $0.auditID = "AUD-1"
                        $0.sites = [
                            AuditSite.with {
                                $0.name = "Head office"
                                $0.address = "Huli"
                                $0.customsArea = "3700"
                            },
                            AuditSite.with {
                                $0.name = "Branch"
                                $0.address = "Mawei"
                                $0.customsArea = "3500"
                            },
                        ]
                        $0.slots = [slot("2026-10-20", 9, 17), slot("2026-10-27", 9, 17)]
                        $0.team = [
                            Officer.with {
                                $0.officerID = "DD-1"
                                $0.name = "Chen Hua"
                                $0.office = "xm-dongdu"
                            },
                            Officer.with {
                                $0.officerID = "DD-2"
                                $0.name = "Wang Li"
                                $0.office = "xm-dongdu"
                            },
                        ]
                    }
                }
            ),
            (
                "fuzhou-customs", at("2026-09-07", 9),
                {
                    $0.auditResponded = AuditResponded.with {
                        $0.caseID = "CASE-1"
                        $0.auditID = "AUD-1"
                        $0.answer = .accept
                        $0.acceptedSlots = [1]
                        $0.note = "Second."
                    }
                }
            ),
            (
                "commerce-bureau", at("2026-09-08", 14),
                {
                    $0.meetingConvened = MeetingConvened.with {
                        $0.meetingID = "JM-1"
                        $0.title = "Joint meeting"
                        $0.invitees = ["huli", "xm-dongdu"]
                        $0.place = "Room 301"
                        $0.time = slot("2026-09-10", 14, 16)
                    }
                }
            ),
            (
                "huli", at("2026-09-09", 9),
                {
                    $0.meetingRsvp = MeetingRsvp.with {
                        $0.meetingID = "JM-1"
                        $0.answer = .attending
                    }
                }
            ),
            (
                "commerce-bureau", at("2026-09-10", 17),
                {
                    $0.actionItemAssigned = ActionItemAssigned.with {
                        $0.meetingID = "JM-1"
                        $0.actionID = "ACT-1"
                        $0.ownerUnit = "huli"
                        $0.dueDate = "2026-10-01"
                        $0.text = "Collect documents."
                    }
                }
            ),
            (
                "huli", at("2026-09-11", 9),
                {
                    $0.actionItemProgress = ActionItemProgress.with {
                        $0.meetingID = "JM-1"
                        $0.actionID = "ACT-1"
                        $0.status = .blocked
                        $0.note = "Waiting."
                    }
                }
            ),
            (
                "xm-dongdu", at("2026-09-12", 9),
                {
                    $0.creditChangePublished = CreditChangePublished.with {
                        $0.changeID = "CR-1"
                        $0.enterprise = logistics
                        $0.levelSet = .order282
                        $0.fromLevel = "advanced_certified"
                        $0.toLevel = "regular"
                        $0.reason = "Breach."
                        $0.severity = .general
                        $0.effectiveDate = "2026-09-12"
                        $0.stopJointIncentives = true
                    }
                }
            ),
            (
                "huli", at("2026-09-13", 9),
                {
                    $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = "CR-1" }
                }
            ),
        ]
        return steps.enumerated().map { index, step in
            var envelope = Envelope.with {
                $0.messageID = "m\(index + 1)"
                $0.sequence = UInt64(index + 1)
                $0.sender = step.0
                $0.acceptedAtMs = step.1
            }
            step.2(&envelope)
            return envelope
        }
    }

    /// The state folded from the records.
    static var state: CoordinationState {
        var state = CoordinationState(topology: topology)
        for record in records { _ = state.fold(record) }
        return state
    }

    /// The listings as `unit` sees them; in English unless `language` says otherwise.
    static func listings(for unit: String = "commerce-bureau", language: Language? = nil) -> Listings {
        var view = View()
        let state = state
        for kind in [ViewKind.requests, .cultivation, .cases, .audits, .meetings, .actions, .creditChanges] {
            let part = state.view(ViewRequest.with { $0.kind = kind }, for: unit, on: today)
            view.requests += part.requests
            view.cultivation += part.cultivation
            view.cases += part.cases
            view.audits += part.audits
            view.meetings += part.meetings
            view.actions += part.actions
            view.creditChanges += part.creditChanges
        }
        guard let language else { return Listings(view: view, today: today, serviceDays: 20) }
        return Listings(view: view, today: today, serviceDays: 20, language: language)
    }

    /// The bimonthly report on 2026-09/2026-10.
    static func report(_ language: Language) -> BimonthlyReport {
        let period = try! ReportPeriod("2026-09/2026-10", today: today)
        let activity = PeriodActivity(period: period, records: records, topology: topology, today: today)
        return BimonthlyReport(activity: activity, today: today, language: language)
    }
}
