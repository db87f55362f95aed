import ArgumentParser
import HubProtocol
import Reports

/// `aeohub review`: reviews (复核) of certified enterprises, and the suspension of their AEO measures.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Reviews (复核) of certified enterprises: open, due, conclude, suspend, lift a suspension, list.",
        discussion: """
            A review is a case of kind REVIEW: audit it with the `aeohub audit` commands (propose, respond, \
            schedule, complete) like a certification case; `review conclude --passed` needs a passed audit \
            of every site, as certification does.
            """,
        subcommands: [Open.self, Due.self, Conclude.self, Suspend.self, LiftSuspension.self, List.self]
    )

    struct Open: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a review of a certified enterprise (customs; deadline +90 days).")
        @OptionGroup var submission: SubmitOptions
        @Option(name: .customLong("case"), help: "The review case's id.") var caseID: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "The day the review began (or the application was received), YYYY-MM-DD; not in the future.")
        var received: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.caseOpened = CaseOpened.with {
                    $0.caseID = caseID
                    $0.enterprise = enterprise.enterprise
                    $0.applicationReceived = received.text
                    $0.kind = .review
                }
            }
        }
    }

    struct Due: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set when a certified enterprise's review falls due (every 5 years, or earlier on anomalies).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The certified enterprise's USCC.", transform: { $0.uppercased() }) var uscc: String
        @Option(help: "The day the review falls due, YYYY-MM-DD.") var due: DateArgument
        @Option(help: "Why (e.g. anomalies found).") var reason: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.reviewDue = ReviewDue.with {
                    $0.uscc = uscc
                    $0.dueDate = due.text
                    $0.reason = reason ?? ""
                }
            }
        }
    }

    /// How a review ends.
    enum Outcome: String, EnumerableFlag {
        case passed, failed

        static func help(for value: Outcome) -> ArgumentHelp? {
            switch value {
            case .passed: "Passed: the certificate is kept and the next review is due in 5 years."
            case .failed: "Failed: the certificate is withdrawn and the enterprise barred for a year."
            }
        }
    }

    struct Conclude: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Conclude a review: passed or failed.")
        @OptionGroup var submission: SubmitOptions
        @Option(name: .customLong("case"), help: "The review case's id.") var caseID: String
        @Flag var outcome: Outcome
        @Option var reason: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.caseConcluded = CaseConcluded.with {
                    $0.caseID = caseID
                    $0.result = outcome == .passed ? .certified : .notCertified
                    $0.reason = reason ?? ""
                }
            }
        }
    }

    struct Suspend: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a certified enterprise's AEO measures (customs; the certificate must be valid).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The certified enterprise's USCC.", transform: { $0.uppercased() }) var uscc: String
        @Option(help: "\(SuspensionGround.choiceList).") var ground: Choice<SuspensionGround>
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.certificateSuspended = CertificateSuspended.with {
                    $0.uscc = uscc
                    $0.ground = ground.value
                    $0.reason = reason
                }
            }
        }
    }

    struct LiftSuspension: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "lift-suspension", abstract: "Lift a suspension (the office that suspended the measures).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The enterprise's USCC.", transform: { $0.uppercased() }) var uscc: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.suspensionLifted = SuspensionLifted.with {
                    $0.uscc = uscc
                    $0.reason = reason
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certified enterprises: valid, suspended or withdrawn; review due or overdue; open reviews.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this enterprise.", transform: { $0.uppercased() }) var uscc: String?
        @Flag(help: "Only reviews overdue.") var overdue = false

        var viewKind: ViewKind { .certificates }

        func table(_ listings: Listings) -> Table { listings.certificates(uscc: uscc, overdueOnly: overdue) }
    }
}
