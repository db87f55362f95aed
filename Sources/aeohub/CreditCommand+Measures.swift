import ArgumentParser
import HubProtocol
import Reports

// Objections to a credit change and credit repair (信用修复, protocol 1.2): each answered within 20 days.
extension CreditCommand {
    struct Object: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the enterprise's objection to a change (customs, district, zone, coordinator).",
            discussion: "The publishing office reviews it within 20 days; one objection per change.")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Option(help: "Why the change is contested.") var grounds: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.creditObjectionFiled = CreditObjectionFiled.with {
                    $0.changeID = change
                    $0.grounds = grounds
                }
            }
        }
    }

    struct DecideObjection: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide-objection",
            abstract: "Decide an objection (the publishing office or the coordinator).",
            discussion: "change-withdrawn lifts the change and restores the level before it.")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Option(help: "\(ObjectionDecision.choiceList).") var decision: Choice<ObjectionDecision>
        @Option var reason: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.creditObjectionDecided = CreditObjectionDecided.with {
                    $0.changeID = change
                    $0.decision = decision.value
                    $0.reason = reason
                }
            }
        }
    }

    struct Repair: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the enterprise's credit repair request (信用修复; customs, district, zone, coordinator).",
            discussion: "The publishing office decides it within 20 days.")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Option(help: "What the enterprise has put right.") var grounds: String

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.creditRepairRequested = CreditRepairRequested.with {
                    $0.changeID = change
                    $0.grounds = grounds
                }
            }
        }
    }

    /// A repair decision.
    enum RepairDecision: String, EnumerableFlag {
        case granted, refused

        static func help(for value: RepairDecision) -> ArgumentHelp? {
            switch value {
            case .granted: "Grant the repair: the change is lifted."
            case .refused: "Refuse the repair: the change stands."
            }
        }
    }

    struct DecideRepair: SubmitCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide-repair",
            abstract: "Decide a repair request (the publishing office or the coordinator).")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Flag var decision: RepairDecision
        @Option var reason: String
        @Option(help: "With --granted: the level restored, e.g. certified (default: the level before the change).")
        var restoredLevel: String?

        func validate() throws {
            if restoredLevel != nil, decision == .refused {
                throw ValidationError("--restored-level goes with --granted; a refused repair restores nothing")
            }
        }

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.creditRepairDecided = CreditRepairDecided.with {
                    $0.changeID = change
                    $0.granted = decision == .granted
                    $0.reason = reason
                    $0.restoredLevel = restoredLevel ?? ""
                }
            }
        }
    }
}
