import Coordination
import HubProtocol
import Testing

/// Bounds on what one message carries and on what a workflow keeps (issue 13, defect 14d).
@Suite("Limits on lists and recipients")
struct LimitRuleTests {
    typealias W = WorkflowTests
    var state = CoordinationState(topology: Topology(units: WorkflowTests.units))

    mutating func admit(_ from: String, _ build: (inout Envelope) -> Void) throws(Refusal) {
        _ = try state.admit(W.envelope(build), from: from, at: W.now)
    }

    func counterProposal(_ slots: [TimeSlot]) -> (inout Envelope) -> Void {
        { envelope in
            envelope.auditResponded = AuditResponded.with {
                $0.auditID = "A1"
                $0.caseID = "C1"
                $0.answer = .counterPropose
                $0.counterSlots = slots
            }
        }
    }

    @Test("counter-proposals cannot grow an audit's candidate slots past the limit")
    mutating func counterSlotsBounded() throws {
        var workflow = WorkflowTests()
        try workflow.openCase()
        _ = try workflow.propose(sites: ["3700", "3500"], slots: [W.slot(daysAfterReceipt: 10)])
        state = workflow.state
        let ten = (0..<10).map { W.slot(daysAfterReceipt: 20 + $0) }
        try admit("fuzhou", counterProposal(ten))
        #expect(state.audits["A1"]?.slots.count == 11)
        let refusal = #expect(throws: Refusal.self) { try admit("fuzhou", counterProposal(ten)) }
        #expect(refusal?.code == .workflowViolation)
        #expect(refusal?.field == "audit_responded.counter_slots")
        #expect(state.audits["A1"]?.slots.count == 11)
        try admit("fuzhou", counterProposal(Array(ten.prefix(RepeatedLimit.slots - 11))))
        #expect(state.audits["A1"]?.slots.count == RepeatedLimit.slots)
    }

    @Test("a meeting takes at most its limit of agenda items; a non-invitee proposes none")
    mutating func agendaBounded() throws {
        try admit("bureau") {
            $0.meetingConvened = MeetingConvened.with {
                $0.meetingID = "M1"
                $0.title = "t"
                $0.invitees = ["huli", "dongdu"]
                $0.place = "p"
                $0.time = W.slot(daysAfterReceipt: 1)
                $0.agenda = (0..<(RepeatedLimit.agendaItems - 1)).map { n in
                    AgendaItem.with {
                        $0.itemID = "I\(n)"
                        $0.title = "item \(n)"
                    }
                }
            }
        }
        func item(_ id: String) -> (inout Envelope) -> Void {
            { envelope in
                envelope.agendaItemProposed = AgendaItemProposed.with {
                    $0.meetingID = "M1"
                    $0.item = AgendaItem.with {
                        $0.itemID = id
                        $0.title = id
                    }
                }
            }
        }
        let stranger = #expect(throws: Refusal.self) { try admit("haicang-customs", item("X")) }
        #expect(stranger?.code == .notAuthorised)
        try admit("huli", item("last"))
        let full = #expect(throws: Refusal.self) { try admit("dongdu", item("one-more")) }
        #expect(full?.code == .workflowViolation)
    }

    @Test("only the coordinator adds recipients to a workflow's records; anyone may address a progress report")
    mutating func explicitRecipients() throws {
        func filed(to: Recipients) -> (inout Envelope) -> Void {
            { envelope in
                envelope.to = to
                envelope.requestFiled = RequestFiled.with {
                    $0.requestID = "R1"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "91350200776049653A"
                        $0.name = "E"
                    }
                    $0.area = "350206"
                    $0.category = .aeoCertificationIntent
                    $0.description_p = "d"
                }
            }
        }
        for to in [
            Recipients.with { $0.all = true }, Recipients.with { $0.nodes = ["fuzhou"] },
            Recipients.with { $0.roles = ["customs"] },
        ] {
            let refusal = #expect(throws: Refusal.self) { try admit("huli", filed(to: to)) }
            #expect(refusal?.code == .notAuthorised)
            #expect(refusal?.field == "to")
        }
        #expect(state.requests.isEmpty)
        try admit("huli") {
            $0.to = Recipients.with { $0.all = true }
            $0.progressReport = ProgressReport.with {
                $0.period = "2026-09/2026-10"
                $0.text = "to all"
            }
        }
        let convened = try state.admit(
            W.envelope {
                $0.to = Recipients.with { $0.nodes = ["fuzhou"] }
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = "M2"
                    $0.title = "t"
                    $0.invitees = ["huli"]
                    $0.place = "p"
                    $0.time = W.slot(daysAfterReceipt: 1)
                }
            }, from: "bureau", at: W.now)
        #expect(convened.recipients.contains("fuzhou"))
    }

    @Test("repeated fields beyond their limit are INVALID_FIELD naming the field")
    func repeatedFields() throws {
        var tooMany = Envelope.with {
            $0.messageID = "m1"
            $0.to = Recipients.with { $0.nodes = (0..<65).map { "node-\($0)" } }
            $0.progressReport = ProgressReport.with {
                $0.period = "2026-09/2026-10"
                $0.text = "t"
            }
        }
        let recipients = #expect(throws: Refusal.self) { try EnvelopeValidator.validate(tooMany) }
        #expect(recipients?.field == "to.nodes")
        tooMany.to = Recipients()
        tooMany.progressReport.figures = (0..<101).map { n in Figure.with { $0.name = "f\(n)" } }
        let figures = #expect(throws: Refusal.self) { try EnvelopeValidator.validate(tooMany) }
        #expect(figures?.field == "progress_report.figures")
        let counter = Envelope.with {
            $0.messageID = "m2"
            $0.auditResponded = AuditResponded.with {
                $0.auditID = "A1"
                $0.caseID = "C1"
                $0.answer = .counterPropose
                $0.counterSlots = (0..<21).map { WorkflowTests.slot(daysAfterReceipt: $0) }
            }
        }
        let slots = #expect(throws: Refusal.self) { try EnvelopeValidator.validate(counter) }
        #expect(slots?.field == "audit_responded.counter_slots")
    }
}
