import EventLog
import Foundation

/// Snapshots as files in a folder beside the SQLite log (`log.sqlite.snapshots/`), each written to a
/// temporary name, fsynced, renamed into place and the folder fsynced: a crash leaves the old set or
/// the new one, never a half-written snapshot under a snapshot's name.
public struct SnapshotFolder: SnapshotStore {
    /// The folder.
    public let path: String
    /// How many snapshots are kept.
    public let keep: Int

    public init(path: String, keep: Int = 3) {
        self.path = path
        self.keep = keep
    }

    public func saveSnapshot(_ snapshot: Data, sequence: UInt64) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(path)/.writing-\(UUID().uuidString)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create \(temporary)") }
        var written = 0
        let wrote = snapshot.withUnsafeBytes { bytes in
            while written < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return fsync(descriptor) == 0
        }
        close(descriptor)
        guard wrote, rename(temporary, "\(path)/\(Self.name(sequence))") == 0 else {
            unlink(temporary)
            throw Self.failure("cannot write the snapshot at \(sequence) into \(path)")
        }
        let folder = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        for old in try snapshotSequences().dropFirst(keep) { unlink("\(path)/\(Self.name(old))") }
    }

    public func snapshotSequences() throws -> [UInt64] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.compactMap { name in
            guard name.hasPrefix("snapshot-"), name.hasSuffix(".pb") else { return nil }
            return UInt64(name.dropFirst("snapshot-".count).dropLast(".pb".count))
        }.sorted(by: >)
    }

    public func loadSnapshot(at sequence: UInt64) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(Self.name(sequence))"))
    }

    private static func name(_ sequence: UInt64) -> String {
        "snapshot-" + String(repeating: "0", count: max(0, 20 - String(sequence).count)) + "\(sequence).pb"
    }

    private static func failure(_ what: String) -> EventLogError {
        .storage("\(what): \(String(cString: strerror(errno)))")
    }
}

extension SQLiteEventStore: SnapshotStore {
    /// The folder of this log's snapshots: `<log>.snapshots`.
    public var snapshotFolder: SnapshotFolder { SnapshotFolder(path: path + ".snapshots") }

    public func saveSnapshot(_ snapshot: Data, sequence: UInt64) throws {
        try snapshotFolder.saveSnapshot(snapshot, sequence: sequence)
    }

    public func snapshotSequences() throws -> [UInt64] { try snapshotFolder.snapshotSequences() }

    public func loadSnapshot(at sequence: UInt64) throws -> Data { try snapshotFolder.loadSnapshot(at: sequence) }
}
