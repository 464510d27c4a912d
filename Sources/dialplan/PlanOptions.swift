import ArgumentParser
import DialPlanKit
import Foundation

/// Options every plan-reading command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Colour the text output: auto (only on a terminal), always or never.")
    var color: ColorChoice = .auto

    // Unconditional: `--jobs -1` is a value to refuse with the rule, not a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Worker threads for the simulation: a whole number, at least 1 (default: every core).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs takes a whole number of worker threads, at least 1, not \(jobs)") }
    }
}

extension DialPlan {
    /// The plan at `path`, or the bundled sample when `path` is nil.
    static func load(_ path: String?) throws -> DialPlan {
        guard let path else { return try BundledSample.load() }
        return try PlanLoader.load(path: path)
    }
}
