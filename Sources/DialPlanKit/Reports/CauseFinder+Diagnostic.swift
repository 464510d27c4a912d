/// The words of a group of calls that are not local: one diagnostic at the part of the plan responsible, with the
/// route, a hint where a lower-priority rule would have done better, and the sites with example aliases.
extension CauseFinder {
    func diagnostic(for cause: Cause, calls: [CallRef], examples: Int) -> Diagnostic {
        // The group's first call traced at most once, for the notes that read its steps.
        var traced: CallTrace??
        func trace() -> CallTrace? {
            if traced == nil { traced = .some(try? CallTrace(tables: simulation.tables, site: calls[0].site, alias: simulation.aliases[calls[0].alias.index].alias, protocol: calls[0].callProtocol, network: simulation.network)) }
            return traced!
        }
        let first = simulation.outcome(of: calls[0])
        let sites = Set(calls.map(\.site))
        let skype: Bool
        switch cause.blame {
        case .staticRoute, .sfbConfiguration: skype = true
        default: skype = false
        }
        let count = "\(calls.count) \(skype ? "Skype for Business " : "")call\(calls.count == 1 ? "" : "s") from \(sites.count == 1 ? plan.sites[sites.first!].name : "\(sites.count) sites")"
        var message: String
        var notes: [String] = []
        let who = describe(cause.blame)

        switch cause.verdict {
        case .remote, .ambiguous:
            // Where the blamed route leads (a zone's peers, for a zone); other routes at the same priority are notes.
            var routed = first
            if case .zone = cause.blame {} else {
                routed.landings = first.landings.filter { $0.route == cause.route }
                if routed.landings.isEmpty { routed.landings = first.landings }
            }
            let landed = plan.locationNames(plan.locations(of: routed))
            let verb = cause.verdict == .remote ? "land outside their sites' local locations" : "may land outside their sites' local locations"
            if case .zone(let zone) = cause.blame {
                message = "\(count) \(verb): zone '\(plan.clusters[zone.cluster].zones[zone.zone].name)' of \(plan.clusters[zone.cluster].name) has peers in \(landed)"
            } else if case .staticRoute = cause.blame {
                message = "\(count) \(verb): \(who) sends them to \(cause.route.last.map(plan.zoneName) ?? "?") (\(landed))"
            } else {
                message = "\(count) \(verb): \(who) sends them to zone \(cause.route.last.map(plan.zoneName) ?? "?") (\(landed))"
            }
            notes.append("route: \(plan.describe(route: cause.route)) → " + landingSummary(routed))
            var otherRoutes: [[Hop]] = []
            for landing in first.landings where landing.route != cause.route && !otherRoutes.contains(landing.route) { otherRoutes.append(landing.route) }
            for route in otherRoutes {
                var other = first
                other.landings = first.landings.filter { $0.route == route }
                notes.append("also (same priority): \(plan.describe(route: route)) → " + landingSummary(other))
            }
            if let hint = priorityHint(cause: cause, call: calls[0], trace: trace) { notes.append(hint) }
        case .rejected where { if case .callPolicy = cause.blame { true } else { false } }():
            message = "\(count) rejected by Call Policy: \(who) rejects them"
            if let failure = first.failures.first(where: { $0.kind == .rejected }) {
                notes.append("route: \(plan.describe(route: failure.route)) (the alias after transforms: '\(failure.alias)')")
            }
        case .rejected:
            let failure = first.failures.first { $0.kind == .rejected }
            let nodes = failure.map { $0.nodes.map { plan.nodes[$0].name }.joined(separator: ", ") } ?? "Pexip"
            if case .staticRoute(let route) = cause.blame, plan.skypeForBusiness?.configurations[route.configuration].routes[route.route].replaceHostInRequestURI == true {
                message = "\(count) rejected by Pexip: \(who) replaces the host in the request URI, so Pexip receives '\(failure?.alias ?? "?")', which no service alias or Call Routing Rule takes"
            } else if case .transform = cause.blame {
                message = "\(count) rejected by Pexip: \(who) rewrites the dialled alias into one that no service alias or Call Routing Rule takes"
            } else if isRewrite(cause.blame), failure?.alias.lowercased() != first.dialled.lowercased() {
                message = "\(count) rejected by Pexip: \(who) rewrites the alias into one that no service alias or Call Routing Rule takes"
            } else {
                message = "\(count) rejected by Pexip: \(who) sends them to \(nodes), where no service alias or Call Routing Rule takes them"
            }
            notes.append("route: \(plan.describe(route: cause.route)) → rejected by \(nodes)")
        case .loop:
            let kind = first.failures.first { $0.kind == .loop || $0.kind == .hopLimit }?.kind
            if case .loop(let rules) = cause.blame {
                let clusters = Array(Set(rules.map { plan.clusters[$0.cluster].name })).sorted()
                message = "\(count) loop between \(clusters.joined(separator: " and ")): \(who) pass them back and forth"
            } else if kind == .hopLimit {
                message = "\(count) never arrive: the hop count runs out on the way; \(who) passes them on"
            } else {
                message = "\(count) loop: \(who) sends them back to a cluster already searching for them"
            }
            notes.append("loop: \(plan.describe(route: cause.route)) (already searching: the loop is detected)")
        case .unrouted:
            switch cause.blame {
            case .transform:
                message = "\(count) unrouted: \(who) rewrites the dialled alias into one that no search rule sends to Pexip"
            case .cluster(let cluster):
                message = "\(count) unrouted: no search rule at \(plan.clusters[cluster].name) sends them to Pexip"
            case .zone(let zone):
                message = "\(count) unrouted: zone '\(plan.clusters[zone.cluster].zones[zone.zone].name)' of \(plan.clusters[zone.cluster].name) reaches no Pexip node that can take them (\(zoneProblem(zone)))"
            case .interworking(let zone, let spoken):
                let cluster = plan.clusters[zone.cluster]
                message = "\(count) unrouted: zone '\(cluster.zones[zone.zone].name)' of \(cluster.name) does not speak \(spoken.rawValue) (\(spoken.zoneModeKey) off), and \(cluster.name)'s interworking is \(cluster.interworking.rawValue), so it does not search the zone in \(spoken.interworked.rawValue) for them"
                notes.append("interworking: \(cluster.interworkingSource) (registered_only interworks only calls from endpoints registered to the cluster; on interworks every call)")
            case .staticRoute(let route):
                message = "\(count) unrouted: \(who) reaches no Pexip node that can take them (\(routeProblem(simulation.tables.sfbTargets[route.configuration.index][route.route.index])))"
            case .sfbConfiguration(let configuration):
                if let configuration, let identity = plan.skypeForBusiness?.configurations[configuration].identity {
                    let domains = Array(Set(calls.compactMap { PexipAlias.domain(of: simulation.aliases[$0.alias.index].alias) })).sorted()
                    message = "\(count) unrouted: no static route of '\(identity)' matches \(domains.isEmpty ? "aliases without a domain" : "the domain\(domains.count == 1 ? "" : "s") " + domains.prefix(4).joined(separator: ", "))"
                } else {
                    message = "\(count) unrouted: no static routing configuration applies to their pool (neither its own nor a global one)"
                }
            default:
                message = "\(count) unrouted: \(who) sends them nowhere that finds them"
            }
            if let failure = first.failures.first(where: { $0.kind == .unrouted }) {
                notes.append("route: \(plan.describe(route: failure.route)) → the search for '\(failure.alias)' ends here, not found")
            }
        case .meshBroken:
            if case .network(let failure) = cause.blame {
                message = "\(count) land on nodes whose IPsec mesh is broken: \(failure)"
            } else {
                message = "\(count) land on nodes whose IPsec mesh is broken"
            }
            if let network = simulation.network {
                // Every cause of those nodes' broken pairs past the one in the message: fixing that one alone
                // does not mend the mesh.
                var others: [(group: Int, pairs: Int)] = []
                var counted: Set<[MeshEnd]> = []
                let named = network.brokenPairGroups.firstIndex { group in
                    if case .network(let failure) = cause.blame { return group.cause == failure.cause }
                    return false
                }
                for node in first.nodes.sorted() {
                    let broken = network.brokenPairs(involving: node)
                    guard !broken.isEmpty else { continue }
                    notes.append("\(plan.nodes[node].name): \(broken.count) broken pair\(broken.count == 1 ? "" : "s"), e.g. " + broken.prefix(3).map { "\(network.name(of: $0.from)) → \(network.name(of: $0.to))" }.joined(separator: ", "))
                    for pair in broken where counted.insert([pair.from, pair.to]).inserted {
                        for group in network.groupIndices(of: pair) where group != named {
                            if let index = others.firstIndex(where: { $0.group == group }) { others[index].pairs += 1 } else { others.append((group, 1)) }
                        }
                    }
                }
                for other in others {
                    notes.append("also broken by \(network.brokenPairGroups[other.group].description) (\(other.pairs) of these pairs)")
                }
            }
        case .blocked:
            switch cause.blame {
            case .endpoints(let node, let failure):
                message = "\(count) cannot reach their landing node \(plan.nodes[node].name) (\(plan.locations[plan.nodes[node].location].name)): \(failure)"
                if let check = simulation.network?.reachability(site: calls[0].site, node: node, protocol: calls[0].callProtocol), check.failures.count > 1 {
                    notes.append("every problem on the path: " + check.failures.map(\.description).joined(separator: "; "))
                }
            case .callControl(let check, let all):
                message = "\(count) cannot be handed to their landing node by the call control: \(check.from) → \(check.to): \(check.failure.map(\.description) ?? check.status.rawValue)"
                // Every failing direction and address of the leg, so that fixing the first reveals nothing new.
                let problems = all.filter { $0.status != .ok }.map { "\($0.from) → \($0.to): " + $0.failures.map(\.description).joined(separator: "; ") }
                notes.append("the call control and the node must reach each other, each way on its own ports (H.245 to the node's \(PortUsage.h245), to a VCS's \(PortUsage.vcsH245)), from each of its addresses; every problem: " + problems.joined(separator: " | "))
            default:
                message = "\(count) cannot reach their landing node"
            }
        case .error:
            if case .limit = cause.blame, let limit = first.limit {
                message = "\(count) could not be decided: \(plan.describe(limit))"
            } else {
                message = "\(count) could not be decided"
            }
        case .local:
            message = "\(count) land locally"
        }
        if let note = authenticationNote(call: calls[0], trace: trace) { notes.append(note) }
        notes += siteNotes(calls: calls, examples: examples)
        return Diagnostic(.error, message, at: location(of: cause.blame), check: CheckID(verdict: cause.verdict), notes: notes)
    }

    func location(of blame: Cause.Blame) -> SourceLocation? {
        switch blame {
        case .searchRule(let rule): plan.clusters[rule.cluster].searchRules[rule.rule].source
        case .loop(let rules): rules.map { plan.clusters[$0.cluster].searchRules[$0.rule].source }.min()
        case .zone(let zone): plan.clusters[zone.cluster].zones[zone.zone].source
        case .transform(let transform): plan.clusters[transform.cluster].transforms[transform.transform].source
        case .cluster(let cluster): plan.clusters[cluster].source
        case .limit(let reason): plan.source(of: reason)
        case .network(let failure): failure.source
        case .endpoints(_, let failure): failure.source
        case .callControl(let check, _): check.failure?.source
        case .callPolicy(let rule): plan.clusters[rule.cluster].callPolicy[rule.rule].source
        case .interworking(let zone, _): plan.clusters[zone.cluster].zones[zone.zone].source
        case .staticRoute(let route): plan.skypeForBusiness?.configurations[route.configuration].routes[route.route].source
        case .sfbConfiguration(let configuration):
            configuration.flatMap { plan.skypeForBusiness?.configurations[$0].source } ?? plan.skypeForBusiness?.source
        }
    }

    private func isRewrite(_ blame: Cause.Blame) -> Bool {
        guard case .searchRule(let rule) = blame else { return false }
        return (plan.clusters[rule.cluster].searchRules[rule.rule].matcher?.behavior ?? .leave) != .leave
    }

    func describe(_ blame: Cause.Blame) -> String {
        switch blame {
        case .searchRule(let rule): plan.describe(rule)
        case .loop(let rules): rules.map(plan.describe).joined(separator: " and ")
        case .zone(let zone): plan.describe(zone)
        case .transform(let transform): plan.describe(transform)
        case .cluster(let cluster): plan.clusters[cluster].name
        case .limit(let reason):
            switch reason {
            case .regex(let site): plan.describe(site)
            case .searchBudget(let cluster): "the search from \(plan.clusters[cluster].name)"
            case .notSimulated(let rule): "\(plan.describe(rule)), which sends them to \(plan.describeTarget(of: rule))"
            case .callerUnknown(let rule): plan.describe(rule)
            }
        case .callPolicy(let rule): plan.describe(rule)
        case .interworking(let zone, _): plan.describe(zone)
        case .staticRoute(let route): plan.describe(route)
        case .sfbConfiguration(let configuration):
            configuration.flatMap { plan.skypeForBusiness?.configurations[$0].identity }.map { "static routing configuration '\($0)'" } ?? "Skype for Business"
        case .network(let failure): failure.description
        case .endpoints(let node, let failure): "\(plan.nodes[node].name): \(failure)"
        case .callControl(let check, _): check.description
        }
    }

    private func routeProblem(_ target: RoutingTables.StaticRouteTarget) -> String {
        switch target.problem {
        case .tlsToAddress: "a TLS route needs an FQDN destination, not an address"
        case .unresolved: target.resolution
        case .notPexip(let addresses): "\(target.resolution): \(addresses.joined(separator: ", ")) \(addresses.count == 1 ? "is" : "are") no Pexip node"
        case nil: "every node behind it is in maintenance mode"
        }
    }

    private func zoneProblem(_ zone: ZoneRef) -> String {
        let info = plan.clusters[zone.cluster].zones[zone.zone]
        if !info.sipMode && !info.h323Mode { return "its sip_mode and h323_mode are both off, so it is searched in neither" }
        let target = simulation.tables.zoneTargets[zone.cluster.index][zone.zone.index]
        if target.isDNS { return "no DNS record leads to a Pexip node" }
        if !target.nodes.isEmpty && target.nodes.allSatisfy({ plan.nodes[$0].maintenanceMode }) { return "every Pexip peer is in maintenance mode" }
        if !target.unknownPeers.isEmpty && target.nodes.isEmpty && target.clusters.isEmpty {
            return "its peers \(target.unknownPeers.joined(separator: ", ")) are not in the plan"
        }
        return "nothing behind it finds the alias"
    }

    private func landingSummary(_ outcome: CallOutcome) -> String {
        var byLocation: [LocationID: [String]] = [:]
        for node in outcome.nodes {
            byLocation[plan.nodes[node].location, default: []].append(plan.nodes[node].name)
        }
        let signalling = byLocation.keys.sorted().map { "\(byLocation[$0]!.joined(separator: ", ")) (\(plan.locations[$0].name))" }.joined(separator: "; ")
        let media = plan.mediaLocations(of: outcome)
        return signalling + (media == plan.signallingLocations(of: outcome) ? "" : ", media in \(plan.locationNames(media))")
    }

    /// "hint: rule 'APAC to Pexip Singapore' (priority 100) also matches and would send them to Pexip-Singapore
    /// (Singapore), but 'Fallback to Pexip Oslo' (priority 90) is searched first". The alias the rules saw is read
    /// from the example call's own trace; the rules that would also take it come from `RoutingTables`.
    /// Where a rule that requires authentication would have taken the call and passed it by because the call is
    /// unauthenticated: the rule, and the subzone or zone whose authentication policy made it so (only for plans
    /// with such rules, as it traces the call).
    private func authenticationNote(call: CallRef, trace traced: () -> CallTrace?) -> String? {
        guard simulation.tables.authenticationMatters, call.callProtocol != .mssip, let trace = traced() else { return nil }
        var from: (cluster: ClusterID, source: CallSource)?
        for traced in trace.events {
            switch traced.event {
            case .search(let cluster, _, _, let source, _):
                from = (cluster, source)
            case .searchRuleSkipped(let ref, _, .unauthenticated):
                guard let from, from.cluster == ref.cluster else { continue }
                let cluster = plan.clusters[ref.cluster]
                let policy: String = switch from.source {
                case .subzone(let subzone): "subzone \(cluster.subzones[subzone].name) has authentication_mode \(cluster.subzones[subzone].authentication.rawValue)"
                case .zone(let zone): "zone \(cluster.zones[zone].name) has authentication_mode \(cluster.zones[zone].authentication.rawValue)"
                case .defaultZone: "the Default Zone has authentication_mode \(cluster.defaultZoneAuthentication.rawValue)"
                }
                return "authentication: \(plan.describe(ref)) would take them but requires an authenticated request, and they are not authenticated (at \(cluster.name), \(policy))"
            default:
                continue
            }
        }
        return nil
    }

    private func priorityHint(cause: Cause, call: CallRef, trace traced: () -> CallTrace?) -> String? {
        guard case .searchRule(let deciding) = cause.blame, cause.route.count == 1 else { return nil }
        let site = plan.sites[call.site]
        guard site.registersTo == deciding.cluster,
            let trace = traced(),
            let seen = trace.aliasSeenByRules(at: deciding.cluster)
        else { return nil }
        let decidingRule = plan.clusters[deciding.cluster].searchRules[deciding.rule]
        let local = Set(site.localLocations)
        for candidate in simulation.tables.rulesTaking(seen, cluster: deciding.cluster, source: site.entry, protocol: call.callProtocol)
        where plan.clusters[deciding.cluster].searchRules[candidate].priority > decidingRule.priority {
            guard case .zone(let zone) = plan.clusters[deciding.cluster].searchRules[candidate].target else { continue }
            let nodes = simulation.tables.zoneTargets[deciding.cluster.index][zone.index].nodes
            guard !nodes.isEmpty, nodes.allSatisfy({ local.contains(plan.nodes[$0].location) && local.contains(plan.mediaLocation(of: plan.nodes[$0].location)) }) else { continue }
            let other = plan.clusters[deciding.cluster].searchRules[candidate]
            let locations = plan.locationNames(Array(Set(nodes.map { plan.nodes[$0].location })).sorted())
            return "hint: rule '\(other.name)' (priority \(other.priority)) also matches and would send them to \(plan.clusters[deciding.cluster].zones[zone].name) (\(locations)), but '\(decidingRule.name)' (priority \(decidingRule.priority)) is searched first"
        }
        return nil
    }

    /// One note per site: how many calls, where they were expected, a few aliases. Linear in the calls with
    /// arrays, not dictionaries: a group may hold tens of millions of them.
    private func siteNotes(calls: [CallRef], examples: Int) -> [String] {
        var counts = [Int](repeating: 0, count: plan.sites.count)
        var order: [SiteID] = []
        for call in calls {
            let site = call.site.index
            if counts[site] == 0 { order.append(call.site) }
            counts[site] += 1
        }
        // A global plan's group may span hundreds of sites: list the first ones and count the rest (JSON has all).
        let shownSites = 20
        let shown = Array(order.prefix(shownSites))
        var slot = [Int](repeating: -1, count: plan.sites.count)
        for (index, site) in shown.enumerated() { slot[site.index] = index }
        // Per shown site: its distinct aliases (one bit per alias), and the first `examples` of them, in first-seen
        // order, each with an example call and its protocols.
        let words = (simulation.aliases.count + 63) / 64
        var seen = [UInt64](repeating: 0, count: shown.count * words)
        var distinct = [Int](repeating: 0, count: shown.count)
        var listed = [[(call: CallRef, protocols: [CallProtocol])]](repeating: [], count: shown.count)
        for call in calls {
            let at = slot[call.site.index]
            guard at >= 0 else { continue }
            let alias = call.alias.index
            let word = at * words + alias / 64
            let bit = UInt64(1) << UInt64(alias % 64)
            if seen[word] & bit == 0 {
                seen[word] |= bit
                distinct[at] += 1
                if listed[at].count < examples { listed[at].append((call, [call.callProtocol])) }
            } else if let index = listed[at].firstIndex(where: { $0.call.alias == call.alias }) {
                listed[at][index].protocols.append(call.callProtocol)
            }
        }
        let remainder = order.count > shownSites
            ? ["… and \(order.count - shownSites) more sites (\(order.dropFirst(shownSites).reduce(0) { $0 + counts[$1.index] }) calls)"] : []
        return shown.enumerated().map { at, siteID in
            let site = plan.sites[siteID]
            let count = counts[siteID.index]
            let aliases = listed[at].map { simulation.aliasText($0.call) + " (\($0.protocols.map(\.rawValue).joined(separator: ", ")))" }
            let more = distinct[at] > examples ? ", and \(distinct[at] - examples) more alias\(distinct[at] - examples == 1 ? "" : "es")" : ""
            return "\(site.name) (local: \(plan.locationNames(site.localLocations))): \(count) call\(count == 1 ? "" : "s"), e.g. \(aliases.joined(separator: "; "))\(more)"
        } + remainder
    }
}
