import ArgumentParser
import Foundation
import HubProtocol
import Reports

// How people type the protocol's values on the command line.

/// One of a protocol enum's short names or its Chinese name, e.g. `--category pain-point` or
/// `--category 通关堵点`. A value that is neither is refused with both names of every choice.
struct Choice<Value: NamedChoice>: ExpressibleByArgument {
    let value: Value

    init(_ value: Value) { self.value = value }

    init?(argument: String) {
        guard let value = Value(label: argument) else { return nil }
        self.value = value
    }

    /// What help and the parser's error list: each short name with its Chinese name, "minor (轻微)".
    static var allValueStrings: [String] { Value.pairedNames }
    static var defaultCompletionKind: CompletionKind { .list(Value.typedNames) }
    var defaultValueDescription: String { value.label }
}

/// The language of what a command prints for people: `--lang zh` or `--lang en`.
struct LanguageOptions: ParsableArguments {
    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp(
            "zh (Chinese, English beside the headings) or en. Default: zh when the first of LC_ALL, LC_MESSAGES and "
                + "LANG that is set starts with zh, else en. JSON is the same in both.",
            valueName: "zh|en"),
        transform: { text in
            guard let language = Language(rawValue: text.lowercased()) else {
                throw ValidationError("--lang is zh or en, not '\(text)'")
            }
            return language
        })
    var lang: Language?

    /// The language asked for, or the locale's.
    var language: Language { lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment) }
}

/// A date, `YYYY-MM-DD`.
struct DateArgument: ExpressibleByArgument {
    let date: CivilDate

    init?(argument: String) {
        guard let date = CivilDate(argument) else { return nil }
        self.date = date
    }

    var text: String { "\(date)" }
}

/// A time slot in Xiamen time: `2026-12-10T09:00/12:00`, or `2026-12-10T09:00/2026-12-11T12:00` to end
/// on another day; hours 00-23 and minutes 00-59, the end after the start.
struct SlotArgument: ExpressibleByArgument {
    /// The syntax, for help texts.
    static let syntax =
        "YYYY-MM-DDTHH:MM/HH:MM in Xiamen time (UTC+8), e.g. 2026-12-10T09:00/17:00; "
        + "to end on another day, YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM"
    /// The value's name in usage lines.
    static let valueName = "YYYY-MM-DDTHH:MM/HH:MM"

    let slot: TimeSlot

    init?(argument: String) {
        let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let start = Self.instant(parts[0]) else { return nil }
        let endText = parts[1].contains("T") ? parts[1] : "\(parts[0].prefix(10))T\(parts[1])"
        guard let end = Self.instant(endText), end > start else { return nil }
        slot = TimeSlot.with {
            $0.startMs = start
            $0.endMs = end
        }
    }

    /// `YYYY-MM-DDTHH:MM` in China Standard Time (UTC+8), as milliseconds since the epoch.
    static func instant(_ text: String) -> Int64? {
        let parts = text.split(separator: "T").map(String.init)
        guard parts.count == 2, let day = CivilDate(parts[0]) else { return nil }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else { return nil }
        return day.chinaMidnightMilliseconds + Int64(clock[0] * 3_600_000 + clock[1] * 60_000)
    }

    static var defaultValueDescription: String { "2026-12-10T09:00/12:00" }
}

extension ArgumentHelp {
    /// Help for a date option: `text`, which says the format, and `YYYY-MM-DD` in the usage line.
    static func date(_ text: String) -> ArgumentHelp { ArgumentHelp(text, valueName: "YYYY-MM-DD") }

    /// Help for a slot option: `text`, then the slot syntax, and the syntax in the usage line.
    static func slot(_ text: String) -> ArgumentHelp {
        ArgumentHelp("\(text): \(SlotArgument.syntax).", valueName: SlotArgument.valueName)
    }
}

/// A customs officer, `STAFF-NUMBER:Name`.
struct OfficerArgument: ExpressibleByArgument {
    let officer: Officer

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        officer = Officer.with {
            $0.officerID = parts[0]
            $0.name = parts[1]
        }
    }
}

/// Something with an id and a title, `ID:Title` (agenda items).
struct LabelledArgument: ExpressibleByArgument {
    let id: String
    let title: String

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        id = parts[0]
        title = parts[1]
    }
}

/// An audit site, `Name|Address|customs area`.
struct SiteArgument: ExpressibleByArgument {
    let site: AuditSite

    init?(argument: String) {
        let parts = argument.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 3 else { return nil }
        site = AuditSite.with {
            $0.name = parts[0]
            $0.address = parts[1]
            $0.customsArea = parts[2]
        }
    }
}

/// A report figure, `name=value`.
struct FigureArgument: ExpressibleByArgument {
    let figure: Figure

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Int64(parts[1]) else { return nil }
        figure = Figure.with {
            $0.name = parts[0]
            $0.value = value
        }
    }
}

/// The enterprise a message is about.
struct EnterpriseOptions: ParsableArguments {
    @Option(
        help: "The enterprise's Unified Social Credit Code (18 characters; letters are upper-cased).",
        transform: { $0.uppercased() })
    var uscc: String

    @Option(help: "The enterprise's registered name.")
    var name: String

    @Option(help: "Its 10-digit customs registration code, if known.")
    var customsCode: String?

    // The USCC is checked with the whole envelope before anything is sent (exit 65, with its field).
    var enterprise: Enterprise {
        Enterprise.with {
            $0.uscc = uscc
            $0.name = name
            $0.customsCode = customsCode ?? ""
        }
    }
}

/// The enterprise's contact person (its senior manager in charge of customs affairs).
struct ContactOptions: ParsableArguments {
    @Option(help: "The enterprise contact's name.")
    var contactName: String

    @Option(help: "The contact's title.")
    var contactTitle: String?

    @Option(help: "The contact's phone.")
    var contactPhone: String?

    @Option(help: "The contact's e-mail.")
    var contactEmail: String?

    var contact: Contact {
        Contact.with {
            $0.name = contactName
            $0.title = contactTitle ?? ""
            $0.phone = contactPhone ?? ""
            $0.email = contactEmail ?? ""
        }
    }
}
