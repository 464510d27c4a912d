/// Which parts of the plan simulated calls used: transforms applied, search rules that matched a call they applied
/// to, zones searched, and Call Routing Rules that took a call. What no call used is often a leftover.
public struct Coverage: Sendable, Equatable {
    /// Flags in the global numbering of `RoutingTables` (cluster by cluster).
    var transforms: [Bool]
    var rules: [Bool]
    /// Search rules that took an alias but were skipped because the call was not authenticated.
    var unauthenticated: [Bool]
    var zones: [Bool]
    var gatewayRules: [Bool]
    var staticRoutes: [Bool]

    init(tables: RoutingTables) {
        transforms = [Bool](repeating: false, count: tables.totalTransforms)
        rules = [Bool](repeating: false, count: tables.totalRules)
        unauthenticated = rules
        zones = [Bool](repeating: false, count: tables.zoneRows.count)
        gatewayRules = [Bool](repeating: false, count: tables.plan.gatewayRules.count)
        staticRoutes = [Bool](repeating: false, count: tables.sfbRouteCount)
    }

    /// Adds what `other` used.
    mutating func formUnion(_ other: Coverage) {
        for index in transforms.indices where other.transforms[index] { transforms[index] = true }
        for index in rules.indices where other.rules[index] { rules[index] = true }
        for index in unauthenticated.indices where other.unauthenticated[index] { unauthenticated[index] = true }
        for index in zones.indices where other.zones[index] { zones[index] = true }
        for index in gatewayRules.indices where other.gatewayRules[index] { gatewayRules[index] = true }
        for index in staticRoutes.indices where other.staticRoutes[index] { staticRoutes[index] = true }
    }

    /// The parts no call used, as notes located at their definitions (disabled ones are not listed: they are off
    /// on purpose). `calls` says how many calls the coverage is over.
    public func unused(in tables: RoutingTables, calls: Int) -> [Diagnostic] {
        let plan = tables.plan
        var findings: [Diagnostic] = []
        let suffix = "in \(calls) simulated call\(calls == 1 ? "" : "s")"
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (index, transform) in cluster.transforms.enumerated() where transform.enabled && !transforms[tables.transformBase[clusterIndex] + index] {
                findings.append(Diagnostic(.note, "\(plan.describe(TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(index)))) applied to no alias \(suffix)", at: transform.source, check: .unusedTransform))
            }
            // A rule refused only because its calls were unauthenticated is `search-rule-unauthenticated`'s.
            for (index, rule) in cluster.searchRules.enumerated()
            where rule.enabled && !rules[tables.ruleBase[clusterIndex] + index] && !unauthenticated[tables.ruleBase[clusterIndex] + index] {
                findings.append(Diagnostic(.note, "\(plan.describe(SearchRuleRef(cluster: ClusterID(clusterIndex), rule: SearchRuleID(index)))) matched no call \(suffix)", at: rule.source, check: .unusedSearchRule))
            }
            for (index, zone) in cluster.zones.enumerated() where !zones[tables.zoneBase[clusterIndex] + index] {
                findings.append(Diagnostic(.note, "\(cluster.name) zone '\(zone.name)' was searched by no call \(suffix)", at: zone.source, check: .unusedZone))
            }
        }
        for (configurationIndex, configuration) in (plan.skypeForBusiness?.configurations ?? []).enumerated() {
            for (index, route) in configuration.routes.enumerated() where route.enabled && !staticRoutes[tables.sfbRouteBase[configurationIndex] + index] {
                findings.append(Diagnostic(.note, "static route '\(route.matchURI)' of '\(configuration.identity)' carried no Skype call \(suffix)", at: route.source, check: .unusedStaticRoute))
            }
        }
        for (index, rule) in plan.gatewayRules.enumerated() where rule.enable && !gatewayRules[index] {
            findings.append(Diagnostic(.note, "Call Routing Rule '\(rule.name)' (priority \(rule.priority)) took no call \(suffix)", at: rule.source, check: .unusedGatewayRule))
        }
        return findings
    }

    /// Whether search rule `rule` took a simulated call.
    func tookCall(_ rule: SearchRuleRef, in tables: RoutingTables) -> Bool { rules[tables.ruleBase[rule.cluster.index] + rule.rule.index] }

    /// Whether search rule `rule` would have taken a simulated call that was not authenticated.
    func refusedUnauthenticated(_ rule: SearchRuleRef, in tables: RoutingTables) -> Bool {
        unauthenticated[tables.ruleBase[rule.cluster.index] + rule.rule.index]
    }

    /// Used / total counts per kind, for summaries: (transforms, search rules, zones, Call Routing Rules).
    public var counts: [(kind: String, used: Int, total: Int)] {
        func count(_ flags: [Bool]) -> Int { flags.reduce(0) { $0 + ($1 ? 1 : 0) } }
        var result: [(kind: String, used: Int, total: Int)] = [
            ("transforms", count(transforms), transforms.count),
            ("search rules", count(rules), rules.count),
            ("zones", count(zones), zones.count),
            ("Call Routing Rules", count(gatewayRules), gatewayRules.count),
        ]
        if !staticRoutes.isEmpty { result.append(("static routes", count(staticRoutes), staticRoutes.count)) }
        return result
    }
}
