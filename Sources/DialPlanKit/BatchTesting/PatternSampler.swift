import PatternAutomata
/// Generates aliases from a dial-plan regex, for batch tests.
///
/// A pattern case says "every alias this rule matches must land in Singapore"; no test can dial every such alias,
/// so the sampler picks a few that exercise the pattern's structure: each alternative, both sides of each `?`, the
/// bounds of each quantifier, then random ones. Every sample is checked with PCRE2 itself (whole alias, caseless,
/// as the dial plan compiles it), so a construct the generator approximates costs a sample, never a wrong one.
///
/// Samples and near misses depend only on the pattern, the count and the seed: a failing CI run can be reproduced.
public struct PatternSampler: Sendable {
    /// The pattern as written.
    public let pattern: String
    let syntax: RegexSyntax
    let regex: PCRERegex
    /// Every coverage goal: an alternative of an alternation or a repetition count (a bound, or both sides of `?`).
    let targets: [CoverageTarget]
    /// For each node, its own coverage goals (indices into `targets`).
    let targetsByNode: [[Int]]
    /// For each node, the node that holds it (the root holds itself).
    let parents: [Int]

    /// Longest alias generated, in Unicode scalars: real aliases are far shorter, and nested quantifiers such as
    /// `((a{100}){100}){100}` must not build megabytes.
    static let maximumLength = 4096
    /// Nodes visited per generated string, so that repetitions of empty groups end quickly.
    static let maximumSteps = 100_000
    /// Consecutive attempts without a new string after which the pattern is taken to match no more strings.
    static let patience = 256
    /// PCRE2 match or depth limits hit after which sampling stops: each costs milliseconds, and a pattern that hits
    /// them this often is pathological (nested unbounded groups) and would hit them in the dial plan too.
    static let maximumLimitHits = 32

    struct CoverageTarget: Sendable {
        enum Choice: Sendable {
            case branch(Int)
            case count(Int)
        }
        let node: Int
        let choice: Choice
    }

    /// Parses `pattern`. Throws for syntax it cannot generate from (lookaround, backreferences, possessive/atomic
    /// groups, \b, conditionals...) with a message and the 1-based column in the pattern, and for patterns PCRE2
    /// itself rejects.
    public init(pattern: String) throws(PatternSamplerError) {
        self.pattern = pattern
        // Our own parse comes first so that an unsupported construct is named as such: PCRE2 would, for example,
        // reject `a\1` for its missing group rather than for being a backreference.
        var parsed: RegexSyntax?
        var parseFailure: RegexParseFailure?
        do { parsed = try RegexSyntax.parse(pattern) } catch { parseFailure = error }
        if let parseFailure, parseFailure.isUnsupported {
            throw PatternSamplerError(
                message: parseFailure.message, column: PatternSampler.column(ofScalarOffset: parseFailure.offset, in: pattern))
        }
        let compiled: PCRERegex
        do { compiled = try PCRERegex(pattern) } catch {
            throw PatternSamplerError(message: error.message, column: error.column)
        }
        guard let syntax = parsed else {
            let failure = parseFailure!
            throw PatternSamplerError(
                message: failure.message, column: PatternSampler.column(ofScalarOffset: failure.offset, in: pattern))
        }
        self.syntax = syntax
        regex = compiled

        var targets: [CoverageTarget] = []
        var targetsByNode = [[Int]](repeating: [], count: syntax.nodes.count)
        var parents = Array(syntax.nodes.indices)
        for node in syntax.preorder() {
            for child in syntax.children(of: node) { parents[child] = node }
            switch syntax.nodes[node] {
            case .alternation(let branches):
                for branch in branches.indices {
                    targetsByNode[node].append(targets.count)
                    targets.append(CoverageTarget(node: node, choice: .branch(branch)))
                }
            case .repetition(_, let minimum, let maximum):
                targetsByNode[node].append(targets.count)
                targets.append(CoverageTarget(node: node, choice: .count(minimum)))
                if let maximum, maximum != minimum {
                    targetsByNode[node].append(targets.count)
                    targets.append(CoverageTarget(node: node, choice: .count(maximum)))
                }
            case .empty, .literal, .characterSet, .sequence:
                break
            }
        }
        self.targets = targets
        self.targetsByNode = targetsByNode
        self.parents = parents
    }

    /// Up to `count` distinct strings that the pattern matches (whole, case-insensitively: verify each with
    /// PCRERegex and drop any that does not match), deterministic for a given `seed` (use your own small PRNG such
    /// as SplitMix64, never the system RNG). The first samples are chosen to cover: every alternative of every `|`,
    /// both sides of every `?`, and the minimum and maximum repetition of every bounded quantifier ({n}, {n,m}) and
    /// the minimum of unbounded ones (*, +, {n,}); the rest are random. Fewer than `count` when the pattern matches
    /// fewer distinct strings (e.g. a literal matches one).
    ///
    /// Strings differing only in case count as one (aliases are compared caselessly), and the empty string is never
    /// a sample (nobody dials it).
    public func samples(count: Int, seed: UInt64) -> [String] {
        guard count > 0 else { return [] }
        var rng = SplitMix64(seed: seed)
        var collector = Collector(regex: regex, wantMatch: true)

        // Coverage: each attempt steers towards goals not yet met; a goal that keeps failing verification (an
        // anchor in the middle, say) is given up so that the phase ends.
        var uncovered = [Bool](repeating: true, count: targets.count)
        var failures = [Int](repeating: 0, count: targets.count)
        var attempts = 0
        var fruitless = 0
        while uncovered.contains(true), collector.results.count < count, attempts < 4 * targets.count + 16,
            fruitless < 8, collector.isAffordable
        {
            attempts += 1
            var generator = Generator.coverage(self, rng: rng, steer: steering(uncovered), uncovered: uncovered)
            generator.emit(syntax.root)
            rng = generator.rng
            let tried = generator.hits.filter { uncovered[$0] }
            if !generator.failed, collector.offer(generator.output) != .rejected {
                for target in generator.hits { uncovered[target] = false }
                fruitless = tried.isEmpty ? fruitless + 1 : 0
            } else {
                fruitless += 1
                for target in tried {
                    failures[target] += 1
                    if failures[target] >= 3 { uncovered[target] = false }
                }
            }
        }

        var misses = 0
        let limit = PatternSampler.attemptLimit(count)
        attempts = 0
        while collector.results.count < count, misses < PatternSampler.patience, attempts < limit,
            collector.isAffordable
        {
            attempts += 1
            var generator = Generator.random(self, rng: rng)
            generator.emit(syntax.root)
            rng = generator.rng
            if !generator.failed, collector.offer(generator.output) == .added { misses = 0 } else { misses += 1 }
        }
        return collector.results
    }

    /// Up to `count` distinct strings close to matching strings but NOT matched by the pattern (verify with PCRE2):
    /// a repetition one below a minimum or one above a maximum, a character outside a class, a literal character
    /// dropped or changed, an extra character at either end. Deterministic for `seed`.
    ///
    /// The first near misses take each kind of change in turn (bounds, classes, literals, ends) so that a few of
    /// them already probe different edges of the pattern.
    public func nearMisses(count: Int, seed: UInt64) -> [String] {
        guard count > 0 else { return [] }
        var rng = SplitMix64(seed: seed)
        var collector = Collector(regex: regex, wantMatch: false)
        let mutations = mutationSchedule()

        func attempt(_ mutation: Mutation) -> Bool {
            let steer: [Bool]
            switch mutation {
            case .count(let node, _), .outside(let node), .dropLiteral(let node), .changeLiteral(let node):
                steer = path(to: node)
            case .prepend, .append:
                steer = [Bool](repeating: false, count: syntax.nodes.count)
            }
            var generator = Generator.mutation(self, rng: rng, mutation: mutation, steer: steer)
            generator.emit(syntax.root)
            rng = generator.rng
            guard !generator.failed, generator.mutationApplied else { return false }
            var output = generator.output
            switch mutation {
            case .prepend: output.insert(SamplerAlphabet.edge[rng.below(SamplerAlphabet.edge.count)], at: 0)
            case .append: output.append(SamplerAlphabet.edge[rng.below(SamplerAlphabet.edge.count)])
            default: break
            }
            return collector.offer(output) == .added
        }

        for mutation in mutations where collector.results.count < count && collector.isAffordable {
            if !attempt(mutation) { _ = attempt(mutation) }
        }
        var misses = 0
        var attempts = 0
        let limit = PatternSampler.attemptLimit(count)
        while collector.results.count < count, misses < PatternSampler.patience, attempts < limit, !mutations.isEmpty,
            collector.isAffordable
        {
            attempts += 1
            misses = attempt(mutations[rng.below(mutations.count)]) ? 0 : misses + 1
        }
        return collector.results
    }

    // MARK: - Internals

    /// Attempts allowed for `count` strings: generous, yet bounded for any count.
    static func attemptLimit(_ count: Int) -> Int {
        min(count, 1_000_000) * 20 + 1000
    }

    /// For each node, whether its subtree holds an uncovered goal (children come before parents in `nodes`).
    func steering(_ uncovered: [Bool]) -> [Bool] {
        var steer = [Bool](repeating: false, count: syntax.nodes.count)
        for node in syntax.nodes.indices {
            steer[node] =
                targetsByNode[node].contains { uncovered[$0] } || syntax.children(of: node).contains { steer[$0] }
        }
        return steer
    }

    /// For each node, whether it lies on the path from the root to `target`.
    func path(to target: Int) -> [Bool] {
        var steer = [Bool](repeating: false, count: syntax.nodes.count)
        var node = target
        while !steer[node] {
            steer[node] = true
            node = parents[node]
        }
        return steer
    }

    /// One way of missing the pattern.
    enum Mutation: Equatable {
        /// The repetition `node` repeated `count` times, just outside its bounds.
        case count(node: Int, count: Int)
        /// A character the set does not match in place of one of its members.
        case outside(node: Int)
        case dropLiteral(node: Int)
        case changeLiteral(node: Int)
        case prepend
        case append
    }

    /// Every mutation of the pattern, taking each kind in turn.
    func mutationSchedule() -> [Mutation] {
        var bounds: [Mutation] = []
        var sets: [Mutation] = []
        var literals: [Mutation] = []
        for node in syntax.preorder() {
            switch syntax.nodes[node] {
            case .repetition(_, let minimum, let maximum):
                if minimum > 0 { bounds.append(.count(node: node, count: minimum - 1)) }
                if let maximum { bounds.append(.count(node: node, count: maximum + 1)) }
            case .characterSet(_, let outsiders) where !outsiders.isEmpty:
                sets.append(.outside(node: node))
            case .literal:
                literals.append(.changeLiteral(node: node))
                literals.append(.dropLiteral(node: node))
            default:
                break
            }
        }
        let kinds = [bounds, sets, literals, [.prepend, .append]]
        var schedule: [Mutation] = []
        for round in 0..<(kinds.map(\.count).max() ?? 0) {
            for kind in kinds where round < kind.count { schedule.append(kind[round]) }
        }
        return schedule
    }

    /// 1-based column, in characters, of a Unicode-scalar offset in `text` (as `PCRERegex` reports columns).
    static func column(ofScalarOffset offset: Int, in text: String) -> Int {
        PCRERegex.column(ofOffset: offset, in: text) { $0.unicodeScalars.count }
    }
}

/// Why a pattern cannot be sampled: syntax the sampler does not generate from, or a pattern PCRE2 rejects.
public struct PatternSamplerError: Error, Equatable, Sendable {
    /// In lower case, like PCRE2's own messages, which are passed on unchanged.
    public let message: String
    /// 1-based, in characters of the pattern.
    public let column: Int

    public init(message: String, column: Int) {
        self.message = message
        self.column = column
    }
}


/// Keeps the verified, distinct strings in the order found.
private struct Collector {
    enum Outcome { case added, duplicate, rejected }

    let regex: PCRERegex
    /// Samples must match; near misses must not.
    let wantMatch: Bool
    let scratch = RegexScratch(maxCaptures: 0)
    var results: [String] = []
    /// Caseless keys: the dial plan cannot tell `Meet.Bob` from `meet.bob`.
    var seen: Set<String> = []
    private var limitHits = 0

    /// Whether PCRE2 has rarely enough hit its limits to keep trying.
    var isAffordable: Bool { limitHits < PatternSampler.maximumLimitHits }

    init(regex: PCRERegex, wantMatch: Bool) {
        self.regex = regex
        self.wantMatch = wantMatch
    }

    mutating func offer(_ scalars: [Unicode.Scalar]) -> Outcome {
        guard !scalars.isEmpty else { return .rejected }
        var text = String()
        text.unicodeScalars.append(contentsOf: scalars)
        let key = text.lowercased()
        if seen.contains(key) {
            // Already verified: for coverage it still counts as meeting the goals its generation met.
            return .duplicate
        }
        let status = regex.match(text, scratch: scratch)
        if case .limitExceeded = status { limitHits += 1 }
        // A match that hit PCRE2's limits proves nothing either way.
        guard wantMatch ? status == .matched : status == .noMatch else { return .rejected }
        seen.insert(key)
        results.append(text)
        return .added
    }
}

/// Builds one string by walking the syntax tree, steered towards coverage goals or a mutation.
///
/// The walk runs once per attempt, tens of thousands of times for a large count, so the steering is kept in plain
/// stored properties rather than an enum with payloads that every visit would copy.
private struct Generator {
    enum Mode {
        case random
        /// Head for uncovered goals: `steer[node]` says the subtree holds one, `uncovered[target]` which.
        case coverage
        /// Head for the mutated node: `steer[node]` says it lies on the path there.
        case mutation
    }

    let nodes: [RegexSyntax.Node]
    let targets: [PatternSampler.CoverageTarget]
    let targetsByNode: [[Int]]
    let mode: Mode
    let steer: [Bool]
    let uncovered: [Bool]
    let mutation: PatternSampler.Mutation?
    var rng: SplitMix64
    var output: [Unicode.Scalar] = []
    /// Coverage goals this string realized.
    var hits: [Int] = []
    var failed = false
    var mutationApplied = false
    private var steps = 0

    private init(
        sampler: PatternSampler, rng: SplitMix64, mode: Mode, steer: [Bool] = [], uncovered: [Bool] = [],
        mutation: PatternSampler.Mutation? = nil
    ) {
        nodes = sampler.syntax.nodes
        targets = sampler.targets
        targetsByNode = sampler.targetsByNode
        self.rng = rng
        self.mode = mode
        self.steer = steer
        self.uncovered = uncovered
        self.mutation = mutation
        // Changes at the ends are made to a whole generated string, after the walk.
        mutationApplied = mutation == .prepend || mutation == .append
    }

    static func random(_ sampler: PatternSampler, rng: SplitMix64) -> Generator {
        Generator(sampler: sampler, rng: rng, mode: .random)
    }

    static func coverage(_ sampler: PatternSampler, rng: SplitMix64, steer: [Bool], uncovered: [Bool]) -> Generator {
        Generator(sampler: sampler, rng: rng, mode: .coverage, steer: steer, uncovered: uncovered)
    }

    static func mutation(
        _ sampler: PatternSampler, rng: SplitMix64, mutation: PatternSampler.Mutation, steer: [Bool]
    ) -> Generator {
        Generator(sampler: sampler, rng: rng, mode: .mutation, steer: steer, mutation: mutation)
    }

    /// Whether the walk should head into `node`: it holds an uncovered goal, or the mutation not yet made.
    private func wants(_ node: Int) -> Bool {
        switch mode {
        case .random: return false
        case .coverage: return steer[node]
        case .mutation: return !mutationApplied && steer[node]
        }
    }

    private var isRandom: Bool { mode == .random }

    private func isUncovered(_ target: Int) -> Bool {
        mode == .coverage && uncovered[target]
    }

    mutating func emit(_ node: Int) {
        guard !failed else { return }
        steps += 1
        if steps > PatternSampler.maximumSteps || output.count > PatternSampler.maximumLength {
            failed = true
            return
        }
        switch nodes[node] {
        case .empty:
            break
        case .literal(let scalar):
            emitLiteral(scalar, node: node)
        case .characterSet(let members, let outsiders):
            if !mutationApplied, mutation == .outside(node: node) {
                mutationApplied = true
                output.append(outsiders[rng.below(outsiders.count)])
            } else if members.isEmpty {
                failed = true
            } else {
                output.append(members[rng.below(members.count)])
            }
        case .sequence(let items):
            for item in items { emit(item) }
        case .alternation(let branches):
            // Random samples are most of a large count: they skip the steering work.
            guard !isRandom else {
                emit(branches[rng.below(branches.count)])
                return
            }
            let targets = targetsByNode[node]
            var choices = branches.indices.filter { isUncovered(targets[$0]) }
            if choices.isEmpty { choices = branches.indices.filter { wants(branches[$0]) } }
            let branch = choices.isEmpty ? rng.below(branches.count) : choices[rng.below(choices.count)]
            hits.append(targets[branch])
            emit(branches[branch])
        case .repetition(let child, let minimum, let maximum):
            let count = repetitions(node: node, child: child, minimum: minimum, maximum: maximum)
            if mode == .coverage {
                for target in targetsByNode[node] {
                    if case .count(let goal) = targets[target].choice, goal == count { hits.append(target) }
                }
            }
            for _ in 0..<count where !failed { emit(child) }
        }
    }

    private mutating func emitLiteral(_ scalar: Unicode.Scalar, node: Int) {
        guard !mutationApplied, let mutation else {
            output.append(scalar)
            return
        }
        switch mutation {
        case .dropLiteral(node):
            mutationApplied = true
        case .changeLiteral(node):
            mutationApplied = true
            // Same kind of character where possible, and never the same letter in the other case (caseless).
            let folded = Unicode.Scalar(scalar.isASCII ? scalar.value | 0x20 : scalar.value) ?? scalar
            let pool = SamplerAlphabet.digits.contains(scalar) ? SamplerAlphabet.digits : SamplerAlphabet.letters
            let others = pool.filter { $0 != folded && $0 != scalar }
            output.append(others[rng.below(others.count)])
        default:
            output.append(scalar)
        }
    }

    /// How many times a repetition repeats: a mutation's count, an uncovered bound, enough to reach a wanted goal
    /// inside, or random (unbounded ones at most `min + 4`; wide bounded ones mostly near the minimum).
    private mutating func repetitions(node: Int, child: Int, minimum: Int, maximum: Int?) -> Int {
        if !mutationApplied, case .count(node, let count) = mutation {
            mutationApplied = true
            return count
        }
        let randomSpan = maximum.map { min($0 - minimum, 16) } ?? 4
        if isRandom { return minimum + rng.below(randomSpan + 1) }
        let needsChild = wants(child) && (maximum ?? 1) >= 1
        var options: [Int] = []
        for target in targetsByNode[node] where isUncovered(target) {
            if case .count(let goal) = targets[target].choice, !needsChild || goal >= 1 { options.append(goal) }
        }
        if !options.isEmpty { return options[rng.below(options.count)] }
        if needsChild {
            let low = max(minimum, 1)
            return rng.int(in: low...max(low, minimum + randomSpan))
        }
        return minimum + rng.below(randomSpan + 1)
    }
}
