import Coordination
import Deployment
import Foundation
import HubNode
import HubProtocol
import Logging
import Reports
import ZeroMQ

/// The demo's story: the three daily uses, then the meeting's replay and the report.
struct Scenario {
    let network: DemoNetwork
    let say: @Sendable (String) -> Void
    let keys: [String: CurveKeyPair]
    let hubKey: CurveKey
    let endpoint: String
    let stateFolder: String
    let logger: Logger

    static let enterprise = Enterprise.with {
        $0.uscc = "91350200776049653A"
        $0.name = "Xiamen Example Trading Co., Ltd."
        $0.customsCode = "3502960001"
    }
    static let contact = Contact.with {
        $0.name = "Lin Wei"
        $0.title = "Deputy General Manager (customs affairs)"
        $0.phone = "+86 592 555 0101"
    }

    @discardableResult
    func submit(_ sender: String, _ envelope: Envelope) async throws -> Accepted {
        let accepted = try await network.node(sender).submit(envelope)
        say(
            "  \(sender.padding(toLength: 16, withPad: " ", startingAt: 0)) \(envelope.messageType?.rawValue ?? "?") "
                + "accepted as #\(accepted.sequence)"
        )
        return accepted
    }

    func attempt(_ sender: String, _ envelope: Envelope) async throws {
        do {
            try await submit(sender, envelope)
        } catch let NodeError.rejected(code, reason, _) {
            say(
                "  \(sender.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                    + "\(envelope.messageType?.rawValue ?? "?") REJECTED \(code): \(reason)"
            )
        }
    }

    func play(into directory: URL) async throws -> [String] {
        let now = Date()
        let today = CivilDate(chinaTimeMilliseconds: Int64(now.timeIntervalSince1970 * 1000))
        let suffix = String(UUID().uuidString.prefix(4))

        // 1. A district officer posts an enterprise request.
        say("== 1. Districts file enterprise requests; customs answers")
        let request = "REQ-\(today.year)-\(suffix)-1"
        try await submit(
            "huli",
            Envelope.with {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = request
                    $0.enterprise = Self.enterprise
                    $0.area = "350206"
                    $0.category = .aeoCertificationIntent
                    $0.description_p = "Intends to apply for AEO certification this year."
                    $0.contact = Self.contact
                }
            })
        let seen = try await network.waitFor("xm-dongdu") { $0.requestFiled.requestID == request }
        say("  xm-dongdu        received #\(seen.sequence) from \(seen.sender): \(EnvelopeText.summary(seen))")
        try await submit(
            "siming",
            Envelope.with {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = "REQ-\(today.year)-\(suffix)-2"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "913502000728319549"
                        $0.name = "Siming Precision Parts Co."
                    }
                    $0.area = "350203"
                    $0.category = .clearancePainPoint
                    $0.description_p = "Inspection of bonded parts takes four days at the port."
                    $0.contact = Self.contact
                }
            })
        try await attempt(
            "siming",
            Envelope.with {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = "REQ-\(today.year)-\(suffix)-3"
                    $0.enterprise = Self.enterprise
                    $0.area = "350206"
                    $0.category = .policyConsultation
                    $0.description_p = "Filed for another district's enterprise."
                    $0.contact = Self.contact
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.requestAcknowledged = RequestAcknowledged.with {
                    $0.requestID = request
                    $0.handlingOffice = "xm-dongdu"
                    $0.note = "Credit section takes it."
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.requestResolved = RequestResolved.with {
                    $0.requestID = request
                    $0.resolution = "Pre-assessment held; the enterprise applies next week."
                }
            })
        try await submit(
            "torch",
            Envelope.with {
                $0.cultivationRecommended = CultivationRecommended.with {
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "91350203MA31NDF85F"
                        $0.name = "Torch Semiconductor Co."
                    }
                    $0.reason = "Export growth of 40% and a clean compliance record."
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.cultivationListed = CultivationListed.with {
                    $0.uscc = "91350203MA31NDF85F"
                    $0.note = "Priority assessment."
                }
            })

        // 2. Customs schedules a joint on-site audit with Fuzhou, which is offline at first.
        say("\n== 2. Customs schedules a joint on-site audit with Fuzhou Customs (offline at first)")
        let caseID = "CASE-\(today.year)-\(suffix)"
        let auditID = "AUD-\(today.year)-\(suffix)-1"
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = caseID
                    $0.enterprise = Self.enterprise
                    $0.applicationReceived = today.adding(days: -10).description
                }
            })
        let day = 86_400_000 as Int64
        let base = today.adding(days: 14).chinaMidnightMilliseconds + 9 * 3_600_000
        let slots = [0, 7].map { offset in
            TimeSlot.with {
                $0.startMs = base + Int64(offset) * day
                $0.endMs = base + Int64(offset) * day + 8 * 3_600_000
            }
        }
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = caseID
                    $0.auditID = auditID
                    $0.sites = [
                        AuditSite.with {
                            $0.name = "Head office"
                            $0.address = "Huli District, Xiamen"
                            $0.customsArea = "3700"
                        },
                        AuditSite.with {
                            $0.name = "Fuzhou branch warehouse"
                            $0.address = "Mawei, Fuzhou"
                            $0.customsArea = "3500"
                        },
                    ]
                    $0.slots = slots
                    $0.team = [
                        Officer.with {
                            $0.officerID = "DD-1001"
                            $0.name = "Chen Hua"
                            $0.office = "xm-dongdu"
                        },
                        Officer.with {
                            $0.officerID = "DD-1002"
                            $0.name = "Wang Fang"
                            $0.office = "xm-dongdu"
                        },
                    ]
                    $0.enterpriseContact = Self.contact
                }
            })
        try await attempt(
            "xm-dongdu",
            Envelope.with {
                $0.auditScheduled = AuditScheduled.with {
                    $0.auditID = auditID
                    $0.caseID = caseID
                    $0.slot = slots[1]
                }
            })
        say("  fuzhou-customs   comes online and catches up")
        try await network.add(
            XiamenNetwork.fuzhou, endpoint: endpoint, hubKey: hubKey, keyPair: keys[XiamenNetwork.fuzhou]!,
            stateFolder: stateFolder, logger: logger)
        let proposal = try await network.waitFor(XiamenNetwork.fuzhou) { $0.auditProposed.auditID == auditID }
        for envelope in network.received(XiamenNetwork.fuzhou) where envelope.messageType != .nodePresence {
            say(
                "  fuzhou-customs   caught up #\(envelope.sequence) \(envelope.messageType?.rawValue ?? "?") from "
                    + "\(envelope.sender)"
            )
        }
        _ = proposal
        try await submit(
            XiamenNetwork.fuzhou,
            Envelope.with {
                $0.auditResponded = AuditResponded.with {
                    $0.auditID = auditID
                    $0.caseID = caseID
                    $0.answer = .accept
                    $0.acceptedSlots = [1]
                    $0.note = "Fuzhou attends the second slot."
                }
            })
        try await submit(
            "xm-dongdu",
            Envelope.with {
                $0.auditScheduled = AuditScheduled.with {
                    $0.auditID = auditID
                    $0.caseID = caseID
                    $0.slot = slots[1]
                }
            })
        let scheduled = try await network.waitFor(XiamenNetwork.fuzhou) { $0.auditScheduled.auditID == auditID }
        say("  fuzhou-customs   received: \(EnvelopeText.summary(scheduled))")

        // 3. A joint meeting, convened and minuted.
        say("\n== 3. A joint meeting is convened and minuted")
        let meetingID = "JM-\(today.year)-\(suffix)"
        let invitees = ["xm-dongdu", "xm-haicang", "huli", "siming", "torch", "ftz"]
        let meetingStart = today.adding(days: -1).chinaMidnightMilliseconds + 14 * 3_600_000
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = meetingID
                    $0.title = "Joint meeting on AEO cultivation"
                    $0.agenda = [
                        AgendaItem.with {
                            $0.itemID = "1"
                            $0.title = "Key list review"
                            $0.proposer = "commerce-bureau"
                        }
                    ]
                    $0.invitees = invitees
                    $0.place = "Municipal Commerce Bureau, room 301"
                    $0.time = TimeSlot.with {
                        $0.startMs = meetingStart
                        $0.endMs = meetingStart + 2 * 3_600_000
                    }
                }
            })
        try await submit(
            "huli",
            Envelope.with {
                $0.agendaItemProposed = AgendaItemProposed.with {
                    $0.meetingID = meetingID
                    $0.item = AgendaItem.with {
                        $0.itemID = "2"
                        $0.title = "Clearance pain points in Huli"
                        $0.proposer = "huli"
                    }
                }
            })
        for unit in ["xm-dongdu", "huli", "siming"] {
            try await submit(
                unit,
                Envelope.with {
                    $0.meetingRsvp = MeetingRsvp.with {
                        $0.meetingID = meetingID
                        $0.answer = .attending
                    }
                })
        }
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.attendanceRecorded = AttendanceRecorded.with {
                    $0.meetingID = meetingID
                    $0.present = ["xm-dongdu", "huli", "siming", "torch"]
                    $0.absent = ["xm-haicang", "ftz"]
                }
            })
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.minutesEntry = MinutesEntry.with {
                    $0.meetingID = meetingID
                    $0.entryID = "M1"
                    $0.itemID = "1"
                    $0.text = "Eleven enterprises reviewed; four meet the bar."
                }
            })
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.decisionRecorded = DecisionRecorded.with {
                    $0.meetingID = meetingID
                    $0.decisionID = "D1"
                    $0.itemID = "1"
                    $0.text = "Add four enterprises to the key list."
                }
            })
        let actionID = "ACT-\(today.year)-\(suffix)-1"
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.actionItemAssigned = ActionItemAssigned.with {
                    $0.meetingID = meetingID
                    $0.actionID = actionID
                    $0.ownerUnit = "huli"
                    $0.decisionID = "D1"
                    $0.dueDate = today.adding(days: 30).description
                    $0.text = "Collect the four enterprises' documents."
                }
            })
        try await submit(
            "commerce-bureau",
            Envelope.with {
                $0.meetingClosed = MeetingClosed.with {
                    $0.meetingID = meetingID
                    $0.summary = "One decision, one action item."
                }
            })
        try await submit(
            "huli",
            Envelope.with {
                $0.actionItemProgress = ActionItemProgress.with {
                    $0.meetingID = meetingID
                    $0.actionID = actionID
                    $0.status = .inProgress
                    $0.note = "Two of four collected."
                }
            })

        // 4. An AEO's standing: certified, granted, suspended, downgraded; its incentives follow.
        say("\n== 4. An AEO's standing: certified, granted an incentive, suspended (暂停适用), downgraded")
        try await standing(today: today, suffix: suffix)

        // 5. A review (复核) brought forward by an anomaly.
        say("\n== 5. A certified enterprise's review (复核), brought forward by an anomaly")
        try await review(today: today, suffix: suffix)

        // 6. The coordinator replays the meeting's log.
        say("\n== 6. The coordinator replays the meeting's record")
        let bureau = network.node("commerce-bureau")
        for stored in try await bureau.replay(ReplayRequest.with { $0.meetingID = meetingID }) {
            say("  " + EnvelopeText.line(try stored.decoded()))
        }

        // 7. The bimonthly report, compiled from the log.
        say("\n== 7. The bimonthly report")
        let period = BimonthlyReport.period(containing: today)
        for (unit, filed) in [("huli", 1), ("siming", 1), ("xm-dongdu", 0)] {
            try await submit(
                unit,
                Envelope.with {
                    $0.progressReport = ProgressReport.with {
                        $0.period = period
                        $0.text = "Progress as recorded on the hub."
                        $0.figures = [
                            Figure.with {
                                $0.name = "requests_filed"
                                $0.value = Int64(filed)
                            }
                        ]
                    }
                })
        }
        let records = try await bureau.replay(ReplayRequest()).map { try $0.decoded() }
        let activity = PeriodActivity(
            period: ReportPeriod(containing: today), records: records, topology: Topology(units: XiamenNetwork.units),
            today: today)
        let report = BimonthlyReport(activity: activity, today: today)
        var paths: [String] = []
        for (ext, text) in [("md", report.markdown), ("html", report.html), ("csv", report.csv)] {
            let path = directory.appendingPathComponent(
                "report-\(period.replacingOccurrences(of: "/", with: "_")).\(ext)"
            ).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        say("  report for \(period): \(paths.joined(separator: ", "))")
        return paths
    }

}
