@testable import DialPlanKit
import Testing

/// A Call Routing Rule's replace string expands exactly as Python's `re` expands a template, because Pexip
/// Infinity applies `re.fullmatch(match_string, alias, re.IGNORECASE).expand(replace_string)`. [Python `re`
/// docs, `Match.expand` and the `repl` of `re.sub`; CPython `sre_parse.parse_template`] VCS transforms and search
/// rules keep their own rules (`\12` with three groups is `\1` then `2`).
@Suite struct CallRoutingRuleTemplateTests {
    /// Expands `replace` for `pattern` against `alias` with the Python syntax.
    private static func expand(_ pattern: String, _ replace: String, _ alias: String) throws -> String? {
        let matcher = try AliasMatcher(type: .regex, string: pattern, behavior: .replace, replace: replace, syntax: .python)
        switch matcher.evaluate(alias, scratch: RegexScratch(maxCaptures: 20)) {
        case .matched(let rewritten): return rewritten ?? alias
        case .noMatch, .limitExceeded: return nil
        }
    }

    /// The replace string's error, for the Python syntax.
    private static func error(_ pattern: String, _ replace: String) -> ReplacementError? {
        do {
            _ = try AliasMatcher(type: .regex, string: pattern, behavior: .replace, replace: replace, syntax: .python)
            return nil
        } catch {
            if case .replacement(let error) = error { return error }
            return nil
        }
    }

    static let tenGroups = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)@x"

    // Python: two digits after a backslash are one group number when they are not an octal escape.
    @Test func backslashTenIsGroupTenWhenThePatternHasTenGroups() throws {
        #expect(try Self.expand(Self.tenGroups, #"\10-\1"#, "abcdefghij@x") == "j-a")
    }

    // Python: `\10` never means `\1` then `0`; with fewer groups it is an error (re.error: invalid group reference).
    @Test func backslashTenWithFewerThanTenGroupsIsAnError() throws {
        let error = try #require(Self.error("(a)(b)@x", #"x\10"#))
        #expect(error.message.contains("refers to group 10 but the pattern has 2 groups"))
        #expect(error.message.contains(#"Python's re reads \10 as group 10"#))
        #expect(error.column == 2)
        // VCS keeps its own rule: \12 with three groups is \1 followed by 2.
        let vcs = try AliasMatcher(type: .regex, string: "(a)(b)(c)", behavior: .replace, replace: #"\12"#)
        #expect(vcs.evaluate("abc", scratch: RegexScratch()) == .matched(rewritten: "a2"))
    }

    // Python: `\g<0>` is the whole match, `\g<n>` group n, `\g<name>` a named group.
    @Test func gZeroIsTheWholeMatchAndGNamesAreGroups() throws {
        #expect(try Self.expand(#"(?<user>[a-z]+)@(\w+)\.example"#, #"\g<0>|\g<2>|\g<user>"#, "bob@gw.example") == "bob@gw.example|gw|bob")
    }

    // Python: a reference to a group the pattern lacks is an error, by number or by name.
    @Test(arguments: [(#"\3"#, "refers to group 3 but the pattern has 2 groups"), (#"\g<9>"#, "refers to group 9"), (#"\g<who>"#, "refers to group 'who', which the pattern does not name"), (#"\g<a-b>"#, "has a bad group name 'a-b'"), (#"\g1"#, "without <name>")])
    func aReferenceToAGroupThePatternLacksIsAnError(_ example: (String, String)) throws {
        let error = try #require(Self.error("(a)(b)@x", example.0))
        #expect(error.message.contains(example.1), "\(error.message)")
    }

    // Python: `\0`, `\0N`, `\0NN` and three octal digits are character escapes, not group references.
    @Test func octalEscapesAreCharacters() throws {
        #expect(try Self.expand("(a)@x", #"\101\1"#, "a@x") == "Aa")
        #expect(try Self.expand("(a)@x", #"[\0]"#, "a@x") == "[\u{0}]")
        #expect(try Self.expand("(a)@x", #"\0101"#, "a@x") == "\u{8}1")
        #expect(Self.error("(a)@x", #"\477"#)?.message.contains("outside the range 0-0o377") == true)
    }

    // Python: `\a \b \f \n \r \t \v \\` are their characters; another ASCII letter after a backslash is an error;
    // any other character keeps its backslash.
    @Test func escapesFollowPython() throws {
        #expect(try Self.expand("(a)@x", #"\t\\\1"#, "a@x") == "\t\\a")
        #expect(try Self.expand("(a)@x", #"\1\.example"#, "a@x") == #"a\.example"#)
        #expect(Self.error("(a)@x", #"\q"#)?.message.contains(#"bad escape \q"#) == true)
        #expect(Self.error("(a)@x", #"x\"#)?.message.contains("lone backslash") == true)
    }

    // Python: a group that did not take part in the match expands to nothing.
    @Test func aGroupThatDidNotMatchExpandsToNothing() throws {
        #expect(try Self.expand("(a)?(b)@x", #"[\1][\2]"#, "b@x") == "[][b]")
    }

    // [PX-configuring_gateway_rules] + Python template: a plan whose Call Routing Rule refers to a group its
    // pattern lacks does not load; the error names the rule, file, line and column.
    @Test func aCallRoutingRuleReferringToAMissingGroupIsALoadErrorAtItsColumn() throws {
        let yaml = TestPlans.minimal.replacingOccurrences(of: "    - {name: Alice, aliases: [meet.alice@vc.example, \"1001\"]}", with: """
                - {name: Alice, aliases: [meet.alice@vc.example, "1001"]}
              gateway_routing_rules:
                - {name: PSTN, priority: 10, match_string: '9(\\d+)@vc\\.example', replace_string: '+\\10@pstn.example'}
            """)
        let errors = TestPlans.errors(yaml)
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.message.contains("gateway_routing_rule 'PSTN': replace string refers to group 10 but the pattern has 1 group"))
        #expect(error.location == NetworkPlans.position(of: #"\10@pstn"#, in: yaml))
    }

    // The simulation dials what the template gives: `\g<1>` and `\10`.
    @Test func theSimulatedOutgoingAliasIsThePythonExpansion() throws {
        let plan = try InlinePlan.single(
            rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"],
            gatewayRules: [#"{name: Ten, priority: 10, match_string: '(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)@pstn', replace_string: '+\10\g<1>@out'}"#])
        let trace = TestPlans.call(plan, from: "Site", "1234567890@pstn")
        #expect(trace.outcome.outgoing?.alias == "+01@out")
    }
}
