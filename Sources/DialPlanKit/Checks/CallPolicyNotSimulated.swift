/// A cluster whose Call Policy is an uploaded CPL script or an external policy service: the VCS runs it after the
/// pre-search transforms and before the search, and it may reject or redirect any call; the analyzer does not run
/// it, so every call through the cluster is simulated as if the policy allowed it. [VCS "Call Policy"]
///
/// One warning per such cluster, at the setting, with how many simulated calls pass through the cluster (their
/// routes, or their site's registration, touch it), so that the verdicts it leaves uncertain are counted.
enum CallPolicyNotSimulated: PlanCheck {
    static let id = CheckID.callPolicyNotSimulated

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        let clusters = plan.clusters.indices.filter { plan.clusters[$0].unsimulatedPolicy != nil }
        guard !clusters.isEmpty else { return [] }
        // Calls through each cluster, counted per tally (calls alike share their routes).
        var calls = [Int: Int]()
        var sites = [Int: Set<SiteID>]()
        if let simulation = context.simulation {
            for tally in simulation.tallies(examples: 1) {
                let outcome = simulation.outcome(of: tally.first)
                var touched = Set(outcome.landings.flatMap(\.route).compactMap { $0.cluster?.index })
                touched.formUnion(outcome.failures.flatMap(\.route).compactMap { $0.cluster?.index })
                // A VCS call enters at its site's cluster (a Skype for Business call at no cluster).
                if tally.first.callProtocol != .mssip {
                    for site in tally.sites { touched.insert(plan.sites[site.index].registersTo.index) }
                }
                for cluster in clusters where touched.contains(cluster) {
                    calls[cluster, default: 0] += tally.count
                    sites[cluster, default: []].formUnion(tally.sites)
                }
            }
        }
        return clusters.map { index in
            let cluster = plan.clusters[index]
            var message = "cluster '\(cluster.name)' has a Call Policy the analyzer does not run (a CPL script or a policy service)"
            if context.simulation != nil {
                let count = calls[index, default: 0]
                let from = sites[index, default: []]
                message += count == 0
                    ? ": no simulated call passes through it"
                    : ": \(count) simulated call\(count == 1 ? "" : "s") from \(from.count) site\(from.count == 1 ? "" : "s") pass through it, simulated as if the policy allowed them"
            }
            return Diagnostic(
                .warning, message, at: cluster.unsimulatedPolicy, check: id,
                notes: [
                    "the policy may reject or redirect these calls; check it before trusting their verdicts",
                    "if it is Call Policy rules (source and destination patterns, allow or reject), give them as the cluster's call_policy (for an imported export, in its imports entry) and they are simulated",
                ])
        }
    }
}
