/// Where one worker's outcomes are kept: compact rows of integers and the aliases' bytes. A worker appends to its
/// `OutcomeWriter` (a value, so the hot path pays no dynamic exclusivity checks); when it finishes, the writer
/// becomes an immutable `OutcomeStore`. Every outcome a report sees is read back from a store by one function
/// (`outcome(core:routeSet:…)`), for the simulation and for `trace` alike, so the two cannot describe a call
/// differently.
///
/// Outcomes are deduplicated per dialled alias (an epoch): every entry point where an alias lands the same way
/// shares one core. Routes are kept apart from cores (route sets), because they do not depend on the alias: the
/// cores of thousands of aliases share a few route sets.
struct OutcomeWriter {
    /// The worker that owns the store; references carry it in their top bits.
    let worker: Int

    // Aliases, as bytes.
    var textBytes: [UInt8] = []
    var textEnds: [UInt32] = []

    var cores: [StoredCore] = []
    var landings: [StoredLanding] = []
    var failureNodes: [Int32] = []
    var limits: [StoredLimit] = []

    /// Per route set: its routes in `routeIDs`: one per landing, then the rejected, loop and unrouted failure's
    /// (-1 when absent).
    var routeSetStarts: [UInt32] = []
    var routeIDs: [Int32] = []

    /// Per core: its shape (see `ShapeKey`), local to this store until `Simulation` merges shapes.
    var coreShapes: [UInt32] = []
    var shapeKeys: [ShapeKey] = []
    var shapeIndex: [ShapeKey: UInt32] = [:]

    // Per epoch.
    var epochText: [Int32] = []
    var epochCores = FastTable<CoreKey>()
    var routeSetIndex = FastTable<RouteSetKey>()

    init(worker: Int) {
        self.worker = worker
    }

    /// A reference to entry `index` of this store.
    @inline(__always)
    func reference(_ index: Int) -> UInt32 { UInt32(worker) << OutcomeStore.workerShift | UInt32(index) }

    /// Starts a new dialled alias.
    mutating func begin() {
        epochText.removeAll(keepingCapacity: true)
        epochCores.removeAll()
    }
}

extension SearchEngine {
    /// Stores the outcome of result `result` (deduplicated within the epoch) and its route set in `writer`;
    /// returns references to both. `dialledIsService`: whether the dialled alias is a service alias (for blame).
    func store(_ result: Int32, in writer: inout OutcomeWriter, dialled: Int32, dialledIsService: Bool) -> (core: UInt32, routes: UInt32) {
        let row = results[Int(result)]
        let key = CoreKey(row, landingPool: landingPool, nodePool: nodePool)
        let hash = key.fastHash
        let core: Int
        if let known = writer.epochCores.value(for: key, hash: hash) {
            core = Int(known)
        } else {
            core = writer.cores.count
            appendCore(row, to: &writer, dialled: dialled, dialledIsService: dialledIsService)
            writer.epochCores.insert(key, hash: hash, value: Int32(core))
        }
        let routeKey = RouteSetKey(row, landingPool: landingPool)
        let routeHash = routeKey.fastHash
        let routeSet: Int
        if let known = writer.routeSetIndex.value(for: routeKey, hash: routeHash) {
            routeSet = Int(known)
        } else {
            routeSet = writer.routeSetStarts.count
            writer.routeSetStarts.append(UInt32(writer.routeIDs.count))
            for offset in 0..<Int(row.landingCount) { writer.routeIDs.append(landingPool[Int(row.landingStart) + offset].route) }
            writer.routeIDs.append(row.rejected.isPresent ? row.rejected.route : -1)
            writer.routeIDs.append(row.loop.isPresent ? row.loop.route : -1)
            writer.routeIDs.append(row.unrouted.isPresent ? row.unrouted.route : -1)
            writer.routeSetIndex.insert(routeKey, hash: routeHash, value: Int32(routeSet))
        }
        return (writer.reference(core), writer.reference(routeSet))
    }

    private func appendCore(_ row: ResultRow, to writer: inout OutcomeWriter, dialled: Int32, dialledIsService: Bool) {
        var core = StoredCore(landingStart: UInt32(writer.landings.count), landingCount: UInt16(clamping: row.landingCount))
        var services: [DecisionCode] = []
        for offset in 0..<Int(row.landingCount) {
            let landing = landingPool[Int(row.landingStart) + offset]
            writer.landings.append(StoredLanding(
                node: landing.node, alias: text(landing.alias, &writer), decision: landing.decision.raw,
                outgoing: landing.outgoing >= 0 ? text(landing.outgoing, &writer) : UInt32.max, outgoingLocation: landing.outgoingLocation))
            if !services.contains(landing.decision) { services.append(landing.decision) }
        }
        if services.count > 1 { core.flags.insert(.serviceAmbiguous) }
        func failure(_ failure: FailureRow, _ flag: StoredCore.Flags) -> UInt32 {
            guard failure.isPresent else { return UInt32.max }
            core.flags.insert(flag)
            if failure.hopLimit { core.flags.insert(.hopLimit) }
            // A failure of a dialled service alias that something rewrote: the rewrite is to blame.
            if dialledIsService && !aliases.sameFolded(failure.alias, dialled) { core.flags.insert(.rewrittenService) }
            return text(failure.alias, &writer)
        }
        core.rejectedAlias = failure(row.rejected, .rejected)
        core.loopAlias = failure(row.loop, .loop)
        core.unroutedAlias = failure(row.unrouted, .unrouted)
        if row.rejected.isPresent {
            core.rejectedNodeStart = UInt32(writer.failureNodes.count)
            core.rejectedNodeCount = UInt16(clamping: row.rejected.nodeCount)
            for offset in 0..<Int(row.rejected.nodeCount) { writer.failureNodes.append(nodePool[Int(row.rejected.nodeStart) + offset]) }
        }
        var limitSite: PatternSite?
        if row.limit >= 0 {
            let hit = limits[Int(row.limit)]
            core.flags.insert(.limit)
            core.limit = UInt32(writer.limits.count)
            writer.limits.append(StoredLimit(site: hit.site, alias: text(hit.alias, &writer)))
            limitSite = hit.site
        }
        writer.cores.append(core)
        let shape = ShapeKey(
            flags: core.flags.rawValue,
            nodes: (0..<Int(row.landingCount)).map { landingPool[Int(row.landingStart) + $0].node },
            rejectedNodes: (0..<Int(core.rejectedNodeCount)).map { writer.failureNodes[Int(core.rejectedNodeStart) + $0] },
            limit: limitSite)
        if let known = writer.shapeIndex[shape] {
            writer.coreShapes.append(known)
        } else {
            let id = UInt32(writer.shapeKeys.count)
            writer.shapeIndex[shape] = id
            writer.shapeKeys.append(shape)
            writer.coreShapes.append(id)
        }
    }

    /// The writer's reference to an epoch alias's text.
    private func text(_ alias: Int32, _ writer: inout OutcomeWriter) -> UInt32 {
        if Int(alias) < writer.epochText.count, writer.epochText[Int(alias)] >= 0 { return UInt32(writer.epochText[Int(alias)]) }
        if Int(alias) >= writer.epochText.count { writer.epochText.append(contentsOf: repeatElement(-1, count: Int(alias) + 1 - writer.epochText.count)) }
        let id = writer.textEnds.count
        aliases.withBytes(alias) { writer.textBytes.append(contentsOf: $0) }
        writer.textEnds.append(UInt32(writer.textBytes.count))
        writer.epochText[Int(alias)] = Int32(id)
        return UInt32(id)
    }
}

/// A worker's outcomes once it has finished: read-only, shared by every reader.
final class OutcomeStore: Sendable {
    let worker: Int
    private let textBytes: [UInt8]
    private let textEnds: [UInt32]
    let cores: [StoredCore]
    private let landings: [StoredLanding]
    private let failureNodes: [Int32]
    private let limits: [StoredLimit]
    private let routeSetStarts: [UInt32]
    private let routeIDs: [Int32]
    private let routeHops: [HopRow]
    private let routeTails: [Int32]
    let coreShapes: [UInt32]
    let shapeKeys: [ShapeKey]

    static let workerShift: UInt32 = 26
    static let indexMask: UInt32 = (1 << workerShift) - 1
    /// The most workers references can tell apart.
    static let maxWorkers = 64

    /// The finished `writer`, whose route ids refer to `routes`.
    init(_ writer: OutcomeWriter, routes: RouteTable) {
        worker = writer.worker
        textBytes = writer.textBytes
        textEnds = writer.textEnds
        cores = writer.cores
        landings = writer.landings
        failureNodes = writer.failureNodes
        limits = writer.limits
        routeSetStarts = writer.routeSetStarts
        routeIDs = writer.routeIDs
        routeHops = routes.hops
        routeTails = routes.tails
        coreShapes = writer.coreShapes
        shapeKeys = writer.shapeKeys
    }

    // MARK: Reading

    func text(_ id: UInt32) -> String {
        let start = id == 0 ? 0 : Int(textEnds[Int(id) - 1])
        let end = Int(textEnds[Int(id)])
        return textBytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    /// The facts `VerdictRule` reads, for core `index`.
    @inline(__always)
    func facts(_ index: Int, tables: RoutingTables) -> CoreFacts {
        CoreFacts(core: cores[index], landings: landings, tables: tables)
    }

    /// The nodes of core `index`'s landings, in search order.
    func nodes(ofCore index: Int) -> [Int32] {
        let core = cores[index]
        return (0..<Int(core.landingCount)).map { landings[Int(core.landingStart) + $0].node }
    }

    /// The public outcome of core `index` with route set `routeSet` (both of this store), for the call of
    /// `dialled`; `rename` turns a VCS hop's rule into the calling site's own (see `SubzoneClasses`).
    func outcome(core index: Int, routeSet: Int, dialled: String, plan: DialPlan, rename: (HopRow) -> HopRow) -> CallOutcome {
        let core = cores[index]
        let start = Int(routeSetStarts[routeSet])
        func hops(_ route: Int32) -> [Hop] {
            var hops: [Hop] = []
            var current = route
            while current >= 0 {
                hops.append(rename(routeHops[Int(current)]).hop)
                current = routeTails[Int(current)]
            }
            return hops
        }
        var outcomeLandings: [Landing] = []
        for offset in 0..<Int(core.landingCount) {
            let landing = landings[Int(core.landingStart) + offset]
            let decision = DecisionCode(raw: landing.decision)
            let pexip: PexipDecision
            if let service = decision.service {
                pexip = .service(ServiceID(service))
            } else if let rule = decision.gatewayRule {
                let info = plan.gatewayRules[rule]
                pexip = .gatewayRule(GatewayRuleID(rule), OutgoingCall(
                    alias: text(landing.outgoing), callProtocol: info.outgoingProtocol, location: LocationID(rawValue: landing.outgoingLocation),
                    isAutomaticLocation: info.outgoingLocation == nil, calledDeviceType: info.calledDeviceType))
            } else {
                pexip = .rejected
            }
            outcomeLandings.append(Landing(node: NodeID(rawValue: landing.node), alias: text(landing.alias), decision: pexip, route: hops(routeIDs[start + offset])))
        }
        var failures: [Failure] = []
        let failureStart = start + Int(core.landingCount)
        if core.flags.contains(.rejected) {
            let nodes = (0..<Int(core.rejectedNodeCount)).map { NodeID(rawValue: failureNodes[Int(core.rejectedNodeStart) + $0]) }
            failures.append(Failure(kind: .rejected, route: hops(routeIDs[failureStart]), alias: text(core.rejectedAlias), nodes: nodes))
        }
        if core.flags.contains(.loop) {
            failures.append(Failure(kind: core.flags.contains(.hopLimit) ? .hopLimit : .loop, route: hops(routeIDs[failureStart + 1]), alias: text(core.loopAlias), nodes: []))
        }
        if core.flags.contains(.unrouted) {
            failures.append(Failure(kind: .unrouted, route: hops(routeIDs[failureStart + 2]), alias: text(core.unroutedAlias), nodes: []))
        }
        var limit: LimitHit?
        if core.flags.contains(.limit) {
            let stored = limits[Int(core.limit)]
            var site = stored.site
            if case .searchRule(let ref) = site {
                let renamed = rename(HopRow(cluster: ref.cluster.rawValue, transform: -1, rule: ref.rule.rawValue))
                site = .searchRule(SearchRuleRef(cluster: ref.cluster, rule: SearchRuleID(rawValue: renamed.rule)))
            }
            limit = LimitHit(site: site, alias: text(stored.alias))
        }
        return CallOutcome(dialled: dialled, landings: outcomeLandings, failures: failures, limit: limit)
    }

    /// The routes of route set `index` (landings', then the three failure slots), for grouping by route.
    func routeIDs(ofSet index: Int, landingCount: Int) -> ArraySlice<Int32> {
        let start = Int(routeSetStarts[index])
        return routeIDs[start..<(start + landingCount + 3)]
    }
}

/// An outcome without its routes, as plain integers (text references into the store).
struct StoredCore {
    struct Flags: OptionSet, Hashable {
        let rawValue: UInt16
        static let rejected = Flags(rawValue: 1)
        static let loop = Flags(rawValue: 2)
        static let hopLimit = Flags(rawValue: 4)
        static let unrouted = Flags(rawValue: 8)
        static let limit = Flags(rawValue: 16)
        /// The landings reach more than one service or Call Routing Rule.
        static let serviceAmbiguous = Flags(rawValue: 32)
        /// A dialled service alias failed as another alias: something rewrote it.
        static let rewrittenService = Flags(rawValue: 64)
    }

    var landingStart: UInt32
    var landingCount: UInt16
    var flags: Flags = []
    var rejectedNodeCount: UInt16 = 0
    var rejectedNodeStart: UInt32 = 0
    var rejectedAlias = UInt32.max
    var loopAlias = UInt32.max
    var unroutedAlias = UInt32.max
    var limit = UInt32.max

    init(landingStart: UInt32, landingCount: UInt16) {
        self.landingStart = landingStart
        self.landingCount = landingCount
    }
}

struct StoredLanding {
    var node: Int32
    var alias: UInt32
    var decision: Int32
    var outgoing: UInt32
    var outgoingLocation: Int32
}

struct StoredLimit {
    var site: PatternSite
    var alias: UInt32
}

/// What reports group calls by besides routes: the nodes landed on, how the call failed, the limit hit. Calls whose
/// outcomes share a shape (and routes) are misrouted for the same reason, whatever alias they dialled.
struct ShapeKey: Hashable {
    var flags: UInt16
    var nodes: [Int32]
    var rejectedNodes: [Int32]
    var limit: PatternSite?
}

/// A stored core as `VerdictRule` reads it.
struct CoreFacts: VerdictFacts {
    let core: StoredCore
    let landings: [StoredLanding]
    let tables: RoutingTables

    var hasLimit: Bool { core.flags.contains(.limit) }
    var landingCount: Int { Int(core.landingCount) }
    @inline(__always) func node(ofLanding index: Int) -> Int { Int(landings[Int(core.landingStart) + index].node) }
    @inline(__always) func location(ofLanding index: Int) -> Int { Int(tables.nodeLocation[node(ofLanding: index)]) }
    @inline(__always) func mediaLocation(ofLanding index: Int) -> Int { Int(tables.nodeMediaLocation[node(ofLanding: index)]) }
    func hasFailure(_ kind: Failure.Kind) -> Bool {
        switch kind {
        case .rejected: core.flags.contains(.rejected)
        case .loop: core.flags.contains(.loop) && !core.flags.contains(.hopLimit)
        case .hopLimit: core.flags.contains(.loop) && core.flags.contains(.hopLimit)
        case .unrouted: core.flags.contains(.unrouted)
        }
    }
}

/// Identity of an outcome within one epoch, from the engine's rows: up to four landings inline (the common case,
/// no allocation), more in an array.
struct CoreKey: Equatable {
    var count: Int32
    var first: (LandingRow, LandingRow, LandingRow, LandingRow)
    var more: [LandingRow]?
    var failures: [Int32]?
    var limit: Int32

    init(_ row: ResultRow, landingPool: [LandingRow], nodePool: [Int32]) {
        count = row.landingCount
        limit = row.limit
        let blank = LandingRow(node: -1, alias: -1, decision: .rejected, outgoing: -1, outgoingLocation: -1, route: 0)
        first = (blank, blank, blank, blank)
        more = nil
        failures = nil
        for offset in 0..<Int(row.landingCount) {
            var landing = landingPool[Int(row.landingStart) + offset]
            landing.route = 0
            switch offset {
            case 0: first.0 = landing
            case 1: first.1 = landing
            case 2: first.2 = landing
            case 3: first.3 = landing
            default: more = (more ?? []) + [landing]
            }
        }
        if row.landingCount == 0 {
            var values: [Int32] = []
            for failure in [row.rejected, row.loop, row.unrouted] {
                values.append(failure.alias)
                values.append(failure.hopLimit ? 1 : 0)
                values.append(failure.nodeCount)
                for node in 0..<Int(failure.nodeCount) { values.append(nodePool[Int(failure.nodeStart) + node]) }
            }
            failures = values
        }
    }

    static func == (lhs: CoreKey, rhs: CoreKey) -> Bool {
        lhs.count == rhs.count && lhs.limit == rhs.limit && lhs.first.0 == rhs.first.0 && lhs.first.1 == rhs.first.1
            && lhs.first.2 == rhs.first.2 && lhs.first.3 == rhs.first.3 && lhs.more == rhs.more && lhs.failures == rhs.failures
    }

    /// The `FastTable` hash.
    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, count)
        mix(&hash, limit)
        first.0.mixed(into: &hash)
        first.1.mixed(into: &hash)
        first.2.mixed(into: &hash)
        first.3.mixed(into: &hash)
        for landing in more ?? [] { landing.mixed(into: &hash) }
        for value in failures ?? [] { mix(&hash, value) }
        return finish(hash)
    }
}

/// Identity of a route set in one engine: the interned route of each landing (four inline) and of each failure.
struct RouteSetKey: Equatable {
    var count: Int32
    var r0: Int32 = -1, r1: Int32 = -1, r2: Int32 = -1, r3: Int32 = -1
    var more: [Int32]?
    var rejected: Int32, loop: Int32, unrouted: Int32

    init(_ row: ResultRow, landingPool: [LandingRow]) {
        count = row.landingCount
        more = nil
        for offset in 0..<Int(row.landingCount) {
            let route = landingPool[Int(row.landingStart) + offset].route
            switch offset {
            case 0: r0 = route
            case 1: r1 = route
            case 2: r2 = route
            case 3: r3 = route
            default: more = (more ?? []) + [route]
            }
        }
        rejected = row.rejected.isPresent ? row.rejected.route : -2
        loop = row.loop.isPresent ? row.loop.route : -2
        unrouted = row.unrouted.isPresent ? row.unrouted.route : -2
    }

    /// The `FastTable` hash.
    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, count)
        mix(&hash, r0)
        mix(&hash, r1)
        mix(&hash, r2)
        mix(&hash, r3)
        mix(&hash, rejected)
        mix(&hash, loop)
        mix(&hash, unrouted)
        for value in more ?? [] { mix(&hash, value) }
        return finish(hash)
    }
}

extension LandingRow {
    @inline(__always)
    func mixed(into hash: inout UInt64) {
        mix(&hash, node)
        mix(&hash, alias)
        mix(&hash, decision.raw)
        mix(&hash, outgoing)
        mix(&hash, outgoingLocation)
        mix(&hash, route)
    }
}
