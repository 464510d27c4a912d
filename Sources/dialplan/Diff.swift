import ArgumentParser
import DialPlanKit

/// `dialplan diff OLD NEW`: the calls a plan change moves.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate two plans and list every call whose verdict, landing location, nodes or service changed.",
        discussion: """
            Both plans dial the same aliases (the service aliases and probes of either), from every site, so a \
            removed VMR shows as calls that no longer land. Changes are grouped by what changed, with counts.
            Exit 0 (also when calls changed), 1 with --fail-on-change when any call changed, 2 on bad input.

            Example:
              dialplan diff DialPlans/acme DialPlans/acme-misrouted
            """)

    @Argument(help: "The plan before the change.")
    var old: String

    @Argument(help: "The plan after the change.")
    var new: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @Option(name: .long, parsing: .unconditional, help: "Aliases listed per site in each group of the text report.")
    var examples: Int = 4

    @Flag(name: .long, help: "Exit 1 when any call changed (for CI).")
    var failOnChange = false

    @OptionGroup var common: CommonOptions

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if examples < 1 { throw ValidationError("--examples must be at least 1") }
    }

    func run() throws {
        // Checked before any work.
        var out = try outputOptions.destination(plans: [old, new])
        let before = try DialPlan.load(old)
        let after = try DialPlan.load(new)
        let diff = ProgressBar.run("diff") { PlanDiff(old: before, new: after, workers: common.jobs, progress: $0) }
        switch format {
        case .text: DiffFormatter.text(diff, examples: max(examples, 1), style: out.style(common.color), to: &out)
        case .json: DiffFormatter.json(diff, to: &out)
        }
        try out.finish()
        if failOnChange && diff.changedCount > 0 { throw ExitCode(ExitStatus.findings) }
    }
}
