import ArgumentParser
import Foundation
import HubProtocol
import Reports

/// `aeohub plan`: tailored cultivation plans (measure 2).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Cultivation plans (因企制宜, 集团+, 1+N): record one, mark a milestone reached, list them.",
        subcommands: [Record.self, Milestone.self, List.self]
    )

    struct Record: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a cultivation plan (customs): the enterprise, its members, milestones, the officer.")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The plan's id.") var id: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "\(PlanApproach.choiceList).") var approach: Choice<PlanApproach>
        @Option(
            name: .customLong("member"),
            help: ArgumentHelp(
                "A member enterprise, USCC=Name (repeat; group-plus and one-plus-n name at least one).",
                valueName: "USCC=Name"))
        var members: [MemberArgument] = []
        @Option(
            name: .customLong("milestone"),
            help: ArgumentHelp(
                "A milestone, 'YYYY-MM-DD:Title' (repeat; numbered from 1).", valueName: "YYYY-MM-DD:Title"))
        var milestones: [MilestoneArgument]
        @Option(help: "The customs officer in charge: staff number.") var officerId: String
        @Option(help: "The customs officer in charge: name.") var officerName: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.planRecorded = CultivationPlanRecorded.with {
                    $0.planID = id
                    $0.enterprise = enterprise.enterprise
                    $0.approach = approach.value
                    $0.members = members.map(\.enterprise)
                    $0.milestones = milestones.map(\.milestone)
                    $0.officer = Officer.with {
                        $0.officerID = officerId
                        $0.name = officerName
                        $0.office = node
                    }
                }
            }
        }
    }

    struct Milestone: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a plan's milestone reached (the plan's customs office).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The plan's id.") var plan: String
        @Option(help: "The milestone's number, from 1, as given when the plan was recorded.") var number: UInt32
        @Option var note: String?

        func validate() throws {
            guard number >= 1 else { throw ValidationError("--number counts from 1: the first milestone is 1") }
        }

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.planMilestoneReached = PlanMilestoneReached.with {
                    $0.planID = plan
                    $0.milestone = number
                    $0.note = note ?? ""
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cultivation plans of this office (all, for the coordinator): milestones, next due, overdue.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .plans }

        func table(_ listings: Listings) -> Table { listings.plans }
    }
}

/// A member enterprise of a plan, `USCC=Name`.
struct MemberArgument: ExpressibleByArgument {
    let enterprise: Enterprise

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        enterprise = Enterprise.with {
            $0.uscc = parts[0].uppercased()
            $0.name = parts[1]
        }
    }
}

/// A plan's milestone, `YYYY-MM-DD:Title`.
struct MilestoneArgument: ExpressibleByArgument {
    let milestone: HubProtocol.Milestone

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let due = CivilDate(parts[0]), !parts[1].isEmpty else { return nil }
        milestone = HubProtocol.Milestone.with {
            $0.dueDate = "\(due)"
            $0.title = parts[1]
        }
    }
}
