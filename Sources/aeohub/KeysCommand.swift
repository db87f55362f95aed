import ArgumentParser
import Deployment
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
        static let configuration = CommandConfiguration(
            abstract: "Make NAME.secret (mode 0600) and NAME.public for each name, or one key pair with --out.",
            discussion: """
                A unit makes its own key on its own machine with --out FILE and sends only the public \
                key (printed, and written to FILE.public, or X.public for X.secret) to the hub's \
                operator: the secret never leaves the unit.
                """
        )

        @Option(help: "The keys folder, for NAME arguments.")
        var dir: String?

        @Option(help: "One secret key file to create (mode 0600; never overwritten).")
        var out: String?

        @Argument(help: "Names: 'hub' and node ids (with --dir).")
        var names: [String] = []

        func validate() throws {
            guard (dir != nil) != (out != nil) else {
                throw ValidationError("give either --dir with names, or --out FILE")
            }
            if dir != nil, names.isEmpty { throw ValidationError("name at least one key to make in --dir") }
            if out != nil, !names.isEmpty { throw ValidationError("--out makes one key; it takes no names") }
        }

        func run() throws {
            if let out {
                let pair = try CurveKeyPair.generate()
                try KeyFiles.write(pair, secret: out, public: KeyFiles.publicPath(forSecret: out))
                print(pair.publicKey.z85)
                return
            }
            for name in names {
                let pair = try CurveKeyPair.generate()
                try KeyFiles.write(pair, name: name, folder: dir ?? ".")
                print("\(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(pair.publicKey.z85)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the public keys in a keys folder.")

        @Option(help: "The keys folder.")
        var dir: String

        func run() throws {
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".public") }
                .sorted()
            for file in files {
                let key = try KeyFiles.readKey(URL(fileURLWithPath: dir).appendingPathComponent(file).path)
                print("\(String(file.dropLast(7)).padding(toLength: 20, withPad: " ", startingAt: 0)) \(key.z85)")
            }
        }
    }
}
