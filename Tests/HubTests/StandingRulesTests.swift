import Coordination
import Foundation
import HubNode
import HubProtocol
import Testing

/// The rules of the enterprise standing (protocol 1.4, SPEC.md 6.6), one test each, through real
/// nodes and a real hub: each refusal says what happened and what to do.
@Suite("The enterprise standing's rules through the hub", .serialized)
struct StandingRulesTests {
    typealias T = WorkflowTransitionTests
    typealias M = MeasuresTransitionTests
    static let today = T.today
    static let firm = T.enterprise

    /// A credit change of ``firm`` (or another enterprise) under Order 282, effective today.
    static func change(
        _ id: String, _ from: String, _ to: String, severity: Severity = .general, publicity: CivilDate? = nil,
        stop: Bool = false, firm: Enterprise = firm
    ) -> Envelope {
        MeasuresRegisterTests.change(id, from, to, severity: severity, publicity: publicity, stop: stop, firm: firm)
    }

    static func lift(_ id: String, to level: String = "") -> Envelope {
        T.e {
            $0.creditChangeLifted = CreditChangeLifted.with {
                $0.changeID = id
                $0.reason = "Corrected."
                $0.restoredLevel = level
            }
        }
    }

    @Test("certification sets the level; a credit change cannot make an AEO; a minor breach is not published")
    func certificationSetsTheLevel() async throws {
        let n = try await T.Nodes()
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "AEO status comes only from a certification case"),
            Self.change("CR0", "regular", "advanced_certified"))
        try await M.certify(n, Self.firm, case: "C1")
        var state = try await n.view()
        let level = state.standings[Self.firm.uscc]?.levels[.order282]
        #expect(level?.level == "advanced_certified" && level?.changeID == "C1")
        #expect(state.standings[Self.firm.uscc]?.certificate?.levelSet == .order282)
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "current level under Order 282 is 高级认证企业"),
            Self.change(
                "CR0", "regular", "dishonest", severity: .serious, publicity: Self.today.adding(years: 2), stop: true))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "a minor breach (轻微) is not published"),
            Self.change(
                "CR0", "advanced_certified", "regular", severity: .minor, publicity: Self.today.adding(months: 4),
                stop: true))
        try await n.send(
            "xm-dongdu", .accepted, Self.change("CR1", "advanced_certified", "regular", severity: .minor, stop: true))
        state = try await n.view()
        #expect(state.standings[Self.firm.uscc]?.certificate?.withdrawnOn == Self.today)
        let bar = state.standings[Self.firm.uscc]?.bar
        #expect(bar?.until == Self.today.adding(years: 1) && bar?.reason == .downgraded && bar?.ref == "CR1")
        // Re-applying inside the bar is refused with its end date.
        try await n.send(
            "xm-dongdu",
            .refused(
                .workflowViolation,
                "took it out of the AEO levels; it may apply again from \(Self.today.adding(years: 1))"
            ),
            M.open("C2", Self.firm, received: Self.today))
        await n.close()
    }

    @Test("a suspension marks incentives must-stop and reaches their holders; lifted, the stopped stay stopped")
    func suspension() async throws {
        let n = try await T.Nodes()
        try await M.certify(n, Self.firm, case: "C1")
        try await n.send("finance-bureau", .accepted, MeasuresRegisterTests.grant("I1", Self.firm))
        try await n.send("huli", .accepted, MeasuresRegisterTests.grant("I2", Self.firm, measure: 8))
        let suspend = T.e {
            $0.certificateSuspended = CertificateSuspended.with {
                $0.uscc = Self.firm.uscc
                $0.ground = .administrativeInvestigation
                $0.reason = "Investigation."
            }
        }
        try await n.send("xm-dongdu", .accepted, suspend)
        let marked = try await n.nodes["huli"]!.view(.of(.incentives)).incentives
        #expect(marked.map(\.status) == ["must_stop"] && marked.first?.stopCause == "suspension")
        // The suspension reached huli, which holds an incentive, though districts are not otherwise told.
        let records = try ViewConsistencyTests.records(n.network)
        #expect(records.last { $0.messageType == .certificateSuspended }?.deliveredTo.contains("huli") == true)
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "AEO measures are suspended (暂停适用) since \(Self.today)"),
            MeasuresRegisterTests.grant("I3", Self.firm))
        try await n.send(
            "huli", .accepted,
            T.e {
                $0.incentiveStopped = IncentiveStopped.with {
                    $0.incentiveID = "I2"
                    $0.reason = "Suspended."
                }
            })
        try await n.send(
            "xm-dongdu", .accepted,
            T.e {
                $0.suspensionLifted = SuspensionLifted.with {
                    $0.uscc = Self.firm.uscc
                    $0.reason = "Closed."
                }
            })
        let state = try await n.view()
        #expect(state.incentives["I2"]?.status == "stopped", "stopped stays stopped until granted again")
        #expect(state.incentives["I1"]?.status == "must_stop", "a mark stays until its granter stops it")
        try await n.send("huli", .accepted, MeasuresRegisterTests.grant("I4", Self.firm, measure: 8))
        let view = try await n.nodes["siming"]!.view(
            ViewRequest.with {
                $0.kind = .enterprises
                $0.mustStop = true
            })
        #expect(view.enterprises.map(\.enterprise.uscc) == [Self.firm.uscc])
        #expect(view.enterprises.first?.mustStopHolders == [], "only customs and the coordinator see who")
        #expect(view.enterprises.first?.incentivesActive == 1 && view.enterprises.first?.incentivesStopped == 1)
        await n.close()
    }

    @Test("a failed review withdraws the certificate, marks incentives and reaches their holders; a termination bars")
    func failedReview() async throws {
        let n = try await T.Nodes()
        try await M.certify(n, Self.firm, case: "C1")
        try await n.send("huli", .accepted, MeasuresRegisterTests.grant("I1", Self.firm, measure: 8))
        try await n.send("xm-dongdu", .accepted, M.open("R1", Self.firm, received: Self.today, kind: .review))
        try await n.send("xm-dongdu", .accepted, M.conclude("R1", .notCertified))
        let state = try await n.view()
        #expect(state.standings[Self.firm.uscc]?.certificate?.status == .withdrawn)
        #expect(state.standings[Self.firm.uscc]?.levels[.order282]?.level == "regular")
        #expect(
            state.incentives["I1"]?.stopCause?.kind == .reviewFailed && state.incentives["I1"]?.stopCause?.ref == "R1")
        let records = try ViewConsistencyTests.records(n.network)
        #expect(records.last { $0.messageType == .caseConcluded }?.deliveredTo.contains("huli") == true)
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "its review (复核) in case R1 failed"),
            M.open("C2", Self.firm, received: Self.today))
        // An application the enterprise withdrew bars it, and the refusal says so; a termination on
        // another ground bars nothing (the orders bar only the withdrawal).
        try await n.send("xm-dongdu", .accepted, M.open("C3", T.other, received: Self.today))
        try await n.send("xm-dongdu", .accepted, M.conclude("C3", .applicationWithdrawn))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "it withdrew its application in case C3 (撤回认证申请)"),
            M.open("C4", T.other, received: Self.today))
        try await n.send("xm-dongdu", .accepted, M.open("C5", M.third, received: Self.today))
        try await n.send("xm-dongdu", .accepted, M.conclude("C5", .terminated))
        try await n.send("xm-dongdu", .accepted, M.open("C6", M.third, received: Self.today))
        await n.close()
    }

    @Test("only the latest change in force is undone; a lift restores AEO only with the certificate it withdrew")
    func undo() async throws {
        let n = try await T.Nodes()
        try await M.certify(n, Self.firm, case: "C1")
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change("CR1", "advanced_certified", "regular", publicity: Self.today.adding(months: 6), stop: true))
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change(
                "CR2", "regular", "dishonest", severity: .serious, publicity: Self.today.adding(years: 2), stop: true))
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "CR2 of \(Self.firm.uscc) came after CR1"), Self.lift("CR1"))
        try await n.send("xm-dongdu", .accepted, Self.lift("CR2"))
        try await n.send("xm-dongdu", .accepted, Self.lift("CR1"))
        let state = try await n.view()
        #expect(state.standings[Self.firm.uscc]?.certificate?.status == .valid)
        #expect(state.standings[Self.firm.uscc]?.bar == nil)
        #expect(state.standings[Self.firm.uscc]?.levels[.order282]?.level == "advanced_certified")
        #expect(
            state.standings[Self.firm.uscc]?.levels[.order282]?.changeID == "C1", "undone back to the certification")
        // An enterprise the hub never certified is not made AEO by lifting a change.
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change(
                "CR3", "advanced_certified", "regular", publicity: Self.today.adding(months: 6), stop: true,
                firm: T.other))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "holds no AEO certificate that this change withdrew"), Self.lift("CR3")
        )
        await n.close()
    }

    @Test("a department reports a breach; customs decides it once, naming a change of the same enterprise")
    func breaches() async throws {
        let n = try await T.Nodes()
        let report = T.e {
            $0.breachReported = BreachReported.with {
                $0.reportID = "B1"
                $0.enterprise = Self.firm
                $0.severity = .general
                $0.facts = "Tax refund on false invoices."
                $0.foundOn = Self.today.description
                $0.platformPushedOn = Self.today.description
            }
        }
        try await n.send("xm-dongdu", .refused(.notAuthorised, "may not send breach_reported"), report)
        try await n.send(
            "finance-bureau", .refused(.notAuthorised, "may not send credit_change_published"),
            Self.change("CR1", "advanced_certified", "regular", publicity: Self.today.adding(months: 6), stop: true))
        try await n.send("finance-bureau", .accepted, report)
        let decide = { (change: String) in
            T.e {
                $0.breachDecided = BreachDecided.with {
                    $0.reportID = "B1"
                    $0.decision = .changePublished
                    $0.changeID = change
                    $0.reason = "Downgraded."
                }
            }
        }
        try await n.send("finance-bureau", .refused(.notAuthorised, "may not send breach_decided"), decide("CR1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "publish the change first"), decide("CR1"))
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change("CR1", "advanced_certified", "regular", publicity: Self.today.adding(months: 6), stop: true))
        try await n.send("xm-dongdu", .accepted, decide("CR1"))
        try await n.send(
            "xm-haicang", .refused(.workflowViolation, "was already decided (change_published)"), decide("CR1"))
        let own = try await n.nodes["finance-bureau"]!.view(.of(.breaches)).breaches
        #expect(own.map(\.status) == ["change_published"] && own.first?.platformPushedOn == Self.today.description)
        #expect(try await n.nodes["huli"]!.view(.of(.breaches)).breaches.isEmpty, "a district sees only its own")
        await n.close()
    }

    @Test("customs names an AEO's coordinator and liaison; the enterprise's own contact comes from its audit")
    func contacts() async throws {
        let n = try await T.Nodes()
        let assign = { (duty: ContactDuty, name: String) in
            T.e {
                $0.customsContactAssigned = CustomsContactAssigned.with {
                    $0.uscc = Self.firm.uscc
                    $0.duty = duty
                    $0.officer = Officer.with {
                        $0.officerID = "DD-7"
                        $0.name = name
                    }
                }
            }
        }
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "neither a certified enterprise nor on the key list"),
            assign(.liaison, "Wu Lei"))
        try await M.certify(n, Self.firm, case: "C1")
        try await n.send(
            "huli", .refused(.notAuthorised, "may not send customs_contact_assigned"), assign(.liaison, "Wu Lei"))
        try await n.send("xm-dongdu", .accepted, assign(.liaison, "Wu Lei"))
        try await n.send("xm-dongdu", .accepted, assign(.coordinator, "Chen Hua"))
        let row = try #require(try await n.nodes["siming"]!.view(.of(.enterprises)).enterprises.first)
        #expect(row.liaison.name == "Wu Lei" && row.liaison.office == "xm-dongdu")
        #expect(row.coordinator.name == "Chen Hua")
        #expect(row.enterpriseContact.name == T.contact.name)
        // Its latest cultivation plan with a milestone not reached is its open plan.
        let plan = { (id: String) in
            T.e {
                $0.planRecorded = CultivationPlanRecorded.with {
                    $0.planID = id
                    $0.enterprise = Self.firm
                    $0.approach = .tailored
                    $0.milestones = [
                        Milestone.with {
                            $0.title = "Internal controls"
                            $0.dueDate = Self.today.adding(days: 30).description
                        }
                    ]
                    $0.officer = Officer.with {
                        $0.officerID = "DD-7"
                        $0.name = "Wu Lei"
                    }
                }
            }
        }
        let reached = { (id: String) in
            T.e {
                $0.planMilestoneReached = PlanMilestoneReached.with {
                    $0.planID = id
                    $0.milestone = 1
                }
            }
        }
        let openPlan = { () async throws -> String? in
            try await n.nodes["huli"]!.view(.of(.enterprises)).enterprises.first?.openPlan
        }
        try await n.send("xm-dongdu", .accepted, plan("P0"))
        try await n.send("xm-dongdu", .accepted, plan("P1"))
        #expect(try await openPlan() == "P1")
        try await n.send("xm-dongdu", .accepted, reached("P1"))
        #expect(try await openPlan() == "P0", "the older plan is still open")
        try await n.send("xm-dongdu", .accepted, reached("P0"))
        #expect(try await openPlan() == "")
        await n.close()
    }
}
