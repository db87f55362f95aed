import FaultHarness
import Foundation
import Testing

@Suite("Faults", .serialized)
struct FaultTests {
    @Test(
        """
        crash drill, short form: the hub killed -9 under load four times, a node process killed mid-handler; nothing \
        lost or duplicated
        """
    )
    func crashDrill() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aeohub-drill-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = CrashDrill.Options(folder: folder, binary: try #require(AEOHubProcess.locate()))
        options.cycles = 4
        options.nodes = 10
        options.listeners = 1
        options.uptime = 300...900
        let outcome = try await CrashDrill(options: options, say: { _ in }).run()
        #expect(outcome.cycles == 4)
        #expect(outcome.listenerKills == 2)
        #expect(outcome.accepted >= 4 * options.progressPerCycle, "\(outcome)")
        #expect(outcome.lost == 0, "\(outcome)")
        #expect(outcome.duplicates == 0, "\(outcome)")
        #expect(outcome.outOfOrder == 0, "\(outcome)")
        #expect(outcome.verifyFailures == 0, "\(outcome)")
        #expect(outcome.passed, "\(outcome)")
    }
}
