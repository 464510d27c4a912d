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
              dialplan check my-plan --format sarif --output dialplan.sarif     # for code scanning
              dialplan check my-plan --format junit --output dialplan.xml       # for CI test reports
              dialplan check my-plan --write-baseline known.json                # accept today's findings…
              dialplan check my-plan --baseline known.json                      # …and fail only on new ones
            """)

    @Argument(help: "The plan: a directory of YAML files or one YAML file (default: the bundled sample).")
    var plan: String?

    @Option(name: .long, help: "Output format: text, json, sarif (SARIF 2.1.0, for code scanning) or junit (JUnit XML).")
    var format: CheckFormat = .text

    @Option(name: .long, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Accept the findings of this baseline file (from --write-baseline): only new ones fail.")
    var baseline: String?

    @Option(name: .long, help: "Write every finding of this run to a baseline file, for --baseline.")
    var writeBaseline: String?

    @Option(name: .long, parsing: .unconditional, help: "Aliases listed per site in each group of the text report.")
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
        // Outputs are checked before any work: a bad path costs nothing and writes nothing.
        let root = self.plan.map(PlanPaths.root(ofPlan:)) ?? BundledSample.name
        let inputs = self.plan.map(OutputFile.planFiles) ?? []
        let protected = self.plan.map(PlanPaths.protectedDirectories(ofPlan:)) ?? []
        let outputFile = try output.map { try OutputFile.checked($0, option: "--output", inputs: inputs + [baseline].compactMap { $0 }, protectedDirectories: protected) }
        let baselineFile = try writeBaseline.map { try OutputFile.checked($0, option: "--write-baseline", inputs: inputs + [output, baseline].compactMap { $0 }, protectedDirectories: protected) }
        let known = try baseline.map { try FindingBaseline(path: $0) }
        let plan = try DialPlan.load(self.plan)
        let simulation = ProgressBar.run("check") { Simulation(plan: plan, workers: common.jobs, progress: $0) }
        var report = CheckReport(simulation: simulation, examples: max(examples, 1), coverage: coverage)
        if let known { report.baseline = (known, root) }
        func render<Out: TextOutputStream>(_ style: TextStyle, to out: inout Out) {
            switch format {
            case .text: CheckFormatter.text(report, style: style, strict: strict, to: &out)
            case .json: CheckFormatter.json(report, strict: strict, to: &out)
            case .sarif: CheckFormatter.sarif(report, root: root, to: &out)
            case .junit: CheckFormatter.junit(report, strict: strict, to: &out)
            }
        }
        try baselineFile?.writeOrFail(FindingBaseline.document(for: report, root: root))
        if let outputFile {
            var text = ""
            render(.plain, to: &text)
            try outputFile.writeOrFail(text)
        }
        if outputFile == nil {
            var out = StandardOutput()
            render(Terminal.style(common.color), to: &out)
        }
        if !report.passes(strict: strict) { throw ExitCode(ExitStatus.findings) }
    }
}

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, junit
}

extension OutputFile {
    /// Writes `text`, or fails with a usage error.
    func writeOrFail(_ text: String) throws {
        do { try write(text) } catch { throw UsageError(message: error.message) }
    }

    /// The output file, or a usage error saying why it cannot be written.
    static func checked(_ path: String, option: String, inputs: [String], protectedDirectories: [String]) throws -> OutputFile {
        do { return try OutputFile(path, option: option, inputs: inputs, protectedDirectories: protectedDirectories) } catch {
            throw UsageError(message: error.message)
        }
    }
}

/// The formats of `trace`, `diff` and `regex`.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
