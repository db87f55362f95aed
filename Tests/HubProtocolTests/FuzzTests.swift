import ProtocolFuzzing
import Testing

@Suite("Fuzzing the decoders")
struct FuzzTests {
    @Test("a short fuzz run: mutated commands end in a value or a typed error, and reach every layer")
    func shortRun() {
        var fuzzer = DecoderFuzzer(seed: 20_261_129)
        let report = fuzzer.run(inputs: 30_000)
        #expect(report.inputs == 30_000)
        // The mutations must not all die at the first check: each layer sees traffic.
        #expect(report.decoded > 1_000, "\(report)")
        #expect(report.validated > 100, "\(report)")
        #expect(report.admitted > 10, "\(report)")
        #expect(report.errors.count >= 4, "\(report)")
    }
}
