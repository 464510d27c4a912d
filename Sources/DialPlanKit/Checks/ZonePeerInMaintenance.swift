/// A zone whose peers include Pexip nodes in maintenance mode sends calls to nodes that refuse new calls: the
/// calls land on the other peers, or fail when every peer is in maintenance. [PX-maintenance_mode]
enum ZonePeerInMaintenance: PlanCheck {
    static let id = CheckID.zonePeerInMaintenance

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        return ZoneVisit.all(context).compactMap { visit in
            let resting = visit.nodes.filter { plan.nodes[$0].maintenanceMode }
            guard !resting.isEmpty else { return nil }
            let all = resting.count == visit.nodes.count
            return Diagnostic(
                .warning,
                "\(plan.describe(visit.ref)) has peers in maintenance mode (\(resting.map { plan.nodes[$0].name }.joined(separator: ", "))), which accept no new calls\(all ? ": every peer is, so calls through it fail" : "")",
                at: visit.zone.source, check: id, notes: ["take the nodes out of maintenance mode, or out of the zone's peers"])
        }
    }
}
