/// A dial-plan regex parsed into the small tree `PatternSampler` generates from: literals, character sets,
/// sequences, alternations and repetitions. Groups, anchors and inline flags leave no trace, because every match is
/// of the whole alias and capture numbers play no part in which strings match.
///
/// The tree is flat: children are indices into `nodes` and always come before their parent, so a single pass in
/// index order visits every subtree before the node that holds it.
struct RegexSyntax: Sendable {
    /// One construct of the pattern.
    enum Node: Sendable, Equatable {
        /// Matches the empty string: anchors, empty groups and empty branches.
        case empty
        /// One character, as written (the match is caseless, so its case does not matter).
        case literal(Unicode.Scalar)
        /// `.`, `\d`, `[a-z0-9._-]`…: `members` are the characters to generate (readable ones first), `outsiders`
        /// characters the set does not match, for near misses.
        case characterSet(members: [Unicode.Scalar], outsiders: [Unicode.Scalar])
        case sequence([Int])
        case alternation([Int])
        /// `max` nil: unbounded.
        case repetition(Int, min: Int, max: Int?)
    }

    var nodes: [Node]
    var root: Int

    /// Groups nest at most this deep; dial plans use a handful, and the parser and generator recurse once per level.
    static let maximumNesting = 64

    /// Parses `pattern`, or fails with the reason and the scalar offset of the construct that stopped it.
    static func parse(_ pattern: String) throws(RegexSyntaxFailure) -> RegexSyntax {
        var parser = RegexSyntaxParser(scalars: Array(pattern.unicodeScalars))
        let root = try parser.parseAlternation(depth: 0)
        if parser.index < parser.scalars.count {
            // Only an unmatched `)` stops the top-level alternation early.
            throw RegexSyntaxFailure(message: "unmatched closing parenthesis", offset: parser.index, isUnsupported: false)
        }
        return RegexSyntax(nodes: parser.nodes, root: root)
    }

    /// Children of `node`.
    func children(of node: Int) -> [Int] {
        switch nodes[node] {
        case .empty, .literal, .characterSet: return []
        case .sequence(let items), .alternation(let items): return items
        case .repetition(let child, _, _): return [child]
        }
    }

    /// Nodes reachable from the root, parents before children, left to right: the order the pattern reads in.
    func preorder() -> [Int] {
        var order: [Int] = []
        var stack = [root]
        while let node = stack.popLast() {
            order.append(node)
            stack.append(contentsOf: children(of: node).reversed())
        }
        return order
    }
}

/// Why the parser stopped. `isUnsupported`: valid PCRE2 that cannot be generated from (lookaround, backreferences…);
/// otherwise the parser did not understand the text, and PCRE2's own diagnosis is preferred.
struct RegexSyntaxFailure: Error, Sendable {
    let message: String
    /// Offset in Unicode scalars.
    let offset: Int
    let isUnsupported: Bool
}

/// The characters generated for `.`, negated sets and most shorthands: what aliases are made of.
enum SamplerAlphabet {
    static let readable = Array("abcdefghijklmnopqrstuvwxyz0123456789.-_".unicodeScalars)
    static let letters = Array("abcdefghijklmnopqrstuvwxyz".unicodeScalars)
    static let digits = Array("0123456789".unicodeScalars)
    /// Characters a near miss adds at either end of an alias.
    static let edge = readable + ["@"]
    /// Characters a near miss may put in place of a set member, readable ones first.
    static let outsiderPool = readable + Array("@:+ !#~,;=".unicodeScalars) + Array("ABCZ".unicodeScalars)
    /// Every printable ASCII character, for negated sets that exclude the whole readable alphabet.
    static let printableASCII = (0x21...0x7E).compactMap(Unicode.Scalar.init)
}

/// One PCRE2 character set (`[...]`, `\d`, `.`) as a membership test, approximating PCRE2's Unicode (UCP) rules;
/// generated strings are verified with PCRE2 afterwards, so an approximation costs a dropped sample, never a wrong one.
struct RegexCharacterSet {
    enum Shorthand: Sendable {
        case digit, word, space, horizontalSpace, verticalSpace
    }

    enum Posix: String, Sendable {
        case alpha, digit, alnum, upper, lower, space, blank, punct, xdigit, word, cntrl, graph, print, ascii
    }

    enum Item {
        case range(UInt32, UInt32)
        case shorthand(Shorthand, negated: Bool)
        case posix(Posix, negated: Bool)
    }

    var items: [Item] = []
    var negated = false

    /// Whether the set matches `scalar` caselessly, as dial-plan regexes are compiled.
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let hit = RegexCharacterSet.caseVariants(of: scalar).contains { variant in
            items.contains { RegexCharacterSet.item($0, contains: variant) }
        }
        return hit != negated
    }

    /// Characters to generate from, readable ones first; empty when none is known.
    func members() -> [Unicode.Scalar] {
        if negated {
            let readable = SamplerAlphabet.readable.filter(contains)
            return readable.isEmpty ? SamplerAlphabet.printableASCII.filter(contains) : readable
        }
        var seen = Set<Unicode.Scalar>()
        var ascii: [Unicode.Scalar] = []
        var other: [Unicode.Scalar] = []
        for item in items {
            let (inASCII, beyond) = RegexCharacterSet.generationMembers(of: item)
            for scalar in inASCII where seen.insert(scalar).inserted { ascii.append(scalar) }
            for scalar in beyond where seen.insert(scalar).inserted { other.append(scalar) }
        }
        // Non-ASCII members only when the set has nothing else, so that `[a-zé]` still reads like an alias.
        return ascii.isEmpty ? other : ascii
    }

    /// Characters the set does not match, for near misses.
    func outsiders() -> [Unicode.Scalar] {
        SamplerAlphabet.outsiderPool.filter { !contains($0) }
    }

    private static func generationMembers(of item: Item) -> (ascii: [Unicode.Scalar], other: [Unicode.Scalar]) {
        switch item {
        case .range(let low, let high):
            let asciiLow = max(low, 0x20)
            let asciiHigh = min(high, 0x7E)
            var ascii = asciiLow <= asciiHigh ? (asciiLow...asciiHigh).compactMap(Unicode.Scalar.init) : []
            // A wide range such as `[!-~]` reads like an alias only through its readable part.
            let readable = ascii.filter(SamplerAlphabet.readable.contains)
            if ascii.count > 40, !readable.isEmpty { ascii = readable }
            var other: [Unicode.Scalar] = []
            var value = max(low, 0x7F)
            var scanned = 0
            // A handful is enough: these sets are rare and the samples should stay readable.
            while value <= high, other.count < 32, scanned < 4096 {
                if let scalar = Unicode.Scalar(value), !scalar.properties.isNoncharacterCodePoint,
                    ![.control, .unassigned, .surrogate, .privateUse, .format]
                        .contains(scalar.properties.generalCategory)
                {
                    other.append(scalar)
                }
                value += 1
                scanned += 1
                if value == 0xD800 { value = 0xE000 }
            }
            // Control characters only when the range holds nothing else (`[\x00-\x1f]`).
            if ascii.isEmpty, other.isEmpty, low <= 0x1F {
                return ([], (low...min(high, 0x1F)).compactMap(Unicode.Scalar.init))
            }
            return (ascii, other)
        case .shorthand(let kind, let negated):
            if negated { return (SamplerAlphabet.readable.filter { !shorthand(kind, contains: $0) }, []) }
            switch kind {
            case .digit: return (SamplerAlphabet.digits, [])
            case .word: return (SamplerAlphabet.letters + SamplerAlphabet.digits + ["_"], [])
            case .space, .horizontalSpace: return ([" "], [])
            case .verticalSpace: return ([], ["\n"])
            }
        case .posix(let kind, let negated):
            if negated { return (SamplerAlphabet.readable.filter { !posix(kind, contains: $0) }, []) }
            switch kind {
            case .alpha, .lower: return (SamplerAlphabet.letters, [])
            case .upper: return (Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars), [])
            case .digit: return (SamplerAlphabet.digits, [])
            case .alnum: return (SamplerAlphabet.letters + SamplerAlphabet.digits, [])
            case .word: return (SamplerAlphabet.letters + SamplerAlphabet.digits + ["_"], [])
            case .xdigit: return (Array("0123456789abcdef".unicodeScalars), [])
            case .space, .blank: return ([" "], [])
            case .punct: return (Array(".-_@".unicodeScalars), [])
            case .graph, .print, .ascii: return (SamplerAlphabet.readable, [])
            case .cntrl: return ([], ["\t"])
            }
        }
    }

    private static func item(_ item: Item, contains scalar: Unicode.Scalar) -> Bool {
        switch item {
        case .range(let low, let high): return scalar.value >= low && scalar.value <= high
        case .shorthand(let kind, let negated): return shorthand(kind, contains: scalar) != negated
        case .posix(let kind, let negated): return posix(kind, contains: scalar) != negated
        }
    }

    static func shorthand(_ kind: Shorthand, contains scalar: Unicode.Scalar) -> Bool {
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

    static func posix(_ kind: Posix, contains scalar: Unicode.Scalar) -> Bool {
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

    /// The scalar and its simple case mappings: enough for the caseless membership tests near misses need.
    static func caseVariants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        var variants = [scalar]
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first, only != scalar { variants.append(only) }
        }
        return variants
    }
}

/// Recursive-descent parser over the pattern's Unicode scalars, following PCRE2's syntax (without extended mode).
struct RegexSyntaxParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var nodes: [RegexSyntax.Node] = []
    /// Inside `\Q…\E`, where every character is literal.
    var quoting = false

    /// Whether this PCRE2 reads `{,n}` as a quantifier (10.43 and later, following Perl 5.34) rather than as
    /// literal text: the library on the machine decides, so it is asked once.
    static var acceptsOpenLowerBound: Bool { openLowerBoundProbe }
    /// Whether this PCRE2 allows spaces inside quantifier braces (`{ 2 , 3 }`, also 10.43 and later).
    static var acceptsSpacedBraces: Bool { spacedBracesProbe }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var atEnd: Bool { index >= scalars.count }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func add(_ node: RegexSyntax.Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    private func unsupported(_ message: String, at offset: Int) -> RegexSyntaxFailure {
        RegexSyntaxFailure(message: message, offset: offset, isUnsupported: true)
    }

    private func malformed(_ message: String, at offset: Int) -> RegexSyntaxFailure {
        RegexSyntaxFailure(message: message, offset: offset, isUnsupported: false)
    }

    // MARK: - Structure

    mutating func parseAlternation(depth: Int) throws(RegexSyntaxFailure) -> Int {
        var branches = [try parseSequence(depth: depth)]
        while !atEnd, !quoting, peek() == "|" {
            index += 1
            branches.append(try parseSequence(depth: depth))
        }
        return branches.count == 1 ? branches[0] : add(.alternation(branches))
    }

    private mutating func parseSequence(depth: Int) throws(RegexSyntaxFailure) -> Int {
        var items: [Int] = []
        while !atEnd {
            if quoting {
                if peek() == "\\", peek(1) == "E" {
                    index += 2
                    quoting = false
                    continue
                }
                let literal = add(.literal(scalars[index]))
                index += 1
                // A quantifier applies to the last quoted character only once the quote has ended (`\Qab\E*`).
                if !atEnd, peek() == "\\", peek(1) == "E" {
                    index += 2
                    quoting = false
                    items.append(try parseQuantifier(of: literal))
                } else {
                    items.append(literal)
                }
                continue
            }
            let scalar = scalars[index]
            if scalar == "|" || scalar == ")" { break }
            guard let atom = try parseAtom(depth: depth) else { continue }
            switch atom {
            case .repeatable(let node):
                items.append(try parseQuantifier(of: node))
            case .fixed(let node):
                skipIgnorable()
                if let next = peek(), isQuantifierStart(next) {
                    throw malformed("quantifier does not follow a repeatable item", at: index)
                }
                items.append(node)
            }
        }
        if items.count == 1 { return items[0] }
        return items.isEmpty ? add(.empty) : add(.sequence(items))
    }

    private enum Atom {
        /// May take a quantifier.
        case repeatable(Int)
        /// An anchor: PCRE2 refuses a quantifier after it.
        case fixed(Int)
    }

    /// Parses one atom, or returns nil for text that leaves no node (`(?i)`, comments, `\Q`, `\E`).
    private mutating func parseAtom(depth: Int) throws(RegexSyntaxFailure) -> Atom? {
        let start = index
        let scalar = scalars[index]
        switch scalar {
        case "(":
            return try parseGroup(depth: depth).map(Atom.repeatable)
        case "[":
            return .repeatable(try parseClass())
        case ".":
            index += 1
            return .repeatable(add(.characterSet(members: SamplerAlphabet.readable, outsiders: [])))
        case "^", "$":
            index += 1
            return .fixed(add(.empty))
        case "\\":
            return try parseEscape()
        case "*", "+", "?":
            throw malformed("quantifier does not follow a repeatable item", at: start)
        case "{":
            if quantifierBraces(at: index) != nil {
                throw malformed("quantifier does not follow a repeatable item", at: start)
            }
            index += 1
            return .repeatable(add(.literal(scalar)))
        default:
            index += 1
            return .repeatable(add(.literal(scalar)))
        }
    }

    /// Parses `(…)` in its many PCRE2 forms; nil for an option setting or a comment.
    private mutating func parseGroup(depth: Int) throws(RegexSyntaxFailure) -> Int? {
        let start = index
        index += 1
        if peek() == "*" {
            throw unsupported("backtracking control verbs and (*…) assertions are not supported", at: start)
        }
        if peek() == "?" {
            index += 1
            guard let kind = peek() else { throw malformed("missing closing parenthesis", at: start) }
            switch kind {
            case "#":
                while let next = peek(), next != ")" { index += 1 }
                guard !atEnd else { throw malformed("missing ) at end of (?# comment", at: start) }
                index += 1
                return nil
            case ":", "|":
                index += 1
            case "=":
                throw unsupported("lookahead assertions (?=…) are not supported", at: start)
            case "!":
                throw unsupported("negative lookahead assertions (?!…) are not supported", at: start)
            case "<" where peek(1) == "=":
                throw unsupported("lookbehind assertions (?<=…) are not supported", at: start)
            case "<" where peek(1) == "!":
                throw unsupported("negative lookbehind assertions (?<!…) are not supported", at: start)
            case "<":
                index += 1
                try skipName(until: ">", groupStart: start)
            case "'":
                index += 1
                try skipName(until: "'", groupStart: start)
            case "P":
                switch peek(1) {
                case "<":
                    index += 2
                    try skipName(until: ">", groupStart: start)
                case "=":
                    throw unsupported("backreferences are not supported", at: start)
                case ">":
                    throw unsupported("subroutine calls are not supported", at: start)
                default:
                    throw malformed("unrecognized character after (?P", at: index)
                }
            case ">":
                throw unsupported("atomic groups (?>…) are not supported", at: start)
            case "(":
                throw unsupported("conditional groups (?(…)…) are not supported", at: start)
            case "R", "&", "0"..."9", "+":
                throw unsupported("recursion and subroutine calls are not supported", at: start)
            case "-" where peek(1).map { ("0"..."9").contains($0) } ?? false:
                throw unsupported("recursion and subroutine calls are not supported", at: start)
            case "C":
                throw unsupported("callouts are not supported", at: start)
            case "*":
                throw unsupported("non-atomic lookaround assertions are not supported", at: start)
            default:
                // Option letters, then `)` (a setting for the rest of the group) or `:` (a group with options).
                let lettersStart = index
                while let next = peek(), "imnsxJU-^".unicodeScalars.contains(next) { index += 1 }
                let letters = scalars[lettersStart..<index]
                if letters.contains("x") {
                    // Extended mode changes how whitespace and `#` read; generating from it would need a second parser.
                    throw unsupported("extended mode (?x) is not supported", at: start)
                }
                switch peek() {
                case ")":
                    index += 1
                    return nil
                case ":":
                    index += 1
                default:
                    throw malformed("unrecognized character after (? or (?-", at: index)
                }
            }
        }
        guard depth + 1 <= RegexSyntax.maximumNesting else {
            throw unsupported("groups nested more than \(RegexSyntax.maximumNesting) deep are not supported", at: start)
        }
        let body = try parseAlternation(depth: depth + 1)
        guard peek() == ")" else { throw malformed("missing closing parenthesis", at: start) }
        index += 1
        return body
    }

    private mutating func skipName(until terminator: Unicode.Scalar, groupStart: Int) throws(RegexSyntaxFailure) {
        while let next = peek(), next != terminator {
            guard next == "_" || next.properties.isAlphabetic || next.properties.numericType != nil else {
                throw malformed("syntax error in subpattern name", at: index)
            }
            index += 1
        }
        guard !atEnd else { throw malformed("syntax error in subpattern name (missing terminator?)", at: groupStart) }
        index += 1
    }

    // MARK: - Quantifiers

    private func isQuantifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "*" || scalar == "+" || scalar == "?" || (scalar == "{" && quantifierBraces(at: index) != nil)
    }

    /// PCRE2 ignores an `\E` that ends no quote, an empty `\Q\E` and a `(?#…)` comment, even between an atom and
    /// its quantifier (`a(?#note)*` repeats the `a`).
    private mutating func skipIgnorable() {
        while true {
            if peek() == "\\", peek(1) == "E" {
                index += 2
            } else if peek() == "\\", peek(1) == "Q", peek(2) == "\\", peek(3) == "E" {
                index += 4
            } else if peek() == "(", peek(1) == "?", peek(2) == "#",
                let close = scalars[index...].firstIndex(of: ")")
            {
                index = close + 1
            } else {
                return
            }
        }
    }

    private mutating func parseQuantifier(of node: Int) throws(RegexSyntaxFailure) -> Int {
        skipIgnorable()
        guard let scalar = peek() else { return node }
        let quantifierStart = index
        let minimum: Int
        let maximum: Int?
        switch scalar {
        case "*":
            (minimum, maximum) = (0, nil)
            index += 1
        case "+":
            (minimum, maximum) = (1, nil)
            index += 1
        case "?":
            (minimum, maximum) = (0, 1)
            index += 1
        case "{":
            guard let braces = quantifierBraces(at: index) else { return node }
            (minimum, maximum) = (braces.min, braces.max)
            if let maximum, maximum < minimum {
                throw malformed("numbers out of order in {} quantifier", at: braces.end - 1)
            }
            index = braces.end
        default:
            return node
        }
        skipIgnorable()
        switch peek() {
        case "?":
            // Lazy repetition matches the same set of strings.
            index += 1
        case "+":
            throw unsupported("possessive quantifiers are not supported", at: quantifierStart)
        default:
            break
        }
        skipIgnorable()
        if let next = peek(), isQuantifierStart(next) {
            throw malformed("quantifier does not follow a repeatable item", at: index)
        }
        return add(.repetition(node, min: minimum, max: maximum))
    }

    /// `{n}`, `{n,}`, `{n,m}` (and `{,m}` where this PCRE2 accepts it) at `start`; nil when the brace is literal.
    private func quantifierBraces(at start: Int) -> (min: Int, max: Int?, end: Int)? {
        var position = start + 1
        let spaced = RegexSyntaxParser.acceptsSpacedBraces
        func skipSpaces() {
            while spaced, position < scalars.count, scalars[position] == " " || scalars[position] == "\t" {
                position += 1
            }
        }
        func number() -> Int? {
            skipSpaces()
            defer { skipSpaces() }
            var value: Int?
            while position < scalars.count, let digit = RegexSyntaxParser.digitValue(scalars[position], radix: 10) {
                // PCRE2 refuses more than 65535; saturating keeps the parse total and lets PCRE2 say so.
                value = min((value ?? 0) * 10 + digit, 1_000_000)
                position += 1
            }
            return value
        }
        let low = number()
        guard position < scalars.count else { return nil }
        if scalars[position] == "}" {
            guard let low else { return nil }
            return (low, low, position + 1)
        }
        guard scalars[position] == "," else { return nil }
        position += 1
        let high = number()
        guard position < scalars.count, scalars[position] == "}" else { return nil }
        if low == nil && (high == nil || !RegexSyntaxParser.acceptsOpenLowerBound) { return nil }
        return (low ?? 0, high, position + 1)
    }

    // MARK: - Escapes

    private mutating func parseEscape() throws(RegexSyntaxFailure) -> Atom? {
        let start = index
        guard let kind = peek(1) else { throw malformed("\\ at end of pattern", at: start) }
        index += 2
        switch kind {
        case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V":
            return .repeatable(addSet(RegexCharacterSet(items: [RegexSyntaxParser.shorthandItem(kind)!])))
        case "N":
            // `\N{U+263A}` names a character; `\N{3}` repeats "any but newline".
            if peek() == "{", peek(1) == "U", peek(2) == "+" {
                throw unsupported("\\N{U+…} is not supported", at: start)
            }
            return .repeatable(add(.characterSet(members: SamplerAlphabet.readable, outsiders: [])))
        case "A", "z", "Z":
            return .fixed(add(.empty))
        case "b", "B":
            throw unsupported("word boundaries (\\b, \\B) are not supported", at: start)
        case "G":
            throw unsupported("\\G is not supported", at: start)
        case "K":
            throw unsupported("\\K is not supported", at: start)
        case "1"..."9", "g", "k":
            throw unsupported("backreferences are not supported", at: start)
        case "p", "P":
            throw unsupported("Unicode properties (\\p, \\P) are not supported", at: start)
        case "X", "R", "C":
            throw unsupported("\\\(kind) is not supported", at: start)
        case "Q":
            quoting = true
            return nil
        case "E":
            return nil
        default:
            index = start
            let scalar = try parseCharacterEscape(inClass: false)
            return .repeatable(add(.literal(scalar)))
        }
    }

    private static func shorthandItem(_ letter: Unicode.Scalar) -> RegexCharacterSet.Item? {
        let lower = Unicode.Scalar(letter.value | 0x20)!
        let negated = letter.value < 0x61
        switch lower {
        case "d": return .shorthand(.digit, negated: negated)
        case "w": return .shorthand(.word, negated: negated)
        case "s": return .shorthand(.space, negated: negated)
        case "h": return .shorthand(.horizontalSpace, negated: negated)
        case "v": return .shorthand(.verticalSpace, negated: negated)
        default: return nil
        }
    }

    /// An escape that stands for one character (`\.`, `\t`, `\x41`, `\x{1F600}`, `\0`, `\o{101}`, `\cA`), with
    /// `index` on its backslash.
    private mutating func parseCharacterEscape(inClass: Bool) throws(RegexSyntaxFailure) -> Unicode.Scalar {
        let start = index
        guard let kind = peek(1) else { throw malformed("\\ at end of pattern", at: start) }
        index += 2
        switch kind {
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "f": return "\u{0C}"
        case "e": return "\u{1B}"
        case "a": return "\u{07}"
        case "b" where inClass: return "\u{08}"
        case "x":
            if peek() == "{" {
                return try bracedNumber(radix: 16, escapeStart: start)
            }
            var value: UInt32 = 0
            var digits = 0
            while digits < 2, let next = peek(), let digit = RegexSyntaxParser.digitValue(next, radix: 16) {
                value = value * 16 + UInt32(digit)
                index += 1
                digits += 1
            }
            return Unicode.Scalar(value)!
        case "o":
            guard peek() == "{" else { throw malformed("missing opening brace after \\o", at: index) }
            return try bracedNumber(radix: 8, escapeStart: start)
        case "0":
            var value: UInt32 = 0
            var digits = 0
            while digits < 2, let next = peek(), ("0"..."7").contains(next) {
                value = value * 8 + (next.value - 0x30)
                index += 1
                digits += 1
            }
            return Unicode.Scalar(value)!
        case "c":
            guard let next = peek(), next.isASCII, next.value >= 0x20, next.value < 0x7F else {
                throw malformed("\\c must be followed by a printable ASCII character", at: start)
            }
            index += 1
            let upper = next.value >= 0x61 && next.value <= 0x7A ? next.value - 0x20 : next.value
            return Unicode.Scalar(upper ^ 0x40)!
        case "1"..."9" where inClass:
            throw unsupported("octal escapes other than \\0 and \\o{…} are not supported", at: start)
        default:
            if kind.isASCII, kind.properties.isAlphabetic || kind.properties.numericType != nil {
                throw malformed("unrecognized escape sequence \\\(kind)", at: start)
            }
            return kind
        }
    }

    private mutating func bracedNumber(radix: UInt32, escapeStart: Int) throws(RegexSyntaxFailure) -> Unicode.Scalar {
        index += 1
        var value: UInt32 = 0
        var digits = 0
        while let next = peek(), next != "}" {
            guard let digit = RegexSyntaxParser.digitValue(next, radix: Int(radix)) else {
                throw malformed("non-hex/octal character in escape", at: index)
            }
            value = min(value * radix + UInt32(digit), 0x11_0000)
            digits += 1
            index += 1
        }
        guard !atEnd, digits > 0 else { throw malformed("missing closing brace in escape", at: escapeStart) }
        index += 1
        guard let scalar = Unicode.Scalar(value) else {
            throw malformed("character code point value is too large or a surrogate", at: escapeStart)
        }
        return scalar
    }

    /// The value of an ASCII digit in `radix` (up to 16), or nil.
    static func digitValue(_ scalar: Unicode.Scalar, radix: Int) -> Int? {
        guard scalar.isASCII, let value = Int(String(scalar), radix: 16), value < radix else { return nil }
        return value
    }

    // MARK: - Character classes

    private mutating func addSet(_ set: RegexCharacterSet) -> Int {
        add(.characterSet(members: set.members(), outsiders: set.outsiders()))
    }

    private enum ClassAtom {
        case scalar(Unicode.Scalar)
        case item(RegexCharacterSet.Item)
    }

    private mutating func parseClass() throws(RegexSyntaxFailure) -> Int {
        let start = index
        index += 1
        var set = RegexCharacterSet()
        if peek() == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        var quotedInClass = false
        while true {
            guard let scalar = peek() else { throw malformed("missing terminating ] for character class", at: start) }
            if quotedInClass {
                if scalar == "\\", peek(1) == "E" {
                    index += 2
                    quotedInClass = false
                } else {
                    set.items.append(.range(scalar.value, scalar.value))
                    index += 1
                    first = false
                }
                continue
            }
            if scalar == "\\", peek(1) == "Q" {
                index += 2
                quotedInClass = true
                continue
            }
            if scalar == "\\", peek(1) == "E" {
                index += 2
                continue
            }
            if scalar == "]", !first {
                index += 1
                break
            }
            first = false
            let atomStart = index
            let atom = try parseClassAtom()
            switch atom {
            case .item(let item):
                set.items.append(item)
            case .scalar(let low):
                if peek() == "-", let after = peek(1), after != "]" {
                    index += 1
                    let rangeEnd = try parseClassAtom()
                    guard case .scalar(let high) = rangeEnd else {
                        throw malformed("invalid range in character class", at: index - 1)
                    }
                    guard low.value <= high.value else {
                        throw malformed("range out of order in character class", at: atomStart)
                    }
                    set.items.append(.range(low.value, high.value))
                } else {
                    set.items.append(.range(low.value, low.value))
                }
            }
        }
        return addSet(set)
    }

    private mutating func parseClassAtom() throws(RegexSyntaxFailure) -> ClassAtom {
        let start = index
        let scalar = scalars[index]
        if scalar == "[", let opener = peek(1), opener == ":" || opener == "." || opener == "=" {
            // A POSIX class `[:alpha:]` (or `[:^alpha:]`); collating elements are errors in PCRE2.
            var position = index + 2
            while position + 1 < scalars.count, !(scalars[position] == opener && scalars[position + 1] == "]") {
                if scalars[position] == "]" { break }
                position += 1
            }
            if position + 1 < scalars.count, scalars[position] == opener, scalars[position + 1] == "]" {
                guard opener == ":" else { throw malformed("POSIX collating elements are not supported", at: start) }
                var name = String(String.UnicodeScalarView(scalars[(index + 2)..<position]))
                let negated = name.hasPrefix("^")
                if negated { name.removeFirst() }
                guard let posix = RegexCharacterSet.Posix(rawValue: name) else {
                    throw malformed("unknown POSIX class name", at: start)
                }
                index = position + 2
                return .item(.posix(posix, negated: negated))
            }
        }
        if scalar == "\\" {
            guard let kind = peek(1) else { throw malformed("\\ at end of pattern", at: start) }
            if let item = RegexSyntaxParser.shorthandItem(kind) {
                index += 2
                return .item(item)
            }
            switch kind {
            case "p", "P":
                throw unsupported("Unicode properties (\\p, \\P) are not supported", at: start)
            case "N", "B", "R", "X", "A", "z", "Z", "G", "K", "g", "k":
                throw malformed("escape sequence is invalid in character class", at: start)
            default:
                return .scalar(try parseCharacterEscape(inClass: true))
            }
        }
        index += 1
        return .scalar(scalar)
    }
}

private let openLowerBoundProbe = quantifierProbe("x{,2}")
private let spacedBracesProbe = quantifierProbe("x{ 2 }")

/// Whether PCRE2 reads `pattern` as two x's rather than as literal text.
private func quantifierProbe(_ pattern: String) -> Bool {
    guard let probe = try? PCRERegex(pattern) else { return false }
    return probe.match("xx", scratch: RegexScratch()) == .matched
}
