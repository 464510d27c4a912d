@testable import DialPlanKit
import Testing

/// VCS pattern types (exact / prefix / suffix / regex) and behaviors (leave / strip / replace / addprefix /
/// addsuffix), as used by pre-search transforms, search rules and Call Routing Rules.
@Suite struct AliasMatcherTests {

    // MARK: - Helpers

    private static func evaluate(
        _ type: PatternType, _ pattern: String, _ behavior: PatternBehavior = .leave, replace: String = "",
        on alias: String
    ) throws -> AliasMatchResult {
        let matcher = try AliasMatcher(type: type, string: pattern, behavior: behavior, replace: replace)
        return matcher.evaluate(alias, scratch: RegexScratch())
    }

    private static func error(
        _ type: PatternType, _ pattern: String, _ behavior: PatternBehavior, replace: String
    ) -> AliasMatcherError? {
        do {
            _ = try AliasMatcher(type: type, string: pattern, behavior: behavior, replace: replace)
            return nil
        } catch {
            return error
        }
    }

    struct MatchCase: Sendable, CustomTestStringConvertible {
        let type: PatternType
        let pattern: String
        let alias: String
        let matches: Bool
        var testDescription: String { "\(type) '\(pattern)' vs '\(alias)' → \(matches ? "match" : "no match")" }
    }

    struct RewriteCase: Sendable, CustomTestStringConvertible {
        let type: PatternType
        let pattern: String
        let behavior: PatternBehavior
        let replace: String
        let alias: String
        /// The rewritten alias; nil when the alias is left unchanged.
        let expected: String?
        var testDescription: String {
            "\(type) '\(pattern)' \(behavior) '\(replace)' on '\(alias)' → \(expected.map { "'\($0)'" } ?? "unchanged")"
        }
    }

    // MARK: - Matching

    // [VCS "Pattern types"] Exact: the alias must be the pattern string, character for character.
    @Test(arguments: [
        MatchCase(type: .exact, pattern: "1001", alias: "1001", matches: true),
        MatchCase(type: .exact, pattern: "1001", alias: "10011", matches: false),
        MatchCase(type: .exact, pattern: "1001", alias: "100", matches: false),
        MatchCase(type: .exact, pattern: "1001", alias: "91001", matches: false),
        MatchCase(type: .exact, pattern: "", alias: "", matches: true),
        MatchCase(type: .exact, pattern: "", alias: "x", matches: false),
        MatchCase(type: .exact, pattern: "1.01", alias: "1x01", matches: false),
        MatchCase(type: .exact, pattern: "1.01", alias: "1.01", matches: true),
        MatchCase(type: .exact, pattern: ".*", alias: "anything", matches: false),
    ])
    func exactMatchesTheWholeAliasLiterally(_ c: MatchCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, on: c.alias)
        #expect(result == (c.matches ? .matched(rewritten: nil) : .noMatch))
    }

    // [VCS "Pattern types"] Prefix: the alias starts with the pattern string; Suffix: it ends with it.
    @Test(arguments: [
        MatchCase(type: .prefix, pattern: "meet.", alias: "meet.alice@vc.example", matches: true),
        MatchCase(type: .prefix, pattern: "meet.", alias: "meet.", matches: true),
        MatchCase(type: .prefix, pattern: "meet.", alias: "mee", matches: false),
        MatchCase(type: .prefix, pattern: "meet.", alias: "xmeet.alice", matches: false),
        MatchCase(type: .prefix, pattern: "meet.", alias: "meetXalice", matches: false),
        MatchCase(type: .prefix, pattern: "9", alias: "19", matches: false),
        MatchCase(type: .prefix, pattern: "", alias: "anything", matches: true),
        MatchCase(type: .suffix, pattern: "@vc.example", alias: "alice@vc.example", matches: true),
        MatchCase(type: .suffix, pattern: "@vc.example", alias: "alice@vc.example.com", matches: false),
        MatchCase(type: .suffix, pattern: "@vc.example", alias: "vc.example", matches: false),
        MatchCase(type: .suffix, pattern: "@vc.example", alias: "@vc.example", matches: true),
        MatchCase(type: .suffix, pattern: ".example", alias: "alice@vcXexample", matches: false),
    ])
    func prefixAndSuffixMatchTheStartOrEndOfTheAlias(_ c: MatchCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, on: c.alias)
        #expect(result == (c.matches ? .matched(rewritten: nil) : .noMatch))
    }

    // [VCS "Regular expressions"] model: a Regex pattern must match the whole alias. [PX-regex_reference]
    @Test(arguments: [
        MatchCase(type: .regex, pattern: "meet", alias: "meet.alice", matches: false),
        MatchCase(type: .regex, pattern: "alice", alias: "meet.alice", matches: false),
        MatchCase(type: .regex, pattern: "meet\\..+", alias: "meet.alice", matches: true),
        MatchCase(type: .regex, pattern: "a|ab", alias: "ab", matches: true),
        MatchCase(type: .regex, pattern: "\\d{4}", alias: "12345", matches: false),
        MatchCase(type: .regex, pattern: "(?!9)\\d+", alias: "9123", matches: false),
    ])
    func regexMustMatchTheWholeAlias(_ c: MatchCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, on: c.alias)
        #expect(result == (c.matches ? .matched(rewritten: nil) : .noMatch))
    }

    // [VCS] model and issue 2 §3.4: Exact/Prefix/Suffix/Regex compare case-insensitively.
    @Test(arguments: [
        MatchCase(type: .exact, pattern: "meet.alice@vc.example", alias: "MEET.Alice@VC.example", matches: true),
        MatchCase(type: .exact, pattern: "MEET.ALICE@VC.EXAMPLE", alias: "meet.alice@vc.example", matches: true),
        MatchCase(type: .prefix, pattern: "MEET.", alias: "meet.alice", matches: true),
        MatchCase(type: .prefix, pattern: "sip:", alias: "SIP:alice@vc.example", matches: true),
        MatchCase(type: .suffix, pattern: "@VC.Example", alias: "alice@vc.EXAMPLE", matches: true),
        MatchCase(type: .regex, pattern: "MEET\\.[A-Z]+", alias: "meet.alice", matches: true),
        // Case folding is for letters only: '@' (0x40) and '`' (0x60) differ by the same bit as 'A'/'a'.
        MatchCase(type: .exact, pattern: "a@b", alias: "a`b", matches: false),
        MatchCase(type: .suffix, pattern: "[x]", alias: "a{x}", matches: false),
    ])
    func patternsCompareCaseInsensitively(_ c: MatchCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, on: c.alias)
        #expect(result == (c.matches ? .matched(rewritten: nil) : .noMatch))
    }

    // [PX-about_aliases] aliases are stored as received, with any non-ASCII letters; the comparison stays
    // case-insensitive for them.
    @Test(arguments: [
        MatchCase(type: .exact, pattern: "Ø", alias: "ø", matches: true),
        MatchCase(type: .exact, pattern: "ørn", alias: "ØRN", matches: true),
        MatchCase(type: .exact, pattern: "møte.åse@bedrift.no", alias: "MØTE.ÅSE@BEDRIFT.NO", matches: true),
        MatchCase(type: .exact, pattern: "møte", alias: "mote", matches: false),
        MatchCase(type: .exact, pattern: "møte", alias: "møter", matches: false),
        MatchCase(type: .prefix, pattern: "Ø", alias: "østfold", matches: true),
        MatchCase(type: .prefix, pattern: "møte.", alias: "MØTE.alice", matches: true),
        MatchCase(type: .prefix, pattern: "meet.", alias: "MEET.Åse", matches: true),
        MatchCase(type: .prefix, pattern: "meet.", alias: "møte.Åse", matches: false),
        MatchCase(type: .prefix, pattern: "東京", alias: "東京会議室", matches: true),
        MatchCase(type: .prefix, pattern: "東京会議室X", alias: "東京会議室", matches: false),
        MatchCase(type: .suffix, pattern: "@bedrift.no", alias: "Åse@BEDRIFT.no", matches: true),
        MatchCase(type: .suffix, pattern: "ØRN", alias: "åse.ørn", matches: true),
        MatchCase(type: .suffix, pattern: "ØRN", alias: "rn", matches: false),
        MatchCase(type: .regex, pattern: "ø+", alias: "ØØø", matches: true),
        MatchCase(type: .regex, pattern: "møte\\..+", alias: "MØTE.Åse", matches: true),
    ])
    func nonASCIIAliasesCompareCaseInsensitively(_ c: MatchCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, on: c.alias)
        #expect(result == (c.matches ? .matched(rewritten: nil) : .noMatch))
    }

    // Exact/prefix/suffix and regex agree on case for non-ASCII letters. PCRE2's caseless matching follows Unicode
    // case folding, which puts Σ, σ and the final ς in one set, and the long ſ with s and S; a literal pattern must
    // treat them alike as well, or the same alias matches a Regex rule but not an Exact one.
    @Test(arguments: [PatternType.exact, .prefix, .suffix, .regex], [("ΟΔΟΣ", "οδος"), ("ſip", "SIP")])
    func literalAndRegexAgreeOnCaseFolding(_ type: PatternType, _ pair: (pattern: String, alias: String)) throws {
        let result = try Self.evaluate(type, pair.pattern, on: pair.alias)
        #expect(result == .matched(rewritten: nil))
    }

    // MARK: - Behaviors on literal patterns

    // [VCS "Pattern behavior"] Leave: the alias is passed on unchanged.
    @Test(arguments: [PatternType.exact, .prefix, .suffix, .regex])
    func leaveKeepsTheAliasUnchanged(_ type: PatternType) throws {
        let result = try Self.evaluate(type, "1001", .leave, replace: "ignored", on: "1001")
        #expect(result == .matched(rewritten: nil))
    }

    // [VCS "Pattern behavior"] Strip removes the matched prefix or suffix.
    @Test(arguments: [
        RewriteCase(type: .prefix, pattern: "9", behavior: .strip, replace: "", alias: "91001", expected: "1001"),
        RewriteCase(type: .prefix, pattern: "SIP:", behavior: .strip, replace: "ignored", alias: "sip:alice@vc.example",
                    expected: "alice@vc.example"),
        RewriteCase(type: .prefix, pattern: "00", behavior: .strip, replace: "", alias: "00100", expected: "100"),
        RewriteCase(type: .prefix, pattern: "meet.", behavior: .strip, replace: "", alias: "meet.", expected: ""),
        RewriteCase(type: .suffix, pattern: "@vc.example", behavior: .strip, replace: "", alias: "alice@VC.example",
                    expected: "alice"),
        RewriteCase(type: .suffix, pattern: "00", behavior: .strip, replace: "", alias: "10000", expected: "100"),
        RewriteCase(type: .exact, pattern: "1001", behavior: .strip, replace: "", alias: "1001", expected: ""),
        // Non-ASCII: the bytes of the matched characters are removed, the rest keeps its case.
        RewriteCase(type: .prefix, pattern: "ø", behavior: .strip, replace: "", alias: "Østfold", expected: "stfold"),
        RewriteCase(type: .prefix, pattern: "MØTE.", behavior: .strip, replace: "", alias: "møte.Åse",
                    expected: "Åse"),
        RewriteCase(type: .suffix, pattern: "@bedrift.no", behavior: .strip, replace: "",
                    alias: "Åse.Ørn@Bedrift.no", expected: "Åse.Ørn"),
        RewriteCase(type: .suffix, pattern: "会議室", behavior: .strip, replace: "", alias: "東京会議室",
                    expected: "東京"),
    ])
    func stripRemovesTheMatchedPrefixOrSuffix(_ c: RewriteCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, c.behavior, replace: c.replace, on: c.alias)
        #expect(result == .matched(rewritten: c.expected))
    }

    // [VCS "Pattern behavior"] Replace puts the replace string in place of the matched part only.
    @Test(arguments: [
        RewriteCase(type: .prefix, pattern: "00", behavior: .replace, replace: "+", alias: "0047123", expected: "+47123"),
        RewriteCase(type: .prefix, pattern: "00", behavior: .replace, replace: "+", alias: "00100", expected: "+100"),
        RewriteCase(type: .prefix, pattern: "MEET.", behavior: .replace, replace: "conf.", alias: "meet.Alice",
                    expected: "conf.Alice"),
        RewriteCase(type: .prefix, pattern: "9", behavior: .replace, replace: "", alias: "91001", expected: "1001"),
        RewriteCase(type: .suffix, pattern: "@old.example", behavior: .replace, replace: "@new.example",
                    alias: "Bob@OLD.example", expected: "Bob@new.example"),
        RewriteCase(type: .suffix, pattern: "00", behavior: .replace, replace: "99", alias: "10000",
                    expected: "10099"),
        RewriteCase(type: .exact, pattern: "1001", behavior: .replace, replace: "meet.alice@vc.example",
                    alias: "1001", expected: "meet.alice@vc.example"),
        RewriteCase(type: .prefix, pattern: "møte.", behavior: .replace, replace: "meet.", alias: "MØTE.Åse",
                    expected: "meet.Åse"),
        RewriteCase(type: .suffix, pattern: ".no", behavior: .replace, replace: ".ø", alias: "åse@bedrift.NO",
                    expected: "åse@bedrift.ø"),
        // The replace string of a literal pattern is literal text: no group references.
        RewriteCase(type: .prefix, pattern: "9", behavior: .replace, replace: "\\1", alias: "91001",
                    expected: "\\11001"),
    ])
    func replaceReplacesOnlyTheMatchedPart(_ c: RewriteCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, c.behavior, replace: c.replace, on: c.alias)
        #expect(result == .matched(rewritten: c.expected))
    }

    // [VCS "Pattern behavior"] AddPrefix / AddSuffix add the replace string to the alias.
    @Test(arguments: [
        RewriteCase(type: .exact, pattern: "1001", behavior: .addprefix, replace: "9", alias: "1001",
                    expected: "91001"),
        RewriteCase(type: .exact, pattern: "1001", behavior: .addsuffix, replace: "@vc.example", alias: "1001",
                    expected: "1001@vc.example"),
        RewriteCase(type: .prefix, pattern: "meet.", behavior: .addsuffix, replace: "@vc.example",
                    alias: "MEET.alice", expected: "MEET.alice@vc.example"),
        RewriteCase(type: .suffix, pattern: "@vc.example", behavior: .addprefix, replace: "sip:",
                    alias: "alice@vc.example", expected: "sip:alice@vc.example"),
        RewriteCase(type: .prefix, pattern: "møte", behavior: .addprefix, replace: "ø", alias: "Møte.Åse",
                    expected: "øMøte.Åse"),
        RewriteCase(type: .regex, pattern: "\\d{4}", behavior: .addprefix, replace: "9", alias: "1001",
                    expected: "91001"),
        RewriteCase(type: .regex, pattern: "\\d{4}", behavior: .addsuffix, replace: "@vc.example", alias: "1001",
                    expected: "1001@vc.example"),
        // AddPrefix/AddSuffix text is literal, also for a regex: "\1" is not a group reference here.
        RewriteCase(type: .regex, pattern: "(\\d{4})", behavior: .addsuffix, replace: "\\1", alias: "1001",
                    expected: "1001\\1"),
    ])
    func addPrefixAndAddSuffixAddTheReplaceString(_ c: RewriteCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, c.behavior, replace: c.replace, on: c.alias)
        #expect(result == .matched(rewritten: c.expected))
    }

    @Test(arguments: [PatternBehavior.strip, .replace, .addprefix, .addsuffix])
    func noMatchLeavesNothingToRewrite(_ behavior: PatternBehavior) throws {
        for type in [PatternType.exact, .prefix, .suffix, .regex] {
            let result = try Self.evaluate(type, "1001", behavior, replace: "x", on: "2002")
            #expect(result == .noMatch, "\(type)")
        }
    }

    // MARK: - Behaviors on regex patterns

    // [VCS "Pattern behavior"] for a Regex, Replace makes the whole alias the expanded replace string.
    // [PX-regex_reference] replace strings reference groups as \1, \2.
    @Test(arguments: [
        RewriteCase(type: .regex, pattern: "(\\d{4})", behavior: .replace, replace: "\\1@vc.example", alias: "1001",
                    expected: "1001@vc.example"),
        RewriteCase(type: .regex, pattern: "9\\d+", behavior: .replace, replace: "operator", alias: "91001",
                    expected: "operator"),
        RewriteCase(type: .regex, pattern: "meet\\.(.+)@vc\\.acme\\.example", behavior: .replace, replace: "\\1",
                    alias: "meet.bob@vc.acme.example", expected: "bob"),
        RewriteCase(type: .regex, pattern: "(?<user>.+)@(?<domain>.+)", behavior: .replace,
                    replace: "\\g<user>@video.\\g<domain>", alias: "Åse@Bedrift.no", expected: "Åse@video.Bedrift.no"),
        RewriteCase(type: .regex, pattern: "(0047)?(\\d{8})", behavior: .replace, replace: "\\1\\2", alias: "12345678",
                    expected: "12345678"),
        RewriteCase(type: .regex, pattern: "sip:(.+)", behavior: .replace, replace: "\\0;\\1", alias: "SIP:a",
                    expected: "SIP:a;a"),
    ])
    func regexReplaceMakesTheWholeAliasTheExpansion(_ c: RewriteCase) throws {
        let result = try Self.evaluate(c.type, c.pattern, c.behavior, replace: c.replace, on: c.alias)
        #expect(result == .matched(rewritten: c.expected))
    }

    // [PX-configuring_gateway_rules] an empty replace string leaves the alias unchanged.
    @Test func emptyReplaceStringLeavesTheAliasUnchanged() throws {
        let result = try Self.evaluate(.regex, "meet\\.(.+)", .replace, replace: "", on: "meet.alice")
        #expect(result == .matched(rewritten: nil))
    }

    // Model: a Regex pattern matches the whole alias, so Strip leaves nothing.
    @Test func regexStripRemovesTheWholeAlias() throws {
        let result = try Self.evaluate(.regex, "9\\d+", .strip, on: "91001")
        #expect(result == .matched(rewritten: ""))
    }

    @Test func regexLimitIsReportedNotTreatedAsAMatch() throws {
        let alias = String(repeating: "a", count: 40) + "!b"
        for behavior in [PatternBehavior.leave, .replace, .strip] {
            let result = try Self.evaluate(.regex, "(a+)+b", behavior, replace: "x", on: alias)
            guard case .limitExceeded(let message) = result else {
                Issue.record("\(behavior): expected a PCRE2 limit, got \(result)")
                continue
            }
            #expect(message.contains("limit"))
        }
    }

    @Test func oneMatcherEvaluatesManyAliasesWithOneScratch() throws {
        let matcher = try AliasMatcher(type: .regex, string: "(a)?(b)?(\\d+)", behavior: .replace, replace: "[\\1\\2]\\3")
        let scratch = RegexScratch()
        #expect(matcher.evaluate("ab1", scratch: scratch) == .matched(rewritten: "[ab]1"))
        #expect(matcher.evaluate("2", scratch: scratch) == .matched(rewritten: "[]2"))
        #expect(matcher.evaluate("b3", scratch: scratch) == .matched(rewritten: "[b]3"))
        #expect(matcher.evaluate("c4", scratch: scratch) == .noMatch)
    }

    // MARK: - Errors

    @Test func invalidRegexIsAPatternErrorWithItsColumn() throws {
        let error = try #require(Self.error(.regex, "møte\\.(.+", .leave, replace: ""))
        guard case .pattern(let compile) = error else {
            Issue.record("expected a pattern error, got \(error)")
            return
        }
        #expect(compile.column == 10)
        #expect(compile.pattern == "møte\\.(.+")
    }

    // Issue 2 §1: a reference to a group the pattern does not have is a load error.
    @Test(arguments: [
        ("(\\d+)", "\\2", 1),
        ("(\\d+)", "ø-\\g<2>", 3),
        ("(?<user>.+)", "\\g<usr>", 1),
        ("\\d+", "x\\1", 2),
    ])
    func replaceReferencingAMissingGroupIsAnError(_ pattern: String, _ replace: String, _ column: Int) throws {
        let error = try #require(Self.error(.regex, pattern, .replace, replace: replace))
        guard case .replacement(let replacement) = error else {
            Issue.record("expected a replacement error, got \(error)")
            return
        }
        #expect(replacement.column == column)
    }

    @Test func literalPatternsAcceptAnyText() throws {
        for type in [PatternType.exact, .prefix, .suffix] {
            #expect(Self.error(type, "(((", .replace, replace: "\\9") == nil, "\(type)")
        }
        // A replace string is only a template for Replace; other behaviors add it as text.
        #expect(Self.error(.regex, "\\d+", .addprefix, replace: "\\9") == nil)
    }

    @Test func matcherKeepsItsDefinition() throws {
        let matcher = try AliasMatcher(type: .suffix, string: "@vc.example", behavior: .strip)
        #expect(matcher.type == .suffix)
        #expect(matcher.string == "@vc.example")
        #expect(matcher.behavior == .strip)
        #expect(matcher.replace == "")
        #expect(matcher.regex == nil)
        let regex = try AliasMatcher(type: .regex, string: "(a)(b)")
        #expect(regex.regex?.captureCount == 2)
    }
}
