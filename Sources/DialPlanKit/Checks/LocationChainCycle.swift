/// A location's `transcoding_location` and overflow locations say where its media and its overflowing calls go; one
/// that names the location itself says nothing, and overflow locations that lead back to the location send calls
/// in a circle when both are full. [PX-distributed_edge] [PX-API system_location]
enum LocationChainCycle: PlanCheck {
    static let id = CheckID.locationChainCycle

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        var findings: [Diagnostic] = []
        for (index, location) in plan.locations.enumerated() {
            let own = LocationID(index)
            let named: [(String, LocationID?)] = [
                ("transcoding_location", location.transcodingLocation), ("overflow_location1", location.overflowLocation1),
                ("overflow_location2", location.overflowLocation2),
            ]
            for (field, target) in named where target == own {
                findings.append(Diagnostic(
                    .warning, "system location '\(location.name)': \(field) names the location itself", at: location.source, check: id,
                    notes: ["leave \(field) unset, or name another location"]))
            }
            // Overflow: a path from here through overflow locations back here.
            var frontier = [(own, [own])]
            var seen: Set<LocationID> = [own]
            var cycle: [LocationID]?
            while let (current, route) = frontier.first, cycle == nil {
                frontier.removeFirst()
                for next in [plan.locations[current].overflowLocation1, plan.locations[current].overflowLocation2].compactMap({ $0 }) where next != current {
                    if next == own, route.count > 1 {
                        cycle = route + [own]
                        break
                    }
                    if seen.insert(next).inserted { frontier.append((next, route + [next])) }
                }
            }
            let path = cycle ?? []
            // Reported once, at the cycle's first location in plan order.
            if path.count > 2, path.dropLast().min() == own {
                findings.append(Diagnostic(
                    .warning,
                    "system location '\(location.name)': its overflow locations lead back to it (\(path.map { plan.locations[$0].name }.joined(separator: " → "))): when all are full, calls overflow in a circle",
                    at: location.source, check: id, notes: ["end the overflow chain at a location that overflows nowhere"]))
            }
        }
        return findings
    }
}
