/// The Unified Social Credit Code (GB 32100-2015) check, with the Fujian pilot exception.
public enum USCC {
    /// The 31 characters a USCC may contain; each is worth its index.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    /// Organisation-code (GB 11714) weights for positions 9-16.
    static let organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// What the check found.
    public enum Verdict: Sendable, Hashable {
        /// A well-formed code whose check character is right.
        case valid
        /// An early Fujian pilot code: its USCC check fails but its organisation-code check passes.
        /// Legal; accepted with this warning.
        case pilotException(warning: String)
        /// Not a USCC, with a sentence saying what to fix.
        case invalid(reason: String)
    }

    /// Checks `code` and says why it is wrong, if it is.
    public static func check(_ code: String) -> Verdict {
        let characters = Array(code)
        guard characters.count == 18 else {
            return .invalid(reason: "USCC \(code): a USCC has 18 characters, this one has \(characters.count)")
        }
        var values: [Int] = []
        for (index, character) in characters.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else {
                let hint =
                    character.isLowercase
                    ? " (write letters in capitals)"
                    : " (a USCC uses 0-9 and A-Y without I, O, S, V and Z)"
                return .invalid(
                    reason: "USCC \(code): '\(character)' at position \(index + 1) is not a valid character\(hint)")
            }
            values.append(value)
        }
        let sum = zip(values.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = (31 - sum % 31) % 31
        if values[17] == expected { return .valid }
        if organisationCheckPasses(characters) {
            return .pilotException(
                warning:
                    "USCC \(code) fails the GB 32100 check but is an early Fujian pilot code whose organisation code "
                    + "is valid; accepted"
            )
        }
        return .invalid(
            reason:
                "USCC \(code): the check character should be '\(alphabet[expected])', not '\(characters[17])'; check "
                + "the code for a typing error"
        )
    }

    /// GB 11714 check over positions 9-16 against position 17.
    static func organisationCheckPasses(_ characters: [Character]) -> Bool {
        func value(_ character: Character) -> Int? {
            if let digit = character.wholeNumberValue, character.isASCII { return digit }
            guard let ascii = character.asciiValue, (65...90).contains(ascii) else { return nil }
            return Int(ascii) - 55
        }
        var sum = 0
        for (offset, weight) in organisationWeights.enumerated() {
            guard let v = value(characters[8 + offset]) else { return false }
            sum += v * weight
        }
        let check = 11 - sum % 11
        let expected: Character = check == 10 ? "X" : check == 11 ? "0" : Character(String(check))
        return characters[16] == expected
    }
}
