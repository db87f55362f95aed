import ArgumentParser
import Foundation
import Hub
import ZeroMQ

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "CURVE key pairs for the hub and the nodes.",
        subcommands: [Generate.self, List.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make NAME.secret (mode 0600) and NAME.public for each name.")

        @Option(help: "The keys folder.")
        var dir: String

        @Argument(help: "Names: 'hub' and node ids.")
        var names: [String]

        func run() throws {
            for name in names {
                let pair = try CurveKeyPair.generate()
                try KeyFiles.write(pair, name: name, folder: dir)
                print("\(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(pair.publicKey.z85)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the public keys in a keys folder.")

        @Option(help: "The keys folder.")
        var dir: String

        func run() throws {
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".public") }.sorted()
            for file in files {
                let key = try KeyFiles.readKey(URL(fileURLWithPath: dir).appendingPathComponent(file).path)
                print("\(String(file.dropLast(7)).padding(toLength: 20, withPad: " ", startingAt: 0)) \(key.z85)")
            }
        }
    }
}
