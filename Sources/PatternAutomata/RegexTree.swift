/// A dial-plan regex (PCRE2 syntax, without extended mode) parsed into a small tree: literals, character sets,
/// anchors, sequences, alternations and repetitions. Groups leave no trace: every match is of the whole alias,
/// caseless, and capture numbers play no part in which strings match; a literal or set that an inline flag (`(?-i)`,
/// `(?^)`) makes case-sensitive is a case-sensitive set.
///
/// The constructs that make a pattern other than regular (lookaround, backreferences, atomic groups, possessive
/// quantifiers, word boundaries, recursion, conditionals…) are refused with `RegexParseFailure.isUnsupported`, so
/// every tree that parses denotes a regular language: `PatternLanguage` builds its automaton, and the batch tests'
/// sampler generates from it.
///
/// The tree is flat: children are indices into `nodes` and always come before their parent, so a single pass in
/// index order visits every subtree before the node that holds it.
public struct RegexTree: Sendable {
    /// Where an anchor asserts its position.
    public enum Anchor: Sendable, Equatable {
        /// `^`, `\A`: the start of the alias.
        case start
        /// `$`, `\z`, `\Z`: the end of the alias.
        case end
    }

    /// One construct of the pattern.
    public enum Node: Sendable, Equatable {
        /// Matches the empty string: empty groups and empty branches.
        case empty
        /// An anchor: matches the empty string at the start or the end of the alias only.
        case anchor(Anchor)
        /// One character, as written (matched caselessly; under `(?-i)` a literal is a case-sensitive set instead).
        case literal(Unicode.Scalar)
        /// `.`, `\d`, `[a-z0-9._-]`…
        case characterSet(RegexCharacterSet)
        case sequence([Int])
        case alternation([Int])
        /// `max` nil: unbounded.
        case repetition(Int, min: Int, max: Int?)
    }

    public internal(set) var nodes: [Node]

    /// The one character a node stands for: a literal, or a case-sensitive set of one character (how a literal under
    /// `(?-i)` is kept); nil for anything else.
    public func literalScalar(at node: Int) -> Unicode.Scalar? {
        switch nodes[node] {
        case .literal(let scalar):
            return scalar
        case .characterSet(let set) where set.caseSensitive && !set.negated && set.items.count == 1:
            guard case .range(let low, let high) = set.items[0], low == high else { return nil }
            return Unicode.Scalar(low)
        default:
            return nil
        }
    }
    public internal(set) var root: Int

    /// Groups nest at most this deep; dial plans use a handful, and the parser and its users recurse once per level.
    public static let maximumNesting = 64

    /// Parses `pattern`, or fails with the reason and the scalar offset of the construct that stopped it.
    /// `dialect` says how this PCRE2 reads the quantifier forms its versions disagree on.
    public static func parse(_ pattern: String, dialect: RegexDialect) throws(RegexParseFailure) -> RegexTree {
        var parser = RegexParser(scalars: Array(pattern.unicodeScalars), dialect: dialect)
        let root = try parser.parseAlternation(depth: 0)
        if parser.index < parser.scalars.count {
            // Only an unmatched `)` stops the top-level alternation early.
            throw RegexParseFailure(message: "unmatched closing parenthesis", offset: parser.index, isUnsupported: false)
        }
        return RegexTree(nodes: parser.nodes, root: root)
    }

    /// A tree built directly (exact, prefix and suffix patterns).
    init(nodes: [Node], root: Int) {
        self.nodes = nodes
        self.root = root
    }

    /// The part of the pattern at `node`, as a pattern of its own.
    public func subtree(at node: Int) -> RegexTree {
        RegexTree(nodes: nodes, root: node)
    }

    /// Children of `node`.
    public func children(of node: Int) -> [Int] {
        switch nodes[node] {
        case .empty, .anchor, .literal, .characterSet: return []
        case .sequence(let items), .alternation(let items): return items
        case .repetition(let child, _, _): return [child]
        }
    }

    /// Nodes reachable from the root, parents before children, left to right: the order the pattern reads in.
    public func preorder() -> [Int] {
        var order: [Int] = []
        var stack = [root]
        while let node = stack.popLast() {
            order.append(node)
            stack.append(contentsOf: children(of: node).reversed())
        }
        return order
    }
}

/// How the PCRE2 library in use reads the quantifier forms its versions disagree on.
public struct RegexDialect: Sendable, Hashable {
    /// `{,n}` is a quantifier (10.43 and later, following Perl 5.34) rather than literal text.
    public var acceptsOpenLowerBound: Bool
    /// Spaces inside quantifier braces (`{ 2 , 3 }`, also 10.43 and later).
    public var acceptsSpacedBraces: Bool

    public init(acceptsOpenLowerBound: Bool, acceptsSpacedBraces: Bool) {
        self.acceptsOpenLowerBound = acceptsOpenLowerBound
        self.acceptsSpacedBraces = acceptsSpacedBraces
    }
}

/// Why the parser stopped. `isUnsupported`: valid PCRE2 outside the regular subset (lookaround, backreferences…);
/// otherwise the parser did not understand the text, and PCRE2's own diagnosis is preferred.
public struct RegexParseFailure: Error, Sendable {
    public let message: String
    /// Offset in Unicode scalars.
    public let offset: Int
    public let isUnsupported: Bool
}
