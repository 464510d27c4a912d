/// A call whose landings reach different services (a VMR on one node, a Call Routing Rule on another; or two rules
/// of one level sending rewrites that reach different VMRs): which service the caller gets depends on which node
/// answers first. Call control offers the call to every peer of the zone, and every target of a priority level,
/// at once; the first to answer keeps it. [VCS "Search rules"] [PX-handling_media_signaling]
///
/// One finding per cause, at the part responsible: the zone whose peers decide differently, the rules of one
/// level that send different rewrites (to one zone or to several), or the static route whose nodes do.
enum ServiceAmbiguous: PlanCheck {
    static let id = CheckID.serviceAmbiguous
    /// Calls listed per finding.
    static let shown = 4

    /// Where the landings of a call came from: per distinct route, the zone and rule (or static route) of its last
    /// hop.
    private struct Cause: Hashable {
        var targets: [Target]
    }

    private enum Target: Hashable {
        case zone(ZoneRef, SearchRuleRef)
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
                let target = Self.target(of: landing, plan: plan)
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
            let (who, location) = culprit(cause, plan: plan)
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

    private static func target(of landing: Landing, plan: DialPlan) -> Target {
        guard let hop = landing.route.last else { return .other }
        if let zone = plan.zone(of: hop), let rule = hop.searchRule { return .zone(zone, rule) }
        if let route = hop.staticRoute { return .staticRoute(route) }
        return .other
    }

    /// Who makes the services differ, in words, and where it is defined.
    private static func culprit(_ cause: Cause, plan: DialPlan) -> (String, SourceLocation?) {
        let zones = Set(cause.targets.compactMap { target -> ZoneRef? in
            if case .zone(let zone, _) = target { return zone }
            return nil
        })
        let rules = cause.targets.compactMap { target -> SearchRuleRef? in
            if case .zone(_, let rule) = target { return rule }
            return nil
        }
        if cause.targets.count == 1, case .zone(let zone, _) = cause.targets[0] {
            return ("the peers of \(plan.describe(zone)) decide differently", plan.clusters[zone.cluster].zones[zone.zone].source)
        }
        if cause.targets.count == 1, case .staticRoute(let route) = cause.targets[0] {
            return ("the nodes behind \(plan.describe(route)) decide differently", plan.skypeForBusiness?.configurations[route.configuration].routes[route.route].source)
        }
        guard let first = rules.first else { return ("its landings decide differently", nil) }
        let source = plan.clusters[first.cluster].searchRules[first.rule].source
        if zones.count == 1, rules.count == cause.targets.count {
            return ("the rules of one level send different rewrites to \(plan.describe(zones.first!))", source)
        }
        return ("the targets of one priority level decide differently", source)
    }
}
