@testable import DialPlanKit
import Foundation
import Testing

/// Every input that fuzzing (`scripts/fuzz TARGET SECONDS`) found crashing, hanging or exhausting memory, kept in
/// `Fixtures/fuzz/TARGET/` and replayed through the same target: each must now return normally.
@Suite struct FuzzRegressionTests {
    static let root = TestPlans.path("Fixtures/fuzz")

    static var inputs: [String] {
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return targets.filter { FuzzTargets.all[$0] != nil }.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + target)) ?? []).filter { !$0.hasPrefix(".") }.sorted().map { "\(target)/\($0)" }
        }
    }

    @Test func everyDirectoryIsATarget() throws {
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: Self.root)) ?? []).filter { !$0.hasPrefix(".") }
        for directory in directories { #expect(FuzzTargets.all[directory] != nil, "Fixtures/fuzz/\(directory) is no fuzz target") }
    }

    @Test(arguments: inputs)
    func replays(_ input: String) throws {
        let target = String(input.split(separator: "/")[0])
        let data = try #require(FileManager.default.contents(atPath: Self.root + "/" + input))
        FuzzTargets.all[target]!(data)
    }

    /// The targets take what users write: the samples' files go through them too.
    @Test func theSamplesGoThroughTheTargets() throws {
        for name in ["pexip.yaml", "call-control.yaml", "sites.yaml"] {
            FuzzTargets.loader(try #require(FileManager.default.contents(atPath: TestPlans.path("DialPlans/acme-misrouted/\(name)"))))
        }
        FuzzTargets.template(Data("(.+)@(.+)\\.example\n\\1@\\g<2>".utf8))
        FuzzTargets.sampler(Data("meet\\.(alice|bob)@vc\\.example".utf8))
        FuzzTargets.automata(Data(".*@vc\\.example\nmeet\\..+@vc\\.example".utf8))
        FuzzTargets.vcs(try #require(FileManager.default.contents(atPath: TestPlans.path("DialPlans/acme-exports/exports/vcs/vcs-emea.txt"))))
    }
}
