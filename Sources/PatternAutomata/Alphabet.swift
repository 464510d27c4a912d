/// The characters a set of patterns can tell apart, as classes: two characters are in one class when every literal
/// and every character set of every pattern treats them alike (caselessly, as dial-plan patterns match). An
/// automaton over the classes decides what the patterns decide over characters.
///
/// Aliases are made of printable characters: control characters (line breaks among them) are not in the alphabet, so
/// `.` and `[^@]` differ only by `@`, as they do for every alias that can be dialled. Every printable ASCII character
/// is examined; beyond ASCII, the characters the patterns name (literals, range ends and the
/// characters next to them, their other cases) and one or more of each Unicode category the shorthands tell apart
/// (letters of each case, other letters, digits, spaces, separators, marks, symbols…). A character beyond those is
/// assumed to behave like the examined one of its kind: exact for ASCII and for what the patterns write, an
/// approximation of PCRE2's Unicode tables otherwise, which is why witness aliases are checked with PCRE2 by callers.
struct Alphabet: Sendable {
    /// For each class, the character that stands for it in witness aliases: the most readable one.
    let representatives: [Unicode.Scalar]
    /// For each predicate (a literal or a set of the patterns, see `Predicate`), the classes it matches.
    private let matching: [Predicate: ClassSet]

    var count: Int { representatives.count }

    typealias Predicate = CharacterPredicate

    /// The classes for `trees`' literals and sets, each character's membership decided by `membership`.
    init(trees: [RegexTree], membership: some CharacterMembership) {
        var predicates: [Predicate] = []
        var seen: Set<Predicate> = []
        var candidates = Alphabet.fixedCandidates
        for tree in trees {
            for node in tree.nodes {
                let predicate: Predicate
                switch node {
                case .literal(let scalar):
                    predicate = .literal(scalar)
                    candidates.append(contentsOf: RegexCharacterSet.caseVariants(of: scalar))
                case .characterSet(let set):
                    predicate = .set(set)
                    for item in set.items {
                        guard case .range(let low, let high) = item else { continue }
                        for value in [low, high, low &- 1, high &+ 1] where value > 0x7F {
                            guard let scalar = Unicode.Scalar(value) else { continue }
                            candidates.append(scalar)
                            candidates.append(contentsOf: RegexCharacterSet.caseVariants(of: scalar))
                        }
                    }
                default:
                    continue
                }
                if seen.insert(predicate).inserted { predicates.append(predicate) }
            }
        }
        var unique: [Unicode.Scalar] = []
        var added: Set<Unicode.Scalar> = []
        for scalar in candidates where scalar.properties.generalCategory != .control && added.insert(scalar).inserted {
            unique.append(scalar)
        }

        // Group the candidates by which predicates they satisfy.
        var classBySignature: [[Bool]: Int] = [:]
        var representatives: [Unicode.Scalar] = []
        var classOfCandidate: [Int] = []
        for scalar in unique {
            let signature = predicates.map { membership.matches($0, scalar) }
            if let existing = classBySignature[signature] {
                classOfCandidate.append(existing)
                if Alphabet.readability(scalar) < Alphabet.readability(representatives[existing]) {
                    representatives[existing] = scalar
                }
            } else {
                classBySignature[signature] = representatives.count
                classOfCandidate.append(representatives.count)
                representatives.append(scalar)
            }
        }
        var matching: [Predicate: ClassSet] = [:]
        for (index, predicate) in predicates.enumerated() {
            var classes = ClassSet(count: representatives.count)
            for (signature, classIndex) in classBySignature where signature[index] { classes.insert(classIndex) }
            matching[predicate] = classes
        }
        self.representatives = representatives
        self.matching = matching
    }

    /// The classes `predicate` matches (it must be one of the patterns').
    func classes(of predicate: Predicate) -> ClassSet {
        matching[predicate] ?? ClassSet(count: count)
    }

    /// Every printable ASCII character, then representatives of the Unicode categories the shorthands and POSIX classes tell
    /// apart.
    static let fixedCandidates: [Unicode.Scalar] = {
        // Latin-1 whole: PCRE2 treats code points below 256 specially in places ([:punct:] takes their symbols).
        var scalars = ((0x20...0x7E).map { $0 } + (0xA0...0xFF).map { $0 }).compactMap(Unicode.Scalar.init)
        let others: [UInt32] = [
            0x1C5, 0x2B0, 0x4E2D, 0x5D0, 0x3B1, 0x391, 0x430,  // title case, modifier, other letters, Greek, Cyrillic
            0x663, 0x660, 0x2167, 0x2460,  // decimal digits, letter and other numbers
            0x3000, 0x2003, 0x2028, 0x2029, 0x1680, 0x202F,  // spaces and line separators
            0x301, 0x903, 0x20DD,  // marks: non-spacing, spacing, enclosing
            0x20AC, 0x2190, 0x2C2, 0x2010, 0x203F, 0x2018, 0x2019, 0x300C, 0x300D, 0x2030,  // symbols, punctuation
            0x200B, 0x61C, 0x2066, 0xE000, 0x1F600, 0x10000, 0xFFFD, 0x10FFFD,  // format, private use, beyond the BMP
        ]
        scalars += others.compactMap(Unicode.Scalar.init)
        return scalars
    }()

    /// Lower is more readable in an alias: letters (x first, as in "vcxacme"), digits, the alias punctuation, other
    /// printable ASCII, space, other characters, controls last.
    static func readability(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch value {
        case 0x78: return 0
        case 0x61...0x7A: return 1
        case 0x30...0x39: return 2
        case 0x2E, 0x2D, 0x5F, 0x40: return 3
        case 0x41...0x5A: return 4
        case 0x21...0x7E: return 5
        case 0x20: return 6
        case 0x00...0x1F, 0x7F...0x9F: return 8
        default: return 7
        }
    }
}

/// A set of alphabet classes, as bits.
struct ClassSet: Hashable, Sendable {
    private var words: [UInt64]

    init(count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}

/// What one node of a pattern matches, one character at a time: a literal (caselessly) or a character set.
public enum CharacterPredicate: Hashable, Sendable {
    case literal(Unicode.Scalar)
    case set(RegexCharacterSet)

    /// A PCRE2 pattern of one character that matches what this node matches (compiled with the dial plan's options:
    /// caseless, UTF, UCP), so that the regex engine itself can decide membership.
    public var pcre2Pattern: String {
        switch self {
        case .literal(let scalar): return RegexCharacterSet.escaped(scalar.value)
        case .set(let set): return set.pcre2Pattern
        }
    }
}

/// Decides whether a pattern node matches a character. The automata's classes are only as exact as this: the
/// default (`UnicodePropertyMembership`) follows Unicode properties as PCRE2 documents them; a caller with the regex
/// engine at hand passes one that asks it (DialPlanKit asks PCRE2).
public protocol CharacterMembership {
    func matches(_ predicate: CharacterPredicate, _ scalar: Unicode.Scalar) -> Bool
}

/// Membership from Swift's Unicode properties and simple case mappings.
public struct UnicodePropertyMembership: CharacterMembership {
    public init() {}

    public func matches(_ predicate: CharacterPredicate, _ scalar: Unicode.Scalar) -> Bool {
        switch predicate {
        case .literal(let literal): return RegexCharacterSet.caseVariants(of: literal).contains(scalar)
        case .set(let set): return set.contains(scalar)
        }
    }
}
