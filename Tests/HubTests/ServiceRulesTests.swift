import Coordination
import Foundation
import HubNode
import HubProtocol
import Testing

/// The services the measures promise an AEO (protocol 1.4): 容缺 acceptance with its due day
/// (measure 9), the FX batch declaration by the 5th (13), export refunds counted in working days
/// (14), each through real nodes and a real hub.
@Suite("Services given to AEOs through the hub", .serialized)
struct ServiceRulesTests {
    typealias T = WorkflowTransitionTests
    static let today = T.today
    static let firm = T.enterprise

    static func tolerance(_ id: String, accepted: CivilDate, due: CivilDate, firm: Enterprise = firm) -> Envelope {
        T.e {
            $0.toleranceAccepted = ToleranceAccepted.with {
                $0.recordID = id
                $0.enterprise = firm
                $0.matter = "Import licence renewal"
                $0.missing = "Audited accounts"
                $0.acceptedOn = accepted.description
                $0.commitmentDue = due.description
            }
        }
    }

    static func fulfilled(_ id: String, on day: CivilDate) -> Envelope {
        T.e {
            $0.toleranceFulfilled = ToleranceFulfilled.with {
                $0.recordID = id
                $0.receivedOn = day.description
            }
        }
    }

    static func fx(_ id: String, month: CivilDate, declared: CivilDate) -> Envelope {
        T.e {
            $0.fxBatchDeclared = FxBatchDeclared.with {
                $0.recordID = id
                $0.enterprise = firm
                $0.month = String(month.description.prefix(7))
                $0.declaredOn = declared.description
            }
        }
    }

    static func refund(_ id: String, applied: CivilDate, refunded: CivilDate) -> Envelope {
        T.e {
            $0.refundProcessed = RefundProcessed.with {
                $0.recordID = id
                $0.enterprise = firm
                $0.appliedOn = applied.description
                $0.refundedOn = refunded.description
            }
        }
    }

    @Test("容缺: only for an AEO, by a department; late materials are overdue until they arrive, once")
    func tolerance() async throws {
        let n = try await T.Nodes()
        let accepted = Self.today.adding(days: -20)
        let late = Self.tolerance("TOL-1", accepted: accepted, due: Self.today.adding(days: -1))
        try await n.send("finance-bureau", .refused(.workflowViolation, "is not an AEO enterprise now"), late)
        try await MeasuresTransitionTests.certify(n, Self.firm, case: "C1")
        try await n.send("huli", .refused(.notAuthorised, "may not send tolerance_accepted"), late)
        try await n.send("finance-bureau", .accepted, late)
        try await n.send(
            "finance-bureau", .accepted, Self.tolerance("TOL-2", accepted: accepted, due: Self.today.adding(days: 9)))
        var rows = try await n.nodes["finance-bureau"]!.view(.of(.services)).services
        #expect(rows.map(\.overdue) == [true, false], "\(rows)")
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "is before the acceptance on \(accepted)"),
            Self.fulfilled("TOL-1", on: accepted.adding(days: -1)))
        try await n.send("finance-bureau", .accepted, Self.fulfilled("TOL-1", on: Self.today))
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "were already received on \(Self.today)"),
            Self.fulfilled("TOL-1", on: Self.today))
        rows = try await n.nodes["commerce-bureau"]!.view(.of(.services)).services
        #expect(rows.map(\.overdue) == [false, false] && rows.first?.doneOn == Self.today.description)
        #expect(rows.first?.onTime == false, "received after its due day")
        #expect(try await n.nodes["huli"]!.view(.of(.services)).services.isEmpty, "a district sees none of them")
        await n.close()
    }

    @Test("FX batch: declared once the month ended, on time by the 5th; refunds counted in working days")
    func fxAndRefunds() async throws {
        let n = try await T.Nodes()
        try await MeasuresTransitionTests.certify(n, Self.firm, case: "C1")
        let month = CivilDate(year: Self.today.year, month: Self.today.month, day: 1)!.adding(months: -2)
        let next = month.adding(months: 1)
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "is declared once it has ended"),
            Self.fx("FX-0", month: month, declared: next.adding(days: -1)))
        try await n.send("finance-bureau", .accepted, Self.fx("FX-1", month: month, declared: next.adding(days: 4)))
        try await n.send(
            "finance-bureau", .accepted,
            Self.fx("FX-2", month: month.adding(months: -1), declared: next.adding(days: 5))
        )
        // A Monday at least two weeks ago: Thursday is 3 working days on, the next Monday 5.
        var monday = Self.today.adding(days: -14)
        while monday.isWeekend || monday.adding(days: -1).isWeekend == false { monday = monday.adding(days: -1) }
        try await n.send(
            "finance-bureau", .accepted, Self.refund("REF-1", applied: monday, refunded: monday.adding(days: 3)))
        try await n.send(
            "finance-bureau", .accepted, Self.refund("REF-2", applied: monday, refunded: monday.adding(days: 7)))
        try await n.send(
            "finance-bureau", .refused(.workflowViolation, "is in the future"),
            Self.refund("REF-3", applied: monday, refunded: Self.today.adding(days: 1)))
        let rows = try await n.nodes["commerce-bureau"]!.view(.of(.services)).services
        #expect(rows.map(\.recordID) == ["FX-1", "FX-2", "REF-1", "REF-2"])
        #expect(rows.map(\.onTime) == [true, false, true, false], "\(rows)")
        #expect(rows.suffix(2).map(\.workingDays) == [3, 5])
        // The services survive a snapshot of the state (the scenarios of SnapshotTests certify too rarely).
        let truth = try await n.view()
        let bytes: [UInt8] = try truth.storedFold.serializedBytes()
        let restored = try CoordinationState(
            topology: truth.topology, restoring: try StoredState(serializedBytes: bytes))
        #expect(restored.services == truth.services && !truth.services.isEmpty)
        await n.close()
    }

    @Test("service windows: staffed by a customs office, closed once by their unit; priority lists replace their last")
    func windowsAndPriorities() async throws {
        let n = try await T.Nodes()
        let open = { (id: String, office: String) in
            T.e {
                $0.serviceWindowOpened = ServiceWindowOpened.with {
                    $0.windowID = id
                    $0.centre = "Huli Government Service Centre"
                    $0.area = "350206"
                    $0.office = office
                    $0.openedOn = Self.today.adding(days: -30).description
                }
            }
        }
        try await n.send(
            "finance-bureau", .refused(.notAuthorised, "may not send service_window_opened"), open("W1", "xm-dongdu"))
        try await n.send("huli", .refused(.invalidField, "siming is not a customs office"), open("W1", "siming"))
        try await n.send("huli", .accepted, open("W1", "xm-dongdu"))
        try await n.send("huli", .refused(.workflowViolation, "window W1 already exists"), open("W1", "xm-dongdu"))
        let close = T.e {
            $0.serviceWindowClosed = ServiceWindowClosed.with {
                $0.windowID = "W1"
                $0.closedOn = Self.today.description
                $0.reason = "Moved."
            }
        }
        try await n.send("siming", .refused(.notAuthorised, "only they close it"), close)
        try await n.send("xm-dongdu", .accepted, close)
        try await n.send("huli", .refused(.workflowViolation, "was already closed on \(Self.today)"), close)
        let windows = try await n.nodes["fuzhou-customs"]!.view(.of(.windows)).windows
        #expect(windows.map(\.closedOn) == [Self.today.description], "every unit sees every window")
        let publish = { (matters: [String]) in
            T.e {
                $0.priorityMattersPublished = PriorityMattersPublished.with {
                    $0.items = matters.map { matter in
                        PriorityMatter.with {
                            $0.matter = matter
                            $0.channel = "Single window"
                        }
                    }
                    $0.publishedOn = Self.today.description
                }
            }
        }
        try await n.send("huli", .accepted, publish(["Import licence", "Registration change"]))
        try await n.send("huli", .accepted, publish(["Import licence"]))
        try await n.send("finance-bureau", .accepted, publish(["Subsidy application"]))
        let lists = try await n.nodes["siming"]!.view(.of(.priorityMatters)).priorityMatters
        #expect(lists.map(\.unit) == ["finance-bureau", "huli"])
        #expect(lists.last?.items.map(\.matter) == ["Import licence"], "the latest list replaces the last")
        await n.close()
    }
}
