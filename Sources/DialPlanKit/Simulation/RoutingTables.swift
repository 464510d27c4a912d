/// Everything about a plan that does not depend on the call: search-rule levels, resolved zone targets, the service
/// alias index. Built once per plan and shared, read-only, by every simulation thread.
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
    /// Per cluster, per zone: where a search sent to the zone goes.
    let zoneTargets: [[ZoneTarget]]
    /// The same, flat, for the hot path: per global zone (`zoneBase[cluster] + zone`), ranges into node and
    /// cluster pools.
    let zoneBase: [Int]
    let zoneRows: [ZoneRow]
    let zoneNodePool: [Int]
    let zoneClusterPool: [Int]

    struct ZoneRow {
        var nodeStart: Int32
        var nodeCount: Int32
        var clusterStart: Int32
        var clusterCount: Int32
        var hopCount: Int32
        var isDNS: Bool
    }

    /// `sourceFrom[to][from]`: how cluster `to` sees a search coming from cluster `from`: its zone whose peers
    /// point back at `from`, else the Default Zone.
    let sourceFrom: [[CallSource]]
    /// Service aliases, lower-cased → (service, alias index). [PX-about_aliases] (model: case-insensitive)
    let serviceByAlias: [String: Int]
    /// Largest capture count of any pattern, for sizing match data.
    let maxCaptures: Int
    /// Per node: its location and its media location.
    let nodeLocation: [Int]
    let nodeMediaLocation: [Int]
    /// Search rules as plain values in the global numbering (no references: the hot path copies them freely).
    let ruleRows: [RuleRow]
    let nodeInMaintenance: [Bool]

    /// Per cluster and call source: the enabled rules whose source setting admits that source, in search order,
    /// cut into priority levels. A call only ever looks at these, so a cluster with a rule per site costs each call
    /// its own site's rules, not every site's.
    let applicable: [Int32]
    let applicableLevels: [Int32]
    let applicableRows: [ApplicableRow]
    /// Per cluster: index of its first row in `applicableRows`.
    let applicableBase: [Int]

    /// Where one (cluster, source)'s rules are: `applicable[ruleStart..<ruleStart+ruleCount]` and the exclusive
    /// end offset (into that slice) of each level in `applicableLevels[levelStart..<levelStart+levelCount]`.
    struct ApplicableRow {
        var ruleStart: Int32
        var levelStart: Int32
        var levelCount: Int32
    }

    /// The row index of `source` within its cluster.
    @inline(__always)
    func applicableRow(cluster: Int, source: CallSource) -> Int {
        let subzones = plan.clusters[cluster].subzones.count
        switch source {
        case .subzone(let index): return applicableBase[cluster] + index
        case .zone(let index): return applicableBase[cluster] + subzones + index
        case .defaultZone: return applicableBase[cluster] + subzones + plan.clusters[cluster].zones.count
        }
    }

    /// Per pool: the static routing configuration its users get (nil: none, so their calls are unrouted).
    let sfbConfigurationForPool: [Int?]
    /// Per configuration, per route: the Pexip nodes its destination reaches, or why it reaches none.
    let sfbTargets: [[StaticRouteTarget]]
    /// Per configuration: index of its first route in the global route numbering (coverage).
    let sfbRouteBase: [Int]
    let sfbRouteCount: Int

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
        public var nodes: [Int]
        public var problem: Problem?
        /// How the destination was resolved, for traces.
        public var resolution: String
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
        /// Zone index, or -1 for the Local Zone.
        var zone: Int32
    }

    /// Where a zone sends searches.
    struct ZoneTarget: Sendable {
        /// Pexip nodes among the peers (maintenance ones included; skipped at call time).
        var nodes: [Int]
        /// Clusters among the peers.
        var clusters: [Int]
        /// Peers that are neither.
        var unknownPeers: [String]
        var isDNS: Bool
        var isLocalZone: Bool
        var hopCount: Int
    }

    public init(plan: DialPlan) {
        self.plan = plan
        let directory = PeerDirectory(plan: plan)
        self.directory = directory
        var base: [Int] = []
        var total = 0
        var levels: [[Range<Int>]] = []
        var captures = 0
        for cluster in plan.clusters {
            base.append(total)
            total += cluster.searchRules.count
            var clusterLevels: [Range<Int>] = []
            var start = 0
            while start < cluster.searchRules.count {
                var end = start + 1
                while end < cluster.searchRules.count && cluster.searchRules[end].priority == cluster.searchRules[start].priority { end += 1 }
                clusterLevels.append(start..<end)
                start = end
            }
            levels.append(clusterLevels)
            for rule in cluster.searchRules { captures = max(captures, rule.matcher?.regex?.captureCount ?? 0) }
            for transform in cluster.transforms { captures = max(captures, transform.matcher.regex?.captureCount ?? 0) }
        }
        for rule in plan.gatewayRules { captures = max(captures, rule.matcher.regex?.captureCount ?? 0) }
        ruleBase = base
        totalRules = total
        var transformBase: [Int] = []
        var transforms = 0
        for cluster in plan.clusters {
            transformBase.append(transforms)
            transforms += cluster.transforms.count
        }
        self.transformBase = transformBase
        totalTransforms = transforms
        self.levels = levels
        maxCaptures = captures

        zoneTargets = plan.clusters.map { cluster in
            cluster.zones.map { zone in
                var target = ZoneTarget(nodes: [], clusters: [], unknownPeers: [], isDNS: zone.type == .dns, isLocalZone: false, hopCount: zone.hopCount)
                for peer in zone.peers {
                    let nodes = directory.nodes(for: peer)
                    let clusters = directory.clusters(for: peer)
                    target.nodes += nodes.filter { !target.nodes.contains($0) }
                    target.clusters += clusters.filter { !target.clusters.contains($0) }
                    if nodes.isEmpty && clusters.isEmpty { target.unknownPeers.append(peer) }
                }
                return target
            }
        }
        var zoneBase: [Int] = []
        var zoneRows: [ZoneRow] = []
        var zoneNodePool: [Int] = []
        var zoneClusterPool: [Int] = []
        for targets in zoneTargets {
            zoneBase.append(zoneRows.count)
            for target in targets {
                zoneRows.append(ZoneRow(
                    nodeStart: Int32(zoneNodePool.count), nodeCount: Int32(target.nodes.count),
                    clusterStart: Int32(zoneClusterPool.count), clusterCount: Int32(target.clusters.count),
                    hopCount: Int32(target.hopCount), isDNS: target.isDNS))
                zoneNodePool += target.nodes
                zoneClusterPool += target.clusters
            }
        }
        self.zoneBase = zoneBase
        self.zoneRows = zoneRows
        self.zoneNodePool = zoneNodePool
        self.zoneClusterPool = zoneClusterPool
        sourceFrom = plan.clusters.map { to in
            plan.clusters.indices.map { from in
                let zone = to.zones.firstIndex { zone in
                    zone.type != .dns && zone.peers.contains { directory.clusters(for: $0).contains(from) }
                }
                return zone.map(CallSource.zone) ?? .defaultZone
            }
        }
        if let sfb = plan.skypeForBusiness {
            sfbConfigurationForPool = sfb.pools.indices.map { sfb.configuration(forPool: $0) }
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
        var aliases: [String: Int] = [:]
        for (index, service) in plan.services.enumerated() {
            for alias in service.aliases { aliases[alias.alias.lowercased()] = index }
        }
        serviceByAlias = aliases
        ruleRows = plan.clusters.flatMap { cluster in
            cluster.searchRules.map { rule in
                let zone: Int32
                switch rule.target {
                case .zone(let index): zone = Int32(index)
                case .localZone: zone = -1
                }
                return RuleRow(
                    enabled: rule.enabled, callProtocol: rule.callProtocol, sourceMode: rule.sourceMode,
                    namedSource: rule.namedSource, mode: rule.mode, stop: rule.progress == .stop,
                    priority: Int32(rule.priority), zone: zone)
            }
        }
        nodeInMaintenance = plan.nodes.map(\.maintenanceMode)
        var applicable: [Int32] = []
        var applicableLevels: [Int32] = []
        var applicableRows: [ApplicableRow] = []
        var applicableBase: [Int] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            applicableBase.append(applicableRows.count)
            let sources = cluster.subzones.indices.map(CallSource.subzone) + cluster.zones.indices.map(CallSource.zone) + [.defaultZone]
            for source in sources {
                var row = ApplicableRow(ruleStart: Int32(applicable.count), levelStart: Int32(applicableLevels.count), levelCount: 0)
                var count: Int32 = 0
                for level in levels[clusterIndex] {
                    let before = count
                    for rule in level where RoutingTables.admits(cluster.searchRules[rule], source: source) && cluster.searchRules[rule].enabled {
                        applicable.append(Int32(rule))
                        count += 1
                    }
                    if count > before {
                        applicableLevels.append(count)
                        row.levelCount += 1
                    }
                }
                applicableRows.append(row)
            }
        }
        self.applicable = applicable
        self.applicableLevels = applicableLevels
        self.applicableRows = applicableRows
        self.applicableBase = applicableBase
        nodeLocation = plan.nodes.map(\.location)
        nodeMediaLocation = plan.nodes.map { plan.mediaLocation(of: $0.location) }
    }

    /// Resolves a static route's destination: an address is a node's address; an FQDN goes through the plan's DNS
    /// records (and node `alternative_fqdn`s), or, failing that, through the trusted application pool of that name,
    /// whose computers are resolved the same way. [MS] [PX-sfb/dmz_infinity_config]
    static func target(of route: StaticRoute, sfb: SkypeForBusiness, directory: PeerDirectory) -> StaticRouteTarget {
        let isAddress = PlanBuilder.isIPAddress(route.destination)
        if isAddress && route.transport == .tls {
            return StaticRouteTarget(nodes: directory.nodes(for: route.destination), problem: .tlsToAddress, resolution: "\(route.destination) is an address, but a TLS route needs an FQDN")
        }
        var nodes = directory.nodes(for: route.destination)
        var resolution = ""
        let addresses = Array(directory.addresses(for: route.destination).dropFirst())
        if !addresses.isEmpty { resolution = "\(route.destination) → \(addresses.joined(separator: ", "))" }
        if nodes.isEmpty, let pool = sfb.trustedApplicationPools.first(where: { PeerDirectory.key($0.fqdn) == PeerDirectory.key(route.destination) }) {
            for computer in pool.computers { nodes += directory.nodes(for: computer).filter { !nodes.contains($0) } }
            resolution = "trusted application pool \(pool.fqdn) → \(pool.computers.joined(separator: ", "))"
        }
        if !nodes.isEmpty {
            return StaticRouteTarget(nodes: nodes, problem: nil, resolution: resolution.isEmpty ? route.destination : resolution)
        }
        if isAddress || !addresses.isEmpty {
            let reached = isAddress ? [route.destination] : addresses
            return StaticRouteTarget(nodes: [], problem: .notPexip(reached), resolution: resolution.isEmpty ? route.destination : resolution)
        }
        return StaticRouteTarget(nodes: [], problem: .unresolved, resolution: "\(route.destination) does not resolve (no DNS record, trusted application pool or node of that name)")
    }

    /// Whether a search rule's source setting admits a call from `source`. [VCS "Search rules" Source]
    static func admits(_ rule: SearchRule, source: CallSource) -> Bool {
        admits(mode: rule.sourceMode, named: rule.namedSource, source: source)
    }

    /// The same, from the rule's source mode and resolved source name.
    @inline(__always)
    static func admits(mode: SourceMode, named: CallSource?, source: CallSource) -> Bool {
        switch mode {
        case .any: return true
        case .allzones:
            if case .defaultZone = source { return false }
            return true
        case .localzone:
            if case .subzone = source { return true }
            return false
        case .named: return named == source
        }
    }

    /// A name for a call source at `cluster`, as a VCS engineer would write it in `source_name`.
    func sourceName(_ source: CallSource, cluster: Int) -> String {
        switch source {
        case .subzone(let index): plan.clusters[cluster].subzones[index].name
        case .zone(let index): plan.clusters[cluster].zones[index].name
        case .defaultZone: PlanBuilder.defaultZone
        }
    }

    /// The SRV names tried for a domain, by protocol (SIP over TLS first). [VCS "DNS zones"]
    static func srvNames(for domain: String, protocol callProtocol: CallProtocol) -> [String] {
        switch callProtocol {
        case .sip: ["_sips._tcp.\(domain)", "_sip._tcp.\(domain)", "_sip._udp.\(domain)"]
        case .h323: ["_h323cs._tcp.\(domain)", "_h323ls._udp.\(domain)"]
        case .mssip: ["_sipfederationtls._tcp.\(domain)", "_sips._tcp.\(domain)"]
        }
    }
}
