/// A neighbor zone whose Pexip peers are in more than one location lets call control land a site's calls in
/// either: call control balances across a zone's peers, not Pexip. [PX-handling_media_signaling]
enum ZoneSpansLocations: PlanCheck {
    static let id = CheckID.zoneSpansLocations

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        return ZoneVisit.all(context).compactMap { visit in
            let nodes = visit.nodes
            let locations = Array(Set(nodes.map { plan.nodes[$0].location })).sorted()
            guard locations.count > 1 else { return nil }
            let byLocation = locations.map { location in
                "\(plan.locations[location].name): \(nodes.filter { plan.nodes[$0].location == location }.map { plan.nodes[$0].name }.joined(separator: ", "))"
            }
            return Diagnostic(
                .warning,
                "\(visit.cluster.name) zone '\(visit.zone.name)' has peers in \(locations.count) locations (\(byLocation.joined(separator: "; "))): calls through it may land in any of them",
                at: visit.zone.source, check: id)
        }
    }
}
