import Foundation

/// An alias dialled in the simulation: a service alias, or a probe from the plan.
public struct DialledAlias: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        case service(ServiceID)
        case probe
        /// Given by the caller (a batch test's alias or sample, a diff's union of two plans).
        case extra
    }

    public var alias: String
    public var origin: Origin

    public init(alias: String, origin: Origin) {
        self.alias = alias
        self.origin = origin
    }
}

/// One simulated call: a site, an alias and a protocol. Small (8 bytes), so that reports can hold millions.
public struct CallRef: Sendable, Hashable, Comparable {
    let raw: UInt64

    init(site: Int, alias: Int, protocolIndex: Int) {
        raw = UInt64(site) << 42 | UInt64(protocolIndex) << 40 | UInt64(alias)
    }

    public var site: SiteID { SiteID(Int(raw >> 42)) }
    public var alias: DialledAliasID { DialledAliasID(Int(raw & (1 << 40 - 1))) }
    public var callProtocol: CallProtocol { CallProtocol.allCases[Int(raw >> 40 & 3)] }

    /// Plan order: site, alias, protocol.
    public static func < (lhs: CallRef, rhs: CallRef) -> Bool {
        (lhs.site, lhs.alias, lhs.callProtocol) < (rhs.site, rhs.alias, rhs.callProtocol)
    }
}

/// Calls that the simulation proves alike: the same verdict for the same reason, the same nodes and routes; they
/// differ only in the alias dialled and the site that dialled it. Reports explain a batch once.
public struct CallBatch: Sendable {
    public let decision: VerdictDecision
    public internal(set) var calls: [CallRef]

    public var verdict: Verdict { decision.verdict }
}

/// Every call from every site to every alias, simulated. Reports ask it questions (a call's outcome and verdict,
/// the calls by verdict, batches of calls alike, the counts) and never see how it keeps the answers.
///
/// Sites whose endpoints register to subzones of one class (see `SubzoneClasses`) place the same calls, so each
/// alias is searched once per class and protocol (a "row"); each (row, alias) cell keeps two references: the
/// outcome without its routes (shared by the cells where an alias lands the same way) and the set of routes
/// (shared across aliases). A site's verdict comes from the outcome, its own local locations and the network.
public final class Simulation: Sendable {
    public let tables: RoutingTables
    public var plan: DialPlan { tables.plan }
    /// Every alias dialled: all service aliases, then the probes (or what the caller gave).
    public let aliases: [DialledAlias]
    /// The protocols simulated, in column order.
    public let protocols: [CallProtocol]
    /// What the calls used, over all of them.
    public let coverage: Coverage
    /// The plan's network analysis, when it describes its network.
    public let network: NetworkAnalysis?
    /// The call-control clusters and pools that hand simulated calls to nodes but that the network does not place
    /// (no `call_control` entry, and no address that is or resolves to an IP address in a segment), so their legs
    /// are not judged. Plan order.
    public let unplacedCallControl: [UnplacedCallControl]
    /// Broken call-control legs that simulated calls use but whose verdicts name another problem first: each with
    /// the calls and the verdicts that hide it. Sender, then node, order.
    public let hiddenCallControl: [HiddenCallControlLeg]
    /// Sites' endpoints that cannot reach a landing node of their calls, where the calls' verdicts name another
    /// problem first: each with its calls and the verdicts that hide it. Site, node, protocol order.
    public let hiddenEndpoints: [HiddenEndpointLeg]
    /// Calls per verdict (every verdict present, zero when none).
    public let verdictCounts: [Verdict: Int]
    /// Number of simulated calls.
    public let callCount: Int

    /// Where calls start: a cluster and the subzone that stands for its class, or a Skype static routing
    /// configuration (with a pool that gets it).
    enum Entry: Hashable {
        case vcs(cluster: Int, source: CallSource, state: CallState)
        case skype(configuration: Int, pool: Int?)
    }

    struct Row: Hashable {
        var entry: Entry
        var callProtocol: CallProtocol
    }

    /// A site's row for one protocol, and the renaming of its own rules (-1: none).
    struct SiteColumn {
        var row: Int32
        var renaming: Int32
    }

    /// A member subzone's own rules for its representative's, at one cluster.
    struct Renaming {
        var cluster: Int32
        var map: [Int32: Int32]
    }

    /// Sites of one row that get the same verdicts: the same local locations and network facts. Each subgroup
    /// shares a renaming too (so its calls have the same routes).
    struct VerdictGroup {
        var localFlags: [Bool]
        var network: SiteNetwork?
        var subgroups: [(renaming: Int32, sites: [Int32])]
        var siteCount: Int
    }

    private let rows: [Row]
    private let stores: [OutcomeStore]
    private let cells: CellStorage
    /// `siteColumns[site][protocol index]`.
    private let siteColumns: [[SiteColumn]]
    private let renamings: [Renaming]
    private let localFlags: [[Bool]]
    /// `siteNetwork[site][protocol index]`, nil without a network section.
    private let siteNetwork: [[SiteNetwork?]]
    /// Per row.
    private let groups: [[VerdictGroup]]
    /// Per core (all stores, `storeOffsets[worker] + core`): its shape's global id; per shape: a core that has it.
    /// Cores of one shape get the same verdict from every group, so verdicts are decided once per (shape, group).
    private let coreShapes: [UInt32]
    private let storeOffsets: [Int]
    private let shapeExamples: [UInt32]
    /// Per route set (all stores, `routeOffsets[worker] + set`): its id across stores, so that calls with the same
    /// routes are grouped alike whichever worker simulated them.
    private let routeSets: [UInt32]
    private let routeOffsets: [Int]

    /// Every alias `plan` dials: all service aliases, then the probes.
    public static func planAliases(_ plan: DialPlan) -> [DialledAlias] {
        var aliases: [DialledAlias] = []
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { aliases.append(DialledAlias(alias: alias.alias, origin: .service(ServiceID(index)))) }
        }
        for probe in plan.probes { aliases.append(DialledAlias(alias: probe.alias, origin: .probe)) }
        return aliases
    }

    /// Simulates every call of `plan` on `workers` threads (default: every core): every site dials every alias
    /// (default: the plan's service aliases and probes) over each protocol it uses. `progress` is updated as calls
    /// are simulated.
    public init(plan: DialPlan, aliases: [DialledAlias]? = nil, workers: Int? = nil, progress: SimulationProgress? = nil) {
        let tables = RoutingTables(plan: plan)
        self.tables = tables
        let aliases = aliases ?? Simulation.planAliases(plan)
        self.aliases = aliases
        let protocolCount = CallProtocol.allCases.count
        protocols = CallProtocol.allCases.filter { callProtocol in plan.sites.contains { $0.protocols.contains(callProtocol) } }

        // Rows: one per (entry class, protocol) some site needs.
        var rows: [Row] = []
        var rowIndex: [Row: Int32] = [:]
        var renamings: [Renaming] = []
        var renamingIndex: [Int: Int32] = [:]
        var siteColumns: [[SiteColumn]] = []
        var firstPool: [Int: Int] = [:]
        for site in plan.sites {
            var columns = [SiteColumn](repeating: SiteColumn(row: -1, renaming: -1), count: protocolCount)
            for callProtocol in site.protocols {
                let entry: Entry
                var renaming: Int32 = -1
                if callProtocol == .mssip {
                    // A Skype call's search depends on its pool's configuration only: one row per configuration,
                    // searched from the first pool that has it.
                    if let pool = site.sfbPool, let configuration = tables.sfbConfigurationForPool[pool.index] {
                        let first = firstPool[configuration.index, default: pool.index]
                        firstPool[configuration.index] = first
                        entry = .skype(configuration: configuration.index, pool: first)
                    } else {
                        entry = .skype(configuration: -1, pool: nil)
                    }
                } else if let subzone = site.subzone {
                    let cluster = site.registersTo.index
                    let classes = tables.subzoneClasses[cluster]
                    let representative = Int(classes.representative[subzone.index])
                    entry = .vcs(cluster: cluster, source: .subzone(SubzoneID(representative)), state: tables.entryState(site: site, protocol: callProtocol))
                    if representative != subzone.index {
                        let key = tables.applicableRow(cluster: cluster, source: .subzone(subzone))
                        if let known = renamingIndex[key] {
                            renaming = known
                        } else {
                            renaming = Int32(renamings.count)
                            renamingIndex[key] = renaming
                            renamings.append(Renaming(cluster: Int32(cluster), map: classes.renaming[subzone.index]))
                        }
                    }
                } else {
                    // Callers from outside (a zone, the Default Zone): their searches are their own.
                    entry = .vcs(cluster: site.registersTo.index, source: site.entry, state: tables.entryState(site: site, protocol: callProtocol))
                }
                let row = Row(entry: entry, callProtocol: callProtocol)
                let index: Int32
                if let known = rowIndex[row] {
                    index = known
                } else {
                    index = Int32(rows.count)
                    rowIndex[row] = index
                    rows.append(row)
                }
                columns[Int(callProtocol.index)] = SiteColumn(row: index, renaming: renaming)
            }
            siteColumns.append(columns)
        }
        self.rows = rows
        self.renamings = renamings
        self.siteColumns = siteColumns
        localFlags = plan.sites.map { site in
            var flags = [Bool](repeating: false, count: plan.locations.count)
            for location in site.localLocations { flags[location.index] = true }
            return flags
        }

        let skypeDialable = aliases.reduce(0) { $0 + (CallPlacement.skypeDials($1.alias) ? 1 : 0) }
        // Progress counts each alias as the calls every site places to it (Skype users skip aliases without a domain).
        let callsPerAlias = plan.sites.reduce(0) { $0 + $1.protocols.count }
        progress?.start(total: plan.sites.reduce(0) { total, site in
            total + site.protocols.reduce(0) { $0 + ($1 == .mssip ? skypeDialable : aliases.count) }
        })
        let run = SimulationRun(tables: tables, aliases: aliases, rows: rows, callsPerAlias: callsPerAlias, progress: progress)
        run.execute(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let stores = run.stores.map { $0! }
        self.stores = stores
        cells = run.cells

        // Shapes, numbered across stores.
        var shapeIndex: [ShapeKey: UInt32] = [:]
        var shapeNodes: [[Int32]] = []
        var shapeLegs: [[Int32]] = []
        var shapeExamples: [UInt32] = []
        var coreShapes: [UInt32] = []
        var storeOffsets: [Int] = []
        for store in stores {
            storeOffsets.append(coreShapes.count)
            let global = store.shapeKeys.map { key -> UInt32 in
                if let known = shapeIndex[key] { return known }
                let id = UInt32(shapeNodes.count)
                shapeIndex[key] = id
                shapeNodes.append(key.nodes)
                shapeLegs.append(key.legs)
                shapeExamples.append(UInt32.max)
                return id
            }
            for (core, local) in store.coreShapes.enumerated() {
                let shape = global[Int(local)]
                coreShapes.append(shape)
                if shapeExamples[Int(shape)] == UInt32.max { shapeExamples[Int(shape)] = store.reference(core) }
            }
        }
        self.coreShapes = coreShapes
        self.storeOffsets = storeOffsets
        self.shapeExamples = shapeExamples
        var routeSetIndex: [[Int32]: UInt32] = [:]
        var routeSets: [UInt32] = []
        var routeOffsets: [Int] = []
        for store in stores {
            routeOffsets.append(routeSets.count)
            for set in 0..<store.routeSetCount {
                let signature = store.routeSetSignature(set)
                if let known = routeSetIndex[signature] {
                    routeSets.append(known)
                } else {
                    let id = UInt32(routeSetIndex.count)
                    routeSetIndex[signature] = id
                    routeSets.append(id)
                }
            }
        }
        self.routeSets = routeSets
        self.routeOffsets = routeOffsets
        func shape(of core: UInt32) -> Int { Int(coreShapes[storeOffsets[Int(core >> OutcomeStore.workerShift)] + Int(core & OutcomeStore.indexMask)]) }

        // The network: the nodes each row's calls land on, then per site and protocol which of them it cannot reach.
        let network = plan.network == nil ? nil : NetworkAnalysis(plan: plan)
        self.network = network
        var siteNetwork = [[SiteNetwork?]](repeating: [SiteNetwork?](repeating: nil, count: protocolCount), count: plan.sites.count)
        var unplacedCallControl: [UnplacedCallControl] = []
        if let network {
            let meshBroken = NetworkVerdicts.meshBroken(network)
            // Every (leg, node) the outcomes have, decided once.
            let callControl = CallControlVerdicts(
                analysis: network, pairs: zip(shapeLegs, shapeNodes).lazy.flatMap { legs, nodes in zip(legs, nodes).lazy.map { (leg: $0, node: $1) } })
            unplacedCallControl = callControl.unplaced
            var rowNodes = [Set<Int32>](repeating: [], count: rows.count)
            var seen = [Int32](repeating: -1, count: shapeNodes.count)
            for row in rows.indices {
                for alias in aliases.indices {
                    let core = run.cells.cores[row * aliases.count + alias]
                    guard core != UInt32.max else { continue }
                    let shape = shape(of: core)
                    guard seen[shape] != Int32(row) else { continue }
                    seen[shape] = Int32(row)
                    rowNodes[row].formUnion(shapeNodes[shape])
                }
            }
            for (site, columns) in siteColumns.enumerated() {
                for (protocolIndex, column) in columns.enumerated() where column.row >= 0 {
                    siteNetwork[site][protocolIndex] = SiteNetwork(
                        meshBroken: meshBroken,
                        unreachable: NetworkVerdicts.unreachable(network, site: SiteID(site), protocol: CallProtocol.allCases[protocolIndex], nodes: rowNodes[Int(column.row)], nodeCount: plan.nodes.count),
                        callControl: callControl)
                }
            }
        }
        self.siteNetwork = siteNetwork
        self.unplacedCallControl = unplacedCallControl

        // Sites of a row with the same local locations and network facts get the same verdicts.
        struct GroupKey: Hashable {
            var flags: [Bool]
            var unreachable: [Bool]?
        }
        var groups = [[VerdictGroup]](repeating: [], count: rows.count)
        var groupIndex = [[GroupKey: Int]](repeating: [:], count: rows.count)
        for (site, columns) in siteColumns.enumerated() {
            for (protocolIndex, column) in columns.enumerated() where column.row >= 0 {
                let row = Int(column.row)
                let net = siteNetwork[site][protocolIndex]
                let key = GroupKey(flags: localFlags[site], unreachable: net?.unreachable)
                let index: Int
                if let known = groupIndex[row][key] {
                    index = known
                } else {
                    index = groups[row].count
                    groupIndex[row][key] = index
                    groups[row].append(VerdictGroup(localFlags: localFlags[site], network: net, subgroups: [], siteCount: 0))
                }
                groups[row][index].siteCount += 1
                if let sub = groups[row][index].subgroups.firstIndex(where: { $0.renaming == column.renaming }) {
                    groups[row][index].subgroups[sub].sites.append(Int32(site))
                } else {
                    groups[row][index].subgroups.append((column.renaming, [Int32(site)]))
                }
            }
        }
        self.groups = groups

        // Counts: one verdict per (shape, group), then per cell a lookup. Broken paths that a call uses but its
        // verdict does not name are collected from the same decisions (`HiddenLegCollector`).
        var counts: [Verdict: Int] = [:]
        var countsByIndex = [Int](repeating: 0, count: Verdict.allCases.count)
        var hidden = HiddenLegCollector()
        for row in rows.indices {
            for group in groups[row] {
                var verdicts = [Int8](repeating: -1, count: shapeExamples.count)
                // Only where some path is broken: each shape's decision, and how many cells of the row have it.
                let collecting = group.network.map { $0.callControl.hasBlocked || $0.unreachable.contains(true) } ?? false
                var decisions = [VerdictDecision?](repeating: nil, count: collecting ? shapeExamples.count : 0)
                var cellsOfShape = [Int](repeating: 0, count: collecting ? shapeExamples.count : 0)
                for alias in aliases.indices {
                    let core = run.cells.cores[row * aliases.count + alias]
                    guard core != UInt32.max else { continue }
                    let shape = shape(of: core)
                    if verdicts[shape] < 0 {
                        let example = shapeExamples[shape]
                        let facts = stores[Int(example >> OutcomeStore.workerShift)].facts(Int(example & OutcomeStore.indexMask), tables: tables)
                        let decision = VerdictRule.decide(facts, isLocal: { group.localFlags[$0] }, network: group.network)
                        verdicts[shape] = Int8(decision.verdict.ordinal)
                        if collecting { decisions[shape] = decision }
                    }
                    countsByIndex[Int(verdicts[shape])] += group.siteCount
                    if collecting { cellsOfShape[shape] += 1 }
                }
                if collecting, let network = group.network {
                    let sites = group.subgroups.flatMap(\.sites)
                    for (shape, decision) in decisions.enumerated() {
                        guard let decision else { continue }
                        hidden.record(
                            decision, legs: shapeLegs[shape], nodes: shapeNodes[shape], cells: cellsOfShape[shape], sites: sites,
                            callProtocol: rows[row].callProtocol, network: network)
                    }
                }
            }
        }
        for verdict in Verdict.allCases { counts[verdict] = countsByIndex[verdict.ordinal] }
        verdictCounts = counts
        hiddenCallControl = hidden.callControlLegs
        hiddenEndpoints = hidden.endpointLegs
        callCount = countsByIndex.reduce(0, +)

        // Coverage: a search standing for a class of subzones marked rule positions in its row; each member that a
        // site of that row registers to used its own rule at that position.
        var coverage = run.coverage
        var used = Set<[Int]>()
        for (siteIndex, site) in plan.sites.enumerated() {
            guard let subzone = site.subzone else { continue }
            for callProtocol in site.protocols where callProtocol != .mssip {
                let row = Int(siteColumns[siteIndex][Int(callProtocol.index)].row)
                if row >= 0 { used.insert([site.registersTo.index, subzone.index, row]) }
            }
        }
        for key in used {
            let (cluster, subzone, row) = (key[0], key[1], key[2])
            let base = run.rowCoverage[row]
            for (position, rule) in tables.subzoneClasses[cluster].rules[subzone].enumerated() {
                if run.sourceCoverage[base + position] { coverage.rules[tables.ruleBase[cluster] + Int(rule)] = true }
                if run.sourceUnauthenticated[base + position] { coverage.unauthenticated[tables.ruleBase[cluster] + Int(rule)] = true }
            }
        }
        self.coverage = coverage
    }

    /// How many (entry, protocol) rows were searched: sites that share a search share a row.
    var searchedRowCount: Int { rows.count }

    // MARK: Calls

    /// The call `site` places to alias `alias` over `callProtocol`, or nil when it places none.
    public func call(site: SiteID, alias: DialledAliasID, protocol callProtocol: CallProtocol) -> CallRef? {
        let column = siteColumns[site.index][Int(callProtocol.index)]
        guard column.row >= 0, cells.cores[Int(column.row) * aliases.count + alias.index] != UInt32.max else { return nil }
        return CallRef(site: site.index, alias: alias.index, protocolIndex: Int(callProtocol.index))
    }

    /// Visits every call: sites in plan order, then aliases, then protocols.
    public func forEachCall(_ body: (CallRef) throws -> Void) rethrows {
        for site in plan.sites.indices {
            let siteProtocols = protocols.filter(plan.sites[site].protocols.contains)
            for alias in aliases.indices {
                for callProtocol in siteProtocols {
                    if let call = call(site: SiteID(site), alias: DialledAliasID(alias), protocol: callProtocol) { try body(call) }
                }
            }
        }
    }

    /// What the call does.
    public func outcome(of call: CallRef) -> CallOutcome {
        let (cell, column) = locate(call)
        let core = cells.cores[cell]
        let routes = cells.routes[cell]
        let store = stores[Int(core >> OutcomeStore.workerShift)]
        let rename = column.renaming >= 0 ? renamings[Int(column.renaming)] : nil
        return store.outcome(
            core: Int(core & OutcomeStore.indexMask), routeSet: Int(routes & OutcomeStore.indexMask), dialled: aliases[call.alias.index].alias,
            plan: plan, rename: { hop in
                guard let rename, hop.cluster == rename.cluster, let own = rename.map[hop.rule] else { return hop }
                var renamed = hop
                renamed.rule = own
                return renamed
            })
    }

    /// The call's verdict and what decides it.
    public func decision(of call: CallRef) -> VerdictDecision {
        let (cell, _) = locate(call)
        let core = cells.cores[cell]
        let facts = stores[Int(core >> OutcomeStore.workerShift)].facts(Int(core & OutcomeStore.indexMask), tables: tables)
        let site = call.site.index
        let flags = localFlags[site]
        return VerdictRule.decide(facts, isLocal: { flags[$0] }, network: siteNetwork[site][Int(call.callProtocol.index)])
    }

    /// The call's verdict.
    public func verdict(of call: CallRef) -> Verdict { decision(of: call).verdict }

    /// An identity shared by calls whose outcomes are equal (the same alias landing the same way), for caching
    /// what a report derives from an outcome.
    public func outcomeKey(of call: CallRef) -> OutcomeKey { OutcomeKey(raw: cells.cores[locate(call).cell]) }

    /// An identity shared by calls that took the same routes.
    public func routeKey(of call: CallRef) -> RouteKey {
        let (cell, column) = locate(call)
        return RouteKey(routes: routeSet(of: cells.routes[cell]), renaming: column.renaming)
    }

    /// Whether the call's landings reach more than one service or Call Routing Rule.
    public func isServiceAmbiguous(_ call: CallRef) -> Bool {
        let core = cells.cores[locate(call).cell]
        return stores[Int(core >> OutcomeStore.workerShift)].cores[Int(core & OutcomeStore.indexMask)].flags.contains(.serviceAmbiguous)
    }

    private func locate(_ call: CallRef) -> (cell: Int, column: SiteColumn) {
        let column = siteColumns[call.site.index][Int(call.callProtocol.index)]
        return (Int(column.row) * aliases.count + call.alias.index, column)
    }

    // MARK: Batches

    /// The calls whose verdict decisions `include` admits, in batches of calls alike (same decision, nodes,
    /// failure and routes). Work is proportional to the cells and the calls returned, not to every call.
    public func batches(where include: (VerdictDecision) -> Bool) -> [CallBatch] {
        collectBatches { group, facts in
            let decision = VerdictRule.decide(facts, isLocal: { group.localFlags[$0] }, network: group.network)
            return include(decision) ? decision : nil
        }
    }

    /// The calls whose landings reach more than one service or Call Routing Rule, in batches of calls alike.
    public func serviceAmbiguousBatches() -> [CallBatch] {
        collectBatches { group, facts in
            guard facts.core.flags.contains(.serviceAmbiguous) else { return nil }
            return VerdictRule.decide(facts, isLocal: { group.localFlags[$0] }, network: group.network)
        }
    }

    /// The id across stores of a route set reference.
    @inline(__always)
    private func routeSet(of reference: UInt32) -> UInt32 {
        routeSets[routeOffsets[Int(reference >> OutcomeStore.workerShift)] + Int(reference & OutcomeStore.indexMask)]
    }

    /// The global shape of a core.
    @inline(__always)
    private func shape(of core: UInt32) -> Int {
        Int(coreShapes[storeOffsets[Int(core >> OutcomeStore.workerShift)] + Int(core & OutcomeStore.indexMask)])
    }

    /// Every call, in batches of calls alike (as `batches(where:)` forms them), counted per site with the first
    /// `examples` calls of each site kept: what a report needs of every call without holding them all (40 million
    /// calls make a few thousand tallies). The tallies' counts add up to `verdictCounts`.
    public func tallies(examples: Int) -> [CallTally] {
        let siteCount = plan.sites.count
        let kept = max(examples, 1)
        return collectBatches({ group, facts in
            VerdictRule.decide(facts, isLocal: { group.localFlags[$0] }, network: group.network)
        }, start: { decision, call in
            var tally = CallTally(decision: decision, first: call, count: 0, siteCounts: [Int32](repeating: 0, count: siteCount), examples: [:])
            tally.add(call, keep: kept)
            return tally
        }, add: { tally, call in tally.add(call, keep: kept) })
    }

    /// Batches of the calls `select` picks; `select` sees one core of each shape per group (cores of a shape are
    /// alike for it: the same nodes, failures and flags).
    private func collectBatches(_ select: (VerdictGroup, CoreFacts) -> VerdictDecision?) -> [CallBatch] {
        var batches = collectBatches(select, start: { CallBatch(decision: $0, calls: [$1]) }, add: { $0.calls.append($1) })
        for index in batches.indices { batches[index].calls.sort() }
        return batches
    }

    /// What makes calls one batch.
    private struct BatchKey: Hashable {
        var shape: Int
        var routes: UInt32
        var renaming: Int32
        var row: Int
        var group: Int
        var site: Int32
    }

    /// Calls of the same shape, routes and verdict group gathered into one `Batch` each: `start` makes one from its
    /// decision and first call, `add` adds each further call.
    private func collectBatches<Batch>(
        _ select: (VerdictGroup, CoreFacts) -> VerdictDecision?, start: (VerdictDecision, CallRef) -> Batch, add: (inout Batch, CallRef) -> Void
    ) -> [Batch] {
        var index: [BatchKey: Int] = [:]
        var batches: [Batch] = []
        for (rowNumber, row) in rows.enumerated() {
            for (groupNumber, group) in groups[rowNumber].enumerated() {
                // Per shape: not yet decided, not selected, or the decision.
                var decisions = [VerdictDecision??](repeating: nil, count: shapeExamples.count)
                for alias in aliases.indices {
                    let cell = rowNumber * aliases.count + alias
                    let core = cells.cores[cell]
                    guard core != UInt32.max else { continue }
                    let shape = shape(of: core)
                    if decisions[shape] == nil {
                        let example = shapeExamples[shape]
                        decisions[shape] = .some(select(group, stores[Int(example >> OutcomeStore.workerShift)].facts(Int(example & OutcomeStore.indexMask), tables: tables)))
                    }
                    guard let decision = decisions[shape]! else { continue }
                    for subgroup in group.subgroups {
                        // Reachability depends on the site's own subnets: blocked calls are explained per site.
                        let perSite = decision.verdict == .blocked
                        for site in subgroup.sites {
                            let key = BatchKey(shape: shape, routes: routeSet(of: cells.routes[cell]), renaming: subgroup.renaming, row: rowNumber, group: groupNumber, site: perSite ? site : -1)
                            let call = CallRef(site: Int(site), alias: alias, protocolIndex: Int(row.callProtocol.index))
                            if let known = index[key] {
                                add(&batches[known], call)
                            } else {
                                index[key] = batches.count
                                batches.append(start(decision, call))
                            }
                        }
                    }
                }
            }
        }
        return batches
    }
}

/// Calls alike (the same verdict decision, nodes, failures and routes; see `Simulation.tallies(examples:)`),
/// counted per site, with the first few calls of each site.
public struct CallTally: Sendable {
    public let decision: VerdictDecision
    /// The first call: its outcome and routes stand for every call of the tally.
    public let first: CallRef
    /// How many calls.
    public internal(set) var count: Int
    /// Calls per site (indexed by site).
    var siteCounts: [Int32]
    /// The first calls of each site, in the order the simulation visits them.
    var examples: [Int32: [CallRef]]

    public var verdict: Verdict { decision.verdict }

    /// The sites with calls in the tally, in plan order.
    public var sites: [SiteID] { siteCounts.indices.filter { siteCounts[$0] > 0 }.map { SiteID($0) } }

    /// How many of the calls `site` placed.
    public func count(site: SiteID) -> Int { Int(siteCounts[site.index]) }

    /// The first calls `site` placed (as many as the tally keeps).
    public func examples(site: SiteID) -> [CallRef] { examples[Int32(site.index)] ?? [] }

    mutating func add(_ call: CallRef, keep: Int) {
        count += 1
        let site = call.site.index
        if Int(siteCounts[site]) < keep { examples[Int32(site), default: []].append(call) }
        siteCounts[site] += 1
    }
}

/// See `Simulation.outcomeKey(of:)`.
public struct OutcomeKey: Hashable, Sendable {
    let raw: UInt32
}

/// See `Simulation.routeKey(of:)`.
public struct RouteKey: Hashable, Sendable {
    let routes: UInt32
    let renaming: Int32
}

/// The network facts of one site and protocol, for `VerdictRule`.
struct SiteNetwork: NetworkFacts, Sendable {
    let meshBroken: [Bool]
    let unreachable: [Bool]
    /// The call-control legs' verdicts (site-independent, shared by every site).
    let callControl: CallControlVerdicts

    @inline(__always) func isMeshBroken(_ node: Int) -> Bool { meshBroken[node] }
    @inline(__always) func isUnreachable(_ node: Int) -> Bool { unreachable[node] }
    @inline(__always) func isCallControlBlocked(leg: Int32, node: Int) -> Bool { callControl.isBlocked(leg: leg, node: node) }

    func sender(ofLeg leg: Int32) -> SignallingSender? { SignallingLeg.sender(leg) }
}

extension Verdict {
    /// Position in `allCases`.
    var ordinal: Int {
        switch self {
        case .local: 0
        case .remote: 1
        case .ambiguous: 2
        case .rejected: 3
        case .loop: 4
        case .unrouted: 5
        case .error: 6
        case .meshBroken: 7
        case .blocked: 8
        }
    }
}
