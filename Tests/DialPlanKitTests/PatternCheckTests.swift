@testable import DialPlanKit
import Foundation
import Testing

/// `dialplan regex`: one pattern against one alias, like the VCS "Check pattern" tool and Pexip's Regular
/// Expression Tester: matched or not, the groups, and the resulting alias.
@Suite struct PatternCheckTests {

    private typealias Group = PatternCheck.Group

    /// The JSON report, decoded.
    private static func decodedJSON(_ check: PatternCheck) throws -> [String: Any] {
        let data = Data(check.json().utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    // The example of issue 2: `dialplan regex 'meet\.(.+)@vc\.acme\.example' meet.bob@vc.acme.example --replace '\1'`.
    // [PX-regex_reference] replace strings reference groups as \1.
    @Test func checkPatternReportsGroupsAndTheResultingAlias() throws {
        let check = try PatternCheck(
            pattern: "meet\\.(.+)@vc\\.acme\\.example", alias: "meet.bob@vc.acme.example", behavior: .replace,
            replace: "\\1")
        #expect(check.matched)
        #expect(check.groups == [
            Group(number: 0, name: nil, value: "meet.bob@vc.acme.example"),
            Group(number: 1, name: nil, value: "bob"),
        ])
        #expect(check.result == "bob")
        #expect(check.limit == nil)
        #expect(check.type == .regex)
        #expect(check.alias == "meet.bob@vc.acme.example")
    }

    @Test func groupsCarryNumbersNamesAndValues() throws {
        let check = try PatternCheck(
            pattern: "(?<prefix>meet|møte)\\.(?<user>[^@]+)@(vc)\\.(?<domain>.+)", alias: "MØTE.Åse@VC.bedrift.no",
            behavior: .replace, replace: "\\g<user>@\\3.\\g<domain>")
        #expect(check.matched)
        #expect(check.groups == [
            Group(number: 0, name: nil, value: "MØTE.Åse@VC.bedrift.no"),
            Group(number: 1, name: "prefix", value: "MØTE"),
            Group(number: 2, name: "user", value: "Åse"),
            Group(number: 3, name: nil, value: "VC"),
            Group(number: 4, name: "domain", value: "bedrift.no"),
        ])
        #expect(check.result == "Åse@VC.bedrift.no")
    }

    // A group that did not take part is listed with no value, and expands to nothing.
    @Test func nonParticipatingGroupHasNoValue() throws {
        let check = try PatternCheck(
            pattern: "(?<pin>\\d+\\*)?(?<room>\\d+)|(?<name>[a-z]+)", alias: "1001", behavior: .replace,
            replace: "[\\g<pin>\\g<room>\\g<name>]")
        #expect(check.matched)
        #expect(check.groups == [
            Group(number: 0, name: nil, value: "1001"),
            Group(number: 1, name: "pin", value: nil),
            Group(number: 2, name: "room", value: "1001"),
            Group(number: 3, name: "name", value: nil),
        ])
        #expect(check.result == "[1001]")
    }

    // An optional group that matched the empty string took part: its value is "", not absent.
    @Test func emptyGroupIsNotANonParticipatingGroup() throws {
        let check = try PatternCheck(pattern: "(\\d*)(x)?", alias: "")
        #expect(check.matched)
        #expect(check.groups == [
            Group(number: 0, name: nil, value: ""),
            Group(number: 1, name: nil, value: ""),
            Group(number: 2, name: nil, value: nil),
        ])
    }

    @Test func patternWithoutGroupsListsTheWholeMatchOnly() throws {
        let check = try PatternCheck(pattern: "\\d{4}", alias: "1001")
        #expect(check.matched)
        #expect(check.groups == [Group(number: 0, name: nil, value: "1001")])
        #expect(check.result == "1001")
    }

    // [PX-regex_reference] a prefix-only match ("partial" in Pexip's tester) is no match.
    @Test func partialMatchIsNotAMatch() throws {
        let check = try PatternCheck(pattern: "meet\\.(.+)@vc", alias: "meet.bob@vc.acme.example", behavior: .replace,
                                     replace: "\\1")
        #expect(!check.matched)
        #expect(check.groups.isEmpty)
        #expect(check.result == "meet.bob@vc.acme.example")
        #expect(check.limit == nil)
    }

    // [PX-regex_reference] case-insensitive; the groups keep the alias's own case.
    @Test func matchIsCaseInsensitiveAndGroupsKeepTheAliasCase() throws {
        let check = try PatternCheck(pattern: "MEET\\.(.+)@VC\\.EXAMPLE", alias: "meet.Bob@vc.example",
                                     behavior: .replace, replace: "\\1")
        #expect(check.matched)
        #expect(check.groups.last == Group(number: 1, name: nil, value: "Bob"))
        #expect(check.result == "Bob")
    }

    // [PX-configuring_gateway_rules] an empty replace string leaves the alias unchanged.
    @Test func emptyReplaceStringLeavesTheAliasUnchanged() throws {
        let check = try PatternCheck(pattern: "meet\\.(.+)", alias: "meet.alice", behavior: .replace, replace: "")
        #expect(check.matched)
        #expect(check.result == "meet.alice")
        #expect(check.groups.count == 2)
    }

    @Test func leaveKeepsTheAlias() throws {
        let check = try PatternCheck(pattern: "(\\d+)", alias: "1001")
        #expect(check.matched)
        #expect(check.behavior == .leave)
        #expect(check.result == "1001")
    }

    // [VCS "Pattern types"] [VCS "Pattern behavior"] literal types: no groups, the behavior applies to the matched
    // prefix / suffix.
    @Test(arguments: [
        (PatternType.prefix, "00", PatternBehavior.replace, "+", "0047123", "+47123"),
        (PatternType.prefix, "9", PatternBehavior.strip, "", "91001", "1001"),
        (PatternType.suffix, "@VC.example", PatternBehavior.strip, "", "alice@vc.example", "alice"),
        (PatternType.suffix, "@old.example", PatternBehavior.replace, "@new.example", "bob@old.example",
         "bob@new.example"),
        (PatternType.exact, "1001", PatternBehavior.addprefix, "9", "1001", "91001"),
        (PatternType.exact, "1001", PatternBehavior.addsuffix, "@vc.example", "1001", "1001@vc.example"),
        (PatternType.exact, "ØRN", PatternBehavior.leave, "", "ørn", "ørn"),
    ])
    func literalPatternTypesHaveNoGroups(
        _ type: PatternType, _ pattern: String, _ behavior: PatternBehavior, _ replace: String, _ alias: String,
        _ expected: String
    ) throws {
        let check = try PatternCheck(pattern: pattern, alias: alias, type: type, behavior: behavior, replace: replace)
        #expect(check.matched)
        #expect(check.groups.isEmpty)
        #expect(check.result == expected)
    }

    @Test func literalPatternThatDoesNotMatchKeepsTheAlias() throws {
        let check = try PatternCheck(pattern: "9", alias: "1001", type: .prefix, behavior: .strip)
        #expect(!check.matched)
        #expect(check.result == "1001")
    }

    // [PCRE2 pcre2_set_match_limit] a pathological pattern is reported as a limit, not as a match or a hang.
    @Test func catastrophicBacktrackingIsReportedAsALimit() throws {
        let alias = String(repeating: "a", count: 40) + "!b"
        let check = try PatternCheck(pattern: "(a+)+b", alias: alias, behavior: .replace, replace: "\\1")
        #expect(!check.matched)
        #expect(check.limit?.contains("limit") == true)
        #expect(check.groups.isEmpty)
        #expect(check.result == alias)
    }

    @Test func invalidPatternIsAnErrorWithItsColumn() {
        #expect {
            _ = try PatternCheck(pattern: "øø)x", alias: "x")
        } throws: { error in
            guard case AliasMatcherError.pattern(let compile) = error else { return false }
            return compile.column == 3 && compile.message.contains("unmatched closing parenthesis")
        }
    }

    // Issue 2 §1: a reference to a group the pattern does not have is an error.
    @Test func replaceReferencingAMissingGroupIsAnError() {
        #expect {
            _ = try PatternCheck(pattern: "meet\\.(.+)", alias: "meet.x", behavior: .replace, replace: "ø\\2")
        } throws: { error in
            guard case AliasMatcherError.replacement(let replacement) = error else { return false }
            return replacement.column == 2
        }
        #expect {
            _ = try PatternCheck(pattern: "(?<user>.+)", alias: "x", behavior: .replace, replace: "\\g<domain>")
        } throws: { error in
            guard case AliasMatcherError.replacement(let replacement) = error else { return false }
            return replacement.column == 1 && replacement.message.contains("domain")
        }
    }

    // MARK: - Reports

    @Test func textReportListsGroupsAndTheRewrite() throws {
        let check = try PatternCheck(
            pattern: "(?<user>[^@]+)@(x)?vc\\.example", alias: "bob@vc.example", behavior: .replace, replace: "\\1")
        let text = check.text(style: .plain)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "regex pattern '(?<user>[^@]+)@(x)?vc\\.example' against 'bob@vc.example': matched",
            "  whole match: 'bob@vc.example'",
            "  group 1 <user>: 'bob'",
            "  group 2: (did not take part)",
            "  replace with '\\1': 'bob@vc.example' → 'bob'",
        ])
        #expect(text.hasSuffix("\n"))
        #expect(!text.contains("\u{1B}["))
    }

    @Test func textReportForNoMatchAndForALimit() throws {
        let miss = try PatternCheck(pattern: "\\d+", alias: "alice")
        #expect(miss.text(style: .plain) == "regex pattern '\\d+' against 'alice': not matched\n")

        let limited = try PatternCheck(pattern: "(a+)+b", alias: String(repeating: "a", count: 40) + "!b")
        let lines = limited.text(style: .plain).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(": limit") == true)
        #expect(lines.last?.hasPrefix("  PCRE2 stopped: ") == true)
    }

    @Test func coloredTextMarksTheOutcome() throws {
        let check = try PatternCheck(pattern: "\\d+", alias: "1001")
        #expect(check.text(style: TextStyle(colored: true)).contains("\u{1B}[32mmatched\u{1B}[0m"))
    }

    @Test func jsonReportCarriesEveryField() throws {
        let check = try PatternCheck(
            pattern: "(?<user>[^@]+)@(x)?vc\\.example", alias: "Åse@vc.example", behavior: .replace,
            replace: "\\g<user>")
        let json = try Self.decodedJSON(check)
        #expect(json["type"] as? String == "regex")
        #expect(json["pattern"] as? String == "(?<user>[^@]+)@(x)?vc\\.example")
        #expect(json["alias"] as? String == "Åse@vc.example")
        #expect(json["matched"] as? Bool == true)
        #expect(json["behavior"] as? String == "replace")
        #expect(json["replace"] as? String == "\\g<user>")
        #expect(json["result"] as? String == "Åse")
        #expect(json["limit"] is NSNull)
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.count == 3)
        #expect(groups.map { $0["number"] as? Int } == [0, 1, 2])
        #expect(groups[0]["name"] is NSNull)
        #expect(groups[0]["value"] as? String == "Åse@vc.example")
        #expect(groups[1]["name"] as? String == "user")
        #expect(groups[1]["value"] as? String == "Åse")
        #expect(groups[2]["name"] is NSNull)
        #expect(groups[2]["value"] is NSNull)
    }

    @Test func jsonReportForALimit() throws {
        let check = try PatternCheck(pattern: "(a+)+b", alias: String(repeating: "a", count: 40) + "!b")
        let json = try Self.decodedJSON(check)
        #expect(json["matched"] as? Bool == false)
        #expect((json["limit"] as? String)?.contains("limit") == true)
        #expect((json["groups"] as? [Any])?.isEmpty == true)
    }
}
