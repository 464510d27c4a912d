/// Everything about a plan that does not depend on the call: search-rule levels, resolved zone targets, the service
/// alias index. Built once per plan and shared, read-only, by every simulation thread.
public final class RoutingTables: Sendable {
    public let plan: DialPlan
    let directory: PeerDirectory
    /// Per cluster: index of its first search rule in the global rule numbering (for per-alias caches).
    let ruleBase: [Int]
    let totalRules: Int
    /// Per cluster: ranges of search-rule indices with equal priority, in order.
    let levels: [[Range<Int>]]
    /// Per cluster, per zone: where a search sent to the zone goes.
    let zoneTargets: [[ZoneTarget]]
    /// `sourceFrom[to][from]`: how cluster `to` sees a search coming from cluster `from`: its zone whose peers
    /// point back at `from`, else the Default Zone.
    let sourceFrom: [[CallSource]]
    /// Service aliases, lower-cased → (service, alias index). [PX-about_aliases] (model: case-insensitive)
    let serviceByAlias: [String: Int]
    /// Largest capture count of any pattern, for sizing match data.
    let maxCaptures: Int
    /// Per node: its location and its media location.
    let nodeLocation: [Int]
    let nodeMediaLocation: [Int]

    /// Where a zone sends searches.
    struct ZoneTarget: Sendable {
        /// Pexip nodes among the peers (maintenance ones included; skipped at call time).
        var nodes: [Int]
        /// Clusters among the peers.
        var clusters: [Int]
        /// Peers that are neither.
        var unknownPeers: [String]
        var isDNS: Bool
        var isLocalZone: Bool
        var hopCount: Int
    }

    public init(plan: DialPlan) {
        self.plan = plan
        let directory = PeerDirectory(plan: plan)
        self.directory = directory
        var base: [Int] = []
        var total = 0
        var levels: [[Range<Int>]] = []
        var captures = 0
        for cluster in plan.clusters {
            base.append(total)
            total += cluster.searchRules.count
            var clusterLevels: [Range<Int>] = []
            var start = 0
            while start < cluster.searchRules.count {
                var end = start + 1
                while end < cluster.searchRules.count && cluster.searchRules[end].priority == cluster.searchRules[start].priority { end += 1 }
                clusterLevels.append(start..<end)
                start = end
            }
            levels.append(clusterLevels)
            for rule in cluster.searchRules { captures = max(captures, rule.matcher?.regex?.captureCount ?? 0) }
            for transform in cluster.transforms { captures = max(captures, transform.matcher.regex?.captureCount ?? 0) }
        }
        for rule in plan.gatewayRules { captures = max(captures, rule.matcher.regex?.captureCount ?? 0) }
        ruleBase = base
        totalRules = total
        self.levels = levels
        maxCaptures = captures

        zoneTargets = plan.clusters.map { cluster in
            cluster.zones.map { zone in
                var target = ZoneTarget(nodes: [], clusters: [], unknownPeers: [], isDNS: zone.type == .dns, isLocalZone: false, hopCount: zone.hopCount)
                for peer in zone.peers {
                    let nodes = directory.nodes(for: peer)
                    let clusters = directory.clusters(for: peer)
                    target.nodes += nodes.filter { !target.nodes.contains($0) }
                    target.clusters += clusters.filter { !target.clusters.contains($0) }
                    if nodes.isEmpty && clusters.isEmpty { target.unknownPeers.append(peer) }
                }
                return target
            }
        }
        sourceFrom = plan.clusters.map { to in
            plan.clusters.indices.map { from in
                let zone = to.zones.firstIndex { zone in
                    zone.type != .dns && zone.peers.contains { directory.clusters(for: $0).contains(from) }
                }
                return zone.map(CallSource.zone) ?? .defaultZone
            }
        }
        var aliases: [String: Int] = [:]
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { aliases[alias.alias.lowercased()] = index }
        }
        serviceByAlias = aliases
        nodeLocation = plan.nodes.map(\.location)
        nodeMediaLocation = plan.nodes.map { plan.mediaLocation(of: $0.location) }
    }

    /// A name for a call source at `cluster`, as a VCS engineer would write it in `source_name`.
    func sourceName(_ source: CallSource, cluster: Int) -> String {
        switch source {
        case .subzone(let index): plan.clusters[cluster].subzones[index].name
        case .zone(let index): plan.clusters[cluster].zones[index].name
        case .defaultZone: PlanBuilder.defaultZone
        }
    }

    /// The SRV names tried for a domain, by protocol (SIP over TLS first). [VCS "DNS zones"]
    static func srvNames(for domain: String, protocol callProtocol: CallProtocol) -> [String] {
        switch callProtocol {
        case .sip: ["_sips._tcp.\(domain)", "_sip._tcp.\(domain)", "_sip._udp.\(domain)"]
        case .h323: ["_h323cs._tcp.\(domain)", "_h323ls._udp.\(domain)"]
        case .mssip: ["_sipfederationtls._tcp.\(domain)", "_sips._tcp.\(domain)"]
        }
    }
}
