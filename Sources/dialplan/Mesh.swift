import ArgumentParser
import DialPlanKit

/// `dialplan mesh [PLAN]`: whether every pair of Pexip nodes that must talk can, over the plan's network.
struct Mesh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that every pair of Pexip nodes reaches the other over IPsec (\(PortUsage.meshFlows)), without NAT.",
        discussion: """
            Follows the path between every ordered pair of nodes that must talk (the Management Node and every \
            Conferencing Node, full mesh; a Proxying Edge Node only with the nodes it needs) through the links, \
            firewalls and NAT of the plan's `network:` section, both directions separately, and prints the \
            node-by-node matrix, then every broken pair with the firewall rule, NAT or missing link responsible.

            Exit codes: 0 the mesh is healthy; 1 a pair is broken or a network finding (a node lint, webrtc-blocked) is an error; 2 usage error, a \
            plan that cannot be loaded, or a plan without a `network:` section (nothing to verify).

            Examples:
              dialplan mesh                                  # the bundled sample
              dialplan mesh DialPlans/acme-misrouted
              dialplan mesh my-plan --format dot | dot -Tsvg > mesh.svg
              dialplan mesh my-plan --format csv > pairs.csv
            """)

    @Argument(help: "The plan: a directory of YAML files or one YAML file (default: the bundled sample).")
    var plan: String?

    @Option(name: .long, help: "Output format: text, csv, json or dot (Graphviz).")
    var format: MeshFormat = .text

    @Option(name: .long, help: "Colour the text output: auto (only on a terminal), always or never.")
    var color: ColorChoice = .auto

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        // Checked before any work.
        var out = try outputOptions.destination(plans: [plan])
        let plan = try DialPlan.load(self.plan)
        guard plan.network != nil else {
            // A mesh check that passes because there is nothing to check would hide a lost network.yaml in CI.
            throw PlanLoadError([Diagnostic(
                .error, "the plan has no 'network' section, so there is no mesh to verify; describe segments, links and firewalls under 'network:' (README: Network verification)",
                at: SourceLocation(file: self.plan ?? plan.name, line: 1, column: 1))])
        }
        let analysis = NetworkAnalysis(plan: plan)
        switch format {
        case .text: MeshFormatter.text(analysis, style: out.style(color), to: &out)
        case .csv: MeshFormatter.csv(analysis, to: &out)
        case .json: MeshFormatter.json(analysis, to: &out)
        case .dot: MeshFormatter.dot(analysis, to: &out)
        }
        try out.finish()
        if !analysis.isHealthy { throw ExitCode(ExitStatus.findings) }
    }
}

enum MeshFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, json, dot
}
