import DialPlanKit
import Foundation
do {
    let plan = try PlanLoader.load(path: CommandLine.arguments[1])
    for w in plan.warnings { print(w) }
    let start = Date()
    let sim = Simulation(plan: plan)
    print("calls", sim.callCount, "outcomes", sim.outcomes.count, Date().timeIntervalSince(start))
    var counts: [Verdict: Int] = [:]
    sim.forEachCall { call in
        counts[call.verdict, default: 0] += 1
        if call.verdict != .local { print(plan.sites[call.site].name, sim.aliases[call.alias].alias, call.callProtocol, call.verdict, call.outcome.landings.map { plan.nodes[$0.node].name }, call.outcome.failures) }
    }
    print(counts)
} catch {
    print(error)
}
