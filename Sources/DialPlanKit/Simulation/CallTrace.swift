/// One call explained step by step: what `dialplan trace` shows. The search is the simulation's own (`SearchEngine`
/// with an `EventLog`), its outcome is stored and read back as the simulation's are, and `VerdictRule` decides the
/// verdict, so a trace cannot disagree with `check` or `matrix`.
public struct CallTrace: Sendable {
    public var site: SiteID
    public var alias: String
    public var callProtocol: CallProtocol
    /// What the call did, in order, with nesting depths.
    public var events: [TracedEvent]
    public var outcome: CallOutcome
    public var decision: VerdictDecision
    /// The network analysis the network events refer to (for wording them).
    public let network: NetworkAnalysis?
    /// The plan's tables the call was simulated on.
    public let tables: RoutingTables

    public var verdict: Verdict { decision.verdict }

    /// Simulates one call with every step recorded; throws when the simulation places no such call (a protocol the
    /// site does not use, a Skype for Business user dialling an alias without a domain).
    /// `network`: the plan's network analysis, when the caller traces several calls and has it already.
    public init(tables: RoutingTables, site: SiteID, alias: String, protocol callProtocol: CallProtocol, network: NetworkAnalysis? = nil) throws(CallNotPlaced) {
        let plan = tables.plan
        if let reason = CallPlacement.reasonNotPlaced(site: site, alias: alias, protocol: callProtocol, in: plan) { throw CallNotPlaced(reason: reason) }
        let siteInfo = plan.sites[site]
        let log = EventLog()
        var engine = SearchEngine(tables: tables, recorder: log)
        engine.begin()
        let id = engine.intern(alias)
        log.record(.dialled(site: site, alias: alias, protocol: callProtocol))
        log.enter()
        let result = callProtocol == .mssip
            ? engine.simulateSkype(alias: id, pool: siteInfo.sfbPool?.index)
            : engine.simulate(alias: id, cluster: siteInfo.registersTo.index, source: siteInfo.entry, protocol: callProtocol, state: tables.entryState(site: siteInfo, protocol: callProtocol))
        log.leave()

        var writer = OutcomeWriter(worker: 0)
        writer.begin()
        let stored = engine.store(result, in: &writer, dialled: id, dialledIsService: engine.service(of: id) != nil)
        let store = OutcomeStore(writer, routes: engine.routes)
        let core = Int(stored.core & OutcomeStore.indexMask)
        outcome = store.outcome(core: core, routeSet: Int(stored.routes & OutcomeStore.indexMask), dialled: alias, plan: plan, rename: { $0 })

        var isLocal = [Bool](repeating: false, count: plan.locations.count)
        for location in siteInfo.localLocations { isLocal[location.index] = true }
        let analysis = plan.network == nil ? nil : network ?? NetworkAnalysis(plan: plan)
        let siteNetwork = analysis.map { analysis in
            SiteNetwork(
                meshBroken: NetworkVerdicts.meshBroken(analysis),
                unreachable: NetworkVerdicts.unreachable(analysis, site: site, protocol: callProtocol, nodes: store.nodes(ofCore: core), nodeCount: plan.nodes.count),
                callControl: CallControlVerdicts(analysis: analysis, pairs: store.legs(ofCore: core)))
        }
        decision = VerdictRule.decide(store.facts(core, tables: tables), isLocal: { isLocal[$0] }, network: siteNetwork)

        for landing in outcome.landings { log.record(.landing(landing)) }
        // The network: a local call also needs its landing nodes in a healthy mesh and reachable from the site.
        // [PX-gs_server_network] [PX-port_usage]
        if let analysis {
            for node in outcome.nodes {
                let broken = analysis.brokenPairs(involving: node)
                if broken.isEmpty { log.record(.meshHealthy(node)) }
                // One event per cause, with the pairs it breaks (a pair with two causes under both).
                var causes: [(cause: PathCause, pairs: [MeshPair])] = []
                for pair in broken {
                    for cause in pair.check.causes {
                        if let index = causes.firstIndex(where: { $0.cause == cause }) { causes[index].pairs.append(pair) } else { causes.append((cause, [pair])) }
                    }
                }
                for (cause, pairs) in causes {
                    let flows = analysis.groupIndex(of: cause).map { analysis.brokenPairGroups[$0].flows } ?? pairs[0].check.flows(failing: cause)
                    log.record(.meshBroken(node, cause: cause.description(failing: flows), source: cause.source, pairs: pairs))
                }
                if let check = analysis.reachability(site: site, node: node, protocol: callProtocol) {
                    log.record(.reachability(site: site, node: node, check: check))
                }
                // The call control that handed the call to the node, both ways. [PX-port_usage]
                var senders: [SignallingSender] = []
                for landing in outcome.landings where landing.node == node {
                    if let sender = landing.sender, !senders.contains(sender) { senders.append(sender) }
                }
                for sender in senders {
                    for check in analysis.callControlLeg(sender, node: node) ?? [] { log.record(.callControlPath(sender, node: node, check: check)) }
                }
            }
        }
        log.record(.verdict(decision))
        events = log.events
        self.site = site
        self.alias = alias
        self.callProtocol = callProtocol
        self.network = analysis
        self.tables = tables
    }
}

/// A call the simulation does not place, and why (one line for the user).
public struct CallNotPlaced: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

extension CallTrace {
    /// The alias the search rules of `cluster` saw on the call's first search there (after its pre-search
    /// transform), read from the recorded events.
    func aliasSeenByRules(at cluster: ClusterID) -> String? {
        guard let start = events.firstIndex(where: { if case .search(cluster, _, _, _, _) = $0.event { return true } else { return false } }),
            case .search(_, let alias, _, _, _) = events[start].event
        else { return nil }
        for traced in events[(start + 1)...] {
            switch traced.event {
            case .transformApplied(let transform, _, let after) where transform.cluster == cluster: return after
            case .searchRuleSkipped, .searchRuleNotMatched, .searchRuleMatched, .searchRuleLimit, .notFound: return alias
            default: continue
            }
        }
        return alias
    }
}
