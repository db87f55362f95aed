import Foundation

extension CrashDrill {
    /// What a drill saw.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var cycles = 0
        public var accepted = 0
        public var logRecords: UInt64 = 0
        public var delivered = 0
        public var listenerKills = 0
        public var lost = 0
        public var duplicates = 0
        public var outOfOrder = 0
        public var verifyFailures = 0
        public var hubPeakRSSKiB = 0
        public var elapsed: Duration = .zero
        public var problems: [String] = []

        public var passed: Bool {
            lost == 0 && duplicates == 0 && outOfOrder == 0 && verifyFailures == 0 && problems.isEmpty
        }

        public var description: String {
            "\(cycles) hub kills, \(listenerKills) node kills, \(accepted) messages accepted, "
                + "\(logRecords) log records, \(delivered) deliveries handled; "
                + "lost \(lost), duplicated \(duplicates), out of order \(outOfOrder), "
                + "verify failures \(verifyFailures); hub peak RSS \(hubPeakRSSKiB / 1024) MiB; \(elapsed)"
                + (problems.isEmpty ? "" : "\nproblems:\n  " + problems.prefix(20).joined(separator: "\n  "))
        }
    }
}
