import Dispatch
import Foundation
import Synchronization

/// An alias dialled in the simulation: a service alias, or a probe from the plan.
public struct DialledAlias: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        /// Index into `services`.
        case service(Int)
        case probe
        /// Given by the caller (a batch test's alias or sample).
        case extra
    }

    public var alias: String
    public var origin: Origin
}

/// One simulated call: a site, an alias, a protocol, and what happened.
public struct SimulatedCall: Sendable {
    public var site: Int
    public var alias: Int
    public var callProtocol: CallProtocol
    public var verdict: Verdict
    public var outcome: CallOutcome
}

/// Every call from every site to every alias, simulated.
///
/// Sites that register to the same cluster and subzone place identical calls, so calls are simulated once per
/// entry point (cluster + subzone) and protocol. Each (entry point, protocol, alias) cell holds two numbers: the
/// outcome without its route (shared by every entry point where the alias lands the same way) and the set of
/// routes (shared across aliases). A site's verdict comes from the outcome's locations and the site's own.
public final class Simulation: Sendable {
    public let tables: RoutingTables
    public var plan: DialPlan { tables.plan }
    /// Every alias dialled: all service aliases, then the probes.
    public let aliases: [DialledAlias]
    /// The protocols simulated, in column order.
    public let protocols: [CallProtocol]
    /// Per site: its entry point.
    let siteEntry: [Int]
    let entries: [Entry]
    /// Outcomes without routes, and for each a compact verdict basis.
    let cores: [CallOutcome]
    let coreBasis: [VerdictBasis]
    let routeSets: [RouteSet]
    /// `cells[(entry * protocols.count + column) * aliases.count + alias]`: core and route set, or `UInt32.max`.
    let cells: CellStorage
    var coreCells: UnsafeMutableBufferPointer<UInt32> { cells.cores }
    var routeCells: UnsafeMutableBufferPointer<UInt32> { cells.routes }
    /// Per site: a flag per location, true when the location is local to the site.
    let localFlags: [[Bool]]

    /// Where a site's calls start: its cluster and subzone, and for Skype users their pool.
    struct Entry: Hashable {
        var cluster: Int
        var subzone: Int
        var pool: Int?
    }

    /// What a site's verdict needs from an outcome, without references.
    struct VerdictBasis {
        /// The verdict when nothing landed (or `.error`), else `.local` as a marker that locations decide.
        var unlanded: Verdict
        var locationStart: Int32
        var locationCount: Int32
        var nodeStart: Int32
        var nodeCount: Int32
    }

    /// Landing nodes of every core, flat.
    let nodePool: [Int]
    /// Per core: cores that landed on the same nodes (no limit hit) share a shape, since why a landed call is not
    /// local depends on where it landed and by which route, not on the alias. Other cores get their own shape.
    let coreShape: [UInt32]
    /// Mesh and reachability verdicts, when the plan describes its network.
    let network: NetworkVerdicts?

    /// The routes of an outcome's landings and failures, in the outcome's own order.
    struct RouteSet: Hashable {
        var landings: [[Hop]]
        var failures: [[Hop]]
    }

    /// Locations of every core, flat.
    let locationPool: [Int32]

    /// What the calls used, over all of them.
    public let coverage: Coverage

    /// Every alias `plan` dials: all service aliases, then the probes.
    public static func planAliases(_ plan: DialPlan) -> [DialledAlias] {
        var aliases: [DialledAlias] = []
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { aliases.append(DialledAlias(alias: alias.alias, origin: .service(index))) }
        }
        for probe in plan.probes { aliases.append(DialledAlias(alias: probe.alias, origin: .probe)) }
        return aliases
    }

    /// Simulates every call of `plan` on `workers` threads (default: every core): every site dials every alias
    /// (default: the plan's service aliases and probes) over each protocol it uses.
    public init(plan: DialPlan, aliases: [DialledAlias]? = nil, workers: Int? = nil) {
        let tables = RoutingTables(plan: plan)
        self.tables = tables
        let aliases = aliases ?? Simulation.planAliases(plan)
        self.aliases = aliases

        var entries: [Entry] = []
        var entryIndex: [Entry: Int] = [:]
        var siteEntry: [Int] = []
        var protocolSet = Set<CallProtocol>()
        for site in plan.sites {
            let entry = Entry(cluster: site.registersTo, subzone: site.subzone, pool: site.sfbPool)
            if entryIndex[entry] == nil {
                entryIndex[entry] = entries.count
                entries.append(entry)
            }
            siteEntry.append(entryIndex[entry]!)
            protocolSet.formUnion(site.protocols)
        }
        let protocols = CallProtocol.allCases.filter(protocolSet.contains)
        self.protocols = protocols
        self.entries = entries
        self.siteEntry = siteEntry
        localFlags = plan.sites.map { site in
            var flags = [Bool](repeating: false, count: plan.locations.count)
            for location in site.localLocations { flags[location] = true }
            return flags
        }
        var needed = [Bool](repeating: false, count: entries.count * protocols.count)
        for (siteIndex, site) in plan.sites.enumerated() {
            for callProtocol in site.protocols {
                needed[siteEntry[siteIndex] * protocols.count + protocols.firstIndex(of: callProtocol)!] = true
            }
        }
        let run = SimulationRun(tables: tables, aliases: aliases, entries: entries, protocols: protocols, needed: needed)
        run.execute(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        cores = run.cores
        coverage = run.coverage
        routeSets = run.routeSets
        cells = run.cells
        var pool: [Int32] = []
        var nodes: [Int] = []
        coreBasis = run.cores.map { core in
            let start = Int32(pool.count)
            let nodeStart = Int32(nodes.count)
            pool.append(contentsOf: core.locations.map(Int32.init))
            nodes.append(contentsOf: core.landings.map(\.node))
            let unlanded: Verdict = core.limit != nil ? .error : core.landings.isEmpty ? core.verdict(isLocal: []) : .local
            return VerdictBasis(
                unlanded: unlanded, locationStart: start, locationCount: Int32(core.locations.count),
                nodeStart: nodeStart, nodeCount: Int32(core.landings.count))
        }
        locationPool = pool
        nodePool = nodes
        var shapes: [[Int]: UInt32] = [:]
        var nextShape = UInt32(run.cores.count)
        coreShape = run.cores.enumerated().map { index, core in
            guard !core.landings.isEmpty, core.limit == nil else { return UInt32(index) }
            let key = core.landings.map(\.node)
            if let known = shapes[key] { return known }
            shapes[key] = nextShape
            nextShape += 1
            return nextShape - 1
        }
        // The nodes each entry point's calls land on, per protocol: what the network checks need.
        var entryNodes: [[Set<Int>]] = Array(repeating: Array(repeating: [], count: protocols.count), count: entries.count)
        if plan.network != nil {
            let cells = run.cells.cores
            let basis = coreBasis
            let aliasCount = aliases.count
            // A stamp per core instead of a set: tens of millions of cells, each read once.
            var seen = [Int32](repeating: -1, count: run.cores.count)
            var stamp: Int32 = 0
            for entry in entries.indices {
                for column in protocols.indices {
                    let row = (entry * protocols.count + column) * aliasCount
                    for alias in 0..<aliasCount {
                        let core = cells[row + alias]
                        guard core != UInt32.max, seen[Int(core)] != stamp else { continue }
                        seen[Int(core)] = stamp
                        let item = basis[Int(core)]
                        for offset in 0..<Int(item.nodeCount) { entryNodes[entry][column].insert(nodes[Int(item.nodeStart) + offset]) }
                    }
                    stamp += 1
                }
            }
        }
        network = NetworkVerdicts(plan: plan, protocols: protocols) { site, column in entryNodes[siteEntry[site]][column] }
    }

    /// How many distinct outcomes (without routes) and distinct route sets the calls share.
    public var distinctOutcomes: (outcomes: Int, routeSets: Int) { (cores.count, routeSets.count) }

    /// Number of simulated calls (sites × their protocols × aliases; Skype users only call aliases with a domain).
    public var callCount: Int {
        let skypeDialable = aliases.filter { PexipAlias.domain(of: $0.alias) != nil }.count
        return plan.sites.reduce(0) { total, site in
            total + site.protocols.reduce(0) { $0 + ($1 == .mssip ? skypeDialable : aliases.count) }
        }
    }

    /// The cell of a call, when the site uses that protocol.
    @inline(__always)
    func cell(site: Int, alias: Int, protocol callProtocol: CallProtocol) -> Int? {
        guard let column = protocols.firstIndex(of: callProtocol), plan.sites[site].protocols.contains(callProtocol) else { return nil }
        let cell = (siteEntry[site] * protocols.count + column) * aliases.count + alias
        return coreCells[cell] == UInt32.max ? nil : cell
    }

    /// What happened to the call `site` places to alias number `alias` over `callProtocol` (nil when the site does
    /// not use that protocol).
    public func outcome(site: Int, alias: Int, protocol callProtocol: CallProtocol) -> CallOutcome? {
        cell(site: site, alias: alias, protocol: callProtocol).map(outcome(cell:))
    }

    /// The verdict of a call (nil when the site does not use that protocol).
    public func verdict(site: Int, alias: Int, protocol callProtocol: CallProtocol) -> Verdict? {
        cell(site: site, alias: alias, protocol: callProtocol).map { verdict(site: site, cell: $0) }
    }

    /// The verdict of the call in `cell`, placed by `site`.
    @inline(__always)
    func verdict(site: Int, cell: Int) -> Verdict {
        let column = (cell / aliases.count) % protocols.count
        return verdict(site: site, core: Int(coreCells[cell]), column: column)
    }

    /// The outcome of a cell, with its routes.
    func outcome(cell: Int) -> CallOutcome {
        var outcome = cores[Int(coreCells[cell])]
        let routes = routeSets[Int(routeCells[cell])]
        for index in outcome.landings.indices { outcome.landings[index].route = routes.landings[index] }
        for index in outcome.failures.indices { outcome.failures[index].route = routes.failures[index] }
        outcome.landings.sort { ($0.node, $0.route.count) < ($1.node, $1.route.count) }
        return outcome
    }

    /// A site's verdict for a core outcome placed over protocol `column`, without touching reference-counted
    /// storage: routing decides local/remote/ambiguous, then the network may turn a local call into `mesh-broken`
    /// or `blocked`.
    @inline(__always)
    func verdict(site: Int, core: Int, column: Int) -> Verdict {
        let basis = coreBasis[core]
        guard basis.unlanded == .local else { return basis.unlanded }
        let routed = localFlags[site].withUnsafeBufferPointer { flags in
            var local = 0
            for offset in 0..<Int(basis.locationCount) where flags[Int(locationPool[Int(basis.locationStart) + offset])] {
                local += 1
            }
            return local == Int(basis.locationCount) ? Verdict.local : local == 0 ? .remote : .ambiguous
        }
        guard routed == .local, let network else { return routed }
        return network.adjust(site: site, column: column, nodes: nodePool[Int(basis.nodeStart)..<Int(basis.nodeStart + basis.nodeCount)])
    }

    /// Visits every call: sites in plan order, then aliases, then protocols.
    public func forEachCall(_ body: (SimulatedCall) throws -> Void) rethrows {
        for site in plan.sites.indices {
            let siteProtocols = protocols.filter(plan.sites[site].protocols.contains)
            for alias in aliases.indices {
                for callProtocol in siteProtocols {
                    guard let cell = cell(site: site, alias: alias, protocol: callProtocol) else { continue }
                    try body(SimulatedCall(
                        site: site, alias: alias, callProtocol: callProtocol,
                        verdict: verdict(site: site, cell: cell), outcome: outcome(cell: cell)))
                }
            }
        }
    }
}

/// One parallel run: aliases are handed out in chunks to worker threads; each has its own engine and tables, and
/// the tables are concatenated at the end.
private final class SimulationRun: @unchecked Sendable {
    let tables: RoutingTables
    let aliases: [DialledAlias]
    let entries: [Simulation.Entry]
    let protocols: [CallProtocol]
    let needed: [Bool]
    let chunkSize = 16
    let chunkCount: Int
    let cellCount: Int

    /// Written by the workers (each to the cells of its own chunks), then renumbered in place by `merge`.
    let cells: CellStorage
    private var coreBuffer: UnsafeMutableBufferPointer<UInt32> { cells.cores }
    private var routeBuffer: UnsafeMutableBufferPointer<UInt32> { cells.routes }
    private let owner: UnsafeMutableBufferPointer<Int32>
    private let lock = NSLock()
    private var workerCores: [[CallOutcome]] = []
    private var workerRouteSets: [[Simulation.RouteSet]] = []

    private(set) var cores: [CallOutcome] = []
    private(set) var routeSets: [Simulation.RouteSet] = []
    private(set) var coverage: Coverage

    init(tables: RoutingTables, aliases: [DialledAlias], entries: [Simulation.Entry], protocols: [CallProtocol], needed: [Bool]) {
        self.tables = tables
        self.aliases = aliases
        self.entries = entries
        self.protocols = protocols
        self.needed = needed
        chunkCount = (aliases.count + chunkSize - 1) / chunkSize
        cellCount = entries.count * protocols.count * aliases.count
        cells = CellStorage(count: cellCount)
        coverage = Coverage(tables: tables)
        owner = .allocate(capacity: max(chunkCount, 1))
        owner.initialize(repeating: 0)
    }

    deinit { owner.deallocate() }

    func execute(workers requested: Int) {
        let workers = max(1, min(requested, chunkCount))
        workerCores = Array(repeating: [], count: workers)
        workerRouteSets = Array(repeating: [], count: workers)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            work(worker: worker, next: next)
        }
        merge()
    }

    private func work(worker: Int, next: borrowing Atomic<Int>) {
        var engine = CallEngine(tables: tables)
        var cores: [CallOutcome] = []
        var routeSets: [Simulation.RouteSet] = []
        var epochCores = FastTable<CoreKey>()
        var routeSetIndex = FastTable<RouteSetKey>()
        let rowLength = aliases.count
        while true {
            let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard chunk < chunkCount else { break }
            owner[chunk] = Int32(worker)
            for alias in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliases.count) {
                engine.begin()
                epochCores.removeAll()
                let text = aliases[alias].alias
                let aliasID = engine.intern(text)
                // Skype users dial SIP URIs; an alias without a domain is not something they can call. [MS]
                let skypeDialable = PexipAlias.domain(of: text) != nil
                for (entryIndex, entry) in entries.enumerated() {
                    for column in protocols.indices where needed[entryIndex * protocols.count + column] {
                        if protocols[column] == .mssip && !skypeDialable { continue }
                        let result = engine.simulate(aliasID: aliasID, cluster: entry.cluster, subzone: entry.subzone, pool: entry.pool, protocol: protocols[column])
                        let row = engine.results[Int(result)]
                        let coreKey = engine.coreKey(for: row)
                        let coreHash = coreKey.fastHash
                        let core: UInt32
                        if let known = epochCores.value(for: coreKey, hash: coreHash) {
                            core = UInt32(known)
                        } else {
                            core = UInt32(cores.count)
                            var outcome = engine.outcome(of: result, dialled: text, sorted: false)
                            for index in outcome.landings.indices { outcome.landings[index].route = [] }
                            for index in outcome.failures.indices { outcome.failures[index].route = [] }
                            cores.append(outcome)
                            epochCores.insert(coreKey, hash: coreHash, value: Int32(bitPattern: core))
                        }
                        let routeKey = engine.routeSetKey(for: row)
                        let routeHash = routeKey.fastHash
                        let routeSet: UInt32
                        if let known = routeSetIndex.value(for: routeKey, hash: routeHash) {
                            routeSet = UInt32(known)
                        } else {
                            routeSet = UInt32(routeSets.count)
                            let outcome = engine.outcome(of: result, dialled: text, sorted: false)
                            routeSets.append(Simulation.RouteSet(landings: outcome.landings.map(\.route), failures: outcome.failures.map(\.route)))
                            routeSetIndex.insert(routeKey, hash: routeHash, value: Int32(routeSet))
                        }
                        let slot = (entryIndex * protocols.count + column) * rowLength + alias
                        coreBuffer[slot] = core
                        routeBuffer[slot] = routeSet
                    }
                }
            }
        }
        lock.withLock {
            workerCores[worker] = cores
            workerRouteSets[worker] = routeSets
            coverage.formUnion(engine.coverage)
        }
    }

    /// Concatenates the workers' cores, merges their route sets, and renumbers each chunk's cells.
    private func merge() {
        var coreOffset: [UInt32] = []
        for list in workerCores {
            coreOffset.append(UInt32(cores.count))
            cores.append(contentsOf: list)
        }
        var index: [Simulation.RouteSet: UInt32] = [:]
        let remap = workerRouteSets.map { list in
            list.map { set -> UInt32 in
                if let known = index[set] { return known }
                index[set] = UInt32(routeSets.count)
                routeSets.append(set)
                return UInt32(routeSets.count - 1)
            }
        }
        let rowLength = aliases.count
        for row in 0..<(entries.count * protocols.count) where needed[row] {
            for chunk in 0..<chunkCount {
                let worker = Int(owner[chunk])
                let offset = coreOffset[worker]
                let map = remap[worker]
                for alias in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliases.count) {
                    let slot = row * rowLength + alias
                    guard coreBuffer[slot] != UInt32.max else { continue }
                    coreBuffer[slot] = coreBuffer[slot] &+ offset
                    routeBuffer[slot] = map[Int(routeBuffer[slot])]
                }
            }
        }
    }
}

/// The two numbers of every cell, in memory that is never copied (tens of millions of calls make hundreds of MB).
final class CellStorage: @unchecked Sendable {
    let cores: UnsafeMutableBufferPointer<UInt32>
    let routes: UnsafeMutableBufferPointer<UInt32>

    init(count: Int) {
        cores = .allocate(capacity: max(count, 1))
        cores.initialize(repeating: UInt32.max)
        routes = .allocate(capacity: max(count, 1))
        routes.initialize(repeating: UInt32.max)
    }

    deinit {
        cores.deallocate()
        routes.deallocate()
    }
}

/// Identity of an outcome within one epoch, from the engine's rows: up to four landings inline (the common case,
/// no allocation), more in an array.
struct CoreKey: Equatable {
    var count: Int32
    var first: LandingKey4
    var more: [LandingRow]?
    var failures: [Int32]?
    var limit: Int32

    init(_ row: ResultRow, landingPool: UnsafeBufferPointer<LandingRow>, nodePool: UnsafeBufferPointer<Int32>) {
        count = row.landingCount
        limit = row.limit
        first = LandingKey4()
        more = nil
        failures = nil
        for offset in 0..<Int(row.landingCount) {
            var landing = landingPool[Int(row.landingStart) + offset]
            landing.route = 0
            if offset < 4 { first[offset] = landing } else { more = (more ?? []) + [landing] }
        }
        if row.landingCount == 0 {
            var values: [Int32] = []
            for (_, failure) in row.failureSlots {
                values.append(failure.alias)
                values.append(failure.hopLimit ? 1 : 0)
                values.append(failure.nodeCount)
                for node in 0..<Int(failure.nodeCount) { values.append(nodePool[Int(failure.nodeStart) + node]) }
            }
            failures = values
        }
    }
}

extension CallEngine {
    /// The identity of a result's outcome within this epoch.
    func coreKey(for row: ResultRow) -> CoreKey {
        landingPool.withUnsafeBufferPointer { landings in
            nodePool.withUnsafeBufferPointer { nodes in CoreKey(row, landingPool: landings, nodePool: nodes) }
        }
    }

    /// The identity of a result's routes.
    func routeSetKey(for row: ResultRow) -> RouteSetKey {
        landingPool.withUnsafeBufferPointer { RouteSetKey(row, landingPool: $0) }
    }
}

extension LandingRow {
    @inline(__always)
    func mixed(into hash: inout UInt64) {
        mix(&hash, node)
        mix(&hash, alias)
        mix(&hash, decision)
        mix(&hash, outgoing)
        mix(&hash, route)
    }
}

extension CoreKey {
    static func == (lhs: CoreKey, rhs: CoreKey) -> Bool {
        lhs.count == rhs.count && lhs.limit == rhs.limit && lhs.first == rhs.first && lhs.more == rhs.more && lhs.failures == rhs.failures
    }

    /// The `FastTable` hash.
    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, count)
        mix(&hash, limit)
        first.a.mixed(into: &hash)
        first.b.mixed(into: &hash)
        first.c.mixed(into: &hash)
        first.d.mixed(into: &hash)
        for landing in more ?? [] { landing.mixed(into: &hash) }
        for value in failures ?? [] { mix(&hash, value) }
        return finish(hash)
    }
}

extension RouteSetKey {
    static func == (lhs: RouteSetKey, rhs: RouteSetKey) -> Bool {
        lhs.count == rhs.count && lhs.r0 == rhs.r0 && lhs.r1 == rhs.r1 && lhs.r2 == rhs.r2 && lhs.r3 == rhs.r3
            && lhs.rejected == rhs.rejected && lhs.loop == rhs.loop && lhs.unrouted == rhs.unrouted && lhs.more == rhs.more
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

/// Four landings inline.
struct LandingKey4: Equatable {
    var a = LandingRow(node: -1, alias: -1, decision: 0, outgoing: -1, route: 0)
    var b = LandingRow(node: -1, alias: -1, decision: 0, outgoing: -1, route: 0)
    var c = LandingRow(node: -1, alias: -1, decision: 0, outgoing: -1, route: 0)
    var d = LandingRow(node: -1, alias: -1, decision: 0, outgoing: -1, route: 0)

    subscript(index: Int) -> LandingRow {
        get { [a, b, c, d][index] }
        set {
            switch index {
            case 0: a = newValue
            case 1: b = newValue
            case 2: c = newValue
            default: d = newValue
            }
        }
    }
}

/// Identity of a route set in one engine: the interned route of each landing (four inline) and of each failure.
struct RouteSetKey: Equatable {
    var count: Int32
    var r0: Int32 = -1, r1: Int32 = -1, r2: Int32 = -1, r3: Int32 = -1
    var more: [Int32]?
    var rejected: Int32, loop: Int32, unrouted: Int32

    init(_ row: ResultRow, landingPool: UnsafeBufferPointer<LandingRow>) {
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
}
