/// Recursive-descent parser over the pattern's Unicode scalars, following PCRE2's syntax (without extended mode).
struct RegexParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var nodes: [RegexTree.Node] = []
    /// Inside `\Q…\E`, where every character is literal.
    var quoting = false

    let dialect: RegexDialect
    /// Whether what is parsed now matches caselessly: dial-plan patterns do, until an inline flag (`(?-i)`, `(?^)`)
    /// says otherwise for the rest of its group (or inside `(?-i:…)`).
    var caseless = true

    init(scalars: [Unicode.Scalar], dialect: RegexDialect) {
        self.scalars = scalars
        self.dialect = dialect
    }

    private var atEnd: Bool { index >= scalars.count }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    /// Adds a node; a literal or set parsed where matching is case-sensitive becomes a case-sensitive set.
    private mutating func add(_ node: RegexTree.Node) -> Int {
        switch node {
        case .literal(let scalar) where !caseless:
            var set = RegexCharacterSet(items: [.range(scalar.value, scalar.value)])
            set.caseSensitive = true
            nodes.append(.characterSet(set))
        case .characterSet(var set) where !caseless:
            set.caseSensitive = true
            nodes.append(.characterSet(set))
        default:
            nodes.append(node)
        }
        return nodes.count - 1
    }

    private func unsupported(_ message: String, at offset: Int) -> RegexParseFailure {
        RegexParseFailure(message: message, offset: offset, isUnsupported: true)
    }

    private func malformed(_ message: String, at offset: Int) -> RegexParseFailure {
        RegexParseFailure(message: message, offset: offset, isUnsupported: false)
    }

    // MARK: - Structure

    mutating func parseAlternation(depth: Int) throws(RegexParseFailure) -> Int {
        var branches = [try parseSequence(depth: depth)]
        while !atEnd, !quoting, peek() == "|" {
            index += 1
            branches.append(try parseSequence(depth: depth))
        }
        return branches.count == 1 ? branches[0] : add(.alternation(branches))
    }

    private mutating func parseSequence(depth: Int) throws(RegexParseFailure) -> Int {
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
    private mutating func parseAtom(depth: Int) throws(RegexParseFailure) -> Atom? {
        let start = index
        let scalar = scalars[index]
        switch scalar {
        case "(":
            return try parseGroup(depth: depth).map(Atom.repeatable)
        case "[":
            return .repeatable(try parseClass())
        case ".":
            index += 1
            return .repeatable(add(.characterSet(.dot)))
        case "^":
            index += 1
            return .fixed(add(.anchor(.start)))
        case "$":
            index += 1
            return .fixed(add(.anchor(.end)))
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
    private mutating func parseGroup(depth: Int) throws(RegexParseFailure) -> Int? {
        let start = index
        // An option set inside a group lasts until the group ends.
        let outerCaseless = caseless
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
                // `i` sets caseless matching, after `-` unsets it; `^` unsets every option first (PCRE2's defaults
                // are case-sensitive, dial-plan patterns are compiled caseless).
                var setting = caseless
                var unsetting = false
                for letter in letters {
                    switch letter {
                    case "^": setting = false
                    case "-": unsetting = true
                    case "i": setting = !unsetting
                    default: break
                    }
                }
                switch peek() {
                case ")":
                    // For the rest of the enclosing group (restored where that group ends).
                    index += 1
                    caseless = setting
                    return nil
                case ":":
                    index += 1
                    caseless = setting
                default:
                    throw malformed("unrecognized character after (? or (?-", at: index)
                }
            }
        }
        guard depth + 1 <= RegexTree.maximumNesting else {
            throw unsupported("groups nested more than \(RegexTree.maximumNesting) deep are not supported", at: start)
        }
        let body = try parseAlternation(depth: depth + 1)
        guard peek() == ")" else { throw malformed("missing closing parenthesis", at: start) }
        index += 1
        caseless = outerCaseless
        return body
    }

    private mutating func skipName(until terminator: Unicode.Scalar, groupStart: Int) throws(RegexParseFailure) {
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

    private mutating func parseQuantifier(of node: Int) throws(RegexParseFailure) -> Int {
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
        let spaced = dialect.acceptsSpacedBraces
        func skipSpaces() {
            while spaced, position < scalars.count, scalars[position] == " " || scalars[position] == "\t" {
                position += 1
            }
        }
        func number() -> Int? {
            skipSpaces()
            defer { skipSpaces() }
            var value: Int?
            while position < scalars.count, let digit = RegexParser.digitValue(scalars[position], radix: 10) {
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
        if low == nil && (high == nil || !dialect.acceptsOpenLowerBound) { return nil }
        return (low ?? 0, high, position + 1)
    }

    // MARK: - Escapes

    private mutating func parseEscape() throws(RegexParseFailure) -> Atom? {
        let start = index
        guard let kind = peek(1) else { throw malformed("\\ at end of pattern", at: start) }
        index += 2
        switch kind {
        case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V":
            return .repeatable(addSet(RegexCharacterSet(items: [RegexParser.shorthandItem(kind)!])))
        case "N":
            // `\N{U+263A}` names a character; `\N{3}` repeats "any but newline".
            if peek() == "{", peek(1) == "U", peek(2) == "+" {
                throw unsupported("\\N{U+…} is not supported", at: start)
            }
            return .repeatable(add(.characterSet(.dot)))
        case "A":
            return .fixed(add(.anchor(.start)))
        case "z", "Z":
            return .fixed(add(.anchor(.end)))
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
    private mutating func parseCharacterEscape(inClass: Bool) throws(RegexParseFailure) -> Unicode.Scalar {
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
            while digits < 2, let next = peek(), let digit = RegexParser.digitValue(next, radix: 16) {
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

    private mutating func bracedNumber(radix: UInt32, escapeStart: Int) throws(RegexParseFailure) -> Unicode.Scalar {
        index += 1
        var value: UInt32 = 0
        var digits = 0
        while let next = peek(), next != "}" {
            guard let digit = RegexParser.digitValue(next, radix: Int(radix)) else {
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
        add(.characterSet(set))
    }

    private enum ClassAtom {
        case scalar(Unicode.Scalar)
        case item(RegexCharacterSet.Item)
    }

    private mutating func parseClass() throws(RegexParseFailure) -> Int {
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

    private mutating func parseClassAtom() throws(RegexParseFailure) -> ClassAtom {
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
            if let item = RegexParser.shorthandItem(kind) {
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
