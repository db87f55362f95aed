import ArgumentParser
import HubProtocol
import Reports

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Certification cases and on-site audits, joint with Fuzhou Customs where a site lies in its area.",
        subcommands: [
            OpenCase.self, Extend.self, Propose.self, Respond.self, Schedule.self, Reschedule.self, Cancel.self,
            Complete.self, Conclude.self, List.self, Cases.self,
        ]
    )

    /// The audit and its case, which every audit message names.
    struct AuditKeys: ParsableArguments {
        @Option(name: .customLong("case"), help: "The certification case id.") var caseID: String
        @Option(help: "The audit id.") var audit: String
    }

    struct OpenCase: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a certification case on an application (deadline +90 days).")
        @OptionGroup var submission: SubmitOptions
        @Option(name: .customLong("case"), help: "The new case's id.") var caseID: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: .date("The day the application was received, YYYY-MM-DD.")) var received: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = caseID
                    $0.enterprise = enterprise.enterprise
                    $0.applicationReceived = received.text
                }
            }
        }
    }

    struct Extend: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Extend a case's deadline once, by 30 days.")
        @OptionGroup var submission: SubmitOptions
        @Option(name: .customLong("case")) var caseID: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.caseExtended = CaseExtended.with {
                    $0.caseID = caseID
                    $0.reason = reason
                }
            }
        }
    }

    struct Propose: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Propose an on-site audit: sites, candidate slots, a team of two or more, the enterprise's contact.",
            discussion: "A site in Fuzhou Customs' area (3500) makes it a joint audit that Fuzhou must accept."
        )
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option(name: .customLong("site"), help: "A site, 'Name|Address|customs area' (repeat).") var sites:
            [SiteArgument]
        @Option(
            name: .customLong("slot"),
            help: .slot("A candidate slot (repeat; numbered 1, 2, ... in the order given)"))
        var slots: [SlotArgument]
        @Option(name: .customLong("officer"), help: "A team member, STAFF-NUMBER:Name (repeat, two or more).") var team:
            [OfficerArgument]
        @OptionGroup var contact: ContactOptions

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditProposed = AuditProposed.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.sites = sites.map(\.site)
                    $0.slots = slots.map(\.slot)
                    $0.team = team.map { member in
                        var officer = member.officer
                        officer.office = node
                        return officer
                    }
                    $0.enterpriseContact = contact.contact
                }
            }
        }
    }

    struct Respond: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer an audit proposal: accept slots, decline, or counter-propose slots.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option(help: "\(AuditAnswer.choiceList).") var answer: Choice<AuditAnswer>
        @Option(
            name: .customLong("accept-slot"),
            help: ArgumentHelp(
                "For accept: a slot's number in the proposal, counting from 1 as `audit list` shows them (repeat).",
                valueName: "number"))
        var acceptedSlots: [UInt32] = []
        @Option(
            name: .customLong("counter-slot"),
            help: .slot("For counter: a slot you propose instead (repeat)"))
        var counterSlots: [SlotArgument] = []
        @Option(
            name: .customLong("officer"),
            help: "For accept, from Fuzhou Customs: an officer joining the on-site team, STAFF-NUMBER:Name (repeat).")
        var officers: [OfficerArgument] = []
        @Option var note: String?

        func validate() throws {
            if acceptedSlots.contains(0) {
                throw ValidationError(
                    "--accept-slot counts from 1: the first slot is --accept-slot 1; there is no slot 0")
            }
        }

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditResponded = AuditResponded.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.answer = answer.value
                    // People count from 1; the wire's accepted_slots are indexes from 0.
                    $0.acceptedSlots = acceptedSlots.map { $0 - 1 }
                    $0.counterSlots = counterSlots.map(\.slot)
                    $0.officers = officers.map(\.officer)
                    $0.note = note ?? ""
                }
            }
        }

        /// The hub names a slot that does not exist by its index from 0: say how the two counts differ.
        func explain(_ failure: CommandFailure) -> CommandFailure {
            guard failure.field.hasSuffix("accepted_slots") else { return failure }
            return CommandFailure(
                failure.kind, code: failure.code,
                failure.reason
                    + " (the hub counts slots from 0; --accept-slot counts from 1, as `audit list` shows them)",
                field: failure.field)
        }
    }

    struct Schedule: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fix an audit on a slot every required participant accepted.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option(help: .slot("One of the candidate slots, exactly as proposed")) var slot: SlotArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditScheduled = AuditScheduled.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.slot = slot.slot
                }
            }
        }
    }

    struct Reschedule: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Move a scheduled audit to another accepted slot.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option(help: .slot("Another candidate slot every required participant accepted")) var slot: SlotArgument
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditRescheduled = AuditRescheduled.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.slot = slot.slot
                    $0.reason = reason
                }
            }
        }
    }

    struct Cancel: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an audit.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditCancelled = AuditCancelled.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.reason = reason
                }
            }
        }
    }

    struct Complete: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Record a held audit's outcome.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var keys: AuditKeys
        @Option(help: "\(AuditOutcome.choiceList).") var outcome: Choice<AuditOutcome>
        @Option var findings: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.auditCompleted = AuditCompleted.with {
                    $0.caseID = keys.caseID
                    $0.auditID = keys.audit
                    $0.outcome = outcome.value
                    $0.findings = findings ?? ""
                }
            }
        }
    }

    struct Conclude: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Conclude a case: certified (review in 5 years), not certified or the application withdrawn (no new "
                + "application for a year), or terminated."
        )
        @OptionGroup var submission: SubmitOptions
        @Option(name: .customLong("case")) var caseID: String
        @Option(help: "\(CaseResult.choiceList).") var result: Choice<CaseResult>
        @Option var reason: String?
        @Option(help: "For certified: the order it is granted under, \(LevelSet.choiceList) (default: by date).")
        var levelSet: Choice<LevelSet>?
        @Option(help: "For certified: advanced_certified (高级认证企业, the default) or, under Order 282, certified.")
        var grade: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = caseID
                    $0.result = result.value
                    $0.reason = reason ?? ""
                    if let levelSet { $0.levelSet = levelSet.value }
                    $0.grade = grade ?? ""
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "On-site audits: slots, answers, who is still to accept.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .audits }

        func table(_ listings: Listings) -> Table { listings.audits }
    }

    struct Cases: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certification cases with deadlines and review dates.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .cases }

        func table(_ listings: Listings) -> Table { listings.cases }
    }
}
