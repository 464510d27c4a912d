@testable import DialPlanKit
import Foundation
import Testing

/// Loading a plan: the bundled samples, directories merged by top-level key, single files, and every way reading the
/// files can fail (missing, empty, not UTF-8, invalid YAML, duplicate keys); YAML aliases and merge keys; line
/// endings and byte order marks. Fixtures that need real files are in Fixtures/plans/<test name>/.
@Suite struct PlanLoaderTests {

    // MARK: The bundled samples

    @Test func acmeSampleLoadsWithExpectedCounts() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        #expect(plan.locations.map(\.name) == ["Oslo", "Oslo-Edge", "London", "New York", "Singapore"])
        #expect(plan.nodes.count == 10)
        #expect(plan.nodes.filter { $0.nodeType == .proxying }.map(\.name) == ["osl-edge01", "osl-edge02"])
        #expect(plan.services.count == 25)
        #expect(plan.services.flatMap(\.aliases).count == 73)
        #expect(plan.gatewayRules.count == 7)
        #expect(plan.clusters.map(\.name) == ["vcs-emea", "vcs-amer", "vcs-apac"])
        #expect(plan.clusters.map(\.zones.count) == [8, 7, 7])
        #expect(plan.clusters.map(\.searchRules.count) == [7, 4, 5])
        #expect(plan.clusters.map(\.transforms.count) == [1, 1, 1])
        // DefaultSubZone is always there, besides the subzones the plan names.
        #expect(plan.clusters.map(\.subzones.count) == [4, 3, 3])
        #expect(plan.dnsRecords.count == 5)
        #expect(plan.sites.count == 7)
        #expect(plan.probes.count == 3)
        #expect(plan.managementNode?.name == "acme-mgr")
        #expect(plan.warnings.isEmpty, "the sample loads cleanly: \(plan.warnings)")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: TestPlans.path("DialPlans/acme")).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(plan.files.map { ($0 as NSString).lastPathComponent } == onDisk)
        #expect(Set(onDisk).isSuperset(of: ["call-control.yaml", "dns.yaml", "pexip.yaml", "sites.yaml"]))
        // References are resolved to the right objects.
        let edge = try #require(plan.locationIndex(named: "Oslo-Edge"))
        #expect(plan.locations[edge].transcodingLocation == plan.locationIndex(named: "Oslo"))
        #expect(plan.locations[try #require(plan.locationIndex(named: "London"))].overflowLocation1 == plan.locationIndex(named: "Oslo"))
        let boston = try #require(plan.siteIndex(named: "Boston Office"))
        #expect(plan.sites[boston].protocols == [.sip])
        #expect(plan.clusters[plan.sites[boston].registersTo].name == "vcs-amer")
        #expect(plan.clusters[plan.sites[boston].registersTo].subzones[try #require(plan.sites[boston].subzone)].name == "Boston")
    }

    @Test func bundledSampleLoadsLikeTheDirectory() throws {
        let bundled = try BundledSample.load()
        let directory = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        #expect(bundled.nodes.map(\.name) == directory.nodes.map(\.name))
        #expect(bundled.services.map(\.name) == directory.services.map(\.name))
        #expect(bundled.gatewayRules.map(\.name) == directory.gatewayRules.map(\.name))
        #expect(bundled.clusters.map(\.name) == directory.clusters.map(\.name))
        #expect(bundled.sites.map(\.name) == directory.sites.map(\.name))
        #expect(bundled.name == "DialPlans/acme")
    }

    @Test func acmeMisroutedSampleLoads() throws {
        // Its faults are routing faults that the simulation finds, not load errors.
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme-misrouted"))
        #expect(plan.nodes.count >= 8)
        #expect(plan.sites.count >= 5)
        #expect(plan.clusters.count >= 2)
    }

    // MARK: Directories and files

    @Test func directoryMergesByTopLevelKey() throws {
        let directory = TestPlans.path("Fixtures/plans/directoryMergesByTopLevelKey")
        let plan = try PlanLoader.load(path: directory)
        // Every *.yaml and *.yml directly in the directory, in name order; other files and subdirectories are not read.
        #expect(plan.files.map { ($0 as NSString).lastPathComponent }
            == ["10-locations.yaml", "20-more-pexip.yml", "30-call-control.yaml", "40-sites.yaml", "50-empty.yaml", "60-comment-only.yaml"])
        #expect(plan.name == directory)
        // pexip is a mapping given in two files: merged key by key, its lists concatenated in file order.
        #expect(plan.managementNode?.name == "mgr")
        #expect(plan.locations.map(\.name) == ["Oslo", "Singapore"])
        #expect(plan.nodes.map(\.name) == ["osl1", "osl2", "sin1"])
        #expect(plan.nodes.map { plan.locations[$0.location].name } == ["Oslo", "Oslo", "Singapore"])
        #expect(plan.services.map(\.name) == ["Alice"])
        // Top-level lists given in two files are concatenated.
        #expect(plan.clusters.map(\.name) == ["vcs", "vcs-second"])
        #expect(plan.sites.map(\.name) == ["Oslo Office", "Singapore Office"])
        #expect(plan.probes.map(\.alias) == ["first-probe@vc.example", "second-probe@vc.example"])
        // Each object remembers the file it came from.
        #expect(plan.nodes.map { ($0.source.file as NSString).lastPathComponent } == ["10-locations.yaml", "10-locations.yaml", "20-more-pexip.yml"])
        #expect(plan.sites.map { ($0.source.file as NSString).lastPathComponent } == ["30-call-control.yaml", "40-sites.yaml"])
        let sin1 = try #require(plan.nodes.first { $0.name == "sin1" })
        // 20-more-pexip.yml line 6: `    - {name: sin1, …}`, the mapping starting at its `{`.
        #expect(sin1.source.line == 6)
        #expect(sin1.source.column == 7)
    }

    @Test func singleFileLoads() throws {
        let file = TestPlans.path("Fixtures/plans/singleFileLoads/plan.yaml")
        let plan = try PlanLoader.load(path: file)
        // Only the named file is read, not its (broken) sibling.
        #expect(plan.files == [file])
        #expect(plan.name == file)
        #expect(plan.nodes.map(\.name) == ["osl1"])
        #expect(plan.services.flatMap(\.aliases).map(\.alias) == ["meet.alice@vc.example", "1001"])
        #expect(plan.sites.map(\.name) == ["Oslo Office"])
        #expect(plan.nodes[0].source == DialPlanKit.SourceLocation(file: file, line: 5, column: 7))
    }

    @Test func documentsOfOneFileMergeLikeFiles() throws {
        let yaml = TestPlans.minimal + """

            ---
            pexip:
              conferences:
                - {name: Bob, aliases: [meet.bob@vc.example]}
            probes: [extra@vc.example]
            """
        let plan = try TestPlans.load(yaml)
        #expect(plan.services.map(\.name) == ["Alice", "Bob"])
        #expect(plan.probes.map(\.alias) == ["extra@vc.example"])
        #expect(plan.services[1].source.line == yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("name: Bob") }! + 1)
    }

    @Test func conflictingScalarsAcrossFilesNameBothLocations() throws {
        let directory = TestPlans.path("Fixtures/plans/conflictingScalarsAcrossFilesNameBothLocations")
        let errors = loadErrors(path: directory)
        let conflict = try #require(errors.first { $0.message.contains("'name'") }, "\(errors)")
        // Reported where the second value is, naming where the first one is.
        #expect(conflict.location == DialPlanKit.SourceLocation(file: directory + "/b.yaml", line: 4, column: 5))
        #expect(conflict.message.contains("\(directory)/a.yaml:2:19"), "\(conflict.message)")
        #expect(conflict.severity == .error)
    }

    @Test func conflictingKindsAcrossFilesAreAnError() throws {
        // sites is a list in one file and a mapping in the other: neither concatenation nor merge applies.
        let errors = loadErrors(files: [
            ("one.yaml", TestPlans.minimal),
            ("two.yaml", "sites:\n  name: Bergen Office\n"),
        ])
        let conflict = try #require(errors.first { $0.location?.file == "two.yaml" }, "\(errors)")
        #expect(conflict.location == DialPlanKit.SourceLocation(file: "two.yaml", line: 1, column: 1))
        #expect(conflict.message.contains("sites"))
        #expect(conflict.message.contains("one.yaml:"), "names the first place: \(conflict.message)")
    }

    @Test func emptySectionInOneFileDoesNotConflict() throws {
        let plan = try PlanLoader.load(files: [("one.yaml", "probes:\ndns:\n"), ("two.yaml", TestPlans.minimal + "\nprobes: [p@vc.example]\n")], name: "plan")
        #expect(plan.probes.map(\.alias) == ["p@vc.example"])
        #expect(plan.sites.count == 2)
    }

    @Test func emptyDirectoryIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = loadErrors(path: directory)
        #expect(errors.count == 1)
        #expect(errors.first?.message == "the plan directory has no *.yaml files")
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: directory, line: 1, column: 1))
    }

    @Test func directoryWithoutYAMLIsAnError() {
        // It has plan.txt, plan.YAML.orig and a subdirectory holding a plan.yaml: none of them is read.
        let directory = TestPlans.path("Fixtures/plans/directoryWithoutYAMLIsAnError")
        let errors = loadErrors(path: directory)
        #expect(errors.map(\.message) == ["the plan directory has no *.yaml files"])
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: directory, line: 1, column: 1))
    }

    @Test func missingPathIsAnError() {
        let path = TestPlans.path("Fixtures/plans/there-is-no-such-plan")
        let errors = loadErrors(path: path)
        #expect(errors.map(\.message) == ["no such plan file or directory"])
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: path, line: 1, column: 1))
        #expect(errors.first?.description == "\(path):1:1: error: no such plan file or directory")
    }

    @Test func fileThatIsNotUTF8IsAnError() {
        let directory = TestPlans.path("Fixtures/plans/fileThatIsNotUTF8IsAnError")
        let errors = loadErrors(path: directory)
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("not UTF-8") == true, "\(errors)")
        #expect(errors.first?.location?.file == directory + "/pexip.yaml")
        #expect((errors.first?.location?.line ?? 0) >= 1)
    }

    @Test func errorsFromEveryFileAreReportedTogether() throws {
        let directory = TestPlans.path("Fixtures/plans/errorsFromEveryFileAreReportedTogether")
        let errors = loadErrors(path: directory)
        let unknownKey = try #require(errors.first { $0.message.contains("unknown key 'adress'") }, "\(errors)")
        let pexipText = try String(contentsOfFile: directory + "/a-pexip.yaml", encoding: .utf8)
        #expect(unknownKey.location == position(of: "adress", in: pexipText, file: directory + "/a-pexip.yaml"))
        #expect(unknownKey.message.contains("did you mean 'address'?"))
        let unknownLocation = try #require(errors.first { $0.message.contains("'Olso'") }, "\(errors)")
        let sitesText = try String(contentsOfFile: directory + "/b-sites.yaml", encoding: .utf8)
        #expect(unknownLocation.location == position(of: "Olso", in: sitesText, file: directory + "/b-sites.yaml"))
        #expect(unknownLocation.message.contains("did you mean 'Oslo'?"))
        // All of them, in file order.
        #expect(errors.compactMap(\.location) == errors.compactMap(\.location).sorted())
        #expect(Set(errors.compactMap { $0.location.map { ($0.file as NSString).lastPathComponent } }) == ["a-pexip.yaml", "b-sites.yaml"])
    }

    @Test func patternErrorPointsIntoTheFileThatHasIt() throws {
        let directory = TestPlans.path("Fixtures/plans/patternErrorPointsIntoTheFileThatHasIt")
        let errors = loadErrors(path: directory)
        let error = try #require(errors.first { $0.message.contains("does not compile") }, "\(errors)")
        // rules.yaml line 9: `      match_string: 'gw\.[z-a]+@vc\.example'`; PCRE2 stops at the `a` of `[z-a]`.
        let line = "      match_string: 'gw\\.[z-a]+@vc\\.example'"
        #expect(error.location == DialPlanKit.SourceLocation(file: directory + "/rules.yaml", line: 9, column: column(of: "a]", in: line)))
        #expect(error.message.contains("gateway_routing_rule 'Broken range'"))
        #expect(error.message.contains("range out of order"))
    }

    // MARK: Files are only read

    @Test func loadingNeverModifiesInputFiles() throws {
        let directories = [
            TestPlans.path("Fixtures/plans/loadingNeverModifiesInputFiles"),  // loads
            TestPlans.path("Fixtures/plans/conflictingScalarsAcrossFilesNameBothLocations"),  // fails
        ]
        for directory in directories {
            let before = try snapshot(directory)
            // Let a write, if there were one, show in the modification dates.
            Thread.sleep(forTimeInterval: 0.05)
            _ = try? PlanLoader.load(path: directory)
            for file in before.keys.sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                _ = try? PlanLoader.load(path: (directory as NSString).appendingPathComponent(file))
            }
            let after = try snapshot(directory)
            #expect(after.keys.sorted() == before.keys.sorted(), "no file is created or removed in \(directory)")
            for (file, state) in before {
                #expect(after[file]?.contents == state.contents, "\(file) is unchanged")
                #expect(after[file]?.modified == state.modified, "\(file) keeps its modification date")
            }
        }
        // The successful one really loads, so the comparison covers a complete read.
        let plan = try PlanLoader.load(path: directories[0])
        #expect(plan.files.count == 2)
        #expect(plan.gatewayRules.map(\.name) == ["Partners"])
    }

    // MARK: YAML

    /// Syntax errors, with libyaml's position of the problem: `file:line:column`, the column 1-based.
    static let invalidYAML: [(name: String, yaml: String, line: Int, column: Int, message: String)] = [
        ("a mapping value where none may be", "pexip:\n  management_vm: name: mgr\n", 2, 22, "mapping values are not allowed"),
        ("an unclosed flow sequence", "pexip:\n  system_locations: [Oslo\n", 3, 1, "did not find expected ',' or ']'"),
        ("an unclosed flow mapping", "pexip:\n  system_locations:\n    - {name: Oslo\n  worker_vms: []\n", 4, 13, "did not find expected ',' or '}'"),
        ("a tab as indentation", "pexip:\n\tsystem_locations: []\n", 2, 1, "found character that cannot start any token"),
        ("an unterminated quoted scalar", "pexip:\n  management_vm: {name: 'mgr}\n", 3, 1, "found unexpected end of stream"),
        ("a key outdented into no mapping", "pexip:\n  system_locations: []\n worker_vms: []\n", 3, 2, "did not find expected key"),
        ("an unknown escape in a double-quoted scalar", "probes: [\"a\\qb\"]\n", 1, 12, "found unknown escape character"),
        ("a list item indented past its siblings", "sites:\n  - name: a\n  - name: b\n   registers_to: x\n", 4, 4, "did not find expected '-' indicator"),
    ]

    @Test(arguments: invalidYAML)
    func invalidYAMLIsReportedAtExactLineAndColumn(_ example: (name: String, yaml: String, line: Int, column: Int, message: String)) {
        let errors = TestPlans.errors(example.yaml, file: "broken.yaml")
        #expect(errors.count == 1, "\(example.name): \(errors)")
        let error = errors.first
        #expect(error?.location == DialPlanKit.SourceLocation(file: "broken.yaml", line: example.line, column: example.column), "\(example.name)")
        #expect(error?.message.hasPrefix("invalid YAML: ") == true, "\(example.name): \(error?.message ?? "")")
        #expect(error?.message.contains(example.message) == true, "\(example.name): \(error?.message ?? "")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func invalidYAMLAfterAValidDocumentIsReported() {
        // The first document is a complete plan; the second is broken. The broken part must not be dropped silently.
        let yaml = TestPlans.minimal + "\n---\nprobes: [a@vc.example, b@vc.example\n"
        let lineCount = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        let errors = TestPlans.errors(yaml)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: lineCount, column: 1))
        #expect(errors.first?.message.contains("did not find expected ',' or ']'") == true, "\(errors)")
    }

    @Test func invalidYAMLInOneFileOfADirectoryFailsTheLoad() throws {
        let directory = TestPlans.path("Fixtures/plans/invalidYAMLInOneFileOfADirectoryFailsTheLoad")
        let errors = loadErrors(path: directory)
        // sites.yaml line 4 opens a flow sequence that is never closed: its plain scalar runs on into line 5
        // ("Oslo - name"), and the parser gives up at the `:` of line 5, column 9.
        let error = try #require(errors.first, "the broken sites.yaml must fail the load, not be left out of the plan")
        #expect(errors.count == 1, "\(errors)")
        #expect(error.location == DialPlanKit.SourceLocation(file: directory + "/sites.yaml", line: 5, column: 9), "\(error.message)")
        #expect(error.message == "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 4)")
    }

    /// Plans with problems whose position the loader computes itself (not libyaml): inside a pattern, at a repeated key.
    static let crlfExamples: [(name: String, yaml: String)] = [
        ("a pattern that does not compile", TestPlans.minimal + "\n---\npexip:\n  gateway_routing_rules:\n    - {name: Broken, priority: 5, match_string: 'gw\\.[z-a]@vc'}\n"),
        ("a replace string with a missing group", TestPlans.minimal + "\n---\npexip:\n  gateway_routing_rules:\n    - {name: Broken, priority: 5, match_string: '(.+)@vc', replace_string: '\\1@\\2'}\n"),
        ("a repeated key", "pexip:\n  system_locations: []\n  worker_vms: []\n  system_locations: [{name: Oslo}]\n"),
    ]

    @Test(arguments: crlfExamples)
    func crlfLineEndingsGiveTheSameLocations(_ example: (name: String, yaml: String)) throws {
        // A plan saved on Windows: the same messages at the same positions as with LF line endings.
        let lf = TestPlans.errors(example.yaml)
        let crlf = TestPlans.errors(example.yaml.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(lf.count == 1, "\(lf)")
        #expect(crlf.map(\.message) == lf.map(\.message))
        #expect(crlf.map(\.location) == lf.map(\.location))
        // The LF positions are inside the line, not at its start (so the comparison says something).
        #expect((lf.first?.location?.column ?? 0) > 1)
    }

    @Test func crlfPlanLoads() throws {
        let plan = try TestPlans.load(TestPlans.minimal.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(plan.sites.map(\.name) == ["Oslo Office", "Singapore Office"])
        #expect(plan.nodes.map(\.address) == ["10.1.0.1", "10.1.0.2", "10.2.0.1", "10.2.0.2"])
        #expect(plan.sites.map(\.source) == (try TestPlans.load(TestPlans.minimal)).sites.map(\.source))
    }

    @Test func utf8ByteOrderMarkIsAccepted() throws {
        // The same as fileWithUTF8ByteOrderMarkLoads, for text already in memory.
        let plain = try TestPlans.load(TestPlans.minimal)
        let marked = try TestPlans.load("\u{FEFF}" + TestPlans.minimal)
        #expect(marked.nodes.map(\.name) == plain.nodes.map(\.name))
        #expect(marked.sites.map(\.source) == plain.sites.map(\.source))
    }

    @Test func fileWithUTF8ByteOrderMarkLoads() throws {
        // Windows editors save UTF-8 with a byte order mark; the plan is the same as singleFileLoads/plan.yaml.
        let file = TestPlans.path("Fixtures/plans/fileWithUTF8ByteOrderMarkLoads/plan.yaml")
        let plan = try PlanLoader.load(path: file)
        #expect(plan.nodes.map(\.name) == ["osl1"])
        #expect(plan.clusters.map(\.name) == ["vcs"])
        #expect(plan.sites.map(\.name) == ["Oslo Office"])
        #expect(plan.sites.first?.source == DialPlanKit.SourceLocation(file: file, line: 17, column: 5))
    }

    @Test func undefinedYAMLAliasIsAnError() {
        let yaml = TestPlans.minimal + "\nprobes: [*nowhere]\n"
        let errors = TestPlans.errors(yaml)
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: 10))
        #expect(errors.first?.message.contains("undefined alias") == true, "\(errors)")
    }

    @Test func yamlAliasesAreExpanded() throws {
        // An alias stands for the anchored value: two zones may share one list of peers.
        let yaml = """
            pexip:
              system_locations:
                - {name: Oslo}
              worker_vms:
                - {name: osl1, address: 10.1.0.1, system_location: Oslo}
                - {name: osl2, address: 10.1.0.2, system_location: Oslo}
            call_control:
              - name: vcs
                addresses: [10.0.0.2]
                zones:
                  - {name: Pexip-Oslo, peers: &oslo [10.1.0.1, 10.1.0.2]}
                  - {name: Pexip-Oslo-Again, peers: *oslo}
            """
        let plan = try TestPlans.load(yaml)
        #expect(plan.clusters.first?.zones.map(\.peers) == [["10.1.0.1", "10.1.0.2"], ["10.1.0.1", "10.1.0.2"]])
        // The plan has no sites (it only shows zones), which is the one warning.
        #expect(plan.warnings.map { $0.check?.rawValue } == ["no-sites"], "\(plan.warnings)")
    }

    @Test func yamlMergeKeyBringsInTheKeysNotSetHere() throws {
        let yaml = TestPlans.minimal + """

            ---
            pexip:
              gateway_routing_rules:
                - &pstn {name: PSTN Oslo, priority: 10, match_source_location: Oslo, match_string: '9(\\d+)', replace_string: '+\\1@pstn'}
                - {<<: *pstn, name: PSTN Singapore, priority: 11, match_source_location: Singapore}
            """
        let plan = try TestPlans.load(yaml)
        #expect(plan.gatewayRules.map(\.name) == ["PSTN Oslo", "PSTN Singapore"])
        let singapore = try #require(plan.gatewayRules.last)
        #expect(singapore.priority == 11)
        #expect(singapore.matchSourceLocation == plan.locationIndex(named: "Singapore"))
        #expect(singapore.matchString == "9(\\d+)")
        #expect(singapore.replaceString == "+\\1@pstn")
    }

    @Test func yamlMergeKeyOfAValueIsAnError() {
        let yaml = TestPlans.minimal + "\n---\nprobes:\n  - {<<: just-a-value, alias: x@vc.example}\n"
        let errors = TestPlans.errors(yaml)
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(errors.map(\.message) == ["a merge key (<<) takes a mapping or a list of mappings"])
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: 6))
    }

    @Test func yamlAnchorWithoutAliasLoads() throws {
        let yaml = TestPlans.minimal.replacingOccurrences(of: "addresses: [10.0.0.2]", with: "addresses: &vcs [10.0.0.2]")
        let plan = try TestPlans.load(yaml)
        #expect(plan.clusters.first?.addresses == ["10.0.0.2"])
    }

    /// Duplicate keys in one mapping: reported at the second key (the `occurrence`-th `needle`), naming the line of
    /// the first (the one before).
    static let duplicateKeys: [(name: String, yaml: String, key: String, needle: String, occurrence: Int)] = [
        ("a section", TestPlans.minimal + "\nprobes: [a@x]\nprobes: [b@x]\n", "probes", "probes:", 2),
        ("a field of a node", "pexip:\n  worker_vms:\n    - name: osl1\n      address: 10.1.0.1\n      name: osl2\n", "name", "name:", 2),
        ("a field in a flow mapping", "pexip:\n  system_locations:\n    - {name: Oslo, name: Bergen}\n", "name", "name:", 2),
    ]

    @Test(arguments: duplicateKeys)
    func duplicateMappingKeyIsReportedAtTheSecondKey(_ example: (name: String, yaml: String, key: String, needle: String, occurrence: Int)) {
        let errors = TestPlans.errors(example.yaml)
        let error = errors.first { $0.message.contains("duplicate key '\(example.key)'") }
        #expect(error != nil, "\(example.name): \(errors)")
        #expect(error?.location == position(of: example.needle, occurrence: example.occurrence, in: example.yaml, file: "plan.yaml"), "\(example.name)")
        let firstLine = position(of: example.needle, occurrence: example.occurrence - 1, in: example.yaml, file: "plan.yaml").line
        #expect(error?.message.contains("line \(firstLine)") == true, "\(example.name): \(error?.message ?? "")")
    }

    @Test func mappingKeyThatIsNotAValueIsAnError() {
        let errors = TestPlans.errors("pexip:\n  ? [system_locations, worker_vms]\n  : []\n")
        #expect(errors.map(\.message) == ["a mapping key must be a plain name"])
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: 2, column: 5))
    }

    // MARK: The shape of a plan

    @Test func planFileThatIsNotAMappingIsAnError() {
        let errors = TestPlans.errors("- pexip\n- sites\n")
        #expect(errors.count == 1)
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: 1, column: 1))
        #expect(errors.first?.message.contains("must be a mapping of sections") == true, "\(errors)")
    }

    @Test func planWithoutPexipSectionIsAnError() {
        let errors = TestPlans.errors("sites: []\nprobes: []\n")
        #expect(errors.map(\.message) == ["the plan has no 'pexip' section"])
        #expect(errors.first?.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: 1, column: 1))
    }

    @Test func emptyFileIsAPlanWithoutPexip() {
        let errors = TestPlans.errors("# nothing yet\n")
        #expect(errors.map(\.message) == ["the plan has no 'pexip' section"])
        #expect(errors.first?.location?.file == "plan.yaml")
    }

    static let unknownSections: [(section: String, suggestion: String?)] = [
        ("site", "sites"),
        ("call-control", "call_control"),
        ("probe", "probes"),
        ("pexi", "pexip"),
        ("zones", nil),
    ]

    @Test(arguments: unknownSections)
    func unknownSectionIsAnErrorWithDidYouMean(_ example: (section: String, suggestion: String?)) throws {
        let yaml = TestPlans.minimal + "\n\(example.section): []\n"
        let errors = TestPlans.errors(yaml)
        let error = try #require(errors.first { $0.message.contains("unknown section '\(example.section)'") }, "\(errors)")
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(error.location == DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: 1))
        if let suggestion = example.suggestion {
            #expect(error.message.contains("did you mean '\(suggestion)'?"), "\(error.message)")
        } else {
            #expect(!error.message.contains("did you mean"), "\(error.message)")
        }
        #expect(error.message.contains("a plan has " + PlanLoader.sections.joined(separator: ", ")))
    }

    // MARK: Helpers

    private func loadErrors(path: String) -> [Diagnostic] {
        do {
            _ = try PlanLoader.load(path: path)
            return []
        } catch {
            return error.diagnostics
        }
    }

    private func loadErrors(files: [(path: String, text: String)]) -> [Diagnostic] {
        do {
            _ = try PlanLoader.load(files: files, name: "plan")
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// The 1-based line and column of the `occurrence`-th `needle` in `text`.
    private func position(of needle: String, occurrence: Int = 1, in text: String, file: String) -> DialPlanKit.SourceLocation {
        var seen = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let range = rest.range(of: needle) {
                seen += 1
                if seen == occurrence {
                    return DialPlanKit.SourceLocation(file: file, line: index + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
                }
                rest = rest[range.upperBound...]
            }
        }
        return DialPlanKit.SourceLocation(file: file, line: -1, column: -1)
    }

    /// 1-based column of the first occurrence of `needle` in `line`.
    private func column(of needle: String, in line: String) -> Int {
        guard let range = line.range(of: needle) else { return -1 }
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1
    }

    /// Contents and modification date of every file under `directory`, by relative path.
    private func snapshot(_ directory: String) throws -> [String: (contents: Data, modified: Date)] {
        var result: [String: (contents: Data, modified: Date)] = [:]
        let manager = FileManager.default
        for relative in try manager.subpathsOfDirectory(atPath: directory) {
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let attributes = try manager.attributesOfItem(atPath: path)
            let modified = try #require(attributes[.modificationDate] as? Date)
            result[relative] = (try #require(manager.contents(atPath: path)), modified)
        }
        return result
    }

    /// The alias-as-key pre-scan reads quotes, comments and block scalars as text: `*legacy:` inside them is no key.
    @Test func aliasLikeTextInBlockScalarsAndQuotesIsNoKey() throws {
        let yaml = TestPlans.minimal.replacingOccurrences(of: "    - {name: Oslo}\n", with: "    - name: |-\n        Oslo *legacy: see ticket\n") + "probes: ['*x: y'] # *z: w\n"
        #expect(TestPlans.errors(yaml).allSatisfy { !$0.message.contains("alias") }, "\(TestPlans.errors(yaml))")
        let bomb = "x: &a [1]\ny: {*a: 2}\n"
        #expect(TestPlans.errors(bomb).first?.message == "a mapping key must be a plain name, not an alias (*name)")
    }

    /// Padding a file does not raise the alias budget: what counts is what the document writes out.
    @Test func paddingDoesNotRaiseTheAliasBudget() throws {
        var lines = [String(repeating: "# padding\n", count: 200_000), "a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...7 { lines.append("l\(level): &l\(level) [" + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        let started = Date()
        let errors = TestPlans.errors(lines.joined(separator: "\n") + "\n")
        #expect(errors.first?.message.hasPrefix("the document's aliases repeat the anchor") == true, "\(errors)")
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
