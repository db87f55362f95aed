import Coordination
import Foundation
import HubProtocol

/// A mutation fuzzer for everything the hub does with bytes from the network before they reach
/// the log: frame decoding (`WireCodec`), payload decoding (protobuf), field validation and the
/// workflow check. Inputs are valid commands mutated at random (bit flips, interesting bytes,
/// inserted, deleted, duplicated and truncated ranges, frames added, dropped, swapped or spliced
/// between seeds); each must end in a value or a typed error, never a crash.
///
/// Deterministic for a seed, so a crash found by a long run is reproduced by its seed and index.
public struct DecoderFuzzer {
    /// What a run saw.
    public struct Report: Sendable, CustomStringConvertible {
        public var inputs = 0
        public var decoded = 0
        public var submits = 0
        public var validated = 0
        public var admitted = 0
        /// Wire errors by code name.
        public var errors: [String: Int] = [:]
        public var elapsed: Duration = .zero

        public var description: String {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Int(Double(inputs) / seconds) : 0
            let codes = errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return
                "\(inputs) inputs in \(String(format: "%.1f", seconds)) s (\(rate)/s), crashes: 0; decoded "
                + "\(decoded), submits \(submits), "
                + "valid envelopes \(validated), admitted by the workflows \(admitted); wire errors: \(codes)"
        }
    }

    private var random: SplitMix64
    private let seeds: [[Data]]
    private let baseState: CoordinationState

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        seeds = Self.seedCommands.map(WireCodec.encode)
        var state = CoordinationState(topology: Self.topology)
        // Some history, so workflow checks have records to find.
        for (sender, envelope) in Self.history { _ = try? state.admit(envelope, from: sender, at: 1_790_000_000_000) }
        baseState = state
    }

    /// Runs `count` inputs; `progress` is called every 100,000.
    public mutating func run(inputs count: Int, progress: (Report) -> Void = { _ in }) -> Report {
        var report = Report()
        let start = ContinuousClock.now
        for index in 0..<count {
            let frames = mutated()
            exercise(frames, &report)
            report.inputs += 1
            if (index + 1) % 100_000 == 0 {
                report.elapsed = .now - start
                progress(report)
            }
        }
        report.elapsed = .now - start
        return report
    }

    private func exercise(_ frames: [Data], _ report: inout Report) {
        let command: Command
        do {
            command = try WireCodec.decode(frames)
        } catch {
            report.errors[error.code.name, default: 0] += 1
            return
        }
        report.decoded += 1
        // What the hub sends back must encode again without trouble.
        _ = WireCodec.encode(command)
        guard case .submit(let envelope) = command else { return }
        report.submits += 1
        guard (try? EnvelopeValidator.validate(envelope)) != nil else { return }
        report.validated += 1
        var state = baseState
        for sender in ["huli", "xm-dongdu", "fuzhou-customs", "commerce-bureau"] {
            if (try? state.admit(envelope, from: sender, at: 1_790_000_100_000)) != nil {
                report.admitted += 1
                _ = state.fold(envelope)
            }
        }
    }

    // MARK: Mutation

    private mutating func mutated() -> [Data] {
        var frames = seeds[Int(random.next(below: UInt64(seeds.count)))]
        for _ in 0...random.next(below: 6) {
            mutate(&frames)
        }
        return frames
    }

    private static let interesting: [UInt8] = [
        0x00, 0x01, 0x02, 0x07, 0x08, 0x0A, 0x10, 0x12, 0x1A, 0x22, 0x7F, 0x80, 0xFE, 0xFF,
    ]

    // swiftlint:disable:next cyclomatic_complexity
    private mutating func mutate(_ frames: inout [Data]) {
        if frames.isEmpty { frames = [Data()] }
        // Mostly the body frames: a mangled signature or command byte stops at the first checks.
        let f =
            frames.count > 2 && random.next(below: 10) > 1
            ? 2 + Int(random.next(below: UInt64(frames.count - 2))) : Int(random.next(below: UInt64(frames.count)))
        var frame = [UInt8](frames[f])
        switch random.next(below: 12) {
        case 0 where !frame.isEmpty:
            let i = Int(random.next(below: UInt64(frame.count)))
            frame[i] ^= 1 << UInt8(random.next(below: 8))
        case 1 where !frame.isEmpty:
            frame[Int(random.next(below: UInt64(frame.count)))] =
                Self.interesting[Int(random.next(below: UInt64(Self.interesting.count)))]
        case 2:
            let at = Int(random.next(below: UInt64(frame.count + 1)))
            frame.insert(
                contentsOf: (0..<random.next(below: 16) + 1).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                at: at)
        case 3 where !frame.isEmpty:
            let at = Int(random.next(below: UInt64(frame.count)))
            frame.removeSubrange(at..<min(frame.count, at + Int(random.next(below: 16)) + 1))
        case 4 where !frame.isEmpty:
            let at = Int(random.next(below: UInt64(frame.count)))
            let end = min(frame.count, at + Int(random.next(below: 32)) + 1)
            frame.insert(contentsOf: frame[at..<end], at: Int(random.next(below: UInt64(frame.count + 1))))
        case 5:
            frame = Array(frame.prefix(Int(random.next(below: UInt64(frame.count + 1)))))
        case 6:
            frames.insert(
                Data((0..<random.next(below: 24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
                at: Int(random.next(below: UInt64(frames.count + 1))))
            return
        case 7 where frames.count > 1:
            frames.remove(at: f)
            return
        case 8 where frames.count > 1:
            frames.swapAt(f, Int(random.next(below: UInt64(frames.count))))
            return
        case 9:
            // Splice a frame from another seed.
            let other = seeds[Int(random.next(below: UInt64(seeds.count)))]
            frame = [UInt8](other[Int(random.next(below: UInt64(other.count)))])
        case 10 where frame.count >= 2:
            // A huge length prefix inside the protobuf body.
            let at = Int(random.next(below: UInt64(frame.count - 1)))
            frame.replaceSubrange(at..<at + 1, with: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        default:
            frame.append(UInt8(truncatingIfNeeded: random.next()))
        }
        frames[f] = Data(frame)
    }
}

/// A small fast generator (Steele, Lea, Flood: SplitMix64), seedable, so runs are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next(below bound: UInt64) -> UInt64 { bound == 0 ? 0 : next() % bound }
}
