import Coordination
import Foundation
import HubNode
import HubProtocol
import Reports
import Testing

// Meetings, credit changes and reports, through the hub (part of WorkflowTransitionTests).
extension WorkflowTransitionTests {
    @Test("meetings: convene, agenda, RSVP, attendance, minutes, decisions, action items and progress, close")
    func meetings() async throws {
        let n = try await Nodes()
        let convene = Self.e {
            $0.meetingConvened = MeetingConvened.with {
                $0.meetingID = "M1"
                $0.title = "Joint meeting"
                $0.invitees = ["xm-dongdu", "huli"]
                $0.time = Self.slot(-2, hour: 14)
                $0.place = "Room 301"
                $0.agenda = [
                    AgendaItem.with {
                        $0.itemID = "1"
                        $0.title = "Key list"
                    }
                ]
            }
        }
        try await n.send("huli", .refused(.notAuthorised, "may not send meeting_convened"), convene)
        try await n.send("commerce-bureau", .accepted, convene)
        try await n.send("commerce-bureau", .refused(.workflowViolation, "already exists"), convene)
        let item = { (id: String) in
            Self.e {
                $0.agendaItemProposed = AgendaItemProposed.with {
                    $0.meetingID = "M1"
                    $0.item = AgendaItem.with {
                        $0.itemID = id
                        $0.title = "Pain points"
                    }
                }
            }
        }
        try await n.send("huli", .accepted, item("2"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already exists in M1"), item("2"))
        try await n.send("siming", .refused(.notAuthorised, "siming is not invited to M1"), item("3"))
        let rsvp = Self.e {
            $0.meetingRsvp = MeetingRsvp.with {
                $0.meetingID = "M1"
                $0.answer = .attending
            }
        }
        try await n.send("huli", .accepted, rsvp)
        try await n.send("siming", .refused(.notAuthorised, "not invited to M1"), rsvp)
        try await n.send(
            "huli", .refused(.notAuthorised, "may not send attendance_recorded"),
            Self.e {
                $0.attendanceRecorded = AttendanceRecorded.with {
                    $0.meetingID = "M1"
                    $0.present = ["huli"]
                }
            })
        try await n.send(
            "commerce-bureau", .accepted,
            Self.e {
                $0.attendanceRecorded = AttendanceRecorded.with {
                    $0.meetingID = "M1"
                    $0.present = ["huli", "xm-dongdu"]
                }
            })
        try await n.send(
            "commerce-bureau", .accepted,
            Self.e {
                $0.minutesEntry = MinutesEntry.with {
                    $0.meetingID = "M1"
                    $0.entryID = "E1"
                    $0.text = "Reviewed."
                }
            })
        try await n.send(
            "commerce-bureau", .accepted,
            Self.e {
                $0.decisionRecorded = DecisionRecorded.with {
                    $0.meetingID = "M1"
                    $0.decisionID = "D1"
                    $0.text = "Add four."
                }
            })
        let assign = { (id: String, owner: String, due: CivilDate) in
            Self.e {
                $0.actionItemAssigned = ActionItemAssigned.with {
                    $0.meetingID = "M1"
                    $0.actionID = id
                    $0.ownerUnit = owner
                    $0.dueDate = due.description
                    $0.text = "Collect."
                }
            }
        }
        try await n.send(
            "commerce-bureau", .refused(.invalidField, "'nowhere' is not a unit"), assign("A1", "nowhere", Self.today))
        try await n.send("commerce-bureau", .accepted, assign("A1", "huli", Self.today.adding(days: -1)))
        try await n.send("commerce-bureau", .accepted, assign("A2", "siming", Self.today.adding(days: 30)))
        try await n.send(
            "commerce-bureau", .refused(.workflowViolation, "already exists"), assign("A1", "huli", Self.today))
        let progress = { (id: String, status: ActionStatus) in
            Self.e {
                $0.actionItemProgress = ActionItemProgress.with {
                    $0.meetingID = "M1"
                    $0.actionID = id
                    $0.status = status
                }
            }
        }
        try await n.send("siming", .refused(.notAuthorised, "only the owner unit huli"), progress("A1", .done))
        try await n.send("huli", .accepted, progress("A1", .inProgress))
        try await n.send(
            "commerce-bureau", .accepted,
            Self.e {
                $0.meetingClosed = MeetingClosed.with {
                    $0.meetingID = "M1"
                    $0.summary = "Closed."
                }
            })
        try await n.send(
            "commerce-bureau", .refused(.workflowViolation, "meeting M1 is closed"),
            Self.e {
                $0.minutesEntry = MinutesEntry.with {
                    $0.meetingID = "M1"
                    $0.entryID = "E2"
                    $0.text = "Late."
                }
            })
        try await n.send("siming", .accepted, progress("A2", .done))
        try await n.send("huli", .refused(.workflowViolation, "has no action item A9"), progress("A9", .done))

        let state = try await n.view()
        #expect(state.meetings["M1"]?.closed == true)
        #expect(state.meetings["M1"]?.agendaItems == ["1", "2"])
        #expect(state.actions["A1"]?.isOverdue(on: Self.today) == true)
        #expect(state.actions["A2"]?.status == .done)
        let actions = try await n.nodes["commerce-bureau"]!.view(.of(.actions))
        #expect(
            Listings(view: actions, today: Self.today, serviceDays: 20).actions(overdueOnly: true).texts.map { $0[0] }
                == ["A1"])
        // Siming owns an action item without being invited: it sees the item, not the meeting.
        let siming = try await n.nodes["siming"]!.view(.of(.actions))
        #expect(siming.actions.map(\.actionID) == ["A2"])
        #expect(siming.actions.first?.status == .done)
        #expect(try await n.nodes["siming"]!.view(.of(.meetings)).meetings.isEmpty)
        await n.close()
    }

    @Test("credit changes: published, confirmed by the units holding incentives and the coordinator, lifted; reports")
    func credit() async throws {
        let n = try await Nodes()
        try await MeasuresTransitionTests.certify(n, Self.enterprise, case: "C-CR")
        for (unit, measure) in [("huli", UInt32(8)), ("finance-bureau", 5)] {
            try await n.send(
                unit, .accepted, MeasuresRegisterTests.grant("I-\(unit)", Self.enterprise, measure: measure))
        }
        let publish = Self.e {
            $0.creditChangePublished = CreditChangePublished.with {
                $0.changeID = "CR1"
                $0.enterprise = Self.enterprise
                $0.levelSet = .order282
                $0.fromLevel = "advanced_certified"
                $0.toLevel = "regular"
                $0.reason = "Breach"
                $0.severity = .general
                $0.effectiveDate = Self.today.description
                $0.stopJointIncentives = true
                $0.publicityEnd = Self.today.adding(months: 6).description
            }
        }
        let confirm = { (id: String) in
            Self.e { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = id } }
        }
        try await n.send("huli", .refused(.notAuthorised, "may not send credit_change_published"), publish)
        try await n.send("xm-dongdu", .accepted, publish)
        try await n.send("huli", .accepted, confirm("CR1"))
        try await n.send("huli", .refused(.workflowViolation, "already confirmed"), confirm("CR1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "asks no confirmation of xm-dongdu"), confirm("CR1"))
        try await n.send("siming", .refused(.workflowViolation, "asks no confirmation of siming"), confirm("CR1"))
        try await n.send("siming", .refused(.workflowViolation, "there is no credit change CR9"), confirm("CR9"))
        var state = try await n.view()
        #expect(state.creditChanges["CR1"]?.pending == ["finance-bureau", "commerce-bureau"])
        #expect(state.standings[Self.enterprise.uscc]?.certificate?.status == .withdrawn)
        try await n.send(
            "fuzhou-customs", .refused(.workflowViolation, "asks no confirmation of fuzhou-customs"), confirm("CR1"))
        for unit in ["finance-bureau", "commerce-bureau"] { try await n.send(unit, .accepted, confirm("CR1")) }
        state = try await n.view()
        #expect(state.creditChanges["CR1"]?.pending.isEmpty == true)
        try await n.send(
            "xm-dongdu", .accepted,
            Self.e {
                $0.creditChangeLifted = CreditChangeLifted.with {
                    $0.changeID = "CR1"
                    $0.reason = "Repaired."
                }
            })
        try await n.send(
            "xm-dongdu", .refused(.workflowViolation, "already lifted"),
            Self.e {
                $0.creditChangeLifted = CreditChangeLifted.with {
                    $0.changeID = "CR1"
                    $0.reason = "again"
                }
            })
        try await n.send("huli", .refused(.workflowViolation, "was lifted"), confirm("CR1"))

        let period = BimonthlyReport.period(containing: Self.today)
        for unit in ["huli", "xm-dongdu", "fuzhou-customs"] {
            try await n.send(
                unit, .accepted,
                Self.e {
                    $0.progressReport = ProgressReport.with {
                        $0.period = period
                        $0.figures = [
                            Figure.with {
                                $0.name = "requests_filed"
                                $0.value = 3
                            }
                        ]
                    }
                })
        }
        state = try await n.view()
        #expect(state.creditChanges["CR1"]?.lifted == true)
        // The lift undid the change: the certificate it withdrew is valid again and the bar is gone.
        #expect(state.standings[Self.enterprise.uscc]?.certificate?.status == .valid)
        #expect(state.standings[Self.enterprise.uscc]?.bar == nil)
        #expect(
            state.reports.values.filter { $0.period == period }.map(\.unit).sorted() == [
                "fuzhou-customs", "huli", "xm-dongdu",
            ])
        await n.close()
    }
}
