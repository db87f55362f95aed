import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program started with `posix_spawn`, for the harnesses, the tests and `report --format pdf`.
///
/// Why not Foundation's `Process`: on Linux its `run()` copies each `/proc/self/fd` entry's whole 256-byte
/// name out of glibc's readdir buffer and crashes when the entry sits at the end of a page
/// (swift-corelibs-foundation PR 5472, unfixed in Swift 6.3.1; seen here as a SIGSEGV of the test run).
/// swift-subprocess spawns safely but only inside an async scope; these callers hold children across
/// synchronous code and signal them. The child starts with no inherited descriptors beyond 0-2, an empty
/// signal mask and default signal actions, in its own process group.
public final class ChildProcess: Sendable {
    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// This process's own stream.
        case inherit
        /// Appended to the file at the path (created with mode 0644 when missing).
        case appendingTo(String)
    }

    /// A start that failed: the program could not be spawned.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child's process id.
    public let pid: pid_t
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`; `environment` replaces this process's environment when given.
    /// Standard error follows standard output unless `error` says otherwise.
    public convenience init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        output: Output = .discard, error: Output? = nil
    ) throws(SpawnError) {
        try self.init(
            executable, arguments, environment: environment,
            redirect: { actions in
                Self.redirect(output, to: 1, in: &actions)
                if let error {
                    Self.redirect(error, to: 2, in: &actions)
                } else {
                    posix_spawn_file_actions_adddup2(&actions, 1, 2)
                }
            })
    }

    private init(
        _ executable: String, _ arguments: [String], environment: [String: String]?,
        redirect: (inout posix_spawn_file_actions_t) -> Void
    ) throws(SpawnError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        redirect(&actions)
        guard let closeFrom = Self.addCloseFrom, closeFrom(&actions, 3) == 0 else {
            throw SpawnError(description: "cannot start \(executable): posix_spawn needs glibc 2.34 or later")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let pairs = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        let envp = pairs.map { $0.map { strdup($0) } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var child = pid_t()
        let status =
            envp.map { envp in posix_spawn(&child, executable, &actions, &attributes, argv, envp) }
            ?? posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// Runs `executable` to its end and answers its exit status with what it wrote to standard output and
    /// error, together. After `timeout` the child is killed (SIGKILL), so a hung program cannot hang its caller.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        timeout: Duration? = nil
    ) throws(SpawnError) -> (status: Int32, output: String) {
        var ends: [Int32] = [0, 0]
        // No O_CLOEXEC needed: every child, this one and any another thread spawns, closes all above 2.
        guard pipe(&ends) == 0 else {
            throw SpawnError(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess(
                executable, arguments, environment: environment,
                redirect: { actions in
                    posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
                    posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
                })
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        if let timeout {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { child.signal(SIGKILL) }
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(ends[0])
        return (child.wait(), String(decoding: output, as: UTF8.self))
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { exitStatus == nil }

    /// The child's exit status once it has exited (128 + the signal when a signal ended it), else nil.
    public var exitStatus: Int32? {
        reaped.withLock { status in
            if status == nil { status = Self.reap(pid, blocking: false) }
            return status
        }
    }

    /// Sends `signal` to the child while it has not been reaped.
    public func signal(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { kill(pid, signal) }
        }
    }

    /// Asks the child to stop (SIGTERM).
    public func terminate() { signal(SIGTERM) }

    /// Waits for the child to exit and answers its exit status.
    @discardableResult
    public func wait() -> Int32 {
        // Block without reaping, then reap under the lock, so `isRunning` on another thread never races
        // this thread for the child's status.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        while true {
            if let status = exitStatus { return status }
            usleep(1_000)
        }
    }

    /// Stops the child with SIGKILL, if it still runs, and reaps it.
    public func kill9() {
        signal(SIGKILL)
        wait()
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not declare
    /// (it sits behind `_GNU_SOURCE`).
    private static let addCloseFrom: AddCloseFrom? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: AddCloseFrom.self)
        }
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result == -1 && errno == EINTR
        guard result == pid else { return result == -1 ? -1 : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func redirect(_ output: Output, to descriptor: Int32, in actions: inout posix_spawn_file_actions_t) {
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        case .inherit:
            break
        case .appendingTo(let path):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
    }
}
