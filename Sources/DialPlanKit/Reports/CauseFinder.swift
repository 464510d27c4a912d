/// Why a call is not local, reduced to what calls can share: the verdict and the part of the plan responsible.
struct Cause: Hashable {
    enum Blame: Hashable {
        case searchRule(SearchRuleRef)
        /// Search rules that pass a search around a cycle of clusters, in plan order.
        case loop([SearchRuleRef])
        case zone(ZoneRef)
        case transform(TransformRef)
        case cluster(ClusterID)
        case limit(LimitHit.Reason)
        case staticRoute(StaticRouteRef)
        /// A static routing configuration where no route matched; nil when none applied to the pool.
        case sfbConfiguration(RoutingConfigurationID?)
        /// The network: a blocked flow, a NAT or a missing route between nodes.
        case network(PathFailure)
        /// The site's endpoints cannot reach this landing node.
        case endpoints(NodeID, PathFailure)
        /// The call control cannot reach the landing node, or the node it: the first failing check, and every check
        /// of the leg (each address of the sender, both directions).
        case callControl(PathCheck, all: [PathCheck])
        /// A Call Policy rule that rejects the calls.
        case callPolicy(CallPolicyRuleRef)
        /// A zone that does not speak the calls' protocol, at a cluster whose interworking mode does not let it
        /// search the zone in the other.
        case interworking(ZoneRef, CallProtocol)
    }

    var verdict: Verdict
    var blame: Blame
    /// The path that shows it (alias-free), for the message; not part of the identity, so that calls with the
    /// same culprit form one group whatever else they passed through.
    var route: [Hop]

    static func == (lhs: Cause, rhs: Cause) -> Bool { lhs.verdict == rhs.verdict && lhs.blame == rhs.blame }

    func hash(into hasher: inout Hasher) {
        hasher.combine(verdict)
        hasher.combine(blame)
    }
}

/// Decides who is responsible for calls that are not local, from the typed outcome and `VerdictRule`'s blame, and
/// words the diagnostic for a group of such calls (`CauseFinder+Diagnostic`).
struct CauseFinder {
    let simulation: Simulation
    var plan: DialPlan { simulation.plan }

    /// The cause of a batch of calls alike, from its first call.
    func cause(of batch: CallBatch) -> Cause {
        let call = batch.calls[0]
        return cause(of: simulation.outcome(of: call), decision: batch.decision, call: call)
    }

    func cause(of outcome: CallOutcome, decision: VerdictDecision, call: CallRef) -> Cause {
        let verdict = decision.verdict
        let entryCluster = plan.sites[call.site].registersTo
        switch decision.blame {
        case .none:
            return Cause(verdict: verdict, blame: .cluster(entryCluster), route: [])
        case .limit:
            return Cause(verdict: .error, blame: outcome.limit.map { .limit($0.reason) } ?? .cluster(entryCluster), route: [])
        case .landing(let index):
            // A single zone whose peers span locations is to blame for its calls; otherwise the rule (or static
            // route) that sent the call to the first landing outside the site's locations.
            let routes = Set(outcome.landings.map(\.route))
            if routes.count == 1, let route = routes.first, let last = route.last, let zone = plan.zone(of: last),
                Set(outcome.landings.map { plan.nodes[$0.node].location }).count > 1
            {
                return Cause(verdict: verdict, blame: .zone(zone), route: route)
            }
            let offending = outcome.landings[index]
            if let last = offending.route.last, let staticRoute = last.staticRoute {
                return Cause(verdict: verdict, blame: .staticRoute(staticRoute), route: offending.route)
            }
            if let rule = offending.route.last?.searchRule {
                return Cause(verdict: verdict, blame: .searchRule(rule), route: offending.route)
            }
            return Cause(verdict: verdict, blame: .cluster(entryCluster), route: offending.route)
        case .failure(let kind):
            guard let failure = outcome.failures.first(where: { $0.kind == kind }) else {
                return Cause(verdict: verdict, blame: .cluster(entryCluster), route: [])
            }
            if let hop = failure.route.last, case .skype(let configuration, _) = hop {
                let blame: Cause.Blame = hop.staticRoute.map { .staticRoute($0) } ?? .sfbConfiguration(configuration)
                return Cause(verdict: verdict, blame: blame, route: failure.route)
            }
            if let rule = failure.route.last?.callPolicyRule {
                return Cause(verdict: verdict, blame: .callPolicy(rule), route: failure.route)
            }
            if verdict == .unrouted, let end = failure.route.last, let zone = plan.zone(of: end),
                let spoken = protocolAt(failure.route, call: call), !plan.clusters[zone.cluster].zones[zone.zone].speaks(spoken),
                plan.clusters[zone.cluster].zones[zone.zone].speaks(spoken.interworked)
            {
                return Cause(verdict: verdict, blame: .interworking(zone, spoken), route: failure.route)
            }
            if failure.kind == .loop, let cycle = loopCycle(failure) {
                return Cause(verdict: verdict, blame: .loop(cycle), route: failure.route)
            }
            if verdict != .loop, let rewrite = rewriteBlame(outcome, failure: failure) {
                return Cause(verdict: verdict, blame: rewrite, route: failure.route)
            }
            // The route's last hop that has a rule sent the call where it failed.
            if let last = failure.route.last(where: { $0.searchRule != nil }), let rule = last.searchRule {
                let end = failure.route.last!
                if verdict == .unrouted, end.searchRule != nil, let zone = plan.zone(of: last) {
                    return Cause(verdict: verdict, blame: .zone(zone), route: failure.route)
                }
                if verdict == .unrouted, end.searchRule == nil, let cluster = end.cluster {
                    return Cause(verdict: verdict, blame: .cluster(cluster), route: failure.route)
                }
                return Cause(verdict: verdict, blame: .searchRule(rule), route: failure.route)
            }
            return Cause(verdict: verdict, blame: .cluster(failure.route.first?.cluster ?? entryCluster), route: failure.route)
        case .meshBroken(let node):
            let route = outcome.landings.first { $0.node == node }?.route ?? []
            guard let failure = simulation.network?.brokenPairs(involving: node).first?.check.failure else {
                return Cause(verdict: verdict, blame: .cluster(entryCluster), route: route)
            }
            return Cause(verdict: verdict, blame: .network(failure), route: route)
        case .unreachable(let node):
            let route = outcome.landings.first { $0.node == node }?.route ?? []
            guard let failure = simulation.network?.reachability(site: call.site, node: node, protocol: call.callProtocol)?.failure else {
                return Cause(verdict: verdict, blame: .cluster(entryCluster), route: route)
            }
            return Cause(verdict: verdict, blame: .endpoints(node, failure), route: route)
        case .callControl(let node, let sender):
            let route = outcome.landings.first { $0.node == node && $0.sender == sender }?.route ?? []
            guard let checks = simulation.network?.callControlLeg(sender, node: node), let check = checks.first(where: { $0.status != .ok }) else {
                return Cause(verdict: verdict, blame: .cluster(entryCluster), route: route)
            }
            return Cause(verdict: verdict, blame: .callControl(check, all: checks), route: route)
        }
    }

    /// The protocol the call is in at the last hop of `route`: the site's, or what a cluster on the way
    /// interworked it into.
    private func protocolAt(_ route: [Hop], call: CallRef) -> CallProtocol? {
        var current = call.callProtocol
        for hop in route.dropLast() { if let to = hop.interworkedTo { current = to } }
        return route.last?.interworkedTo == nil ? current : nil
    }

    /// The rules on the cycle of a loop: the hops from the search that was repeated to the one that repeated it.
    private func loopCycle(_ failure: Failure) -> [SearchRuleRef]? {
        let route = failure.route
        guard let start = failure.cycleStart, start >= 0, start < route.count else { return nil }
        let rules = route[start..<(route.count - 1)].compactMap(\.searchRule)
        return rules.isEmpty ? nil : Array(Set(rules)).sorted()
    }

    /// When a service alias was dialled but something rewrote it into what failed, the rewrite is to blame: the
    /// last one on the way (a rule's rewrite comes after its cluster's transform), which made the alias that failed.
    private func rewriteBlame(_ outcome: CallOutcome, failure: Failure) -> Cause.Blame? {
        guard failure.alias.lowercased() != outcome.dialled.lowercased(),
            simulation.tables.service(forKey: PexipAlias.serviceKey(outcome.dialled)) != nil
        else { return nil }
        for hop in failure.route.reversed() {
            if let rule = hop.searchRule, let matcher = plan.clusters[rule.cluster].searchRules[rule.rule].matcher, matcher.behavior != .leave {
                return .searchRule(rule)
            }
            if let transform = hop.transform { return .transform(transform) }
        }
        return nil
    }
}
