import Foundation
import Synchronization

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe to call
/// from several threads at once (seen here: a crash in its memcpy and a failed `try!` in FileHandle
/// when parallel tests started processes together), so every launch in this package goes through
/// this lock; the children then run concurrently as usual.
public enum ProcessLaunch {
    private static let lock = Mutex<Void>(())

    /// Runs `process.run()` while no other launch is under way.
    public static func start(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}
