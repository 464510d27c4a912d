@testable import DialPlanKit
import Foundation
import Testing

/// Promises about inputs and outputs that a user or a CI job relies on: nothing is overwritten, nothing passes
/// without being tested, reports agree with exit codes, machine outputs parse.
@Suite struct ContractTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func junitNeverOverwritesAnInputHoweverItIsSpelled() throws {
        let directory = try Self.temporaryDirectory()
        let cases = directory.appendingPathComponent("cases.yaml").path
        let original = "cases: [{name: c, alias: meet.alice@vc.acme.example, expect: {service: Alice Andersen}}]\n"
        try original.write(toFile: cases, atomically: true, encoding: .utf8)
        let run = try EndToEndTests.run(["test", cases, "--junit", "./cases.yaml"], in: directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("would overwrite an input file"))
        #expect(try String(contentsOfFile: cases, encoding: .utf8) == original)
    }

    @Test func junitIntoAMissingDirectoryFailsBeforeAnythingRuns() throws {
        let run = try EndToEndTests.run(["test", TestPlans.path("DialPlans/acme.cases.yaml"), "--junit", "/nonexistent-dir/report.xml"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
    }

    @Test func aCaseThatPlacesNoCallFails() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let directory = try Self.temporaryDirectory()
        let path = directory.appendingPathComponent("cases.yaml").path
        // Skype users do not dial aliases without a domain: this case places no call at all.
        try "cases: [{name: numbers over skype, from: Oslo HQ, protocols: [mssip], alias: \"1001\", expect: {location: London}}]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = TestRun(plan: plan, suites: [try TestSuiteLoader.load(path: path).resolve(against: plan)], workers: 1)
        #expect(run.results.count == 1)
        #expect(run.results[0].calls.isEmpty)
        #expect(!run.passed)
        var text = ""
        TestRunFormatter.text(run, style: .plain, to: &text)
        #expect(text.contains("no call was placed"))
    }

    @Test func aCasesFileWithoutCasesIsABadInput() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let path = try Self.temporaryDirectory().appendingPathComponent("cases.yaml").path
        try "cases: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PlanLoadError.self) { try TestSuiteLoader.load(path: path).resolve(against: plan) }
    }

    @Test func everySiteWithAProtocolListSkipsSitesThatDoNotPlaceIt() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let path = try Self.temporaryDirectory().appendingPathComponent("cases.yaml").path
        try "cases: [{name: h323 everywhere, from: all, protocols: [h323], alias: meet.alice@vc.acme.example, expect: {service: Alice Andersen}}]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let suite = try TestSuiteLoader.load(path: path).resolve(against: plan)
        #expect(!suite.cases[0].sites.contains(try #require(plan.siteIndex(named: "Boston Office"))))
        let run = TestRun(plan: plan, suites: [suite], workers: 1)
        #expect(run.passed)
        #expect(run.results[0].calls.count == plan.sites.count - 1)
    }

    @Test func strictCheckReportsFailWhenItExitsOne() throws {
        let plan = try TestPlans.load(TestPlans.minimal + "\nprobes: [meet.alice@vc.example]\n")
        #expect(plan.warnings.map { $0.check?.rawValue } == ["redundant-probe"])
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        #expect(report.passes() && !report.passes(strict: true))
        #expect(CheckFormatter.summary(report, style: .plain).hasSuffix("PASS"))
        #expect(CheckFormatter.summary(report, style: .plain, strict: true).hasSuffix("FAIL"))
        var json = ""
        CheckFormatter.json(report, strict: true, to: &json)
        #expect(json.contains("\"pass\":false"))
    }

    @Test func traceJSONForEveryProtocolIsOneArray() throws {
        let run = try EndToEndTests.run(["trace", "--from", "Singapore Office", "meet.alice@vc.acme.example", "--format", "json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["protocol"] as? String } == ["sip", "h323", "mssip"])
    }

    @Test func twoRulesAtOnePriorityAreBothNamedAndTheBlameLeadsWhereItSays() throws {
        let yaml = """
            pexip:
              system_locations: [{name: Oslo}, {name: London}]
              worker_vms: [{name: osl1, address: 10.1.0.1, system_location: Oslo}, {name: lon1, address: 10.2.0.1, system_location: London}]
              conferences: [{name: Alice, aliases: [meet.alice@vc.example]}]
            call_control:
              - name: vcs
                addresses: [10.0.0.2]
                zones: [{name: PxOslo, peers: [10.1.0.1]}, {name: PxLon, peers: [10.2.0.1]}]
                search_rules:
                  - {name: to oslo, priority: 100, mode: any_alias, target: PxOslo}
                  - {name: to lon, priority: 100, pattern_type: prefix, pattern_string: meet., target: PxLon}
            sites: [{name: Oslo Office, registers_to: vcs, local_locations: [Oslo], protocols: [sip]}]
            """
        let simulation = Simulation(plan: try TestPlans.load(yaml), workers: 1)
        let report = CheckReport(simulation: simulation)
        let group = try #require(report.groups.first)
        #expect(group.verdict == .ambiguous)
        #expect(group.diagnostic.message.hasSuffix("vcs search rule 'to lon' (priority 100) sends them to zone PxLon (London)"))
        #expect(group.diagnostic.notes.contains("also (same priority): vcs: rule 'to oslo' (priority 100) → zone PxOslo → osl1 (Oslo)"))
        // Every landing's route is in the call's facts.
        let facts = try #require(simulation.facts(site: 0, alias: 0, protocol: .sip))
        #expect(facts.route == "vcs: rule 'to oslo' (priority 100) → zone PxOslo | vcs: rule 'to lon' (priority 100) → zone PxLon")
    }

    @Test(arguments: [
        ("protocols: []", "'protocols' is empty"),
        ("local_locations: []", "'local_locations' is empty"),
    ])
    func anEmptyListWhereOneIsNeededIsAnError(_ example: (String, String)) throws {
        let yaml = TestPlans.minimal.replacingOccurrences(of: "local_locations: [Oslo]}", with: "local_locations: [Oslo], \(example.0)}")
            .replacingOccurrences(of: "local_locations: [Oslo], local_locations: []", with: "local_locations: []")
        #expect(TestPlans.errors(yaml).contains { $0.message.contains(example.1) }, "\(TestPlans.errors(yaml))")
    }

    // [PX-configuring_gateway_rules] the dialled alias is matched without its scheme and parameters.
    @Test func aServiceAliasWithASchemeNeverMatchesAndIsWarned() throws {
        let plan = try TestPlans.load(TestPlans.minimal.replacingOccurrences(of: "aliases: [meet.alice@vc.example, \"1001\"]", with: "aliases: [sip:meet.alice@vc.example, \"1001\"]"))
        #expect(plan.warnings.map { $0.check?.rawValue } == ["alias-never-matches"])
    }

    @Test func hiddenYAMLFilesAreNotPartOfAPlan() throws {
        let directory = try Self.temporaryDirectory()
        try TestPlans.minimal.write(to: directory.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try "garbage: [".write(to: directory.appendingPathComponent("._plan.yaml"), atomically: true, encoding: .utf8)
        let plan = try PlanLoader.load(path: directory.path)
        #expect(plan.files.map { ($0 as NSString).lastPathComponent } == ["plan.yaml"])
    }
}
