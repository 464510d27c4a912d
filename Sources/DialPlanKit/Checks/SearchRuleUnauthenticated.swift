/// A search rule that says "Request must be authenticated" and would have taken simulated calls, every one of them
/// unauthenticated, so it took none: whether a call is authenticated follows the authentication policy of the
/// subzone or zone it arrives from, and the ones its calls come from do not authenticate them.
/// [VCS "Search rules": Request must be authenticated; "Authentication policy"]
///
/// One warning per such rule, at the rule, naming the sources it admits and their policies.
enum SearchRuleUnauthenticated: PlanCheck {
    static let id = CheckID.searchRuleUnauthenticated

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation else { return [] }
        let plan = context.plan
        let tables = context.tables
        var findings: [Diagnostic] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (index, rule) in cluster.searchRules.enumerated() where rule.enabled && rule.requiresAuthentication {
                let ref = SearchRuleRef(cluster: ClusterID(clusterIndex), rule: SearchRuleID(index))
                guard !simulation.coverage.tookCall(ref, in: tables), simulation.coverage.refusedUnauthenticated(ref, in: tables) else { continue }
                var notes: [String] = []
                for (subzoneIndex, subzone) in cluster.subzones.enumerated()
                where RoutingTables.admits(rule, source: .subzone(SubzoneID(subzoneIndex))) && plan.sites.contains(where: { $0.registersTo.index == clusterIndex && $0.subzone?.index == subzoneIndex }) {
                    notes.append("subzone \(subzone.name): authentication_mode \(subzone.authentication.rawValue) (\(subzone.source))")
                }
                for (zoneIndex, zone) in cluster.zones.enumerated() where RoutingTables.admits(rule, source: .zone(ZoneID(zoneIndex))) && zone.type != .dns && zone.type != .enumZone {
                    notes.append("zone \(zone.name): authentication_mode \(zone.authentication.rawValue)\(zone.sipAuthenticationTrust ? ", SIP authentication trust on" : "") (\(zone.source))")
                }
                if RoutingTables.admits(rule, source: .defaultZone) {
                    notes.append("\(PlanBuilder.defaultZone): default_zone_authentication_mode \(cluster.defaultZoneAuthentication.rawValue) (\(cluster.source))")
                }
                findings.append(Diagnostic(
                    .warning,
                    "\(plan.describe(ref)) requires an authenticated request, and every simulated call it would take is unauthenticated, so it takes none",
                    at: rule.source, check: id, notes: notes))
            }
        }
        return findings
    }
}
