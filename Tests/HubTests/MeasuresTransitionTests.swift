import Coordination
import Foundation
import HubNode
import HubProtocol
import Testing

/// The rules of protocol 1.2 (issue 16), each refused with a sentence an officer can act on and its
/// allowed path accepted, submitted by real nodes to a real hub.
@Suite("The measures' rules through the hub", .serialized)
struct MeasuresTransitionTests {
    typealias T = WorkflowTransitionTests
    static let today = T.today
    static let third = Enterprise.with {
        $0.uscc = "91350203MA31NDF85F"
        $0.name = "Torch Semiconductor"
    }

    static func open(_ id: String, _ firm: Enterprise, received: CivilDate, kind: CaseKind = .certification) -> Envelope
    {
        T.e {
            $0.caseOpened = CaseOpened.with {
                $0.caseID = id
                $0.enterprise = firm
                $0.applicationReceived = received.description
                $0.kind = kind
            }
        }
    }

    static func audit(_ id: String, case caseID: String, sites: [String], slot: TimeSlot) -> Envelope {
        T.e {
            $0.auditProposed = AuditProposed.with {
                $0.caseID = caseID
                $0.auditID = id
                $0.slots = [slot]
                $0.enterpriseContact = T.contact
                $0.sites = sites.map { name in
                    AuditSite.with {
                        $0.name = name
                        $0.address = "Road"
                        $0.customsArea = "3700"
                    }
                }
                $0.team = ["D1", "D2"].map { officer in
                    Officer.with {
                        $0.officerID = officer
                        $0.name = "Officer \(officer)"
                    }
                }
            }
        }
    }

    /// Certifies `firm` through `office`: a case received 30 days ago, a passed audit held two days ago.
    static func certify(
        _ n: T.Nodes, _ firm: Enterprise, case caseID: String, office: String = "xm-dongdu"
    )
        async throws
    {
        let held = T.slot(-2)
        try await n.send(office, .accepted, open(caseID, firm, received: today.adding(days: -30)))
        try await n.send(office, .accepted, audit("\(caseID)-A", case: caseID, sites: ["Head office"], slot: held))
        try await n.send(office, .accepted, schedule("\(caseID)-A", case: caseID, held))
        try await n.send(office, .accepted, complete("\(caseID)-A", case: caseID))
        try await n.send(office, .accepted, conclude(caseID, .certified))
    }

    static func schedule(_ id: String, case caseID: String, _ slot: TimeSlot) -> Envelope {
        T.e {
            $0.auditScheduled = AuditScheduled.with {
                $0.auditID = id
                $0.caseID = caseID
                $0.slot = slot
            }
        }
    }

    static func complete(_ id: String, case caseID: String, _ outcome: AuditOutcome = .passed) -> Envelope {
        T.e {
            $0.auditCompleted = AuditCompleted.with {
                $0.auditID = id
                $0.caseID = caseID
                $0.outcome = outcome
            }
        }
    }

    static func conclude(_ id: String, _ result: CaseResult) -> Envelope {
        T.e {
            $0.caseConcluded = CaseConcluded.with {
                $0.caseID = id
                $0.result = result
                $0.reason = "Decided."
            }
        }
    }

    @Test(
        """
        certification: no future receipt, extension only before the deadline, completion only once begun, certified \
        only with every site audited
        """
    )
    func certification() async throws {
        let n = try await T.Nodes()
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "is in the future (today is \(Self.today)"),
            Self.open("C0", T.enterprise, received: Self.today.adding(days: 90)))
        // A case past its deadline: 242 days old, never extended.
        try await n.send("xm-dongdu", .accepted, Self.open("C9", Self.third, received: Self.today.adding(days: -242)))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "has passed; an extension is granted on or before it"),
            T.e {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = "C9"
                    $0.reason = "Late."
                }
            })
        let cases = try await n.nodes["commerce-bureau"]!.view(.of(.cases))
        #expect(cases.cases.first { $0.caseID == "C9" }?.overdue == true)

        try await n.send("xm-dongdu", .accepted, Self.open("C1", T.enterprise, received: Self.today.adding(days: -30)))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "no completed on-site audit that passed"),
            Self.conclude("C1", .certified))
        let held = T.slot(-2)
        let coming = T.slot(20)
        try await n.send("xm-dongdu", .accepted, Self.audit("A1", case: "C1", sites: ["Head office"], slot: held))
        try await n.send("xm-dongdu", .accepted, Self.schedule("A1", case: "C1", held))
        try await n.send("xm-dongdu", .accepted, Self.audit("A2", case: "C1", sites: ["Warehouse"], slot: coming))
        try await n.send("xm-dongdu", .accepted, Self.schedule("A2", case: "C1", coming))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "it can be completed only once it has begun"),
            Self.complete("A2", case: "C1"))
        try await n.send("xm-dongdu", .accepted, Self.complete("A1", case: "C1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "site 'Warehouse'"), Self.conclude("C1", .certified))
        try await n.send(
            "xm-dongdu", .accepted,
            T.e {
                $0.auditCancelled = AuditCancelled.with {
                    $0.auditID = "A2"
                    $0.caseID = "C1"
                    $0.reason = "Warehouse sold."
                }
            })
        try await n.send("xm-dongdu", .accepted, Self.conclude("C1", .certified))
        let state = try await n.view()
        #expect(state.standings[T.enterprise.uscc]?.certificate?.status == .valid)
        #expect(state.standings[T.enterprise.uscc]?.certificate?.reviewDue == Self.today.adding(years: 5))
        await n.close()
    }

    @Test("reviews (复核) and suspension: only for a certificate; passed keeps it, failed withdraws it and bars a year")
    func reviews() async throws {
        let n = try await T.Nodes()
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "holds no certificate to review"),
            Self.open("R0", T.enterprise, received: Self.today, kind: .review))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "holds no certificate; a review falls due only"),
            T.e {
                $0.reviewDue = ReviewDue.with {
                    $0.uscc = T.enterprise.uscc
                    $0.dueDate = "2027-01-01"
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "holds no certificate; only a certified enterprise"),
            T.e {
                $0.certificateSuspended = CertificateSuspended.with {
                    $0.uscc = T.enterprise.uscc
                    $0.ground = .criminalCase
                    $0.reason = "Case."
                }
            })
        // Certify the enterprise.
        let held = T.slot(-3)
        try await n.send("xm-dongdu", .accepted, Self.open("C1", T.enterprise, received: Self.today.adding(days: -40)))
        try await n.send("xm-dongdu", .accepted, Self.audit("A1", case: "C1", sites: ["Head office"], slot: held))
        try await n.send("xm-dongdu", .accepted, Self.schedule("A1", case: "C1", held))
        try await n.send("xm-dongdu", .accepted, Self.complete("A1", case: "C1"))
        try await n.send("xm-dongdu", .accepted, Self.conclude("C1", .certified))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "is already certified (case C1); open a review"),
            Self.open("C2", T.enterprise, received: Self.today))

        // Suspension on a criminal case, lifted by the office that suspended.
        let suspend = T.e {
            $0.certificateSuspended = CertificateSuspended.with {
                $0.uscc = T.enterprise.uscc
                $0.ground = .criminalCase
                $0.reason = "Smuggling case filed."
            }
        }
        let lift = T.e {
            $0.suspensionLifted = SuspensionLifted.with {
                $0.uscc = T.enterprise.uscc
                $0.reason = "Case closed."
            }
        }
        try await n.send("huli", .refused(.notAuthorised, "may not send certificate_suspended"), suspend)
        try await n.send("xm-dongdu", .refused(.workflowViolation, "are not suspended"), lift)
        try await n.send("xm-dongdu", .accepted, suspend)
        try await n.send(
            "xm-haicang", .refused(.workflowViolation, "is suspended; only a valid one is suspended"), suspend)
        try await n.send("xm-haicang", .refused(.notAuthorised, "only that office lifts the suspension"), lift)
        #expect(try await n.view().standings[T.enterprise.uscc]?.certificate?.status == .suspended)
        try await n.send("xm-dongdu", .accepted, lift)

        // An anomaly brings the review forward; the review passes after an audit.
        try await n.send(
            "xm-dongdu", .accepted,
            T.e {
                $0.reviewDue = ReviewDue.with {
                    $0.uscc = T.enterprise.uscc
                    $0.dueDate = Self.today.description
                    $0.reason = "Anomaly."
                }
            })
        try await n.send("xm-dongdu", .accepted, Self.open("R1", T.enterprise, received: Self.today, kind: .review))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "no completed on-site audit"), Self.conclude("R1", .certified))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "a review ends passed (CERTIFIED) or failed"),
            Self.conclude("R1", .terminated))
        let again = T.slot(-1)
        try await n.send("xm-dongdu", .accepted, Self.audit("RA1", case: "R1", sites: ["Head office"], slot: again))
        try await n.send("xm-dongdu", .accepted, Self.schedule("RA1", case: "R1", again))
        try await n.send("xm-dongdu", .accepted, Self.complete("RA1", case: "R1", .passedWithFindings))
        try await n.send("xm-dongdu", .accepted, Self.conclude("R1", .certified))
        var state = try await n.view()
        #expect(state.standings[T.enterprise.uscc]?.certificate?.status == .valid)
        #expect(state.standings[T.enterprise.uscc]?.certificate?.openReview == nil)
        // A second review fails: the certificate is withdrawn and the enterprise barred.
        try await n.send("xm-dongdu", .accepted, Self.open("R2", T.enterprise, received: Self.today, kind: .review))
        try await n.send("xm-dongdu", .accepted, Self.conclude("R2", .notCertified))
        state = try await n.view()
        #expect(state.standings[T.enterprise.uscc]?.certificate?.status == .withdrawn)
        #expect(state.standings[T.enterprise.uscc]?.bar?.until == Self.today.adding(years: 1))
        let listed = try await n.nodes["huli"]!.view(.of(.certificates))
        #expect(listed.certificates.map(\.status) == ["withdrawn"])
        let report = try MeasuresRegisterTests.report(n)
        #expect(report.value("reviews", "opened") == 2 && report.value("reviews", "passed") == 1)
        #expect(report.value("reviews", "failed") == 1 && report.value("reviews", "suspended") == 1)
        #expect(report.value("reviews", "certificates_at_end") == 0 && report.value("cases", "certified") == 1)
        await n.close()
    }
}
