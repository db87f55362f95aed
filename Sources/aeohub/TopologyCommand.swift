import ArgumentParser
import Deployment
import Foundation

/// `aeohub topology template`: the topology file to start a deployment from.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "The network's topology file.",
        subcommands: [Template.self]
    )

    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the Xiamen topology, with placeholders for every key.",
            discussion: "Fill in the keys with Deploy/provision.sh, then confirm the names marked placeholder."
        )

        @Option(help: "Write to this file (refused if it exists) instead of standard output.")
        var out: String?

        func run() throws {
            guard let out else {
                print(XiamenNetwork.template)
                return
            }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) already exists; remove it or choose another file")
            }
            try Data((XiamenNetwork.template + "\n").utf8).write(to: URL(fileURLWithPath: out))
        }
    }
}
