import Dispatch
import Foundation
import Synchronization

/// An alias dialled in the simulation: a service alias, or a probe from the plan.
public struct DialledAlias: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        /// Index into `services`.
        case service(Int)
        case probe
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

/// Every call from every site to every alias, simulated. Calls are stored compactly: each (entry point, protocol,
/// alias) cell holds an index into the distinct outcomes, and a site's verdict is computed from its outcome.
public final class Simulation: Sendable {
    public let tables: RoutingTables
    public var plan: DialPlan { tables.plan }
    /// Every alias dialled: all service aliases, then the probes.
    public let aliases: [DialledAlias]
    /// The distinct outcomes.
    public let outcomes: [CallOutcome]
    /// The protocols simulated, in column order.
    public let protocols: [CallProtocol]
    /// Per site: its entry point (distinct registers_to + subzone).
    let siteEntry: [Int]
    let entries: [Entry]
    /// `cells[(entry * protocols.count + protocol) * aliases.count + alias]`, or `UInt32.max` when not simulated.
    let cells: [UInt32]
    /// Per site: a flag per location, true when the location is local to the site.
    let localFlags: [[Bool]]

    struct Entry: Hashable {
        var cluster: Int
        var subzone: Int
    }

    /// Simulates every call of `plan` on `workers` threads (default: every core).
    public init(plan: DialPlan, workers: Int? = nil) {
        let tables = RoutingTables(plan: plan)
        self.tables = tables
        var aliases: [DialledAlias] = []
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { aliases.append(DialledAlias(alias: alias.alias, origin: .service(index))) }
        }
        for probe in plan.probes { aliases.append(DialledAlias(alias: probe.alias, origin: .probe)) }
        self.aliases = aliases

        var entries: [Entry] = []
        var entryIndex: [Entry: Int] = [:]
        var siteEntry: [Int] = []
        var protocolSet = Set<CallProtocol>()
        for site in plan.sites {
            let entry = Entry(cluster: site.registersTo, subzone: site.subzone)
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

        // Which (entry, protocol) pairs some site needs.
        var needed = [Bool](repeating: false, count: entries.count * protocols.count)
        for (siteIndex, site) in plan.sites.enumerated() {
            for callProtocol in site.protocols {
                needed[siteEntry[siteIndex] * protocols.count + protocols.firstIndex(of: callProtocol)!] = true
            }
        }
        let (cells, outcomes) = Simulation.run(
            tables: tables, aliases: aliases, entries: entries, protocols: protocols, needed: needed,
            workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        self.cells = cells
        self.outcomes = outcomes
    }

    /// Number of simulated calls (sites × their protocols × aliases).
    public var callCount: Int {
        plan.sites.reduce(0) { $0 + $1.protocols.count } * aliases.count
    }

    /// The outcome of `site` dialling alias `alias` over `callProtocol`, when the site uses that protocol.
    public func outcomeIndex(site: Int, alias: Int, protocol callProtocol: CallProtocol) -> Int? {
        guard plan.sites[site].protocols.contains(callProtocol), let column = protocols.firstIndex(of: callProtocol) else { return nil }
        let cell = cells[(siteEntry[site] * protocols.count + column) * aliases.count + alias]
        return cell == UInt32.max ? nil : Int(cell)
    }

    /// The verdict of outcome `outcome` for `site`.
    @inline(__always)
    public func verdict(site: Int, outcome: Int) -> Verdict {
        outcomes[outcome].verdict(isLocal: localFlags[site])
    }

    /// Visits every call: sites in plan order, then aliases, then protocols.
    public func forEachCall(_ body: (SimulatedCall) throws -> Void) rethrows {
        for site in plan.sites.indices {
            for alias in aliases.indices {
                for callProtocol in plan.sites[site].protocols.sorted() {
                    guard let index = outcomeIndex(site: site, alias: alias, protocol: callProtocol) else { continue }
                    try body(SimulatedCall(site: site, alias: alias, callProtocol: callProtocol, verdict: verdict(site: site, outcome: index), outcome: outcomes[index]))
                }
            }
        }
    }

    // MARK: Parallel run

    /// Aliases are handed out in chunks to worker threads; each worker has its own engine and outcome table, and
    /// the tables are merged at the end.
    private static func run(
        tables: RoutingTables, aliases: [DialledAlias], entries: [Entry], protocols: [CallProtocol], needed: [Bool],
        workers requested: Int
    ) -> ([UInt32], [CallOutcome]) {
        let rowLength = aliases.count
        let cellCount = entries.count * protocols.count * rowLength
        let chunkSize = 32
        let chunkCount = (aliases.count + chunkSize - 1) / chunkSize
        let workers = max(1, min(requested, chunkCount))
        let shared = SharedRun(cellCount: cellCount, chunkCount: chunkCount, workers: workers)
        let next = Atomic<Int>(0)

        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let engine = CallEngine(tables: tables)
            var table: [CallOutcome: UInt32] = [:]
            var list: [CallOutcome] = []
            var byResult: [Int32: UInt32] = [:]
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunkCount else { break }
                shared.owner[chunk] = Int32(worker)
                for alias in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliases.count) {
                    engine.begin()
                    byResult.removeAll(keepingCapacity: true)
                    let text = aliases[alias].alias
                    for (entryIndex, entry) in entries.enumerated() {
                        for column in protocols.indices where needed[entryIndex * protocols.count + column] {
                            let result = engine.simulate(alias: text, cluster: entry.cluster, subzone: entry.subzone, protocol: protocols[column])
                            let local: UInt32
                            if let known = byResult[result] {
                                local = known
                            } else {
                                let outcome = engine.outcome(of: result, dialled: text)
                                if let known = table[outcome] {
                                    local = known
                                } else {
                                    local = UInt32(list.count)
                                    table[outcome] = local
                                    list.append(outcome)
                                }
                                byResult[result] = local
                            }
                            shared.cells[(entryIndex * protocols.count + column) * rowLength + alias] = local
                        }
                    }
                }
            }
            shared.store(list, worker: worker)
        }

        // Merge the workers' outcome tables and rewrite each chunk's cells into the merged numbering.
        var merged: [CallOutcome] = []
        var mergedIndex: [CallOutcome: UInt32] = [:]
        var remap: [[UInt32]] = []
        for list in shared.lists {
            remap.append(list.map { outcome in
                if let known = mergedIndex[outcome] { return known }
                let index = UInt32(merged.count)
                mergedIndex[outcome] = index
                merged.append(outcome)
                return index
            })
        }
        var cells = [UInt32](repeating: UInt32.max, count: cellCount)
        for row in 0..<(entries.count * protocols.count) where needed[row] {
            for chunk in 0..<chunkCount {
                let map = remap[Int(shared.owner[chunk])]
                for alias in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliases.count) {
                    let slot = row * rowLength + alias
                    cells[slot] = map[Int(shared.cells[slot])]
                }
            }
        }
        return (cells, merged)
    }
}

/// Storage the workers write to disjoint parts of (cells of their own chunks, their own list slot).
private final class SharedRun: @unchecked Sendable {
    let cells: UnsafeMutableBufferPointer<UInt32>
    let owner: UnsafeMutableBufferPointer<Int32>
    private(set) var lists: [[CallOutcome]]
    private let lock = NSLock()

    func store(_ list: [CallOutcome], worker: Int) {
        lock.withLock { lists[worker] = list }
    }

    init(cellCount: Int, chunkCount: Int, workers: Int) {
        cells = .allocate(capacity: max(cellCount, 1))
        cells.initialize(repeating: UInt32.max)
        owner = .allocate(capacity: max(chunkCount, 1))
        owner.initialize(repeating: 0)
        lists = Array(repeating: [], count: workers)
    }

    deinit {
        cells.deallocate()
        owner.deallocate()
    }
}
