import ChildProcesses
import EventLog
import Foundation

/// Backups of a log on PostgreSQL: `pg_dump` of the log's schema, in its custom format, which
/// `pg_restore` reads back. The dump is one consistent snapshot (pg_dump reads in one transaction).
enum PostgresDump {
    static func dump(location: PostgresLocation, password: String?, to path: String) throws {
        let server = location.servers[0]
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        environment["PGSSLMODE"] = location.tls.rawValue
        if let root = location.rootCertificate { environment["PGSSLROOTCERT"] = root }
        let arguments = [
            "--host", server.host, "--port", String(server.port), "--username", location.user,
            "--dbname", location.database, "--schema", "\"\(location.schema)\"", "--format", "custom",
            "--no-password", "--file", path,
        ]
        let (status, errors) = try runChild(executable: "pg_dump", arguments: arguments, environment: environment)
        guard status == 0 else { throw EventLogError.storage("pg_dump exited with status \(status): \(errors)") }
    }

    /// Runs a program found on PATH and answers its exit status and what it printed.
    static func runChild(
        executable: String, arguments: [String], environment: [String: String]
    ) throws -> (status: Int32, standardError: String) {
        let result = try ChildProcess.run("/usr/bin/env", [executable] + arguments, environment: environment)
        return (result.status, result.output)
    }
}
