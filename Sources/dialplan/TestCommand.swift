import ArgumentParser
import DialPlanKit
import Foundation

/// `dialplan test [PLAN] CASES…`: batch-test calls against expectations, for CI.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run cases files: calls to place and what must (or must not) happen to them.",
        discussion: """
            A cases file (YAML, or CSV for spreadsheets) lists calls — from which sites, which alias or a pattern \
            to generate aliases from — and the expected verdict, location, media location, node, service or final \
            alias, or what must not happen. The first argument is the plan when it is a directory or a YAML file \
            with a `pexip` section; otherwise the plan is the one a cases file names (`plan:`), else the bundled \
            sample.

            Exit 0 when every case passes, 1 when one fails, 2 when a cases file or the plan cannot be loaded.

            Examples:
              dialplan test DialPlans/acme.cases.yaml
              dialplan test DialPlans/acme DialPlans/acme.cases.yaml --junit report.xml
              dialplan test my-plan change-1234.csv --format json
            """)

    @Argument(help: ArgumentHelp("[PLAN] CASES…: the plan (optional) and one or more cases files.", valueName: "plan-and-cases"))
    var arguments: [String]

    @Option(name: .long, help: "Output format: text, json or junit.")
    var format: TestFormat = .text

    @Option(name: .long, help: "Also write a JUnit XML report to this file.")
    var junit: String?

    @Flag(name: .long, help: "Report the transforms, search rules, zones, static routes and Call Routing Rules no tested call used (text and json).")
    var coverage = false

    @OptionGroup var common: CommonOptions

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        var planPath: String?
        var casePaths = arguments
        if arguments.count >= 2, TestCommand.isPlan(arguments[0]) {
            planPath = arguments[0]
            casePaths.removeFirst()
        }
        if casePaths.count == 1, TestCommand.isPlan(casePaths[0]) {
            throw UsageError(message: "\(casePaths[0]) is a plan; give a cases file after it: test [PLAN] CASES…")
        }
        let unresolved = try casePaths.map { path throws -> UnresolvedTestSuite in try TestSuiteLoader.load(path: path) }
        if planPath == nil {
            let named = Set(unresolved.compactMap(\.planPath))
            guard named.count <= 1 else {
                throw UsageError(message: "the cases files name different plans (\(named.sorted().joined(separator: ", "))); give the plan as the first argument")
            }
            planPath = named.first
        }
        // Checked before any work; never over an input, never into the plan's directory.
        var inputs = casePaths
        if let planPath { inputs += OutputFile.planFiles(planPath) }
        // The cases files and the JUnit file are inputs to --output too.
        var out = try outputOptions.destination(plans: [planPath], inputs: casePaths + [junit].compactMap { $0 })
        let junitFile = try junit.map {
            try OutputFile.checked($0, option: "--junit", inputs: inputs, protectedDirectories: planPath.map(PlanPaths.protectedDirectories(ofPlan:)) ?? [])
        }
        let plan = try DialPlan.load(planPath)
        var suites: [TestSuite] = []
        var diagnostics: [Diagnostic] = []
        for suite in unresolved {
            do { suites.append(try suite.resolve(against: plan)) } catch { diagnostics += error.diagnostics }
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }

        let run = ProgressBar.run("test") { TestRun(plan: plan, suites: suites, workers: common.jobs, progress: $0) }
        // The file first: when it cannot be written, nothing reaches standard output either.
        if let junitFile {
            var xml = ""
            TestRunFormatter.junit(run, to: &xml)
            try junitFile.writeOrFail(xml)
        }
        let style = out.style(common.color)
        switch format {
        case .text: TestRunFormatter.text(run, style: style, coverage: coverage, to: &out)
        case .json: TestRunFormatter.json(run, coverage: coverage, to: &out)
        case .junit: TestRunFormatter.junit(run, to: &out)
        }
        try out.finish()
        if !run.passed { throw ExitCode(ExitStatus.findings) }
    }

    /// A directory, or a YAML file with a plan section at the top level, is a plan; anything else is a cases file.
    static func isPlan(_ path: String) -> Bool { PlanLoader.looksLikePlan(path: path) }
}

enum TestFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit
}
