/// Simulates calls through call control and into Pexip: the VCS search (`+VCS`), Pexip's decision (`+Pexip`) and
/// Skype for Business routing (`+Skype`), each written once. Generic over its `TraceRecorder`: with `NoTrace` it is
/// the fast path of `check`, `matrix`, `diff` and `test`; with `EventLog` the same code is `dialplan trace`.
///
/// One engine per thread: it owns the regex match data and every cache, so threads share nothing but the
/// read-only `RoutingTables`. Work for one dialled alias (an "epoch") is memoised across entry points: transforms
/// per (cluster, alias), pattern matches per (distinct pattern, alias), Pexip's decision per (alias, location,
/// protocol), and cluster searches per (cluster, alias, protocol, source, hops). Loop detection makes a search's
/// result depend on the searches above it, so a result is remembered only when no loop inside it reached a search
/// above it, and reused only when none of the searches it went through is on the current path (otherwise a fresh
/// search would have met a loop there). Caches are stamped with their epoch, so a new alias clears nothing.
struct SearchEngine<Recorder: TraceRecorder> {
    let tables: RoutingTables
    let plan: DialPlan
    let scratch: RegexScratch
    let recorder: Recorder

    // Read-only tables, copied out of `tables` at init (array references, not data), so that the hot path reads
    // them as the engine's own storage instead of retaining the class's on every access.
    let ruleRows: [RoutingTables.RuleRow]
    let applicableLevels: [Int32]
    let applicable: [Int32]
    let zoneRows: [RoutingTables.ZoneRow]
    let zoneNodePool: [Int32]
    let zoneClusterPool: [Int32]
    let zoneBase: [Int]
    let transformMatcher: [Int32]
    let transformEnabled: [Bool]
    let transformCount: [Int]
    let transformBase: [Int]
    let sourceFrom: [[CallSource]]
    let ruleMatcher: [Int32]
    let ruleBase: [Int]
    let applicableRows: [RoutingTables.ApplicableRow]
    let serviceIndex: [[UInt8]: Int32]
    let nodeLocation: [Int32]
    let nodeInMaintenance: [Bool]
    let gatewayMatcher: [Int32]
    let matchers: [AliasMatcher]
    let nodeMediaLocation: [Int32]
    let applicableBase: [Int]
    let subzoneCount: [Int]
    let zoneCount: [Int]
    let policyRows: [RoutingTables.PolicyRow]
    let policyBase: [Int]
    let policyCount: [Int]
    let interworking: [InterworkingMode]
    let zoneModes: [RoutingTables.ZoneModes]
    let authenticationMatters: Bool
    /// Whether the plan describes its network: only then is who handed a call to its node recorded (`LandingRow.leg`).
    let hasNetwork: Bool

    // Per epoch: aliases, caches, results.
    var aliases = AliasArena()
    var epoch: UInt32 = 0
    var transformCache: [Stamped<TransformHit>] = []
    var matchCache: [Stamped<Int32>] = []
    var serviceCache: [Stamped<Int32>] = []
    var parsedCache: [Stamped<Int32>] = []
    var pexipCache: [Stamped<PexipCell>] = []
    /// Per caller alias (`CallState.caller`): its id in this epoch.
    var callerIDs: [Stamped<Int32>] = []
    var memo = FastTable<StateKey>(capacity: 1024)
    private(set) var results: [ResultRow] = []
    var landingPool: [LandingRow] = []
    var nodePool: [Int32] = []
    var limits: [LimitRow] = []
    var stack: [LoopKey] = []
    /// The searches made by the searches on the stack (each owns the region it appended), and, per remembered
    /// result, the searches it went through.
    var visiting: [LoopKey] = []
    var visitedPool: [LoopKey] = []
    var minTouched = Int.max
    /// Cluster searches the current call has made, counted the same whether they were computed or remembered (a
    /// remembered result brings the count of its own searches), so that `trace` and `check` agree on the budget.
    var searchCount = 0
    /// Landings being collected by the searches on the stack; each search owns the region it appended.
    var collecting: [LandingRow] = []
    /// Landings offered to `collecting`, counting those it already held: whether a zone found the alias.
    var offeredLandings = 0
    /// A buffer for rewritten aliases.
    var output: [UInt8] = []

    // Across epochs.
    var routes = RouteTable()
    var dnsCache: [String: DNSAnswer] = [:]
    /// What the simulated calls used, for coverage reports (global numbering, see `RoutingTables`). Search rules
    /// matched from a subzone are marked per simulation row, by position in the subzone's applicable list
    /// (`sourceCoverage[coverageSlot + position]`), so that a search standing for a class of subzones marks each
    /// member's own rule for the sites of that row only (see `SubzoneClasses`).
    var coverage: Coverage
    var sourceCoverage: [Bool] = []
    /// Rules that took an alias but were skipped because the call was unauthenticated, numbered as
    /// `sourceCoverage` is (`coverage.unauthenticated` for searches from zones).
    var sourceUnauthenticated: [Bool] = []
    /// Where the current row's marks start in `sourceCoverage`, less the row's first position in `applicable`.
    var coverageSlot = 0

    /// The hop budget of a search that starts at an endpoint's own cluster (the largest hop count).
    static var initialHops: Int { 255 }
    static var noMatch: Int32 { -1 }
    static var limitHit: Int32 { -2 }

    let locationCount: Int
    let clusterCount: Int
    let matcherCount: Int
    static var protocolCount: Int { CallProtocol.allCases.count }

    init(tables: RoutingTables, recorder: Recorder) {
        self.tables = tables
        plan = tables.plan
        scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
        self.recorder = recorder
        ruleRows = tables.ruleRows
        applicableLevels = tables.applicableLevels
        applicable = tables.applicable
        zoneRows = tables.zoneRows
        zoneNodePool = tables.zoneNodePool
        zoneClusterPool = tables.zoneClusterPool
        zoneBase = tables.zoneBase
        transformMatcher = tables.transformMatcher
        transformEnabled = tables.transformEnabled
        transformCount = tables.transformCount
        transformBase = tables.transformBase
        sourceFrom = tables.sourceFrom
        ruleMatcher = tables.ruleMatcher
        ruleBase = tables.ruleBase
        applicableRows = tables.applicableRows
        serviceIndex = tables.serviceIndex
        nodeLocation = tables.nodeLocation
        nodeInMaintenance = tables.nodeInMaintenance
        gatewayMatcher = tables.gatewayMatcher
        matchers = tables.matchers
        nodeMediaLocation = tables.nodeMediaLocation
        applicableBase = tables.applicableBase
        subzoneCount = tables.subzoneCount
        zoneCount = tables.zoneCount
        policyRows = tables.policyRows
        policyBase = tables.policyBase
        policyCount = tables.policyCount
        interworking = tables.interworking
        zoneModes = tables.zoneModes
        authenticationMatters = tables.authenticationMatters
        hasNetwork = tables.plan.network != nil
        callerIDs = [Stamped<Int32>](repeating: Stamped(epoch: 0, value: -1), count: tables.callerAliases.count)
        locationCount = plan.locations.count
        clusterCount = plan.clusters.count
        matcherCount = tables.matchers.count
        coverage = Coverage(tables: tables)
    }

    // MARK: Entry points

    /// Starts a new dialled alias: forgets the previous alias's ids and results (keeping their storage).
    mutating func begin() {
        epoch &+= 1
        if epoch == 0 {
            // Wrapped around: every stamp is stale, clear them once.
            epoch = 1
            for index in transformCache.indices { transformCache[index].epoch = 0 }
            for index in matchCache.indices { matchCache[index].epoch = 0 }
            for index in serviceCache.indices { serviceCache[index].epoch = 0 }
            for index in parsedCache.indices { parsedCache[index].epoch = 0 }
            for index in pexipCache.indices { pexipCache[index].epoch = 0 }
            for index in callerIDs.indices { callerIDs[index].epoch = 0 }
        }
        aliases.removeAll()
        memo.removeAll()
        visitedPool.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
        landingPool.removeAll(keepingCapacity: true)
        nodePool.removeAll(keepingCapacity: true)
        limits.removeAll(keepingCapacity: true)
    }

    /// Simulates the alias `id` dialled by a caller whose call enters `cluster` from `source` (an endpoint's
    /// subzone, or a zone or the Default Zone for callers from outside) in `state` (`RoutingTables.entryState`);
    /// returns an index into `results`.
    mutating func simulate(alias id: Int32, cluster: Int, source: CallSource, protocol callProtocol: CallProtocol, state: CallState) -> Int32 {
        // Each search empties what it pushed, so after a call these are empty already; clear them cheaply anyway.
        if !stack.isEmpty { stack.removeAll(keepingCapacity: true) }
        if !visiting.isEmpty { visiting.removeAll(keepingCapacity: true) }
        if !collecting.isEmpty { collecting.removeAll(keepingCapacity: true) }
        minTouched = Int.max
        searchCount = 0
        let result = search(cluster: cluster, alias: id, protocol: callProtocol, source: source, hops: SearchEngine.initialHops, state: state)
        guard searchCount > LimitHit.searchBudget else { return result }
        // Over budget, whatever the search found so far is partial: the outcome is the limit alone, alike for a
        // recorded and a remembered search.
        recorder.record(.searchBudgetExhausted(cluster: ClusterID(cluster), alias: text(id), searches: LimitHit.searchBudget))
        var row = ResultRow(landingStart: Int32(landingPool.count))
        limits.append(LimitRow(reason: .searchBudget(cluster: ClusterID(cluster)), alias: id))
        row.limit = Int32(limits.count - 1)
        return store(row)
    }

    /// Simulates the alias `id` dialled by a Skype for Business user homed on `pool`.
    mutating func simulateSkype(alias id: Int32, pool: Int?) -> Int32 {
        collecting.removeAll(keepingCapacity: true)
        return store(searchSkype(pool: pool, alias: id))
    }

    @inline(__always)
    mutating func store(_ row: ResultRow) -> Int32 {
        results.append(row)
        return Int32(results.count - 1)
    }

    // MARK: Aliases

    /// The id of `alias` in this epoch.
    mutating func intern(_ alias: String) -> Int32 {
        var text = alias
        return text.withUTF8 { intern(bytes: $0) }
    }

    @inline(__always)
    mutating func intern(bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let (id, isNew) = aliases.intern(bytes)
        if isNew { grow(to: Int(id) + 1) }
        return id
    }

    /// The id of the alias in the rewrite buffer.
    @inline(__always)
    mutating func internOutput() -> Int32 {
        let (id, isNew) = aliases.intern(output)
        if isNew { grow(to: Int(id) + 1) }
        return id
    }

    /// Makes room in the caches for `count` aliases (slots stay stale until stamped).
    private mutating func grow(to count: Int) {
        if transformCache.count < count * clusterCount {
            transformCache.append(contentsOf: repeatElement(Stamped(epoch: 0, value: TransformHit(transform: -1, alias: -1, limitedTransform: -1)), count: count * clusterCount - transformCache.count))
        }
        if matchCache.count < count * matcherCount {
            matchCache.append(contentsOf: repeatElement(Stamped(epoch: 0, value: 0), count: count * matcherCount - matchCache.count))
        }
        if serviceCache.count < count {
            serviceCache.append(contentsOf: repeatElement(Stamped(epoch: 0, value: 0), count: count - serviceCache.count))
            parsedCache.append(contentsOf: repeatElement(Stamped(epoch: 0, value: 0), count: count - parsedCache.count))
        }
        let pexipSlots = count * locationCount * SearchEngine.protocolCount
        if pexipCache.count < pexipSlots {
            pexipCache.append(contentsOf: repeatElement(Stamped(epoch: 0, value: PexipCell(decision: .rejected, outgoing: -1, outgoingLocation: -1, limit: -1)), count: pexipSlots - pexipCache.count))
        }
    }

    /// The id of caller alias `caller` (`CallState.caller`) in this epoch.
    mutating func callerID(_ caller: Int32) -> Int32 {
        let slot = Int(caller)
        if callerIDs[slot].epoch == epoch { return callerIDs[slot].value }
        let id = intern(tables.callerAliases[slot])
        callerIDs[slot] = Stamped(epoch: epoch, value: id)
        return id
    }

    /// Alias `id` as text (traces and stored outcomes only).
    func text(_ id: Int32) -> String { aliases.text(id) }

    // MARK: Patterns

    /// The alias `matcher` turns `alias` into (the alias itself when it leaves it unchanged), `noMatch`, or
    /// `limitHit`; one match per (distinct pattern, alias) and epoch.
    @inline(__always)
    mutating func match(_ matcher: Int32, alias: Int32) -> Int32 {
        let slot = Int(alias) * matcherCount + Int(matcher)
        if matchCache[slot].epoch == epoch { return matchCache[slot].value }
        let outcome = aliases.withBytes(alias) { matchers[Int(matcher)].evaluate($0, scratch: scratch, into: &output) }
        let value: Int32
        switch outcome {
        case .noMatch: value = SearchEngine.noMatch
        case .limitExceeded: value = SearchEngine.limitHit
        case .unchanged: value = alias
        case .rewritten: value = internOutput()
        }
        matchCache[slot] = Stamped(epoch: epoch, value: value)
        return value
    }

    /// The applicable-rules row of `source` at `cluster` (`RoutingTables.applicableRow`).
    @inline(__always)
    func applicableRow(cluster: Int, source: CallSource) -> Int {
        RoutingTables.applicableRow(base: applicableBase[cluster], subzones: subzoneCount[cluster], zones: zoneCount[cluster], source: source)
    }

    // MARK: Limits

    mutating func limit(_ site: PatternSite, alias: Int32) -> Int32 {
        limit(.regex(site), alias: alias)
    }

    /// Records a limit hit; its index, for a result's `limit`.
    mutating func limit(_ reason: LimitHit.Reason, alias: Int32) -> Int32 {
        limits.append(LimitRow(reason: reason, alias: alias))
        return Int32(limits.count - 1)
    }
}

/// A limit hit, with the alias as an epoch id.
struct LimitRow {
    var reason: LimitHit.Reason
    var alias: Int32
}

/// What a DNS zone finds for a domain: nodes and clusters, and the records used (for traces).
struct DNSAnswer {
    var nodes: [Int32]
    var clusters: [Int32]
    var records: [String]
    /// The SIP transport of the SRV name that answered (nil for A records, or H.323).
    var transport: SIPTransport?
}
