@testable import DialPlanKit
import Testing

/// `PatternSampler`: aliases generated from dial-plan regexes for pattern cases (`pattern:` + `samples:`), and near
/// misses just outside them. Every claim is checked against PCRE2 itself, the engine the dial plan uses.
@Suite struct PatternSamplerTests {

    // MARK: - Helpers

    /// Whether PCRE2 matches the whole of `alias` caselessly, as a dial-plan rule would.
    private static func matches(_ pattern: String, _ alias: String) throws -> Bool {
        try PCRERegex(pattern).match(alias, scratch: RegexScratch()) == .matched
    }

    private static func error(_ pattern: String) -> PatternSamplerError? {
        do {
            _ = try PatternSampler(pattern: pattern)
            return nil
        } catch {
            return error
        }
    }

    /// Levenshtein distance, in Unicode scalars.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// Local parts of `meet.<local>@vc.acme.example` aliases.
    private static func localParts(_ aliases: [String]) -> [String] {
        aliases.map { String($0.dropFirst("meet.".count).prefix { $0 != "@" }) }
    }

    /// Realistic dial-plan patterns: VMR aliases, extensions, gateway prefixes, SIP URIs with parameters.
    static let dialPlanPatterns = [
        #"meet\.[a-z]{3,12}@vc\.acme\.example"#,
        #"(\d{4})"#,
        #"9(\d{6,15})@vc\.acme\.example"#,
        #"(sip:)?(.+)@(vc|video)\.example(;.*)?"#,
        #"teams\.(?<conference>\d{9,12})@vc\.acme\.example"#,
        #"[^@]+"#,
        #".+@(?:emea|amer|apac)\.acme\.example"#,
        #"^(\d{4})@vc\.acme\.example$"#,
        #"(?P<ext>1\d{3})(@vc\.acme\.example)?"#,
        #"(meet|room)\.([a-z0-9._-]+)@(?:vc\.)?acme\.example"#,
        #"\+?47\d{8}"#,
        #"(?i)[A-Z]{2,4}-\w+\s?room"#,
        #"h323:\d{3,5}\*\d{2}"#,
        #"[\w.-]+\@(vc|video|conf)\.example\.com"#,
        #"\Asip:[^;@]+@acme\.example(?:;transport=(tcp|tls|udp))?\z"#,
        #"00(?:1|44|47|65)\d{6,12}"#,
        #"ivr(?#the IVR)\.[a-f0-9]{6}"#,
        #"\Qmeet.+\E[0-9]{1,3}"#,
        #"x*?y{2,3}?z??w+"#,
        #"[[:alpha:]][[:digit:]]{2}[[:^digit:]]"#,
    ]

    // MARK: - Samples match

    @Test("every sample matches its pattern", arguments: dialPlanPatterns)
    func everySampleMatches(pattern: String) throws {
        let sampler = try PatternSampler(pattern: pattern)
        let samples = sampler.samples(count: 40, seed: 7)
        #expect(!samples.isEmpty)
        #expect(samples.count <= 40)
        for sample in samples {
            #expect(try Self.matches(pattern, sample), "'\(sample)' does not match '\(pattern)'")
            #expect(!sample.isEmpty)
            #expect(sample.unicodeScalars.count <= 64, "'\(sample)' is long for '\(pattern)'")
        }
    }

    @Test("samples are distinct, even caselessly", arguments: dialPlanPatterns)
    func samplesAreDistinct(pattern: String) throws {
        let samples = try PatternSampler(pattern: pattern).samples(count: 60, seed: 11)
        #expect(Set(samples).count == samples.count)
        #expect(Set(samples.map { $0.lowercased() }).count == samples.count)
    }

    @Test("patterns with many strings give the count asked for", arguments: dialPlanPatterns)
    func fullCount(pattern: String) throws {
        #expect(try PatternSampler(pattern: pattern).samples(count: 25, seed: 3).count == 25)
    }

    // MARK: - Determinism

    @Test func sameSeedSameSamples() throws {
        for pattern in Self.dialPlanPatterns {
            let sampler = try PatternSampler(pattern: pattern)
            #expect(sampler.samples(count: 20, seed: 42) == sampler.samples(count: 20, seed: 42))
            // A second sampler for the same pattern carries no hidden state.
            #expect(try PatternSampler(pattern: pattern).samples(count: 20, seed: 42) == sampler.samples(count: 20, seed: 42))
            #expect(sampler.nearMisses(count: 20, seed: 42) == sampler.nearMisses(count: 20, seed: 42))
        }
    }

    @Test func otherSeedOtherSamples() throws {
        for pattern in Self.dialPlanPatterns {
            let sampler = try PatternSampler(pattern: pattern)
            #expect(sampler.samples(count: 20, seed: 1) != sampler.samples(count: 20, seed: 2), "\(pattern)")
        }
        let sampler = try PatternSampler(pattern: #"meet\.[a-z]{3,12}@vc\.acme\.example"#)
        #expect(sampler.nearMisses(count: 20, seed: 1) != sampler.nearMisses(count: 20, seed: 2))
    }

    @Test func largerCountExtendsTheList() throws {
        // The first samples depend only on the seed, so asking for more keeps the ones a report already named.
        let sampler = try PatternSampler(pattern: #"(sip:)?(.+)@(vc|video)\.example(;.*)?"#)
        let few = sampler.samples(count: 5, seed: 9)
        let many = sampler.samples(count: 30, seed: 9)
        #expect(Array(many.prefix(5)) == few)
    }

    // MARK: - Coverage

    @Test func everyAlternativeInTheFirstSamples() throws {
        let samples = try PatternSampler(pattern: "(vc|video|conf)").samples(count: 3, seed: 5)
        #expect(Set(samples) == ["vc", "video", "conf"])

        for seed: UInt64 in 0..<20 {
            let domains = try PatternSampler(pattern: #"meet\.alice@(vc|video|conf)\.acme\.example"#)
                .samples(count: 3, seed: seed)
                .map { $0.split(separator: "@")[1].split(separator: ".")[0] }
            #expect(Set(domains) == ["vc", "video", "conf"], "seed \(seed)")
        }
    }

    @Test func nestedAlternativesAndOptionalsCovered() throws {
        let pattern = #"(sip:)?(.+)@(vc|video)\.example(;.*)?"#
        let samples = try PatternSampler(pattern: pattern).samples(count: 6, seed: 1)
        #expect(samples.contains { $0.hasPrefix("sip:") })
        #expect(samples.contains { !$0.hasPrefix("sip:") })
        #expect(samples.contains { $0.contains("@vc.example") })
        #expect(samples.contains { $0.contains("@video.example") })
        #expect(samples.contains { $0.contains(";") })
        #expect(samples.contains { !$0.contains(";") })

        let regions = try PatternSampler(pattern: #".+@(?:emea|amer|(?:ap|la)ac)\.acme\.example"#)
            .samples(count: 4, seed: 3)
            .map { $0.split(separator: "@").last!.split(separator: ".")[0] }
        #expect(Set(regions) == ["emea", "amer", "apac", "laac"])
    }

    @Test func bothSidesOfAnOptional() throws {
        let samples = try PatternSampler(pattern: #"(sip:)?1001@vc\.example"#).samples(count: 10, seed: 4)
        #expect(samples.sorted() == ["1001@vc.example", "sip:1001@vc.example"])
    }

    @Test func quantifierBoundsCovered() throws {
        let sampler = try PatternSampler(pattern: #"meet\.[a-z]{3,12}@vc\.acme\.example"#)
        for seed: UInt64 in 0..<10 {
            // Two goals (3 and 12 letters): the first two samples meet them.
            let lengths = Self.localParts(sampler.samples(count: 2, seed: seed)).map(\.count)
            #expect(Set(lengths) == [3, 12], "seed \(seed)")
        }
        let lengths = Self.localParts(sampler.samples(count: 50, seed: 1)).map(\.count)
        #expect(lengths.allSatisfy { (3...12).contains($0) })
        #expect(Set(lengths).count > 5, "random samples vary in length")
    }

    @Test func exactAndUnboundedQuantifiers() throws {
        #expect(try PatternSampler(pattern: #"\d{4}"#).samples(count: 30, seed: 1).allSatisfy { $0.count == 4 })

        // Unbounded repetition: the minimum first, never more than min + 4.
        let plus = try PatternSampler(pattern: #"[a-z]+"#).samples(count: 200, seed: 2)
        #expect(plus.first?.count == 1)
        #expect(plus.allSatisfy { (1...5).contains($0.count) })
        let atLeast = try PatternSampler(pattern: #"x{2,}"#).samples(count: 20, seed: 2)
        #expect(atLeast.sorted() == ["xx", "xxx", "xxxx", "xxxxx", "xxxxxx"])
        let star = try PatternSampler(pattern: #"a*b"#).samples(count: 20, seed: 2)
        #expect(star.first == "b")
        #expect(star.count == 5)
    }

    @Test func boundsInsideAlternativesAreReached() throws {
        let samples = try PatternSampler(pattern: #"(\d{2,3}|room-[a-z]{4,6})@vc\.example"#).samples(count: 6, seed: 8)
        let locals = samples.map { String($0.prefix { $0 != "@" }) }
        #expect(locals.contains { $0.count == 2 })
        #expect(locals.contains { $0.count == 3 && $0.allSatisfy(\.isNumber) })
        #expect(locals.contains { $0.count == "room-".count + 4 })
        #expect(locals.contains { $0.count == "room-".count + 6 })
    }

    // MARK: - Finite languages

    @Test func literalPatternYieldsOneSample() throws {
        let samples = try PatternSampler(pattern: #"meet\.alice@vc\.acme\.example"#).samples(count: 10, seed: 1)
        #expect(samples == ["meet.alice@vc.acme.example"])
    }

    @Test func smallLanguagesAreExhausted() throws {
        #expect(try PatternSampler(pattern: "(a|b)(c|d)").samples(count: 10, seed: 1).sorted() == ["ac", "ad", "bc", "bd"])
        // Caseless: `[aA]` is one alias.
        #expect(try PatternSampler(pattern: "[aA]x").samples(count: 10, seed: 1).count == 1)
        // The empty alias is never a sample.
        #expect(try PatternSampler(pattern: "(abc)?").samples(count: 10, seed: 1) == ["abc"])
        #expect(try PatternSampler(pattern: "").samples(count: 10, seed: 1) == [])
        #expect(try PatternSampler(pattern: "abc").samples(count: 0, seed: 1) == [])
    }

    // MARK: - Readable output

    @Test func dotAndNegatedSetsUseTheReadableAlphabet() throws {
        let readable = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        for pattern in [".+", "[^@]+", #"[^;]{5}"#, #"\S+"#, #"[^A-Z]+"#] {
            let samples = try PatternSampler(pattern: pattern).samples(count: 100, seed: 6)
            #expect(samples.allSatisfy { $0.allSatisfy(readable.contains) }, "\(pattern)")
        }
        #expect(try PatternSampler(pattern: "[^@]+").samples(count: 100, seed: 6).allSatisfy { !$0.contains("@") })
        #expect(try PatternSampler(pattern: "[^A-Z]+").samples(count: 100, seed: 6)
            .allSatisfy { !$0.contains(where: \.isLetter) })
    }

    @Test func shorthandsGenerateTheirCharacters() throws {
        let word = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        #expect(try PatternSampler(pattern: #"\w{8}"#).samples(count: 50, seed: 1).allSatisfy { $0.allSatisfy(word.contains) })
        #expect(try PatternSampler(pattern: #"\d{8}"#).samples(count: 50, seed: 1).allSatisfy { $0.allSatisfy(\.isNumber) })
        #expect(try PatternSampler(pattern: #"a\sb"#).samples(count: 5, seed: 1) == ["a b"])
        #expect(try PatternSampler(pattern: #"\D\W"#).samples(count: 50, seed: 1)
            .allSatisfy { !$0.first!.isNumber && !$0.last!.isLetter })
    }

    @Test("syntax forms", arguments: [
        (#"\Qa.b*\E"#, ["a.b*"]),
        (#"\Qab\E{2}"#, ["abb"]),
        (#"(?i)MEET"#, ["MEET"]),
        (#"(?i:Bob)@x"#, ["Bob@x"]),
        (#"(?<a>x)(?P<b>y)(?'c'z)(?:w)(?|v)"#, ["xyzwv"]),
        (#"^abc$"#, ["abc"]),
        (#"\Aabc\z"#, ["abc"]),
        (#"\Aabc\Z"#, ["abc"]),
        (#"a(?#a comment)b"#, ["ab"]),
        (#"\x41\x{263A}\."#, ["A☺."]),
        (#"\-\@\\\/\[\]\{\}\(\)\|\?\*\+\^\$"#, [#"-@\/[]{}()|?*+^$"#]),
        (#"[.][-][\]][a]"#, [".-]a"]),
        (#"a\E{2}"#, ["aa"]),
        (#"\o{101}\060"#, ["A0"]),
        (#"{}a{x}b{"#, ["{}a{x}b{"]),
        (#"(?-i)Ab"#, ["Ab"]),
        (#"x{2}?y+?z*?"#, ["xxy"]),
        ("ø{2}", ["øø"]),
        (#"a(?#note)*b"#, ["b"]),
        (#"a\Q\E{2}"#, ["aa"]),
        (#"\cA\e"#, ["\u{01}\u{1B}"]),
        (#"(?s)(?m)(?n)(?U)(?J)(?^)a"#, ["a"]),
        (#"[\Q]\E]x"#, ["]x"]),
        (#"[]]x[^]a-z0-9._]"#, ["]x-"]),
        (#"a*(?#lazy)?b"#, ["b"]),
    ])
    func syntaxForms(pattern: String, expected: [String]) throws {
        let samples = try PatternSampler(pattern: pattern).samples(count: 1, seed: 1)
        #expect(samples == expected)
        for sample in samples { #expect(try Self.matches(pattern, sample)) }
    }

    @Test func characterClasses() throws {
        let set = Set("abcxyz0123456789._-")
        let samples = try PatternSampler(pattern: #"[a-cx-z0-9._-]{6}"#).samples(count: 100, seed: 1)
        #expect(samples.count == 100)
        #expect(samples.allSatisfy { $0.allSatisfy(set.contains) })
        // Shorthands and POSIX names inside classes, escapes as members and range ends.
        for pattern in [#"[\d\s]{3}"#, #"[\x30-\x39\-]{3}"#, #"[[:upper:][:digit:]]{3}"#, #"[\w.+-]+@x"#, #"[^\d\s]{4}"#] {
            let samples = try PatternSampler(pattern: pattern).samples(count: 30, seed: 2)
            #expect(!samples.isEmpty, "\(pattern)")
            for sample in samples { #expect(try Self.matches(pattern, sample), "'\(sample)' vs \(pattern)") }
        }
    }

    /// Braces PCRE2 10.43 reads as quantifiers and older versions as text: the sampler asks the library in use.
    @Test("version-dependent braces", arguments: ["x{,2}y", "x{ 2 }y", "x{ 1 , 3 }y", "x{2,y", "x{y}"])
    func versionDependentBraces(pattern: String) throws {
        let samples = try PatternSampler(pattern: pattern).samples(count: 10, seed: 1)
        #expect(!samples.isEmpty)
        for sample in samples { #expect(try Self.matches(pattern, sample), "'\(sample)' vs \(pattern)") }
    }

    @Test func horizontalAndVerticalSpaceAndAnyButNewline() throws {
        for pattern in [#"a\hb"#, #"a\vb"#, #"\N{3}"#, #"[\h\d]{4}"#, #"\H\V"#] {
            let samples = try PatternSampler(pattern: pattern).samples(count: 10, seed: 1)
            #expect(!samples.isEmpty, "\(pattern)")
            for sample in samples { #expect(try Self.matches(pattern, sample), "'\(sample)' vs \(pattern)") }
        }
    }

    @Test func anchorInTheMiddleGivesNothingAndEnds() throws {
        #expect(try PatternSampler(pattern: "a^b").samples(count: 100, seed: 1) == [])
        #expect(try PatternSampler(pattern: "(a$|b)c").samples(count: 100, seed: 1) == ["bc"])
    }

    // MARK: - Near misses

    @Test("near misses never match", arguments: dialPlanPatterns)
    func nearMissesNeverMatch(pattern: String) throws {
        let misses = try PatternSampler(pattern: pattern).nearMisses(count: 30, seed: 5)
        #expect(!misses.isEmpty)
        #expect(Set(misses.map { $0.lowercased() }).count == misses.count)
        for miss in misses {
            #expect(try !Self.matches(pattern, miss), "'\(miss)' matches '\(pattern)'")
            #expect(!miss.isEmpty)
        }
    }

    @Test func nearMissesOfAFixedLengthNumber() throws {
        let misses = try PatternSampler(pattern: #"\d{4}"#).nearMisses(count: 10, seed: 1)
        #expect(misses.contains { $0.count == 3 && $0.allSatisfy(\.isNumber) })
        #expect(misses.contains { $0.count == 5 && $0.allSatisfy(\.isNumber) })
        #expect(misses.contains { $0.count == 4 && !$0.allSatisfy(\.isNumber) }, "a character outside \\d")
        #expect(misses.allSatisfy { (3...5).contains($0.count) })
    }

    @Test func nearMissesAreOneEditFromALiteral() throws {
        let literal = "1001@vc.example"
        let misses = try PatternSampler(pattern: #"1001@vc\.example"#).nearMisses(count: 50, seed: 2)
        #expect(misses.count >= 10)
        #expect(misses.allSatisfy { Self.editDistance($0, literal) == 1 })
        #expect(misses.contains { $0.count == literal.count - 1 }, "a dropped character")
        #expect(misses.contains { $0.count == literal.count + 1 }, "an extra character")
        #expect(misses.contains { $0.count == literal.count }, "a changed character")
    }

    @Test func nearMissesProbeQuantifierBoundsAndClasses() throws {
        let misses = try PatternSampler(pattern: #"meet\.[a-z]{3,12}@vc\.acme\.example"#).nearMisses(count: 6, seed: 3)
        let locals = misses.filter { $0.hasPrefix("meet.") && $0.hasSuffix("@vc.acme.example") }
            .map { String($0.dropFirst(5).dropLast("@vc.acme.example".count)) }
        #expect(locals.contains { $0.count == 2 })
        #expect(locals.contains { $0.count == 13 })
        #expect(locals.contains { (3...12).contains($0.count) && !$0.allSatisfy(\.isLetter) })
        // Every one is a small change from some matching alias: its local part keeps the right shape.
        #expect(misses.allSatisfy { $0.count <= "meet.@vc.acme.example".count + 13 })
    }

    @Test func nearMissOfANegatedClassUsesTheExcludedCharacter() throws {
        let misses = try PatternSampler(pattern: "[^@]+").nearMisses(count: 10, seed: 1)
        #expect(misses.contains { $0.contains("@") })
    }

    // MARK: - Errors

    @Test("unsupported syntax is an error at its column", arguments: [
        ("(?=x)", 1, "lookahead"),
        (#"a\1"#, 2, "backreference"),
        ("ab(?!x)", 3, "lookahead"),
        ("a(?<=b)c", 2, "lookbehind"),
        ("a(?<!b)c", 2, "lookbehind"),
        ("(?>ab)c", 1, "atomic"),
        ("xa++", 3, "possessive"),
        ("a{2,3}+", 2, "possessive"),
        (#"\bfoo"#, 1, "word boundar"),
        (#"foo\B"#, 4, "word boundar"),
        ("(a)(?(1)b|c)", 4, "conditional"),
        ("foo(?x) bar", 4, "extended"),
        (#"\p{L}+"#, 1, "Unicode properties"),
        (#"(?<n>x)\k<n>"#, 8, "backreference"),
        (#"(?<n>x)\g1"#, 8, "backreference"),
        ("(?<n>x)(?P=n)", 8, "backreference"),
        ("(a)(?1)", 4, "recursion"),
        ("(?R)?", 1, "recursion"),
        ("(*FAIL)", 1, "verbs"),
        (#"ab\Kc"#, 3, "\\K"),
        ("møøt(?=x)", 5, "lookahead"),
    ])
    func unsupportedSyntax(pattern: String, column: Int, message: String) throws {
        let error = try #require(Self.error(pattern))
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("patterns PCRE2 rejects report PCRE2's message and column", arguments: [
        "(abc", "abc)", "[a-", "a{3,2}", "*a", "a**", #"abc\"#, "[z-a]", "a{70000}", "(?<n>a)(?<n>b)",
    ])
    func pcreRejects(pattern: String) throws {
        let error = try #require(Self.error(pattern))
        #expect(!error.message.isEmpty)
        do {
            _ = try PCRERegex(pattern)
            Issue.record("PCRE2 accepted '\(pattern)'")
        } catch {
            #expect(Self.error(pattern) == PatternSamplerError(message: error.message, column: error.column))
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)
        let error = try #require(Self.error(deep))
        #expect(error.message.contains("nested"))
        let fine = String(repeating: "(?:", count: 30) + "a|b" + String(repeating: ")", count: 30)
        #expect(try PatternSampler(pattern: fine).samples(count: 5, seed: 1).sorted() == ["a", "b"])
    }

    // MARK: - Termination

    // Termination, not speed: a hang would time the test run out; durations belong in benchmarks.
    @Test func largeCountsTerminate() throws {
        let emails = try PatternSampler(pattern: #".+@(?:emea|amer|apac)\.acme\.example"#).samples(count: 10_000, seed: 1)
        #expect(emails.count == 10_000)
        let extensions = try PatternSampler(pattern: #"\d{4}"#).samples(count: 10_000, seed: 1)
        #expect(extensions.count > 9_000 && extensions.count <= 10_000)
        #expect(try PatternSampler(pattern: "[ab]").samples(count: 10_000, seed: 1).count == 2)
        #expect(try PatternSampler(pattern: "x").nearMisses(count: 10_000, seed: 1).count > 10)
        let misses = try PatternSampler(pattern: #"meet\.[a-z]{3,12}@vc\.acme\.example"#).nearMisses(count: 10_000, seed: 1)
        #expect(misses.count > 1_000)
    }

    @Test("pathological patterns terminate", arguments: [
        "((a{20}){20}){20}", "(?:)*x", "(a?){1000}", "(a|b){300}", #"(\d+)*$"#, "a{65535}", "(((((.*)*)*)*)*)*@x",
        #"[\x{10000}-\x{10FFFF}]{3}"#, #"[^\x00-\x{10FFFF}]"#, "((?:){100}){100}x",
    ])
    func pathologicalPatternsTerminate(pattern: String) throws {
        let sampler = try PatternSampler(pattern: pattern)
        let samples = sampler.samples(count: 10_000, seed: 1)
        for sample in samples.prefix(20) { #expect(try Self.matches(pattern, sample)) }
        let misses = sampler.nearMisses(count: 200, seed: 1)
        for miss in misses.prefix(20) { #expect(try !Self.matches(pattern, miss)) }
    }
}
