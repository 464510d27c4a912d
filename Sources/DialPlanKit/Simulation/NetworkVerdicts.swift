/// What the network says about landings: nodes whose IPsec mesh is broken, and per site and protocol the nodes its
/// endpoints cannot reach. Computed once per simulation from `NetworkAnalysis`, so that a call's verdict costs a few
/// array reads. [PX-gs_server_network] [PX-port_usage]
struct NetworkVerdicts: Sendable {
    let analysis: NetworkAnalysis
    /// Per node: its mesh with the nodes it must talk to is broken.
    let meshBroken: [Bool]
    /// `unreachable[site][column][node]`: the site's endpoints cannot reach the node over that protocol.
    let unreachable: [[[Bool]]]

    /// Nil when the plan has no network section (then only call routing decides). `landingNodes(site, column)`
    /// gives the nodes the site's calls of that protocol can land on: only those paths are checked, a few per site
    /// instead of every node.
    init?(plan: DialPlan, protocols: [CallProtocol], landingNodes: (Int, Int) -> Set<Int>) {
        guard plan.network != nil else { return nil }
        let analysis = NetworkAnalysis(plan: plan)
        self.analysis = analysis
        meshBroken = plan.nodes.indices.map { !analysis.brokenPairs(involving: $0).isEmpty }
        unreachable = plan.sites.indices.map { site in
            protocols.enumerated().map { column, callProtocol in
                var flags = [Bool](repeating: false, count: plan.nodes.count)
                guard plan.sites[site].protocols.contains(callProtocol) else { return flags }
                for node in landingNodes(site, column) {
                    if let check = analysis.reachability(site: site, node: node, protocol: callProtocol) { flags[node] = check.status != .ok }
                }
                return flags
            }
        }
    }

    /// The verdict of a call that routing alone finds local: `mesh-broken` when a landing node's mesh is broken,
    /// `blocked` when the site cannot reach one, else local.
    @inline(__always)
    func adjust(site: Int, column: Int, nodes: some Sequence<Int>) -> Verdict {
        var blocked = false
        for node in nodes {
            if meshBroken[node] { return .meshBroken }
            if unreachable[site][column][node] { blocked = true }
        }
        return blocked ? .blocked : .local
    }
}
