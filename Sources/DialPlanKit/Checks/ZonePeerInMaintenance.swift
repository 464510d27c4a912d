/// A zone whose peers include Pexip nodes in maintenance mode sends calls to nodes that refuse new calls: the
/// calls land on the other peers, or fail when every peer is in maintenance. [PX-maintenance_mode]
enum ZonePeerInMaintenance: PlanCheck {
    static let id = CheckID.zonePeerInMaintenance

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        var findings: [Diagnostic] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (zoneIndex, zone) in cluster.zones.enumerated() {
                let nodes = context.tables.zoneTargets[clusterIndex][zoneIndex].nodes
                let resting = nodes.filter { plan.nodes[$0].maintenanceMode }
                guard !resting.isEmpty else { continue }
                let all = resting.count == nodes.count
                findings.append(Diagnostic(
                    .warning,
                    "\(plan.describe(ZoneRef(cluster: ClusterID(clusterIndex), zone: ZoneID(zoneIndex)))) has peers in maintenance mode (\(resting.map { plan.nodes[$0].name }.joined(separator: ", "))), which accept no new calls\(all ? ": every peer is, so calls through it fail" : "")",
                    at: zone.source, check: id, notes: ["take the nodes out of maintenance mode, or out of the zone's peers"]))
            }
        }
        return findings
    }
}
