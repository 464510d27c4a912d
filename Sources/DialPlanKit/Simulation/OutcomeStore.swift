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

    // Per epoch: text references of epoch aliases; cores stored so far, by the engine result that made each.
    var epochText: [Int32] = []
    var epochCores = IndexTable()
    var epochCoreResults: [Int32] = []
    var epochCoreIndices: [Int32] = []
    /// Route sets, across epochs (routes do not depend on the alias).
    var routeSetIndex = IndexTable(capacity: 1024)

    init(worker: Int) {
        self.worker = worker
    }

    /// A reference to entry `index` of this store.
    @inline(__always)
    func reference(_ index: Int) -> UInt32 {
        // 2^26 cores or route sets per worker: beyond that references would collide.
        precondition(index <= Int(OutcomeStore.indexMask), "more outcomes than a store can tell apart")
        return UInt32(worker) << OutcomeStore.workerShift | UInt32(index)
    }

    /// Starts a new dialled alias.
    mutating func begin() {
        epochText.removeAll(keepingCapacity: true)
        epochCores.removeAll()
        epochCoreResults.removeAll(keepingCapacity: true)
        epochCoreIndices.removeAll(keepingCapacity: true)
    }
}

extension SearchEngine {
    /// Stores the outcome of result `result` (deduplicated within the epoch) and its route set in `writer`;
    /// returns references to both. `dialledIsService`: whether the dialled alias is a service alias (for blame).
    func store(_ result: Int32, in writer: inout OutcomeWriter, dialled: Int32, dialledIsService: Bool) -> (core: UInt32, routes: UInt32) {
        let row = results[Int(result)]
        // Cores are deduplicated in place: a new result is compared with the results that made this epoch's cores.
        let hash = coreHash(row)
        let core: Int
        if let entry = writer.epochCores.find(hash, { sameCore(row, results[Int(writer.epochCoreResults[Int($0)])]) }) {
            core = Int(writer.epochCoreIndices[Int(entry)])
        } else {
            core = writer.cores.count
            appendCore(row, to: &writer, dialled: dialled, dialledIsService: dialledIsService)
            writer.epochCores.insert(hash, Int32(writer.epochCoreResults.count))
            writer.epochCoreResults.append(result)
            writer.epochCoreIndices.append(Int32(core))
        }
        // Route sets are compared with the routes already stored.
        let routeHash = routeSetHash(row)
        let routeSet: Int
        if let known = writer.routeSetIndex.find(routeHash, { sameRoutes(row, writer, set: Int($0)) }) {
            routeSet = Int(known)
        } else {
            routeSet = writer.routeSetStarts.count
            writer.routeSetStarts.append(UInt32(writer.routeIDs.count))
            for offset in 0..<Int(row.landingCount) { writer.routeIDs.append(landingPool[Int(row.landingStart) + offset].route) }
            writer.routeIDs.append(row.rejected.isPresent ? row.rejected.route : -1)
            writer.routeIDs.append(row.loop.isPresent ? row.loop.route : -1)
            writer.routeIDs.append(row.unrouted.isPresent ? row.unrouted.route : -1)
            writer.routeSetIndex.insert(routeHash, Int32(routeSet))
        }
        return (writer.reference(core), writer.reference(routeSet))
    }

    /// What makes two results one outcome within an epoch: their landings without routes (node, alias, decision,
    /// outgoing call), the limit hit, and when nothing landed, their failures.
    private func coreHash(_ row: ResultRow) -> UInt64 {
        var hash = mixSeed
        mix(&hash, row.landingCount)
        mix(&hash, row.limit)
        for offset in 0..<Int(row.landingCount) {
            let landing = landingPool[Int(row.landingStart) + offset]
            mix(&hash, landing.node)
            mix(&hash, landing.alias)
            mix(&hash, landing.decision.raw)
            mix(&hash, landing.outgoing)
            mix(&hash, landing.outgoingLocation)
            mix(&hash, landing.leg)
        }
        if row.landingCount == 0 {
            for failure in [row.rejected, row.loop, row.unrouted] {
                mix(&hash, failure.alias)
                mix(&hash, failure.hopLimit ? 1 : 0)
                mix(&hash, failure.cycleLength)
                mix(&hash, failure.nodeCount)
            }
        }
        return finish(hash)
    }

    private func sameCore(_ a: ResultRow, _ b: ResultRow) -> Bool {
        guard a.landingCount == b.landingCount, a.limit == b.limit else { return false }
        for offset in 0..<Int(a.landingCount) {
            let x = landingPool[Int(a.landingStart) + offset]
            let y = landingPool[Int(b.landingStart) + offset]
            guard x.node == y.node, x.alias == y.alias, x.decision == y.decision, x.outgoing == y.outgoing, x.outgoingLocation == y.outgoingLocation, x.leg == y.leg else { return false }
        }
        guard a.landingCount == 0 else { return true }
        for (x, y) in [(a.rejected, b.rejected), (a.loop, b.loop), (a.unrouted, b.unrouted)] {
            guard x.alias == y.alias, x.hopLimit == y.hopLimit, x.cycleLength == y.cycleLength, x.nodeCount == y.nodeCount else { return false }
            for node in 0..<Int(x.nodeCount) where nodePool[Int(x.nodeStart) + node] != nodePool[Int(y.nodeStart) + node] { return false }
        }
        return true
    }

    /// The routes of a result: one per landing, then the rejected, loop and unrouted failure's (-1 when absent).
    private func routeSetHash(_ row: ResultRow) -> UInt64 {
        var hash = mixSeed
        mix(&hash, row.landingCount)
        for offset in 0..<Int(row.landingCount) { mix(&hash, landingPool[Int(row.landingStart) + offset].route) }
        mix(&hash, row.rejected.isPresent ? row.rejected.route : -1)
        mix(&hash, row.loop.isPresent ? row.loop.route : -1)
        mix(&hash, row.unrouted.isPresent ? row.unrouted.route : -1)
        return finish(hash)
    }

    private func sameRoutes(_ row: ResultRow, _ writer: OutcomeWriter, set: Int) -> Bool {
        let start = Int(writer.routeSetStarts[set])
        let end = set + 1 < writer.routeSetStarts.count ? Int(writer.routeSetStarts[set + 1]) : writer.routeIDs.count
        let count = Int(row.landingCount)
        guard end - start == count + 3 else { return false }
        let stored = writer.routeIDs
        for offset in 0..<count where stored[start + offset] != landingPool[Int(row.landingStart) + offset].route { return false }
        return stored[start + count] == (row.rejected.isPresent ? row.rejected.route : -1)
            && stored[start + count + 1] == (row.loop.isPresent ? row.loop.route : -1)
            && stored[start + count + 2] == (row.unrouted.isPresent ? row.unrouted.route : -1)
    }

    private func appendCore(_ row: ResultRow, to writer: inout OutcomeWriter, dialled: Int32, dialledIsService: Bool) {
        var core = StoredCore(landingStart: UInt32(writer.landings.count), landingCount: UInt16(clamping: row.landingCount))
        var services: [DecisionCode] = []
        for offset in 0..<Int(row.landingCount) {
            let landing = landingPool[Int(row.landingStart) + offset]
            writer.landings.append(StoredLanding(
                node: landing.node, alias: text(landing.alias, &writer), decision: landing.decision.raw,
                outgoing: landing.outgoing >= 0 ? text(landing.outgoing, &writer) : UInt32.max, outgoingLocation: landing.outgoingLocation, leg: landing.leg))
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
        core.loopCycleLength = UInt16(clamping: row.loop.cycleLength)
        core.unroutedAlias = failure(row.unrouted, .unrouted)
        if row.rejected.isPresent {
            core.rejectedNodeStart = UInt32(writer.failureNodes.count)
            core.rejectedNodeCount = UInt16(clamping: row.rejected.nodeCount)
            for offset in 0..<Int(row.rejected.nodeCount) { writer.failureNodes.append(nodePool[Int(row.rejected.nodeStart) + offset]) }
        }
        var limitReason: LimitHit.Reason?
        if row.limit >= 0 {
            let hit = limits[Int(row.limit)]
            core.flags.insert(.limit)
            core.limit = UInt32(writer.limits.count)
            writer.limits.append(StoredLimit(reason: hit.reason, alias: text(hit.alias, &writer)))
            limitReason = hit.reason
        }
        writer.cores.append(core)
        let shape = ShapeKey(
            flags: core.flags.rawValue,
            cycleLength: core.loopCycleLength,
            nodes: (0..<Int(row.landingCount)).map { landingPool[Int(row.landingStart) + $0].node },
            legs: (0..<Int(row.landingCount)).map { landingPool[Int(row.landingStart) + $0].leg },
            rejectedNodes: (0..<Int(core.rejectedNodeCount)).map { writer.failureNodes[Int(core.rejectedNodeStart) + $0] },
            limit: limitReason)
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

    /// A reference to entry `index` of this store.
    @inline(__always)
    func reference(_ index: Int) -> UInt32 { UInt32(worker) << OutcomeStore.workerShift | UInt32(index) }

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

    /// The (leg, node) of core `index`'s landings, in search order.
    func legs(ofCore index: Int) -> [(leg: Int32, node: Int32)] {
        let core = cores[index]
        return (0..<Int(core.landingCount)).map { (landings[Int(core.landingStart) + $0].leg, landings[Int(core.landingStart) + $0].node) }
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
            outcomeLandings.append(Landing(
                node: NodeID(rawValue: landing.node), sender: SignallingLeg.sender(landing.leg), alias: text(landing.alias), decision: pexip,
                route: hops(routeIDs[start + offset])))
        }
        var failures: [Failure] = []
        let failureStart = start + Int(core.landingCount)
        if core.flags.contains(.rejected) {
            let nodes = (0..<Int(core.rejectedNodeCount)).map { NodeID(rawValue: failureNodes[Int(core.rejectedNodeStart) + $0]) }
            failures.append(Failure(kind: .rejected, route: hops(routeIDs[failureStart]), alias: text(core.rejectedAlias), nodes: nodes))
        }
        if core.flags.contains(.loop) {
            let route = hops(routeIDs[failureStart + 1])
            let cycleStart = core.loopCycleLength > 0 ? route.count - 1 - Int(core.loopCycleLength) : nil
            failures.append(Failure(kind: core.flags.contains(.hopLimit) ? .hopLimit : .loop, route: route, alias: text(core.loopAlias), nodes: [], cycleStart: cycleStart))
        }
        if core.flags.contains(.unrouted) {
            failures.append(Failure(kind: .unrouted, route: hops(routeIDs[failureStart + 2]), alias: text(core.unroutedAlias), nodes: []))
        }
        var limit: LimitHit?
        if core.flags.contains(.limit) {
            let stored = limits[Int(core.limit)]
            var reason = stored.reason
            if case .regex(.searchRule(let ref)) = reason {
                let renamed = rename(HopRow(cluster: ref.cluster.rawValue, transform: -1, rule: ref.rule.rawValue))
                reason = .regex(.searchRule(SearchRuleRef(cluster: ref.cluster, rule: SearchRuleID(rawValue: renamed.rule))))
            }
            limit = LimitHit(reason: reason, alias: text(stored.alias))
        }
        return CallOutcome(dialled: dialled, landings: outcomeLandings, failures: failures, limit: limit)
    }

    var routeSetCount: Int { routeSetStarts.count }

    /// Route set `index` as plain hops, the same in every store for the same routes: each route's hops (cluster,
    /// transform, rule, interworking), ended by a separator, for the landings and then the three failure slots.
    func routeSetSignature(_ index: Int) -> [Int32] {
        let start = Int(routeSetStarts[index])
        let end = index + 1 < routeSetStarts.count ? Int(routeSetStarts[index + 1]) : routeIDs.count
        var signature: [Int32] = []
        for slot in start..<end {
            var current = routeIDs[slot]
            while current >= 0 {
                let hop = routeHops[Int(current)]
                signature += [hop.cluster, hop.transform, hop.rule, Int32(hop.interworkedTo)]
                current = routeTails[Int(current)]
            }
            signature.append(Int32.min)
        }
        return signature
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
    var loopCycleLength: UInt16 = 0
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
    /// `SignallingLeg`.
    var leg: Int32
}

struct StoredLimit {
    var reason: LimitHit.Reason
    var alias: UInt32
}

/// What reports group calls by besides routes: the nodes landed on, how the call failed, the limit hit. Calls whose
/// outcomes share a shape (and routes) are misrouted for the same reason, whatever alias they dialled.
struct ShapeKey: Hashable {
    var flags: UInt16
    var cycleLength: UInt16
    var nodes: [Int32]
    /// Who handed the call to each landing node (`SignallingLeg`): the call-control leg's network verdict depends
    /// on it.
    var legs: [Int32]
    var rejectedNodes: [Int32]
    var limit: LimitHit.Reason?
}

/// A stored core as `VerdictRule` reads it.
struct CoreFacts: VerdictFacts {
    let core: StoredCore
    let landings: [StoredLanding]
    let tables: RoutingTables

    var hasLimit: Bool { core.flags.contains(.limit) }
    var landingCount: Int { Int(core.landingCount) }
    @inline(__always) func node(ofLanding index: Int) -> Int { Int(landings[Int(core.landingStart) + index].node) }
    @inline(__always) func leg(ofLanding index: Int) -> Int32 { landings[Int(core.landingStart) + index].leg }
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

