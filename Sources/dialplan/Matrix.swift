import ArgumentParser
import DialPlanKit

/// `dialplan matrix [PLAN]`: every simulated call, one row each.
struct Matrix: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every simulated call, one row each.",
        discussion: """
            Examples:
              dialplan matrix DialPlans/acme --format csv > calls.csv
              dialplan matrix --format json | jq '.[] | select(.verdict != "local")'
            """)

    @Argument(help: "The plan (default: the bundled sample).")
    var plan: String?

    @Option(name: .long, help: "Output format: text, csv or json.")
    var format: MatrixFormat = .text

    @OptionGroup var common: CommonOptions

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        // Checked before any work.
        var out = try outputOptions.destination(plans: [plan])
        let plan = try DialPlan.load(self.plan)
        let simulation = ProgressBar.run("matrix") { Simulation(plan: plan, workers: common.jobs, progress: $0) }
        switch format {
        case .text: MatrixFormatter.text(simulation, style: out.style(common.color), to: &out)
        case .csv: MatrixFormatter.csv(simulation, to: &out)
        case .json: MatrixFormatter.json(simulation, to: &out)
        }
        try out.finish()
    }
}

enum MatrixFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, json
}
