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

    /// Inclusion with each character's membership decided by PCRE2 itself.
    static func pcre2Inclusion(_ inner: String, in outer: String) throws -> Inclusion {
        var comparison = LanguageComparison([try regex(inner), try regex(outer)], membership: PCRE2Membership())
        return comparison.inclusion(of: 0, in: 1)
    }

    // [PCRE2 pcre2pattern "Case-insensitive matching in UTF mode"] caseless matching uses Unicode's case-folding sets,
    // of more than two members for some letters: k, K and the Kelvin sign U+212A; s, S and long s U+017F.
    @Test func caselessMatchingTakesEveryMemberOfACaseFoldingSet() throws {
        #expect(try Self.pcre2Inclusion(#"\x{212A}(\d+)@vc\.example"#, in: #"k(\d+)@vc\.example"#) == .included)
        #expect(try Self.pcre2Inclusion(#"ro\x{17F}e@vc\.example"#, in: #"rose@vc\.example"#) == .included)
        #expect(try Self.pcre2Inclusion(#"ro\x{DF}@vc"#, in: #"ro\x{1E9E}@vc"#) == .included)
        guard case .notIncluded(let witness) = try Self.pcre2Inclusion(#"[k\x{212A}]x"#, in: #"\x{212A}x"#) else { return }
        Issue.record("k and the Kelvin sign are one caseless set, but '\(witness)' separated them")
    }

    // [PCRE2 pcre2pattern "POSIX character classes"] under UCP, [:punct:] matches characters with the Unicode P
    // property, plus those below 256 with the S property; the automata's classes follow PCRE2, not ASCII.
    @Test func posixClassesUnderUCPAreDecidedAsPCRE2DecidesThem() throws {
        let scratch = RegexScratch()
        #expect(try AliasMatcher(type: .regex, string: "[[:punct:]]").evaluate("\u{2010}", scratch: scratch) != .noMatch)
        #expect(try Self.pcre2Inclusion(#"a\x{2010}b"#, in: #"a[[:punct:]]b"#) == .included)
        #expect(try Self.pcre2Inclusion(#"a\x{A7}b"#, in: #"a[[:punct:]]b"#) == .included)
        guard case .notIncluded(let witness) = try Self.pcre2Inclusion(#"a[[:punct:]]b"#, in: #"a[!-/:-@\[-`{-~]b"#) else {
            Issue.record("[:punct:] under UCP is wider than ASCII punctuation")
            return
        }
        #expect(try AliasMatcher(type: .regex, string: "a[[:punct:]]b").evaluate(witness, scratch: scratch) != .noMatch)
        #expect(try AliasMatcher(type: .regex, string: #"a[!-/:-@\[-`{-~]b"#).evaluate(witness, scratch: scratch) == .noMatch)
    }

    // [PCRE2 pcre2pattern "Internal option setting"] (?-i) makes the rest of its group case-sensitive, (?-i:…) its
    // own group, and (?^) unsets every option; dial-plan patterns are otherwise caseless.
    @Test func inlineCaseFlagsMakeTheirPartCaseSensitive() throws {
        let scratch = RegexScratch()
        #expect(try Self.pcre2Inclusion("(?-i)Room@vc", in: "room@vc") == .included)
        guard case .notIncluded(let witness) = try Self.pcre2Inclusion("room@vc", in: "(?-i)Room@vc") else {
            Issue.record("a case-sensitive pattern was taken as caseless")
            return
        }
        #expect(try AliasMatcher(type: .regex, string: "(?-i)Room@vc").evaluate(witness, scratch: scratch) == .noMatch)
        #expect(try AliasMatcher(type: .regex, string: "room@vc").evaluate(witness, scratch: scratch) != .noMatch)
        // The flag lasts to the end of its group; (?i) turns caseless matching back on; (?^) turns it off.
        for (pattern, alias, matches) in [
            ("(x(?-i)Y)z", "XYZ", true), ("(x(?-i)Y)z", "xyz", false), ("(?-i:A)b", "AB", true), ("(?-i:A)b", "aB", false),
            ("(?-i)a(?i)b", "aB", true), ("(?-i)a(?i)b", "AB", false), ("(?^)a", "A", false), ("(?^i)a", "A", true),
            // An option set in one branch carries on into the later branches of its group.
            ("(?-i)a|b", "B", false), ("((?-i)a)|b", "B", true),
        ] {
            // The alias as written, case-sensitively (an exact language would be caseless).
            var comparison = LanguageComparison([try Self.regex("(?-i)" + alias), try Self.regex(pattern)], membership: PCRE2Membership())
            #expect((comparison.inclusion(of: 0, in: 1) == .included) == matches, "\(pattern) on \(alias)")
            #expect((try AliasMatcher(type: .regex, string: pattern).evaluate(alias, scratch: scratch) != .noMatch) == matches, "PCRE2: \(pattern) on \(alias)")
        }
    }

    // The default membership (Unicode properties) agrees with PCRE2 where the two used to differ: dotless ı and
    // dotted İ are no caseless partners of i; [:upper:] and [:lower:] under UCP are not folded.
    @Test func theDefaultMembershipAgreesWithPCRE2OnTurkishIAndPOSIXCase() throws {
        let pcre2 = PCRE2Membership()
        let properties = UnicodePropertyMembership()
        let upper = try RegexTree.parse("[[:upper:]]", dialect: .pcre2)
        let upperSet = try #require(upper.nodes.compactMap { node -> RegexCharacterSet? in
            if case .characterSet(let set) = node { return set }
            return nil
        }.first)
        let cases: [(CharacterPredicate, Unicode.Scalar)] = [
            (.literal("i"), "\u{131}"), (.literal("i"), "\u{130}"), (.literal("I"), "\u{131}"), (.literal("\u{131}"), "i"), (.literal("\u{130}"), "i"), (.literal("i"), "I"),
            (.literal("k"), "\u{212A}"), (.set(upperSet), "a"), (.set(upperSet), "A"), (.set(upperSet), "\u{C9}"),
        ]
        for (predicate, scalar) in cases {
            #expect(properties.matches(predicate, scalar) == pcre2.matches(predicate, scalar), "\(predicate.pcre2Pattern) on U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func theEmptySetsAreWrittenAsNothingAndAnything() throws {
        let scratch = RegexScratch()
        let nothing = try PCRERegex(CharacterPredicate.set(RegexCharacterSet(items: [], negated: false)).pcre2Pattern)
        let anything = try PCRERegex(CharacterPredicate.set(.anything).pcre2Pattern)
        for scalar in ["a", "\n", "@", "\u{10FFFD}"] {
            #expect(nothing.match(scalar, scratch: scratch) == .noMatch)
            #expect(anything.match(scalar, scratch: scratch) == .matched)
        }
    }

    @Test func everySetIsWrittenAsAOneCharacterPCRE2Pattern() throws {
        for pattern in [#"[^@]"#, #"\d"#, #"[\w.-]"#, #"[[:^alpha:]x-z]"#, #"\S"#, ".", "(?-i)[a-c]", "(?-i)."] {
            let tree = try RegexTree.parse(pattern, dialect: .pcre2)
            for node in tree.nodes {
                guard case .characterSet(let set) = node else { continue }
                let predicate = CharacterPredicate.set(set)
                let rendered = try PCRERegex(predicate.pcre2Pattern)
                let original = try PCRERegex(pattern)
                let scratch = RegexScratch()
                for scalar in ["a", "Z", "@", "5", "_", ".", "-", " ", "\u{E9}", "\u{663}", "\u{2010}"] {
                    #expect((rendered.match(scalar, scratch: scratch) == .matched) == (original.match(scalar, scratch: scratch) == .matched), "\(pattern) as \(predicate.pcre2Pattern) on \(scalar)")
                }
            }
        }
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
