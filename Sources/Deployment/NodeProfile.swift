import Foundation
import Yams

/// The small file that tells the operators' commands who they are:
///
/// ```yaml
/// topology: /etc/aeohub/topology.yaml
/// node: huli
/// key: /etc/aeohub/keys/huli.secret
/// ```
///
/// Relative paths are read against the file's folder.
public struct NodeProfile: Sendable, Hashable {
    public var topology: String?
    public var node: String?
    public var key: String?

    public static func load(path: String) throws -> NodeProfile {
        let root = try composeYAML(path: path)
        guard let mapping = root.mapping else {
            throw ConfigurationError(file: path, line: 1, reason: "write a mapping with topology, node and key")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolved(_ value: String?) -> String? {
            guard let value else { return nil }
            return value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path
        }
        for (key, _) in mapping where !["topology", "node", "key"].contains(key.string ?? "") {
            throw ConfigurationError(
                file: path, line: (key.mark?.line ?? 0),
                reason: "'\(key.string ?? "?")' is not a setting; use topology, node and key")
        }
        return NodeProfile(
            topology: resolved(root["topology"]?.string), node: root["node"]?.string, key: resolved(root["key"]?.string)
        )
    }
}
