import Coordination
import HubProtocol
import Testing

/// The workflow rules as a pure state machine: no sockets, no log.
@Suite("Workflows")
struct WorkflowTests {
    static let units: [Coordination.Unit] = [
        .init(id: "bureau", role: .coordinator, name: "Commerce Bureau"),
        .init(id: "dongdu", role: .customs, name: "Dongdu"),
        .init(id: "haicang-customs", role: .customs, name: "Haicang"),
        .init(id: "fuzhou", role: .partner, name: "Fuzhou"),
        .init(id: "huli", role: .district, name: "Huli", area: "350206", customsOffice: "dongdu"),
    ]
    static let received = CivilDate("2026-09-01")!
    static let now = received.chinaMidnightMilliseconds + 3_600_000

    var state = CoordinationState(topology: Topology(units: units))

    static func slot(daysAfterReceipt days: Int) -> TimeSlot {
        let start = received.adding(days: days).chinaMidnightMilliseconds + 9 * 3_600_000
        return TimeSlot.with {
            $0.startMs = start
            $0.endMs = start + 8 * 3_600_000
        }
    }

    static func envelope(_ build: (inout Envelope) -> Void) -> Envelope {
        var envelope = Envelope()
        build(&envelope)
        return envelope
    }

    mutating func openCase() throws {
        _ = try state.admit(
            Self.envelope {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = "C1"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "91350200776049653A"
                        $0.name = "E"
                    }
                    $0.applicationReceived = Self.received.description
                }
            }, from: "dongdu", at: Self.now)
    }

    mutating func propose(
        sites areas: [String], slots: [TimeSlot], team: [String] = ["O1", "O2"], id: String = "A1"
    ) throws -> Admission {
        try state.admit(
            Self.envelope {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = "C1"
                    $0.auditID = id
                    $0.sites = areas.map { area in
                        AuditSite.with {
                            $0.name = "site"
                            $0.address = "addr"
                            $0.customsArea = area
                        }
                    }
                    $0.slots = slots
                    $0.team = team.map { id in
                        Officer.with {
                            $0.officerID = id
                            $0.name = id
                        }
                    }
                    $0.enterpriseContact = Contact.with { $0.name = "Lin" }
                }
            }, from: "dongdu", at: Self.now)
    }

    func schedule(_ slot: TimeSlot, audit: String = "A1") -> Envelope {
        Self.envelope {
            $0.auditScheduled = AuditScheduled.with {
                $0.auditID = audit
                $0.caseID = "C1"
                $0.slot = slot
            }
        }
    }

    @Test("a site in Fuzhou's area makes a joint audit: routed to Fuzhou, scheduled only on a slot Fuzhou accepted")
    mutating func jointAudit() throws {
        try openCase()
        let slots = [Self.slot(daysAfterReceipt: 20), Self.slot(daysAfterReceipt: 30)]
        let proposal = try propose(sites: ["3700", "3500"], slots: slots)
        #expect(proposal.recipients.contains("fuzhou"))
        #expect(state.audits["A1"]?.joint == true)

        #expect(throws: Refusal.self) { try state.admit(schedule(slots[1]), from: "dongdu", at: Self.now) }
        _ = try state.admit(
            Self.envelope {
                $0.auditResponded = AuditResponded.with {
                    $0.auditID = "A1"
                    $0.caseID = "C1"
                    $0.answer = .accept
                    $0.acceptedSlots = [1]
                }
            }, from: "fuzhou", at: Self.now)
        let refusedSlot0 = #expect(throws: Refusal.self) {
            try state.admit(schedule(slots[0]), from: "dongdu", at: Self.now)
        }
        #expect(refusedSlot0?.reason.contains("not accepted by fuzhou") == true)
        _ = try state.admit(schedule(slots[1]), from: "dongdu", at: Self.now)
        #expect(state.audits["A1"]?.status == .scheduled)
    }

    @Test(
        "Fuzhou's officers join a joint team with its ACCEPT, of its office, replaced by the next and gone on DECLINE")
    mutating func partnerOfficers() throws {
        try openCase()
        _ = try propose(sites: ["3700", "3500"], slots: [Self.slot(daysAfterReceipt: 20)])
        func answer(_ answer: AuditAnswer, _ officers: [String], from unit: String = "fuzhou") throws {
            _ = try state.admit(
                Self.envelope {
                    $0.auditResponded = AuditResponded.with {
                        $0.auditID = "A1"
                        $0.caseID = "C1"
                        $0.answer = answer
                        $0.acceptedSlots = answer == .accept ? [0] : []
                        $0.officers = officers.map { id in
                            Officer.with {
                                $0.officerID = id
                                $0.name = "Officer \(id)"
                                $0.office = "dongdu"
                            }
                        }
                    }
                }, from: unit, at: Self.now)
        }
        try answer(.accept, ["FZ-1", "FZ-2"])
        #expect(state.audits["A1"]?.joining.map(\.officerID) == ["FZ-1", "FZ-2"])
        #expect(state.audits["A1"]?.joining.allSatisfy { $0.office == "fuzhou" } == true, "the sender's office")
        try answer(.accept, ["FZ-3"])
        #expect(state.audits["A1"]?.joining.map(\.officerID) == ["FZ-3"])
        #expect(throws: Refusal.self) { try answer(.accept, ["DD-9"], from: "dongdu") }
        try answer(.decline, [])
        #expect(state.audits["A1"]?.joining.isEmpty == true)
    }

    @Test("Fuzhou may not answer an audit with no site in its area")
    mutating func partnerOnlyForItsArea() throws {
        try openCase()
        _ = try propose(sites: ["3700"], slots: [Self.slot(daysAfterReceipt: 20)])
        let error = #expect(throws: Refusal.self) {
            try state.admit(
                Self.envelope {
                    $0.auditResponded = AuditResponded.with {
                        $0.auditID = "A1"
                        $0.caseID = "C1"
                        $0.answer = .accept
                        $0.acceptedSlots = [0]
                    }
                }, from: "fuzhou", at: Self.now)
        }
        #expect(error?.code == .notAuthorised)
    }

    @Test("the deadline is receipt + 90 days, + 30 once; later slots are refused")
    mutating func deadline() throws {
        try openCase()
        #expect(state.cases["C1"]?.deadline.description == "2026-11-30")
        #expect(throws: Refusal.self) { _ = try propose(sites: ["3700"], slots: [Self.slot(daysAfterReceipt: 95)]) }
        let extend = Self.envelope {
            $0.caseExtended = CaseExtended.with {
                $0.caseID = "C1"
                $0.reason = "joint audit"
            }
        }
        _ = try state.admit(extend, from: "dongdu", at: Self.now)
        #expect(state.cases["C1"]?.deadline.description == "2026-12-30")
        _ = try propose(sites: ["3700"], slots: [Self.slot(daysAfterReceipt: 95)])
        let twice = #expect(throws: Refusal.self) { try state.admit(extend, from: "dongdu", at: Self.now) }
        #expect(twice?.reason.contains("already extended once") == true)
    }

    @Test("an officer booked on an overlapping audit is a conflict")
    mutating func officerConflict() throws {
        try openCase()
        let slot = Self.slot(daysAfterReceipt: 20)
        _ = try propose(sites: ["3700"], slots: [slot], team: ["O1", "O2"], id: "A1")
        _ = try state.admit(schedule(slot, audit: "A1"), from: "dongdu", at: Self.now)
        _ = try propose(sites: ["3700"], slots: [slot], team: ["O2", "O3"], id: "A2")
        let conflict = #expect(throws: Refusal.self) {
            try state.admit(schedule(slot, audit: "A2"), from: "dongdu", at: Self.now)
        }
        #expect(conflict?.reason.contains("already booked") == true)
    }

    @Test("a failed certification bars the enterprise for a year; a certified one gets a review in 5 years")
    mutating func conclusion() throws {
        try openCase()
        _ = try state.admit(
            Self.envelope {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = "C1"
                    $0.result = .notCertified
                }
            }, from: "dongdu", at: Self.now)
        let reapply = #expect(throws: Refusal.self) {
            try state.admit(
                Self.envelope {
                    $0.caseOpened = CaseOpened.with {
                        $0.caseID = "C2"
                        $0.enterprise = Enterprise.with {
                            $0.uscc = "91350200776049653A"
                            $0.name = "E"
                        }
                        $0.applicationReceived = Self.received.adding(days: 100).description
                    }
                }, from: "dongdu", at: Self.received.adding(days: 101).chinaMidnightMilliseconds)
        }
        #expect(reapply?.reason.contains("it may apply again from 2027-09-01") == true)
    }

    @Test(
        "a credit change that stops incentives asks the coordinator, and only the units holding one, by a due day"
    )
    mutating func creditConfirmations() throws {
        _ = try state.admit(
            Self.envelope {
                $0.creditChangePublished = CreditChangePublished.with {
                    $0.changeID = "CR1"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "91350200776049653A"
                        $0.name = "E"
                    }
                    $0.levelSet = .order282
                    $0.fromLevel = "advanced_certified"
                    $0.toLevel = "regular"
                    $0.reason = "breach"
                    $0.severity = .general
                    $0.effectiveDate = "2026-10-08"
                    $0.publicityEnd = "2027-04-08"
                    $0.stopJointIncentives = true
                }
            }, from: "dongdu", at: Self.now)
        // No unit holds an incentive of the enterprise: only the coordinator is asked.
        #expect(state.creditChanges["CR1"]?.pending == ["bureau"])
        let today = CivilDate(chinaTimeMilliseconds: Self.now)
        #expect(state.creditChanges["CR1"]?.confirmBy == today.adding(workingDays: 5))
        #expect(state.creditChanges["CR1"]?.confirmationsOverdue(on: today.adding(workingDays: 5)) == false)
        #expect(state.creditChanges["CR1"]?.confirmationsOverdue(on: today.adding(workingDays: 6)) == true)
        let confirm = Self.envelope { $0.creditChangeConfirmed = CreditChangeConfirmed.with { $0.changeID = "CR1" } }
        #expect(throws: Refusal.self) { try state.admit(confirm, from: "huli", at: Self.now) }
        let routed = try state.admit(confirm, from: "bureau", at: Self.now)
        #expect(routed.recipients == ["dongdu"])
        #expect(throws: Refusal.self) { try state.admit(confirm, from: "bureau", at: Self.now) }
        #expect(state.creditChanges["CR1"]?.pending == [])
        #expect(state.creditChanges["CR1"]?.confirmationsOverdue(on: today.adding(years: 1)) == false)
    }

    @Test("an objection undecided after 20 days and a case past its deadline are overdue in their views")
    mutating func overdue() throws {
        try openCase()
        _ = try state.admit(
            Self.envelope {
                $0.creditChangePublished = CreditChangePublished.with {
                    $0.changeID = "CR1"
                    $0.enterprise = Enterprise.with {
                        $0.uscc = "91350200776049653A"
                        $0.name = "E"
                    }
                    $0.levelSet = .order282
                    $0.fromLevel = "regular"
                    $0.toLevel = "dishonest"
                    $0.reason = "breach"
                    $0.severity = .minor
                    $0.effectiveDate = "2026-09-01"
                    $0.stopJointIncentives = true
                }
            }, from: "dongdu", at: Self.now)
        _ = try state.admit(
            Self.envelope {
                $0.creditObjectionFiled = CreditObjectionFiled.with {
                    $0.changeID = "CR1"
                    $0.grounds = "wrong"
                }
            }, from: "huli", at: Self.now)
        func views(on day: CivilDate) -> (credit: Bool?, case: Bool?) {
            let credit = state.view(ViewRequest.with { $0.kind = .creditChanges }, for: "bureau", on: day).creditChanges
                .first
            let cases = state.view(ViewRequest.with { $0.kind = .cases }, for: "bureau", on: day).cases.first
            return (credit?.overdue, cases?.overdue)
        }
        #expect(views(on: Self.received.adding(days: 20)) == (false, false))
        #expect(views(on: Self.received.adding(days: 21)) == (true, false))
        #expect(views(on: Self.received.adding(days: 91)) == (true, true))
        #expect(state.creditChanges["CR1"]?.objection?.due == Self.received.adding(days: 20))
        // Lifted, it owes no answer any more: the open objection closes with it.
        _ = try state.admit(
            Self.envelope {
                $0.creditChangeLifted = CreditChangeLifted.with {
                    $0.changeID = "CR1"
                    $0.reason = "Corrected."
                }
            }, from: "dongdu", at: Self.now)
        #expect(views(on: Self.received.adding(days: 91)) == (false, true))
    }

    @Test("minutes for a closed meeting are refused; action progress after closing is allowed")
    mutating func meetings() throws {
        func admit(_ from: String, _ build: (inout Envelope) -> Void) throws {
            _ = try state.admit(Self.envelope(build), from: from, at: Self.now)
        }
        try admit("bureau") {
            $0.meetingConvened = MeetingConvened.with {
                $0.meetingID = "M1"
                $0.title = "t"
                $0.invitees = ["huli", "dongdu"]
                $0.place = "p"
                $0.time = Self.slot(daysAfterReceipt: 1)
            }
        }
        try admit("bureau") {
            $0.actionItemAssigned = ActionItemAssigned.with {
                $0.meetingID = "M1"
                $0.actionID = "X1"
                $0.ownerUnit = "huli"
                $0.dueDate = "2026-09-10"
                $0.text = "do"
            }
        }
        try admit("bureau") { $0.meetingClosed = MeetingClosed.with { $0.meetingID = "M1" } }
        let late = Self.envelope {
            $0.minutesEntry = MinutesEntry.with {
                $0.meetingID = "M1"
                $0.entryID = "E"
                $0.text = "late"
            }
        }
        #expect(throws: Refusal.self) { try state.admit(late, from: "bureau", at: Self.now) }
        #expect(state.actions["X1"]?.isOverdue(on: CivilDate("2026-09-11")!) == true)
        try admit("huli") {
            $0.actionItemProgress = ActionItemProgress.with {
                $0.meetingID = "M1"
                $0.actionID = "X1"
                $0.status = .done
            }
        }
        #expect(state.actions["X1"]?.isOverdue(on: CivilDate("2026-09-11")!) == false)
    }

    @Test("replaying the accepted envelopes folds to the same state")
    mutating func foldMatchesAdmit() throws {
        try openCase()
        var stamped = Self.envelope {
            $0.caseOpened = CaseOpened.with {
                $0.caseID = "C1"
                $0.enterprise = Enterprise.with {
                    $0.uscc = "91350200776049653A"
                    $0.name = "E"
                }
                $0.applicationReceived = Self.received.description
            }
        }
        stamped.sender = "dongdu"
        stamped.acceptedAtMs = Self.now
        var replayed = CoordinationState(topology: Topology(units: Self.units))
        let fitted = replayed.fold(stamped)
        #expect(fitted)
        #expect(replayed.cases == state.cases)
    }
}
