import ArgumentParser
import HubProtocol
import Reports

struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Enterprise requests: file, acknowledge, report progress, resolve, decline, withdraw, list.",
        subcommands: [File.self, Acknowledge.self, Progress.self, Resolve.self, Decline.self, Withdraw.self, List.self]
    )

    struct File: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "File an enterprise request for your district or zone.")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The request's id in the ledger, e.g. REQ-2026-0042.") var request: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "District code (e.g. 350206) or zone id (torch, ftz).") var area: String
        @Option(help: "What is asked: \(RequestCategory.choiceList).") var category: Choice<RequestCategory>
        @Option(help: "What the enterprise needs.") var description: String
        @OptionGroup var contact: ContactOptions

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestFiled = RequestFiled.with {
                    $0.requestID = request
                    $0.enterprise = enterprise.enterprise
                    $0.area = area
                    $0.category = category.value
                    $0.description_p = description
                    $0.contact = contact.contact
                }
            }
        }
    }

    struct Acknowledge: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Take a request on, or hand it to another office or a department (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option var request: String
        @Option(help: "The handling customs office, or the department responsible (default: this node).")
        var office: String?
        @Option(help: "The officer in charge, STAFF-NUMBER:Name.") var officer: OfficerArgument?
        @Option var note: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestAcknowledged = RequestAcknowledged.with {
                    $0.requestID = request
                    $0.handlingOffice = office ?? node
                    $0.note = note ?? ""
                    if let officer { $0.officer = officer.officer }
                }
            }
        }
    }

    struct Progress: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Note progress on a request you handle.")
        @OptionGroup var submission: SubmitOptions
        @Option var request: String
        @Option var note: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestProgress = RequestProgress.with {
                    $0.requestID = request
                    $0.note = note
                }
            }
        }
    }

    struct Resolve: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a request you handle.")
        @OptionGroup var submission: SubmitOptions
        @Option var request: String
        @Option var resolution: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestResolved = RequestResolved.with {
                    $0.requestID = request
                    $0.resolution = resolution
                }
            }
        }
    }

    struct Decline: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Decline a request you handle, with the reason.")
        @OptionGroup var submission: SubmitOptions
        @Option var request: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestDeclined = RequestDeclined.with {
                    $0.requestID = request
                    $0.reason = reason
                }
            }
        }
    }

    struct Withdraw: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a request you filed.")
        @OptionGroup var submission: SubmitOptions
        @Option var request: String
        @Option var reason: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.requestWithdrawn = RequestWithdrawn.with {
                    $0.requestID = request
                    $0.reason = reason ?? ""
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "The request ledger you may see, with ages and overdue flags.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only open requests.") var open = false
        @Flag(help: "Only overdue requests (open longer than the topology's request_service_days).") var overdue = false

        var viewKind: ViewKind { .requests }

        func table(_ listings: Listings) -> Table { listings.requests(openOnly: open, overdueOnly: overdue) }
    }
}

struct CultivationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cultivation",
        abstract: "The credit cultivation key list: recommend, accept, decline, remove, list.",
        subcommands: [Recommend.self, Accept.self, Decline.self, Remove.self, List.self]
    )

    struct Recommend: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Recommend an enterprise for the key list.")
        @OptionGroup var submission: SubmitOptions
        @OptionGroup var enterprise: EnterpriseOptions
        @Option var reason: String
        @Option(help: "The white list it comes from: \(KeyListCategory.choiceList).")
        var category: Choice<KeyListCategory>?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.cultivationRecommended = CultivationRecommended.with {
                    $0.enterprise = enterprise.enterprise
                    $0.reason = reason
                    $0.category = category?.value ?? .unspecified
                }
            }
        }
    }

    struct Accept: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Put an enterprise on the key list (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The enterprise's USCC (18 characters).", transform: { $0.uppercased() }) var uscc: String
        @Option(help: "The customs enterprise coordinator, STAFF-NUMBER:Name.") var coordinator: OfficerArgument?
        @Option var note: String?
        @Option(help: "Its key-list category: \(KeyListCategory.choiceList) (default: the recommendation's).")
        var category: Choice<KeyListCategory>?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.cultivationListed = CultivationListed.with {
                    $0.uscc = uscc
                    $0.note = note ?? ""
                    $0.category = category?.value ?? .unspecified
                    if let coordinator { $0.coordinator = coordinator.officer }
                }
            }
        }
    }

    struct Decline: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Decline a recommendation (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The enterprise's USCC (18 characters).", transform: { $0.uppercased() }) var uscc: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.cultivationDeclined = CultivationDeclined.with {
                    $0.uscc = uscc
                    $0.reason = reason
                }
            }
        }
    }

    struct Remove: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Take an enterprise off the key list (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option(help: "The enterprise's USCC (18 characters).", transform: { $0.uppercased() }) var uscc: String
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.cultivationRemoved = CultivationRemoved.with {
                    $0.uscc = uscc
                    $0.reason = reason
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(abstract: "The key list and pending recommendations.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .cultivation }

        func table(_ listings: Listings) -> Table { listings.cultivation }
    }
}
