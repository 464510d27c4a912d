/// One PCRE2 character set (`[...]`, `\d`, `.`) as a membership test, approximating PCRE2's Unicode (UCP) rules for
/// characters beyond ASCII; users that need certainty (witness aliases, generated samples) verify with PCRE2 itself.
public struct RegexCharacterSet: Sendable, Hashable {
    public enum Shorthand: Sendable, Hashable {
        case digit, word, space, horizontalSpace, verticalSpace
    }

    public enum Posix: String, Sendable, Hashable {
        case alpha, digit, alnum, upper, lower, space, blank, punct, xdigit, word, cntrl, graph, print, ascii
    }

    public enum Item: Sendable, Hashable {
        case range(UInt32, UInt32)
        case shorthand(Shorthand, negated: Bool)
        case posix(Posix, negated: Bool)
    }

    public var items: [Item] = []
    public var negated = false
    /// Written as `.` (or `\N`): any character but a newline. Kept so that findings can say "an unescaped dot".
    public var isDot = false
    /// Matched case-sensitively: parsed under an inline `(?-i)` or `(?^)`.
    public var caseSensitive = false

    public init(items: [Item] = [], negated: Bool = false) {
        self.items = items
        self.negated = negated
    }

    /// `.`: every character but a line feed (PCRE2 without dotall, newline LF).
    public static var dot: RegexCharacterSet {
        var set = RegexCharacterSet(items: [.range(0x0A, 0x0A)], negated: true)
        set.isDot = true
        return set
    }

    /// Every character (the tail of a prefix pattern, the head of a suffix one).
    public static let anything = RegexCharacterSet(items: [], negated: true)

    /// Whether the set matches `scalar` caselessly, as dial-plan regexes are compiled.
    public func contains(_ scalar: Unicode.Scalar) -> Bool {
        let variants = caseSensitive ? [scalar] : RegexCharacterSet.caseVariants(of: scalar)
        let hit = items.contains { item in
            // Under UCP, [:upper:] and [:lower:] are Unicode properties, which caseless matching does not fold.
            if case .posix(let kind, _) = item, kind == .upper || kind == .lower { return RegexCharacterSet.item(item, contains: scalar) }
            return variants.contains { RegexCharacterSet.item(item, contains: $0) }
        }
        return hit != negated
    }

    public static func item(_ item: Item, contains scalar: Unicode.Scalar) -> Bool {
        switch item {
        case .range(let low, let high): return scalar.value >= low && scalar.value <= high
        case .shorthand(let kind, let negated): return shorthand(kind, contains: scalar) != negated
        case .posix(let kind, let negated): return posix(kind, contains: scalar) != negated
        }
    }

    public static func shorthand(_ kind: Shorthand, contains scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch kind {
        case .digit:
            return properties.generalCategory == .decimalNumber
        case .word:
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
                .letterNumber, .otherNumber, .nonspacingMark, .connectorPunctuation:
                return true
            default:
                return false
            }
        case .space:
            return properties.isWhitespace
        case .horizontalSpace:
            return [0x09, 0x20, 0xA0, 0x1680, 0x180E, 0x202F, 0x205F, 0x3000].contains(scalar.value)
                || (0x2000...0x200A).contains(scalar.value)
        case .verticalSpace:
            return (0x0A...0x0D).contains(scalar.value) || [0x85, 0x2028, 0x2029].contains(scalar.value)
        }
    }

    public static func posix(_ kind: Posix, contains scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let properties = scalar.properties
        switch kind {
        case .alpha: return properties.isAlphabetic
        case .digit: return properties.generalCategory == .decimalNumber
        case .alnum: return properties.isAlphabetic || properties.generalCategory == .decimalNumber
        case .upper: return properties.isUppercase
        case .lower: return properties.isLowercase
        case .space: return properties.isWhitespace
        case .blank: return shorthand(.horizontalSpace, contains: scalar)
        case .punct: return value < 0x80 && value > 0x20 && value < 0x7F && !properties.isAlphabetic
            && properties.generalCategory != .decimalNumber
        case .xdigit: return (0x30...0x39).contains(value) || (0x41...0x46).contains(value) || (0x61...0x66).contains(value)
        case .word: return shorthand(.word, contains: scalar)
        case .cntrl: return properties.generalCategory == .control
        case .graph: return value > 0x20 && properties.generalCategory != .control && !properties.isWhitespace
        case .print: return value >= 0x20 && properties.generalCategory != .control
        case .ascii: return value < 0x80
        }
    }

    /// The scalar and every character caseless matching takes for it: its simple case mappings and the other
    /// members of its case-folding set (k, K and the Kelvin sign K; s, S and long s ſ; ß and ẞ; µ, μ and Μ).
    public static func caseVariants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        caseSets[scalar.value] ?? [scalar]
    }

    /// The case-folding key of a character: the lower case of its upper case (single characters only).
    private static func caseKey(_ scalar: Unicode.Scalar) -> UInt32 {
        func single(_ mapping: String) -> Unicode.Scalar? {
            let scalars = mapping.unicodeScalars
            return scalars.count == 1 ? scalars.first : nil
        }
        let upper = single(scalar.properties.uppercaseMapping) ?? scalar
        return (single(upper.properties.lowercaseMapping) ?? single(scalar.properties.lowercaseMapping) ?? scalar).value
    }

    /// The case-folding set of every character that case mapping changes, by member; computed once (a pass over the
    /// code points that reads one property each, then the mappings of the few thousand cased ones), so that a lookup
    /// makes no string.
    private static let caseSets: [UInt32: [Unicode.Scalar]] = {
        var sets: [UInt32: [Unicode.Scalar]] = [:]
        for value in UInt32(0)...0x10FFFF {
            // Dotless ı and dotted İ map to I and i, but PCRE2's caseless sets keep each on its own.
            guard value != 0x130, value != 0x131, let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else { continue }
            sets[caseKey(scalar), default: []].append(scalar)
        }
        for (key, members) in sets where !members.contains(where: { $0.value == key }) {
            if let scalar = Unicode.Scalar(key) { sets[key] = [scalar] + members }
        }
        var byMember: [UInt32: [Unicode.Scalar]] = [:]
        for members in sets.values {
            for member in members { byMember[member.value] = members }
        }
        return byMember
    }()

    /// `\x{…}` for a code point (always escaped, so that no character is read as syntax).
    static func escaped(_ value: UInt32) -> String {
        "\\x{" + String(value, radix: 16) + "}"
    }

    /// The set as a PCRE2 character class of one character.
    public var pcre2Pattern: String {
        caseSensitive ? "(?-i:" + caselessPattern + ")" : caselessPattern
    }

    private var caselessPattern: String {
        if isDot { return "." }
        var body = negated ? "[^" : "["
        for item in items {
            switch item {
            case .range(let low, let high):
                body += low == high ? RegexCharacterSet.escaped(low) : RegexCharacterSet.escaped(low) + "-" + RegexCharacterSet.escaped(high)
            case .shorthand(let kind, let negated):
                let letter: String
                switch kind {
                case .digit: letter = "d"
                case .word: letter = "w"
                case .space: letter = "s"
                case .horizontalSpace: letter = "h"
                case .verticalSpace: letter = "v"
                }
                body += "\\" + (negated ? letter.uppercased() : letter)
            case .posix(let kind, let negated):
                body += "[:" + (negated ? "^" : "") + kind.rawValue + ":]"
            }
        }
        // An empty class: `[^]` is not PCRE2 syntax; nothing, or anything.
        if items.isEmpty { return negated ? "(?s:.)" : "(?!)" }
        return body + "]"
    }
}
