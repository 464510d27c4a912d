import Foundation
import PatternAutomata

/// Entry points for fuzzing (`scripts/fuzz TARGET SECONDS`) and for replaying the inputs fuzzing found: each takes
/// arbitrary bytes, runs one parser or generator the way the tool does on a user's input, and returns normally
/// whatever the bytes are. A crash, a hang or a runaway allocation here is a bug.
public enum FuzzTargets {
    /// The targets by name.
    public static let all: [String: @Sendable (Data) -> Void] = [
        "loader": loader, "template": template, "sampler": sampler, "automata": automata,
        "pexip": pexip, "vcs": vcs, "sfb": sfb,
    ]

    /// YAML bytes as a plan file, loaded and, when it loads, its checks run.
    public static func loader(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let plan = try? PlanLoader.load(files: [(path: "fuzz.yaml", text: text)], name: "fuzz") else { return }
        _ = PlanChecks.run(RoutingTables(plan: plan))
    }

    /// A pattern and a replace string (split at the first newline), compiled as the plan compiles them in both
    /// syntaxes, and applied to a few aliases.
    public static func template(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let pattern = String(parts[0])
        let replace = parts.count > 1 ? String(parts[1]) : ""
        let scratch = RegexScratch()
        for syntax in [ReplacementTemplate.Syntax.vcs, .python] {
            guard let matcher = try? AliasMatcher(type: .regex, string: pattern, behavior: .replace, replace: replace, syntax: syntax) else { continue }
            for alias in ["", "a", "meet.alice@vc.example", String(repeating: "a", count: 64), pattern] {
                _ = matcher.evaluate(alias, scratch: scratch)
            }
        }
    }

    /// A pattern case's pattern: samples and near misses generated.
    public static func sampler(_ data: Data) {
        guard let sampler = try? PatternSampler(pattern: String(decoding: data, as: UTF8.self)) else { return }
        _ = sampler.samples(count: 8, seed: 1)
        _ = sampler.nearMisses(count: 4, seed: 1)
    }

    /// Two patterns (split at the first newline) compared as rule analysis compares them.
    public static func automata(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let languages = parts.compactMap { try? PatternLanguage.regex($0, dialect: .pcre2) }
        guard !languages.isEmpty else { return }
        var comparison = LanguageComparison(languages, membership: PCRE2Membership())
        _ = comparison.shortestMember(of: 0)
        if languages.count > 1 {
            _ = comparison.inclusion(of: 0, in: 1)
            _ = comparison.intersection(0, 1)
        }
    }

    /// Bytes as a Management API JSON export.
    public static func pexip(_ data: Data) {
        _ = PexipExport.read([ExportFile(path: "fuzz.json", text: String(decoding: data, as: UTF8.self))])
    }

    /// Bytes as an xConfiguration export.
    public static func vcs(_ data: Data) {
        _ = VCSExport.read(ExportFile(path: "fuzz.txt", text: String(decoding: data, as: UTF8.self)), name: nil, nameAt: nil)
    }

    /// Bytes as a Skype for Business transcript or projection JSON.
    public static func sfb(_ data: Data) {
        _ = SfBExport.read([ExportFile(path: "fuzz.txt", text: String(decoding: data, as: UTF8.self))])
    }
}
