import PatternAutomata

/// `.` matches any character: written between the letters of a domain (`vc.acme.com`), it also lets `vcxacme.com`
/// through, which routes aliases of a domain nobody owns (or a lookalike) as if they were the plan's own.
/// [PX-regex_reference: `.` matches any character; a literal dot is `\.`]
enum PatternUnescapedDot: PlanCheck {
    static let id = CheckID.patternUnescapedDot

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let scratch = RegexScratch()
        return context.patterns.compactMap { pattern in
            let tree = pattern.tree
            var dots: [Int] = []
            for node in tree.nodes.indices {
                guard case .sequence(let items) = tree.nodes[node] else { continue }
                for (position, item) in items.enumerated() where position > 0 && position + 1 < items.count {
                    guard case .characterSet(let set) = tree.nodes[item], set.isDot,
                        isWordLiteral(items[position - 1], tree), isWordLiteral(items[position + 1], tree)
                    else { continue }
                    dots.append(item)
                }
            }
            guard !dots.isEmpty else { return nil }
            // What the author meant: every such dot escaped. The witness: an alias the pattern with only the first of
            // them unescaped matches and the meant one does not (`vcxacme.com`, one character changed).
            var intended = PatternLanguage(tree: tree)
            for dot in dots { intended = intended.replacing(node: dot, with: .literal(".")) }
            let firstOnly = intended.replacing(node: dots[0], with: tree.nodes[dots[0]])
            var comparison = LanguageComparison([firstOnly, intended], membership: context.membership)
            guard case .notIncluded(let witness) = comparison.inclusion(of: 0, in: 1), pattern.matches(witness, scratch: scratch) else {
                return nil
            }
            let count = dots.count == 1 ? "an unescaped '.'" : "\(dots.count) unescaped '.'"
            return Diagnostic(
                .warning,
                "\(pattern.describe(in: context.plan)) has \(count) between letters, which matches any character: it also matches '\(witness)'",
                at: pattern.location, check: id, witness: witness,
                notes: ["write '\\.' for a literal dot"])
        }
    }

    private static func isWordLiteral(_ node: Int, _ tree: RegexTree) -> Bool {
        guard let scalar = tree.literalScalar(at: node) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "-"
    }
}
