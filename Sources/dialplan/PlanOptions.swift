import ArgumentParser
import DialPlanKit
import Foundation

/// Options every plan-reading command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Colour the text output: auto (only on a terminal), always or never.")
    var color: ColorChoice = .auto

    @Option(name: .long, help: "Worker threads for the simulation (default: every core).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }
}

extension DialPlan {
    /// The plan at `path`, or the bundled sample when `path` is nil.
    static func load(_ path: String?) throws -> DialPlan {
        guard let path else { return try BundledSample.load() }
        return try PlanLoader.load(path: path)
    }
}
