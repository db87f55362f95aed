import ArgumentParser
import Coordination
import Foundation
import HubProtocol
import Operations
import Reports

struct CreditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit",
        abstract: "Credit status changes: publish, confirm incentives stopped, lift, list who has not confirmed.",
        subcommands: [
            Publish.self, Confirm.self, Lift.self, Object.self, DecideObjection.self, Repair.self, DecideRepair.self,
            List.self, ReportBreach.self, DecideBreach.self, Breaches.self,
        ]
    )

    struct Publish: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a credit status change (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @OptionGroup var enterprise: EnterpriseOptions
        @Option(help: "\(LevelSet.choiceList).") var levelSet: Choice<LevelSet> = Choice(.order282)
        @Option(
            name: .customLong("from"),
            help: "The level before, by its identifier or Chinese name, e.g. advanced_certified or 高级认证企业.")
        var fromLevel: String
        @Option(name: .customLong("to"), help: "The level after, e.g. regular or 常规企业.") var toLevel: String
        @Option var reason: String
        @Option(help: "\(Severity.choiceList).") var severity: Choice<Severity>
        @Option(help: .date("The day it takes effect, YYYY-MM-DD.")) var effective: DateArgument
        @Option(help: .date("End of publicity, YYYY-MM-DD.")) var publicityEnd: DateArgument?
        @Flag(help: "Every unit must stop its joint incentives and confirm it.") var stopIncentives = false

        /// The identifier of the level named `text` (identifier or Chinese name) in the chosen set;
        /// a name of neither is refused before sending, with both names of every level.
        func level(_ text: String, option: String, field: String) throws -> String {
            guard let level = levelSet.value.level(named: text) else {
                throw CommandFailure(
                    .badInput, code: "INVALID_FIELD",
                    "\(option) '\(text)' is not a level of \(levelSet.value.title); "
                        + "use one of \(levelSet.value.levelList)",
                    field: "credit_change_published.\(field)")
            }
            return level.id
        }

        func envelope(node: String) throws -> Envelope {
            let from = try level(fromLevel, option: "--from", field: "from_level")
            let to = try level(toLevel, option: "--to", field: "to_level")
            return Envelope.with {
                $0.creditChangePublished = CreditChangePublished.with {
                    $0.changeID = change
                    $0.enterprise = enterprise.enterprise
                    $0.levelSet = levelSet.value
                    $0.fromLevel = from
                    $0.toLevel = to
                    $0.reason = reason
                    $0.severity = severity.value
                    $0.effectiveDate = effective.text
                    $0.publicityEnd = publicityEnd?.text ?? ""
                    $0.stopJointIncentives = stopIncentives
                }
            }
        }
    }

    struct Confirm: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm that this unit has stopped its joint incentives.")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Option var note: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.creditChangeConfirmed = CreditChangeConfirmed.with {
                    $0.changeID = change
                    $0.note = note ?? ""
                }
            }
        }
    }

    struct Lift: SubmitCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a change after the enterprise repaired its credit (customs).")
        @OptionGroup var submission: SubmitOptions
        @Option var change: String
        @Option var reason: String
        @Option(help: "The level restored, by its identifier or Chinese name, e.g. certified or 认证企业.")
        var restoredLevel: String?

        func envelope(node: String) throws -> Envelope {
            let restored = restoredLevel.map { Terms.levelID(named: $0) ?? $0 } ?? ""
            return Envelope.with {
                $0.creditChangeLifted = CreditChangeLifted.with {
                    $0.changeID = change
                    $0.reason = reason
                    $0.restoredLevel = restored
                }
            }
        }
    }

    struct List: ListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Credit changes and the units that have not confirmed yet.")
        @OptionGroup var connection: NodeOptions
        @OptionGroup var output: OutputOptions

        var viewKind: ViewKind { .creditChanges }

        func table(_ listings: Listings) -> Table { listings.creditChanges }
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Bimonthly progress: compile the report from the log, or file this unit's report.",
        subcommands: [Compile.self, File.self],
        defaultSubcommand: Compile.self
    )

    struct Compile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile the bimonthly report from the log (the coordinator sees every unit).")
        @OptionGroup var connection: NodeOptions
        @Option(
            help: ArgumentHelp(
                "The period, YYYY-MM/YYYY-MM, e.g. 2026-09/2026-10 (default: the current one).",
                valueName: "YYYY-MM/YYYY-MM"))
        var period: String?
        @Option(
            help: "markdown, csv, html or pdf (the CSV is the same in every language; pdf needs --out and Chromium).")
        var format: String = "markdown"
        @Option(help: "Write to this file instead of printing.") var out: String?
        @OptionGroup var languageOptions: LanguageOptions

        func validate() throws {
            if let period {
                do { try EnvelopeValidator.validatePeriod(period, field: "--period") } catch {
                    throw ValidationError(error.reason)
                }
            }
            guard ["markdown", "csv", "html", "pdf"].contains(format) else {
                throw ValidationError("--format is markdown, csv, html or pdf, not '\(format)'")
            }
            if format == "pdf", out == nil { throw ValidationError("--format pdf writes a file: give --out FILE.pdf") }
        }

        func run() async throws {
            let today = CivilDate.today
            let reportPeriod: ReportPeriod
            do {
                reportPeriod = try period.map { try ReportPeriod($0, today: today) } ?? ReportPeriod(containing: today)
            } catch {
                throw ValidationError("\(error)")
            }
            let session = try await connection.connect()
            guard session.topology.units[session.nodeID]?.role == .coordinator else {
                await session.close()
                throw CommandFailure(
                    .refused, code: "NOT_AUTHORISED",
                    "the bimonthly report covers every unit, so only the coordinator compiles it; "
                        + "file this unit's own with `aeohub report file --period \(reportPeriod)`")
            }
            let records: [Envelope]
            do {
                // The log itself up to the period's end: the state then, and what happened within it.
                let head = await session.node.headAtWelcome
                let progress = Progress("reading the log for \(reportPeriod)")
                // The whole log: the state at the period's end, what happened within it, and the units'
                // reports on it, which come after it.
                let stored = try await session.node.replay(ReplayRequest()) { last, _ in
                    progress.update(head == 0 ? 1 : Double(last) / Double(head))
                }
                progress.finish()
                records = try stored.map { try $0.decoded() }
            } catch {
                await session.close()
                throw CommandFailure(error, doing: "reading the log for the report")
            }
            await session.close()
            let activity = PeriodActivity(
                period: reportPeriod, records: records, topology: session.topology, today: today)
            let report = BimonthlyReport(activity: activity, today: today, language: languageOptions.language)
            if format == "pdf", let out {
                do {
                    try PDFPrinter.print(html: report.html, to: out)
                } catch {
                    throw CommandFailure(.unreachable, code: "NO_PDF", "\(error)")
                }
                print("report for \(report.period) written to \(out)")
                return
            }
            let text =
                switch format {
                case "csv": report.csv
                case "html": report.html
                default: report.markdown
                }
            if let out {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
                print("report for \(report.period) written to \(out)")
            } else {
                print(text)
            }
        }
    }

    struct File: SubmitCommand {
        static let configuration = CommandConfiguration(abstract: "File this unit's progress report for a period.")
        @OptionGroup var submission: SubmitOptions
        @Option(help: ArgumentHelp("The period, YYYY-MM/YYYY-MM, e.g. 2026-09/2026-10.", valueName: "YYYY-MM/YYYY-MM"))
        var period: String
        @Option(name: .customLong("figure"), help: "A figure, name=value (repeat).") var figures: [FigureArgument] = []
        @Option var text: String?

        func envelope(node: String) throws -> Envelope {
            Envelope.with {
                $0.progressReport = ProgressReport.with {
                    $0.period = period
                    $0.figures = figures.map(\.figure)
                    $0.text = text ?? ""
                }
            }
        }
    }
}
