import PatternAutomata

/// A pattern that matches the empty alias is made only of optional parts (`(meet\.)?`, `\d*`): almost always a
/// quantifier on the wrong group, and a rule that matches far more than its author meant. [PX-regex_reference]
/// Call Policy patterns are left out: `.*` is how a Call Policy rule says "any caller" or "any destination".
enum PatternMatchesEmpty: PlanCheck {
    static let id = CheckID.patternMatchesEmpty

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let scratch = RegexScratch()
        // One comparison for every pattern: one alphabet, and an automaton per pattern.
        var comparison = LanguageComparison([.exact("")] + context.patterns.map { PatternLanguage(tree: $0.tree) }, membership: context.membership)
        return context.patterns.enumerated().compactMap { index, pattern in
            if case .callPolicy = pattern.site { return nil }
            guard comparison.inclusion(of: 0, in: index + 1) == .included, pattern.matches("", scratch: scratch) else { return nil }
            return Diagnostic(
                .warning,
                "\(pattern.describe(in: context.plan)) matches the empty alias: every part of it is optional",
                at: pattern.location, check: id, witness: "",
                notes: ["make the part every alias must have mandatory (e.g. '+' for '*')"])
        }
    }
}
