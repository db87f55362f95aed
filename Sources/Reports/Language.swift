/// The language of what people read: Chinese (with English beside it in headings) or English.
/// JSON never changes with it.
public enum Language: String, Sendable, Hashable, CaseIterable {
    /// Chinese: headings "中文 English", words in Chinese.
    case zh
    /// English: the identifiers and English words.
    case en

    /// The language the locale asks for: Chinese when the first of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` that is set (and not empty) starts with `zh`; English otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return locale?.lowercased().hasPrefix("zh") == true ? .zh : .en
    }

    /// `zh` in Chinese, `en` in English.
    public func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }

    /// A word of a vocabulary keyed by its English identifier: the Chinese word in Chinese (the
    /// identifier when the vocabulary lacks it), the identifier in English.
    public func word(_ identifier: String, _ vocabulary: [String: String]) -> String {
        self == .zh ? vocabulary[identifier] ?? identifier : identifier
    }

    /// A heading: "中文 English" in Chinese (English alone when the vocabulary lacks it), the
    /// English in English.
    public func heading(_ english: String, _ vocabulary: [String: String] = Terms.columns) -> String {
        guard self == .zh, let chinese = vocabulary[english] else { return english }
        return "\(chinese) \(english)"
    }
}
