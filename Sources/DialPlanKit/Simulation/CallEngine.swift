/// Simulates calls through call control and into Pexip. One engine per thread: it owns the regex match data and
/// per-alias caches, so the hot path shares nothing and allocates only when an alias is rewritten.
///
/// Work for one dialled alias is memoised across entry points (sites): transforms and rule matches are cached
/// per (rule, alias), cluster searches per (cluster, alias, protocol, source, hops), and Pexip's decision per
/// (alias, location, protocol). A search whose result depended on a loop back to a search still on the stack is not
/// memoised, because loop detection makes it depend on the path. In tracing mode nothing is memoised and every
/// step is recorded.
final class CallEngine {
    let tables: RoutingTables
    let plan: DialPlan
    let scratch: RegexScratch
    let tracing: Bool
    private(set) var steps: [TraceStep] = []
    private var depth = 0

    // Per dialled alias (an "epoch"): interned aliases and caches.
    private var aliasIDs: [String: Int32] = [:]
    private var aliasText: [String] = []
    private var transformCache: [TransformHit] = []
    private var ruleCache: [Int32] = []
    private var pexipCache: [PexipKey: (PexipDecision, LimitHit?)] = [:]
    private var memo: [StateKey: Int32] = [:]
    private(set) var results: [SearchResult] = []
    private var stack: [LoopKey] = []
    private var minTouched = Int.max
    private var pendingLimit: LimitHit?
    private var dnsCache: [String: ([Int], [Int], [String])] = [:]

    /// The hop budget of a search that starts at an endpoint's own cluster (the largest hop count).
    static let initialHops = 255

    private static let unknownRule: Int32 = -3
    private static let noMatch: Int32 = -1
    private static let limitHit: Int32 = -2

    init(tables: RoutingTables, tracing: Bool = false) {
        self.tables = tables
        plan = tables.plan
        scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
        self.tracing = tracing
    }

    // MARK: Public entry points

    /// Starts a new dialled alias: forgets the previous alias's caches (keeping their storage).
    func begin() {
        aliasIDs.removeAll(keepingCapacity: true)
        aliasText.removeAll(keepingCapacity: true)
        transformCache.removeAll(keepingCapacity: true)
        ruleCache.removeAll(keepingCapacity: true)
        pexipCache.removeAll(keepingCapacity: true)
        memo.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
    }

    /// Simulates `alias` dialled by an endpoint registered in `subzone` of `cluster`; returns an index into `results`.
    func simulate(alias: String, cluster: Int, subzone: Int, protocol callProtocol: CallProtocol) -> Int32 {
        let id = intern(alias)
        stack.removeAll(keepingCapacity: true)
        minTouched = Int.max
        return search(cluster: cluster, alias: id, protocol: callProtocol, source: .subzone(subzone), hops: CallEngine.initialHops)
    }

    /// Turns a search result into the site-independent outcome of a call.
    func outcome(of index: Int32, dialled: String) -> CallOutcome {
        let result = results[Int(index)]
        var locations = Set<Int>()
        var media = Set<Int>()
        for landing in result.landings {
            locations.insert(tables.nodeLocation[landing.node])
            locations.insert(tables.nodeMediaLocation[landing.node])
            media.insert(tables.nodeMediaLocation[landing.node])
        }
        return CallOutcome(
            dialled: dialled,
            landings: result.landings.sorted { ($0.node, $0.route.count) < ($1.node, $1.route.count) },
            failures: result.failures, limit: result.limit, locations: locations.sorted(), mediaLocations: media.sorted())
    }

    // MARK: Interning

    private func intern(_ alias: String) -> Int32 {
        if let id = aliasIDs[alias] { return id }
        let id = Int32(aliasText.count)
        aliasIDs[alias] = id
        aliasText.append(alias)
        transformCache.append(contentsOf: repeatElement(TransformHit.unknown, count: plan.clusters.count))
        ruleCache.append(contentsOf: repeatElement(CallEngine.unknownRule, count: tables.totalRules))
        return id
    }

    // MARK: Tracing

    @inline(__always)
    private func note(_ make: @autoclosure () -> TraceStep) {
        if tracing { steps.append(make()) }
    }

    private func step(
        _ kind: TraceStep.Kind, _ status: TraceStep.Status, name: String? = nil, cluster: Int? = nil,
        priority: Int? = nil, alias: String? = nil, rewritten: String? = nil, source: SourceLocation? = nil,
        _ detail: String
    ) -> TraceStep {
        TraceStep(
            depth: depth, kind: kind, status: status, name: name, cluster: cluster.map { plan.clusters[$0].name },
            priority: priority, alias: alias, rewrittenAlias: rewritten, detail: detail, source: source)
    }

    // MARK: Cluster search

    private func search(cluster: Int, alias: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int) -> Int32 {
        let key = StateKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source, hops: Int16(hops))
        if !tracing, let hit = memo[key] { return hit }
        let loopKey = LoopKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source)
        if let ancestor = stack.firstIndex(of: loopKey) {
            // VCS loop detection: the same alias, protocol and source searched again. [VCS "Hop counts", loop detection]
            minTouched = min(minTouched, ancestor)
            note(step(.loop, .loop, cluster: cluster, alias: aliasText[Int(alias)],
                      "loop: \(plan.clusters[cluster].name) is already searching '\(aliasText[Int(alias)])' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: cluster)); the search fails here"))
            let hop = Hop(cluster: Int32(cluster), transform: -1, rule: -1, zone: -1)
            return store(SearchResult(failures: [Failure(kind: .loop, route: [hop], alias: aliasText[Int(alias)], nodes: [])]))
        }
        let ownDepth = stack.count
        stack.append(loopKey)
        let savedMin = minTouched
        minTouched = Int.max
        let result = searchCluster(cluster, alias: alias, protocol: callProtocol, source: source, hops: hops)
        let touched = minTouched
        minTouched = min(savedMin, touched)
        stack.removeLast()
        let index = store(result)
        if !tracing && touched >= ownDepth { memo[key] = index }
        return index
    }

    private func store(_ result: SearchResult) -> Int32 {
        results.append(result)
        return Int32(results.count - 1)
    }

    private func searchCluster(_ clusterIndex: Int, alias incoming: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int) -> SearchResult {
        let cluster = plan.clusters[clusterIndex]
        note(step(.cluster, .info, name: cluster.name, cluster: clusterIndex, alias: aliasText[Int(incoming)], source: cluster.source,
                  "search at \(cluster.name) for '\(aliasText[Int(incoming)])' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: clusterIndex))" + (hops < CallEngine.initialHops ? ", \(hops) hops left" : "")))
        depth += 1
        defer { depth -= 1 }

        var result = SearchResult()
        let transformed = applyTransforms(clusterIndex, alias: incoming, limit: &result.limit)
        let alias = transformed.alias
        let aliasString = aliasText[Int(alias)]
        var anyMatched = false

        levels: for level in tables.levels[clusterIndex] {
            var levelLandings: [Landing] = []
            var stoppedBy: String?
            for ruleIndex in level {
                let rule = cluster.searchRules[ruleIndex]
                guard rule.enabled else {
                    note(step(.searchRule, .disabled, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source, "disabled"))
                    continue
                }
                guard rule.callProtocol.admits(callProtocol) else {
                    note(step(.searchRule, .skipped, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source,
                              "skipped: the rule is for \(rule.callProtocol.rawValue) calls, this is \(callProtocol.rawValue)"))
                    continue
                }
                guard sourceFits(rule, source) else {
                    note(step(.searchRule, .skipped, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source,
                              "skipped: the rule's source is \(describeSource(rule)), the call comes from \(tables.sourceName(source, cluster: clusterIndex))"))
                    continue
                }
                let target: Int32
                switch rule.mode {
                case .anyAlias:
                    target = alias
                case .anyIPAddress:
                    guard PexipAlias.isIPAddress(aliasString) else {
                        note(step(.searchRule, .notMatched, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source, "not matched: the alias is not an IP address"))
                        continue
                    }
                    target = alias
                case .aliasPatternMatch:
                    let hit = matchRule(clusterIndex, ruleIndex, alias: alias)
                    if hit == CallEngine.noMatch {
                        note(step(.searchRule, .notMatched, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source,
                                  "not matched: \(rule.matcher!.type.rawValue) '\(rule.matcher!.string)'"))
                        continue
                    }
                    if hit == CallEngine.limitHit {
                        let message = "search rule '\(rule.name)' (\(cluster.name)): the regex hit PCRE2's limit on '\(aliasString)'"
                        if result.limit == nil { result.limit = LimitHit(message: message, source: rule.source) }
                        note(step(.searchRule, .limit, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString, source: rule.source, message))
                        continue
                    }
                    target = hit
                }
                anyMatched = true
                if rule.progress == .stop { stoppedBy = rule.name }
                let targetString = aliasText[Int(target)]
                note(step(.searchRule, .matched, name: rule.name, cluster: clusterIndex, priority: rule.priority, alias: aliasString,
                          rewritten: target == alias ? nil : targetString, source: rule.source,
                          "matched" + (rule.mode == .aliasPatternMatch ? " \(rule.matcher!.type.rawValue) '\(rule.matcher!.string)'" : " (\(rule.mode.rawValue))")
                            + (target == alias ? "" : ", \(rule.matcher!.behavior.rawValue): '\(aliasString)' → '\(targetString)'")
                            + "; searching \(rule.targetName)" + (rule.progress == .stop ? " (stop)" : "")))
                let zoneIndex: Int32
                switch rule.target {
                case .zone(let index): zoneIndex = Int32(index)
                case .localZone: zoneIndex = -1
                }
                let hop = Hop(cluster: Int32(clusterIndex), transform: transformed.transform, rule: Int32(ruleIndex), zone: zoneIndex)
                var sub = queryZone(clusterIndex, hop: hop, alias: target, protocol: callProtocol, hops: hops)
                for landing in sub.landings where !levelLandings.contains(where: { $0.node == landing.node && $0.alias == landing.alias }) {
                    levelLandings.append(landing)
                }
                sub.landings.removeAll()
                result.absorbFailures(of: sub)
            }
            if !levelLandings.isEmpty {
                result.landings = levelLandings
                note(step(.level, .found, cluster: clusterIndex, priority: cluster.searchRules[level.lowerBound].priority,
                          "found at priority \(cluster.searchRules[level.lowerBound].priority): the search at \(cluster.name) ends"))
                break levels
            }
            if let stoppedBy {
                note(step(.level, .stopped, cluster: clusterIndex, priority: cluster.searchRules[level.lowerBound].priority,
                          "not found, and rule '\(stoppedBy)' says stop: no lower-priority rule is tried"))
                break levels
            }
        }
        if !result.landings.isEmpty {
            // What failed on the way no longer matters once the alias is found.
            result.failures.removeAll()
        } else {
            // A hop with no rule records which transform (if any) shaped the alias that the search ended with;
            // a more specific failure met on the way (a zone with no usable peer) is kept instead.
            let hop = Hop(cluster: Int32(clusterIndex), transform: transformed.transform, rule: -1, zone: -1)
            result.addFailure(Failure(kind: .unrouted, route: [hop], alias: aliasString, nodes: []))
            if !anyMatched {
                note(step(.cluster, .notFound, name: cluster.name, cluster: clusterIndex, alias: aliasString,
                          "no search rule at \(cluster.name) matched '\(aliasString)' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: clusterIndex))"))
            } else {
                note(step(.cluster, .notFound, name: cluster.name, cluster: clusterIndex, alias: aliasString, "\(cluster.name) did not find '\(aliasString)'"))
            }
        }
        return result
    }

    private func applyTransforms(_ clusterIndex: Int, alias: Int32, limit: inout LimitHit?) -> TransformHit {
        let slot = Int(alias) * plan.clusters.count + clusterIndex
        if !tracing, transformCache[slot].transform != TransformHit.unknown.transform {
            let hit = transformCache[slot]
            if hit.limitedTransform >= 0, limit == nil { limit = limitHit(clusterIndex, Int(hit.limitedTransform), alias: alias) }
            return hit
        }
        let cluster = plan.clusters[clusterIndex]
        let text = aliasText[Int(alias)]
        var hit = TransformHit(transform: -1, alias: alias, limitedTransform: -1)
        // Only the first enabled transform that matches is applied. [VCS "Pre-search transforms"]
        for (index, transform) in cluster.transforms.enumerated() {
            guard transform.enabled else {
                note(step(.transform, .disabled, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source, "disabled"))
                continue
            }
            switch transform.matcher.evaluate(text, scratch: scratch) {
            case .noMatch:
                note(step(.transform, .notMatched, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source,
                          "not matched: \(transform.matcher.type.rawValue) '\(transform.matcher.string)'"))
                continue
            case .limitExceeded:
                if hit.limitedTransform < 0 { hit.limitedTransform = Int32(index) }
                if limit == nil { limit = limitHit(clusterIndex, index, alias: alias) }
                note(step(.transform, .limit, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source, "the regex hit PCRE2's limit"))
                continue
            case .matched(let rewritten):
                let newAlias = rewritten.map(intern) ?? alias
                hit = TransformHit(transform: Int32(index), alias: newAlias, limitedTransform: hit.limitedTransform)
                note(step(.transform, .matched, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text,
                          rewritten: aliasText[Int(newAlias)], source: transform.source,
                          "applied \(transform.matcher.behavior.rawValue): '\(text)' → '\(aliasText[Int(newAlias)])'; later transforms are not tried"))
            }
            break
        }
        if hit.transform < 0 && !cluster.transforms.isEmpty {
            note(step(.transform, .info, cluster: clusterIndex, alias: text, "no transform applies; the alias stays '\(text)'"))
        }
        // `intern` may have appended to the cache; `slot` still names this alias's entry (ids only grow).
        transformCache[slot] = hit
        return hit
    }

    private func limitHit(_ clusterIndex: Int, _ transformIndex: Int, alias: Int32) -> LimitHit {
        let transform = plan.clusters[clusterIndex].transforms[transformIndex]
        return LimitHit(
            message: "transform '\(transform.name)' (\(plan.clusters[clusterIndex].name)): the regex hit PCRE2's limit on '\(aliasText[Int(alias)])'",
            source: transform.source)
    }

    /// The alias a rule sends to its target, `noMatch`, or `limitHit`; cached per (rule, alias).
    @inline(__always)
    private func matchRule(_ clusterIndex: Int, _ ruleIndex: Int, alias: Int32) -> Int32 {
        let slot = Int(alias) * tables.totalRules + tables.ruleBase[clusterIndex] + ruleIndex
        let cached = ruleCache[slot]
        if cached != CallEngine.unknownRule { return cached }
        let matcher = plan.clusters[clusterIndex].searchRules[ruleIndex].matcher!
        let value: Int32
        switch matcher.evaluate(aliasText[Int(alias)], scratch: scratch) {
        case .noMatch: value = CallEngine.noMatch
        case .limitExceeded: value = CallEngine.limitHit
        case .matched(let rewritten): value = rewritten.map(intern) ?? alias
        }
        ruleCache[slot] = value
        return value
    }

    private func sourceFits(_ rule: SearchRule, _ source: CallSource) -> Bool {
        switch rule.sourceMode {
        case .any: return true
        case .allzones:
            if case .defaultZone = source { return false }
            return true
        case .localzone:
            if case .subzone = source { return true }
            return false
        case .named: return rule.namedSource == source
        }
    }

    private func describeSource(_ rule: SearchRule) -> String {
        switch rule.sourceMode {
        case .any: "any"
        case .allzones: "all zones (registered endpoints and neighbor zones)"
        case .localzone: "the local zone (registered endpoints)"
        case .named: "'\(rule.sourceName ?? "")'"
        }
    }

    // MARK: Zones

    private func queryZone(_ clusterIndex: Int, hop: Hop, alias: Int32, protocol callProtocol: CallProtocol, hops: Int) -> SearchResult {
        let aliasString = aliasText[Int(alias)]
        var result = SearchResult()
        guard hop.zone >= 0 else {
            note(step(.zone, .notFound, name: PlanBuilder.localZone, cluster: clusterIndex, alias: aliasString,
                      "LocalZone: registered endpoints are not part of the plan, so no Pexip alias is found there"))
            return result
        }
        let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
        let target = tables.zoneTargets[clusterIndex][Int(hop.zone)]
        depth += 1
        defer { depth -= 1 }

        var nodes = target.nodes
        var clusters = target.clusters
        if target.isDNS {
            guard let domain = PexipAlias.domain(of: aliasString) else {
                note(step(.dns, .notFound, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source, "DNS zone \(zone.name): '\(aliasString)' has no domain to look up"))
                result.addFailure(Failure(kind: .unrouted, route: [hop], alias: aliasString, nodes: []))
                return result
            }
            let resolved = resolveDNS(domain, protocol: callProtocol)
            nodes = resolved.0
            clusters = resolved.1
            note(step(.dns, nodes.isEmpty && clusters.isEmpty ? .notFound : .found, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source,
                      "DNS zone \(zone.name): \(resolved.2.isEmpty ? "no SRV or A record for \(domain)" : resolved.2.joined(separator: "; "))"))
        } else {
            note(step(.zone, .info, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source,
                      "zone \(zone.name) (\(zone.type.rawValue)) offers '\(aliasString)' to \(zone.peers.joined(separator: ", "))"))
        }

        var rejecting: [Int] = []
        var reachedNode = false
        var decidedLocation: [Int: (PexipDecision, String)] = [:]
        for node in nodes {
            let info = plan.nodes[node]
            guard !info.maintenanceMode else {
                note(step(.pexipNode, .skipped, name: info.name, alias: aliasString, source: info.source, "\(info.name) is in maintenance mode and accepts no new calls"))
                continue
            }
            reachedNode = true
            let decision: PexipDecision
            if tracing, let earlier = decidedLocation[info.location] {
                decision = earlier.0
                note(step(.pexipNode, decision == .rejected ? .rejected : .accepted, name: info.name, alias: aliasString, source: info.source,
                          "\(info.name) (\(plan.locations[info.location].name)) decides as \(earlier.1), in the same location"))
            } else {
                note(step(.pexipNode, .info, name: info.name, alias: aliasString, source: info.source,
                          "offered to \(info.name) (\(info.nodeType == .proxying ? "proxying edge" : "transcoding") node, \(plan.locations[info.location].name))"))
                let decided = pexipDecision(alias: alias, location: info.location, protocol: callProtocol)
                decision = decided.0
                if let limit = decided.1, result.limit == nil { result.limit = limit }
                decidedLocation[info.location] = (decision, info.name)
            }
            if decision == .rejected {
                rejecting.append(node)
            } else {
                result.landings.append(Landing(node: node, alias: aliasString, decision: decision, route: [hop]))
            }
        }
        if !rejecting.isEmpty {
            result.addFailure(Failure(kind: .rejected, route: [hop], alias: aliasString, nodes: rejecting))
        }
        if !nodes.isEmpty && !reachedNode && clusters.isEmpty {
            result.addFailure(Failure(kind: .unrouted, route: [hop], alias: aliasString, nodes: []))
        }

        for next in clusters {
            // The hop count of the zone caps the search it sends; each cluster passed uses one. [VCS "Hop counts"]
            let budget = min(hops, zone.hopCount)
            guard budget > 0 else {
                note(step(.hop, .loop, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source,
                          "hop count exhausted: \(zone.name) cannot pass the search to \(plan.clusters[next].name)"))
                result.addFailure(Failure(kind: .hopLimit, route: [hop], alias: aliasString, nodes: []))
                continue
            }
            let source = tables.sourceFrom[next][clusterIndex]
            note(step(.hop, .info, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source,
                      "passed to \(plan.clusters[next].name) through \(zone.name) (\(budget - 1) hops left); it sees the call from \(tables.sourceName(source, cluster: next))"))
            let sub = results[Int(search(cluster: next, alias: alias, protocol: callProtocol, source: source, hops: budget - 1))]
            for var landing in sub.landings {
                landing.route.insert(hop, at: 0)
                if !result.landings.contains(where: { $0.node == landing.node && $0.alias == landing.alias }) { result.landings.append(landing) }
            }
            var prefixed = sub
            prefixed.landings = []
            for index in prefixed.failures.indices { prefixed.failures[index].route.insert(hop, at: 0) }
            result.absorbFailures(of: prefixed)
        }
        if nodes.isEmpty && clusters.isEmpty && !target.isDNS {
            note(step(.zone, .notFound, name: zone.name, cluster: clusterIndex, alias: aliasString, source: zone.source,
                      "\(zone.name)'s peers (\(target.unknownPeers.joined(separator: ", "))) are not in the plan; nothing is found there"))
            result.addFailure(Failure(kind: .unrouted, route: [hop], alias: aliasString, nodes: []))
        }
        if target.isDNS && nodes.isEmpty && clusters.isEmpty {
            result.addFailure(Failure(kind: .unrouted, route: [hop], alias: aliasString, nodes: []))
        }
        return result
    }

    /// Nodes and clusters a DNS zone reaches for `domain`: the first SRV name that has records, its lowest
    /// priority value's targets; else the domain's own A records.
    private func resolveDNS(_ domain: String, protocol callProtocol: CallProtocol) -> ([Int], [Int], [String]) {
        let key = domain + "|" + callProtocol.rawValue
        if let cached = dnsCache[key] { return cached }
        var nodes: [Int] = []
        var clusters: [Int] = []
        var notes: [String] = []
        for name in RoutingTables.srvNames(for: domain, protocol: callProtocol) {
            let targets = tables.directory.srv(name)
            guard let best = targets.first?.priority else { continue }
            let chosen = targets.filter { $0.priority == best }
            for srv in chosen {
                nodes += tables.directory.nodes(for: srv.target).filter { !nodes.contains($0) }
                clusters += tables.directory.clusters(for: srv.target).filter { !clusters.contains($0) }
            }
            notes.append("SRV \(name) → \(chosen.map { "\($0.target):\($0.port)" }.joined(separator: ", "))")
            break
        }
        if notes.isEmpty && tables.directory.hasRecords(domain) {
            nodes = tables.directory.nodes(for: domain)
            clusters = tables.directory.clusters(for: domain)
            notes.append("A \(domain) → \(tables.directory.addresses(for: domain).dropFirst().joined(separator: ", "))")
        }
        let value = (nodes, clusters, notes)
        dnsCache[key] = value
        return value
    }

    // MARK: Pexip

    /// Service aliases first, then Call Routing Rules in priority order. [PX-dial_plan] [PX-configuring_gateway_rules]
    private func pexipDecision(alias: Int32, location: Int, protocol callProtocol: CallProtocol) -> (PexipDecision, LimitHit?) {
        let key = PexipKey(alias: alias, location: Int32(location), protocolIndex: callProtocol.index)
        if !tracing, let cached = pexipCache[key] { return cached }
        pendingLimit = nil
        let full = aliasText[Int(alias)]
        let parsed = PexipAlias.parse(full)
        depth += 1
        defer { depth -= 1 }
        if parsed != full {
            note(step(.pexipNode, .info, alias: full, rewritten: parsed, "Pexip parses '\(full)' as '\(parsed)' (scheme, URI parameters and headers removed)"))
        }
        var decision = PexipDecision.rejected
        if let service = tables.serviceByAlias[parsed.lowercased()] {
            let info = plan.services[service]
            decision = .service(service)
            note(step(.serviceAlias, .accepted, name: info.name, alias: parsed, source: info.source,
                      "service alias '\(parsed)' → \(info.serviceType.rawValue) '\(info.name)'; Call Routing Rules are not consulted"))
            if tracing {
                for rule in plan.gatewayRules where gatewayRuleApplies(rule, full: full, parsed: parsed, location: location, protocol: callProtocol) != nil {
                    note(step(.gatewayRule, .shadowed, name: rule.name, priority: rule.priority, alias: parsed, source: rule.source,
                              "Call Routing Rule '\(rule.name)' would also match, but a service alias wins"))
                }
            }
        } else {
            for (index, rule) in plan.gatewayRules.enumerated() {
                if let outgoing = gatewayRuleApplies(rule, full: full, parsed: parsed, location: location, protocol: callProtocol) {
                    decision = .gatewayRule(index, outgoingAlias: outgoing)
                    note(step(.gatewayRule, .accepted, name: rule.name, priority: rule.priority, alias: rule.matchStringFull ? full : parsed,
                              rewritten: outgoing, source: rule.source,
                              "Call Routing Rule '\(rule.name)' matches; it dials '\(outgoing)' (\(rule.outgoingProtocol), \(rule.calledDeviceType)\(rule.outgoingLocation.map { ", from \(plan.locations[$0].name)" } ?? ""))"))
                    break
                }
            }
            if decision == .rejected {
                note(step(.pexipNode, .rejected, alias: parsed, "no service alias or Call Routing Rule matches '\(parsed)': Pexip rejects the call"))
            }
        }
        pexipCache[key] = (decision, pendingLimit)
        return (decision, pendingLimit)
    }

    /// The alias a Call Routing Rule dials out when it applies to this call, else nil.
    private func gatewayRuleApplies(_ rule: GatewayRoutingRule, full: String, parsed: String, location: Int, protocol callProtocol: CallProtocol) -> String? {
        func skip(_ why: String) -> String? {
            note(step(.gatewayRule, .skipped, name: rule.name, priority: rule.priority, source: rule.source, "skipped: \(why)"))
            return nil
        }
        guard rule.enable else { return skip("disabled") }
        guard rule.matchIncomingCalls else { return skip("match_incoming_calls is off") }
        guard rule.admits(callProtocol) else { return skip("match_incoming_\(callProtocol.rawValue) is off") }
        // Callers arriving through call control are not registered to Pexip. [PX-configuring_gateway_rules]
        guard !rule.matchIncomingOnlyIfRegistered else { return skip("only for callers registered to Pexip; this caller is not") }
        if let source = rule.matchSourceLocation, source != location {
            return skip("only for calls received in \(plan.locations[source].name), this is \(plan.locations[location].name)")
        }
        let subject = rule.matchStringFull ? full : parsed
        switch rule.matcher.evaluate(subject, scratch: scratch) {
        case .noMatch:
            note(step(.gatewayRule, .notMatched, name: rule.name, priority: rule.priority, alias: subject, source: rule.source, "not matched: '\(rule.matchString)'"))
            return nil
        case .limitExceeded:
            note(step(.gatewayRule, .limit, name: rule.name, priority: rule.priority, alias: subject, source: rule.source, "the regex hit PCRE2's limit"))
            if pendingLimit == nil {
                pendingLimit = LimitHit(message: "Call Routing Rule '\(rule.name)': the regex hit PCRE2's limit on '\(subject)'", source: rule.matchStringSource)
            }
            return nil
        case .matched(let rewritten):
            return rewritten ?? subject
        }
    }
}

/// A search's result, before it becomes a call outcome.
struct SearchResult {
    var landings: [Landing] = []
    var failures: [Failure] = []
    var limit: LimitHit?

    /// Keeps the first failure of each kind (for explanations), ignoring the rest.
    mutating func addFailure(_ failure: Failure) {
        let group: (Failure.Kind) -> Int = { kind in
            switch kind {
            case .rejected: 0
            case .loop, .hopLimit: 1
            case .unrouted: 2
            }
        }
        if !failures.contains(where: { group($0.kind) == group(failure.kind) }) { failures.append(failure) }
    }

    mutating func absorbFailures(of other: SearchResult) {
        for failure in other.failures { addFailure(failure) }
        if limit == nil { limit = other.limit }
    }
}

struct TransformHit {
    /// The transform applied, -1 for none, -2 for "not computed yet".
    var transform: Int32
    var alias: Int32
    /// A transform whose regex hit PCRE2's limit, or -1.
    var limitedTransform: Int32

    static let unknown = TransformHit(transform: -2, alias: -1, limitedTransform: -1)
}

struct StateKey: Hashable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
    var hops: Int16
}

struct LoopKey: Hashable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
}

struct PexipKey: Hashable {
    var alias: Int32
    var location: Int32
    var protocolIndex: Int8
}

extension CallProtocol {
    var index: Int8 {
        switch self {
        case .sip: 0
        case .h323: 1
        case .mssip: 2
        }
    }
}

extension CallEngine {
    /// Rules of `cluster` with a priority value above `priority` that would also take `alias` (after the
    /// cluster's transforms) from `source`: what a search would have used had the deciding rule not come first.
    func laterMatchingRules(alias dialled: String, cluster: Int, source: CallSource, protocol callProtocol: CallProtocol, after priority: Int) -> [Int] {
        begin()
        var limit: LimitHit?
        let alias = applyTransforms(cluster, alias: intern(dialled), limit: &limit).alias
        var found: [Int] = []
        for (index, rule) in plan.clusters[cluster].searchRules.enumerated() where rule.priority > priority {
            guard rule.enabled, rule.callProtocol.admits(callProtocol), sourceFits(rule, source) else { continue }
            switch rule.mode {
            case .anyAlias: found.append(index)
            case .anyIPAddress: if PexipAlias.isIPAddress(aliasText[Int(alias)]) { found.append(index) }
            case .aliasPatternMatch: if matchRule(cluster, index, alias: alias) >= 0 { found.append(index) }
            }
        }
        return found
    }
}
