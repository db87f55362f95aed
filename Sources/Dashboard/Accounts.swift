import Foundation
import HummingbirdBasicAuth
import HummingbirdBcrypt

/// A dashboard account: a name and a bcrypt hash of its password.
public struct Account: PasswordAuthenticatable, Sendable {
    public let name: String
    public let passwordHash: String?
}

/// The accounts file: one `name:bcrypt-hash` per line; `#` starts a comment.
public struct Accounts: Sendable {
    public let accounts: [String: Account]

    /// Reads `path`; a line that is not `name:$2…` is refused with its number.
    public init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var accounts: [String: Account] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("$2") else {
                throw Dashboard.SettingsError(
                    description:
                        "\(path):\(index + 1): write name:bcrypt-hash (make one with `aeohub dashboard hash-password`)")
            }
            accounts[parts[0]] = Account(name: parts[0], passwordHash: parts[1])
        }
        guard !accounts.isEmpty else { throw Dashboard.SettingsError(description: "\(path) has no accounts") }
        self.accounts = accounts
    }

    func account(named name: String) -> Account? { accounts[name] }

    /// A bcrypt hash of `password`, for the accounts file.
    public static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: 12) }
}
