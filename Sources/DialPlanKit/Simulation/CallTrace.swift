/// One call explained step by step: what `dialplan trace` shows.
public struct CallTrace: Sendable {
    public var site: Int
    public var alias: String
    public var callProtocol: CallProtocol
    public var steps: [TraceStep]
    public var outcome: CallOutcome
    public var verdict: Verdict

    /// Simulates one call with every step recorded.
    public init(tables: RoutingTables, site: Int, alias: String, protocol callProtocol: CallProtocol) {
        let plan = tables.plan
        let siteInfo = plan.sites[site]
        var engine = CallEngine(tables: tables, tracing: true)
        engine.begin()
        let result = engine.simulate(alias: alias, cluster: siteInfo.registersTo, subzone: siteInfo.subzone, protocol: callProtocol)
        let outcome = engine.outcome(of: result, dialled: alias)
        var isLocal = [Bool](repeating: false, count: plan.locations.count)
        for location in siteInfo.localLocations { isLocal[location] = true }
        let verdict = outcome.verdict(isLocal: isLocal)
        let cluster = plan.clusters[siteInfo.registersTo]
        var steps = [TraceStep(
            depth: 0, kind: .call, status: .info, name: siteInfo.name, cluster: cluster.name, alias: alias,
            detail: "\(siteInfo.name) dials '\(alias)' over \(callProtocol.rawValue): the endpoint is registered to \(cluster.name) in subzone \(cluster.subzones[siteInfo.subzone].name)",
            source: siteInfo.source)]
        steps += engine.steps.map { step in
            var step = step
            step.depth += 1
            return step
        }
        for landing in outcome.landings {
            let node = plan.nodes[landing.node]
            let service = plan.serviceInfo(landing.decision).map { "\($0.kind) '\($0.name)'" } ?? "?"
            steps.append(TraceStep(
                depth: 0, kind: .landing, status: .found, name: node.name, alias: landing.alias,
                detail: "lands on \(node.name) in \(plan.locations[node.location].name) (media in \(plan.locations[plan.mediaLocation(of: node.location)].name)) as \(service), via \(plan.describe(route: landing.route))",
                source: node.source))
        }
        let local = siteInfo.localLocations.map { plan.locations[$0].name }.joined(separator: ", ")
        let detail: String
        switch verdict {
        case .local: detail = "every landing is in \(local)"
        case .remote: detail = "the call lands in \(plan.locationNames(outcome.locations)), not in \(local)"
        case .ambiguous: detail = "the call may land in \(plan.locationNames(outcome.locations)); only \(local) is local"
        case .rejected: detail = "Pexip was reached but no service alias or Call Routing Rule took '\(outcome.finalAlias ?? alias)'"
        case .loop: detail = "the search came back to a cluster already searching for it, or ran out of hops"
        case .unrouted: detail = "no search reached a Pexip node that could take the call"
        case .error: detail = "\(outcome.limit?.message ?? "the simulation could not decide")"
        }
        steps.append(TraceStep(depth: 0, kind: .verdict, status: verdict == .local ? .found : .notFound, name: verdict.rawValue, detail: detail))
        self.site = site
        self.alias = alias
        self.callProtocol = callProtocol
        self.steps = steps
        self.outcome = outcome
        self.verdict = verdict
    }
}
