/// One call explained step by step: what `dialplan trace` shows.
public struct CallTrace: Sendable {
    public var site: Int
    public var alias: String
    public var callProtocol: CallProtocol
    public var steps: [TraceStep]
    public var outcome: CallOutcome
    public var verdict: Verdict

    /// Simulates one call with every step recorded.
    /// `network`: the plan's network analysis, when the caller traces several calls and has it already.
    public init(tables: RoutingTables, site: Int, alias: String, protocol callProtocol: CallProtocol, network: NetworkAnalysis? = nil) {
        let plan = tables.plan
        let siteInfo = plan.sites[site]
        var engine = CallEngine(tables: tables, tracing: true)
        engine.begin()
        let result = engine.simulate(alias: alias, cluster: siteInfo.registersTo, subzone: siteInfo.subzone, pool: siteInfo.sfbPool, protocol: callProtocol)
        let outcome = engine.outcome(of: result, dialled: alias)
        var isLocal = [Bool](repeating: false, count: plan.locations.count)
        for location in siteInfo.localLocations { isLocal[location] = true }
        var verdict = outcome.verdict(isLocal: isLocal)
        let cluster = plan.clusters[siteInfo.registersTo]
        let origin: String
        if callProtocol == .mssip {
            let pool = siteInfo.sfbPool.flatMap { plan.skypeForBusiness?.pools[$0].fqdn }
            origin = pool.map { "a Skype for Business user homed on \($0)" } ?? "a Skype for Business user, but the site has no sfb_pool"
        } else {
            origin = "the endpoint is registered to \(cluster.name) in subzone \(cluster.subzones[siteInfo.subzone].name)"
        }
        var steps = [TraceStep(
            depth: 0, kind: .call, status: .info, name: siteInfo.name, cluster: cluster.name, alias: alias,
            detail: "\(siteInfo.name) dials '\(alias)' over \(callProtocol.rawValue): \(origin)",
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
        // The network: a local call also needs its landing nodes in a healthy mesh and reachable from the site.
        // [PX-gs_server_network] [PX-port_usage]

        if plan.network != nil && !outcome.landings.isEmpty {
            let analysis = network ?? NetworkAnalysis(plan: plan)
            var meshBroken = false
            var blocked = false
            var seen = Set<Int>()
            for landing in outcome.landings where seen.insert(landing.node).inserted {
                let node = plan.nodes[landing.node]
                let broken = analysis.brokenPairs(involving: landing.node)
                meshBroken = meshBroken || !broken.isEmpty
                if broken.isEmpty {
                    steps.append(TraceStep(
                        depth: 0, kind: .hop, status: .accepted, name: node.name,
                        detail: "IPsec mesh: \(node.name) reaches every node it must, and they reach it (UDP 500 and ESP, no NAT)", source: node.source))
                }
                // One step per cause, with the pairs it breaks, then the first such pair hop by hop.
                var causes: [(String, [MeshPair])] = []
                for pair in broken {
                    let cause = pair.check.failure?.description ?? pair.status.rawValue
                    if let index = causes.firstIndex(where: { $0.0 == cause }) { causes[index].1.append(pair) } else { causes.append((cause, [pair])) }
                }
                for (cause, pairs) in causes {
                    let names = pairs.prefix(6).map { "\(analysis.name(of: $0.from)) → \(analysis.name(of: $0.to))" }.joined(separator: ", ")
                    steps.append(TraceStep(
                        depth: 0, kind: .hop, status: .rejected, name: node.name,
                        detail: "IPsec mesh broken: \(cause) (\(pairs.count) pair\(pairs.count == 1 ? "" : "s"): \(names)\(pairs.count > 6 ? ", …" : ""))",
                        source: pairs[0].check.failure?.source ?? node.source))
                    steps += analysis.traceSteps(pairs[0].check, depth: 1)
                }
                if let check = analysis.reachability(site: site, node: landing.node, protocol: callProtocol) {
                    blocked = blocked || check.status != .ok
                    steps += analysis.traceSteps(check, depth: 1)
                }
            }
            if verdict == .local { verdict = meshBroken ? .meshBroken : blocked ? .blocked : .local }
        }
        let local = siteInfo.localLocations.map { plan.locations[$0].name }.joined(separator: ", ")
        let detail: String
        switch verdict {
        case .meshBroken: detail = "the call lands in \(local), but a landing node's IPsec mesh is broken"
        case .blocked: detail = "the call lands in \(local), but the site's endpoints cannot reach the landing node"

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
