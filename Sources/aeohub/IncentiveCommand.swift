import ArgumentParser
import HubProtocol
import Reports

/// `aeohub incentive`: the incentive register (measures 5, 7-17, 20).
struct IncentiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incentive",
        abstract: "The incentive register: record an incentive granted, stop one, list them.",
        discussion: """
            A credit change that stops joint incentives marks the enterprise's incentives MUST STOP; \
            `aeohub credit confirm` by the granting unit stops them (no `incentive stop` needed).
            """,
        subcommands: [Grant.self, Stop.self, List.self]
    )

    struct Grant: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an incentive this unit granted (customs, district, zone, department, coordinator).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The incentive's id in the register.") var id: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "The measure it implements: 5 or 7 to 17.") var measure: UInt32
        @Option(help: "What was granted.") var support: String
        @Option(help: "The day it was granted, YYYY-MM-DD; not in the future.") var grantedOn: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.incentiveGranted = IncentiveGranted.with {
                    $0.incentiveID = id
                    $0.enterprise = enterprise.enterprise
                    $0.measure = measure
                    $0.support = support
                    $0.grantedOn = grantedOn.text
                }
            }
        }
    }

    struct Stop: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop an incentive (the unit that granted it, or the coordinator).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The incentive's id.") var id: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.incentiveStopped = IncentiveStopped.with {
                    $0.incentiveID = id
                    $0.reason = reason
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "The incentives this unit granted (all, for the coordinator): active, MUST STOP or stopped.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this enterprise's.", transform: { $0.uppercased() }) var uscc: String?
        @Flag(help: "Only those not stopped (active or MUST STOP).") var open = false

        var viewKind: ViewKind { .incentives }

        func table(_ listings: Listings) -> Table { listings.incentives(uscc: uscc, openOnly: open) }
    }
}

/// `aeohub activity`: publicity, training and consultation activities held with customs (measure 3).
struct ActivityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Publicity, training and consultation activities: record one, list them.",
        subcommands: [Record.self, List.self]
    )

    struct Record: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an activity held (this unit is an organiser).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The activity's id.") var id: String
        @Option(help: "\(ActivityKind.choiceList).") var kind: Choice<ActivityKind>
        @Option var title: String
        @Option(help: "The day it was held, YYYY-MM-DD; not in the future.") var heldOn: DateArgument
        @Option(name: .customLong("organiser"), help: "Another organising unit's node id (repeat).")
        var organisers: [String] = []
        @Option(help: "How many enterprises it reached.") var enterprises: UInt32
        @Option(help: "How many people attended.") var attendance: UInt32
        @Option var note: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.activityRecorded = ActivityRecorded.with {
                    $0.activityID = id
                    $0.kind = kind.value
                    $0.title = title
                    $0.heldOn = heldOn.text
                    $0.organisers = organisers
                    $0.enterprisesReached = enterprises
                    $0.attendance = attendance
                    $0.note = note ?? ""
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Activities this unit organised (all, for the coordinator).")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .activities }

        func table(_ listings: Listings) -> Table { listings.activities }
    }
}
