import Dispatch
import Foundation
import Synchronization

/// One parallel run of the search over every (entry, protocol) row and every alias: aliases are handed out in
/// chunks to worker threads; each has its own engine and `OutcomeStore`, and writes the cells of its own chunks.
final class SimulationRun: @unchecked Sendable {
    let tables: RoutingTables
    let aliases: [DialledAlias]
    let rows: [Simulation.Row]
    let chunkSize = 16
    let chunkCount: Int
    let cells: CellStorage
    let progress: SimulationProgress?
    /// Calls each alias stands for (over every row), for progress.
    let callsPerAlias: Int

    private let lock = NSLock()
    private(set) var stores: [OutcomeStore?] = []
    private(set) var coverage: Coverage
    /// Marks of search rules taken (and refused as unauthenticated) from a subzone, per row: row `r`'s rule at
    /// position `p` of its subzone's applicable list is `sourceCoverage[rowCoverage[r] + p]` (see `SearchEngine`).
    private(set) var sourceCoverage: [Bool]
    private(set) var sourceUnauthenticated: [Bool]
    let rowCoverage: [Int]
    /// Per row: where its subzone's rules start in `applicable` (0 for a row that starts elsewhere).
    private let rowRuleStart: [Int]

    init(tables: RoutingTables, aliases: [DialledAlias], rows: [Simulation.Row], callsPerAlias: Int, progress: SimulationProgress?) {
        self.tables = tables
        self.aliases = aliases
        self.rows = rows
        self.callsPerAlias = callsPerAlias
        self.progress = progress
        chunkCount = (aliases.count + chunkSize - 1) / chunkSize
        cells = CellStorage(count: rows.count * aliases.count)
        coverage = Coverage(tables: tables)
        var rowCoverage: [Int] = []
        var rowRuleStart: [Int] = []
        var total = 0
        for row in rows {
            rowCoverage.append(total)
            if case .vcs(let cluster, let source, _) = row.entry, case .subzone = source {
                let applicable = tables.applicableRows[tables.applicableRow(cluster: cluster, source: source)]
                rowRuleStart.append(Int(applicable.ruleStart))
                total += Int(applicable.ruleCount)
            } else {
                rowRuleStart.append(0)
            }
        }
        self.rowCoverage = rowCoverage
        self.rowRuleStart = rowRuleStart
        sourceCoverage = [Bool](repeating: false, count: total)
        sourceUnauthenticated = sourceCoverage
    }

    func execute(workers requested: Int) {
        let workers = max(1, min(requested, chunkCount, OutcomeStore.maxWorkers))
        stores = Array(repeating: nil, count: workers)
        let queue = WorkQueue()
        Parallel.run(workers: workers) { worker in self.work(worker: worker, queue: queue) }
    }

    private func work(worker: Int, queue: WorkQueue) {
        var engine = SearchEngine(tables: tables, recorder: NoTrace())
        engine.sourceCoverage = [Bool](repeating: false, count: sourceCoverage.count)
        engine.sourceUnauthenticated = engine.sourceCoverage
        var writer = OutcomeWriter(worker: worker)
        let aliasCount = aliases.count
        let coreCells = cells.cores
        let routeCells = cells.routes
        while true {
            let chunk = queue.take()
            guard chunk < chunkCount else { break }
            let range = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliasCount)
            for alias in range {
                engine.begin()
                writer.begin()
                let text = aliases[alias].alias
                let id = engine.intern(text)
                let isService = engine.service(of: id) != nil
                let placesSkype = CallPlacement.skypeDials(text)
                for (rowIndex, row) in rows.enumerated() {
                    let result: Int32
                    switch row.entry {
                    case .vcs(let cluster, let source, let state):
                        engine.coverageSlot = rowCoverage[rowIndex] - rowRuleStart[rowIndex]
                        result = engine.simulate(alias: id, cluster: cluster, source: source, protocol: row.callProtocol, state: state)
                    case .skype(_, let pool):
                        guard placesSkype else { continue }
                        result = engine.simulateSkype(alias: id, pool: pool)
                    }
                    let stored = engine.store(result, in: &writer, dialled: id, dialledIsService: isService)
                    let slot = rowIndex * aliasCount + alias
                    coreCells[slot] = stored.core
                    routeCells[slot] = stored.routes
                }
            }
            progress?.add(range.count * callsPerAlias)
        }
        let store = OutcomeStore(writer, routes: engine.routes)
        lock.withLock {
            stores[worker] = store
            coverage.formUnion(engine.coverage)
            for index in sourceCoverage.indices where engine.sourceCoverage[index] { sourceCoverage[index] = true }
            for index in sourceUnauthenticated.indices where engine.sourceUnauthenticated[index] { sourceUnauthenticated[index] = true }
        }
    }
}

/// The two references of every cell (core and route set), in memory that is never copied: tens of millions of
/// calls make hundreds of megabytes.
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

/// How far a simulation has come, for a progress bar: read from any thread while workers add to it.
public final class SimulationProgress: Sendable {
    private let doneCalls = Atomic<Int>(0)
    private let totalCalls = Atomic<Int>(0)

    public init() {}

    /// Calls simulated so far, and of how many.
    public var done: Int { doneCalls.load(ordering: .relaxed) }
    public var total: Int { totalCalls.load(ordering: .relaxed) }

    func start(total: Int) {
        doneCalls.store(0, ordering: .relaxed)
        totalCalls.store(total, ordering: .relaxed)
    }

    func add(_ calls: Int) { doneCalls.wrappingAdd(calls, ordering: .relaxed) }
}

/// Which calls the simulation places: a site dials every alias over each protocol it uses, except that a Skype for
/// Business user can only dial an alias with a domain (a SIP URI). [MS]
public enum CallPlacement {
    /// Whether a Skype for Business user can dial `alias`.
    public static func skypeDials(_ alias: String) -> Bool { PexipAlias.domain(of: alias) != nil }

    /// Why `site` places no call to `alias` over `callProtocol`, or nil when it does.
    public static func reasonNotPlaced(site: SiteID, alias: String, protocol callProtocol: CallProtocol, in plan: DialPlan) -> String? {
        let info = plan.sites[site]
        guard info.protocols.contains(callProtocol) else {
            let uses = info.protocols.sorted().map(\.rawValue).joined(separator: ", ")
            return "site '\(info.name)' does not place \(callProtocol.rawValue) calls (it uses \(uses))" + (callProtocol == .mssip ? "; give it an sfb_pool for Skype for Business calls" : "")
        }
        if callProtocol == .mssip && !skypeDials(alias) {
            return "Skype for Business users dial SIP URIs, and '\(alias)' has no domain, so no mssip call is placed to it (dial it with a domain, e.g. '\(alias)@…')"
        }
        return nil
    }
}
