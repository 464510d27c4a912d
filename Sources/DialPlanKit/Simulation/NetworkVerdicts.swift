/// What the network says about landing nodes, for `VerdictRule`: whether a node's IPsec mesh is broken, and
/// whether a site's endpoints reach it. The simulation and `trace` both ask here. [PX-gs_server_network]
/// [PX-port_usage]
enum NetworkVerdicts {
    /// Per node: its mesh with the nodes it must talk to is broken.
    static func meshBroken(_ analysis: NetworkAnalysis) -> [Bool] {
        analysis.plan.nodes.ids.map { !analysis.brokenPairs(involving: $0).isEmpty }
    }

    /// Per node: whether `site`'s endpoints cannot reach it over `callProtocol`; only `nodes` (where the site's
    /// calls land) are checked, a few per site instead of every node.
    static func unreachable(_ analysis: NetworkAnalysis, site: SiteID, protocol callProtocol: CallProtocol, nodes: some Sequence<Int32>, nodeCount: Int) -> [Bool] {
        var flags = [Bool](repeating: false, count: nodeCount)
        for node in nodes {
            if let check = analysis.reachability(site: site, node: NodeID(rawValue: node), protocol: callProtocol) { flags[Int(node)] = check.status != .ok }
        }
        return flags
    }

}
