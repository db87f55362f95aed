import ArgumentParser
import Foundation
import HubNode
import Reports

/// Why a command did not do what was asked: a sentence for people, and for scripts a code and an
/// exit status that says whether to retry (README, "Exit codes").
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, as the exit status tells it.
    enum Kind: Int32 {
        /// Refused by the hub: final for this message (`REJECTED` with a final code, a refused key).
        case refused = 1
        /// The command line itself is wrong (sysexits EX_USAGE).
        case usage = 64
        /// The input failed a local check before anything was sent (EX_DATAERR).
        case badInput = 65
        /// The hub cannot be reached (EX_UNAVAILABLE): retry when it is up.
        case unreachable = 69
        /// A fault in this program (EX_SOFTWARE).
        case `internal` = 70
        /// Retry later with the same message id (EX_TEMPFAIL): storage, rate limit, shutdown, timeout.
        case retryLater = 75
    }

    let kind: Kind
    /// The protocol's error code (`NOT_AUTHORISED`, ...) or a local one (a field check's code for input refused
    /// before sending,
    /// `HUB_UNREACHABLE`, `KEY_REFUSED`, `TIMED_OUT`, `USAGE`, `INTERNAL`).
    let code: String
    let reason: String
    var field = ""

    init(_ kind: Kind, code: String, _ reason: String, field: String = "") {
        self.kind = kind
        self.code = code
        self.reason = reason
        self.field = field
    }

    var description: String { reason }
    var retryable: Bool { kind == .unreachable || kind == .retryLater }

    static let retryableCodes: Set<String> = ["STORAGE_UNAVAILABLE", "RATE_LIMITED", "SHUTTING_DOWN", "INTERNAL"]

    /// The failure an error of the node library means, `doing` what the command was about.
    init(_ error: any Error, doing: String) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case NodeError.rejected(let code, let reason, let field):
            let kind: Kind = Self.retryableCodes.contains(code) ? .retryLater : .refused
            self.init(
                kind, code: code, "the hub refused \(doing) (\(code))\(field.isEmpty ? "" : ", \(field)"): \(reason)",
                field: field)
        case NodeError.replayRefused(let code, let reason), NodeError.viewRefused(let code, let reason):
            self.init(Self.retryableCodes.contains(code) ? .retryLater : .refused, code: code, "\(doing): \(reason)")
        case NodeError.timedOut(let messageID):
            self.init(
                .retryLater, code: "TIMED_OUT",
                "no answer from the hub in time; it may still accept the message. Retry with --message-id \(messageID)")
        case NodeError.viewTimedOut, NodeError.replayInterrupted:
            self.init(.retryLater, code: "TIMED_OUT", "\(doing): \(error)")
        case NodeError.replayIncomplete:
            // Asking the same again would lose the same envelopes.
            self.init(.refused, code: "REPLAY_INCOMPLETE", "\(doing): \(error)")
        case NodeError.sessionRejected(let code, let reason):
            self.init(
                Self.retryableCodes.contains(code) ? .retryLater : .refused, code: code,
                "the hub refused the session: \(reason)")
        case NodeError.keyRefused(let why):
            self.init(
                .refused, code: "KEY_REFUSED",
                "\(why); is this key's public half registered for this unit in the hub's topology?")
        case NodeError.sessionRefused(let why):
            self.init(
                .unreachable, code: "HUB_UNREACHABLE",
                "\(why): is it running? (--wait SECONDS waits for a hub that is starting)")
        case NodeError.closed:
            self.init(.unreachable, code: "HUB_UNREACHABLE", "\(doing): the session with the hub ended")
        default:
            self.init(.internal, code: "INTERNAL", "\(doing): \(error)")
        }
    }

    /// Tells the person or the script: one JSON object on stdout under `--json`, a line on stderr
    /// otherwise.
    func report(json: Bool) {
        if json {
            let object = JSONValue.object([
                "code": .string(code), "reason": .string(reason), "field": .optional(field),
                "retryable": .bool(retryable), "exit_code": .int(Int64(kind.rawValue)),
            ])
            print((try? object.text(pretty: false)) ?? "{}")
        } else {
            FileHandle.standardError.write(Data("Error: \(reason)\n".utf8))
        }
    }
}
