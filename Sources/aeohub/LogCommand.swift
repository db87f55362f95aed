import ArgumentParser
import EventLog
import EventLogPostgres
import EventLogSQLite
import EventLogStores
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Integrity, figures, online backups and migration of the event log (SQLite or PostgreSQL).",
        subcommands: [Verify.self, Stats.self, Backup.self, Migrate.self]
    )

    struct LogOption: ParsableArguments {
        @Option(help: "The event log (SQLite file).")
        var log: String?

        @Option(
            help: ArgumentHelp(
                "The event log as a store URL: sqlite:///PATH or postgresql://USER@HOST[,HOST]/DATABASE[?schema=NAME].",
                discussion: "The password comes from the file named by AEOHUB_STORE_PASSWORD_FILE, or PGPASSWORD."))
        var store: String?

        func validate() throws {
            guard (log == nil) != (store == nil) else {
                throw ValidationError("give one of --log PATH and --store URL")
            }
        }

        var location: StoreLocation {
            get throws {
                if let log { return .sqlite(path: log) }
                do { return try StoreLocation(url: store ?? "") } catch { throw ValidationError("--store: \(error)") }
            }
        }

        func open() throws -> any EventStore {
            let location = try location
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("no log at \(path)")
            }
            // Read-only: these commands run beside a live hub and must never write its log.
            return try EventStores.open(location, tailCheck: 0, readOnly: true)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the hash chain; name the first bad record.")
        @OptionGroup var options: LogOption

        func run() throws {
            let progress = Progress("checking the hash chain")
            let result = try options.open().verify { checked, head in
                progress.update(head == 0 ? 1 : Double(checked) / Double(head))
            }
            progress.finish(succeeded: { if case .intact = result { true } else { false } }())
            print(result)
            if case .broken = result { throw ExitCode(2) }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Records, size, types, senders and delivery cursors.")
        @OptionGroup var options: LogOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let stats = try options.open().stats()
            if json {
                let object: [String: Any] = [
                    "records": stats.records, "head": stats.head, "bytes": stats.bytes,
                    "by_type": stats.byType, "by_sender": stats.bySender, "cursors": stats.cursors,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("records \(stats.records), head \(stats.head), \(stats.bytes / 1024) KiB")
            for (title, figures) in [
                ("by type", stats.byType), ("by sender", stats.bySender), ("delivery cursors", stats.cursors),
            ] {
                print("\n\(title):")
                for (name, count) in figures.sorted(by: { $0.key < $1.key }) {
                    print("  \(name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(count)")
                }
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the live log.",
            discussion: """
                SQLite: an online copy of the file, then verified. PostgreSQL: runs pg_dump (it must be on PATH) \
                of the log's schema only, in pg_dump's custom format, to the file; restore it with \
                pg_restore --dbname=DATABASE FILE, then check it with aeohub log verify --store URL.
                """)
        @OptionGroup var options: LogOption
        @Option(help: "Where to write the copy (a new file).") var to: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: to) else {
                throw ValidationError("\(to) exists; choose a new file")
            }
            let store = try options.open()
            guard let sqlite = store as? SQLiteEventStore else {
                try store.backup(to: to)
                let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
                let schema = (store as? PostgresEventStore)?.location.schema ?? ""
                print(
                    "backup \(to): pg_dump of schema \(schema) at head \(try store.head().sequence), \(size / 1024) KiB"
                )
                return
            }
            let copying = Progress("copying the log")
            try sqlite.backup(to: to) { copying.update($0) }
            copying.finish()
            let checking = Progress("checking the copy")
            let copy = try SQLiteEventStore(path: to, tailCheck: 0)
            let result = try copy.verify { checked, head in
                checking.update(head == 0 ? 1 : Double(checked) / Double(head))
            }
            checking.finish()
            print("backup \(to): \(result)")
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole log to another store (SQLite <-> PostgreSQL), with its sequences and hashes.",
            discussion: """
                Stop the hub first. The target must be empty (a new SQLite file, or a PostgreSQL schema \
                without records). Every record is copied with its sequence and time, and resealed with the \
                same hash chain; the copy stops at the first record whose hash differs, and is verified whole \
                at the end. Delivery cursors are copied too. Then point the hub's store: at the target.
                """)
        @Option(help: "The log to copy: sqlite:///PATH or postgresql://... (read only).") var from: String
        @Option(help: "The empty log to fill: sqlite:///PATH or postgresql://...") var to: String

        func run() throws {
            let source: StoreLocation
            let target: StoreLocation
            do {
                source = try StoreLocation(url: from)
                target = try StoreLocation(url: to)
            } catch {
                throw ValidationError("\(error)")
            }
            guard source != target else { throw ValidationError("--from and --to name the same log") }
            if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("no log at \(path)")
            }
            let reading = try EventStores.open(source, tailCheck: 0, readOnly: true)
            let writing = try EventStores.open(target, tailCheck: 0)
            let copying = Progress("copying the log")
            let outcome = try LogMigration.copy(from: reading, to: writing) { copied, head in
                copying.update(head == 0 ? 1 : Double(copied) / Double(head))
            }
            copying.finish()
            print(
                "migrated \(outcome.records) records and \(outcome.cursors) cursors to \(target): "
                    + "\(VerifyResult.intact(records: outcome.records, head: outcome.head))")
        }
    }
}
