@testable import DialPlanKit
import PatternAutomata
import Testing

/// The automata of `PatternAutomata`: language inclusion of dial-plan patterns, whole alias and caseless, with
/// witnesses that PCRE2 agrees with.
@Suite struct PatternLanguageTests {
    static func regex(_ pattern: String) throws -> PatternLanguage {
        try PatternLanguage.regex(pattern, dialect: .pcre2)
    }

    static func inclusion(_ inner: PatternLanguage, in outer: PatternLanguage) -> Inclusion {
        var comparison = LanguageComparison([inner, outer])
        return comparison.inclusion(of: 0, in: 1)
    }

    @Test func aNarrowerRegexIsIncludedInAWiderOne() throws {
        #expect(Self.inclusion(try Self.regex(#"meet\..+@vc\.acme\.example"#), in: try Self.regex(#".*@vc\.acme\.example"#)) == .included)
        guard case .notIncluded(let witness) = Self.inclusion(try Self.regex(#".*@vc\.acme\.example"#), in: try Self.regex(#"meet\..+@vc\.acme\.example"#)) else {
            Issue.record("expected a witness")
            return
        }
        #expect(witness == "@vc.acme.example")
    }

    /// VCS and Pexip compare caselessly. [PX-regex_reference: case-insensitive] [VCS "Pattern types"]
    @Test func caseDoesNotMatter() throws {
        #expect(Self.inclusion(try Self.regex("ALICE@VC"), in: try Self.regex("alice@vc")) == .included)
        #expect(Self.inclusion(.exact("Bob"), in: .prefix("b")) == .included)
    }

    @Test func exactPrefixAndSuffixAreDecidedExactly() throws {
        #expect(Self.inclusion(.exact("1001"), in: .prefix("10")) == .included)
        #expect(Self.inclusion(.prefix("10"), in: .exact("1001")) == .notIncluded(witness: "10"))
        #expect(Self.inclusion(.suffix("@vc.example"), in: .suffix(".example")) == .included)
        #expect(Self.inclusion(.suffix(".example"), in: .suffix("@vc.example")) == .notIncluded(witness: ".example"))
        #expect(Self.inclusion(.prefix("meet."), in: try Self.regex(#"meet\..*"#)) == .included)
        #expect(Self.inclusion(try Self.regex(#"meet\..*"#), in: .prefix("meet.")) == .included)
    }

    @Test func anchorsHoldOnlyAtTheEnds() throws {
        #expect(Self.inclusion(try Self.regex("^a|b$"), in: try Self.regex("a|b")) == .included)
        #expect(Self.inclusion(try Self.regex("a|b"), in: try Self.regex("^a|b$")) == .included)
        var comparison = LanguageComparison([try Self.regex("a^b")])
        #expect(comparison.shortestMember(of: 0)?.isEmpty == true)
    }

    @Test func countedRepetitionsAndClasses() throws {
        #expect(Self.inclusion(try Self.regex("[0-9]{3}"), in: try Self.regex("[0-9]+")) == .included)
        #expect(Self.inclusion(try Self.regex("[0-9]+"), in: try Self.regex("[0-9]{3}")) == .notIncluded(witness: "0"))
        // PCRE2_UCP: \d is every decimal digit, not only ASCII ones.
        guard case .notIncluded(let witness) = Self.inclusion(try Self.regex(#"\d"#), in: try Self.regex("[0-9]")) else {
            Issue.record("\\d is wider than [0-9]")
            return
        }
        #expect(try PCRERegex(#"\d"#).match(witness, scratch: RegexScratch()) == .matched)
        #expect(Self.inclusion(try Self.regex("[^@]+@x"), in: try Self.regex(".+@x")) == .included)
        #expect(Self.inclusion(try Self.regex(".+@x"), in: try Self.regex("[^@]+@x")) == .notIncluded(witness: "@@x"))
    }

    @Test func automataPastTheLimitsAreUndecided() throws {
        #expect(Self.inclusion(try Self.regex("(a{1000}){1000}"), in: try Self.regex("a+")) == .undecided)
    }

    @Test func outsideTheRegularSubsetDoesNotParse() {
        #expect(throws: RegexParseFailure.self) { try Self.regex(#"(a)\1"#) }
        #expect(throws: RegexParseFailure.self) { try Self.regex("(?=a)a") }
    }

    /// Whatever pair of patterns, a witness is an alias PCRE2 matches with the inner pattern and not with the outer
    /// one: the automata and the simulation agree.
    @Test func witnessesAgreeWithPCRE2() throws {
        let patterns = [
            #"meet\.(.+)@vc\.acme\.example"#, #".*@vc\.acme\.example"#, #"(\d{4})"#, #"\d+"#, "[a-z]+", "[^.]+",
            #"(1|2)\d{3}@vc\.example"#, "a*b*", "(ab)+", "x?y?z?", #"[\w.-]+@[\w.-]+"#, ".*", "é+", "[A-Z]{2}\\d",
        ]
        let scratch = RegexScratch()
        let languages = try patterns.map(Self.regex)
        var comparison = LanguageComparison(languages)
        for inner in patterns.indices {
            for outer in patterns.indices where outer != inner {
                let innerRegex = try PCRERegex(patterns[inner])
                let outerRegex = try PCRERegex(patterns[outer])
                switch comparison.inclusion(of: inner, in: outer) {
                case .notIncluded(let witness):
                    #expect(innerRegex.match(witness, scratch: scratch) == .matched, "\(patterns[inner]) on '\(witness)'")
                    #expect(outerRegex.match(witness, scratch: scratch) == .noMatch, "\(patterns[outer]) on '\(witness)'")
                case .included:
                    let samples = try PatternSampler(pattern: patterns[inner]).samples(count: 20, seed: 7)
                    for sample in samples {
                        #expect(outerRegex.match(sample, scratch: scratch) == .matched, "\(patterns[inner]) ⊆ \(patterns[outer]) but '\(sample)'")
                    }
                case .undecided:
                    Issue.record("undecided: \(patterns[inner]) in \(patterns[outer])")
                }
            }
        }
    }
}
