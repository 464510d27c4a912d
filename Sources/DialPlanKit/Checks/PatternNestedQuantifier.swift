import PatternAutomata

/// An unbounded repetition of something that can itself repeat without a separator (`(a+)+`, `(\w+\.?)*`) can be
/// split in exponentially many ways: on an alias that almost matches, PCRE2 backtracks until its match limit, and
/// the call's outcome is unknown (reported as an `error` call where a simulated call hits it). [PCRE2 "pcre2perform":
/// nested unlimited repeats]
enum PatternNestedQuantifier: PlanCheck {
    static let id = CheckID.patternNestedQuantifier

    static func run(_ context: CheckContext) -> [Diagnostic] {
        context.patterns.compactMap { pattern in
            let tree = pattern.tree
            let nested = tree.nodes.indices.contains { node in
                guard case .repetition(let child, _, let maximum) = tree.nodes[node], maximum == nil || maximum! > 1 else { return false }
                return repeatsFreely(child, tree)
            }
            guard nested else { return nil }
            return Diagnostic(
                .warning,
                "\(pattern.describe(in: context.plan)) repeats a repetition with nothing in between (like '(a+)+'): an alias that almost matches can make PCRE2 backtrack until its limit",
                at: pattern.location, check: id,
                notes: ["repeat once ('a+' for '(a+)+'), or put a required separator inside the group"])
        }
    }

    /// Whether every part of `node` is a repetition or optional, with at least one unbounded repetition: its
    /// matches can be cut into pieces in many ways.
    private static func repeatsFreely(_ node: Int, _ tree: RegexTree) -> Bool {
        switch tree.nodes[node] {
        case .repetition(let child, let minimum, let maximum):
            return maximum == nil || minimum == 0 && repeatsFreely(child, tree)
        case .sequence(let items):
            return items.contains { isUnbounded($0, tree) } && items.allSatisfy { isOptionalOrRepeated($0, tree) }
        case .alternation(let branches):
            return branches.contains { repeatsFreely($0, tree) }
        default:
            return false
        }
    }

    private static func isUnbounded(_ node: Int, _ tree: RegexTree) -> Bool {
        if case .repetition(_, _, nil) = tree.nodes[node] { return true }
        return false
    }

    private static func isOptionalOrRepeated(_ node: Int, _ tree: RegexTree) -> Bool {
        switch tree.nodes[node] {
        case .repetition, .anchor, .empty: return true
        default: return false
        }
    }
}
