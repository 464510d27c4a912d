import ArgumentParser
import DialPlanKit
import Foundation

/// `dialplan report [PLAN] --out FILE [--baseline OLD_PLAN]`: one self-contained HTML page for a change review.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML page: where every site's calls land, the findings with traces, the mesh.",
        discussion: """
            Simulates every call as `check` does and writes an HTML page with everything inline (no external \
            request; open it from disk or an e-mail attachment): the verdict counts and pass or fail, a site × \
            landing-location heat map (select a cell to list its calls by route), `check`'s groups and findings \
            with one traced call each, the IPsec mesh as a picture with what breaks it, and coverage. With \
            --baseline OLD_PLAN, what the change from OLD_PLAN moves, as `diff` groups it, comes before the \
            findings. The page is aggregated (a few routes and examples per cell), so it stays small for any plan.

            --out is required: a file (written whole, never into the plan directory or over an input), or - for \
            standard output.

            Exit codes, as `check`'s: 0 the plan passes; 1 findings; 2 usage error or a plan that cannot be loaded.

            Examples:
              dialplan report DialPlans/acme-misrouted --out report.html
              dialplan report NEW_PLAN --baseline OLD_PLAN --out change.html
            """)

    @Argument(help: "The plan: a directory of YAML files or one YAML file (default: the bundled sample).")
    var plan: String?

    @Option(name: .long, help: "Write the HTML page to this file (atomically), or - for standard output.")
    var out: String

    @Option(name: .long, help: "The plan before the change (a directory or file): the page shows what the change moves.")
    var baseline: String?

    @Flag(name: .long, help: "Treat warnings as failures (exit 1), as check --strict does.")
    var strict = false

    @Option(name: .long, parsing: .unconditional, help: "Worker threads for the simulation: a whole number, at least 1 (default: every core).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs takes a whole number of worker threads, at least 1, not \(jobs)") }
        if out.isEmpty { throw ValidationError("--out takes a file name, or - for standard output") }
    }

    func run() throws {
        // Checked before any work: a bad path costs nothing and writes nothing.
        let plans = [plan, baseline].compactMap { $0 }
        let file = out == "-" ? nil : try OutputFile.checked(
            out, option: "--out", inputs: plans.flatMap(OutputFile.planFiles) + plans,
            protectedDirectories: plans.flatMap(PlanPaths.protectedDirectories(ofPlan:)))
        let current = try DialPlan.load(self.plan)
        let old = try baseline.map { try DialPlan.load($0) }
        let simulation = ProgressBar.run("report") { Simulation(plan: current, workers: jobs, progress: $0) }
        let check = CheckReport(simulation: simulation)
        let change = old.map { old in ProgressBar.run("diff") { PlanDiff(old: old, new: current, workers: jobs, progress: $0) } }
        let page = HTMLReportRenderer.render(HTMLReport(report: check, change: change, strict: strict))
        if let file {
            try file.writeOrFail(page)
        } else {
            var output = StandardOutput()
            output.write(page)
        }
        if !check.passes(strict: strict) { throw ExitCode(ExitStatus.findings) }
    }
}
