@testable import DialPlanKit
import Foundation
import Testing

/// The PCRE2 layer: `PCRERegex` (whole-alias, caseless, UTF matching with limits), `RegexScratch` and
/// `ReplacementTemplate` (`\1`, `\12`, `\g<1>`, `\g<name>`, `\0`, `\\`).
@Suite struct RegexEngineTests {

    // MARK: - Helpers

    /// Compiles `pattern` and matches `alias` with a fresh scratch.
    private static func status(_ pattern: String, _ alias: String) throws -> RegexMatchStatus {
        let regex = try PCRERegex(pattern)
        return regex.match(alias, scratch: RegexScratch())
    }

    /// Compiles `pattern` and `replace`, matches `alias` and returns the expansion, or nil when it does not match.
    private static func expand(_ pattern: String, _ replace: String, _ alias: String) throws -> String? {
        let regex = try PCRERegex(pattern)
        let template = try ReplacementTemplate(replace, captureCount: regex.captureCount, groupNames: regex.groupNames)
        let scratch = RegexScratch()
        guard regex.match(alias, scratch: scratch) == .matched else { return nil }
        var output: [UInt8] = []
        var subject = alias
        subject.withUTF8 { template.expand(subject: $0, scratch: scratch, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The error a template raises against `pattern`, or nil when it compiles.
    private static func templateError(_ pattern: String, _ replace: String) throws -> ReplacementError? {
        let regex = try PCRERegex(pattern)
        do {
            _ = try ReplacementTemplate(replace, captureCount: regex.captureCount, groupNames: regex.groupNames)
            return nil
        } catch {
            return error
        }
    }

    /// The compile error of `pattern`, or nil when it compiles.
    private static func compileError(_ pattern: String) -> RegexCompileError? {
        do {
            _ = try PCRERegex(pattern)
            return nil
        } catch {
            return error
        }
    }

    struct MatchCase: Sendable, CustomTestStringConvertible {
        let pattern: String
        let alias: String
        let matches: Bool
        var testDescription: String {
            "'\(pattern)' vs '\(alias.replacingOccurrences(of: "\n", with: "\\n"))' → \(matches ? "match" : "no match")"
        }
    }

    struct ExpandCase: Sendable, CustomTestStringConvertible {
        let pattern: String
        let replace: String
        let alias: String
        let expected: String
        var testDescription: String { "'\(pattern)' / '\(replace)' on '\(alias)' → '\(expected)'" }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let pattern: String
        let text: String
        let column: Int
        var testDescription: String { "'\(pattern)' / '\(text)' → column \(column)" }
    }

    // MARK: - Anchoring

    // [PX-regex_reference] a pattern must match the whole alias; a prefix match ("partial") is no match.
    // [VCS "Regular expressions"] model: a Regex pattern must match the whole alias.
    @Test(arguments: [
        MatchCase(pattern: "meet", alias: "meet.alice@vc.example", matches: false),
        MatchCase(pattern: "alice@vc\\.example", alias: "meet.alice@vc.example", matches: false),
        MatchCase(pattern: "alice", alias: "meet.alice@vc.example", matches: false),
        MatchCase(pattern: "meet\\..*", alias: "meet.alice@vc.example", matches: true),
        MatchCase(pattern: "\\d{4}", alias: "1234", matches: true),
        MatchCase(pattern: "\\d{4}", alias: "12345", matches: false),
        MatchCase(pattern: "\\d{4}", alias: "01234", matches: false),
        MatchCase(pattern: "1001", alias: "1001\n", matches: false),
        MatchCase(pattern: "1001$", alias: "1001\n", matches: false),
        MatchCase(pattern: "", alias: "", matches: true),
        MatchCase(pattern: "", alias: "x", matches: false),
        MatchCase(pattern: ".*", alias: "", matches: true),
        MatchCase(pattern: "(?!9)\\d+", alias: "1234", matches: true),
        MatchCase(pattern: "(?!9)\\d+", alias: "9123", matches: false),
    ])
    func aPatternMustMatchTheWholeAlias(_ c: MatchCase) throws {
        let status = try Self.status(c.pattern, c.alias)
        #expect(status == (c.matches ? .matched : .noMatch))
    }

    // [PX-regex_reference] whole-alias matching is an end anchor that backtracks into alternatives, not a check
    // made after the first (shortest) alternative: `a|ab` matches "ab".
    @Test(arguments: [
        MatchCase(pattern: "a|ab", alias: "ab", matches: true),
        MatchCase(pattern: "ab|a", alias: "ab", matches: true),
        MatchCase(pattern: "a|ab", alias: "a", matches: true),
        MatchCase(pattern: "a|ab", alias: "abc", matches: false),
        MatchCase(pattern: "(1|10|100)", alias: "100", matches: true),
        MatchCase(pattern: "meet|meet\\.alice", alias: "meet.alice", matches: true),
        MatchCase(pattern: "\\d+?", alias: "1234", matches: true),
    ])
    func endAnchoringBacktracksIntoAlternatives(_ c: MatchCase) throws {
        let status = try Self.status(c.pattern, c.alias)
        #expect(status == (c.matches ? .matched : .noMatch))
    }

    @Test func prefixAndSuffixAnchoringForLiteralPatterns() throws {
        let scratch = RegexScratch()
        let prefix = try PCRERegex("meet.", anchoring: .start, literal: true)
        #expect(prefix.match("MEET.alice@vc.example", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 0) == 0..<5)
        #expect(prefix.match("xmeet.alice", scratch: scratch) == .noMatch)
        let suffix = try PCRERegex("@vc.example", anchoring: .end, literal: true)
        #expect(suffix.match("meet.alice@VC.example", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 0) == 10..<21)
        #expect(suffix.match("meet.alice@vc.example.org", scratch: scratch) == .noMatch)
        let whole = try PCRERegex("alice")
        #expect(whole.match("meet.alice@vc.example", scratch: scratch) == .noMatch)
    }

    // MARK: - Case

    // [PX-regex_reference] "case-insensitive Perl-style" regular expressions.
    // [VCS "Regular expressions"] model: case-insensitive.
    @Test(arguments: [
        MatchCase(pattern: "MEET\\.ALICE@VC\\.EXAMPLE", alias: "meet.alice@vc.example", matches: true),
        MatchCase(pattern: "meet\\.alice@vc\\.example", alias: "Meet.ALICE@Vc.Example", matches: true),
        MatchCase(pattern: "[a-z]+", alias: "ABC", matches: true),
        MatchCase(pattern: "[A-Z]+\\d", alias: "abc1", matches: true),
        MatchCase(pattern: "sip:(.+)", alias: "SIP:alice", matches: true),
    ])
    func regexMatchesCaseInsensitively(_ c: MatchCase) throws {
        let status = try Self.status(c.pattern, c.alias)
        #expect(status == (c.matches ? .matched : .noMatch))
    }

    @Test func caseSensitivityCanBeTurnedOnForOtherUses() throws {
        let regex = try PCRERegex("abc", caseInsensitive: false)
        #expect(regex.match("ABC", scratch: RegexScratch()) == .noMatch)
        #expect(regex.match("abc", scratch: RegexScratch()) == .matched)
    }

    // MARK: - UTF-8

    // [PX-about_aliases] aliases are stored as received, which includes non-ASCII letters; UTF mode makes `.` one
    // character and caseless matching fold non-ASCII letters.
    @Test(arguments: [
        MatchCase(pattern: "ø", alias: "Ø", matches: true),
        MatchCase(pattern: "Ø", alias: "ø", matches: true),
        MatchCase(pattern: "Ærøskøbing", alias: "ærØSKØBING", matches: true),
        MatchCase(pattern: "møte\\.(.+)@bedrift\\.no", alias: "MØTE.Åse@bedrift.no", matches: true),
        MatchCase(pattern: "ΟΔΟΣ", alias: "οδος", matches: true),
        MatchCase(pattern: "straße", alias: "STRAßE", matches: true),
        MatchCase(pattern: "m.te", alias: "møte", matches: true),
        MatchCase(pattern: "m..te", alias: "møte", matches: false),
        MatchCase(pattern: "\\w+@vc\\.example", alias: "Åse@vc.example", matches: true),
        MatchCase(pattern: "[æøå]+", alias: "ÆØÅ", matches: true),
        MatchCase(pattern: "東京.*", alias: "東京会議室", matches: true),
        MatchCase(pattern: "東京", alias: "東京会議室", matches: false),
        MatchCase(pattern: ".{3}", alias: "日本語", matches: true),
    ])
    func utf8AliasesMatchByCharacterAndFoldCase(_ c: MatchCase) throws {
        let status = try Self.status(c.pattern, c.alias)
        #expect(status == (c.matches ? .matched : .noMatch))
    }

    // MARK: - Pattern information

    @Test func captureCountAndNamesAreRead() throws {
        let named = try PCRERegex("(?<user>[^@]+)@(?:vc\\.)?(?<domain>.+)")
        #expect(named.captureCount == 2)
        #expect(named.groupNames == ["user": 1, "domain": 2])

        let plain = try PCRERegex("(a)(?:b)(c)(?=d)d")
        #expect(plain.captureCount == 2)
        #expect(plain.groupNames.isEmpty)

        let none = try PCRERegex("1001")
        #expect(none.captureCount == 0)

        let pythonStyle = try PCRERegex("(x)(?P<tail>.*)")
        #expect(pythonStyle.groupNames == ["tail": 2])
        #expect(pythonStyle.pattern == "(x)(?P<tail>.*)")
    }

    @Test func groupRangesAreUTF8ByteOffsetsAndUnsetGroupsAreNil() throws {
        let regex = try PCRERegex("(ø+)(x)?(.*)")
        let scratch = RegexScratch()
        #expect(regex.match("øøabc", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 0) == 0..<7)
        #expect(scratch.range(ofGroup: 1) == 0..<4)
        #expect(scratch.range(ofGroup: 2) == nil)
        #expect(scratch.range(ofGroup: 3) == 4..<7)
        #expect(scratch.range(ofGroup: 200) == nil)
    }

    @Test func reusedScratchDoesNotLeakGroupsOfAnEarlierMatch() throws {
        let regex = try PCRERegex("(a)|(b)")
        let scratch = RegexScratch()
        #expect(regex.match("b", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 2) == 0..<1)
        #expect(regex.match("a", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 1) == 0..<1)
        #expect(scratch.range(ofGroup: 2) == nil)
    }

    // MARK: - Compile errors

    // Issue 2 §1: a pattern that fails to compile is reported with the column inside the pattern where PCRE2
    // stopped, counted in characters (PCRE2 gives UTF-8 byte offsets). [PCRE2 pcre2api]
    @Test(arguments: [
        // PCRE2 stops at the end of the pattern: one past the last character.
        ErrorCase(pattern: "meet\\.(.+", text: "missing closing parenthesis", column: 10),
        ErrorCase(pattern: "møte\\.(.+", text: "missing closing parenthesis", column: 10),
        ErrorCase(pattern: "Ærø[a-", text: "missing terminating ]", column: 7),
        ErrorCase(pattern: "ab\\", text: "\\ at end of pattern", column: 4),
        // PCRE2 stops inside the pattern, after two-byte characters (byte offset 4, character column 3).
        ErrorCase(pattern: "øø)x", text: "unmatched closing parenthesis", column: 3),
        // Byte offset 7, character column 6 (the '1').
        ErrorCase(pattern: "øø(?<1a>x)", text: "subpattern name must start with a non-digit", column: 6),
        ErrorCase(pattern: "ab(?<1a>x)", text: "subpattern name must start with a non-digit", column: 6),
        // Three-byte characters: byte offset 12, character column 7 (the '9').
        ErrorCase(pattern: "東京会(?<9>x)", text: "subpattern name must start with a non-digit", column: 7),
    ])
    func compileErrorReportsTheCharacterColumnInsideThePattern(_ c: ErrorCase) throws {
        let error = try #require(Self.compileError(c.pattern))
        #expect(error.column == c.column)
        #expect(error.message.contains(c.text))
        #expect(error.pattern == c.pattern)
    }

    // The column of an error offset that falls inside a character made of several scalars (a letter and a
    // combining mark) is that character's column, not the last column of the pattern.
    @Test(arguments: [
        // "(?<n\u{301}>x)yz": PCRE2 stops at the combining acute (byte 4), inside the 4th character "ń".
        ErrorCase(pattern: "(?<n\u{301}>x)yz", text: "subpattern name", column: 4),
        // "a\\c\u{301}xyz": PCRE2 stops after "\c" (byte 3), inside the 3rd character "ć".
        ErrorCase(pattern: "a\\c\u{301}xyz", text: "\\c must be followed by a printable ASCII character", column: 3),
    ])
    func compileErrorColumnInsideACombinedCharacter(_ c: ErrorCase) throws {
        let error = try #require(Self.compileError(c.pattern))
        #expect(error.column == c.column)
        #expect(error.message.contains(c.text))
    }

    // MARK: - Limits

    // [PCRE2 pcre2_set_match_limit, pcre2_set_depth_limit] a pathological pattern ends in a finding, never a hang.
    @Test(arguments: [
        MatchCase(pattern: "(a+)+b", alias: String(repeating: "a", count: 40) + "!b", matches: false),
        MatchCase(pattern: "(a+)+b", alias: String(repeating: "a", count: 40) + "bc", matches: false),
        MatchCase(pattern: "(a|a)+b", alias: String(repeating: "a", count: 40) + "!b", matches: false),
        MatchCase(pattern: "(x+x+)+y", alias: String(repeating: "x", count: 40) + "y!", matches: false),
        MatchCase(pattern: "(\\d+)*#", alias: String(repeating: "1", count: 40) + "#1", matches: false),
    ])
    func catastrophicBacktrackingEndsInALimit(_ c: MatchCase) throws {
        let status = try Self.status(c.pattern, c.alias)
        guard case .limitExceeded(let message) = status else {
            Issue.record("expected a PCRE2 limit, got \(status)")
            return
        }
        #expect(message.contains("limit"))
    }

    // `(a+)+b` against 40 "a"s: PCRE2 sees that the required "b" is absent and answers without backtracking; the
    // outcome must be "not matched" (no match or a limit), never a match and never a hang.
    @Test func catastrophicPatternWithoutItsRequiredCharacterNeverMatches() throws {
        let status = try Self.status("(a+)+b", String(repeating: "a", count: 40))
        #expect(status != .matched)
        if case .limitExceeded(let message) = status { #expect(message.contains("limit")) }
    }

    @Test func regexStillWorksAfterALimitWasHit() throws {
        let regex = try PCRERegex("(a+)+b")
        let scratch = RegexScratch()
        let pathological = String(repeating: "a", count: 40) + "!b"
        guard case .limitExceeded = regex.match(pathological, scratch: scratch) else {
            Issue.record("expected a PCRE2 limit")
            return
        }
        #expect(regex.match("aaab", scratch: scratch) == .matched)
        #expect(scratch.range(ofGroup: 1) != nil)
        #expect(regex.match("aaac", scratch: scratch) == .noMatch)
    }

    @Test func sharedLimitsAreFinite() {
        #expect(RegexLimits.shared.matchLimit > 0)
        #expect(RegexLimits.shared.matchLimit < UInt32.max)
        #expect(RegexLimits.shared.depthLimit > 0)
        #expect(RegexLimits.shared.depthLimit < UInt32.max)
    }

    // MARK: - Threads

    /// One alias through a shared regex and template: "no match", "limit: …" or the expansion.
    private static func evaluate(
        _ regex: PCRERegex, _ template: ReplacementTemplate, _ alias: String, _ scratch: RegexScratch
    ) -> String {
        switch regex.match(alias, scratch: scratch) {
        case .noMatch: return "no match"
        case .limitExceeded(let message): return "limit: \(message)"
        case .matched:
            var output: [UInt8] = []
            var subject = alias
            subject.withUTF8 { template.expand(subject: $0, scratch: scratch, into: &output) }
            return String(decoding: output, as: UTF8.self)
        }
    }

    // [PCRE2 MULTITHREADING] a compiled pattern is shared across threads; match data is per thread.
    @Test func sharedRegexGivesTheSameResultsOnManyThreads() throws {
        let regex = try PCRERegex("(?<prefix>meet|møte)\\.(?<user>[^@]+)@(vc\\.)?(?<domain>.+)")
        let template = try ReplacementTemplate(
            "\\g<user>|\\3|\\g<domain>|\\0", captureCount: regex.captureCount, groupNames: regex.groupNames)
        var aliases: [String] = []
        for i in 0..<200 {
            switch i % 5 {
            case 0: aliases.append("meet.user\(i)@vc.example")
            case 1: aliases.append("MØTE.Åse\(i)@bedrift.no")
            case 2: aliases.append("\(1000 + i)")
            case 3: aliases.append("meet.user\(i)")
            default: aliases.append("Meet.U\(i)@VC.Example.com")
            }
        }
        let inputs = aliases

        let single = RegexScratch()
        let expected = inputs.map { Self.evaluate(regex, template, $0, single) }
        #expect(expected[0] == "user0|vc.|example|meet.user0@vc.example")
        #expect(expected[1] == "Åse1||bedrift.no|MØTE.Åse1@bedrift.no")
        #expect(expected[2] == "no match")

        let threads = 8
        let collected = ResultBox(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            let scratch = RegexScratch()  // one per thread
            var results: [String] = []
            for _ in 0..<5 {
                results = inputs.map { Self.evaluate(regex, template, $0, scratch) }
            }
            collected.set(worker, results)
        }
        for worker in 0..<threads {
            #expect(collected.get(worker) == expected, "worker \(worker)")
        }
    }

    // MARK: - Replacement templates

    // [PX-regex_reference] replace strings reference groups as \1, \2; model (DOMAIN.md §1): also \g<1> and
    // \g<name>; \0 is the whole match and \\ a backslash.
    @Test(arguments: [
        ExpandCase(pattern: "meet\\.(.+)@vc\\.acme\\.example", replace: "\\1",
                   alias: "meet.bob@vc.acme.example", expected: "bob"),
        ExpandCase(pattern: "(\\d{2})(\\d{2})", replace: "\\2\\1", alias: "1234", expected: "3412"),
        ExpandCase(pattern: "(\\d+)@(.+)", replace: "\\g<1>@new.\\g<2>", alias: "1001@vc.example",
                   expected: "1001@new.vc.example"),
        ExpandCase(pattern: "(?<user>[^@]+)@(?<domain>.+)", replace: "\\g<domain>/\\g<user>",
                   alias: "alice@vc.example", expected: "vc.example/alice"),
        ExpandCase(pattern: "(?<user>[^@]+)@(?<domain>.+)", replace: "\\g<user>=\\1", alias: "alice@vc.example",
                   expected: "alice=alice"),
        ExpandCase(pattern: "\\d+", replace: "sip:\\0@vc.example", alias: "1001", expected: "sip:1001@vc.example"),
        ExpandCase(pattern: "\\d+", replace: "<\\g<0>>", alias: "1001", expected: "<1001>"),
        ExpandCase(pattern: "(a)", replace: "x\\\\1", alias: "a", expected: "x\\1"),
        ExpandCase(pattern: "(a)", replace: "\\\\\\1", alias: "a", expected: "\\a"),
        ExpandCase(pattern: "(a)", replace: "x\\y", alias: "a", expected: "x\\y"),
        ExpandCase(pattern: "(a)", replace: "\\1\\", alias: "a", expected: "a\\"),
        ExpandCase(pattern: "(a)", replace: "\\g1", alias: "a", expected: "\\g1"),
        ExpandCase(pattern: "(a)", replace: "\\05", alias: "a", expected: "a5"),
        ExpandCase(pattern: "(.+)@VC\\.example", replace: "\\1", alias: "Alice@vc.EXAMPLE", expected: "Alice"),
        ExpandCase(pattern: "(.+)@(.+)", replace: "\\2:\\1", alias: "Åse.Ørn@vc.example",
                   expected: "vc.example:Åse.Ørn"),
        ExpandCase(pattern: "møte\\.(.+)", replace: "meet.\\1@vc.example", alias: "MØTE.東京",
                   expected: "meet.東京@vc.example"),
        ExpandCase(pattern: "(\\d+)", replace: "", alias: "1001", expected: ""),
        ExpandCase(pattern: "(\\d+)", replace: "ø€東", alias: "1001", expected: "ø€東"),
    ])
    func replacementExpandsEveryReferenceForm(_ c: ExpandCase) throws {
        #expect(try Self.expand(c.pattern, c.replace, c.alias) == c.expected)
    }

    // An optional group that did not take part expands to nothing.
    @Test(arguments: [
        ExpandCase(pattern: "(a)?b", replace: "[\\1]", alias: "b", expected: "[]"),
        ExpandCase(pattern: "(a)|(b)", replace: "<\\1|\\2>", alias: "a", expected: "<a|>"),
        ExpandCase(pattern: "(a)|(b)", replace: "<\\1|\\2>", alias: "b", expected: "<|b>"),
        ExpandCase(pattern: "(?<pin>\\d+\\*)?(?<room>\\d+)", replace: "\\g<room>:\\g<pin>", alias: "1001",
                   expected: "1001:"),
    ])
    func unsetOptionalGroupExpandsToEmpty(_ c: ExpandCase) throws {
        #expect(try Self.expand(c.pattern, c.replace, c.alias) == c.expected)
    }

    private static let twelveGroups = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)"
    private static let elevenGroups = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)l"

    // \12 is group 12 when the pattern has 12 groups, and group 1 followed by "2" when it has fewer.
    @Test(arguments: [
        ExpandCase(pattern: twelveGroups, replace: "\\12", alias: "abcdefghijkl", expected: "l"),
        ExpandCase(pattern: twelveGroups, replace: "\\10\\11", alias: "abcdefghijkl", expected: "jk"),
        ExpandCase(pattern: twelveGroups, replace: "\\123", alias: "abcdefghijkl", expected: "l3"),
        ExpandCase(pattern: twelveGroups, replace: "\\g<1>2", alias: "abcdefghijkl", expected: "a2"),
        ExpandCase(pattern: elevenGroups, replace: "\\12", alias: "abcdefghijkl", expected: "a2"),
        ExpandCase(pattern: elevenGroups, replace: "\\11", alias: "abcdefghijkl", expected: "k"),
        ExpandCase(pattern: "(x)(y)(z)", replace: "\\12", alias: "xyz", expected: "x2"),
        ExpandCase(pattern: "(x)(y)(z)", replace: "\\31", alias: "xyz", expected: "z1"),
    ])
    func twoDigitReferenceOnlyWhenThatGroupExists(_ c: ExpandCase) throws {
        #expect(try Self.expand(c.pattern, c.replace, c.alias) == c.expected)
    }

    @Test func referencesUpToGroup99() throws {
        let pattern = String(repeating: "(.)", count: 99)
        let alias = (1...99).map { $0 == 99 ? "Z" : $0 == 10 ? "T" : "x" }.joined()
        let regex = try PCRERegex(pattern)
        #expect(regex.captureCount == 99)
        #expect(try Self.expand(pattern, "\\99", alias) == "Z")
        #expect(try Self.expand(pattern, "\\g<99>", alias) == "Z")
        // No group 100: \10 followed by "0".
        #expect(try Self.expand(pattern, "\\100", alias) == "T0")
        let error = try #require(try Self.templateError(pattern, "\\g<100>"))
        #expect(error.column == 1)
    }

    // Issue 2 §1: a reference to a group the pattern does not have is a load error, with its 1-based column in the
    // replace string (in characters).
    @Test(arguments: [
        ErrorCase(pattern: "(a)(b)", text: "x\\3", column: 2),
        ErrorCase(pattern: "abc", text: "\\1", column: 1),
        ErrorCase(pattern: "(a)", text: "\\1-\\2", column: 4),
        ErrorCase(pattern: "(a)", text: "ø\\g<2>", column: 2),
        ErrorCase(pattern: "(a)", text: "møte-\\2", column: 6),
        ErrorCase(pattern: "(a)", text: "東京会\\g<5>", column: 4),
        ErrorCase(pattern: "(?<user>.+)", text: "Åse\\g<usr>", column: 4),
        ErrorCase(pattern: "(?<user>.+)", text: "\\g<user>@\\g<domain>", column: 10),
        ErrorCase(pattern: "(a)", text: "\\g<>", column: 1),
        ErrorCase(pattern: "(a)", text: "\\g<-1>", column: 1),
        ErrorCase(pattern: "(a)", text: "ø\\g<1", column: 2),
    ])
    func referenceToAMissingGroupIsAnErrorWithItsColumn(_ c: ErrorCase) throws {
        let error = try #require(try Self.templateError(c.pattern, c.text))
        #expect(error.column == c.column)
        #expect(error.template == c.text)
        #expect(!error.message.isEmpty)
    }

    @Test func missingGroupErrorNamesTheGroup() throws {
        let numbered = try #require(try Self.templateError("(a)(b)", "\\3"))
        #expect(numbered.message.contains("3"))
        #expect(numbered.message.contains("2 groups"))
        let named = try #require(try Self.templateError("(?<user>.+)", "\\g<domain>"))
        #expect(named.message.contains("domain"))
    }

    @Test func templateKnowsWhenItIsEmpty() throws {
        #expect(try ReplacementTemplate("", captureCount: 0).isEmpty)
        #expect(try !ReplacementTemplate("x", captureCount: 0).isEmpty)
        #expect(try ReplacementTemplate("\\1", captureCount: 1).source == "\\1")
    }
}

/// Results written by concurrent workers, one slot each.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[String]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [String]) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    func get(_ index: Int) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]
    }
}
