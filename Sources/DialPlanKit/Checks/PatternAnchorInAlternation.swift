import PatternAutomata

/// `^` and `$` bind to one branch of an alternation, not to the pattern: `^meet|room$` reads as if it anchored both
/// ends of either word, but it is `(^meet)|(room$)`. Every dial-plan match is of the whole alias, so such anchors are
/// redundant at best, and where they sit inside a branch they make it match nothing. [PX-regex_reference] [VCS
/// "Regular expressions": the pattern must match the whole alias]
enum PatternAnchorInAlternation: PlanCheck {
    static let id = CheckID.patternAnchorInAlternation

    static func run(_ context: CheckContext) -> [Diagnostic] {
        context.patterns.compactMap { pattern in
            let tree = pattern.tree
            let anchored = tree.nodes.indices.contains { node in
                guard case .alternation(let branches) = tree.nodes[node] else { return false }
                return branches.contains { branch in contains(anchorIn: branch, tree) }
            }
            guard anchored else { return nil }
            return Diagnostic(
                .warning,
                "\(pattern.describe(in: context.plan)) has '^' or '$' inside an alternation, where they bind to one branch, not the whole pattern",
                at: pattern.location, check: id,
                notes: ["every match is of the whole alias: drop the anchors, or group the alternation, e.g. '(a|b)'"])
        }
    }

    private static func contains(anchorIn node: Int, _ tree: RegexTree) -> Bool {
        if case .anchor = tree.nodes[node] { return true }
        return tree.children(of: node).contains { contains(anchorIn: $0, tree) }
    }
}
