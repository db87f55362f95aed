import SwiftProtobuf

/// Why the hub refuses something, wherever it is found (the frame codec, field validation, a
/// workflow rule): the code the protocol answers with, the field it is about (empty when it is about
/// none) and a sentence a person can act on.
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: ErrorCode
    /// A sentence a person can act on.
    public let reason: String
    /// The field's path, e.g. `request_filed.enterprise.uscc`; empty if the refusal is not about one field.
    public let field: String

    public init(_ code: ErrorCode, _ reason: String, field: String = "") {
        self.code = code
        self.reason = reason
        self.field = field
    }

    /// A field that fails validation: INVALID_FIELD unless `code` says otherwise.
    public init(code: ErrorCode = .invalidField, field: String, reason: String) {
        self.init(code, reason, field: field)
    }

    public var description: String { field.isEmpty ? "\(code.name): \(reason)" : "\(field): \(reason)" }
}

/// Field rules for identifiers, shared by validation and configuration.
public enum Identifier {
    /// Node ids: lower-case letters, digits and '-', 2 to 64 characters, starting with a letter or digit.
    public static func isNodeID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...64).contains(bytes.count), isLowerAlnum(bytes[0]) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Message, request, case, meeting and other ids: 1 to 64 of `A-Z a-z 0-9 . _ : -`.
    public static func isRecordID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy {
            isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":")
                || $0 == UInt8(ascii: "-")
        }
    }

    /// The roles a node can have.
    public static let roles: Set<String> = [
        "customs", "partner", "district", "zone", "coordinator", "association", "department",
    ]

    private static func isLowerAlnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (97...122).contains(b) }
    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (65...90).contains(b) }
    static func isDigits(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) }
    }
}

/// Checks a submitted envelope's fields (not its workflow: that is `Coordination`'s job).
extension Envelope {
    /// What the sender chose: the envelope without the hub's stamps and the sender's clock. A retry
    /// of a message has the same content; a reused message id with other content does not.
    public var content: Envelope {
        var content = self
        content.sender = ""
        content.sequence = 0
        content.acceptedAtMs = 0
        content.deliveredTo = []
        content.sentAtMs = 0
        return content
    }
}

public enum EnvelopeValidator {
    /// Validates `envelope` and answers warnings about accepted oddities (such as a Fujian pilot
    /// USCC); throws the first failure.
    public static func validate(_ envelope: Envelope) throws(Refusal) -> [String] {
        var check = FieldCheck()
        try check.recordID(envelope.messageID, "message_id")
        try check.optionalText(envelope.correlationID, "correlation_id", max: 64)
        try check.optionalText(envelope.causationID, "causation_id", max: 64)
        if envelope.sentAtMs != 0 { try check.instant(envelope.sentAtMs, "sent_at_ms") }
        try check.count(envelope.to.nodes, "to.nodes", max: RepeatedLimit.units)
        try check.count(envelope.to.roles, "to.roles", max: Identifier.roles.count)
        for (index, node) in envelope.to.nodes.enumerated() { try check.nodeID(node, "to.nodes[\(index)]") }
        for (index, role) in envelope.to.roles.enumerated() where !Identifier.roles.contains(role) {
            throw Refusal(
                field: "to.roles[\(index)]",
                reason: "'\(role)' is not a role; use one of \(Identifier.roles.sorted().joined(separator: ", "))")
        }
        guard let type = envelope.messageType else {
            throw Refusal(
                code: .unknownMessageType, field: "payload",
                reason: "no message type this hub knows is set; set exactly one payload field (SPEC.md 5)")
        }
        try check.payload(envelope, type)
        return check.warnings
    }

    /// Checks a bimonthly reporting period, `YYYY-MM/YYYY-MM` (01/02, 03/04 ... 11/12).
    public static func validatePeriod(_ text: String, field: String = "period") throws(Refusal) {
        try FieldCheck().period(text, field)
    }
}

/// Text limits (SPEC.md 8).
public enum TextLimit {
    public static let name = 200
    public static let person = 100
    public static let long = 4000
    public static let report = 20_000
}

/// Limits on repeated fields, so that one message cannot carry an unbounded list.
public enum RepeatedLimit {
    /// Node ids in one list (`to.nodes`, invitees, attendance, organisers).
    public static let units = 64
    public static let members = 200
    public static let milestones = 50
    /// Agenda items of one meeting, in `meeting_convened` and added by proposals together.
    public static let agendaItems = 100
    /// Candidate slots of one audit: the proposal's and every counter-proposal's together.
    public static let slots = 20
    /// Sites of one audit and officers of its team.
    public static let sites = 20
    public static let team = 20
    /// Figures of one progress report.
    public static let figures = 100
}

struct FieldCheck {
    var warnings: [String] = []

    func fail(_ field: String, _ reason: String) -> Refusal {
        Refusal(field: field, reason: reason)
    }

    func required(_ text: String, _ field: @autoclosure () -> String, max: Int) throws(Refusal) {
        guard !text.allSatisfy(\.isWhitespace) else { throw fail(field(), "is required") }
        try optionalText(text, field(), max: max)
    }

    func optionalText(_ text: String, _ field: @autoclosure () -> String, max: Int) throws(Refusal) {
        // Characters never outnumber UTF-8 bytes: most texts pass without counting characters.
        guard text.utf8.count > max else { return }
        let count = text.count
        guard count <= max else { throw fail(field(), "is \(count) characters long; the limit is \(max)") }
    }

    func recordID(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) {
        guard !text.isEmpty else { throw fail(field(), "is required") }
        guard Identifier.isRecordID(text) else {
            throw fail(field(), "'\(text)' is not an id: use 1 to 64 of A-Z a-z 0-9 . _ : -")
        }
    }

    func nodeID(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) {
        guard Identifier.isNodeID(text) else {
            throw fail(
                field(), "'\(text)' is not a node id: use 2 to 64 of a-z 0-9 and '-', starting with a letter or digit")
        }
    }

    func date(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) -> CivilDate {
        guard let date = CivilDate(text) else {
            throw fail(
                field(),
                text.isEmpty
                    ? "is required (a date, YYYY-MM-DD)" : "'\(text)' is not a date; write YYYY-MM-DD, e.g. 2026-09-15")
        }
        return date
    }

    /// Instants from 2000 to 2100: anything else is a mistake (or an attack on readers' arithmetic).
    static let instants: ClosedRange<Int64> = 946_684_800_000...4_102_444_800_000

    func instant(_ milliseconds: Int64, _ field: @autoclosure () -> String) throws(Refusal) {
        guard Self.instants.contains(milliseconds) else {
            throw fail(field(), "\(milliseconds) is not an instant from 2000 to 2100 in Unix milliseconds")
        }
    }

    func slot(_ slot: TimeSlot, _ field: @autoclosure () -> String) throws(Refusal) {
        guard slot.startMs > 0 else { throw fail("\(field()).start_ms", "is required (Unix milliseconds)") }
        try instant(slot.startMs, "\(field()).start_ms")
        try instant(slot.endMs, "\(field()).end_ms")
        guard slot.endMs > slot.startMs else { throw fail("\(field()).end_ms", "must be after start_ms") }
        guard slot.endMs - slot.startMs <= 14 * 86_400_000 else {
            throw fail(field(), "lasts more than 14 days; split it into shorter slots")
        }
    }

    mutating func uscc(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) {
        switch USCC.check(text) {
        case .valid: break
        case .pilotException(let warning): warnings.append(warning)
        case .invalid(let reason): throw fail(field(), reason)
        }
    }

    mutating func enterprise(
        _ enterprise: Enterprise, present: Bool, _ field: @autoclosure () -> String
    ) throws(Refusal) {
        guard present else { throw fail(field(), "is required (uscc and name)") }
        try uscc(enterprise.uscc, "\(field()).uscc")
        try required(enterprise.name, "\(field()).name", max: TextLimit.name)
        if !enterprise.customsCode.isEmpty, !Identifier.isDigits(enterprise.customsCode, count: 10) {
            throw fail(
                "\(field()).customs_code",
                "'\(enterprise.customsCode)' is not a customs registration code: it has 10 digits")
        }
    }

    func contact(_ contact: Contact, present: Bool, _ field: @autoclosure () -> String) throws(Refusal) {
        guard present else { throw fail(field(), "is required (the enterprise's contact for customs affairs)") }
        try required(contact.name, "\(field()).name", max: TextLimit.person)
        try optionalText(contact.title, "\(field()).title", max: TextLimit.person)
        try optionalText(contact.phone, "\(field()).phone", max: 32)
        try optionalText(contact.email, "\(field()).email", max: 254)
    }

    func officer(_ officer: Officer, _ field: @autoclosure () -> String) throws(Refusal) {
        try required(officer.officerID, "\(field()).officer_id", max: 32)
        try required(officer.name, "\(field()).name", max: TextLimit.person)
        if !officer.office.isEmpty { try nodeID(officer.office, "\(field()).office") }
    }

    func area(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) {
        guard Identifier.isDigits(text, count: 6) || Identifier.isNodeID(text) else {
            throw fail(
                field(),
                text.isEmpty
                    ? "is required (a district code such as 350203, or a zone id)"
                    : "'\(text)' is neither a 6-digit district code nor a zone id")
        }
    }

    func period(_ text: String, _ field: @autoclosure () -> String) throws(Refusal) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let first = CivilDate("\(parts[0])-01"), let second = CivilDate("\(parts[1])-01") else {
            throw fail(field(), "'\(text)' is not a period; write YYYY-MM/YYYY-MM, e.g. 2026-09/2026-10")
        }
        let nextMonth =
            first.month == 12
            ? CivilDate(year: first.year + 1, month: 1, day: 1)
            : CivilDate(year: first.year, month: first.month + 1, day: 1)
        guard nextMonth == second, first.month % 2 == 1 else {
            throw fail(
                field(),
                "'\(text)' is not a bimonthly period: two consecutive months starting with an odd one (01/02, 03/04 "
                    + "... 11/12)"
            )
        }
    }

    func count<T>(_ items: [T], _ field: @autoclosure () -> String, max: Int) throws(Refusal) {
        guard items.count <= max else { throw fail(field(), "has \(items.count) entries; the limit is \(max)") }
    }

    /// An enum value this version knows (a newer sender's value is refused rather than misread).
    func known<E: SwiftProtobuf.Enum & CaseIterable>(_ value: E, _ field: @autoclosure () -> String) throws(Refusal) {
        guard E.allCases.contains(value) else { throw fail(field(), "\(value.rawValue) is not a value this hub knows") }
    }

    func chosen<E: Equatable>(
        _ value: E, unspecified: E, _ field: @autoclosure () -> String, _ options: String
    ) throws(Refusal) {
        guard value != unspecified else { throw fail(field(), "is required: one of \(options)") }
    }

    mutating func payload(_ envelope: Envelope, _ type: MessageType) throws(Refusal) {
        guard let payload = envelope.payload else { return }
        let p = type.rawValue
        switch type.workflow {
        case .requests: try requestFields(payload, p)
        case .cultivation: try cultivationFields(payload, p)
        case .certification: try certificationFields(payload, p)
        case .meetings: try meetingFields(payload, p)
        case .credit: try creditFields(payload, p)
        case .incentives, .activities: try incentiveFields(payload, p)
        case .services: try serviceFields(payload, p)
        case .reports, .presence: try reportFields(payload, p)
        }
    }

    func auditKeys(_ auditID: String, _ caseID: String, _ p: String) throws(Refusal) {
        try recordID(auditID, "\(p).audit_id")
        try recordID(caseID, "\(p).case_id")
    }

    func agendaItem(_ item: AgendaItem, _ field: @autoclosure () -> String) throws(Refusal) {
        try recordID(item.itemID, "\(field()).item_id")
        try required(item.title, "\(field()).title", max: TextLimit.name)
        if !item.proposer.isEmpty { try nodeID(item.proposer, "\(field()).proposer") }
    }
}
