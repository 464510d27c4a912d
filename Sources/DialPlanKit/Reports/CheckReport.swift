/// A reference to one simulated call.
public struct CallRef: Sendable, Hashable {
    public var site: Int
    public var alias: Int
    public var callProtocol: CallProtocol
    /// The call's cell in the simulation.
    var cell: Int
}

/// Calls that went wrong for the same reason: one diagnostic, located at the rule, zone or transform responsible.
public struct CallGroup: Sendable {
    public var verdict: Verdict
    /// What went wrong and who is responsible; its location is the responsible rule, zone or transform.
    public var diagnostic: Diagnostic
    public var calls: [CallRef]
}

/// The result of `check`: every call that is not local, grouped by cause, plus plan findings.
public struct CheckReport: Sendable {
    public let simulation: Simulation
    /// Calls per verdict.
    public var counts: [Verdict: Int]
    /// Non-local calls grouped by cause, worst verdict and largest group first.
    public var groups: [CallGroup]
    /// Plan findings (lints and load warnings), in file order.
    public var findings: [Diagnostic]

    public var plan: DialPlan { simulation.plan }
    public var callCount: Int { counts.values.reduce(0, +) }

    /// Whether the plan passes: every call local and no error finding (with `strict`, no warning either).
    public func passes(strict: Bool = false) -> Bool {
        counts.allSatisfy { $0.key == .local || $0.value == 0 }
            && !findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }

    /// Simulates `plan` and groups what went wrong. `examples` bounds the aliases listed per site in a group.
    /// `coverage` adds a note for every transform, search rule, zone and Call Routing Rule no call used.
    public init(simulation: Simulation, examples: Int = 4, coverage: Bool = false) {
        self.simulation = simulation
        let plan = simulation.plan
        var counts: [Verdict: Int] = [:]
        for verdict in Verdict.allCases { counts[verdict] = 0 }
        // Sites with the same local locations share causes: compute each (outcome, local set) once.
        var localSetIDs: [[Int]: Int] = [:]
        let siteLocalSet = plan.sites.map { site -> Int in
            let key = site.localLocations.sorted()
            if let id = localSetIDs[key] { return id }
            localSetIDs[key] = localSetIDs.count
            return localSetIDs.count - 1
        }
        var causeCache: [CauseCacheKey: Cause] = [:]
        var groupIndex: [Cause: Int] = [:]
        var groupCalls: [[CallRef]] = []
        var groupCauses: [Cause] = []
        let explainer = CauseFinder(simulation: simulation)

        for site in plan.sites.indices {
            for alias in simulation.aliases.indices {
                for callProtocol in simulation.protocols {
                    guard let cell = simulation.cell(site: site, alias: alias, protocol: callProtocol) else { continue }
                    let verdict = simulation.verdict(site: site, cell: cell)
                    counts[verdict, default: 0] += 1
                    guard verdict != .local else { continue }
                    var cacheKey = CauseCacheKey(core: simulation.coreShape[Int(simulation.coreCells[cell])], routes: simulation.routeCells[cell], localSet: siteLocalSet[site])
                    if verdict == .blocked {
                        cacheKey.site = site
                        cacheKey.column = simulation.protocols.firstIndex(of: callProtocol) ?? -1
                    }
                    let cause: Cause
                    if let known = causeCache[cacheKey] {
                        cause = known
                    } else {
                        cause = explainer.cause(of: simulation.outcome(cell: cell), verdict: verdict, site: site, protocol: callProtocol)
                        causeCache[cacheKey] = cause
                    }
                    let call = CallRef(site: site, alias: alias, callProtocol: callProtocol, cell: cell)
                    if let index = groupIndex[cause] {
                        groupCalls[index].append(call)
                    } else {
                        groupIndex[cause] = groupCalls.count
                        groupCalls.append([call])
                        groupCauses.append(cause)
                    }
                }
            }
        }
        var groups: [CallGroup] = []
        for (index, cause) in groupCauses.enumerated() {
            groups.append(CallGroup(
                verdict: cause.verdict,
                diagnostic: explainer.diagnostic(for: cause, calls: groupCalls[index], examples: examples),
                calls: groupCalls[index]))
        }
        groups.sort { ($0.verdict, -$0.calls.count, $0.diagnostic.location ?? SourceLocation(file: "", line: 0, column: 0)) < ($1.verdict, -$1.calls.count, $1.diagnostic.location ?? SourceLocation(file: "", line: 0, column: 0)) }
        self.counts = counts
        self.groups = groups
        let unused = coverage ? simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount) : []
        // The network's findings: broken mesh pairs, node lints, the network section's warnings.
        let network = simulation.network?.analysis.findings ?? NetworkAnalysis(plan: plan).findings
        findings = (plan.warnings + PlanLints.run(simulation.tables) + network + unused).sorted {
            ($0.location ?? SourceLocation(file: "", line: 0, column: 0)) < ($1.location ?? SourceLocation(file: "", line: 0, column: 0))
        }
    }
}

struct CauseCacheKey: Hashable {
    /// The core's shape (see `Simulation.coreShape`).
    var core: UInt32
    var routes: UInt32
    var localSet: Int
    /// Reachability depends on the protocol (and the site), so network verdicts are explained per site and protocol.
    var site: Int = -1
    var column: Int = -1
}

/// Why a call is not local, reduced to what calls can share: the verdict and the part of the plan responsible.
struct Cause: Hashable {
    enum Blame: Hashable {
        case searchRule(cluster: Int, rule: Int)
        /// Search rules that pass a search around a cycle of clusters, in plan order.
        case loop([SearchRuleRef])
        case zone(cluster: Int, zone: Int)
        case transform(cluster: Int, transform: Int)
        case cluster(Int)
        case limit(LimitHit)
        /// A Skype for Business static route (configuration, route).
        case staticRoute(configuration: Int, route: Int)
        /// A static routing configuration where no route matched; nil when none applied to the pool.
        case sfbConfiguration(Int?)
        /// The network: a blocked flow, a NAT or a missing route between nodes or from the site to its node.
        case network(PathFailure)
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

/// A search rule, by cluster and index.
struct SearchRuleRef: Hashable, Comparable {
    var cluster: Int
    var rule: Int

    static func < (lhs: SearchRuleRef, rhs: SearchRuleRef) -> Bool { (lhs.cluster, lhs.rule) < (rhs.cluster, rhs.rule) }
}

/// Decides who is responsible for a call that is not local, and words the diagnostic for a group of such calls.
struct CauseFinder {
    let simulation: Simulation
    var plan: DialPlan { simulation.plan }

    func cause(of outcome: CallOutcome, verdict: Verdict, site: Int, protocol callProtocol: CallProtocol? = nil) -> Cause {
        let outcomeProtocol = callProtocol
        if let limit = outcome.limit { return Cause(verdict: .error, blame: .limit(limit), route: []) }
        let isLocal = simulation.localFlags[site]
        switch verdict {
        case .remote, .ambiguous:
            // A single zone whose peers span locations is to blame for its calls; otherwise the rule that sent the
            // call to the first landing outside the site's locations.
            let routes = Set(outcome.landings.map(\.route))
            if routes.count == 1, let route = routes.first, let last = route.last, !last.isSkypeForBusiness, last.zone >= 0 {
                let locations = Set(outcome.landings.map { simulation.tables.nodeLocation[$0.node] })
                if locations.count > 1 {
                    return Cause(verdict: verdict, blame: .zone(cluster: Int(last.cluster), zone: Int(last.zone)), route: route)
                }
            }
            let offending = outcome.landings.first { landing in
                !isLocal[simulation.tables.nodeLocation[landing.node]] || !isLocal[simulation.tables.nodeMediaLocation[landing.node]]
            } ?? outcome.landings[0]
            let last = offending.route.last!
            if last.isSkypeForBusiness {
                return Cause(verdict: verdict, blame: .staticRoute(configuration: Int(last.zone), route: Int(last.rule)), route: offending.route)
            }
            return Cause(verdict: verdict, blame: .searchRule(cluster: Int(last.cluster), rule: Int(last.rule)), route: offending.route)
        case .rejected, .unrouted, .loop:
            let kinds: [Failure.Kind] = verdict == .rejected ? [.rejected] : verdict == .loop ? [.loop, .hopLimit] : [.unrouted]
            guard let failure = outcome.failures.first(where: { kinds.contains($0.kind) }) else {
                return Cause(verdict: verdict, blame: .cluster(plan.sites[site].registersTo), route: [])
            }
            if let hop = failure.route.last, hop.isSkypeForBusiness {
                let blame: Cause.Blame = hop.rule >= 0
                    ? .staticRoute(configuration: Int(hop.zone), route: Int(hop.rule)) : .sfbConfiguration(hop.zone >= 0 ? Int(hop.zone) : nil)
                return Cause(verdict: verdict, blame: blame, route: failure.route)
            }
            if failure.kind == .loop, let cycle = loopCycle(failure.route) {
                return Cause(verdict: verdict, blame: .loop(cycle), route: failure.route)
            }
            if verdict != .loop, let rewrite = rewriteBlame(dialled: outcome.dialled, failure: failure) {
                return Cause(verdict: verdict, blame: rewrite, route: failure.route)
            }
            // The route's last hop that has a rule sent the call where it failed.
            if let last = failure.route.last(where: { $0.rule >= 0 }) {
                if verdict == .unrouted, failure.route.last!.rule >= 0, last.zone >= 0 {
                    return Cause(verdict: verdict, blame: .zone(cluster: Int(last.cluster), zone: Int(last.zone)), route: failure.route)
                }
                if verdict == .unrouted, failure.route.last!.rule < 0 {
                    return Cause(verdict: verdict, blame: .cluster(Int(failure.route.last!.cluster)), route: failure.route)
                }
                return Cause(verdict: verdict, blame: .searchRule(cluster: Int(last.cluster), rule: Int(last.rule)), route: failure.route)
            }
            return Cause(verdict: verdict, blame: .cluster(Int(failure.route.first?.cluster ?? Int32(plan.sites[site].registersTo))), route: failure.route)
        case .meshBroken, .blocked:
            guard let network = simulation.network?.analysis else {
                return Cause(verdict: verdict, blame: .cluster(plan.sites[site].registersTo), route: outcome.landings.first?.route ?? [])
            }
            for landing in outcome.landings {
                if verdict == .meshBroken, let failure = network.brokenPairs(involving: landing.node).first?.check.failure {
                    return Cause(verdict: verdict, blame: .network(failure), route: landing.route)
                }
                if verdict == .blocked, let callProtocol = outcomeProtocol, let check = network.reachability(site: site, node: landing.node, protocol: callProtocol),
                    let failure = check.failure
                {
                    return Cause(verdict: verdict, blame: .network(failure), route: landing.route)
                }
            }
            return Cause(verdict: verdict, blame: .cluster(plan.sites[site].registersTo), route: outcome.landings.first?.route ?? [])
        case .error:
            return Cause(verdict: .error, blame: .cluster(plan.sites[site].registersTo), route: [])
        case .local:
            return Cause(verdict: .local, blame: .cluster(plan.sites[site].registersTo), route: [])
        }
    }

    /// The rules on the cycle of a loop route: the hops from the first visit of the cluster the loop returned to.
    private func loopCycle(_ route: [Hop]) -> [SearchRuleRef]? {
        guard let end = route.last, end.rule < 0,
            let start = route.dropLast().lastIndex(where: { $0.cluster == end.cluster })
        else { return nil }
        let rules = route[start..<(route.count - 1)].filter { $0.rule >= 0 }.map { SearchRuleRef(cluster: Int($0.cluster), rule: Int($0.rule)) }
        return rules.isEmpty ? nil : Array(Set(rules)).sorted()
    }

    /// When a service alias was dialled but something rewrote it into what failed, the rewrite is to blame.
    private func rewriteBlame(dialled: String, failure: Failure) -> Cause.Blame? {
        guard failure.alias.lowercased() != dialled.lowercased(),
            simulation.tables.serviceByAlias[PexipAlias.parse(dialled).lowercased()] != nil
        else { return nil }
        for hop in failure.route where !hop.isSkypeForBusiness {
            if hop.transform >= 0 { return .transform(cluster: Int(hop.cluster), transform: Int(hop.transform)) }
            if hop.rule >= 0, let matcher = plan.clusters[Int(hop.cluster)].searchRules[Int(hop.rule)].matcher,
                matcher.behavior != .leave
            {
                return .searchRule(cluster: Int(hop.cluster), rule: Int(hop.rule))
            }
        }
        return nil
    }

    func diagnostic(for cause: Cause, calls: [CallRef], examples: Int) -> Diagnostic {
        let first = simulation.outcome(cell: calls[0].cell)
        let sites = Set(calls.map(\.site))
        let skype: Bool
        switch cause.blame {
        case .staticRoute, .sfbConfiguration: skype = true
        default: skype = false
        }
        let count = "\(calls.count) \(skype ? "Skype for Business " : "")call\(calls.count == 1 ? "" : "s") from \(sites.count == 1 ? plan.sites[sites.first!].name : "\(sites.count) sites")"
        var location: SourceLocation?
        var message: String
        var notes: [String] = []
        let who = describe(cause.blame)

        switch cause.blame {
        case .searchRule(let cluster, let rule): location = plan.clusters[cluster].searchRules[rule].source
        case .loop(let rules): location = rules.map { plan.clusters[$0.cluster].searchRules[$0.rule].source }.min()
        case .zone(let cluster, let zone): location = plan.clusters[cluster].zones[zone].source
        case .transform(let cluster, let transform): location = plan.clusters[cluster].transforms[transform].source
        case .cluster(let cluster): location = plan.clusters[cluster].source
        case .limit(let limit): location = limit.source
        case .network(let failure): location = failure.source
        case .staticRoute(let configuration, let route): location = plan.skypeForBusiness?.configurations[configuration].routes[route].source
        case .sfbConfiguration(let configuration):
            location = configuration.flatMap { plan.skypeForBusiness?.configurations[$0].source } ?? plan.skypeForBusiness?.source
        }

        switch cause.verdict {
        case .remote, .ambiguous:
            // Where the blamed route leads (a zone's peers, for a zone); other routes at the same priority are notes.
            var routed = first
            if case .zone = cause.blame {} else {
                routed.landings = first.landings.filter { $0.route == cause.route }
                if routed.landings.isEmpty { routed.landings = first.landings }
            }
            let routedLocations = Set(routed.landings.flatMap { [simulation.tables.nodeLocation[$0.node], simulation.tables.nodeMediaLocation[$0.node]] })
            routed.locations = routedLocations.sorted()
            routed.mediaLocations = Set(routed.landings.map { simulation.tables.nodeMediaLocation[$0.node] }).sorted()
            let landed = plan.locationNames(routed.locations)
            let verb = cause.verdict == .remote ? "land outside their sites' local locations" : "may land outside their sites' local locations"
            if case .zone(let cluster, let zone) = cause.blame {
                message = "\(count) \(verb): zone '\(plan.clusters[cluster].zones[zone].name)' of \(plan.clusters[cluster].name) has peers in \(landed)"
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
                other.mediaLocations = Set(other.landings.map { simulation.tables.nodeMediaLocation[$0.node] }).sorted()
                notes.append("also (same priority): \(plan.describe(route: route)) → " + landingSummary(other))
            }
            if let hint = priorityHint(cause: cause, call: calls[0]) { notes.append(hint) }
        case .rejected:
            let failure = first.failures.first { $0.kind == .rejected }
            let nodes = failure.map { $0.nodes.map { plan.nodes[$0].name }.joined(separator: ", ") } ?? "Pexip"
            if case .staticRoute(let configuration, let route) = cause.blame,
                plan.skypeForBusiness?.configurations[configuration].routes[route].replaceHostInRequestURI == true
            {
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
            case .zone(let cluster, let zone):
                message = "\(count) unrouted: zone '\(plan.clusters[cluster].zones[zone].name)' of \(plan.clusters[cluster].name) reaches no Pexip node that can take them (\(zoneProblem(cluster: cluster, zone: zone)))"
            case .staticRoute(let configuration, let route):
                let target = simulation.tables.sfbTargets[configuration][route]
                message = "\(count) unrouted: \(who) reaches no Pexip node that can take them (\(routeProblem(target)))"
            case .sfbConfiguration(let configuration):
                if let configuration, let identity = plan.skypeForBusiness?.configurations[configuration].identity {
                    let domains = Array(Set(calls.compactMap { PexipAlias.domain(of: simulation.aliases[$0.alias].alias) })).sorted()
                    message = "\(count) unrouted: no static route of '\(identity)' matches \(domains.isEmpty ? "aliases without a domain" : "the domain\(domains.count == 1 ? "" : "s") " + domains.prefix(4).joined(separator: ", "))"
                } else {
                    message = "\(count) unrouted: no static routing configuration applies to their pool (neither its own nor a global one)"
                }
            default:
                message = "\(count) unrouted: \(who) sends them nowhere that finds them"
            }
            if let failure = first.failures.first(where: { $0.kind == .unrouted }) {
                let ending = " → the search for '\(failure.alias)' ends here, not found"
                notes.append("route: \(plan.describe(route: failure.route))\(ending)")
            }
        case .meshBroken:
            if case .network(let failure) = cause.blame {
                message = "\(count) land on nodes whose IPsec mesh is broken: \(failure)"
            } else {
                message = "\(count) land on nodes whose IPsec mesh is broken"
            }
            if let network = simulation.network?.analysis {
                let nodes = Set(first.landings.map(\.node)).sorted()
                for node in nodes {
                    let broken = network.brokenPairs(involving: node)
                    guard !broken.isEmpty else { continue }
                    notes.append("\(plan.nodes[node].name): \(broken.count) broken pair\(broken.count == 1 ? "" : "s"), e.g. " + broken.prefix(3).map { "\(network.name(of: $0.from)) → \(network.name(of: $0.to))" }.joined(separator: ", "))
                }
            }
        case .blocked:
            if case .network(let failure) = cause.blame {
                message = "\(count) cannot reach their landing node: \(failure)"
            } else {
                message = "\(count) cannot reach their landing node"
            }
        case .error:
            if case .limit(let limit) = cause.blame {
                message = "\(count) could not be decided: \(limit.message)"
            } else {
                message = "\(count) could not be decided"
            }
        case .local:
            message = "\(count) land locally"
        }
        notes += siteNotes(calls: calls, verdict: cause.verdict, examples: examples)
        return Diagnostic(.error, message, at: location, check: cause.verdict.rawValue, notes: notes)
    }

    private func isRewrite(_ blame: Cause.Blame) -> Bool {
        guard case .searchRule(let cluster, let rule) = blame else { return false }
        return (plan.clusters[cluster].searchRules[rule].matcher?.behavior ?? .leave) != .leave
    }

    private func describe(_ blame: Cause.Blame) -> String {
        switch blame {
        case .searchRule(let cluster, let rule): plan.describeRule(cluster: cluster, rule: rule)
        case .loop(let rules): rules.map { plan.describeRule(cluster: $0.cluster, rule: $0.rule) }.joined(separator: " and ")
        case .zone(let cluster, let zone): "\(plan.clusters[cluster].name) zone '\(plan.clusters[cluster].zones[zone].name)'"
        case .transform(let cluster, let transform): plan.describeTransform(cluster: cluster, transform: transform)
        case .cluster(let cluster): plan.clusters[cluster].name
        case .limit(let limit): limit.message
        case .staticRoute(let configuration, let route): plan.describeStaticRoute(configuration: configuration, route: route)
        case .sfbConfiguration(let configuration):
            configuration.flatMap { plan.skypeForBusiness?.configurations[$0].identity }.map { "static routing configuration '\($0)'" } ?? "Skype for Business"
        case .network(let failure): failure.description
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

    private func zoneProblem(cluster: Int, zone: Int) -> String {
        let target = simulation.tables.zoneTargets[cluster][zone]
        if target.isDNS { return "no DNS record leads to a Pexip node" }
        if !target.nodes.isEmpty && target.nodes.allSatisfy({ plan.nodes[$0].maintenanceMode }) { return "every Pexip peer is in maintenance mode" }
        if !target.unknownPeers.isEmpty && target.nodes.isEmpty && target.clusters.isEmpty {
            return "its peers \(target.unknownPeers.joined(separator: ", ")) are not in the plan"
        }
        return "nothing behind it finds the alias"
    }

    private func landingSummary(_ outcome: CallOutcome) -> String {
        var byLocation: [Int: [String]] = [:]
        for landing in outcome.landings {
            byLocation[plan.nodes[landing.node].location, default: []].append(plan.nodes[landing.node].name)
        }
        let signalling = byLocation.keys.sorted().map { "\(byLocation[$0]!.joined(separator: ", ")) (\(plan.locations[$0].name))" }.joined(separator: "; ")
        let media = plan.locationNames(outcome.mediaLocations)
        return signalling + (outcome.mediaLocations == Array(Set(outcome.landings.map { plan.nodes[$0.node].location })).sorted() ? "" : ", media in \(media)")
    }

    /// "hint: rule 'APAC to Pexip Singapore' (priority 100) also matches and would send them to Pexip-Singapore
    /// (Singapore), but 'Fallback to Pexip Oslo' (priority 90) is searched first".
    private func priorityHint(cause: Cause, call: CallRef) -> String? {
        guard case .searchRule(let cluster, let rule) = cause.blame, cause.route.count == 1 else { return nil }
        let site = plan.sites[call.site]
        guard site.registersTo == cluster else { return nil }
        let deciding = plan.clusters[cluster].searchRules[rule]
        var engine = CallEngine(tables: simulation.tables)
        let candidates = engine.laterMatchingRules(
            alias: simulation.aliases[call.alias].alias, cluster: cluster, source: .subzone(site.subzone),
            protocol: call.callProtocol, after: deciding.priority)
        let isLocal = simulation.localFlags[call.site]
        for candidate in candidates {
            guard case .zone(let zone) = plan.clusters[cluster].searchRules[candidate].target else { continue }
            let nodes = simulation.tables.zoneTargets[cluster][zone].nodes
            guard !nodes.isEmpty, nodes.allSatisfy({ isLocal[simulation.tables.nodeLocation[$0]] && isLocal[simulation.tables.nodeMediaLocation[$0]] }) else { continue }
            let other = plan.clusters[cluster].searchRules[candidate]
            let locations = plan.locationNames(Array(Set(nodes.map { simulation.tables.nodeLocation[$0] })).sorted())
            return "hint: rule '\(other.name)' (priority \(other.priority)) also matches and would send them to \(plan.clusters[cluster].zones[zone].name) (\(locations)), but '\(deciding.name)' (priority \(deciding.priority)) is searched first"
        }
        return nil
    }

    /// One note per site: how many calls, where they were expected, a few aliases.
    private func siteNotes(calls: [CallRef], verdict: Verdict, examples: Int) -> [String] {
        var order: [Int] = []
        var bySite: [Int: [CallRef]] = [:]
        for call in calls {
            if bySite[call.site] == nil { order.append(call.site) }
            bySite[call.site, default: []].append(call)
        }
        // A global plan's group may span hundreds of sites: list the first ones and count the rest (JSON has all).
        let shownSites = 20
        let remainder = order.count > shownSites
            ? ["… and \(order.count - shownSites) more sites (\(order.dropFirst(shownSites).reduce(0) { $0 + bySite[$1]!.count }) calls)"] : []
        return order.prefix(shownSites).map { siteIndex in
            let siteCalls = bySite[siteIndex]!
            let site = plan.sites[siteIndex]
            // Aliases in first-seen order, each with its protocols.
            var aliasOrder: [Int] = []
            var protocols: [Int: [CallProtocol]] = [:]
            for call in siteCalls {
                if protocols[call.alias] == nil { aliasOrder.append(call.alias) }
                protocols[call.alias, default: []].append(call.callProtocol)
            }
            let listed = aliasOrder.prefix(examples).map { alias -> String in
                let outcome = simulation.outcome(cell: siteCalls.first { $0.alias == alias }!.cell)
                let dialled = simulation.aliases[alias].alias
                var text = dialled
                if let final = outcome.finalAlias ?? outcome.failures.first?.alias, final != dialled { text += " → \(final)" }
                return text + " (\(protocols[alias]!.map(\.rawValue).joined(separator: ", ")))"
            }
            let more = aliasOrder.count > examples ? ", and \(aliasOrder.count - examples) more alias\(aliasOrder.count - examples == 1 ? "" : "es")" : ""
            return "\(site.name) (local: \(plan.locationNames(site.localLocations))): \(siteCalls.count) call\(siteCalls.count == 1 ? "" : "s"), e.g. \(listed.joined(separator: "; "))\(more)"
        } + remainder
    }
}
