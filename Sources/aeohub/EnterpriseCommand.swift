import ArgumentParser
import HubProtocol
import Reports

/// `aeohub enterprise`: each enterprise's AEO standing, and the customs officers named to serve it.
struct EnterpriseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enterprise",
        abstract: "An enterprise's AEO standing (certificate, validity, levels, bar, incentives); name its contacts.",
        discussion: """
            The standing is the hub's one record of an enterprise's AEO status: every rule reads it \
            (grants under measures 5 and 7-16 need a valid certificate; a bar refuses a new application \
            until its end). Every unit sees every enterprise's standing; who must still stop an incentive \
            is shown to customs and the coordinator.
            """,
        subcommands: [Show.self, List.self, Contact.self]
    )

    struct Show: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "One enterprise's standing.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The enterprise's USCC.", transform: { $0.uppercased() }) var uscc: String

        var viewKind: ViewKind { .enterprises }
        func filter(_ request: inout ViewRequest) { request.uscc = uscc }
        func table(_ listings: Listings) -> Table { listings.enterprises }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every enterprise the hub knows a certificate, level, bar, case or incentive of.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only enterprises with an incentive that must stop and is not stopped yet.") var mustStop = false
        @Flag(help: "Only enterprises barred from applying today.") var barred = false
        @Flag(help: "Only enterprises whose AEO measures are suspended (暂停适用).") var suspended = false

        var viewKind: ViewKind { .enterprises }
        func filter(_ request: inout ViewRequest) {
            request.mustStop = mustStop
            request.barred = barred
            request.suspended = suspended
        }
        func table(_ listings: Listings) -> Table { listings.enterprises }
    }

    /// The duty a customs officer takes for an enterprise.
    enum Duty: String, ExpressibleByArgument, CaseIterable {
        case coordinator, liaison
    }

    struct Contact: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name the customs officer serving an enterprise (customs; certified or on the key list).",
            discussion: """
                coordinator: the enterprise coordinator (企业协调员, measure 21); liaison: the named contact \
                for logistics and port matters (专人对接, measure 15). A later naming replaces the earlier one.
                """)
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The enterprise's USCC.", transform: { $0.uppercased() }) var uscc: String
        @Option(help: "coordinator or liaison.") var duty: Duty
        @Option(help: "The officer's staff number.") var officerID: String
        @Option(help: "The officer's name.") var officerName: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.customsContactAssigned = CustomsContactAssigned.with {
                    $0.uscc = uscc
                    $0.duty = duty == .liaison ? .liaison : .coordinator
                    $0.officer = Officer.with {
                        $0.officerID = officerID
                        $0.name = officerName
                        $0.office = node
                    }
                }
            }
        }
    }
}
