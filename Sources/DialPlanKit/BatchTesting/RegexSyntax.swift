import PatternAutomata

/// The pattern tree as the sampler generates from it: anchors are empty (every match is of the whole alias) and each
/// character set is the characters to generate (readable ones first) and those it does not match, for near misses.
struct RegexSyntax: Sendable {
    enum Node: Sendable, Equatable {
        case empty
        case literal(Unicode.Scalar)
        case characterSet(members: [Unicode.Scalar], outsiders: [Unicode.Scalar])
        case sequence([Int])
        case alternation([Int])
        /// `max` nil: unbounded.
        case repetition(Int, min: Int, max: Int?)
    }

    let tree: RegexTree
    var nodes: [Node]
    var root: Int { tree.root }

    /// Parses `pattern` as this machine's PCRE2 reads it.
    static func parse(_ pattern: String) throws(RegexParseFailure) -> RegexSyntax {
        RegexSyntax(try RegexTree.parse(pattern, dialect: .pcre2))
    }

    init(_ tree: RegexTree) {
        self.tree = tree
        nodes = tree.nodes.map { node in
            switch node {
            case .empty, .anchor: return .empty
            case .literal(let scalar): return .literal(scalar)
            case .characterSet(let set) where set.isDot: return .characterSet(members: SamplerAlphabet.readable, outsiders: [])
            case .characterSet(let set): return .characterSet(members: set.members(), outsiders: set.outsiders())
            case .sequence(let items): return .sequence(items)
            case .alternation(let items): return .alternation(items)
            case .repetition(let child, let minimum, let maximum): return .repetition(child, min: minimum, max: maximum)
            }
        }
    }

    /// Children of `node`: the tree's.
    func children(of node: Int) -> [Int] { tree.children(of: node) }

    /// Nodes reachable from the root, parents before children, left to right.
    func preorder() -> [Int] { tree.preorder() }
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

extension RegexCharacterSet {

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
}
