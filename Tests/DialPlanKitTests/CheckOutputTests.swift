import Foundation
import Testing

/// `check`'s outputs for code review and CI: SARIF 2.1.0, JUnit, baselines, and files written whole or not at all.
@Suite struct CheckOutputTests {
    typealias E2E = EndToEndTests

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-\(name)-\(UUID().uuidString)").path
    }

    /// Validates `document` against the JSON schema at `schema` with Python's jsonschema; nil when valid, else the
    /// errors.
    static func schemaErrors(_ document: String, schema: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = """
            import json, sys
            import jsonschema
            schema = json.load(open(sys.argv[1]))
            validator = jsonschema.validators.validator_for(schema)(schema)
            errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(json.load(open(sys.argv[2])))]
            print("\\n".join(errors[:10]))
            sys.exit(1 if errors else 0)
            """
        process.arguments = ["python3", "-c", script, schema, document]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }

    // [SARIF 2.1.0] One run, every check a rule with its stable id, every finding a result at its file (relative to
    // the plan root), line and column.
    @Test func sarifValidatesAndLocatesEveryFinding() throws {
        let output = Self.temporary("sarif") + ".sarif"
        let run = try E2E.run(["check", E2E.path("DialPlans/acme-misrouted"), "--format", "sarif", "--output", output])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let schema = TestPlans.path("Fixtures/schemas/sarif-2.1.0-subset.schema.json")
        let errors = try Self.schemaErrors(output, schema: schema)
        #expect(errors == nil, "\(errors ?? "") (python3 with jsonschema is needed: .ci/run installs python3-jsonschema)")
        if let official = ProcessInfo.processInfo.environment["DIALPLAN_SARIF_SCHEMA"] {
            #expect(try Self.schemaErrors(output, schema: official) == nil)
        }
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.contains("shadowed-search-rule") && ids.contains("remote") && Set(ids).count == ids.count)
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        let text1 = try E2E.run(["check", E2E.path("DialPlans/acme-misrouted"), "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text1.stdout.utf8)) as? [String: Any])
        let count = (json["groups"] as? [Any])!.count + (json["findings"] as? [Any])!.count
        #expect(results.count == count)
        let dot = try #require(results.first { $0["ruleId"] as? String == "pattern-unescaped-dot" })
        let location = try #require((dot["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "pexip.yaml")
        #expect((location["region"] as? [String: Any])?["startLine"] as? Int == 112)
        #expect((dot["properties"] as? [String: Any])?["witness"] as? String == "c@b2bcpartner.example")
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
        }
    }

    @Test func junitHasATestCasePerSiteAndPerFinding() throws {
        let run = try E2E.run(["check", E2E.path("DialPlans/acme-misrouted"), "--format", "junit"])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dialplan check\""))
        #expect(run.stdout.contains("<testcase classname=\"sites\" name=\"Singapore Office\""))
        #expect(run.stdout.contains("<failure type=\"remote"))
        #expect(run.stdout.contains("classname=\"findings\" name=\"shadowed-transform at "))
        let healthy = try E2E.run(["check", "--format", "junit"])
        #expect(healthy.status == 0)
        #expect(!healthy.stdout.contains("<failure"))
    }

    /// A baseline accepts today's findings by fingerprint; a new one still fails, and only it is new.
    @Test func aBaselineFailsOnlyOnNewFindings() throws {
        let copy = Self.temporary("plan")
        try FileManager.default.copyItem(atPath: E2E.path("DialPlans/acme-misrouted"), toPath: copy)
        let baseline = Self.temporary("baseline") + ".json"
        let first = try E2E.run(["check", copy, "--write-baseline", baseline])
        #expect(first.status == 1)
        let accepted = try E2E.run(["check", copy, "--baseline", baseline])
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(accepted.stdout.contains("accepted by the baseline, 0 new — PASS"))
        // Lines move and counts change: still the same findings.
        let pexip = copy + "/pexip.yaml"
        try ("# a comment that moves every line\n" + (try String(contentsOfFile: pexip, encoding: .utf8))).write(toFile: pexip, atomically: true, encoding: .utf8)
        #expect(try E2E.run(["check", copy, "--baseline", baseline]).status == 0)
        // A new shadowed rule is new.
        try ((try String(contentsOfFile: pexip, encoding: .utf8)) + #"    - {name: Later lab, priority: 199, match_string: '19\d\d'}"# + "\n").write(toFile: pexip, atomically: true, encoding: .utf8)
        // A new warning fails only with --strict; the baseline's findings stay accepted either way.
        #expect(try E2E.run(["check", copy, "--baseline", baseline]).status == 0)
        let added = try E2E.run(["check", copy, "--baseline", baseline, "--strict", "--format", "sarif"])
        #expect(added.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
        let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let new = results.filter { $0["baselineState"] as? String == "new" }
        #expect(new.count == 1)
        #expect((new.first?["message"] as? [String: Any])?["text"].map { "\($0)".contains("'Later lab'") } == true)
        // The same plan named by another path: the same fingerprints (messages name places relative to nothing).
        let relative = try E2E.run(["check", URL(fileURLWithPath: copy).lastPathComponent, "--baseline", baseline], in: URL(fileURLWithPath: copy).deletingLastPathComponent())
        #expect(relative.stdout.contains(" 1 new"), "\(relative.stdout.suffix(200))")
        let bad = Self.temporary("bad") + ".json"
        try "{\"findings\": []}".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try E2E.run(["check", copy, "--baseline", bad])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not a dialplan baseline"))
    }

    /// Every report command writes to --output exactly what it prints, and nothing to standard output then.
    @Test func everyReportCommandWritesToOutput() throws {
        let commands: [[String]] = [
            ["matrix", "--format", "csv"], ["mesh", E2E.path("DialPlans/acme-misrouted"), "--format", "json"],
            ["diff", E2E.path("DialPlans/acme"), E2E.path("DialPlans/acme-misrouted"), "--format", "json"],
            ["trace", "--from", "Oslo HQ", "--protocol", "sip", "1001", "--format", "json"],
            ["test", E2E.path("DialPlans/acme.cases.yaml"), "--format", "json"], ["check", "--format", "json"],
        ]
        for command in commands {
            let printed = try E2E.run(command)
            let file = Self.temporary("output")
            let written = try E2E.run(command + ["--output", file])
            #expect(written.status == printed.status, "\(command)")
            #expect(written.stdout.isEmpty, "\(command)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.stdout, "\(command)")
        }
    }

    /// Reports are never written into the plan, over an input, or to a directory, and nothing reaches standard
    /// output when the file cannot be written.
    @Test func outputsAreRefusedWhereTheyWouldDoHarm() throws {
        let copy = Self.temporary("plan")
        try FileManager.default.copyItem(atPath: E2E.path("DialPlans/acme"), toPath: copy)
        let cases: [([String], String)] = [
            (["check", copy, "--output", copy + "/report.json", "--format", "json"], "is inside the plan directory"),
            (["check", copy, "--output", copy + "/pexip.yaml"], "would overwrite an input file"),
            (["check", copy, "--output", FileManager.default.temporaryDirectory.path], "is a directory"),
            (["check", copy, "--output", "/nonexistent-dir/x.sarif"], "does not exist"),
            (["test", copy, E2E.path("DialPlans/acme.cases.yaml"), "--junit", FileManager.default.temporaryDirectory.path], "is a directory"),
            (["test", copy, E2E.path("DialPlans/acme.cases.yaml"), "--junit", copy + "/junit.xml"], "is inside the plan directory"),
            (["test", copy, E2E.path("DialPlans/acme.cases.yaml"), "--output", E2E.path("DialPlans/acme.cases.yaml")], "would overwrite an input file"),
        ]
        for (arguments, message) in cases {
            let run = try E2E.run(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderr.hasPrefix("dialplan: error: ") && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let noBaseline = try E2E.run(["check", copy, "--baseline", "/nonexistent/baseline.json"])
        #expect(noBaseline.status == 2 && noBaseline.stdout.isEmpty)
        #expect(noBaseline.stderr.hasPrefix("/nonexistent/baseline.json:1:1: error: no such baseline file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy).sorted() == ["call-control.yaml", "dns.yaml", "network.yaml", "pexip.yaml", "sites.yaml", "skype.yaml"])
        // A plan given as one file: only that file is protected, a report may go beside it.
        let single = Self.temporary("single")
        try FileManager.default.createDirectory(atPath: single, withIntermediateDirectories: true)
        try TestPlans.minimal.write(toFile: single + "/plan.yaml", atomically: true, encoding: .utf8)
        let beside = try E2E.run(["check", "plan.yaml", "--output", "report.txt"], in: URL(fileURLWithPath: single))
        #expect(beside.status == 0, "\(beside.stderr)")
        #expect(FileManager.default.fileExists(atPath: single + "/report.txt"))
    }
}
