import ArgumentParser
import EventLog
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Integrity, figures and online backups of the event log.",
        subcommands: [Verify.self, Stats.self, Backup.self]
    )

    struct LogOption: ParsableArguments {
        @Option(help: "The event log (SQLite file).")
        var log: String

        func open() throws -> SQLiteEventStore {
            guard FileManager.default.fileExists(atPath: log) else {
                throw ValidationError("no log at \(log)")
            }
            // Read-only: these commands run beside a live hub and must never write its log.
            return try SQLiteEventStore(path: log, tailCheck: 0, readOnly: true)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the hash chain; name the first bad record.")
        @OptionGroup var options: LogOption

        func run() throws {
            let progress = Progress("checking the hash chain")
            let result = try options.open().verify { checked, head in progress.update(head == 0 ? 1 : Double(checked) / Double(head)) }
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
                let object: [String: Any] = ["records": stats.records, "head": stats.head, "bytes": stats.bytes,
                                             "by_type": stats.byType, "by_sender": stats.bySender, "cursors": stats.cursors]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("records \(stats.records), head \(stats.head), \(stats.bytes / 1024) KiB")
            print("\nby type:")
            for (type, count) in stats.byType.sorted(by: { $0.key < $1.key }) { print("  \(type.padding(toLength: 26, withPad: " ", startingAt: 0)) \(count)") }
            print("\nby sender:")
            for (sender, count) in stats.bySender.sorted(by: { $0.key < $1.key }) { print("  \(sender.padding(toLength: 26, withPad: " ", startingAt: 0)) \(count)") }
            print("\ndelivery cursors:")
            for (node, sequence) in stats.cursors.sorted(by: { $0.key < $1.key }) { print("  \(node.padding(toLength: 26, withPad: " ", startingAt: 0)) \(sequence)") }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the live log, then verify the copy.")
        @OptionGroup var options: LogOption
        @Option(help: "Where to write the copy.") var to: String

        func run() throws {
            guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists; choose a new file") }
            let copying = Progress("copying the log")
            try options.open().backup(to: to) { copying.update($0) }
            copying.finish()
            let checking = Progress("checking the copy")
            let copy = try SQLiteEventStore(path: to, tailCheck: 0)
            let result = try copy.verify { checked, head in checking.update(head == 0 ? 1 : Double(checked) / Double(head)) }
            checking.finish()
            print("backup \(to): \(result)")
        }
    }
}
