/// Simulates calls through call control and into Pexip. One engine per thread: it owns the regex match data and
/// every cache, so threads share nothing but the read-only `RoutingTables`.
///
/// Work for one dialled alias (an "epoch") is memoised across entry points (sites): transforms and rule matches are
/// cached per (rule, alias), cluster searches per (cluster, alias, protocol, source, hops), and Pexip's decision per
/// (alias, location, protocol). Loop detection makes a search's result depend on the searches above it, so a result
/// is remembered only when no loop inside it reached a search above it, and reused only when none of the searches
/// it went through is on the current path (otherwise a fresh search would have met a loop there). Results are plain rows in pools (landings, failure
/// nodes, routes interned as linked hops), so a memoised search allocates nothing. In tracing mode nothing is
/// memoised and every step is recorded.
struct CallEngine {
    let tables: RoutingTables
    let plan: DialPlan
    let scratch: RegexScratch
    let tracing: Bool
    /// Every step recorded, in tracing mode.
    var steps: [TraceStep] { log?.steps ?? [] }
    private let log: TraceLog?
    private var depth = 0

    // Per epoch: interned aliases, caches, results.
    private var aliasIDs: [String: Int32] = [:]
    private(set) var aliasText: [String] = []
    private var transformCache: [TransformHit] = []
    private var ruleCache: [Int32] = []
    private var pexipCache: [PexipCell] = []
    private var memo = FastTable<StateKey>(capacity: 1024)
    private(set) var results: [ResultRow] = []
    private(set) var landingPool: [LandingRow] = []
    private(set) var nodePool: [Int32] = []
    private(set) var limits: [LimitHit] = []
    private var stack: [LoopKey] = []
    /// The searches made by the searches on the stack (each owns the region it appended), and, per remembered
    /// result, the searches it went through.
    private var visiting: [LoopKey] = []
    private var visitedPool: [LoopKey] = []
    private var minTouched = Int.max
    private var pendingLimit: Int32 = -1
    /// Landings being collected by the searches on the stack; each search owns the region it appended.
    private var collecting: [LandingRow] = []

    /// What the simulated calls used, for coverage reports: transforms applied, search rules that matched a call
    /// they applied to, zones searched, Call Routing Rules that took a call (global numbering, see `RoutingTables`).
    private(set) var coverage: Coverage

    // Across epochs: routes (alias-independent) and DNS answers.
    private var routeHop: [Hop] = []
    private var routeTail: [Int32] = []
    private var routeIndex = FastTable<RouteKey>(capacity: 1024)
    private var dnsCache: [String: ([Int], [Int], [String])] = [:]

    /// The hop budget of a search that starts at an endpoint's own cluster (the largest hop count).
    static let initialHops = 255

    private static let unknownRule: Int32 = -3
    private static let noMatch: Int32 = -1
    private static let limitHit: Int32 = -2
    private let locationCount: Int
    private let protocolCount = CallProtocol.allCases.count

    init(tables: RoutingTables, tracing: Bool = false) {
        self.tables = tables
        plan = tables.plan
        scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
        self.tracing = tracing
        log = tracing ? TraceLog() : nil
        locationCount = plan.locations.count
        coverage = Coverage(tables: tables)
    }

    // MARK: Entry points

    /// Starts a new dialled alias: forgets the previous alias's caches and results (keeping their storage).
    mutating func begin() {
        aliasIDs.removeAll(keepingCapacity: true)
        aliasText.removeAll(keepingCapacity: true)
        transformCache.removeAll(keepingCapacity: true)
        ruleCache.removeAll(keepingCapacity: true)
        pexipCache.removeAll(keepingCapacity: true)
        memo.removeAll()
        visitedPool.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        landingPool.removeAll(keepingCapacity: true)
        nodePool.removeAll(keepingCapacity: true)
        limits.removeAll(keepingCapacity: true)
        log?.steps.removeAll(keepingCapacity: true)
    }

    /// Simulates `alias` dialled by an endpoint registered in `subzone` of `cluster` (for `mssip`, by a Skype user
    /// homed on `pool`); returns an index into `results`.
    mutating func simulate(alias: String, cluster: Int, subzone: Int, pool: Int? = nil, protocol callProtocol: CallProtocol) -> Int32 {
        simulate(aliasID: intern(alias), cluster: cluster, subzone: subzone, pool: pool, protocol: callProtocol)
    }

    /// Simulates an interned alias (see `intern`), as the batch run does for every entry point of one alias.
    mutating func simulate(aliasID id: Int32, cluster: Int, subzone: Int, pool: Int? = nil, protocol callProtocol: CallProtocol) -> Int32 {
        if callProtocol == .mssip {
            collecting.removeAll(keepingCapacity: true)
            return store(searchSkype(pool: pool, alias: id))
        }
        // Each search empties what it pushed, so after a call these are empty already; clear them cheaply anyway.
        if !stack.isEmpty { stack.removeAll(keepingCapacity: true) }
        if !visiting.isEmpty { visiting.removeAll(keepingCapacity: true) }
        if !collecting.isEmpty { collecting.removeAll(keepingCapacity: true) }
        minTouched = Int.max
        return search(cluster: cluster, alias: id, protocol: callProtocol, source: .subzone(subzone), hops: CallEngine.initialHops)
    }

    /// The hops of an interned route, first hop first.
    func hops(ofRoute route: Int32) -> [Hop] {
        var hops: [Hop] = []
        var current = route
        while current >= 0 {
            hops.append(routeHop[Int(current)])
            current = routeTail[Int(current)]
        }
        return hops
    }

    /// The public outcome of a result (allocates; for traces, reports and the first sight of an outcome).
    func outcome(of index: Int32, dialled: String, sorted: Bool = true) -> CallOutcome {
        let row = results[Int(index)]
        var landings: [Landing] = []
        var locations = Set<Int>()
        var media = Set<Int>()
        for offset in 0..<Int(row.landingCount) {
            let landing = landingPool[Int(row.landingStart) + offset]
            let node = Int(landing.node)
            landings.append(Landing(node: node, alias: aliasText[Int(landing.alias)], decision: decision(landing), route: hops(ofRoute: landing.route)))
            locations.insert(tables.nodeLocation[node])
            locations.insert(tables.nodeMediaLocation[node])
            media.insert(tables.nodeMediaLocation[node])
        }
        var failures: [Failure] = []
        for (kind, failure) in row.failureSlots where failure.isPresent {
            let nodes = (0..<Int(failure.nodeCount)).map { Int(nodePool[Int(failure.nodeStart) + $0]) }
            failures.append(Failure(kind: kind == .loop && failure.hopLimit ? .hopLimit : kind, route: hops(ofRoute: failure.route), alias: aliasText[Int(failure.alias)], nodes: nodes))
        }
        return CallOutcome(
            dialled: dialled, landings: sorted ? landings.sorted { ($0.node, $0.route.count) < ($1.node, $1.route.count) } : landings,
            failures: failures, limit: row.limit >= 0 ? limits[Int(row.limit)] : nil,
            locations: locations.sorted(), mediaLocations: media.sorted())
    }

    private func decision(_ landing: LandingRow) -> PexipDecision {
        if landing.decision >= 0 { return .service(Int(landing.decision)) }
        if landing.decision <= -2 { return .gatewayRule(Int(-landing.decision - 2), outgoingAlias: aliasText[Int(landing.outgoing)]) }
        return .rejected
    }

    // MARK: Interning

    mutating func intern(_ alias: String) -> Int32 {
        if let id = aliasIDs[alias] { return id }
        let id = Int32(aliasText.count)
        aliasIDs[alias] = id
        aliasText.append(alias)
        transformCache.append(contentsOf: repeatElement(TransformHit.unknown, count: plan.clusters.count))
        ruleCache.append(contentsOf: repeatElement(CallEngine.unknownRule, count: tables.totalRules))
        pexipCache.append(contentsOf: repeatElement(PexipCell.unknown, count: locationCount * protocolCount))
        return id
    }

    private mutating func route(_ hop: Hop, then tail: Int32) -> Int32 {
        let key = RouteKey(hop: hop, tail: tail)
        let hash = key.fastHash
        if let id = routeIndex.value(for: key, hash: hash) { return id }
        let id = Int32(routeHop.count)
        routeHop.append(hop)
        routeTail.append(tail)
        routeIndex.insert(key, hash: hash, value: id)
        return id
    }

    private mutating func limit(_ hit: LimitHit) -> Int32 {
        limits.append(hit)
        return Int32(limits.count - 1)
    }

    // MARK: Tracing

    @inline(__always)
    private func note(_ make: @autoclosure () -> TraceStep) {
        if let log { log.steps.append(make()) }
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

    private mutating func search(cluster: Int, alias: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int) -> Int32 {
        let key = StateKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source, hops: Int16(hops))
        let loopKey = LoopKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source)
        if !tracing && hops < CallEngine.initialHops, let hit = memo.value(for: key, hash: key.fastHash) {
            let row = results[Int(hit)]
            let visited = Int(row.visitedStart)..<Int(row.visitedStart + row.visitedCount)
            if !stack.contains(where: { visitedPool[visited].contains($0) }) {
                visiting.append(contentsOf: visitedPool[visited])
                return hit
            }
        }
        if let ancestor = stack.firstIndex(of: loopKey) {
            visiting.append(loopKey)
            // VCS loop detection: the same alias, protocol and source searched again. [VCS "Hop counts", loop detection]
            minTouched = min(minTouched, ancestor)
            note(step(.loop, .loop, cluster: cluster, alias: aliasText[Int(alias)],
                      "\(plan.clusters[cluster].name) is already searching '\(aliasText[Int(alias)])' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: cluster)); the search fails here"))
            var row = ResultRow(landingStart: Int32(landingPool.count))
            let hop = Hop(cluster: Int32(cluster), transform: -1, rule: -1, zone: -1)
            row.loop = FailureRow(route: route(hop, then: -1), alias: alias)
            return store(row)
        }
        let ownDepth = stack.count
        let visitStart = visiting.count
        visiting.append(loopKey)
        stack.append(loopKey)
        let savedMin = minTouched
        minTouched = Int.max
        var row = searchCluster(cluster, alias: alias, protocol: callProtocol, source: source, hops: hops)
        let touched = minTouched
        minTouched = min(savedMin, touched)
        stack.removeLast()
        // A search that starts at an endpoint's cluster (full hop budget) is never asked for again in this epoch:
        // other searches arrive through zones with fewer hops. Only those are worth remembering.
        let remember = !tracing && touched >= ownDepth && hops < CallEngine.initialHops
        if remember {
            row.visitedStart = Int32(visitedPool.count)
            row.visitedCount = Int32(visiting.count - visitStart)
            visitedPool.append(contentsOf: visiting[visitStart...])
        }
        let index = store(row)
        if remember { memo.insert(key, hash: key.fastHash, value: index) }
        return index
    }

    private mutating func store(_ row: ResultRow) -> Int32 {
        results.append(row)
        return Int32(results.count - 1)
    }

    private mutating func searchCluster(_ clusterIndex: Int, alias incoming: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int) -> ResultRow {
        if tracing {
            let cluster = plan.clusters[clusterIndex]
            note(step(.cluster, .info, name: cluster.name, cluster: clusterIndex, alias: aliasText[Int(incoming)], source: cluster.source,
                      "search at \(cluster.name) for '\(aliasText[Int(incoming)])' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: clusterIndex))" + (hops < CallEngine.initialHops ? ", \(hops) hops left" : "")))
        }
        depth += 1
        defer { depth -= 1 }

        var row = ResultRow(landingStart: 0)
        let transformed = applyTransforms(clusterIndex, alias: incoming, limit: &row.limit)
        let alias = transformed.alias
        var anyMatched = false
        let ruleBase = tables.ruleBase[clusterIndex]
        let frameStart = collecting.count
        var found = false

        // Tracing walks every rule to say why each was skipped; otherwise only the rules this source may use.
        let sourcePlan = tables.applicableRows[tables.applicableRow(cluster: clusterIndex, source: source)]
        let levelCount = tracing ? tables.levels[clusterIndex].count : Int(sourcePlan.levelCount)
        levels: for levelNumber in 0..<levelCount {
            var stoppedBy = -1
            let level: Range<Int>
            if tracing {
                level = tables.levels[clusterIndex][levelNumber]
            } else {
                let start = levelNumber == 0 ? 0 : Int(tables.applicableLevels[Int(sourcePlan.levelStart) + levelNumber - 1])
                level = (Int(sourcePlan.ruleStart) + start)..<(Int(sourcePlan.ruleStart) + Int(tables.applicableLevels[Int(sourcePlan.levelStart) + levelNumber]))
            }
            for position in level {
                let ruleIndex = tracing ? position : Int(tables.applicable[position])
                let rule = tables.ruleRows[ruleBase + ruleIndex]
                // Outside tracing the per-source list holds only enabled rules that admit this source.
                if tracing && !rule.enabled {
                    noteRule(clusterIndex, ruleIndex, alias, .disabled, "the rule is disabled")
                    continue
                }
                guard rule.callProtocol.admits(callProtocol) else {
                    if tracing { noteRule(clusterIndex, ruleIndex, alias, .skipped, "the rule is for \(rule.callProtocol.rawValue) calls, this is \(callProtocol.rawValue)") }
                    continue
                }
                if tracing && !sourceFits(rule, source) {
                    noteRule(clusterIndex, ruleIndex, alias, .skipped, "the rule's source is \(describeSource(clusterIndex, ruleIndex)), the call comes from \(tables.sourceName(source, cluster: clusterIndex))")
                    continue
                }
                let target: Int32
                switch rule.mode {
                case .anyAlias:
                    target = alias
                case .anyIPAddress:
                    guard PexipAlias.isIPAddress(aliasText[Int(alias)]) else {
                        if tracing { noteRule(clusterIndex, ruleIndex, alias, .notMatched, "the alias is not an IP address") }
                        continue
                    }
                    target = alias
                case .aliasPatternMatch:
                    let hit = matchRule(clusterIndex, ruleIndex, alias: alias)
                    if hit == CallEngine.noMatch {
                        if tracing {
                            let matcher = plan.clusters[clusterIndex].searchRules[ruleIndex].matcher!
                            noteRule(clusterIndex, ruleIndex, alias, .notMatched, "\(matcher.type.rawValue) '\(matcher.string)'")
                        }
                        continue
                    }
                    if hit == CallEngine.limitHit {
                        let info = plan.clusters[clusterIndex].searchRules[ruleIndex]
                        let message = "search rule '\(info.name)' (\(plan.clusters[clusterIndex].name)): the regex hit PCRE2's limit on '\(aliasText[Int(alias)])'"
                        if row.limit < 0 { row.limit = limit(LimitHit(message: message, source: info.source)) }
                        if tracing { noteRule(clusterIndex, ruleIndex, alias, .limit, message) }
                        continue
                    }
                    target = hit
                }
                anyMatched = true
                coverage.rules[ruleBase + ruleIndex] = true
                if rule.stop { stoppedBy = ruleIndex }
                if tracing { noteMatchedRule(clusterIndex, ruleIndex, alias, target) }
                let hop = Hop(cluster: Int32(clusterIndex), transform: transformed.transform, rule: Int32(ruleIndex), zone: rule.zone)
                queryZone(clusterIndex, hop: hop, alias: target, protocol: callProtocol, hops: hops, levelStart: frameStart, into: &row)
            }
            if collecting.count > frameStart {
                found = true
                if tracing {
                    let priority = plan.clusters[clusterIndex].searchRules[level.lowerBound].priority
                    note(step(.level, .found, cluster: clusterIndex, priority: priority, "found at priority \(priority): the search at \(plan.clusters[clusterIndex].name) ends"))
                }
                break levels
            }
            if stoppedBy >= 0 {
                if tracing {
                    let priority = plan.clusters[clusterIndex].searchRules[level.lowerBound].priority
                    note(step(.level, .stopped, cluster: clusterIndex, priority: priority,
                              "not found, and rule '\(plan.clusters[clusterIndex].searchRules[stoppedBy].name)' says stop: no lower-priority rule is tried"))
                }
                break levels
            }
        }
        if found {
            // What failed on the way no longer matters once the alias is found.
            row.rejected = .absent
            row.loop = .absent
            row.unrouted = .absent
            row.landingStart = Int32(landingPool.count)
            row.landingCount = Int32(collecting.count - frameStart)
            for index in frameStart..<collecting.count { landingPool.append(collecting[index]) }
            collecting.removeLast(collecting.count - frameStart)
        } else {
            row.landingStart = Int32(landingPool.count)
            // A hop with no rule records which transform (if any) shaped the alias that the search ended with;
            // a more specific failure met on the way (a zone with no usable peer) is kept instead.
            if !row.unrouted.isPresent {
                let hop = Hop(cluster: Int32(clusterIndex), transform: transformed.transform, rule: -1, zone: -1)
                row.unrouted = FailureRow(route: route(hop, then: -1), alias: alias)
            }
            if tracing {
                let name = plan.clusters[clusterIndex].name
                note(step(.cluster, .notFound, name: name, cluster: clusterIndex, alias: aliasText[Int(alias)],
                          anyMatched ? "\(name) did not find '\(aliasText[Int(alias)])'"
                            : "no search rule at \(name) matched '\(aliasText[Int(alias)])' (\(callProtocol.rawValue)) from \(tables.sourceName(source, cluster: clusterIndex))"))
            }
        }
        return row
    }

    private func noteRule(_ cluster: Int, _ rule: Int, _ alias: Int32, _ status: TraceStep.Status, _ detail: String) {
        let info = plan.clusters[cluster].searchRules[rule]
        note(step(.searchRule, status, name: info.name, cluster: cluster, priority: info.priority, alias: aliasText[Int(alias)], source: info.source, detail))
    }

    private func noteMatchedRule(_ cluster: Int, _ rule: Int, _ alias: Int32, _ target: Int32) {
        let info = plan.clusters[cluster].searchRules[rule]
        let before = aliasText[Int(alias)]
        let after = aliasText[Int(target)]
        var detail = info.matcher.map { "\($0.type.rawValue) '\($0.string)'" } ?? info.mode.rawValue
        if target != alias { detail += "; \(info.matcher!.behavior.rawValue): '\(before)' → '\(after)'" }
        detail += "; searching \(info.targetName)" + (info.progress == .stop ? " (stop)" : "")
        note(step(.searchRule, .matched, name: info.name, cluster: cluster, priority: info.priority, alias: before,
                  rewritten: target == alias ? nil : after, source: info.source, detail))
    }

    private mutating func applyTransforms(_ clusterIndex: Int, alias: Int32, limit limitIndex: inout Int32) -> TransformHit {
        let slot = Int(alias) * plan.clusters.count + clusterIndex
        if !tracing, transformCache[slot].transform != TransformHit.unknown.transform {
            let hit = transformCache[slot]
            if hit.limitedTransform >= 0, limitIndex < 0 { limitIndex = limit(limitHit(clusterIndex, Int(hit.limitedTransform), alias: alias)) }
            return hit
        }
        let transforms = plan.clusters[clusterIndex].transforms
        let text = aliasText[Int(alias)]
        var hit = TransformHit(transform: -1, alias: alias, limitedTransform: -1)
        // Only the first enabled transform that matches is applied. [VCS "Pre-search transforms"]
        for (index, transform) in transforms.enumerated() {
            guard transform.enabled else {
                note(step(.transform, .disabled, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source, "the transform is disabled"))
                continue
            }
            switch transform.matcher.evaluate(text, scratch: scratch) {
            case .noMatch:
                note(step(.transform, .notMatched, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source,
                          "\(transform.matcher.type.rawValue) '\(transform.matcher.string)'"))
                continue
            case .limitExceeded:
                if hit.limitedTransform < 0 { hit.limitedTransform = Int32(index) }
                if limitIndex < 0 { limitIndex = limit(limitHit(clusterIndex, index, alias: alias)) }
                note(step(.transform, .limit, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text, source: transform.source, "the regex hit PCRE2's limit"))
                continue
            case .matched(let rewritten):
                let newAlias = rewritten.map { intern($0) } ?? alias
                hit = TransformHit(transform: Int32(index), alias: newAlias, limitedTransform: hit.limitedTransform)
                note(step(.transform, .matched, name: transform.name, cluster: clusterIndex, priority: transform.priority, alias: text,
                          rewritten: aliasText[Int(newAlias)], source: transform.source,
                          "\(transform.matcher.type.rawValue) '\(transform.matcher.string)'; \(transform.matcher.behavior.rawValue): '\(text)' → '\(aliasText[Int(newAlias)])'; later transforms are not tried"))
            }
            break
        }
        if hit.transform < 0 && !transforms.isEmpty {
            note(step(.transform, .info, cluster: clusterIndex, alias: text, "no transform applies; the alias stays '\(text)'"))
        }
        // `intern` may have appended to the cache; `slot` still names this alias's entry (ids only grow).
        transformCache[slot] = hit
        if hit.transform >= 0 { coverage.transforms[tables.transformBase[clusterIndex] + Int(hit.transform)] = true }
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
    private mutating func matchRule(_ clusterIndex: Int, _ ruleIndex: Int, alias: Int32) -> Int32 {
        let slot = Int(alias) * tables.totalRules + tables.ruleBase[clusterIndex] + ruleIndex
        let cached = ruleCache[slot]
        if cached != CallEngine.unknownRule { return cached }
        let matcher = plan.clusters[clusterIndex].searchRules[ruleIndex].matcher!
        let value: Int32
        switch matcher.evaluate(aliasText[Int(alias)], scratch: scratch) {
        case .noMatch: value = CallEngine.noMatch
        case .limitExceeded: value = CallEngine.limitHit
        case .matched(let rewritten): value = rewritten.map { intern($0) } ?? alias
        }
        ruleCache[slot] = value
        return value
    }

    /// Whether a call from `source` is one the rule's source setting admits. [VCS "Search rules" Source]
    @inline(__always)
    private func sourceFits(_ rule: RoutingTables.RuleRow, _ source: CallSource) -> Bool {
        RoutingTables.admits(mode: rule.sourceMode, named: rule.namedSource, source: source)
    }

    private func describeSource(_ cluster: Int, _ rule: Int) -> String {
        let info = plan.clusters[cluster].searchRules[rule]
        switch info.sourceMode {
        case .any: return "any"
        case .allzones: return "all zones (registered endpoints and neighbor zones)"
        case .localzone: return "the local zone (registered endpoints)"
        case .named: return "'\(info.sourceName ?? "")'"
        }
    }

    // MARK: Zones

    /// Appends what the zone finds to `collecting` (deduplicated within the current level, which starts at
    /// `levelStart`) and records failures in `row`.
    private mutating func queryZone(_ clusterIndex: Int, hop: Hop, alias: Int32, protocol callProtocol: CallProtocol, hops: Int, levelStart: Int, into row: inout ResultRow) {
        guard hop.zone >= 0 else {
            note(step(.zone, .notFound, name: PlanBuilder.localZone, cluster: clusterIndex, alias: aliasText[Int(alias)],
                      "registered endpoints are not part of the plan, so no Pexip alias is found in the Local Zone"))
            return
        }
        let target = tables.zoneRows[tables.zoneBase[clusterIndex] + Int(hop.zone)]
        coverage.zones[tables.zoneBase[clusterIndex] + Int(hop.zone)] = true
        let hopRoute = route(hop, then: -1)
        depth += 1
        defer { depth -= 1 }

        var nodes = tables.zoneNodePool[Int(target.nodeStart)..<Int(target.nodeStart + target.nodeCount)]
        var clusters = tables.zoneClusterPool[Int(target.clusterStart)..<Int(target.clusterStart + target.clusterCount)]
        if target.isDNS {
            let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
            guard let domain = PexipAlias.domain(of: aliasText[Int(alias)]) else {
                note(step(.dns, .notFound, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source, "'\(aliasText[Int(alias)])' has no domain to look up"))
                if !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: alias) }
                return
            }
            let resolved = resolveDNS(domain, protocol: callProtocol)
            nodes = resolved.0[...]
            clusters = resolved.1[...]
            note(step(.dns, nodes.isEmpty && clusters.isEmpty ? .notFound : .found, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source,
                      resolved.2.isEmpty ? "no SRV or A record for \(domain)" : resolved.2.joined(separator: "; ")))
        } else if tracing {
            let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
            note(step(.zone, .info, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source,
                      "\(zone.type.rawValue) zone: offers '\(aliasText[Int(alias)])' to \(zone.peers.joined(separator: ", "))"))
        }

        let reachedNode = offer(nodes, alias: alias, protocol: callProtocol, route: hopRoute, levelStart: levelStart, into: &row)
        if !nodes.isEmpty && !reachedNode && clusters.isEmpty && !row.unrouted.isPresent {
            row.unrouted = FailureRow(route: hopRoute, alias: alias)
        }

        let zoneHopCount = Int(target.hopCount)
        for next in clusters {
            // The hop count of the zone caps the search it sends; each cluster passed uses one. [VCS "Hop counts"]
            let budget = min(hops, zoneHopCount)
            guard budget > 0 else {
                if tracing {
                    let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
                    note(step(.hop, .loop, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source,
                              "hop count exhausted: \(zone.name) cannot pass the search to \(plan.clusters[next].name)"))
                }
                if !row.loop.isPresent { row.loop = FailureRow(route: hopRoute, alias: alias, hopLimit: true) }
                continue
            }
            let source = tables.sourceFrom[next][clusterIndex]
            if tracing {
                let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
                note(step(.hop, .info, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source,
                          "passed to \(plan.clusters[next].name) (\(budget - 1) hops left); it sees the call from \(tables.sourceName(source, cluster: next))"))
            }
            let sub = results[Int(search(cluster: next, alias: alias, protocol: callProtocol, source: source, hops: budget - 1))]
            for offset in 0..<Int(sub.landingCount) {
                var landing = landingPool[Int(sub.landingStart) + offset]
                landing.route = route(hop, then: landing.route)
                appendLanding(landing, levelStart: levelStart)
            }
            if sub.rejected.isPresent && !row.rejected.isPresent { row.rejected = sub.rejected.prefixed(route(hop, then: sub.rejected.route)) }
            if sub.loop.isPresent && !row.loop.isPresent { row.loop = sub.loop.prefixed(route(hop, then: sub.loop.route)) }
            if sub.unrouted.isPresent && !row.unrouted.isPresent { row.unrouted = sub.unrouted.prefixed(route(hop, then: sub.unrouted.route)) }
            if sub.limit >= 0 && row.limit < 0 { row.limit = sub.limit }
        }
        if nodes.isEmpty && clusters.isEmpty {
            if tracing && !target.isDNS {
                let zone = plan.clusters[clusterIndex].zones[Int(hop.zone)]
                let unknown = tables.zoneTargets[clusterIndex][Int(hop.zone)].unknownPeers
                note(step(.zone, .notFound, name: zone.name, cluster: clusterIndex, alias: aliasText[Int(alias)], source: zone.source,
                          "its peers (\(unknown.joined(separator: ", "))) are not in the plan; nothing is found there"))
            }
            if !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: alias) }
        }
    }

    // MARK: Skype for Business

    /// A Skype user's call: the pool's static routing configuration (else the global one), the first enabled route
    /// whose `match_uri` covers the alias's domain (phone-URI-only routes only for phone URIs), its destination's
    /// Pexip nodes, then Pexip as for any call. [MS New-CsStaticRoute, Set-CsStaticRoutingConfiguration]
    private mutating func searchSkype(pool: Int?, alias: Int32) -> ResultRow {
        var row = ResultRow(landingStart: Int32(landingPool.count))
        let text = aliasText[Int(alias)]
        guard let pool, let sfb = plan.skypeForBusiness, let configurationIndex = tables.sfbConfigurationForPool[pool] else {
            note(step(.sfbConfiguration, .notFound, alias: text, "no static routing configuration applies to this pool (neither its own nor a global one)"))
            row.unrouted = FailureRow(route: route(Hop(cluster: -1, transform: -1, rule: -1, zone: -1), then: -1), alias: alias)
            return row
        }
        let configuration = sfb.configurations[configurationIndex]
        note(step(.sfbConfiguration, .info, name: configuration.identity, alias: text, source: configuration.source,
                  "Skype user homed on \(sfb.pools[pool].fqdn): static routing configuration '\(configuration.identity)' applies" + (configuration.scope == .global ? " (the pool has none of its own)" : "")))
        depth += 1
        defer { depth -= 1 }
        let lowered = text.lowercased()
        let isPhone = lowered.hasPrefix("tel:") || lowered.contains(";user=phone")
        let domain = PexipAlias.domain(of: text)
        var chosen: Int?
        for (index, staticRoute) in configuration.routes.enumerated() {
            guard staticRoute.enabled else {
                note(step(.staticRoute, .disabled, name: staticRoute.matchURI, alias: text, source: staticRoute.source, "the route is disabled"))
                continue
            }
            guard !staticRoute.matchOnlyPhoneURI || isPhone else {
                note(step(.staticRoute, .skipped, name: staticRoute.matchURI, alias: text, source: staticRoute.source, "the route is for phone URIs only"))
                continue
            }
            guard let domain, staticRoute.matches(domain: domain) else {
                note(step(.staticRoute, .notMatched, name: staticRoute.matchURI, alias: text, source: staticRoute.source, "'\(domain ?? "(no domain)")' is not \(staticRoute.matchURI)"))
                continue
            }
            chosen = index
            note(step(.staticRoute, .matched, name: staticRoute.matchURI, alias: text, source: staticRoute.source,
                      "\(domain) matches; \(staticRoute.transport.rawValue.uppercased()) to \(staticRoute.destination):\(staticRoute.port); the first matching route is taken"))
            break
        }
        guard let chosen else {
            note(step(.sfbConfiguration, .notFound, name: configuration.identity, alias: text, "no route of '\(configuration.identity)' matches \(domain.map { "the domain \($0)" } ?? "an alias without a domain")"))
            row.unrouted = FailureRow(route: route(Hop(cluster: -1, transform: -1, rule: -1, zone: Int32(configurationIndex)), then: -1), alias: alias)
            return row
        }
        coverage.staticRoutes[tables.sfbRouteBase[configurationIndex] + chosen] = true
        let staticRoute = configuration.routes[chosen]
        let hopRoute = route(Hop(cluster: -1, transform: -1, rule: Int32(chosen), zone: Int32(configurationIndex)), then: -1)
        let target = tables.sfbTargets[configurationIndex][chosen]
        note(step(.dns, target.nodes.isEmpty ? .notFound : .found, name: staticRoute.destination, alias: text, source: staticRoute.source, target.resolution))
        if target.problem != nil || target.nodes.isEmpty {
            row.unrouted = FailureRow(route: hopRoute, alias: alias)
            return row
        }
        // With ReplaceHostInRequestUri the request URI's host becomes the destination. [MS New-CsStaticRoute]
        var received = alias
        if staticRoute.replaceHostInRequestURI {
            let parsed = PexipAlias.parse(text)
            let user = parsed.lastIndex(of: "@").map { String(parsed[..<$0]) } ?? parsed
            received = intern(user + "@" + staticRoute.destination)
            note(step(.staticRoute, .info, name: staticRoute.matchURI, alias: text, rewritten: aliasText[Int(received)], "replace_host_in_request_uri: Pexip receives '\(aliasText[Int(received)])'"))
        }
        let start = collecting.count
        _ = offer(target.nodes, alias: received, protocol: .mssip, route: hopRoute, levelStart: start, into: &row)
        if collecting.count > start {
            row.rejected = .absent
            row.landingStart = Int32(landingPool.count)
            row.landingCount = Int32(collecting.count - start)
            for index in start..<collecting.count { landingPool.append(collecting[index]) }
            collecting.removeLast(collecting.count - start)
        } else {
            row.landingStart = Int32(landingPool.count)
            if !row.rejected.isPresent && !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: received) }
        }
        return row
    }

    /// Offers the call to Pexip nodes: each that is not in maintenance decides (service alias, Call Routing Rule, or
    /// reject); takers become landings in the current level, rejecters the first rejection. Returns whether any
    /// node could be offered the call.
    private mutating func offer<Nodes: Collection<Int>>(_ nodes: Nodes, alias: Int32, protocol callProtocol: CallProtocol, route hopRoute: Int32, levelStart: Int, into row: inout ResultRow) -> Bool {
        let rejectedStart = nodePool.count
        var reachedNode = false
        var tracedLocations: [Int: (Int32, String)] = [:]
        for node in nodes {
            guard !tables.nodeInMaintenance[node] else {
                if tracing {
                    let info = plan.nodes[node]
                    note(step(.pexipNode, .skipped, name: info.name, alias: aliasText[Int(alias)], source: info.source, "in maintenance mode: accepts no new calls"))
                }
                continue
            }
            reachedNode = true
            let location = tables.nodeLocation[node]
            let cell: PexipCell
            if tracing, let earlier = tracedLocations[location] {
                cell = pexipCache[Int(alias) * locationCount * protocolCount + location * protocolCount + Int(callProtocol.index)]
                let info = plan.nodes[node]
                note(step(.pexipNode, earlier.0 == -1 ? .rejected : .accepted, name: info.name, alias: aliasText[Int(alias)], source: info.source,
                          "decides as \(earlier.1), in the same location (\(plan.locations[location].name))"))
            } else {
                if tracing {
                    let info = plan.nodes[node]
                    note(step(.pexipNode, .info, name: info.name, alias: aliasText[Int(alias)], source: info.source,
                              "offered to \(info.name) (\(info.nodeType == .proxying ? "proxying edge" : "transcoding") node in \(plan.locations[location].name))"))
                }
                cell = pexipDecision(alias: alias, location: location, protocol: callProtocol)
                if tracing { tracedLocations[location] = (cell.decision, plan.nodes[node].name) }
            }
            if cell.limit >= 0, row.limit < 0 { row.limit = cell.limit }
            if cell.decision == -1 {
                nodePool.append(Int32(node))
            } else {
                appendLanding(LandingRow(node: Int32(node), alias: alias, decision: cell.decision, outgoing: cell.outgoing, route: hopRoute), levelStart: levelStart)
            }
        }
        if nodePool.count > rejectedStart {
            if !row.rejected.isPresent {
                row.rejected = FailureRow(route: hopRoute, alias: alias, nodeStart: Int32(rejectedStart), nodeCount: Int32(nodePool.count - rejectedStart))
            } else {
                nodePool.removeSubrange(rejectedStart...)
            }
        }
        return reachedNode
    }

    @inline(__always)
    private mutating func appendLanding(_ landing: LandingRow, levelStart: Int) {
        var index = levelStart
        while index < collecting.count {
            if collecting[index].node == landing.node && collecting[index].alias == landing.alias { return }
            index += 1
        }
        collecting.append(landing)
    }

    /// Nodes and clusters a DNS zone reaches for `domain`: the first SRV name that has records, its lowest
    /// priority value's targets; else the domain's own A records. [VCS "DNS zones"]
    private mutating func resolveDNS(_ domain: String, protocol callProtocol: CallProtocol) -> ([Int], [Int], [String]) {
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
    private mutating func pexipDecision(alias: Int32, location: Int, protocol callProtocol: CallProtocol) -> PexipCell {
        let slot = Int(alias) * locationCount * protocolCount + location * protocolCount + Int(callProtocol.index)
        if !tracing, pexipCache[slot].decision != PexipCell.unknown.decision { return pexipCache[slot] }
        let full = aliasText[Int(alias)]
        let parsed = PexipAlias.parse(full)
        depth += 1
        defer { depth -= 1 }
        if parsed != full {
            note(step(.pexipNode, .info, alias: full, rewritten: parsed, "Pexip parses '\(full)' as '\(parsed)' (scheme, URI parameters and headers removed)"))
        }
        pendingLimit = -1
        var cell = PexipCell(decision: -1, outgoing: -1, limit: -1)
        if let service = tables.serviceByAlias[parsed.lowercased()] {
            let info = plan.services[service]
            cell.decision = Int32(service)
            note(step(.serviceAlias, .accepted, name: info.name, alias: parsed, source: info.source,
                      "service alias '\(parsed)' → \(info.serviceType.rawValue) '\(info.name)'; Call Routing Rules are not consulted"))
            if tracing {
                for rule in plan.gatewayRules where gatewayRuleApplies(rule, full: full, parsed: parsed, location: location, protocol: callProtocol, quiet: true) != nil {
                    note(step(.gatewayRule, .shadowed, name: rule.name, priority: rule.priority, alias: parsed, source: rule.source,
                              "would also match, but a service alias wins"))
                }
                pendingLimit = -1
            }
        } else {
            for (index, rule) in plan.gatewayRules.enumerated() {
                if let outgoing = gatewayRuleApplies(rule, full: full, parsed: parsed, location: location, protocol: callProtocol) {
                    cell.decision = Int32(-index - 2)
                    coverage.gatewayRules[index] = true
                    cell.outgoing = intern(outgoing)
                    note(step(.gatewayRule, .accepted, name: rule.name, priority: rule.priority, alias: rule.matchStringFull ? full : parsed,
                              rewritten: outgoing, source: rule.source,
                              "'\(rule.matchString)' matches; Pexip dials '\(outgoing)' (\(rule.outgoingProtocol), \(rule.calledDeviceType)\(rule.outgoingLocation.map { ", from \(plan.locations[$0].name)" } ?? ""))"))
                    break
                }
            }
            if cell.decision == -1 {
                note(step(.pexipNode, .rejected, alias: parsed, "no service alias or Call Routing Rule matches '\(parsed)': Pexip rejects the call"))
            }
        }
        cell.limit = pendingLimit
        // `intern` may have grown the cache; `slot` is stable.
        pexipCache[slot] = cell
        return cell
    }

    /// The alias a Call Routing Rule dials out when it applies to this call, else nil.
    private mutating func gatewayRuleApplies(_ rule: GatewayRoutingRule, full: String, parsed: String, location: Int, protocol callProtocol: CallProtocol, quiet: Bool = false) -> String? {
        func skip(_ why: String) -> String? {
            if !quiet { note(step(.gatewayRule, .skipped, name: rule.name, priority: rule.priority, source: rule.source, why)) }
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
            if !quiet { note(step(.gatewayRule, .notMatched, name: rule.name, priority: rule.priority, alias: subject, source: rule.source, "'\(rule.matchString)'")) }
            return nil
        case .limitExceeded:
            if !quiet { note(step(.gatewayRule, .limit, name: rule.name, priority: rule.priority, alias: subject, source: rule.source, "the regex hit PCRE2's limit")) }
            if pendingLimit < 0 {
                pendingLimit = limit(LimitHit(message: "Call Routing Rule '\(rule.name)': the regex hit PCRE2's limit on '\(subject)'", source: rule.matchStringSource))
            }
            return nil
        case .matched(let rewritten):
            return rewritten ?? subject
        }
    }
}

extension CallEngine {
    /// Rules of `cluster` with a priority value above `priority` that would also take `alias` (after the
    /// cluster's transforms) from `source`: what a search would have used had the deciding rule not come first.
    mutating func laterMatchingRules(alias dialled: String, cluster: Int, source: CallSource, protocol callProtocol: CallProtocol, after priority: Int) -> [Int] {
        begin()
        var limitIndex: Int32 = -1
        let alias = applyTransforms(cluster, alias: intern(dialled), limit: &limitIndex).alias
        var found: [Int] = []
        let base = tables.ruleBase[cluster]
        for index in plan.clusters[cluster].searchRules.indices {
            let rule = tables.ruleRows[base + index]
            guard Int(rule.priority) > priority, rule.enabled, rule.callProtocol.admits(callProtocol), sourceFits(rule, source) else { continue }
            switch rule.mode {
            case .anyAlias: found.append(index)
            case .anyIPAddress: if PexipAlias.isIPAddress(aliasText[Int(alias)]) { found.append(index) }
            case .aliasPatternMatch: if matchRule(cluster, index, alias: alias) >= 0 { found.append(index) }
            }
        }
        return found
    }
}

/// The steps of a traced call (a reference, so that recording a step does not need the engine mutable).
final class TraceLog {
    var steps: [TraceStep] = []
}

/// A landing, as plain ids: node, the alias Pexip received, its decision (service index ≥ 0, -1 rejected, or
/// -(gateway rule index) - 2), the outgoing alias of a gateway rule, and the interned route.
struct LandingRow: Hashable {
    var node: Int32
    var alias: Int32
    var decision: Int32
    var outgoing: Int32
    var route: Int32
}

/// A failure, as plain ids; `alias == -1` means absent.
struct FailureRow: Hashable {
    var route: Int32
    var alias: Int32
    var nodeStart: Int32 = 0
    var nodeCount: Int32 = 0
    var hopLimit = false

    static let absent = FailureRow(route: -1, alias: -1)

    var isPresent: Bool { alias >= 0 }

    func prefixed(_ route: Int32) -> FailureRow {
        var copy = self
        copy.route = route
        return copy
    }
}

/// A search's result: landings in `landingPool`, the first failure of each kind, and a limit hit.
struct ResultRow {
    var landingStart: Int32
    var landingCount: Int32 = 0
    var rejected = FailureRow.absent
    var loop = FailureRow.absent
    var unrouted = FailureRow.absent
    /// Index into `limits`, or -1.
    var limit: Int32 = -1
    /// For a remembered result: the searches it went through, in `visitedPool`.
    var visitedStart: Int32 = 0
    var visitedCount: Int32 = 0

    var failureSlots: [(Failure.Kind, FailureRow)] { [(.rejected, rejected), (.loop, loop), (.unrouted, unrouted)] }
}

/// Pexip's cached decision for (alias, location, protocol).
struct PexipCell {
    /// Service index ≥ 0, -1 rejected, -(gateway rule index) - 2, or -99 not computed yet.
    var decision: Int32
    var outgoing: Int32
    var limit: Int32

    static let unknown = PexipCell(decision: -99, outgoing: -1, limit: -1)
}

struct TransformHit {
    /// The transform applied, -1 for none, -2 for "not computed yet".
    var transform: Int32
    var alias: Int32
    /// A transform whose regex hit PCRE2's limit, or -1.
    var limitedTransform: Int32

    static let unknown = TransformHit(transform: -2, alias: -1, limitedTransform: -1)
}

struct RouteKey: Equatable {
    var hop: Hop
    var tail: Int32

    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, hop.cluster)
        mix(&hash, hop.transform)
        mix(&hash, hop.rule)
        mix(&hash, hop.zone)
        mix(&hash, tail)
        return finish(hash)
    }
}

struct StateKey: Equatable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
    var hops: Int16

    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, cluster)
        mix(&hash, alias)
        mix(&hash, Int32(protocolIndex) << 16 | Int32(hops))
        switch source {
        case .subzone(let index): mix(&hash, Int32(index) << 2)
        case .zone(let index): mix(&hash, Int32(index) << 2 | 1)
        case .defaultZone: mix(&hash, 2)
        }
        return finish(hash)
    }
}

struct LoopKey: Hashable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
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
