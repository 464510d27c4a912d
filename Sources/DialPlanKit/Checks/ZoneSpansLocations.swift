/// A neighbor zone whose Pexip peers are in more than one location lets call control land a site's calls in
/// either: call control balances across a zone's peers, not Pexip. [PX-handling_media_signaling]
enum ZoneSpansLocations: PlanCheck {
    static let id = CheckID.zoneSpansLocations

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        var findings: [Diagnostic] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (zoneIndex, zone) in cluster.zones.enumerated() {
                let nodes = context.tables.zoneTargets[clusterIndex][zoneIndex].nodes
                let locations = Array(Set(nodes.map { plan.nodes[$0].location })).sorted()
                guard locations.count > 1 else { continue }
                let byLocation = locations.map { location in
                    "\(plan.locations[location].name): \(nodes.filter { plan.nodes[$0].location == location }.map { plan.nodes[$0].name }.joined(separator: ", "))"
                }
                findings.append(Diagnostic(
                    .warning,
                    "\(cluster.name) zone '\(zone.name)' has peers in \(locations.count) locations (\(byLocation.joined(separator: "; "))): calls through it may land in any of them",
                    at: zone.source, check: id))
            }
        }
        return findings
    }
}
