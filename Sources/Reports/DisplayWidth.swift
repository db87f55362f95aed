// How many terminal columns text takes: a Chinese character takes two, a combining mark none.

/// The width of text in a terminal's columns, after Unicode's East Asian Width (UAX #11): Wide
/// and Fullwidth characters (CJK ideographs, kana, Hangul, fullwidth forms, ...) take 2 columns,
/// combining marks and zero-width characters 0, everything else 1.
public enum DisplayWidth {
    /// Scalars that take two columns: East Asian Wide (W) and Fullwidth (F), sorted.
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo, leading consonants
        0x2E80...0x2FDF,  // CJK Radicals Supplement, Kangxi Radicals
        0x2FF0...0x2FFF,  // Ideographic Description Characters
        0x3000...0x303E,  // CJK Symbols and Punctuation (U+303F, the half fill space, is narrow)
        0x3041...0x30FF,  // Hiragana, Katakana (their combining marks U+3099-309A count 0 first)
        0x3105...0x312F,  // Bopomofo
        0x3131...0x318F,  // Hangul Compatibility Jamo
        0x3190...0x31FF,  // Kanbun, Bopomofo Extended, CJK Strokes, Katakana Phonetic Extensions
        0x3200...0x321E,  // Enclosed CJK Letters and Months (parenthesised Hangul)
        0x3220...0x3247,  // Enclosed CJK: parenthesised ideographs and circled numbers
        0x3250...0x4DBF,  // Enclosed CJK, CJK Compatibility, CJK Unified Ideographs Extension A
        0x4E00...0x9FFF,  // CJK Unified Ideographs
        0xA000...0xA4CF,  // Yi Syllables and Radicals
        0xA960...0xA97F,  // Hangul Jamo Extended-A
        0xAC00...0xD7A3,  // Hangul Syllables
        0xF900...0xFAFF,  // CJK Compatibility Ideographs
        0xFE10...0xFE19,  // Vertical Forms
        0xFE30...0xFE6F,  // CJK Compatibility Forms, Small Form Variants
        0xFF00...0xFF60,  // Fullwidth ASCII variants and brackets
        0xFFE0...0xFFE6,  // Fullwidth signs (cent, pound, yen, ...)
        0x16FE0...0x16FFF,  // Ideographic Symbols and Punctuation
        0x17000...0x18CFF,  // Tangut, Khitan
        0x1AFF0...0x1B2FF,  // Kana Supplement and Extensions, Nushu
        0x1F200...0x1F2FF,  // Enclosed Ideographic Supplement
        0x20000...0x2FFFD,  // CJK Unified Ideographs Extensions B to F, Compatibility Supplement
        0x30000...0x3FFFD,  // CJK Unified Ideographs Extensions G and H
    ]

    /// Scalars that take no column although they are not marks: zero-width space, non-joiner and
    /// joiner, direction marks, word joiner and invisible operators, the byte order mark, and the
    /// Hangul Jamo vowels and finals that join the syllable before them.
    static let zero: [ClosedRange<UInt32>] = [
        0x1160...0x11FF, 0x200B...0x200F, 0x2060...0x2064, 0xD7B0...0xD7FF, 0xFEFF...0xFEFF,
    ]

    /// The columns one scalar takes: 0, 1 or 2.
    public static func of(scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return 1 }  // ASCII and Latin-1: the common case, no marks below U+0300
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return 0
        default: break
        }
        if zero.contains(where: { $0.contains(value) }) { return 0 }
        return wide.contains(where: { $0.contains(value) }) ? 2 : 1
    }

    /// The columns `text` takes: the sum over its scalars.
    public static func of(_ text: some StringProtocol) -> Int {
        // ASCII, most cells of a listing: a column per byte.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { $0 + of(scalar: $1) }
    }
}

extension StringProtocol {
    /// The columns this text takes in a terminal (``DisplayWidth``).
    public var displayWidth: Int { DisplayWidth.of(self) }

    /// This text followed by spaces up to `width` columns; as it is when it is already as wide.
    public func padded(toWidth width: Int) -> String {
        let missing = width - displayWidth
        return missing > 0 ? String(self) + String(repeating: " ", count: missing) : String(self)
    }
}
