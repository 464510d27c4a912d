import ArgumentParser
import DialPlanKit

/// `dialplan trace [PLAN] --from SITE [--protocol P] ALIAS`: one call, step by step.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain one call step by step: transforms, search rules, zones, cluster hops, Pexip's decision.",
        discussion: """
            Examples:
              dialplan trace --from "Singapore Office" meet.alice@vc.acme.example
              dialplan trace DialPlans/acme-misrouted --from "Oslo HQ" --protocol h323 1001
            """)

    @Argument(help: ArgumentHelp("[PLAN] ALIAS: the plan (default: the bundled sample) and the alias dialled.", valueName: "plan-and-alias"))
    var arguments: [String]

    @Option(name: .long, help: "The site the call is placed from.")
    var from: String

    @Option(name: .customLong("protocol"), help: "sip, h323 or mssip (default: every protocol the site uses).")
    var callProtocol: CallProtocol?

    @Option(name: .long, help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup var common: CommonOptions

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard (1...2).contains(arguments.count) else {
            throw ValidationError("give the alias to dial, optionally after the plan: trace [PLAN] --from SITE ALIAS")
        }
    }

    func run() throws {
        // Checked before any work.
        var out = try outputOptions.destination(plans: [arguments.count == 2 ? arguments[0] : nil])
        let plan = try DialPlan.load(arguments.count == 2 ? arguments[0] : nil)
        let alias = arguments.last!
        guard let site = plan.siteIndex(named: from) else {
            let names = plan.sites.map(\.name)
            throw UsageError(message: "no site named '\(from)' in \(plan.name)\(FieldReader.didYouMean(from, in: names)); sites: \(names.joined(separator: ", "))")
        }
        let protocols = callProtocol.map { [$0] } ?? plan.sites[site].protocols.sorted()
        let tables = RoutingTables(plan: plan)
        let allLocal: Bool
        let network = plan.network == nil ? nil : NetworkAnalysis(plan: plan)
        // Only calls the simulation places are traced: a protocol the site does not use, or a Skype for Business
        // call to an alias without a domain, is a usage error, not an invented outcome.
        var traces: [CallTrace] = []
        var notPlaced: [CallNotPlaced] = []
        for callProtocol in protocols {
            do { traces.append(try CallTrace(tables: tables, site: site, alias: alias, protocol: callProtocol, network: network)) } catch { notPlaced.append(error) }
        }
        guard !traces.isEmpty else { throw UsageError(message: notPlaced.map(\.reason).joined(separator: "; ")) }
        for skipped in notPlaced { Terminal.note("not traced: \(skipped.reason)") }
        allLocal = traces.allSatisfy { $0.verdict == .local }
        switch format {
        case .text:
            for (index, trace) in traces.enumerated() {
                if index > 0 { out.write("\n") }
                TraceFormatter.text(trace, style: out.style(common.color), to: &out)
            }
        case .json:
            // One object for one --protocol; an array (one per protocol the site uses) without it.
            if callProtocol != nil { TraceFormatter.json(traces[0], plan: plan, to: &out) } else { TraceFormatter.json(traces, plan: plan, to: &out) }
        }
        try out.finish()
        if !allLocal { throw ExitCode(ExitStatus.findings) }
    }
}

extension CallProtocol: ExpressibleByArgument {}
