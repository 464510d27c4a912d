import ArgumentParser
import DialPlanKit

/// `dialplan check [PLAN]`: every call that does not land locally, grouped by cause.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate every call and report those that do not land on the site's local Conferencing Nodes.",
        discussion: """
            Dials every service alias and probe from every site over each of its protocols, through the site's \
            call control into Pexip, and reports each call that is not local, grouped by the rule, zone or \
            transform responsible. Also reports plan findings (Call Routing Rules that overlap service aliases, \
            zones whose peers span locations, peers that are not in the plan).

            Examples:
              dialplan check                       # the bundled sample
              dialplan check DialPlans/acme-misrouted
              dialplan check my-plan --format json > report.json
            """)

    @Argument(help: "The plan: a directory of YAML files or one YAML file (default: the bundled sample).")
    var plan: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: CheckFormat = .text

    @Option(name: .long, help: "Aliases listed per site in each group of the text report.")
    var examples: Int = 4

    @Flag(name: .long, help: "Treat warnings as failures (exit 1).")
    var strict = false

    @Flag(name: .long, help: "Also report the transforms, search rules, zones and Call Routing Rules no call used.")
    var coverage = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if examples < 1 { throw ValidationError("--examples must be at least 1") }
    }

    func run() throws {
        let plan = try DialPlan.load(self.plan)
        let simulation = ProgressBar.run("check") { Simulation(plan: plan, workers: common.jobs, progress: $0) }
        let report = CheckReport(simulation: simulation, examples: max(examples, 1), coverage: coverage)
        var out = StandardOutput()
        switch format {
        case .text: CheckFormatter.text(report, style: Terminal.style(common.color), strict: strict, to: &out)
        case .json: CheckFormatter.json(report, strict: strict, to: &out)
        }
        if !report.passes(strict: strict) { throw ExitCode(ExitStatus.findings) }
    }
}

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
