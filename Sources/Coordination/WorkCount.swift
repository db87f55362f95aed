/// How many index entries the workflow checks visited: the count behind the test that no check
/// scans history (issue 14). It never makes two states unequal.
public struct WorkCount: Sendable {
    /// Entries of the state's indexes visited by the checks and transitions so far.
    public internal(set) var entriesVisited = 0
}

extension WorkCount: Equatable {
    public static func == (lhs: WorkCount, rhs: WorkCount) -> Bool { true }
}
