import Coordination
import Foundation
import HubNode
import HubProtocol
import Operations
import Testing

/// Every workflow transition, allowed and refused, submitted by real nodes to a real hub.
@Suite("Workflow transitions through the hub", .serialized)
struct WorkflowTransitionTests {
    /// What the hub must answer.
    enum Expect {
        case accepted
        case refused(ErrorCode, String)
    }

    /// The nodes of a running network, by id.
    final class Nodes: @unchecked Sendable {
        // @unchecked: used by one test task at a time.
        let network: TestNetwork
        var nodes: [String: HubNode] = [:]
        var steps = 0

        init() async throws {
            network = try TestNetwork()
            try network.startHub()
            for unit in TestNetwork.units { nodes[unit.id] = try await network.node(unit.id, state: false) }
        }

        /// Submits `envelope` as `sender` and checks the answer.
        func send(_ sender: String, _ expect: Expect, _ envelope: Envelope, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            steps += 1
            let label = "\(sender) \(envelope.messageType?.rawValue ?? "?")"
            do {
                _ = try await nodes[sender]!.submit(envelope, deadline: .seconds(20))
                if case .refused(let code, let reason) = expect {
                    Issue.record("\(label) was accepted; expected \(code.name): \(reason)", sourceLocation: sourceLocation)
                }
            } catch NodeError.rejected(let code, let reason, _) {
                switch expect {
                case .accepted: Issue.record("\(label) was refused: \(code) \(reason)", sourceLocation: sourceLocation)
                case .refused(let expectedCode, let fragment):
                    #expect(code == expectedCode.name, "\(label): \(reason)", sourceLocation: sourceLocation)
                    #expect(reason.contains(fragment), "\(label): '\(reason)' lacks '\(fragment)'", sourceLocation: sourceLocation)
                }
            }
        }

        /// The truth: the whole log folded.
        func view() async throws -> CoordinationState { try network.truth() }

        func close() async {
            for node in nodes.values { await node.close() }
            await network.stopHub()
        }
    }

    static let today = CivilDate(chinaTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
    static let enterprise = Enterprise.with { $0.uscc = "91350200776049653A"; $0.name = "Xiamen Example Trading" }
    static let other = Enterprise.with { $0.uscc = "913502000728319549"; $0.name = "Siming Precision Parts" }
    static let contact = Contact.with { $0.name = "Lin Wei" }

    static func slot(_ days: Int, hour: Int = 9) -> TimeSlot {
        let start = today.adding(days: days).chinaMidnightMilliseconds + Int64(hour) * 3_600_000
        return TimeSlot.with { $0.startMs = start; $0.endMs = start + 3 * 3_600_000 }
    }

    static func e(_ build: (inout Envelope) -> Void) -> Envelope {
        var envelope = Envelope()
        build(&envelope)
        return envelope
    }

    @Test("requests: filed, acknowledged, in progress, resolved, declined, withdrawn; duplicates flagged; every refusal explained")
    func requests() async throws {
        let n = try await Nodes()
        func filed(_ id: String, _ area: String = "350206", _ firm: Enterprise = Self.enterprise) -> Envelope {
            Self.e { $0.requestFiled = RequestFiled.with { $0.requestID = id; $0.enterprise = firm; $0.area = area; $0.category = .aeoCertificationIntent; $0.description_p = "d"; $0.contact = Self.contact } }
        }
        try await n.send("huli", .accepted, filed("R1"))
        try await n.send("huli", .refused(.workflowViolation, "already exists"), filed("R1"))
        try await n.send("siming", .refused(.notAuthorised, "only for its own area 350203"), filed("R9"))
        try await n.send("xm-dongdu", .refused(.notAuthorised, "may not send request_filed"), filed("R9"))
        try await n.send("huli", .accepted, filed("R2"))  // same enterprise and category: a probable duplicate
        try await n.send("huli", .accepted, filed("R3", "350206", Self.other))
        try await n.send("huli", .accepted, filed("R4", "350206", Self.other))

        let ack = { (id: String) in Self.e { $0.requestAcknowledged = RequestAcknowledged.with { $0.requestID = id; $0.handlingOffice = "xm-dongdu" } } }
        try await n.send("huli", .refused(.notAuthorised, "may not send request_acknowledged"), ack("R1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "must be acknowledged before progress"),
                         Self.e { $0.requestProgress = RequestProgress.with { $0.requestID = "R1"; $0.note = "n" } })
        try await n.send("xm-haicang", .refused(.notAuthorised, "handled by xm-dongdu"), ack("R1"))
        try await n.send("xm-dongdu", .accepted, ack("R1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already acknowledged"), ack("R1"))
        try await n.send("xm-haicang", .refused(.notAuthorised, "handled by xm-dongdu"),
                         Self.e { $0.requestProgress = RequestProgress.with { $0.requestID = "R1"; $0.note = "n" } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.requestProgress = RequestProgress.with { $0.requestID = "R1"; $0.note = "Pre-assessment booked." } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.requestResolved = RequestResolved.with { $0.requestID = "R1"; $0.resolution = "Done." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already resolved"),
                         Self.e { $0.requestDeclined = RequestDeclined.with { $0.requestID = "R1"; $0.reason = "r" } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.requestDeclined = RequestDeclined.with { $0.requestID = "R3"; $0.reason = "Out of scope." } })
        try await n.send("siming", .refused(.notAuthorised, "only the filer huli"),
                         Self.e { $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "R4" } })
        try await n.send("huli", .accepted, Self.e { $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "R4"; $0.reason = "Filed twice." } })
        try await n.send("huli", .refused(.workflowViolation, "there is no request R77"),
                         Self.e { $0.requestWithdrawn = RequestWithdrawn.with { $0.requestID = "R77" } })

        let state = try await n.view()
        #expect(state.requests.mapValues(\.status) == ["R1": .resolved, "R2": .filed, "R3": .declined, "R4": .withdrawn])
        #expect(state.requests["R2"]?.duplicateOf == "R1")
        let later = Self.today.adding(days: 21)
        #expect(state.requests["R2"]?.isOverdue(on: later, serviceDays: 20) == true)
        #expect(state.requests["R1"]?.isOverdue(on: later, serviceDays: 20) == false)
        let ledger = try await n.nodes["commerce-bureau"]!.view(.of(.requests))
        let listing = Listings(view: ledger, today: later, serviceDays: 20).requests(overdueOnly: true)
        #expect(listing.texts.map { $0[0] } == ["R2"])
        await n.close()
    }

    @Test("cultivation key list: recommended, listed, declined, removed")
    func cultivation() async throws {
        let n = try await Nodes()
        let recommend = Self.e { $0.cultivationRecommended = CultivationRecommended.with { $0.enterprise = Self.enterprise; $0.reason = "Growth." } }
        let list = { (uscc: String) in Self.e { $0.cultivationListed = CultivationListed.with { $0.uscc = uscc } } }
        try await n.send("huli", .accepted, recommend)
        try await n.send("commerce-bureau", .accepted, recommend)
        try await n.send("huli", .refused(.notAuthorised, "may not send cultivation_listed"), list(Self.enterprise.uscc))
        try await n.send("xm-dongdu", .accepted, list(Self.enterprise.uscc))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already on the key list"), list(Self.enterprise.uscc))
        try await n.send("siming", .refused(.workflowViolation, "already on the key list"), recommend)
        try await n.send("xm-dongdu", .refused(.workflowViolation, "no pending recommendation"),
                         Self.e { $0.cultivationDeclined = CultivationDeclined.with { $0.uscc = Self.other.uscc; $0.reason = "r" } })
        try await n.send("siming", .accepted, Self.e { $0.cultivationRecommended = CultivationRecommended.with { $0.enterprise = Self.other; $0.reason = "r" } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.cultivationDeclined = CultivationDeclined.with { $0.uscc = Self.other.uscc; $0.reason = "Not yet." } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.cultivationRemoved = CultivationRemoved.with { $0.uscc = Self.enterprise.uscc; $0.reason = "Breach." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "is not on the key list"),
                         Self.e { $0.cultivationRemoved = CultivationRemoved.with { $0.uscc = Self.enterprise.uscc; $0.reason = "again" } })

        let state = try await n.view()
        #expect(state.cultivation[Self.enterprise.uscc]?.status == .removed)
        #expect(state.cultivation[Self.enterprise.uscc]?.recommenders == ["huli", "commerce-bureau"])
        #expect(state.cultivation[Self.other.uscc]?.status == .declined)
        await n.close()
    }

    @Test("certification: case, extension, joint audit, answers, conflicts, reschedule, cancel, complete, conclusion, bar and review")
    func certification() async throws {
        let n = try await Nodes()
        // Received 60 days ago, so that audits held in the past lie within the deadline.
        func open(_ id: String, _ firm: Enterprise = Self.enterprise, received: CivilDate = Self.today.adding(days: -60)) -> Envelope {
            Self.e { $0.caseOpened = CaseOpened.with { $0.caseID = id; $0.enterprise = firm; $0.applicationReceived = received.description } }
        }
        func propose(_ id: String, case caseID: String, areas: [String], slots: [TimeSlot], team: [String]) -> Envelope {
            Self.e {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = caseID; $0.auditID = id; $0.slots = slots; $0.enterpriseContact = Self.contact
                    $0.sites = areas.map { area in AuditSite.with { $0.name = "Site \(area)"; $0.address = "Road"; $0.customsArea = area } }
                    $0.team = team.map { officer in Officer.with { $0.officerID = officer; $0.name = "Officer \(officer)" } }
                }
            }
        }
        func respond(_ id: String, case caseID: String, _ answer: AuditAnswer, accept: [UInt32] = [], counter: [TimeSlot] = []) -> Envelope {
            Self.e { $0.auditResponded = AuditResponded.with { $0.auditID = id; $0.caseID = caseID; $0.answer = answer; $0.acceptedSlots = accept; $0.counterSlots = counter } }
        }
        func schedule(_ id: String, case caseID: String, _ slot: TimeSlot) -> Envelope {
            Self.e { $0.auditScheduled = AuditScheduled.with { $0.auditID = id; $0.caseID = caseID; $0.slot = slot } }
        }

        try await n.send("huli", .refused(.notAuthorised, "may not send case_opened"), open("C1"))
        try await n.send("xm-dongdu", .accepted, open("C1"))
        try await n.send("xm-haicang", .refused(.workflowViolation, "already has open case C1"), open("C9"))
        try await n.send("xm-haicang", .refused(.notAuthorised, "only that customs office acts on it"),
                         Self.e { $0.caseExtended = CaseExtended.with { $0.caseID = "C1"; $0.reason = "r" } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "deadline"), propose("A0", case: "C1", areas: ["3700"], slots: [Self.slot(40)], team: ["D1", "D2"]))
        try await n.send("xm-dongdu", .accepted, Self.e { $0.caseExtended = CaseExtended.with { $0.caseID = "C1"; $0.reason = "Documents late." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already extended once"),
                         Self.e { $0.caseExtended = CaseExtended.with { $0.caseID = "C1"; $0.reason = "again" } })

        // A joint audit: Fuzhou must accept the slot.
        let slots = [Self.slot(-10), Self.slot(50)]
        try await n.send("xm-dongdu", .refused(.invalidField, "customs area 9999 is neither this network's (3700) nor the partner's (3500)"),
                         propose("A9", case: "C1", areas: ["3700", "9999"], slots: slots, team: ["D1", "D2"]))
        try await n.send("xm-dongdu", .accepted, propose("A1", case: "C1", areas: ["3700", "3500"], slots: slots, team: ["D1", "D2"]))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "not accepted by fuzhou-customs"), schedule("A1", case: "C1", slots[0]))
        try await n.send("huli", .refused(.notAuthorised, "may not send audit_responded"), respond("A1", case: "C1", .accept, accept: [0]))
        try await n.send("xm-haicang", .refused(.notAuthorised, "not a participant"), respond("A1", case: "C1", .accept, accept: [0]))
        try await n.send("fuzhou-customs", .refused(.invalidField, "slot index 5 does not exist"), respond("A1", case: "C1", .accept, accept: [5]))
        try await n.send("fuzhou-customs", .accepted, respond("A1", case: "C1", .decline))
        let counter = Self.slot(-8)
        try await n.send("fuzhou-customs", .accepted, respond("A1", case: "C1", .counterPropose, counter: [counter]))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "not one of audit A1's candidate slots"), schedule("A1", case: "C1", Self.slot(-9)))
        try await n.send("fuzhou-customs", .refused(.notAuthorised, "may not send audit_scheduled"), schedule("A1", case: "C1", counter))
        try await n.send("xm-dongdu", .accepted, schedule("A1", case: "C1", counter))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "not proposed"), schedule("A1", case: "C1", counter))

        // A second case, an audit with no site in Fuzhou's area, conflicting with A1.
        try await n.send("xm-dongdu", .accepted, open("C2", Self.other))
        try await n.send("xm-dongdu", .accepted, propose("A2", case: "C2", areas: ["3700"], slots: [counter, Self.slot(-6)], team: ["D2", "D3"]))
        try await n.send("fuzhou-customs", .refused(.notAuthorised, "answers only audits with a site in its area"), respond("A2", case: "C2", .accept, accept: [0]))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "officer D2 is already booked"), schedule("A2", case: "C2", counter))
        try await n.send("xm-dongdu", .accepted, schedule("A2", case: "C2", Self.slot(-6)))
        try await n.send("xm-dongdu", .refused(.invalidField, "belongs to case C2"), schedule("A2", case: "C1", Self.slot(-6)))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "not one of audit A2's candidate slots"),
                         Self.e { $0.auditRescheduled = AuditRescheduled.with { $0.auditID = "A2"; $0.caseID = "C2"; $0.slot = Self.slot(-5); $0.reason = "r" } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.auditRescheduled = AuditRescheduled.with { $0.auditID = "A2"; $0.caseID = "C2"; $0.slot = Self.slot(-6); $0.reason = "Same day, confirmed." } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.auditCancelled = AuditCancelled.with { $0.auditID = "A2"; $0.caseID = "C2"; $0.reason = "Enterprise withdrew." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "only a scheduled audit can be completed"),
                         Self.e { $0.auditCompleted = AuditCompleted.with { $0.auditID = "A2"; $0.caseID = "C2"; $0.outcome = .passed } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.caseConcluded = CaseConcluded.with { $0.caseID = "C2"; $0.result = .notCertified; $0.reason = "Withdrew." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "may not apply again before \(Self.today.adding(years: 1))"), open("C3", Self.other))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "no completed on-site audit that passed"),
                         Self.e { $0.caseConcluded = CaseConcluded.with { $0.caseID = "C1"; $0.result = .certified } })

        try await n.send("xm-dongdu", .accepted, Self.e { $0.auditCompleted = AuditCompleted.with { $0.auditID = "A1"; $0.caseID = "C1"; $0.outcome = .passedWithFindings; $0.findings = "Minor." } })
        try await n.send("xm-dongdu", .accepted, Self.e { $0.caseConcluded = CaseConcluded.with { $0.caseID = "C1"; $0.result = .certified } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "case C1 is concluded"),
                         Self.e { $0.caseExtended = CaseExtended.with { $0.caseID = "C1"; $0.reason = "late" } })

        let state = try await n.view()
        #expect(state.audits["A1"]?.status == .completed)
        #expect(state.audits["A1"]?.joint == true)
        #expect(state.audits["A2"]?.status == .cancelled)
        #expect(state.cases["C1"]?.status == .certified)
        #expect(state.cases["C1"]?.reviewDue == Self.today.adding(years: 5))
        #expect(state.cases["C1"]?.deadline == Self.today.adding(days: 60))
        #expect(state.barredUntil[Self.other.uscc] == Self.today.adding(years: 1))

        // Fuzhou's view shows the joint audit it took part in, and its case in full.
        let fuzhou = try await n.nodes["fuzhou-customs"]!.view(.of(.audits))
        #expect(fuzhou.audits.first { $0.auditID == "A1" }?.status == "completed")
        let fuzhouCases = try await n.nodes["fuzhou-customs"]!.view(.of(.cases))
        #expect(fuzhouCases.cases.map(\.caseID) == ["C1"])
        #expect(fuzhouCases.cases.first?.enterprise.uscc == Self.enterprise.uscc)
        #expect(fuzhouCases.cases.first?.deadline == Self.today.adding(days: 60).description)
        await n.close()
    }

    @Test("meetings: convene, agenda, RSVP, attendance, minutes, decisions, action items and progress, close")
    func meetings() async throws {
        let n = try await Nodes()
        let convene = Self.e {
            $0.meetingConvened = MeetingConvened.with {
                $0.meetingID = "M1"; $0.title = "Joint meeting"; $0.invitees = ["xm-dongdu", "huli"]; $0.time = Self.slot(-2, hour: 14); $0.place = "Room 301"
                $0.agenda = [AgendaItem.with { $0.itemID = "1"; $0.title = "Key list" }]
            }
        }
        try await n.send("huli", .refused(.notAuthorised, "may not send meeting_convened"), convene)
        try await n.send("commerce-bureau", .accepted, convene)
        try await n.send("commerce-bureau", .refused(.workflowViolation, "already exists"), convene)
        let item = { (id: String) in Self.e { $0.agendaItemProposed = AgendaItemProposed.with { $0.meetingID = "M1"; $0.item = AgendaItem.with { $0.itemID = id; $0.title = "Pain points" } } } }
        try await n.send("huli", .accepted, item("2"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already exists in M1"), item("2"))
        try await n.send("siming", .refused(.notAuthorised, "siming is not invited to M1"), item("3"))
        let rsvp = Self.e { $0.meetingRsvp = MeetingRsvp.with { $0.meetingID = "M1"; $0.answer = .attending } }
        try await n.send("huli", .accepted, rsvp)
        try await n.send("siming", .refused(.notAuthorised, "not invited to M1"), rsvp)
        try await n.send("huli", .refused(.notAuthorised, "may not send attendance_recorded"),
                         Self.e { $0.attendanceRecorded = AttendanceRecorded.with { $0.meetingID = "M1"; $0.present = ["huli"] } })
        try await n.send("commerce-bureau", .accepted, Self.e { $0.attendanceRecorded = AttendanceRecorded.with { $0.meetingID = "M1"; $0.present = ["huli", "xm-dongdu"] } })
        try await n.send("commerce-bureau", .accepted, Self.e { $0.minutesEntry = MinutesEntry.with { $0.meetingID = "M1"; $0.entryID = "E1"; $0.text = "Reviewed." } })
        try await n.send("commerce-bureau", .accepted, Self.e { $0.decisionRecorded = DecisionRecorded.with { $0.meetingID = "M1"; $0.decisionID = "D1"; $0.text = "Add four." } })
        let assign = { (id: String, owner: String, due: CivilDate) in
            Self.e { $0.actionItemAssigned = ActionItemAssigned.with { $0.meetingID = "M1"; $0.actionID = id; $0.ownerUnit = owner; $0.dueDate = due.description; $0.text = "Collect." } }
        }
        try await n.send("commerce-bureau", .refused(.invalidField, "'nowhere' is not a unit"), assign("A1", "nowhere", Self.today))
        try await n.send("commerce-bureau", .accepted, assign("A1", "huli", Self.today.adding(days: -1)))
        try await n.send("commerce-bureau", .accepted, assign("A2", "siming", Self.today.adding(days: 30)))
        try await n.send("commerce-bureau", .refused(.workflowViolation, "already exists"), assign("A1", "huli", Self.today))
        let progress = { (id: String, status: ActionStatus) in Self.e { $0.actionItemProgress = ActionItemProgress.with { $0.meetingID = "M1"; $0.actionID = id; $0.status = status } } }
        try await n.send("siming", .refused(.notAuthorised, "only the owner unit huli"), progress("A1", .done))
        try await n.send("huli", .accepted, progress("A1", .inProgress))
        try await n.send("commerce-bureau", .accepted, Self.e { $0.meetingClosed = MeetingClosed.with { $0.meetingID = "M1"; $0.summary = "Closed." } })
        try await n.send("commerce-bureau", .refused(.workflowViolation, "meeting M1 is closed"),
                         Self.e { $0.minutesEntry = MinutesEntry.with { $0.meetingID = "M1"; $0.entryID = "E2"; $0.text = "Late." } })
        try await n.send("siming", .accepted, progress("A2", .done))
        try await n.send("huli", .refused(.workflowViolation, "has no action item A9"), progress("A9", .done))

        let state = try await n.view()
        #expect(state.meetings["M1"]?.closed == true)
        #expect(state.meetings["M1"]?.agendaItems == ["1", "2"])
        #expect(state.actions["A1"]?.isOverdue(on: Self.today) == true)
        #expect(state.actions["A2"]?.status == .done)
        let actions = try await n.nodes["commerce-bureau"]!.view(.of(.actions))
        #expect(Listings(view: actions, today: Self.today, serviceDays: 20).actions(overdueOnly: true).texts.map { $0[0] } == ["A1"])
        // Siming owns an action item without being invited: it sees the item, not the meeting.
        let siming = try await n.nodes["siming"]!.view(.of(.actions))
        #expect(siming.actions.map(\.actionID) == ["A2"])
        #expect(siming.actions.first?.status == .done)
        #expect(try await n.nodes["siming"]!.view(.of(.meetings)).meetings.isEmpty)
        await n.close()
    }

    @Test("credit changes: published, confirmed by every granting unit, lifted; progress reports")
    func credit() async throws {
        let n = try await Nodes()
        let publish = Self.e {
            $0.creditChangePublished = CreditChangePublished.with {
                $0.changeID = "CR1"; $0.enterprise = Self.enterprise; $0.levelSet = .order282; $0.fromLevel = "advanced_certified"
                $0.toLevel = "regular"; $0.reason = "Breach"; $0.severity = .general; $0.effectiveDate = Self.today.description; $0.stopJointIncentives = true
                $0.publicityEnd = Self.today.adding(months: 6).description
            }
        }
        let confirm = { (id: String) in Self.e { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = id } } }
        try await n.send("huli", .refused(.notAuthorised, "may not send credit_change_published"), publish)
        try await n.send("xm-dongdu", .accepted, publish)
        try await n.send("huli", .accepted, confirm("CR1"))
        try await n.send("huli", .refused(.workflowViolation, "already confirmed"), confirm("CR1"))
        try await n.send("xm-dongdu", .refused(.workflowViolation, "asks no confirmation of xm-dongdu"), confirm("CR1"))
        try await n.send("siming", .refused(.workflowViolation, "there is no credit change CR9"), confirm("CR9"))
        var state = try await n.view()
        let granters = TestNetwork.units.filter { ![.partner, .association].contains($0.role) }.map(\.id)
        #expect(state.creditChanges["CR1"]?.pending == Set(granters).subtracting(["xm-dongdu", "huli"]))
        try await n.send("fuzhou-customs", .refused(.workflowViolation, "asks no confirmation of fuzhou-customs"), confirm("CR1"))
        for unit in granters where !["xm-dongdu", "huli"].contains(unit) {
            try await n.send(unit, .accepted, confirm("CR1"))
        }
        state = try await n.view()
        #expect(state.creditChanges["CR1"]?.pending.isEmpty == true)
        try await n.send("xm-dongdu", .accepted, Self.e { $0.creditChangeLifted = CreditChangeLifted.with { $0.changeID = "CR1"; $0.reason = "Repaired." } })
        try await n.send("xm-dongdu", .refused(.workflowViolation, "already lifted"),
                         Self.e { $0.creditChangeLifted = CreditChangeLifted.with { $0.changeID = "CR1"; $0.reason = "again" } })
        try await n.send("huli", .refused(.workflowViolation, "was lifted"), confirm("CR1"))

        let period = BimonthlyReport.period(containing: Self.today)
        for unit in ["huli", "xm-dongdu", "fuzhou-customs"] {
            try await n.send(unit, .accepted, Self.e { $0.progressReport = ProgressReport.with { $0.period = period; $0.figures = [Figure.with { $0.name = "requests_filed"; $0.value = 3 }] } })
        }
        state = try await n.view()
        #expect(state.creditChanges["CR1"]?.lifted == true)
        #expect(state.reports.values.filter { $0.period == period }.map(\.unit).sorted() == ["fuzhou-customs", "huli", "xm-dongdu"])
        await n.close()
    }
}
