/// Every zone of every cluster with the Pexip nodes its peers are: what the zone checks read.
struct ZoneVisit {
    var ref: ZoneRef
    var cluster: CallControlCluster
    var zone: Zone
    /// The Pexip nodes among the zone's peers.
    var nodes: [NodeID]

    static func all(_ context: CheckContext) -> [ZoneVisit] {
        context.plan.clusters.enumerated().flatMap { clusterIndex, cluster in
            cluster.zones.enumerated().map { zoneIndex, zone in
                ZoneVisit(
                    ref: ZoneRef(cluster: ClusterID(clusterIndex), zone: ZoneID(zoneIndex)), cluster: cluster, zone: zone,
                    nodes: context.tables.zoneTargets[clusterIndex][zoneIndex].nodes)
            }
        }
    }
}
