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
        }
        // Overflow: locations whose overflow chains lead into one another (a strongly connected set of the overflow
        // graph) send calls in a circle when all are full. One finding per such set, at its first location in plan
        // order, with a shortest cycle through each member (so that every location on a cycle is named).
        let count = plan.locations.count
        func next(_ location: Int) -> [Int] {
            [plan.locations[location].overflowLocation1, plan.locations[location].overflowLocation2].compactMap { $0?.index }.filter { $0 != location }
        }
        let reach = (0..<count).map { start -> [Bool] in
            var seen = [Bool](repeating: false, count: count)
            var stack = next(start)
            while let current = stack.popLast() {
                guard !seen[current] else { continue }
                seen[current] = true
                stack += next(current)
            }
            return seen
        }
        var reported = [Bool](repeating: false, count: count)
        for first in 0..<count where reach[first][first] && !reported[first] {
            let members = (first..<count).filter { reach[first][$0] && reach[$0][first] }
            for member in members { reported[member] = true }
            var cycles: [[Int]] = []
            for member in members where !cycles.contains(where: { $0.contains(member) }) {
                if let cycle = shortestCycle(through: member, next: next) { cycles.append(cycle) }
            }
            let names = cycles.map { cycle in (cycle + [cycle[0]]).map { plan.locations[$0].name }.joined(separator: " → ") }
            // A set holds two locations at least: a location's overflow naming itself is reported above.
            let who = "system locations \(members.map { "'\(plan.locations[$0].name)'" }.joined(separator: ", ")) overflow into one another"
            findings.append(Diagnostic(
                .warning,
                "\(who) (\(names.joined(separator: "; "))): when all are full, calls overflow in a circle",
                at: plan.locations[first].source, check: id, notes: ["end the overflow chain at a location that overflows nowhere"]))
        }
        return findings
    }

    /// A shortest path from `start` through overflow locations back to it, as the locations in order from `start`.
    private static func shortestCycle(through start: Int, next: (Int) -> [Int]) -> [Int]? {
        var previous: [Int: Int] = [:]
        var frontier = [start]
        while !frontier.isEmpty {
            var following: [Int] = []
            for current in frontier {
                for target in next(current) {
                    if target == start {
                        var cycle = [current]
                        while let back = previous[cycle[0]] { cycle.insert(back, at: 0) }
                        return cycle
                    }
                    if previous[target] == nil {
                        previous[target] = current
                        following.append(target)
                    }
                }
            }
            frontier = following
        }
        return nil
    }
}
