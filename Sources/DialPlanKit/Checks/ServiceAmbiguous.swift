/// A call whose landings reach different services (a VMR on one node, a Call Routing Rule on another; or two rules
/// of one level sending rewrites that reach different VMRs): which service the caller gets depends on which node
/// answers first. Call control offers the call to every peer of the zone, and every target of a priority level,
/// at once; the first to answer keeps it. [VCS "Search rules"] [PX-handling_media_signaling]
///
/// One finding per cause: the zone whose peers decide differently (at the zone), or the rules of one level whose
/// targets do (at the first rule).
enum ServiceAmbiguous: PlanCheck {
    static let id = CheckID.serviceAmbiguous
    /// Calls listed per finding.
    static let shown = 4

    /// Where the landings of a call came from: the zone (or static route) of each distinct route's last hop.
    private struct Cause: Hashable {
        var targets: [Target]
    }

    private enum Target: Hashable {
        case zone(ZoneRef)
        case staticRoute(StaticRouteRef)
        case other
    }

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation else { return [] }
        let plan = context.plan
        var order: [Cause] = []
        var groups: [Cause: (calls: [CallRef], example: CallOutcome)] = [:]
        for batch in simulation.serviceAmbiguousBatches() {
            let example = simulation.outcome(of: batch.calls[0])
            var targets: [Target] = []
            for landing in example.landings {
                let hop = landing.route.last
                let target: Target = hop.flatMap(plan.zone(of:)).map(Target.zone) ?? hop?.staticRoute.map(Target.staticRoute) ?? .other
                if !targets.contains(target) { targets.append(target) }
            }
            let cause = Cause(targets: targets)
            if groups[cause] == nil {
                order.append(cause)
                groups[cause] = ([], example)
            }
            groups[cause]!.calls += batch.calls
        }
        return order.map { cause in
            let (calls, example) = groups[cause]!
            let sites = Set(calls.map(\.site))
            let services = example.services.map { plan.describe($0) }
            let who: String
            let location: SourceLocation?
            if cause.targets.count == 1, case .zone(let zone) = cause.targets[0] {
                who = "the peers of \(plan.describe(zone)) decide differently"
                location = plan.clusters[zone.cluster].zones[zone.zone].source
            } else {
                who = "the targets of one priority level decide differently"
                location = example.landings.lazy.compactMap { $0.route.last.flatMap(plan.source(of:)) }.first
            }
            // One note per (route, alias, service): the nodes that decide alike.
            var alike: [(what: String, nodes: [String])] = []
            for landing in example.landings {
                let what = " via \(plan.describe(route: landing.route)): '\(landing.alias)' → \(landing.decision.taker.map(plan.describe) ?? "rejected")"
                let node = "\(plan.nodes[landing.node].name) (\(plan.locations[plan.nodes[landing.node].location].name))"
                if let index = alike.firstIndex(where: { $0.what == what }) { alike[index].nodes.append(node) } else { alike.append((what, [node])) }
            }
            var notes = alike.map { $0.nodes.joined(separator: ", ") + $0.what }
            let listed = calls.prefix(shown).map { "\(plan.sites[$0.site].name) → \(simulation.aliases[$0.alias.index].alias) (\($0.callProtocol.rawValue))" }
            notes.append("e.g. " + listed.joined(separator: "; ") + (calls.count > shown ? ", and \(calls.count - shown) more" : ""))
            return Diagnostic(
                .error,
                "\(calls.count) call\(calls.count == 1 ? "" : "s") from \(sites.count == 1 ? plan.sites[sites.first!].name : "\(sites.count) sites") reach different services (\(services.joined(separator: "; "))): \(who), so which one a caller gets depends on which node answers first",
                at: location, check: id, notes: notes)
        }
    }
}
