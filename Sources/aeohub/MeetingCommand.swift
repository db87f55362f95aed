import ArgumentParser
import HubProtocol
import Reports

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Joint meetings: convene, agenda, RSVP, attendance, minutes, decisions, action items, close.",
        subcommands: [
            Convene.self, ProposeItem.self, RSVP.self, Attendance.self, Minute.self, Decide.self, Assign.self,
            ActionProgress.self, Close.self, List.self, Actions.self,
        ]
    )

    struct Convene: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Convene a joint meeting (coordinator).")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var title: String
        @Option(name: .customLong("invite"), help: "An invited unit's node id (repeat).") var invitees: [String]
        @Option(help: .slot("When")) var time: SlotArgument
        @Option var place: String
        @Option(name: .customLong("agenda"), help: "An agenda item, ID:Title (repeat).") var agenda:
            [LabelledArgument] = []

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.meetingConvened = MeetingConvened.with {
                    $0.meetingID = meeting
                    $0.title = title
                    $0.invitees = invitees
                    $0.time = time.slot
                    $0.place = place
                    $0.agenda = agenda.map { item in
                        AgendaItem.with {
                            $0.itemID = item.id
                            $0.title = item.title
                            $0.proposer = node
                        }
                    }
                }
            }
        }
    }

    struct ProposeItem: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Propose an agenda item.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var item: String
        @Option var title: String
        @Option var detail: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.agendaItemProposed = AgendaItemProposed.with {
                    $0.meetingID = meeting
                    $0.detail = detail ?? ""
                    $0.item = AgendaItem.with {
                        $0.itemID = item
                        $0.title = title
                        $0.proposer = node
                    }
                }
            }
        }
    }

    struct RSVP: SubmitCommand {
        static let configuration = CommandConfiguration(commandName: "rsvp", abstract: "Answer an invitation.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option(help: "\(RsvpAnswer.choiceList).") var answer: Choice<RsvpAnswer>
        @Option(help: "Who attends instead, for delegate.") var delegate: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.meetingRsvp = MeetingRsvp.with {
                    $0.meetingID = meeting
                    $0.answer = answer.value
                    $0.delegate = delegate ?? ""
                }
            }
        }
    }

    struct Attendance: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Record who was present and absent.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option(help: "A present unit (repeat).") var present: [String] = []
        @Option(help: "An absent unit (repeat).") var absent: [String] = []

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.attendanceRecorded = AttendanceRecorded.with {
                    $0.meetingID = meeting
                    $0.present = present
                    $0.absent = absent
                }
            }
        }
    }

    struct Minute: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Add a minutes entry.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var entry: String
        @Option(help: "The agenda item it is about.") var item: String?
        @Option var text: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.minutesEntry = MinutesEntry.with {
                    $0.meetingID = meeting
                    $0.entryID = entry
                    $0.itemID = item ?? ""
                    $0.text = text
                }
            }
        }
    }

    struct Decide: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Record a decision (议定事项).")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var decision: String
        @Option var item: String?
        @Option var text: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.decisionRecorded = DecisionRecorded.with {
                    $0.meetingID = meeting
                    $0.decisionID = decision
                    $0.itemID = item ?? ""
                    $0.text = text
                }
            }
        }
    }

    struct Assign: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Assign an action item to a unit, with a due date.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var action: String
        @Option(help: "The owner unit's node id.") var owner: String
        @Option(help: .date("The due date, YYYY-MM-DD.")) var due: DateArgument
        @Option var text: String
        @Option(help: "The decision it carries out.") var decision: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.actionItemAssigned = ActionItemAssigned.with {
                    $0.meetingID = meeting
                    $0.actionID = action
                    $0.ownerUnit = owner
                    $0.dueDate = due.text
                    $0.text = text
                    $0.decisionID = decision ?? ""
                }
            }
        }
    }

    struct ActionProgress: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress", abstract: "Report progress on an action item you own.")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var action: String
        @Option(help: "\(ActionStatus.choiceList).") var status: Choice<ActionStatus>
        @Option var note: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.actionItemProgress = ActionItemProgress.with {
                    $0.meetingID = meeting
                    $0.actionID = action
                    $0.status = status.value
                    $0.note = note ?? ""
                }
            }
        }
    }

    struct Close: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the meeting's record (action items stay open for progress).")
        @OptionGroup var submission: SubmitOptions
        @Option var meeting: String
        @Option var summary: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.meetingClosed = MeetingClosed.with {
                    $0.meetingID = meeting
                    $0.summary = summary ?? ""
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "Meetings you may see.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .meetings }

        func table(_ listings: Listings) -> Table { listings.meetings }
    }

    struct Actions: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "Action items by due date, overdue ones flagged.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only overdue action items.") var overdue = false

        var viewKind: ViewKind { .actions }

        func table(_ listings: Listings) -> Table { listings.actions(overdueOnly: overdue) }
    }
}
