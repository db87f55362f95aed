import ChildProcesses
import Coordination
import Deployment
import Foundation
import Hub
import Reports
import Testing

@Suite("The topology file")
struct ConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("topology-\(UUID().uuidString).yaml")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Deploy/provision.sh fills every key of the Xiamen topology, which then loads")
    func provisionXiamen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("provision-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = try #require(AEOHubProcess.locate())
        let provisioned = try AEOHubProcess.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            [
                Self.repository.appendingPathComponent("Deploy/provision.sh").path,
                Self.repository.appendingPathComponent("Deploy/xiamen-topology.yaml").path,
                folder.appendingPathComponent("keys").path, folder.appendingPathComponent("topology.yaml").path,
                binary.path,
            ])
        #expect(provisioned.status == 0, "\(provisioned.output)")
        let file = try TopologyFile.load(path: folder.appendingPathComponent("topology.yaml").path)
        // The shipped file and the demo's embedded network are the same units.
        #expect(file.topology.units == Dictionary(uniqueKeysWithValues: XiamenNetwork.units.map { ($0.id, $0) }))
        #expect(file.topology.ids(of: .department).count == 19)
        #expect(file.unitKeys.count == XiamenNetwork.units.count)
        #expect(file.topology.responsibleCustoms(forArea: "350206") == "xm-dongdu")
        #expect(file.topology.authorisation[.reviewDue] == [.customs])
        let secret = try #require(try KeyFiles.readKey(folder.appendingPathComponent("keys/hub.secret").path))
        let configuration = try file.hubConfiguration(secretKey: secret)
        #expect(configuration.nodeKeys.count == XiamenNetwork.units.count)
    }

    @Test("the Xiamen network is written once: Deploy/xiamen-topology.yaml is what `aeohub topology template` writes")
    func xiamenWrittenOnce() throws {
        let shipped = try String(
            contentsOf: Self.repository.appendingPathComponent("Deploy/xiamen-topology.yaml"), encoding: .utf8)
        let binary = try #require(AEOHubProcess.locate())
        let written = try AEOHubProcess.runProcess(binary, ["topology", "template"])
        #expect(written.status == 0, "\(written.output)")
        #expect(written.output == shipped, "regenerate it: aeohub topology template > Deploy/xiamen-topology.yaml")
        #expect(XiamenNetwork.units.count == 35)
        #expect(XiamenNetwork.units.first { $0.id == XiamenNetwork.coordinator }?.role == .coordinator)
        #expect(XiamenNetwork.units.first { $0.id == XiamenNetwork.fuzhou }?.role == .partner)
    }

    @Test(
        "bad configuration is refused with the file, line and reason",
        arguments: [
            ("hub:\n  bind: x\n", 2, "hub.endpoint is required"),
            (
                "hub:\n  bind: tcp://*:1\n  endpoint: tcp://h:1\n  public_key: \"short\"\n  log: l\nunits: []\n", 4,
                "public_key"
            ),
            ("hub: [1\n", 2, "not valid YAML"),
            (Self.hub + "  store: postgresql://aeohub:secret@db1/aeohub\nunits: []\n", 5, "must not hold a password"),
            (Self.hub + "  store: postgresql://aeohub@db1/aeohub\n  log: l\nunits: []\n", 5, "not both"),
            (Self.hub + "  store: mysql://aeohub@db1/aeohub\nunits: []\n", 5, "hub.store: "),
            (Self.hub + "units: []\n", 2, "hub.store (sqlite:///PATH or postgresql://USER@HOST/DATABASE) or hub.log"),
        ])
    func refused(text: String, line: Int, reason: String) throws {
        let path = try write(text)
        let error = try #require(throws: ConfigurationError.self) { _ = try TopologyFile.load(path: path) }
        #expect(error.file == path)
        #expect(error.line == line, "\(error)")
        #expect(error.description.contains(reason), "\(error)")
    }

    static let hub =
        "hub:\n  bind: tcp://*:1\n  endpoint: tcp://h:1\n  public_key: \"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"\n"

    @Test("hub.endpoint: one text is one hub, a list the two hubs of a pair; an endpoint listed twice is refused")
    func endpoints() throws {
        let key = "  public_key: \"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"\n  log: l\n"
        let units = "units:\n  - id: co\n    role: coordinator\n"
        let one = try TopologyFile.load(
            path: try write("hub:\n  bind: tcp://*:1\n  endpoint: tcp://h:1\n" + key + units))
        #expect(one.endpoints == ["tcp://h:1"] && one.endpoint == "tcp://h:1")
        let pair = try TopologyFile.load(
            path: try write("hub:\n  bind: tcp://*:1\n  endpoint: [tcp://h1:1, tcp://h2:1]\n" + key + units))
        #expect(pair.endpoints == ["tcp://h1:1", "tcp://h2:1"] && pair.endpoint == "tcp://h1:1")
        let twice = try #require(throws: ConfigurationError.self) {
            _ = try TopologyFile.load(
                path: try write("hub:\n  bind: tcp://*:1\n  endpoint: [tcp://h1:1, tcp://h1:1]\n" + key + units))
        }
        #expect(twice.line == 3 && twice.reason.contains("once"), "\(twice)")
    }

    @Test("a unit's unknown role and a district without its customs office are named by line")
    func unitErrors() throws {
        let header =
            "hub:\n  bind: tcp://*:1\n  endpoint: tcp://h:1\n  public_key: "
            + "\"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"\n  log: l\nunits:\n"
        let role = try #require(throws: ConfigurationError.self) {
            _ = try TopologyFile.load(path: try write(header + "  - id: huli\n    role: mayor\n"))
        }
        #expect(role.line == 8)
        #expect(role.reason.contains("'mayor' is not a role"))
        let district = try #require(throws: ConfigurationError.self) {
            _ = try TopologyFile.load(
                path: try write(header + "  - id: huli\n    role: district\n    area: \"350206\"\n"))
        }
        #expect(district.reason.contains("needs customs:"))
    }
}
