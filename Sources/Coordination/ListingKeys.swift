import HubProtocol

// Each view's page order (SPEC.md 4.7): requests by filing time, reports by unit and period, the
// cultivation list, certificates and standings by enterprise, everything else by id.

extension RequestRecord: Listable {
    public var listingKey: String { ViewKey.padded(filedAt) + "|" + id }
}

extension ReportRecord: Listable {
    /// A space sorts before any id character, so a unit's periods come before the next unit's.
    public var listingKey: String { unit + " " + period }
}

extension CultivationRecord: Listable {
    public var listingKey: String { uscc }
}

extension EnterpriseStanding: Listable {
    public var listingKey: String { uscc }
}

extension BreachRecord: Listable {
    public var listingKey: String { id }
}

extension ServiceRecord: Listable {
    public var listingKey: String { id }
}

extension WindowRecord: Listable {
    public var listingKey: String { id }
}

extension PriorityMattersRecord: Listable {
    public var listingKey: String { unit }
}

extension CaseRecord: Listable {
    public var listingKey: String { id }
}

extension AuditRecord: Listable {
    public var listingKey: String { id }
}

extension MeetingRecord: Listable {
    public var listingKey: String { id }
}

extension ActionRecord: Listable {
    public var listingKey: String { id }
}

extension CreditChangeRecord: Listable {
    public var listingKey: String { id }
}

extension IncentiveRecord: Listable {
    public var listingKey: String { id }
}

extension ActivityRecord: Listable {
    public var listingKey: String { id }
}

extension PlanRecord: Listable {
    public var listingKey: String { id }
}

extension Unit: Listable {
    public var listingKey: String { id }
}

/// Page keys that sort as their rows do.
enum ViewKey {
    /// A non-negative number as 20 digits, so that text order is numeric order.
    static func padded(_ value: Int64) -> String {
        let digits = String(max(0, value))
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
