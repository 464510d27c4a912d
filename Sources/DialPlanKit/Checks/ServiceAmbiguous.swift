/// A call whose landings reach different services (a VMR on one node, a Call Routing Rule on another; or two rules
/// of one level sending rewrites that reach different VMRs): which service the caller gets depends on which node
/// answers first. [PX-handling_media_signaling] (call control offers the call to every node of a zone; the first to
/// answer keeps it) [VCS "Search rules"] (rules at one priority are searched together)
enum ServiceAmbiguous: PlanCheck {
    static let id = CheckID.serviceAmbiguous
    /// Calls listed per finding.
    static let shown = 4

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation else { return [] }
        let plan = context.plan
        // Calls alike by the routes their landings took: one finding per set of routes.
        var order: [[[Hop]]] = []
        var groups: [[[Hop]]: (calls: [CallRef], example: CallOutcome)] = [:]
        for batch in simulation.serviceAmbiguousBatches() {
            let example = simulation.outcome(of: batch.calls[0])
            var routes: [[Hop]] = []
            for landing in example.landings where !routes.contains(landing.route) { routes.append(landing.route) }
            if groups[routes] == nil {
                order.append(routes)
                groups[routes] = ([], example)
            }
            groups[routes]!.calls += batch.calls
        }
        return order.map { routes in
            let (calls, example) = groups[routes]!
            let sites = Set(calls.map(\.site))
            let services = example.services.map { plan.describe($0) }
            var notes = example.landings.map { landing in
                "\(plan.nodes[landing.node].name) (\(plan.locations[plan.nodes[landing.node].location].name)) via \(plan.describe(route: landing.route)): '\(landing.alias)' → \(landing.decision.taker.map(plan.describe) ?? "rejected")"
            }
            let listed = calls.prefix(shown).map { "\(plan.sites[$0.site].name) → \(simulation.aliases[$0.alias.index].alias) (\($0.callProtocol.rawValue))" }
            notes.append("e.g. " + listed.joined(separator: "; ") + (calls.count > shown ? ", and \(calls.count - shown) more" : ""))
            let location = routes.lazy.compactMap { $0.last.flatMap(plan.source(of:)) }.first
            return Diagnostic(
                .error,
                "\(calls.count) call\(calls.count == 1 ? "" : "s") from \(sites.count == 1 ? plan.sites[sites.first!].name : "\(sites.count) sites") reach different services (\(services.joined(separator: "; "))): which one a caller gets depends on which node answers first",
                at: location, check: id, notes: notes)
        }
    }
}
