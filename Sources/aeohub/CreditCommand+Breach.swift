import ArgumentParser
import HubProtocol
import Reports

// Breach reports (measure 20): any department, district, zone or the coordinator reports; customs decides.
extension CreditCommand {
    struct ReportBreach: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "report-breach",
            abstract: "Report an enterprise's breach to customs (department, district, zone, coordinator).",
            discussion: """
                Only customs publishes a credit change; the report goes to the office holding the \
                enterprise's certificate (or every customs office), which decides it. Record the day you \
                pushed it to the municipal public credit platform (市公共信用信息平台) with --pushed-on.
                """)
        @OptionGroup var submission: SubmitOptions
        @Option var report: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "\(Severity.choiceList).") var severity: Choice<Severity>
        @Option(help: "What happened.") var facts: String
        @Option(help: .date("The day the breach was found, YYYY-MM-DD; not in the future.")) var foundOn: DateArgument
        @Option(help: .date("The day it was pushed to the public credit platform.")) var pushedOn: DateArgument?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.breachReported = BreachReported.with {
                    $0.reportID = report
                    $0.enterprise = enterprise.enterprise
                    $0.severity = severity.value
                    $0.facts = facts
                    $0.foundOn = foundOn.text
                    $0.platformPushedOn = pushedOn?.text ?? ""
                }
            }
        }
    }

    struct DecideBreach: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide-breach",
            abstract: "Decide a breach report (customs): name the credit change published on it, or dismiss it.")
        @OptionGroup var submission: SubmitOptions
        @Option var report: String
        @Option(help: "The credit change published on it (publish it first with `credit publish`).") var change: String?
        @Flag(help: "No ground for a credit change.") var dismiss = false
        @Option var reason: String

        func validate() throws {
            guard (change != nil) != dismiss else {
                throw ValidationError("give either --change (the credit change published on it) or --dismiss")
            }
        }

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.breachDecided = BreachDecided.with {
                    $0.reportID = report
                    $0.decision = dismiss ? .dismissed : .changePublished
                    $0.changeID = change ?? ""
                    $0.reason = reason
                }
            }
        }
    }

    struct Breaches: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Breach reports: your own, those routed to your customs office, all for the coordinator.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only reports customs has not decided.") var open = false

        var viewKind: ViewKind { .breaches }
        func filter(_ request: inout ViewRequest) { request.openOnly = open }
        func table(_ listings: Listings) -> Table { listings.breaches }
    }
}
