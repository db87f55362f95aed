import Foundation
import Reports

/// One dashboard page: figures at a glance, what needs attention, and tables (the CLI's listings).
/// Rendered as HTML for people and as JSON (its twin) for scripts.
public struct Page: Sendable {
    /// A figure at a glance; `alert` when it needs attention.
    public struct Figure: Sendable {
        public let key: String
        public let label: String
        public let value: Int
        public let alert: Bool
    }

    /// A headed table.
    public struct Section: Sendable {
        public let key: String
        public let heading: String
        public let table: Table
    }

    /// The page's path without the leading slash ("" for the overview).
    public let path: String
    public let title: String
    public var figures: [Figure] = []
    /// Sentences about what needs attention now.
    public var attention: [String] = []
    public var sections: [Section] = []
    /// The log's sequence the views include.
    public var asOfSequence: UInt64 = 0

    /// The JSON twin: the figures by key, the attention list, and each section's rows as the CLI's
    /// `--json` prints them (the schemas in `Protocols/json/` describe them).
    public func json() throws -> String {
        try JSONValue.object([
            "page": .string(path.isEmpty ? "overview" : path),
            "as_of_sequence": .int(Int64(asOfSequence)),
            "figures": .object(
                Dictionary(uniqueKeysWithValues: figures.map { ($0.key, JSONValue.int(Int64($0.value))) })),
            "attention": .array(attention.map(JSONValue.string)),
            "sections": .object(
                Dictionary(
                    uniqueKeysWithValues: sections.map { section in
                        (
                            section.key,
                            JSONValue.array(
                                section.table.rows.map { row in
                                    .object(Dictionary(uniqueKeysWithValues: zip(section.table.keys, row.map(\.json))))
                                })
                        )
                    })),
        ]).text()
    }

    /// The values the HTML template renders.
    func context(language: Language, refreshSeconds: Int, navigation: [[String: Any]]) -> [String: Any] {
        [
            "lang": language == .zh ? "zh-CN" : "en", "title": title, "refresh": refreshSeconds,
            "navigation": navigation, "asOf": asOfSequence,
            "switchLabel": language == .zh ? "English" : "中文", "switchLang": language == .zh ? "en" : "zh",
            "path": path, "json": "/\(path.isEmpty ? "overview" : path).json",
            "hasFigures": !figures.isEmpty,
            "figures": figures.map { ["label": $0.label, "value": $0.value, "alert": $0.alert, "key": $0.key] },
            "hasAttention": !attention.isEmpty, "attention": attention.map { ["text": $0] },
            "attentionTitle": language.pick("需要关注 Needs attention", "Needs attention"),
            "emptyText": language.pick("（无）", "(none)"),
            "sections": sections.map { section in
                [
                    "key": section.key, "heading": section.heading,
                    "columns": section.table.columns.map { ["name": $0] },
                    "empty": section.table.rows.isEmpty,
                    "rows": section.table.rows.map { row in
                        ["cells": zip(section.table.keys, row).map { key, cell in ["text": cell.text, "key": key] }]
                    },
                ] as [String: Any]
            },
        ]
    }
}
