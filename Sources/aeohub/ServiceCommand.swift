import ArgumentParser
import HubProtocol
import Reports

/// `aeohub service`: the services the measures promise an AEO, recorded by the department that gives them.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract:
            "Services to AEOs: 容缺 acceptance (measure 9), FX batches (13), export refunds (14), windows (17), "
            + "priority matters (19).",
        discussion: """
            Each is recorded by the department that gave it, for an enterprise whose standing is AEO (a valid \
            certificate) at the time. `service list` shows what your unit recorded (everything, for the \
            coordinator): 容缺 acceptances whose materials are late are OVERDUE; an FX batch is on time when \
            declared by the 5th of the next month, a refund when paid within 3 working days. Service windows \
            (customs, districts, zones) and each unit's list of priority matters are public to every unit.
            """,
        subcommands: [
            Tolerance.self, Fulfilled.self, FxBatch.self, Refund.self, List.self, OpenWindow.self, CloseWindow.self,
            Windows.self, PublishPriorities.self, Priorities.self,
        ]
    )

    struct Tolerance: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an application accepted with materials missing (容缺受理), on a written commitment.")
        @OptionGroup var submission: SubmitOptions
        @Option var record: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "The application accepted.") var matter: String
        @Option(help: "The materials still to come.") var missing: String
        @Option(help: .date("The day it was accepted, YYYY-MM-DD.")) var acceptedOn: DateArgument
        @Option(help: .date("The day the enterprise committed to provide them by, YYYY-MM-DD.")) var due: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.toleranceAccepted = ToleranceAccepted.with {
                    $0.recordID = record
                    $0.enterprise = enterprise.enterprise
                    $0.matter = matter
                    $0.missing = missing
                    $0.acceptedOn = acceptedOn.text
                    $0.commitmentDue = due.text
                }
            }
        }
    }

    struct Fulfilled: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that the committed materials of a 容缺 acceptance arrived (the department that accepted).")
        @OptionGroup var submission: SubmitOptions
        @Option var record: String
        @Option(help: .date("The day they arrived, YYYY-MM-DD.")) var receivedOn: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.toleranceFulfilled = ToleranceFulfilled.with {
                    $0.recordID = record
                    $0.receivedOn = receivedOn.text
                }
            }
        }
    }

    struct FxBatch: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "fx-batch",
            abstract: "Record an AEO's batch declaration of a month's FX receipts and payments.")
        @OptionGroup var submission: SubmitOptions
        @Option var record: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "The month declared, YYYY-MM.") var month: String
        @Option(help: .date("The day it was declared, YYYY-MM-DD.")) var declaredOn: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.fxBatchDeclared = FxBatchDeclared.with {
                    $0.recordID = record
                    $0.enterprise = enterprise.enterprise
                    $0.month = month
                    $0.declaredOn = declaredOn.text
                }
            }
        }
    }

    struct Refund: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Record an AEO's export tax refund (measure 14).")
        @OptionGroup var submission: SubmitOptions
        @Option var record: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: .date("The day the refund was applied for, YYYY-MM-DD.")) var appliedOn: DateArgument
        @Option(help: .date("The day it was paid, YYYY-MM-DD.")) var refundedOn: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.refundProcessed = RefundProcessed.with {
                    $0.recordID = record
                    $0.enterprise = enterprise.enterprise
                    $0.appliedOn = appliedOn.text
                    $0.refundedOn = refundedOn.text
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "The services your unit recorded.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this enterprise.", transform: { $0.uppercased() }) var uscc: String?
        @Flag(help: "Only 容缺 acceptances still waiting for their materials.") var open = false

        var viewKind: ViewKind { .services }
        func filter(_ request: inout ViewRequest) {
            request.uscc = uscc ?? ""
            request.openOnly = open
        }
        func table(_ listings: Listings) -> Table { listings.services }
    }
}
