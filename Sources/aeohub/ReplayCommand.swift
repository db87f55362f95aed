import ArgumentParser
import Foundation
import HubNode
import HubProtocol
import Reports

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay the log: a meeting, an enterprise, a case, a type, a node or a time range.",
        discussion:
            "Records come in log order, each with its time (Xiamen) and sender. Units other than the coordinator "
            + "replay what they sent or received."
    )

    @OptionGroup var connection: NodeOptions
    @Option(
        help: ArgumentHelp(
            "A meeting id: its convening, agenda, RSVPs, attendance, minutes, decisions, action items and their "
                + "progress.")
    ) var meeting: String?
    @Option(help: "An enterprise's USCC (18 characters).", transform: { $0.uppercased() }) var uscc: String?
    @Option(name: .customLong("case"), help: "A certification case id.") var caseID: String?
    @Option(help: "A message type (repeat), e.g. minutes_entry.") var type: [String] = []
    @Option(help: "Records sent by or delivered to this node.") var from: String?
    @Option(help: "From this time on (Xiamen time), YYYY-MM-DD or YYYY-MM-DDTHH:MM.") var since: String?
    @Option(help: "Before this time (Xiamen time), YYYY-MM-DD or YYYY-MM-DDTHH:MM.") var until: String?
    @Option(help: "Only records after this sequence number.") var after: UInt64 = 0
    @Option(help: "text, markdown or jsonl.") var format: String = "text"
    @OptionGroup var languageOptions: LanguageOptions

    static func instant(_ text: String) -> Int64? {
        if let day = CivilDate(text) { return day.chinaMidnightMilliseconds }
        return SlotArgument.instant(text)
    }

    func validate() throws {
        guard ["text", "markdown", "jsonl"].contains(format) else {
            throw ValidationError("--format is text, markdown or jsonl, not '\(format)'")
        }
        for name in type where MessageType(rawValue: name) == nil {
            throw ValidationError(
                "'\(name)' is not a message type; use one of "
                    + "\(MessageType.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Self.instant(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a time; write 2026-11-29 or 2026-11-29T09:30")
            }
        }
    }

    func run() async throws {
        let session = try await connection.connect()
        let request = ReplayRequest.with {
            $0.meetingID = meeting ?? ""
            $0.uscc = uscc ?? ""
            $0.caseID = caseID ?? ""
            $0.types = type
            $0.nodeID = from ?? ""
            $0.fromSequence = after == 0 ? 0 : after + 1
            $0.fromTimeMs = since.flatMap(Self.instant) ?? 0
            $0.toTimeMs = until.flatMap(Self.instant) ?? 0
        }
        let items: [StoredEnvelope]
        do {
            let head = await session.node.headAtWelcome
            let progress = Progress("replaying the log")
            items = try await session.node.replay(request) { last, _ in
                progress.update(head == 0 ? 1 : Double(last) / Double(head))
            }
            progress.finish()
        } catch {
            await session.close()
            throw CommandFailure(error, doing: "replaying the log")
        }
        await session.close()
        let language = languageOptions.language
        if format == "markdown" {
            let header = ["#", "time", "sender", "type", "what"].map { language.heading($0, Self.headings) }
            print("| \(header.joined(separator: " | ")) |\n|---|---|---|---|---|")
        }
        for stored in items {
            let envelope = try stored.decoded()
            switch format {
            case "jsonl": print(try EnvelopeJSON.line(envelope))
            case "markdown":
                let summary = EnvelopeText.summary(envelope, language: language)
                let cells = [
                    "\(envelope.sequence)", EnvelopeText.timestamp(envelope.acceptedAtMs), envelope.sender,
                    envelope.messageType?.rawValue ?? "?", summary.replacingOccurrences(of: "|", with: "/"),
                ]
                print("| \(cells.joined(separator: " | ")) |")
            default: print(EnvelopeText.line(envelope, language: language))
            }
        }
        if format == "text", items.isEmpty { print(language.pick("（没有匹配的记录）", "(no records match)")) }
    }

    /// The Markdown columns in Chinese.
    static let headings = ["#": "序号", "time": "时间", "sender": "发送单位", "type": "类型", "what": "内容"]
}
