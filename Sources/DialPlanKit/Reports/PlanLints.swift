/// Findings about the plan itself, independent of any one call.
public enum PlanLints {
    /// Runs every lint.
    public static func run(_ tables: RoutingTables) -> [Diagnostic] {
        gatewayRulesOverlappingAliases(tables) + zonesSpanningLocations(tables) + SkypeForBusinessLints.run(tables)
    }

    /// A Call Routing Rule whose pattern matches a service alias never applies to it, because Pexip matches service
    /// aliases first: usually a pattern wider than meant, or an alias that should not exist.
    /// [PX-dial_plan] [PX-configuring_gateway_rules]
    static func gatewayRulesOverlappingAliases(_ tables: RoutingTables) -> [Diagnostic] {
        let plan = tables.plan
        let scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
        var findings: [Diagnostic] = []
        for rule in plan.gatewayRules where rule.enable && rule.matchIncomingCalls {
            var overlaps: [(alias: String, service: String)] = []
            for service in plan.services {
                for alias in service.aliases {
                    let parsed = PexipAlias.parse(alias.alias)
                    if case .matched = rule.matcher.evaluate(rule.matchStringFull ? alias.alias : parsed, scratch: scratch) {
                        overlaps.append((alias.alias, service.name))
                    }
                }
            }
            guard !overlaps.isEmpty else { continue }
            let listed = overlaps.prefix(5).map { "'\($0.alias)' (\($0.service))" }.joined(separator: ", ")
            let more = overlaps.count > 5 ? " and \(overlaps.count - 5) more" : ""
            findings.append(Diagnostic(
                .warning,
                "Call Routing Rule '\(rule.name)' (priority \(rule.priority)) matches \(overlaps.count) service alias\(overlaps.count == 1 ? "" : "es"): \(listed)\(more); Pexip matches service aliases first, so the rule never applies to them",
                at: rule.matchStringSource, check: "gateway-rule-overlaps-alias"))
        }
        return findings
    }

    /// A neighbor zone whose Pexip peers are in more than one location lets call control land a site's calls in
    /// either: call control balances across a zone's peers, not Pexip. [PX-handling_media_signaling]
    static func zonesSpanningLocations(_ tables: RoutingTables) -> [Diagnostic] {
        let plan = tables.plan
        var findings: [Diagnostic] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (zoneIndex, zone) in cluster.zones.enumerated() {
                let nodes = tables.zoneTargets[clusterIndex][zoneIndex].nodes
                let locations = Array(Set(nodes.map { plan.nodes[$0].location })).sorted()
                guard locations.count > 1 else { continue }
                let byLocation = locations.map { location in
                    "\(plan.locations[location].name): \(nodes.filter { plan.nodes[$0].location == location }.map { plan.nodes[$0].name }.joined(separator: ", "))"
                }
                findings.append(Diagnostic(
                    .warning,
                    "\(cluster.name) zone '\(zone.name)' has peers in \(locations.count) locations (\(byLocation.joined(separator: "; "))): calls through it may land in any of them",
                    at: zone.source, check: "zone-spans-locations"))
            }
        }
        return findings
    }
}
