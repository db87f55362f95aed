import Coordination
import Foundation
import HubNode
import HubProtocol
import Reports
import Testing

/// Credit levels, publicity, objections and repairs; the departments' incentive register; activities,
/// plans and the key list's categories: refused with a sentence an officer can act on, and accepted.
@Suite("Credit rules, the incentive register, activities and plans through the hub", .serialized)
struct MeasuresRegisterTests {
    typealias T = WorkflowTransitionTests
    static let today = T.today
    static let jimei = Enterprise.with {
        $0.uscc = "91350211M0000XUF46"
        $0.name = "Jimei Logistics 集美物流"
    }

    static func change(
        _ id: String, _ from: String, _ to: String, severity: Severity = .general, publicity: CivilDate? = nil,
        stop: Bool = false, firm: Enterprise = jimei
    ) -> Envelope {
        T.e {
            $0.creditChangePublished = CreditChangePublished.with {
                $0.changeID = id
                $0.enterprise = firm
                $0.levelSet = .order282
                $0.fromLevel = from
                $0.toLevel = to
                $0.reason = "Post-clearance audit."
                $0.severity = severity
                $0.effectiveDate = today.description
                $0.publicityEnd = publicity?.description ?? ""
                $0.stopJointIncentives = stop
            }
        }
    }

    static func grant(
        _ id: String, _ firm: Enterprise = jimei, measure: UInt32 = 5, on day: CivilDate = today
    ) -> Envelope {
        T.e {
            $0.incentiveGranted = IncentiveGranted.with {
                $0.incentiveID = id
                $0.enterprise = firm
                $0.measure = measure
                $0.support = "AEO certification subsidy"
                $0.grantedOn = day.description
            }
        }
    }

    static func report(_ n: T.Nodes) throws -> PeriodActivity {
        let records = try ViewConsistencyTests.records(n.network)
        return PeriodActivity(
            period: ReportPeriod(containing: today), records: records, topology: n.network.topology, today: today)
    }

    @Test(
        """
        credit: publicity by severity, incentives by direction, from the current level, lifted by its publisher, \
        objection and repair
        """
    )
    func credit() async throws {
        let n = try await T.Nodes()
        let sixMonths = Self.today.adding(months: 6)
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "a general breach (一般) is published for 3 months to 1 year"),
            Self.change("CR0", "advanced_certified", "regular", publicity: Self.today.adding(years: 5), stop: true))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "a serious breach (严重) is published for 1 to 3 years"),
            Self.change(
                "CR0", "advanced_certified", "dishonest", severity: .serious, publicity: Self.today.adding(days: 2),
                stop: true))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "give the publicity end date"),
            Self.change("CR0", "advanced_certified", "regular", stop: true))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "a downgrade to 常规企业 stops every joint incentive"),
            Self.change("CR0", "advanced_certified", "regular", publicity: sixMonths))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "an upgrade to 高级认证企业 cannot stop joint incentives"),
            Self.change("CR0", "regular", "advanced_certified", severity: .minor, stop: true))
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change("CR1", "advanced_certified", "regular", publicity: sixMonths, stop: true))
        // The same enterprise, the same day, a contradictory change: refused from the wrong level.
        try await n.send(
            "xm-haicang", .refused(.workflowViolation, "current level under Order 282 is 常规企业 (regular)"),
            Self.change(
                "CR2", "advanced_certified", "dishonest", severity: .serious, publicity: Self.today.adding(years: 2),
                stop: true))
        // Only the publisher (or the coordinator) lifts or decides.
        let lift = T.e {
            $0.creditChangeLifted = CreditChangeLifted.with {
                $0.changeID = "CR1"
                $0.reason = "Corrected."
            }
        }
        try await n.send(
            "xm-haicang",
            .refused(.notAuthorised, "xm-dongdu published credit change CR1; only it (or the coordinator)"), lift)
        // An objection, reviewed within 20 days: the change is withdrawn and the level restored.
        let object = T.e {
            $0.creditObjectionFiled = CreditObjectionFiled.with {
                $0.changeID = "CR1"
                $0.grounds = "The audit misread the ledger."
            }
        }
        try await n.send("huli", .accepted, object)
        try await n.send("huli", .refused(.workflowViolation, "one objection per change"), object)
        var state = try await n.view()
        #expect(state.creditChanges["CR1"]?.objection?.due == Self.today.adding(days: 20))
        let decide = { (decision: ObjectionDecision) in
            T.e {
                $0.creditObjectionDecided = CreditObjectionDecided.with {
                    $0.changeID = "CR1"
                    $0.decision = decision
                    $0.reason = "Reviewed."
                }
            }
        }
        try await n.send(
            "xm-haicang", .refused(.notAuthorised, "only it (or the coordinator) decides"), decide(.changeWithdrawn))
        try await n.send("xm-dongdu", .accepted, decide(.changeWithdrawn))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "was already lifted"), lift)
        state = try await n.view()
        #expect(state.creditChanges["CR1"]?.lifted == true)
        #expect(
            state.standings[Self.jimei.uscc]?.levels[.order282]?.level == "advanced_certified")
        // A serious downgrade to dishonest, then a repair granted within 20 days.
        try await n.send(
            "xm-haicang", .accepted,
            Self.change(
                "CR3", "advanced_certified", "dishonest", severity: .serious, publicity: Self.today.adding(years: 2),
                stop: true))
        let repairDecision = T.e {
            $0.creditRepairDecided = CreditRepairDecided.with {
                $0.changeID = "CR3"
                $0.granted = true
                $0.reason = "Repaired."
            }
        }
        try await n.send("xm-haicang", .refused(.workflowViolation, "has no repair request waiting"), repairDecision)
        try await n.send(
            "xm-dongdu", .accepted,
            T.e {
                $0.creditRepairRequested = CreditRepairRequested.with {
                    $0.changeID = "CR3"
                    $0.grounds = "Fine paid, controls fixed."
                }
            })
        // A refused decision leaves the request waiting: the corrected one is accepted.
        let typo = T.e {
            $0.creditRepairDecided = CreditRepairDecided.with {
                $0.changeID = "CR3"
                $0.granted = true
                $0.reason = "Repaired."
                $0.restoredLevel = "certifed"
            }
        }
        try await n.send("commerce-bureau", .refused(.invalidField, "'certifed' is not a level of Order 282"), typo)
        // A repair brings a dishonest enterprise back at most to 常规企业: AEO status needs a new certification.
        var toAEO = repairDecision
        toAEO.creditRepairDecided.restoredLevel = "advanced_certified"
        try await n.send(
            "commerce-bureau", .refused(.invalidField, "a repair restores at most 常规企业 (regular)"), toAEO)
        try await n.send("commerce-bureau", .accepted, repairDecision)
        state = try await n.view()
        #expect(state.creditChanges["CR3"]?.repair?.outcome == "granted")
        #expect(state.standings[Self.jimei.uscc]?.levels[.order282]?.level == "regular")
        await n.close()
    }

    @Test("incentives: departments grant and confirm; a downgrade marks them to stop; the confirmation closes them")
    func incentives() async throws {
        let n = try await T.Nodes()
        try await n.send(
            "finance-bureau",
            .refused(.workflowViolation, "holds no AEO certificate: measure 5 is for AEO enterprises"),
            Self.grant("I0"))
        try await MeasuresTransitionTests.certify(n, Self.jimei, case: "CJ")
        try await MeasuresTransitionTests.certify(n, T.other, case: "CO")
        try await n.send(
            "xm-dongdu", .refused(.notAuthorised, "customs is a responsible unit of measures 8, 11, 15, 16 and 17"),
            Self.grant("I0"))
        try await n.send(
            "finance-bureau", .refused(.invalidField, "6 is not a measure with incentives"),
            Self.grant("I0", measure: 6))
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "is in the future"),
            Self.grant("I0", on: Self.today.adding(days: 3)))
        try await n.send("finance-bureau", .accepted, Self.grant("I1"))
        try await n.send("huli", .accepted, Self.grant("I2", measure: 8))
        try await n.send("finance-bureau", .accepted, Self.grant("I3", T.other, measure: 12))
        try await n.send("xm-dongdu", .accepted, Self.grant("I5", T.other, measure: 15))
        try await n.send(
            "xm-dongdu", .accepted,
            Self.change("CR1", "advanced_certified", "regular", publicity: Self.today.adding(months: 6), stop: true))
        var register = try await n.nodes["finance-bureau"]!.view(.of(.incentives))
        #expect(register.incentives.map(\.status) == ["must_stop", "active"])
        // The downgrade withdrew the certificate: no AEO measure may be granted, and it is barred a year.
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "AEO certificate was withdrawn (撤销) on \(Self.today)"),
            Self.grant("I4"))
        // Only the holders of an active incentive (and the coordinator) are asked, with a due day.
        let change = try await n.nodes["commerce-bureau"]!.view(.of(.creditChanges)).creditChanges.first
        #expect(change?.pending == ["commerce-bureau", "finance-bureau", "huli"])
        #expect(change?.confirmBy == Self.today.adding(workingDays: 5).description)
        #expect(change?.confirmationsOverdue == false)
        try await n.send(
            "siming", .refused(.workflowViolation, "asks no confirmation of siming"),
            T.e { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = "CR1" } })
        try await n.send(
            "fuzhou-customs", .refused(.workflowViolation, "asks no confirmation of fuzhou-customs"),
            T.e { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = "CR1" } })
        try await n.send(
            "finance-bureau", .accepted,
            T.e { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = "CR1" } })
        register = try await n.nodes["finance-bureau"]!.view(.of(.incentives))
        #expect(register.incentives.first { $0.incentiveID == "I1" }?.status == "stopped")
        #expect(register.incentives.first { $0.incentiveID == "I1" }?.stoppedBy == "CR1")
        // Huli has not confirmed: its incentive still must stop; the coordinator sees both registers.
        let all = try await n.nodes["commerce-bureau"]!.view(.of(.incentives))
        #expect(all.incentives.map(\.incentiveID) == ["I1", "I2", "I3", "I5"])
        #expect(all.incentives.first { $0.incentiveID == "I2" }?.status == "must_stop")
        let stop = T.e {
            $0.incentiveStopped = IncentiveStopped.with {
                $0.incentiveID = "I3"
                $0.reason = "Programme ended."
            }
        }
        try await n.send(
            "huli", .refused(.notAuthorised, "finance-bureau granted incentive I3; only it (or the coordinator)"), stop)
        try await n.send("finance-bureau", .accepted, stop)
        try await n.send("finance-bureau", .refused(.workflowViolation, "already stopped"), stop)
        #expect(try await n.nodes["huli"]!.view(.of(.incentives)).incentives.map(\.incentiveID) == ["I2"])
        // The bimonthly report counts the register as the views show it.
        let report = try Self.report(n)
        #expect(report.value("incentives", "granted") == 4)
        #expect(report.value("incentives", "must_stop_at_end") == 1)
        #expect(report.value("incentives", "stopped_at_end") == 2)
        #expect(report.value("credit", "confirmations") == 1)
        await n.close()
    }

    @Test("associations file intentions only; departments recommend with a category; activities and plans")
    func registers() async throws {
        let n = try await T.Nodes()
        let request = { (category: RequestCategory) in
            T.e {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = "Q-\(category.rawValue)"
                    $0.enterprise = Self.jimei
                    $0.area = "350206"
                    $0.category = category
                    $0.description_p = "Intends to apply."
                    $0.contact = T.contact
                }
            }
        }
        try await n.send(
            "trade-association", .refused(.notAuthorised, "an association files enterprises' certification intentions"),
            request(.policyConsultation))
        try await n.send("trade-association", .accepted, request(.aeoCertificationIntent))
        try await n.send(
            "finance-bureau", .accepted,
            T.e {
                $0.cultivationRecommended = CultivationRecommended.with {
                    $0.enterprise = T.other
                    $0.reason = "专精特新"
                    $0.category = .specialised
                }
            })
        try await n.send(
            "xm-dongdu", .accepted, T.e { $0.cultivationListed = CultivationListed.with { $0.uscc = T.other.uscc } })
        try await n.send("xm-dongdu", .accepted, MeasuresTransitionTests.open("C1", T.other, received: Self.today))
        let cases = try await n.nodes["commerce-bureau"]!.view(.of(.cases))
        #expect(cases.cases.first?.priority == true)
        let listed = try await n.nodes["commerce-bureau"]!.view(.of(.cultivation))
        #expect(listed.cultivation.first?.category == .specialised)

        let activity = { (id: String, held: CivilDate, organisers: [String]) in
            T.e {
                $0.activityRecorded = ActivityRecorded.with {
                    $0.activityID = id
                    $0.kind = .training
                    $0.title = "AEO 政策宣讲"
                    $0.heldOn = held.description
                    $0.organisers = organisers
                    $0.enterprisesReached = 35
                    $0.attendance = 80
                }
            }
        }
        try await n.send(
            "fuzhou-customs", .refused(.notAuthorised, "may not send activity_recorded"), activity("T0", Self.today, [])
        )
        try await n.send(
            "huli", .refused(.workflowViolation, "is in the future"), activity("T0", Self.today.adding(days: 1), []))
        try await n.send(
            "huli", .refused(.invalidField, "'nowhere' is not a unit"), activity("T0", Self.today, ["nowhere"]))
        try await n.send("huli", .accepted, activity("T1", Self.today, ["xm-dongdu"]))
        #expect(
            try await n.nodes["xm-dongdu"]!.view(.of(.activities)).activities.first?.organisers == [
                "huli", "xm-dongdu",
            ])
        #expect(try await n.nodes["siming"]!.view(.of(.activities)).activities.isEmpty)

        let plan = { (approach: PlanApproach, members: [Enterprise]) in
            T.e {
                $0.planRecorded = CultivationPlanRecorded.with {
                    $0.planID = "P1"
                    $0.enterprise = Self.jimei
                    $0.approach = approach
                    $0.members = members
                    $0.milestones = [
                        Milestone.with {
                            $0.title = "Internal controls"
                            $0.dueDate = Self.today.adding(days: -1).description
                        },
                        Milestone.with {
                            $0.title = "Mock audit"
                            $0.dueDate = Self.today.adding(days: 30).description
                        },
                    ]
                    $0.officer = Officer.with {
                        $0.officerID = "DD-1001"
                        $0.name = "Chen Hua"
                    }
                }
            }
        }
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "names at least one member enterprise"), plan(.onePlusN, []))
        try await n.send(
            "xm-dongdu", .refused(.invalidField, "a TAILORED plan is for one enterprise"), plan(.tailored, [T.other]))
        try await n.send("xm-dongdu", .accepted, plan(.onePlusN, [T.other, T.enterprise]))
        let milestone = { (number: UInt32) in
            T.e {
                $0.planMilestoneReached = PlanMilestoneReached.with {
                    $0.planID = "P1"
                    $0.milestone = number
                }
            }
        }
        try await n.send("xm-dongdu", .refused(.invalidField, "has milestones 1 to 2; there is no 5"), milestone(5))
        try await n.send(
            "xm-haicang", .refused(.notAuthorised, "only that office records its milestones"), milestone(1))
        var plans = try await n.nodes["commerce-bureau"]!.view(.of(.plans))
        #expect(plans.plans.first?.overdue == true)
        try await n.send("xm-dongdu", .accepted, milestone(1))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "was already reached"), milestone(1))
        plans = try await n.nodes["commerce-bureau"]!.view(.of(.plans))
        #expect(plans.plans.first?.overdue == false)
        #expect(plans.plans.first?.reached == [1])
        let report = try Self.report(n)
        #expect(report.value("activities", "held") == 1 && report.value("activities", "attendance") == 80)
        #expect(report.value("activities", "enterprises_reached") == 35)
        #expect(report.value("plans", "recorded") == 1 && report.value("plans", "milestones_reached") == 1)
        #expect(report.value("plans", "overdue_at_end") == 0)
        await n.close()
    }
}
