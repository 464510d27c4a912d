/// A dial-plan pattern as the set of aliases it matches: the whole alias, caselessly, as VCS and Pexip compare them.
public struct PatternLanguage: Sendable {
    public let tree: RegexTree

    public init(tree: RegexTree) {
        self.tree = tree
    }

    /// A regex in PCRE2 syntax; fails for syntax outside the regular subset (`isUnsupported`) or not understood.
    public static func regex(_ pattern: String, dialect: RegexDialect) throws(RegexParseFailure) -> PatternLanguage {
        PatternLanguage(tree: try RegexTree.parse(pattern, dialect: dialect))
    }

    /// Exactly `text`.
    public static func exact(_ text: String) -> PatternLanguage {
        literal(text, anythingBefore: false, anythingAfter: false)
    }

    /// `text` and anything after it.
    public static func prefix(_ text: String) -> PatternLanguage {
        literal(text, anythingBefore: false, anythingAfter: true)
    }

    /// Anything, then `text`.
    public static func suffix(_ text: String) -> PatternLanguage {
        literal(text, anythingBefore: true, anythingAfter: false)
    }

    /// Every alias.
    public static let anything = literal("", anythingBefore: true, anythingAfter: false)

    private static func literal(_ text: String, anythingBefore: Bool, anythingAfter: Bool) -> PatternLanguage {
        var nodes: [RegexTree.Node] = []
        var items: [Int] = []
        func anything() -> Int {
            nodes.append(.characterSet(.anything))
            nodes.append(.repetition(nodes.count - 1, min: 0, max: nil))
            return nodes.count - 1
        }
        if anythingBefore { items.append(anything()) }
        for scalar in text.unicodeScalars {
            nodes.append(.literal(scalar))
            items.append(nodes.count - 1)
        }
        if anythingAfter { items.append(anything()) }
        nodes.append(.sequence(items))
        return PatternLanguage(tree: RegexTree(nodes: nodes, root: nodes.count - 1))
    }

    /// The same pattern with `node` replaced by `replacement` (a leaf): "what if this dot were escaped".
    public func replacing(node: Int, with replacement: RegexTree.Node) -> PatternLanguage {
        var nodes = tree.nodes
        nodes[node] = replacement
        return PatternLanguage(tree: RegexTree(nodes: nodes, root: tree.root))
    }
}

/// Whether every alias of one language is in another.
public enum Inclusion: Sendable, Equatable {
    case included
    /// `witness` is in the inner language and not in the outer one.
    case notIncluded(witness: String)
    /// The automata grew past the limits (bounded repetitions of repetitions): not decided.
    case undecided
}

/// Languages compared with each other on one alphabet, their automata built once and explored as needed: for a
/// cluster's transforms, every pair costs a walk of the pair's product automaton, never a new parse.
///
/// Classic constructions (Thompson's automaton, the subset construction done lazily, breadth-first search of the
/// product for the shortest witness); bounded by `Limits` so that no pattern makes a comparison slow.
public struct LanguageComparison {
    public struct Limits: Sendable {
        public var maximumNFAStates = 20_000
        public var maximumDFAStates = 4_000
        /// Product states explored per question.
        public var maximumPairs = 100_000
        /// NFA states visited while building one language's subset automaton.
        public var maximumWork = 2_000_000

        public init() {}
    }

    public let languages: [PatternLanguage]
    let limits: Limits
    let alphabet: Alphabet
    private var automata: [DFA?]
    private var built: [Bool]

    /// `membership` decides which characters each literal and set of the patterns matches (the automata are as
    /// exact as it is); by default Unicode properties as PCRE2 documents them.
    public init(_ languages: [PatternLanguage], limits: Limits = Limits(), membership: some CharacterMembership = UnicodePropertyMembership()) {
        self.languages = languages
        self.limits = limits
        alphabet = Alphabet(trees: languages.map(\.tree), membership: membership)
        automata = Array(repeating: nil, count: languages.count)
        built = Array(repeating: false, count: languages.count)
    }

    /// The characters the alphabet tells apart (its classes): a measure of the comparison's size.
    public var classCount: Int { alphabet.count }

    private mutating func automaton(_ language: Int) -> DFA? {
        if !built[language] {
            built[language] = true
            if let nfa = try? NFA(tree: languages[language].tree, alphabet: alphabet, maximumStates: limits.maximumNFAStates) {
                automata[language] = DFA(nfa: nfa, classCount: alphabet.count, maximumStates: limits.maximumDFAStates, maximumWork: limits.maximumWork)
            }
        }
        return automata[language]
    }

    /// Whether every alias of `inner` is one of `outer`'s; if not, the shortest alias that is not (its characters
    /// the most readable of their classes).
    public mutating func inclusion(of inner: Int, in outer: Int) -> Inclusion {
        guard var innerDFA = automaton(inner), var outerDFA = automaton(outer) else { return .undecided }
        defer {
            automata[inner] = innerDFA
            if inner != outer { automata[outer] = outerDFA }
        }
        if inner == outer { return .included }
        do {
            let found = try search(from: (DFA.start, DFA.start)) { pair throws(DFA.TooLarge) in
                (try innerDFA.step(pair.0, pair.1), try outerDFA.step(pair.2, pair.1))
            } isGoal: { innerState, outerState in
                innerDFA.accepts(innerState) && !outerDFA.accepts(outerState)
            } isDead: { innerState, _ in innerState == DFA.dead }
            guard let path = found.path else { return found.exhausted ? .included : .undecided }
            return .notIncluded(witness: text(path))
        } catch {
            return .undecided
        }
    }

    /// Whether `language` has no alias at all, and its shortest alias when it has: nil when undecided.
    public mutating func shortestMember(of language: Int) -> (isEmpty: Bool, member: String?)? {
        guard var dfa = automaton(language) else { return nil }
        defer { automata[language] = dfa }
        do {
            let found = try search(from: (DFA.start, DFA.start)) { pair throws(DFA.TooLarge) in
                let next = try dfa.step(pair.0, pair.1)
                return (next, next)
            } isGoal: { state, _ in dfa.accepts(state) } isDead: { state, _ in state == DFA.dead }
            if let path = found.path { return (false, text(path)) }
            return found.exhausted ? (true, nil) : nil
        } catch {
            return nil
        }
    }

    /// The shortest alias both languages have; nil when they share none or it is undecided (`decided` says).
    public mutating func intersection(_ first: Int, _ second: Int) -> (decided: Bool, witness: String?) {
        guard var firstDFA = automaton(first), var secondDFA = automaton(second) else { return (false, nil) }
        defer {
            automata[first] = firstDFA
            if first != second { automata[second] = secondDFA }
        }
        do {
            let found = try search(from: (DFA.start, DFA.start)) { pair throws(DFA.TooLarge) in
                (try firstDFA.step(pair.0, pair.1), try secondDFA.step(pair.2, pair.1))
            } isGoal: { a, b in firstDFA.accepts(a) && secondDFA.accepts(b) } isDead: { a, b in a == DFA.dead || b == DFA.dead }
            if let path = found.path { return (true, text(path)) }
            return (found.exhausted, nil)
        } catch {
            return (false, nil)
        }
    }

    private func text(_ path: [Int]) -> String {
        var string = String()
        string.unicodeScalars.append(contentsOf: path.map { alphabet.representatives[$0] })
        return string
    }

    /// Breadth-first search of a product automaton: the shortest class path from `start` to a goal pair, or none
    /// (`exhausted`: every reachable pair was seen; otherwise the pair limit stopped it).
    private func search(
        from start: (Int32, Int32),
        step: (_ pair: (Int32, Int, Int32)) throws(DFA.TooLarge) -> (Int32, Int32),
        isGoal: (Int32, Int32) -> Bool,
        isDead: (Int32, Int32) -> Bool
    ) throws(DFA.TooLarge) -> (path: [Int]?, exhausted: Bool) {
        struct Visit {
            let pair: (Int32, Int32)
            let parent: Int
            let symbol: Int
        }
        func key(_ pair: (Int32, Int32)) -> Int64 { Int64(pair.0) << 32 | Int64(UInt32(bitPattern: pair.1)) }
        var visits = [Visit(pair: start, parent: -1, symbol: -1)]
        var seen: Set<Int64> = [key(start)]
        var head = 0
        while head < visits.count {
            let visit = visits[head]
            if isGoal(visit.pair.0, visit.pair.1) {
                var path: [Int] = []
                var index = head
                while visits[index].parent >= 0 {
                    path.append(visits[index].symbol)
                    index = visits[index].parent
                }
                return (path.reversed(), false)
            }
            head += 1
            for symbol in 0..<alphabet.count {
                let next = try step((visit.pair.0, symbol, visit.pair.1))
                if isDead(next.0, next.1) { continue }
                guard seen.insert(key(next)).inserted else { continue }
                guard visits.count < limits.maximumPairs else { return (nil, false) }
                visits.append(Visit(pair: next, parent: head - 1, symbol: symbol))
            }
        }
        return (nil, true)
    }
}
