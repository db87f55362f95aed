/// Units' display names in one language. The topology names units "English 中文" (for example
/// "Huli District 湖里区"): Chinese readers see the Chinese part, English readers the English part.
public enum UnitNames {
    /// The part of `name` in `language`, or the whole name when it has no such part.
    public static func display(_ name: String, _ language: Language) -> String {
        guard let first = name.firstIndex(where: isCJK) else { return name }
        let english = name[..<first].trimmingCharacters(in: .whitespaces)
        let chinese = name[first...].trimmingCharacters(in: .whitespaces)
        switch language {
        case .zh: return chinese.isEmpty ? name : chinese
        case .en: return english.isEmpty ? name : english
        }
    }

    private static func isCJK(_ character: Character) -> Bool {
        character.unicodeScalars.contains {
            (0x3400...0x9FFF).contains($0.value) || (0xF900...0xFAFF).contains($0.value)
        }
    }
}
