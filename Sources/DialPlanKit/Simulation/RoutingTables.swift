/// Everything about a plan that does not depend on the call: search-rule levels, the rules each call source may use,
/// resolved zone targets, the service alias index, every distinct pattern compiled once. Built once per plan and
/// shared, read-only, by every simulation thread.
public final class RoutingTables: Sendable {
    public let plan: DialPlan
    let directory: PeerDirectory
    /// Per cluster: index of its first search rule in the global rule numbering (for per-alias caches).
    let ruleBase: [Int]
    /// Per cluster: index of its first transform in the global transform numbering.
    let transformBase: [Int]
    let totalTransforms: Int
    let totalRules: Int
    /// Per cluster: ranges of search-rule indices with equal priority, in order.
    let levels: [[Range<Int>]]

    /// Every distinct pattern of the plan (type, string, behavior, replace string), compiled once: identical
    /// patterns in many rules are matched once per alias. Indexed by the `…Matcher` tables below.
    let matchers: [AliasMatcher]
    /// Per transform (global numbering): its matcher.
    let transformMatcher: [Int32]
    /// Per search rule (global numbering): its matcher, or -1 for Any alias / Any IP address.
    let ruleMatcher: [Int32]
    /// Per Call Routing Rule: its matcher.
    let gatewayMatcher: [Int32]
    /// Per transform (global numbering): whether it is enabled; per cluster: how many transforms it has.
    let transformEnabled: [Bool]
    let transformCount: [Int]
    /// Largest capture count of any pattern, for sizing match data.
    let maxCaptures: Int

    /// Per cluster, per zone: where a search sent to the zone goes.
    let zoneTargets: [[ZoneTarget]]
    /// The same, flat, for the hot path: per global zone (`zoneBase[cluster] + zone`), ranges into node and
    /// cluster pools.
    let zoneBase: [Int]
    let zoneRows: [ZoneRow]
    let zoneNodePool: [Int32]
    let zoneClusterPool: [Int32]

    /// `sourceFrom[to][from]`: how cluster `to` sees a search coming from cluster `from`: its zone whose peers
    /// point back at `from`, else the Default Zone.
    let sourceFrom: [[CallSource]]
    /// Service aliases, case-folded → service. [PX-about_aliases] (model: case-insensitive)
    let serviceIndex: [[UInt8]: Int32]
    /// Per node: its location and its media location.
    let nodeLocation: [Int32]
    let nodeMediaLocation: [Int32]
    let nodeInMaintenance: [Bool]
    /// Search rules as plain values in the global numbering (no references: the hot path copies them freely).
    let ruleRows: [RuleRow]

    /// Per cluster and call source: the enabled rules whose source setting admits that source, in search order,
    /// cut into priority levels. A call only ever looks at these, so a cluster with a rule per site costs each call
    /// its own site's rules, not every site's.
    let applicable: [Int32]
    let applicableLevels: [Int32]
    let applicableRows: [ApplicableRow]
    /// Per cluster: index of its first row in `applicableRows`, and how many subzones and zones it has.
    let applicableBase: [Int]
    let subzoneCount: [Int]
    let zoneCount: [Int]
    /// Per cluster, per subzone: the subzone whose search stands for this one's, and how to rename its rules (see
    /// `SubzoneClasses`).
    let subzoneClasses: [SubzoneClasses]

    /// Per cluster: its Call Policy rules as rows (`policyBase[cluster] + rule`), and how it interworks and
    /// classifies Default Zone calls (see `RoutingTables+CallState`).
    let policyRows: [PolicyRow]
    let policyBase: [Int]
    let policyCount: [Int]
    let interworking: [InterworkingMode]
    /// Per global zone: what the search and the authentication state read of it.
    let zoneModes: [ZoneModes]
    /// The distinct caller aliases sites present, indexed by `CallState.caller`.
    let callerAliases: [String]
    /// Whether any search rule requires authentication or any Call Policy rule has a blank source: only then does
    /// a call's authenticated state change what it does (otherwise every call starts unauthenticated, and calls
    /// that differ only in it share their search).
    let authenticationMatters: Bool
    /// Whether any Call Policy rule has a source pattern: only then does the caller's alias matter.
    let callerMatters: Bool

    /// Per pool: the static routing configuration its users get (nil: none, so their calls are unrouted).
    let sfbConfigurationForPool: [RoutingConfigurationID?]
    /// Per configuration, per route: the Pexip nodes its destination reaches, or why it reaches none.
    let sfbTargets: [[StaticRouteTarget]]
    /// Per configuration: index of its first route in the global route numbering (coverage).
    let sfbRouteBase: [Int]
    let sfbRouteCount: Int

    /// Where one (cluster, source)'s rules are: `applicable[ruleStart..<ruleStart+ruleCount]` and the exclusive
    /// end offset (into that slice) of each level in `applicableLevels[levelStart..<levelStart+levelCount]`.
    struct ApplicableRow {
        var ruleStart: Int32
        var ruleCount: Int32
        var levelStart: Int32
        var levelCount: Int32
    }

    struct ZoneRow {
        var nodeStart: Int32
        var nodeCount: Int32
        var clusterStart: Int32
        var clusterCount: Int32
        var hopCount: Int32
        var isDNS: Bool
        /// An ENUM zone: not simulated.
        var isENUM: Bool
    }

    /// A zone's protocol modes and authentication policy, for the search.
    struct ZoneModes {
        var sip: Bool
        var h323: Bool
        var authentication: AuthenticationMode
        var sipTrust: Bool
        /// The zone presents credentials (it has an authentication user name) when it sends a search.
        var presentsCredentials: Bool
        var transport: SIPTransport
    }

    /// A Call Policy rule: its source matcher (-1: blank, unauthenticated callers only), destination matcher and
    /// whether it rejects.
    struct PolicyRow {
        var sourceMatcher: Int32
        var destinationMatcher: Int32
        var rejects: Bool
        /// The source pattern matches every alias (`.*`): the caller does not matter.
        var sourceMatchesEveryone: Bool
    }

    /// The parts of a search rule the search loop reads, without strings or classes.
    struct RuleRow {
        var enabled: Bool
        var callProtocol: RuleProtocol
        var sourceMode: SourceMode
        var namedSource: CallSource?
        var mode: SearchMode
        var stop: Bool
        var priority: Int32
        /// Zone index, or `localZone` or `policyService`.
        var zone: Int32
        /// "Request must be authenticated".
        var requiresAuthentication: Bool

        static let localZone: Int32 = -1
        static let policyService: Int32 = -2
    }

    /// Where a zone sends searches.
    struct ZoneTarget: Sendable {
        /// Pexip nodes among the peers (maintenance ones included; skipped at call time).
        var nodes: [NodeID]
        /// Clusters among the peers.
        var clusters: [ClusterID]
        /// Peers that are neither.
        var unknownPeers: [String]
        var isDNS: Bool
        var isENUM: Bool
        var hopCount: Int
    }

    /// Where a static route's destination leads.
    public struct StaticRouteTarget: Sendable {
        public enum Problem: Sendable, Hashable {
            /// `-TLSRoute` needs an FQDN: a TLS connection to an address fails the certificate check. [MS]
            case tlsToAddress
            /// No DNS record, trusted application pool or node names the destination.
            case unresolved
            /// The destination resolves, but not to Pexip nodes.
            case notPexip([String])
        }

        /// Pexip nodes behind the destination.
        public var nodes: [NodeID]
        public var problem: Problem?
        /// How the destination was resolved, for traces.
        public var resolution: String
    }

    public init(plan: DialPlan) {
        self.plan = plan
        let directory = PeerDirectory(plan: plan)
        self.directory = directory

        var ruleBase: [Int] = []
        var transformBase: [Int] = []
        var rules = 0
        var transforms = 0
        var levels: [[Range<Int>]] = []
        for cluster in plan.clusters {
            ruleBase.append(rules)
            transformBase.append(transforms)
            rules += cluster.searchRules.count
            transforms += cluster.transforms.count
            var clusterLevels: [Range<Int>] = []
            var start = 0
            while start < cluster.searchRules.count {
                var end = start + 1
                while end < cluster.searchRules.count && cluster.searchRules[end].priority == cluster.searchRules[start].priority { end += 1 }
                clusterLevels.append(start..<end)
                start = end
            }
            levels.append(clusterLevels)
        }
        self.ruleBase = ruleBase
        self.transformBase = transformBase
        totalRules = rules
        totalTransforms = transforms
        self.levels = levels

        // Identical patterns are compiled and matched once.
        var matchers: [AliasMatcher] = []
        var matcherIndex: [AliasMatcher.Identity: Int32] = [:]
        func intern(_ matcher: AliasMatcher) -> Int32 {
            if let known = matcherIndex[matcher.identity] { return known }
            matcherIndex[matcher.identity] = Int32(matchers.count)
            matchers.append(matcher)
            return Int32(matchers.count - 1)
        }
        transformMatcher = plan.clusters.flatMap { $0.transforms.map { intern($0.matcher) } }
        let ruleMatcher = plan.clusters.flatMap { $0.searchRules.map { rule in rule.matcher.map(intern) ?? -1 } }
        self.ruleMatcher = ruleMatcher
        gatewayMatcher = plan.gatewayRules.map { intern($0.matcher) }
        var policyRows: [PolicyRow] = []
        var policyBase: [Int] = []
        for cluster in plan.clusters {
            policyBase.append(policyRows.count)
            for rule in cluster.callPolicy {
                policyRows.append(PolicyRow(
                    sourceMatcher: rule.sourcePattern.map(intern) ?? -1, destinationMatcher: intern(rule.destinationPattern),
                    rejects: rule.action == .reject, sourceMatchesEveryone: rule.sourcePattern.map(RoutingTables.matchesEveryAlias) ?? false))
            }
        }
        self.policyRows = policyRows
        self.policyBase = policyBase
        policyCount = plan.clusters.map(\.callPolicy.count)
        interworking = plan.clusters.map(\.interworking)
        zoneModes = plan.clusters.flatMap { cluster in
            cluster.zones.map { zone in
                ZoneModes(
                    sip: zone.sipMode, h323: zone.h323Mode, authentication: zone.authentication, sipTrust: zone.sipAuthenticationTrust,
                    presentsCredentials: zone.username != nil, transport: zone.sipTransport)
            }
        }
        let callerRules = plan.clusters.flatMap(\.callPolicy)
        callerMatters = policyRows.contains { $0.sourceMatcher >= 0 && !$0.sourceMatchesEveryone }
        authenticationMatters = callerRules.contains { $0.sourcePattern == nil } || plan.clusters.contains { $0.searchRules.contains(where: \.requiresAuthentication) }
        var callers: [String] = []
        if callerMatters {
            var seen = Set<String>()
            for site in plan.sites { if let alias = site.callerAlias, seen.insert(alias).inserted { callers.append(alias) } }
        }
        callerAliases = callers
        transformEnabled = plan.clusters.flatMap { $0.transforms.map(\.enabled) }
        transformCount = plan.clusters.map(\.transforms.count)
        self.matchers = matchers
        maxCaptures = matchers.map { $0.regex?.captureCount ?? 0 }.max() ?? 0

        let zoneTargets = plan.clusters.map { cluster in
            cluster.zones.map { zone in RoutingTables.target(of: zone, directory: directory) }
        }
        self.zoneTargets = zoneTargets
        var zoneBase: [Int] = []
        var zoneRows: [ZoneRow] = []
        var zoneNodePool: [Int32] = []
        var zoneClusterPool: [Int32] = []
        for targets in zoneTargets {
            zoneBase.append(zoneRows.count)
            for target in targets {
                zoneRows.append(ZoneRow(
                    nodeStart: Int32(zoneNodePool.count), nodeCount: Int32(target.nodes.count),
                    clusterStart: Int32(zoneClusterPool.count), clusterCount: Int32(target.clusters.count),
                    hopCount: Int32(target.hopCount), isDNS: target.isDNS, isENUM: target.isENUM))
                zoneNodePool += target.nodes.map(\.rawValue)
                zoneClusterPool += target.clusters.map(\.rawValue)
            }
        }
        self.zoneBase = zoneBase
        self.zoneRows = zoneRows
        self.zoneNodePool = zoneNodePool
        self.zoneClusterPool = zoneClusterPool
        sourceFrom = plan.clusters.map { to in
            plan.clusters.ids.map { from in
                let zone = to.zones.firstIndex { zone in
                    zone.type != .dns && zone.peers.contains { directory.clusters(for: $0).contains(from) }
                }
                return zone.map { CallSource.zone(ZoneID($0)) } ?? .defaultZone
            }
        }

        var services: [[UInt8]: Int32] = [:]
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { services[PexipAlias.storedServiceKey(alias.alias)] = Int32(index) }
        }
        serviceIndex = services
        nodeLocation = plan.nodes.map(\.location.rawValue)
        nodeMediaLocation = plan.nodes.map { plan.mediaLocation(of: $0.location).rawValue }
        nodeInMaintenance = plan.nodes.map(\.maintenanceMode)
        let ruleRows = plan.clusters.flatMap { cluster in
            cluster.searchRules.map { rule in
                let zone: Int32
                switch rule.target {
                case .zone(let index): zone = index.rawValue
                case .localZone: zone = RuleRow.localZone
                case .policyService: zone = RuleRow.policyService
                }
                return RuleRow(
                    enabled: rule.enabled, callProtocol: rule.callProtocol, sourceMode: rule.sourceMode,
                    namedSource: rule.namedSource, mode: rule.mode, stop: rule.progress == .stop,
                    priority: Int32(rule.priority), zone: zone, requiresAuthentication: rule.requiresAuthentication)
            }
        }
        self.ruleRows = ruleRows

        let sources = RoutingTables.applicableRules(plan: plan, levels: levels)
        applicable = sources.rules
        applicableLevels = sources.levels
        applicableRows = sources.rows
        applicableBase = sources.base
        subzoneCount = plan.clusters.map(\.subzones.count)
        zoneCount = plan.clusters.map(\.zones.count)
        let sourceBase = sources.base
        subzoneClasses = plan.clusters.indices.map { cluster in
            SubzoneClasses(
                cluster: cluster, plan: plan, rows: sources.rows, base: sourceBase[cluster], rules: sources.rules,
                levels: sources.levels, ruleBase: ruleBase[cluster], ruleRows: ruleRows, ruleMatcher: ruleMatcher)
        }

        if let sfb = plan.skypeForBusiness {
            sfbConfigurationForPool = sfb.pools.ids.map { sfb.configuration(forPool: $0) }
            sfbTargets = sfb.configurations.map { configuration in
                configuration.routes.map { RoutingTables.target(of: $0, sfb: sfb, directory: directory) }
            }
        } else {
            sfbConfigurationForPool = []
            sfbTargets = []
        }
        var routeBase: [Int] = []
        var routeCount = 0
        for configuration in plan.skypeForBusiness?.configurations ?? [] {
            routeBase.append(routeCount)
            routeCount += configuration.routes.count
        }
        sfbRouteBase = routeBase
        sfbRouteCount = routeCount
    }

    /// The row index of `source` within its cluster.
    @inline(__always)
    func applicableRow(cluster: Int, source: CallSource) -> Int {
        RoutingTables.applicableRow(base: applicableBase[cluster], subzones: subzoneCount[cluster], zones: zoneCount[cluster], source: source)
    }

    /// Rows run: the cluster's subzones, its zones, then the Default Zone (see `applicableRules`).
    @inline(__always)
    static func applicableRow(base: Int, subzones: Int, zones: Int, source: CallSource) -> Int {
        switch source {
        case .subzone(let index): return base + index.index
        case .zone(let index): return base + subzones + index.index
        case .defaultZone: return base + subzones + zones
        }
    }

    /// The service a stored alias belongs to, by the alias as Pexip parses and case-folds it.
    func service(forKey key: [UInt8]) -> ServiceID? {
        serviceIndex[key].map { ServiceID(Int($0)) }
    }

    /// A name for a call source at `cluster`, as a VCS engineer would write it in `source_name`.
    public func sourceName(_ source: CallSource, cluster: ClusterID) -> String {
        switch source {
        case .subzone(let index): plan.clusters[cluster].subzones[index].name
        case .zone(let index): plan.clusters[cluster].zones[index].name
        case .defaultZone: PlanBuilder.defaultZone
        }
    }
}
