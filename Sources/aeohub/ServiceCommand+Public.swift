import ArgumentParser
import HubProtocol
import Reports

// What units offer every AEO in public: service windows (measure 17) and priority-matter lists (19).
extension ServiceCommand {
    struct OpenWindow: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "open-window",
            abstract: "Record an AEO service window opened at a government service centre (customs, district, zone).")
        @OptionGroup var submission: SubmitOptions
        @Option var window: String
        @Option(help: "The government service centre.") var centre: String
        @Option(help: "The district code (e.g. 350206) or zone id it serves.") var area: String
        @Option(help: "The customs office that staffs it.") var office: String
        @Option(help: .date("The day it opened, YYYY-MM-DD.")) var openedOn: DateArgument

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.serviceWindowOpened = ServiceWindowOpened.with {
                    $0.windowID = window
                    $0.centre = centre
                    $0.area = area
                    $0.office = office
                    $0.openedOn = openedOn.text
                }
            }
        }
    }

    struct CloseWindow: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "close-window",
            abstract: "Record a service window closed (the unit that opened it or its office).")
        @OptionGroup var submission: SubmitOptions
        @Option var window: String
        @Option(help: .date("The day it closed, YYYY-MM-DD.")) var closedOn: DateArgument
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.serviceWindowClosed = ServiceWindowClosed.with {
                    $0.windowID = window
                    $0.closedOn = closedOn.text
                    $0.reason = reason
                }
            }
        }
    }

    struct Windows: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "Every AEO service window, open and closed.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only windows still open.") var open = false

        var viewKind: ViewKind { .windows }
        func filter(_ request: inout ViewRequest) { request.openOnly = open }
        func table(_ listings: Listings) -> Table { listings.windows }
    }

    struct PublishPriorities: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-priorities",
            abstract: "Publish your unit's list of matters AEOs are served first in, and where (replaces the last).")
        @OptionGroup var submission: SubmitOptions
        @Option(
            name: .customLong("matter"),
            help: ArgumentHelp("A matter and its channel, 'matter=channel' (repeat).", valueName: "matter=channel"))
        var matters: [String]
        @Option(help: .date("The day it is published, YYYY-MM-DD.")) var publishedOn: DateArgument

        func validate() throws {
            if let bad = matters.first(where: { !$0.contains("=") }) {
                throw ValidationError("--matter '\(bad)': write the matter and its channel as matter=channel")
            }
        }

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.priorityMattersPublished = PriorityMattersPublished.with {
                    $0.items = matters.map { text in
                        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                        return PriorityMatter.with {
                            $0.matter = parts[0]
                            $0.channel = parts.count > 1 ? parts[1] : ""
                        }
                    }
                    $0.publishedOn = publishedOn.text
                }
            }
        }
    }

    struct Priorities: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "Every unit's latest list of priority matters.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .priorityMatters }
        func table(_ listings: Listings) -> Table { listings.priorityMatters }
    }
}
