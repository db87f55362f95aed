import Coordination
import Foundation
import HubNode
import HubProtocol
import Reports
import Testing

// Certification cases and audits, through the hub (part of WorkflowTransitionTests).
extension WorkflowTransitionTests {
    @Test(
        """
        certification: case, extension, joint audit, answers, conflicts, reschedule, cancel, complete, conclusion, \
        bar and review
        """
    )
    func certification() async throws {
        let n = try await Nodes()
        // Received 60 days ago, so that audits held in the past lie within the deadline.
        func open(
            _ id: String, _ firm: Enterprise = Self.enterprise, received: CivilDate = Self.today.adding(days: -60)
        ) -> Envelope {
            Self.e {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = id
                    $0.enterprise = firm
                    $0.applicationReceived = received.description
                }
            }
        }
        func propose(_ id: String, case caseID: String, areas: [String], slots: [TimeSlot], team: [String]) -> Envelope
        {
            Self.e {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = caseID
                    $0.auditID = id
                    $0.slots = slots
                    $0.enterpriseContact = Self.contact
                    $0.sites = areas.map { area in
                        AuditSite.with {
                            $0.name = "Site \(area)"
                            $0.address = "Road"
                            $0.customsArea = area
                        }
                    }
                    $0.team = team.map { officer in
                        Officer.with {
                            $0.officerID = officer
                            $0.name = "Officer \(officer)"
                        }
                    }
                }
            }
        }
        func respond(
            _ id: String, case caseID: String, _ answer: AuditAnswer, accept: [UInt32] = [], counter: [TimeSlot] = []
        ) -> Envelope {
            Self.e {
                $0.auditResponded = AuditResponded.with {
                    $0.auditID = id
                    $0.caseID = caseID
                    $0.answer = answer
                    $0.acceptedSlots = accept
                    $0.counterSlots = counter
                }
            }
        }
        func schedule(_ id: String, case caseID: String, _ slot: TimeSlot) -> Envelope {
            Self.e {
                $0.auditScheduled = AuditScheduled.with {
                    $0.auditID = id
                    $0.caseID = caseID
                    $0.slot = slot
                }
            }
        }

        try await n.send("huli", .refused(.notAuthorised, "may not send case_opened"), open("C1"))
        try await n.send("xm-dongdu", .accepted, open("C1"))
        try await n.send("xm-haicang", .refused(.workflowViolation, "already has open case C1"), open("C9"))
        try await n.send(
            "xm-haicang", .refused(.notAuthorised, "only that customs office acts on it"),
            Self.e {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = "C1"
                    $0.reason = "r"
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "deadline"),
            propose("A0", case: "C1", areas: ["3700"], slots: [Self.slot(40)], team: ["D1", "D2"]))
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = "C1"
                    $0.reason = "Documents late."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "already extended once"),
            Self.e {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = "C1"
                    $0.reason = "again"
                }
            })

        // A joint audit: Fuzhou must accept the slot.
        let slots = [Self.slot(-10), Self.slot(50)]
        try await n.send(
            "xm-dongdu",
            .refused(.invalidField, "customs area 9999 is neither this network's (3700) nor the partner's (3500)"),
            propose("A9", case: "C1", areas: ["3700", "9999"], slots: slots, team: ["D1", "D2"]))
        try await n.send(
            "xm-dongdu", .accepted,
            propose("A1", case: "C1", areas: ["3700", "3500"], slots: slots, team: ["D1", "D2"]))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "not accepted by fuzhou-customs"),
            schedule("A1", case: "C1", slots[0]))
        try await n.send(
            "huli", .refused(.notAuthorised, "may not send audit_responded"),
            respond("A1", case: "C1", .accept, accept: [0]))
        try await n.send(
            "xm-haicang", .refused(.notAuthorised, "not a participant"), respond("A1", case: "C1", .accept, accept: [0])
        )
        try await n.send(
            "fuzhou-customs", .refused(.invalidField, "slot index 5 does not exist"),
            respond("A1", case: "C1", .accept, accept: [5]))
        try await n.send("fuzhou-customs", .accepted, respond("A1", case: "C1", .decline))
        let counter = Self.slot(-8)
        try await n.send("fuzhou-customs", .accepted, respond("A1", case: "C1", .counterPropose, counter: [counter]))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "not one of audit A1's candidate slots"),
            schedule("A1", case: "C1", Self.slot(-9)))
        try await n.send(
            "fuzhou-customs", .refused(.notAuthorised, "may not send audit_scheduled"),
            schedule("A1", case: "C1", counter))
        try await n.send("xm-dongdu", .accepted, schedule("A1", case: "C1", counter))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "not proposed"), schedule("A1", case: "C1", counter))

        // A second case, an audit with no site in Fuzhou's area, conflicting with A1.
        try await n.send("xm-dongdu", .accepted, open("C2", Self.other))
        try await n.send(
            "xm-dongdu", .accepted,
            propose("A2", case: "C2", areas: ["3700"], slots: [counter, Self.slot(-6)], team: ["D2", "D3"]))
        try await n.send(
            "fuzhou-customs", .refused(.notAuthorised, "answers only audits with a site in its area"),
            respond("A2", case: "C2", .accept, accept: [0]))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "officer D2 is already booked"),
            schedule("A2", case: "C2", counter))
        try await n.send("xm-dongdu", .accepted, schedule("A2", case: "C2", Self.slot(-6)))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "belongs to case C2"), schedule("A2", case: "C1", Self.slot(-6)))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "not one of audit A2's candidate slots"),
            Self.e {
                $0.auditRescheduled = AuditRescheduled.with {
                    $0.auditID = "A2"
                    $0.caseID = "C2"
                    $0.slot = Self.slot(-5)
                    $0.reason = "r"
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.auditRescheduled = AuditRescheduled.with {
                    $0.auditID = "A2"
                    $0.caseID = "C2"
                    $0.slot = Self.slot(-6)
                    $0.reason = "Same day, confirmed."
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.auditCancelled = AuditCancelled.with {
                    $0.auditID = "A2"
                    $0.caseID = "C2"
                    $0.reason = "Enterprise withdrew."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "only a scheduled audit can be completed"),
            Self.e {
                $0.auditCompleted = AuditCompleted.with {
                    $0.auditID = "A2"
                    $0.caseID = "C2"
                    $0.outcome = .passed
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = "C2"
                    $0.result = .notCertified
                    $0.reason = "Withdrew."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "it may apply again from \(Self.today.adding(years: 1))"),
            open("C3", Self.other))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "no completed on-site audit that passed"),
            Self.e {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = "C1"
                    $0.result = .certified
                }
            })

        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.auditCompleted = AuditCompleted.with {
                    $0.auditID = "A1"
                    $0.caseID = "C1"
                    $0.outcome = .passedWithFindings
                    $0.findings = "Minor."
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = "C1"
                    $0.result = .certified
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "case C1 is concluded"),
            Self.e {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = "C1"
                    $0.reason = "late"
                }
            })

        let state = try await n.view()
        #expect(state.audits["A1"]?.status == .completed)
        #expect(state.audits["A1"]?.joint == true)
        #expect(state.audits["A2"]?.status == .cancelled)
        #expect(state.cases["C1"]?.status == .certified)
        #expect(state.cases["C1"]?.reviewDue == Self.today.adding(years: 5))
        #expect(state.cases["C1"]?.deadline == Self.today.adding(days: 60))
        #expect(state.standings[Self.other.uscc]?.bar?.until == Self.today.adding(years: 1))

        // Fuzhou's view shows the joint audit it took part in, and its case in full.
        let fuzhou = try await n.nodes["fuzhou-customs"]!.view(.of(.audits))
        #expect(fuzhou.audits.first { $0.auditID == "A1" }?.status == "completed")
        let fuzhouCases = try await n.nodes["fuzhou-customs"]!.view(.of(.cases))
        #expect(fuzhouCases.cases.map(\.caseID) == ["C1"])
        #expect(fuzhouCases.cases.first?.enterprise.uscc == Self.enterprise.uscc)
        #expect(fuzhouCases.cases.first?.deadline == Self.today.adding(days: 60).description)
        await n.close()
    }
}
