import PatternAutomata

/// A top-level `|` splits the whole pattern: `alice|bob@acme\.com` is `alice` or `bob@acme\.com`, so the domain
/// applies to the last branch only and a bare `alice` matches too. Found where some branches name a domain (`@`)
/// and others do not; the witness is an alias of a branch without one. [PX-regex_reference: `|` separates
/// alternatives of the whole expression unless grouped]
enum PatternAlternationScope: PlanCheck {
    static let id = CheckID.patternAlternationScope

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let scratch = RegexScratch()
        return context.patterns.compactMap { pattern in
            let tree = pattern.tree
            guard case .alternation(let branches) = tree.nodes[tree.root] else { return nil }
            let withDomain = branches.filter { hasAt($0, tree) }
            guard !withDomain.isEmpty, let bare = branches.first(where: { !hasAt($0, tree) }) else { return nil }
            var comparison = LanguageComparison([PatternLanguage(tree: tree.subtree(at: bare))], membership: context.membership)
            guard let witness = comparison.shortestMember(of: 0)?.member, !witness.isEmpty,
                pattern.matches(witness, scratch: scratch)
            else { return nil }
            return Diagnostic(
                .warning,
                "\(pattern.describe(in: context.plan)): the top-level '|' splits the whole pattern, so the domain applies to only some branches: it also matches '\(witness)'",
                at: pattern.location, check: id, witness: witness,
                notes: ["group the alternatives, e.g. '(alice|bob)@acme\\.com'"])
        }
    }

    private static func hasAt(_ node: Int, _ tree: RegexTree) -> Bool {
        if tree.literalScalar(at: node) == "@" { return true }
        return tree.children(of: node).contains { hasAt($0, tree) }
    }
}
