@testable import DialPlanKit
import Foundation
import Testing

/// `dialplan test` (cases files, expectations, samples, JUnit), `dialplan diff`, and coverage.
@Suite struct BatchTestingTests {
    /// A plan (Oslo and Singapore, one site each, Singapore's rule wrongly pointing at Oslo) for expectation tests.
    static let planYAML = try! String(contentsOfFile: TestPlans.path("Fixtures/batch/junitReportMatchesTheCheckedInFile/plan.yaml"), encoding: .utf8)

    static func plan() throws -> DialPlan { try TestPlans.load(planYAML) }

    /// Writes `text` to a temporary file with `name` and returns its path.
    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func run(_ cases: String, file: String = "cases.yaml", plan: DialPlan? = nil) throws -> TestRun {
        let plan = try plan ?? Self.plan()
        let suite = try TestSuiteLoader.load(path: temporaryFile(file, cases)).resolve(against: plan)
        return TestRun(plan: plan, suites: [suite], workers: 2)
    }

    static func errors(_ cases: String, file: String = "cases.yaml") throws -> [Diagnostic] {
        let plan = try Self.plan()
        let path = try temporaryFile(file, cases)
        do {
            _ = try TestSuiteLoader.load(path: path).resolve(against: plan)
            return []
        } catch {
            return error.diagnostics
        }
    }

    // MARK: Cases format

    @Test func aYAMLCaseNamesSitesAnAliasAndExpectations() throws {
        let run = try Self.run("""
            cases:
              - name: Oslo to Alice
                from: Oslo Office
                alias: meet.alice@vc.example
                expect: {verdict: local, location: Oslo, node: osl1, service: Alice, final_alias: meet.alice@vc.example}
            """)
        #expect(run.results.count == 1)
        #expect(run.results[0].calls.count == 1)
        #expect(run.passed)
    }

    /// A pattern case whose pattern yields no alias (every match longer than the sampler writes) fails and says
    /// why, instead of passing with 0 calls.
    @Test func aPatternCaseWithoutSamplesFails() throws {
        let run = try Self.run("""
            cases:
              - name: Huge
                from: Oslo Office
                pattern: 'a{65535}b{65535}'
                expect: {verdict: local}
            """)
        #expect(run.results.count == 1)
        #expect(!run.passed)
        #expect(run.results[0].noCallReason.hasPrefix("the pattern yields no alias to dial"))
        var text = ""
        TestRunFormatter.text(run, style: .plain, to: &text)
        #expect(text.contains("no call was placed, so nothing was tested: the pattern yields no alias to dial"))
    }

    @Test func fromAllOrNothingMeansEverySite() throws {
        let run = try Self.run("""
            cases:
              - {name: everyone, alias: meet.alice@vc.example, expect: {service: Alice}}
              - {name: all, from: all, alias: meet.alice@vc.example, expect: {service: Alice}}
            """)
        #expect(run.results.map { Set($0.calls.map(\.facts.site)) } == [["Oslo Office", "Singapore Office"], ["Oslo Office", "Singapore Office"]])
    }

    @Test func everyExpectationKindPassesAndFailsAsWritten() throws {
        // Singapore Office's calls land in Oslo (the plan's mistake): each expectation is checked against that.
        let expectations: [(String, Bool)] = [
            ("{verdict: remote}", true), ("{verdict: [local, ambiguous]}", false), ("{not_verdict: local}", true),
            ("{location: Oslo}", true), ("{location: Singapore}", false), ("{not_location: Oslo}", false),
            ("{media_location: Oslo}", true), ("{not_media_location: Singapore}", true),
            ("{node: osl1}", true), ("{node: sin1}", false), ("{not_node: osl1}", false),
            ("{service: Bob}", true), ("{service: conference}", true), ("{service: gateway_rule}", false), ("{not_service: Bob}", false),
            ("{final_alias: meet.bob@vc.example}", true), ("{not_final_alias: meet.bob@vc.example}", false),
            ("{reached_location: Oslo}", true), ("{not_reached_location: Oslo}", false),
        ]
        for (expectation, passes) in expectations {
            let run = try Self.run("cases: [{name: c, from: Singapore Office, alias: meet.bob@vc.example, expect: \(expectation)}]")
            #expect(run.passed == passes, "\(expectation): \(run.results.first?.failedCalls.first?.failures ?? [])")
        }
    }

    @Test func aFailureSaysWhatWasExpectedAndWhatHappenedWithTheRoute() throws {
        let run = try Self.run("cases: [{name: c, from: Singapore Office, alias: meet.bob@vc.example, expect: {location: Singapore}}]")
        let call = try #require(run.results.first?.failedCalls.first)
        #expect(call.summary == "Singapore Office, sip: expected to land in Singapore, landed in Oslo — via vcs: rule 'Singapore' (priority 100) → zone Pexip-Oslo")
    }

    @Test func reachedLocationCountsNodesThatRejectedTheCall() throws {
        let run = try Self.run("cases: [{name: c, from: Oslo Office, alias: nobody@vc.example, expect: {verdict: rejected, reached_location: Oslo}}]")
        #expect(run.passed)
        let failing = try Self.run("cases: [{name: c, from: Oslo Office, alias: nobody@vc.example, expect: {location: Oslo}}]")
        #expect(!failing.passed, "a rejected call lands nowhere, so `location` fails")
    }

    @Test func patternCasesDialDistinctMatchingSamplesDeterministically() throws {
        let cases = "cases: [{name: p, from: Oslo Office, pattern: '9\\d{4,6}@vc\\.example', samples: 6, seed: 3, expect: {service: PSTN}}]"
        let first = try Self.run(cases)
        let second = try Self.run(cases)
        let aliases = first.results.map(\.alias)
        #expect(aliases.count == 6)
        #expect(Set(aliases).count == 6)
        #expect(aliases == second.results.map(\.alias))
        let regex = try PCRERegex(#"9\d{4,6}@vc\.example"#)
        for alias in aliases { #expect(regex.match(alias, scratch: RegexScratch()) == .matched, "\(alias)") }
        #expect(first.passed)
    }

    @Test func nearMissSamplesAreCheckedAgainstTheirOwnExpectation() throws {
        let run = try Self.run("""
            cases:
              - name: p
                from: Oslo Office
                pattern: '9\\d{4}@vc\\.example'
                samples: 2
                near_misses: 3
                expect: {service: PSTN}
                near_miss_expect: {verdict: rejected}
            """)
        let nearMisses = run.results.filter(\.isNearMiss)
        #expect(nearMisses.count == 3)
        #expect(run.passed, "\(run.results.flatMap(\.failedCalls).map(\.summary))")
        let regex = try PCRERegex(#"9\d{4}@vc\.example"#)
        for result in nearMisses { #expect(regex.match(result.alias, scratch: RegexScratch()) == .noMatch) }
        #expect(nearMisses.allSatisfy { $0.testName.contains("[near miss ") })
    }

    @Test func aFailingSampleIsNamedInTheResult() throws {
        let run = try Self.run("cases: [{name: p, from: Singapore Office, pattern: 'meet\\.(alice|bob)@vc\\.example', samples: 2, expect: {location: Singapore}}]")
        #expect(Set(run.results.filter { !$0.passed }.map(\.alias)) == ["meet.alice@vc.example", "meet.bob@vc.example"])
    }

    @Test func repeatedCaseNamesAreNumberedSoJUnitNamesStayUnique() throws {
        let run = try Self.run("cases: [{name: same, alias: meet.alice@vc.example, expect: {service: Alice}}, {name: same, alias: meet.bob@vc.example, expect: {service: Bob}}]")
        #expect(run.results.map(\.caseName) == ["same", "same #2"])
    }

    @Test(arguments: [
        ("cases: [{name: c, from: Singapore Ofice, alias: a@vc.example, expect: {verdict: local}}]", "no site named 'Singapore Ofice' in plan.yaml; did you mean 'Singapore Office'?", 1, 25),
        ("cases: [{name: c, alias: a@vc.example, expect: {location: Olso}}]", "no system location named 'Olso' in plan.yaml; did you mean 'Oslo'?", 1, 59),
        ("cases: [{name: c, alias: a@vc.example, expect: {verdict: lokal}}]", "'lokal' is no verdict; verdicts are local, remote, ambiguous, rejected, loop, unrouted, error, mesh-broken, blocked; did you mean 'local'?", 1, 58),
        ("cases: [{name: c, alias: a@vc.example, expect: {servce: Alice}}]", "case 'c' expect: unknown key 'servce'; did you mean 'service'?", 1, 49),
        ("cases: [{name: c, alias: a@vc.example}]", "case 'c' expects nothing; give 'expect' (verdict, location, node, service, final_alias, outgoing_alias, outgoing_location, or not_…)", 1, 9),
        ("cases: [{name: c, expect: {verdict: local}}]", "case 'c' has neither 'alias' nor 'pattern'", 1, 9),
        ("cases: [{name: c, alias: a, pattern: b, expect: {verdict: local}}]", "case 'c' has both 'alias' and 'pattern'; give one", 1, 9),
        ("cases: [{name: c, from: Oslo Office, protocols: [h323], alias: a, expect: {verdict: local}}]", "case 'c': site 'Oslo Office' does not place h323 calls (it uses sip)", 1, 50),
        ("cases: [{name: c, pattern: 'a(?=b)', expect: {verdict: local}}]", "case 'c': cannot generate aliases from the pattern (column 2): lookahead assertions (?=…) are not supported", 1, 30),
        ("cases: [{name: c, pattern: 'a', near_misses: 2, expect: {verdict: local}}]", "case 'c' asks for near misses but has no 'near_miss_expect'", 1, 9),
    ])
    func aBadCaseIsReportedAtItsLineAndColumn(_ example: (String, String, Int, Int)) throws {
        let errors = try Self.errors(example.0)
        let error = try #require(errors.first, "no error for \(example.0)")
        #expect(error.message == example.1)
        #expect(error.location?.line == example.2)
        #expect(error.location?.column == example.3)
    }

    // MARK: CSV

    @Test func aCSVCaseFileWorksLikeYAML() throws {
        let run = try Self.run("""
            name,from,alias,pattern,samples,protocols,verdict,location,not_location,service
            Oslo to Alice,Oslo Office,meet.alice@vc.example,,,,local,Oslo,,Alice
            "Bob, from everywhere",Oslo Office;Singapore Office,meet.bob@vc.example,,,sip,,,Singapore,"conference"
            PSTN,Oslo Office,,9\\d{4}@vc\\.example,3,,local,,,gateway_rule
            """, file: "cases.csv")
        #expect(run.results.map(\.caseName) == ["Oslo to Alice", "Bob, from everywhere", "PSTN", "PSTN", "PSTN"])
        #expect(run.results[1].calls.count == 2)
        #expect(run.passed, "\(run.results.flatMap(\.failedCalls).map(\.summary))")
    }

    @Test func aCSVErrorPointsAtTheCell() throws {
        let errors = try Self.errors("name,from,alias,verdict\nc,Oslo Office,a@vc.example,lokal\n", file: "cases.csv")
        #expect(errors.map(\.description) == [#"\#(errors.first?.location?.file ?? ""):2:28: error: 'lokal' is no verdict; verdicts are local, remote, ambiguous, rejected, loop, unrouted, error, mesh-broken, blocked; did you mean 'local'?"#])
        let header = try Self.errors("name,form,alias\n", file: "cases.csv")
        #expect(header.first?.message.hasPrefix("unknown column 'form'; did you mean 'from'?") == true)
        #expect(header.first?.location?.column == 6)
    }

    @Test func csvQuotesMayHoldCommasQuotesAndLineBreaks() throws {
        let table = try CSVTable.parse("a,b\n\"x, \"\"y\"\"\nz\",w\n", file: "t.csv")
        #expect(table.rows.count == 1)
        #expect(table.rows[0].map(\.text) == ["x, \"y\"\nz", "w"])
        #expect(table.rows[0][1].location == DialPlanKit.SourceLocation(file: "t.csv", line: 3, column: 4))
    }

    // MARK: JUnit

    @Test func junitReportMatchesTheCheckedInFile() throws {
        let directory = "Fixtures/batch/junitReportMatchesTheCheckedInFile"
        let unresolved = try TestSuiteLoader.load(path: TestPlans.path("\(directory)/cases.yaml"))
        let plan = try PlanLoader.load(path: try #require(unresolved.planPath))
        let run = TestRun(plan: plan, suites: [try unresolved.resolve(against: plan)], workers: 1)
        var xml = ""
        TestRunFormatter.junit(run, to: &xml)
        xml = xml.replacingOccurrences(of: TestPlans.root.path + "/", with: "")
        let expected = try String(contentsOfFile: TestPlans.path("\(directory)/expected.xml"), encoding: .utf8)
        #expect(xml == expected)
        #expect(!run.passed)
    }

    // MARK: Diff

    @Test func diffShowsExactlyTheCallsARuleChangeMoves() throws {
        let directory = "Fixtures/batch/diffShowsExactlyTheCallsARuleChangeMoves"
        let before = try PlanLoader.load(path: TestPlans.path("\(directory)/before.yaml"))
        let after = try PlanLoader.load(path: TestPlans.path("\(directory)/after.yaml"))
        let diff = PlanDiff(old: before, new: after, workers: 2)
        // 2 sites × 2 protocols × 3 aliases (the union: the removed VMR is still dialled).
        #expect(diff.compared == 12)
        #expect(diff.groups.map(\.title) == [
            "verdict local → remote; location Singapore → Oslo; nodes sin1 → osl1",
            "verdict local → rejected; location Oslo → nowhere; nodes osl1 → nowhere; service conference → none",
            "verdict local → rejected; location Singapore → nowhere; nodes sin1 → nowhere; service conference → none",
        ])
        #expect(diff.groups[0].changes.map(\.alias).sorted() == ["meet.alice@vc.example", "meet.alice@vc.example", "meet.bob@vc.example", "meet.bob@vc.example"])
        #expect(diff.groups[0].changes.allSatisfy { $0.site == "Singapore Office" })
        #expect(diff.groups[0].changes[0].after?.route == "vcs: rule 'Fallback' (priority 50) → zone Pexip-Oslo")
        // Oslo's calls to the VMRs that still exist did not move.
        #expect(!diff.groups.flatMap(\.changes).contains { $0.site == "Oslo Office" && $0.alias != "old.room@vc.example" })
        let same = PlanDiff(old: before, new: before, workers: 2)
        #expect(same.groups.isEmpty)
    }

    // Issue 8: the diff's groups (titles, routes, calls and their order) do not depend on how many threads ran the
    // simulations: a group's route set is keyed by what it holds, not where a worker stored it.
    @Test func diffGroupsAreTheSameWhateverTheNumberOfWorkers() throws {
        func plan(_ faults: Int) throws -> DialPlan {
            let files = PlanGenerator(PlanGenerator.Options(sites: 24, vmrs: 30, seed: 4, faults: faults)).files()
            return try PlanLoader.load(files: files.map { (path: $0.name, text: $0.text) }, name: "generated")
        }
        let healthy = try plan(0), faulty = try plan(PlanGenerator.faultKinds.count)
        func summary(_ diff: PlanDiff) -> [String] {
            diff.groups.map { group in
                ([group.title, group.routeBefore ?? "-", group.routeAfter ?? "-"] + group.changes.map { "\($0.site)|\($0.alias)|\($0.callProtocol)" }).joined(separator: "\n")
            }
        }
        let one = summary(PlanDiff(old: healthy, new: faulty, workers: 1))
        #expect(one.count > 3)
        for workers in [2, 8] {
            #expect(summary(PlanDiff(old: healthy, new: faulty, workers: workers)) == one, "workers \(workers)")
        }
    }

    // Issue 8: a changed outgoing alias or location is a change, even when the verdict and landing stay.
    @Test func diffReportsAChangedOutgoingAliasOrLocation() throws {
        let rule = #"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#
        let before = try InlinePlan.single(rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"], gatewayRules: [rule])
        let moved = try InlinePlan.single(rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"], gatewayRules: [rule.replacingOccurrences(of: "}", with: ", outgoing_location: London}")])
        let rewritten = try InlinePlan.single(rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"], gatewayRules: [rule.replacingOccurrences(of: "@pstn.example", with: "@sbc.example")])
        func withProbe(_ plan: DialPlan) -> DialPlan {
            var plan = plan
            plan.probes = [Probe(alias: "94722334455@vc.example", source: SourceLocation(file: "t", line: 1, column: 1))]
            return plan
        }
        let location = PlanDiff(old: withProbe(before), new: withProbe(moved), workers: 1)
        #expect(location.groups.map(\.title) == ["outgoing location Oslo → London"])
        #expect(location.changedCount == 2)
        let alias = PlanDiff(old: withProbe(before), new: withProbe(rewritten), workers: 1)
        #expect(alias.groups.map(\.title) == ["outgoing alias changed"])
        #expect(alias.groups[0].changes[0].after?.outgoing?.alias == "+4722334455@sbc.example")
        #expect(PlanDiff(old: withProbe(before), new: withProbe(before), workers: 1).groups.isEmpty)
    }

    // Issue 8: cases can expect what a Call Routing Rule dials out and from where (and forbid it).
    @Test func casesExpectTheOutgoingAliasAndLocation() throws {
        let plan = try InlinePlan.single(
            rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"],
            gatewayRules: [#"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example', outgoing_location: London}"#])
        let yaml = """
            cases:
              - {name: Right, alias: 94722334455@vc.example, expect: {outgoing_alias: '+4722334455@pstn.example', outgoing_location: London}}
              - {name: Wrong, alias: 94722334455@vc.example, expect: {outgoing_location: Oslo, not_outgoing_alias: '+4722334455@pstn.example'}}
              - {name: None, alias: meet.alice@vc.example, expect: {outgoing_alias: anything}}
            """
        let suite = try TestSuiteLoader.loadYAML(yaml, file: "c.yaml").resolve(against: plan)
        let run = TestRun(plan: plan, suites: [suite], workers: 1)
        #expect(run.results.map(\.passed) == [true, false, false])
        let wrong = run.results[1].failedCalls[0].failures
        #expect(wrong.contains("expected the outgoing call from Oslo, placed from London"))
        #expect(wrong.contains("Pexip must not dial out '+4722334455@pstn.example'"))
        #expect(run.results[2].failedCalls[0].failures == ["expected Pexip to dial out 'anything', dialled nothing"])
        // A location the plan lacks is a load error, with a suggestion.
        let bad = "cases:\n  - {name: Typo, alias: x@vc.example, expect: {outgoing_location: Londn}}\n"
        #expect(throws: PlanLoadError.self) { try TestSuiteLoader.loadYAML(bad, file: "c.yaml").resolve(against: plan) }
    }

    // MARK: Coverage

    @Test func coverageListsWhatNoCallUsed() throws {
        let plan = try TestPlans.load(Self.planYAML.replacingOccurrences(of: "sites:", with: """
                  - {name: Never, priority: 300, pattern_type: prefix, pattern_string: 'nobody-dials-this', target: Pexip-Singapore}
            sites:
            """))
        let simulation = Simulation(plan: plan, workers: 1)
        let unused = simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount)
        #expect(unused.map { $0.check?.rawValue } == ["unused-search-rule", "unused-zone", "unused-gateway-rule"])
        #expect(unused[0].message.hasPrefix("vcs search rule 'Never' (priority 300) matched no call"))
        #expect(unused[1].message.hasPrefix("vcs zone 'Pexip-Singapore' was searched by no call"))
        #expect(unused[2].message.hasPrefix("Call Routing Rule 'PSTN' (priority 10) took no call"))
        #expect(unused.allSatisfy { $0.severity == .note })
        // A check report with coverage carries them as notes, and still passes or fails on calls alone.
        let report = CheckReport(simulation: simulation, coverage: true)
        #expect(report.findings.filter { $0.check?.rawValue.hasPrefix("unused-") == true }.count == 3)
    }

    @Test func theSampleCasesPassOnTheSampleAndFailOnTheMisroutedPlan() throws {
        let unresolved = try TestSuiteLoader.load(path: TestPlans.path("DialPlans/acme.cases.yaml"))
        #expect(unresolved.planPath.map { ($0 as NSString).lastPathComponent } == "acme")
        let good = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let run = TestRun(plan: good, suites: [try unresolved.resolve(against: good)])
        #expect(run.passed, "\(run.results.flatMap(\.failedCalls).prefix(3).map(\.summary))")
        let bad = try PlanLoader.load(path: TestPlans.path("DialPlans/acme-misrouted"))
        let failing = TestRun(plan: bad, suites: [try unresolved.resolve(against: bad)])
        #expect(!failing.passed)
        #expect(failing.results.contains { !$0.passed && $0.caseName == "APAC never lands in Oslo" })
    }
}
