import Foundation
import ZeroMQ

/// Key files: the 40-character Z85 text of a key, secret ones with mode 0600.
public enum KeyFiles {
    /// Writes `NAME.secret` (mode 0600) and `NAME.public` into `folder`; refuses to overwrite.
    public static func write(_ pair: CurveKeyPair, name: String, folder: String) throws {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = URL(fileURLWithPath: folder)
        try write(
            pair, secret: base.appendingPathComponent("\(name).secret").path,
            public: base.appendingPathComponent("\(name).public").path)
    }

    /// Writes the secret key to `secret` (created with mode 0600; an existing file is refused) and
    /// the public key to `public`.
    public static func write(_ pair: CurveKeyPair, secret: String, public publicFile: String) throws {
        // Created by open(2) with O_EXCL and mode 0600, so the secret is never readable by others,
        // not even between its creation and a chmod, and an existing file is never overwritten.
        let descriptor = open(secret, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            let reason =
                errno == EEXIST
                ? "already exists; remove it first to make a new key (key rotation)"
                : "cannot create the file (\(String(cString: strerror(errno))))"
            throw ConfigurationError(file: secret, line: 0, reason: reason)
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data((pair.secretKey.z85 + "\n").utf8))
        try handle.synchronize()
        try Data((pair.publicKey.z85 + "\n").utf8).write(to: URL(fileURLWithPath: publicFile))
    }

    /// Where the public key of the secret key file `secret` goes: `X.public` beside `X.secret`,
    /// otherwise the file's name with `.public` added.
    public static func publicPath(forSecret secret: String) -> String {
        secret.hasSuffix(".secret") ? String(secret.dropLast(7)) + ".public" : secret + ".public"
    }

    /// Reads a public key file.
    public static func readKey(_ path: String) throws -> CurveKey { try read(path, secret: path.hasSuffix(".secret")) }

    /// Reads a secret key file, whatever its name. One that others may read, or that belongs to
    /// another user than this process's (or root), is refused with the command that fixes it.
    public static func readSecretKey(_ path: String) throws -> CurveKey { try read(path, secret: true) }

    private static func read(_ path: String, secret: Bool) throws -> CurveKey {
        if secret {
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw ConfigurationError(
                    file: path, line: 0, reason: "cannot read the key file (\(String(cString: strerror(errno))))")
            }
            if status.st_mode & 0o077 != 0 {
                throw ConfigurationError(
                    file: path, line: 0,
                    reason: "a secret key file must not be readable by others (mode "
                        + "\(String(status.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
            }
            let owner = geteuid()
            if status.st_uid != owner, status.st_uid != 0 {
                throw ConfigurationError(
                    file: path, line: 0,
                    reason: "a secret key file must belong to the user that reads it (uid \(owner)), not uid "
                        + "\(status.st_uid); run: chown \(owner) \(path) && chmod 600 \(path)")
            }
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: 0, reason: "cannot read the key file")
        }
        do {
            return try CurveKey(z85: text)
        } catch {
            throw ConfigurationError(file: path, line: 1, reason: "\(error)")
        }
    }
}
