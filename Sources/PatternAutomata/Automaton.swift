/// A pattern's Thompson automaton over an `Alphabet`'s classes: states with empty moves, anchor moves (taken only at
/// the start or the end of the alias) and at most one character move each.
struct NFA: Sendable {
    var empty: [[Int32]] = []
    var atStart: [[Int32]] = []
    var atEnd: [[Int32]] = []
    /// The character move of each state: the classes it reads, and where it goes.
    var move: [(classes: ClassSet, target: Int32)?] = []
    var start: Int32 = 0
    var accept: Int32 = 0

    /// Too many states: bounded repetitions of repetitions (`(a{100}){100}`) are refused rather than built.
    struct TooLarge: Error {}

    fileprivate init() {}

    init(tree: RegexTree, alphabet: Alphabet, maximumStates: Int) throws(TooLarge) {
        var builder = Builder(tree: tree, alphabet: alphabet, maximumStates: maximumStates)
        let fragment = try builder.build(tree.root)
        self = builder.nfa
        start = fragment.start
        accept = fragment.end
    }

    private struct Builder {
        let tree: RegexTree
        let alphabet: Alphabet
        let maximumStates: Int
        var nfa = NFA()

        init(tree: RegexTree, alphabet: Alphabet, maximumStates: Int) {
            self.tree = tree
            self.alphabet = alphabet
            self.maximumStates = maximumStates
        }

        mutating func state() throws(TooLarge) -> Int32 {
            guard nfa.move.count < maximumStates else { throw TooLarge() }
            nfa.empty.append([])
            nfa.atStart.append([])
            nfa.atEnd.append([])
            nfa.move.append(nil)
            return Int32(nfa.move.count - 1)
        }

        mutating func link(_ from: Int32, _ to: Int32) {
            nfa.empty[Int(from)].append(to)
        }

        mutating func build(_ node: Int) throws(TooLarge) -> (start: Int32, end: Int32) {
            switch tree.nodes[node] {
            case .empty:
                let only = try state()
                return (only, only)
            case .anchor(let anchor):
                let start = try state()
                let end = try state()
                switch anchor {
                case .start: nfa.atStart[Int(start)].append(end)
                case .end: nfa.atEnd[Int(start)].append(end)
                }
                return (start, end)
            case .literal(let scalar):
                return try character(alphabet.classes(of: .literal(scalar)))
            case .characterSet(let set):
                return try character(alphabet.classes(of: .set(set)))
            case .sequence(let items):
                let start = try state()
                var end = start
                for item in items {
                    let part = try build(item)
                    link(end, part.start)
                    end = part.end
                }
                return (start, end)
            case .alternation(let branches):
                let start = try state()
                let end = try state()
                for branch in branches {
                    let part = try build(branch)
                    link(start, part.start)
                    link(part.end, end)
                }
                return (start, end)
            case .repetition(let child, let minimum, let maximum):
                let start = try state()
                var end = start
                for _ in 0..<minimum {
                    let part = try build(child)
                    link(end, part.start)
                    end = part.end
                }
                if let maximum {
                    // Each optional copy may be skipped to the end.
                    let last = try state()
                    for _ in minimum..<max(minimum, maximum) {
                        let part = try build(child)
                        link(end, part.start)
                        link(end, last)
                        end = part.end
                    }
                    link(end, last)
                    return (start, last)
                }
                let loop = try state()
                link(end, loop)
                let part = try build(child)
                link(loop, part.start)
                link(part.end, loop)
                return (start, loop)
            }
        }

        mutating func character(_ classes: ClassSet) throws(TooLarge) -> (start: Int32, end: Int32) {
            let start = try state()
            let end = try state()
            nfa.move[Int(start)] = (classes, end)
            return (start, end)
        }
    }

    /// The states reachable from `states` by empty moves, and anchor moves where allowed.
    func closure(_ states: [Int32], atStart allowStart: Bool, atEnd allowEnd: Bool) -> [Int32] {
        var seen = Set(states)
        var stack = states
        while let state = stack.popLast() {
            let index = Int(state)
            for next in empty[index] where seen.insert(next).inserted { stack.append(next) }
            if allowStart { for next in atStart[index] where seen.insert(next).inserted { stack.append(next) } }
            if allowEnd { for next in atEnd[index] where seen.insert(next).inserted { stack.append(next) } }
        }
        return seen.sorted()
    }
}

/// The subset automaton of an `NFA`, built as it is explored. State 0 is the start (where `^` holds), state 1 the
/// dead state; `step` and `accepts` fill the tables on first use.
struct DFA {
    private let nfa: NFA
    private let classCount: Int
    private var sets: [[Int32]] = []
    private var index: [[Int32]: Int32] = [:]
    private var accepting: [Bool] = []
    /// `transitions[state * classCount + class]`, -1 until computed.
    private var transitions: [Int32] = []
    let maximumStates: Int
    /// NFA states visited in closures and steps, and the most allowed: a few subset states can each hold thousands
    /// of NFA states (`[a-z]*[a-z]{0,6000}`), so states alone do not bound the time.
    private var work = 0
    let maximumWork: Int

    static let start: Int32 = 0
    static let dead: Int32 = 1

    /// More subset states than allowed: the comparison is undecided.
    struct TooLarge: Error {}

    init(nfa: NFA, classCount: Int, maximumStates: Int, maximumWork: Int) {
        self.nfa = nfa
        self.classCount = classCount
        self.maximumStates = maximumStates
        self.maximumWork = maximumWork
        let initial = nfa.closure([nfa.start], atStart: true, atEnd: false)
        // The start is not indexed: a later state with the same set differs from it, `^` no longer holding there.
        append(initial, accepting: nfa.closure([nfa.start], atStart: true, atEnd: true).contains(nfa.accept), indexed: false)
        append([], accepting: false)
    }

    private mutating func append(_ set: [Int32], accepting accepts: Bool, indexed: Bool = true) {
        sets.append(set)
        if indexed { index[set] = Int32(sets.count - 1) }
        accepting.append(accepts)
        transitions.append(contentsOf: repeatElement(-1, count: classCount))
    }

    var stateCount: Int { sets.count }

    func accepts(_ state: Int32) -> Bool { accepting[Int(state)] }

    /// The state after reading one character of class `symbol` in `state`.
    mutating func step(_ state: Int32, _ symbol: Int) throws(TooLarge) -> Int32 {
        let slot = Int(state) * classCount + symbol
        let known = transitions[slot]
        if known >= 0 { return known }
        var targets: [Int32] = []
        work += sets[Int(state)].count
        guard work <= maximumWork else { throw TooLarge() }
        for nfaState in sets[Int(state)] {
            if let move = nfa.move[Int(nfaState)], move.classes.contains(symbol) { targets.append(move.target) }
        }
        let next: Int32
        if targets.isEmpty {
            next = DFA.dead
        } else {
            let set = nfa.closure(targets, atStart: false, atEnd: false)
            work += set.count
            guard work <= maximumWork else { throw TooLarge() }
            if let existing = index[set] {
                next = existing
            } else {
                guard sets.count < maximumStates else { throw TooLarge() }
                append(set, accepting: nfa.closure(set, atStart: false, atEnd: true).contains(nfa.accept))
                next = Int32(sets.count - 1)
            }
        }
        transitions[slot] = next
        return next
    }
}
