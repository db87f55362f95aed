import ArgumentParser
import ProtocolFuzzing

/// `aeohub-fuzz`: the long fuzz run of the frame and payload decoders (the test suite runs a short one).
@main
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub-fuzz",
        abstract: "Fuzz the wire decoders, field validation and workflow checks with mutated valid commands."
    )

    @Option(help: "How many inputs.") var inputs = 1_000_000
    @Option(help: "The random seed (a crash is reproduced by its seed).") var seed: UInt64 = 1

    func run() {
        var fuzzer = DecoderFuzzer(seed: seed)
        let report = fuzzer.run(inputs: inputs) { print("  ... \($0.inputs) inputs") }
        print("seed \(seed): \(report)")
    }
}
