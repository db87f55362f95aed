import Coordination
import EventLog
import Foundation
import Hub
import HubProtocol
import Yams
import ZeroMQ

/// A configuration error with the file, line and reason.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Reads a YAML configuration file into its node tree; every problem names the file and line.
func composeYAML(path: String) throws -> Node {
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw ConfigurationError(file: path, line: 0, reason: "cannot read the file: \(error.localizedDescription)")
    }
    return try composeYAML(text: text, file: path)
}

func composeYAML(text: String, file: String) throws -> Node {
    do {
        guard let node = try Yams.compose(yaml: text) else {
            throw ConfigurationError(file: file, line: 1, reason: "the file is empty")
        }
        return node
    } catch let error as YamlError {
        throw ConfigurationError(file: file, line: TopologyFile.line(of: error), reason: "not valid YAML: \(error)")
    }
}

/// The topology file (`Deploy/xiamen-topology.yaml`): the hub's endpoint and keys, the units with
/// role and public key, the district-to-customs mapping and the authorisation table.
public struct TopologyFile: Sendable {
    /// Where the hub binds.
    public var bind: String
    /// What nodes connect to: the first of ``endpoints``.
    public var endpoint: String { endpoints[0] }
    /// What nodes connect to, in order: one hub, or the two hubs of a pair (SPEC.md 13), which nodes
    /// fail over between. `hub.endpoint` is one text or a list.
    public var endpoints: [String]
    public var hubPublicKey: CurveKey
    /// The hub's secret key file (resolved against the topology file's folder).
    public var hubSecretKeyFile: String?
    /// The SQLite log's file (`log: PATH`, or `store: sqlite:///PATH`); empty for a log on PostgreSQL.
    public var logPath: String
    /// Where the log lives: `store: URL` (SQLite or PostgreSQL), or `log: PATH` (SQLite).
    public var store: StoreLocation
    public var creditWindow: Int
    /// Each node's allowance of submits, replays and session openings; `nil` for no limit.
    public var rateLimit: RateLimit?
    public var topology: Topology
    /// Each unit's public key, where one is given.
    public var unitKeys: [String: CurveKey]

    /// Reads and checks the file; every problem is reported with its line.
    public static func load(path: String) throws -> TopologyFile {
        let root = try composeYAML(path: path)
        return try Reader(file: path, folder: URL(fileURLWithPath: path).deletingLastPathComponent()).read(root)
    }

    /// The units of a topology file's text (its `units:` list, checked as ``load(path:)`` checks it);
    /// the hub's section may still hold placeholders. `file` names the text in errors.
    public static func units(yaml text: String, file: String) throws -> [Coordination.Unit] {
        let root = try composeYAML(text: text, file: file)
        return try Reader(file: file, folder: URL(fileURLWithPath: "/")).units(root).units
    }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 0
        }
    }

    /// The hub configuration this file describes, with the hub's secret key read from its file.
    public func hubConfiguration(secretKey: CurveKey? = nil) throws -> HubConfiguration {
        let secret: CurveKey
        if let secretKey {
            secret = secretKey
        } else {
            guard let file = hubSecretKeyFile else {
                throw ConfigurationError(
                    file: "topology", line: 0, reason: "hub.secret_key_file is required to run the hub")
            }
            secret = try KeyFiles.readSecretKey(file)
        }
        let pair = try CurveKeyPair(secretKey: secret)
        guard pair.publicKey == hubPublicKey else {
            throw ConfigurationError(
                file: hubSecretKeyFile ?? "", line: 0, reason: "this secret key does not belong to hub.public_key")
        }
        var configuration = HubConfiguration(
            endpoint: bind, keyPair: pair, logPath: logPath, topology: topology,
            nodeKeys: Dictionary(unitKeys.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        )
        configuration.creditWindow = creditWindow
        configuration.rateLimit = rateLimit
        configuration.store = store
        return configuration
    }
}

private struct Reader {
    let file: String
    let folder: URL

    func fail(_ node: Node?, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node?.mark?.line ?? 0, reason: reason)
    }

    func string(_ node: Node?, _ name: String, in parent: Node) throws -> String {
        guard let node else { throw fail(parent, "\(name) is required") }
        guard let value = node.string, !value.isEmpty else { throw fail(node, "\(name) must be a non-empty text") }
        return value
    }

    func path(_ value: String) -> String {
        value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path
    }

    func key(_ node: Node?, _ name: String, in parent: Node) throws -> CurveKey? {
        guard let node else { return nil }
        // An empty value or a "<... public key>" placeholder (Z85 keys never contain spaces) means
        // no key yet.
        guard let text = node.string, !text.isEmpty, !(text.hasPrefix("<") && text.contains(" ")) else { return nil }
        do {
            return try CurveKey(z85: text)
        } catch {
            throw fail(node, "\(name): \(error)")
        }
    }

    /// `store: URL` or `log: PATH`, exactly one; a relative SQLite path is the topology folder's.
    func storeLocation(_ hub: Node) throws -> StoreLocation {
        switch (hub["store"], hub["log"]) {
        case (nil, nil):
            throw fail(hub, "hub.store (sqlite:///PATH or postgresql://USER@HOST/DATABASE) or hub.log is required")
        case (let store?, _?):
            throw fail(store, "give hub.store or hub.log, not both")
        case (nil, _?):
            return .sqlite(path: path(try string(hub["log"], "hub.log", in: hub)))
        case (let node?, nil):
            let text = try string(node, "hub.store", in: hub)
            do {
                let location = try StoreLocation(url: text)
                if case .sqlite(let file) = location { return .sqlite(path: path(file)) }
                return location
            } catch {
                throw fail(node, "hub.store: \(error)")
            }
        }
    }

    /// The `units:` list: ids, roles, names, areas, customs offices and public keys, each checked.
    func units(_ root: Node) throws -> (units: [Coordination.Unit], keys: [String: CurveKey]) {
        guard let unitNodes = root["units"]?.sequence, !unitNodes.isEmpty else {
            throw fail(root["units"] ?? root, "units: is required, a list of the network's units")
        }
        var units: [Coordination.Unit] = []
        var keys: [String: CurveKey] = [:]
        var owners: [CurveKey: String] = [:]
        for node in unitNodes {
            let id = try string(node["id"], "id", in: node)
            guard Identifier.isNodeID(id) else {
                throw fail(node["id"], "'\(id)' is not a node id: 2 to 64 of a-z 0-9 and '-'")
            }
            guard !units.contains(where: { $0.id == id }) else { throw fail(node["id"], "unit \(id) is listed twice") }
            let roleText = try string(node["role"], "role of \(id)", in: node)
            guard let role = Role(rawValue: roleText) else {
                throw fail(
                    node["role"],
                    "'\(roleText)' is not a role; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let name = node["name"]?.string ?? id
            let area = node["area"]?.string
            let customs = node["customs"]?.string
            var measures: [Int] = []
            if let list = node["measures"] {
                let numbers = list.sequence?.compactMap(\.int) ?? []
                guard numbers.count == list.sequence?.count, numbers.allSatisfy({ (1...21).contains($0) }) else {
                    throw fail(list, "measures of \(id): give the measures' numbers, 1 to 21, e.g. [5, 17]")
                }
                measures = numbers
            }
            if role == .district || role == .zone {
                guard area != nil else {
                    throw fail(
                        node,
                        "\(id) is a \(role.rawValue) and needs area: (a district code such as 350206, or a zone id)")
                }
                guard customs != nil else {
                    throw fail(node, "\(id) is a \(role.rawValue) and needs customs: (its responsible customs office)")
                }
            }
            if let key = try key(node["public_key"], "public_key of \(id)", in: node) {
                if let other = owners[key] {
                    throw fail(node["public_key"], "\(id) has the same public key as \(other)")
                }
                owners[key] = id
                keys[id] = key
            }
            units.append(
                Coordination.Unit(
                    id: id, role: role, name: name, area: area, customsOffice: customs, measures: measures))
        }
        for (unit, node) in zip(units, unitNodes) {
            if let office = unit.customsOffice, units.first(where: { $0.id == office })?.role != .customs {
                throw fail(
                    node["customs"], "\(unit.id)'s customs office '\(office)' is not a customs unit of this file")
            }
        }
        guard units.contains(where: { $0.role == .coordinator }) else {
            throw fail(root["units"], "the network needs a coordinator unit")
        }
        return (units, keys)
    }

    func read(_ root: Node) throws -> TopologyFile {
        guard root.mapping != nil else {
            throw fail(root, "the top level must be a mapping with hub, units and authorisation")
        }
        guard let hub = root["hub"], hub.mapping != nil else {
            throw fail(root, "hub: is required (bind, endpoint, public_key, store or log)")
        }
        let bind = try string(hub["bind"], "hub.bind", in: hub)
        let endpoints: [String]
        if let list = hub["endpoint"]?.sequence {
            endpoints = try list.map { try string($0, "each of hub.endpoint", in: hub) }
            guard !endpoints.isEmpty, Set(endpoints).count == endpoints.count else {
                throw fail(hub["endpoint"], "hub.endpoint: list each hub's endpoint once (one, or the two of a pair)")
            }
        } else {
            endpoints = [try string(hub["endpoint"], "hub.endpoint", in: hub)]
        }
        guard let hubKey = try key(hub["public_key"], "hub.public_key", in: hub) else {
            throw fail(hub["public_key"] ?? hub, "hub.public_key is required (run Deploy/provision.sh to fill it in)")
        }
        let secretFile = hub["secret_key_file"]?.string.map(path)
        let store = try storeLocation(hub)
        var log = ""
        if case .sqlite(let file) = store { log = file }
        var window = 64
        if let node = hub["credit_window"] {
            guard let value = node.int, (1...10_000).contains(value) else {
                throw fail(node, "hub.credit_window must be a whole number from 1 to 10000")
            }
            window = value
        }
        var rateLimit: RateLimit? = .standard
        if let node = hub["rate_limit"] {
            if let text = node.string, ["off", "false", "none"].contains(text.lowercased()) {
                rateLimit = nil
            } else {
                guard node.mapping != nil, let perSecond = node["per_second"]?.float, let burst = node["burst"]?.float,
                    perSecond > 0, burst >= 1
                else {
                    throw fail(node, "hub.rate_limit is 'off' or a mapping with per_second (> 0) and burst (>= 1)")
                }
                let bytesPerSecond = node["bytes_per_second"]?.float ?? RateLimit.standardBytesPerSecond
                let byteBurst = node["byte_burst"]?.float ?? RateLimit.standardByteBurst
                guard bytesPerSecond > 0, byteBurst >= Double(ProtocolLimits.maxMessageBytes) else {
                    throw fail(
                        node,
                        "hub.rate_limit's bytes_per_second must be > 0 and byte_burst at least "
                            + "\(ProtocolLimits.maxMessageBytes) (one message of the largest size)")
                }
                rateLimit = RateLimit(
                    perSecond: perSecond, burst: burst, bytesPerSecond: bytesPerSecond, byteBurst: byteBurst)
            }
        }
        let partnerArea = root["partner_area"]?.string ?? "3500"
        let homeArea = root["home_area"]?.string ?? "3700"
        var serviceDays = 20
        if let node = root["request_service_days"] {
            guard let value = node.int, (1...365).contains(value) else {
                throw fail(node, "request_service_days must be a whole number of days from 1 to 365")
            }
            serviceDays = value
        }
        var confirmationDays = 5
        if let node = root["confirmation_working_days"] {
            guard let value = node.int, (1...60).contains(value) else {
                throw fail(node, "confirmation_working_days must be a whole number of working days from 1 to 60")
            }
            confirmationDays = value
        }

        let (units, keys) = try units(root)

        var authorisation = Topology.defaultAuthorisation
        if let table = root["authorisation"] {
            guard let mapping = table.mapping else {
                throw fail(table, "authorisation: must map message types to lists of roles")
            }
            for (typeNode, rolesNode) in mapping {
                guard let typeName = typeNode.string, let type = MessageType(rawValue: typeName) else {
                    throw fail(
                        typeNode, "'\(typeNode.string ?? "")' is not a message type (see Protocols/SPEC.md section 5)")
                }
                guard let list = rolesNode.sequence else {
                    throw fail(rolesNode, "\(typeName): give a list of roles, e.g. [customs]")
                }
                var roles: Set<Role> = []
                for item in list {
                    guard let role = item.string.flatMap(Role.init(rawValue:)) else {
                        throw fail(
                            item,
                            "'\(item.string ?? "")' is not a role; use one of "
                                + "\(Role.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    roles.insert(role)
                }
                if type == .nodePresence, !roles.isEmpty {
                    throw fail(rolesNode, "node_presence is written by the hub only")
                }
                authorisation[type] = roles
            }
        }
        return TopologyFile(
            bind: bind, endpoints: endpoints, hubPublicKey: hubKey, hubSecretKeyFile: secretFile, logPath: log,
            store: store, creditWindow: window, rateLimit: rateLimit,
            topology: Topology(
                units: units, authorisation: authorisation, partnerArea: partnerArea, homeArea: homeArea,
                requestServiceDays: serviceDays, confirmationWorkingDays: confirmationDays),
            unitKeys: keys)
    }
}
