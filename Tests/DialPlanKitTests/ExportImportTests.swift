@testable import DialPlanKit
import Foundation
import Testing

/// `dialplan import`: exports written as native YAML that loads to the same plan, never over a user's files.
@Suite struct ExportImportTests {
    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    /// The matrix of a plan, as CSV.
    static func matrix(_ plan: DialPlan) -> String {
        var text = ""
        MatrixFormatter.csv(Simulation(plan: plan, workers: 2), to: &text)
        return text
    }

    // The Pexip side of the sample, exported from the Management API and imported as YAML beside the sample's other
    // files, gives the sample's matrix call for call.
    @Test func importedPexipYAMLLoadsToTheSamePlan() throws {
        let result = try ExportImport.convert(.pexip, paths: [TestPlans.path("DialPlans/acme-exports/exports/pexip")])
        #expect(result.files.map(\.name) == ["pexip.yaml"])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let text = try #require(result.files.first?.text)
        #expect(text.hasPrefix("# Imported by `dialplan import pexip` from "))
        #expect(text.contains("    # from \(TestPlans.path("DialPlans/acme-exports/exports/pexip/worker_vm.json")):1:89\n    - name: osl-px01\n"))
        var files = [(path: "imported/pexip.yaml", text: text)]
        for name in ["call-control", "dns", "network", "sites", "skype"] {
            files.append((path: "acme/\(name).yaml", text: try String(contentsOfFile: TestPlans.path("DialPlans/acme/\(name).yaml"), encoding: .utf8)))
        }
        let imported = try PlanLoader.load(files: files, name: "imported")
        let sample = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        #expect(Self.matrix(imported) == Self.matrix(sample))
    }

    // Issue 9: the sample company read from its systems' exports (Management API JSON, three xConfiguration exports,
    // a Skype for Business transcript) with its sites in YAML has the hand-written sample's matrix, call for call, and
    // the same report.
    @Test func theExportsSampleHasTheSamplesMatrixCallForCall() throws {
        let exports = try PlanLoader.load(path: TestPlans.path("DialPlans/acme-exports"))
        let sample = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let exported = Self.matrix(exports)
        #expect(exported.split(separator: "\n").count == Simulation(plan: sample, workers: 1).callCount + 1)
        #expect(exported == Self.matrix(sample))
        #expect(exports.warnings.isEmpty, "\(exports.warnings)")
        // Imported things are located in the exports.
        #expect(exports.nodes.allSatisfy { $0.source.file.contains("acme-exports/exports/pexip/worker_vm.json") })
        #expect(exports.clusters.map(\.name) == ["vcs-emea", "vcs-amer", "vcs-apac"])
        #expect(exports.clusters.allSatisfy { $0.source.file.contains("acme-exports/exports/vcs/") })
        #expect(exports.skypeForBusiness?.configurations.allSatisfy { $0.source.file.hasSuffix("exports/sfb/sfb-routing.txt") } == true)
        let report = CheckReport(simulation: Simulation(plan: exports, workers: 2))
        #expect(report.passes(strict: true))
    }

    // Values YAML would read otherwise are quoted; everything reads back as written.
    @Test func valuesReadBackAsWritten() throws {
        let tricky = ["", "null", "~", " lead", "trail ", "a: b", "#x", "x #y", "it's", "tab\there", "- x", "[x]", "x,y", "{x}", "key:", "%x", "@x", "*x", "&x", "!x", "|x", ">x", "'x", "\"x", "ok", "10", "true", "\\1@x", "née", "line\nbreak", "a\u{2028}b", "a\u{2029}b", "a\u{85}b", "c1\u{9B}", "del\u{7F}"]
        let at = SourceLocation(file: "t.json", line: 1, column: 1)
        let tree = YAMLTree.map([
            YAMLTree.Entry("values", .list(tricky.map { .text($0, at: at) }, at: at)),
            YAMLTree.Entry("items", .list([.map(tricky.enumerated().map { YAMLTree.Entry("k\($0.offset)", .text($0.element, at: at)) }, at: at)], at: at)),
        ], at: at)
        let text = NativeYAMLWriter.document(YAMLTree.Entry("section", tree), importedFrom: ["t.json"], kind: .pexip)
        let parsed = try #require(try YAMLTree.parse(text, file: "out.yaml").first)
        guard case .sequence(let values, _)? = parsed["section"]?["values"] else {
            Issue.record("no values in\n\(text)")
            return
        }
        #expect(values.map { $0.text ?? "<null>" } == tricky)
        guard case .sequence(let items, _)? = parsed["section"]?["items"], let item = items.first else {
            Issue.record("no items in\n\(text)")
            return
        }
        #expect(tricky.indices.map { item["k\($0)"]?.text ?? "<null>" } == tricky)
    }

    /// Exports with nothing the analyzer reads write nothing and say so: exit 2, not an empty directory.
    @Test func exportsHoldingNothingReadAreAnError() throws {
        let directory = Self.temporaryDirectory("nothing")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/h323.json"
        try #"{"meta":{"total_count":1},"objects":[{"id":1,"name":"g","resource_uri":"/api/admin/configuration/v1/h323_gatekeeper/1/"}]}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: PlanLoadError.self) { try ExportImport.convert(.pexip, paths: [directory]) }
        #expect(error?.diagnostics.first?.message.hasPrefix("the pexip exports hold nothing the analyzer reads") == true, "\(String(describing: error))")
    }

    // The output directory is created; one that already holds files is refused unless --force, which replaces only
    // the import's own files.
    @Test func aNonEmptyDirectoryIsRefusedUnlessForced() throws {
        let result = try ExportImport.convert(.pexip, paths: [TestPlans.path("DialPlans/acme-exports/exports/pexip")])
        let directory = Self.temporaryDirectory("import")
        try ExportImport.write(result, to: directory, force: false)
        #expect(FileManager.default.fileExists(atPath: directory + "/pexip.yaml"))
        try "sites: []\n".write(toFile: directory + "/sites.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ExportImport.WriteError.self) { try ExportImport.write(result, to: directory, force: false) }
        do {
            try ExportImport.write(result, to: directory, force: false)
        } catch {
            #expect(error.message == "\(directory) is not empty (pexip.yaml, sites.yaml); use --force to replace this import's files there")
        }
        try ExportImport.write(result, to: directory, force: true)
        #expect(try String(contentsOfFile: directory + "/sites.yaml", encoding: .utf8) == "sites: []\n")
    }

    // Errors in the exports come back all at once, as for a plan.
    @Test func errorsInTheExportsAreThrown() throws {
        let directory = Self.temporaryDirectory("import-bad")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "{\"objects\": [1,]".write(toFile: directory + "/worker_vm.json", atomically: true, encoding: .utf8)
        #expect(throws: PlanLoadError.self) { try ExportImport.convert(.pexip, paths: [directory]) }
        #expect(throws: PlanLoadError.self) { try ExportImport.convert(.pexip, paths: [directory + "/missing.json"]) }
    }
}
