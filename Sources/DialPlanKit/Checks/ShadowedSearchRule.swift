/// A search rule below a priority level whose Stop rule matches every alias it matches, for every protocol and source
/// it applies to, is never tried: Stop ends the search after that level even when the target does not find the
/// alias. [VCS "Search rules": "On successful match: Stop"; rules of one priority are tried together]
enum ShadowedSearchRule: PlanCheck {
    static let id = CheckID.shadowedSearchRule

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        return plan.clusters.indices.flatMap { clusterIndex -> [Diagnostic] in
            let cluster = plan.clusters[clusterIndex]
            let rules = cluster.searchRules
            var level = [Int](repeating: 0, count: rules.count)
            for (number, range) in context.tables.levels[clusterIndex].enumerated() {
                for rule in range { level[rule] = number }
            }
            let sources = cluster.subzones.ids.map(CallSource.subzone) + cluster.zones.ids.map(CallSource.zone) + [.defaultZone]
            let aliases: [RuleAliases?] = rules.map { rule in
                switch rule.mode {
                case .anyAlias: return .every
                case .aliasPatternMatch: return rule.matcher.map(RuleAliases.pattern)
                case .anyIPAddress: return nil
                }
            }
            // What each rule admits, computed once: the protocols, and the sources as bits.
            let admitted = rules.map { rule in
                (protocols: CallProtocol.allCases.map { rule.callProtocol.admits($0) },
                 sources: sources.map { RoutingTables.admits(rule, source: $0) })
            }
            let findings = ShadowAnalysis.run(aliases.map { $0 ?? .every }, membership: context.membership) { earlier, later in
                guard rules[earlier].enabled, rules[later].enabled, rules[earlier].progress == .stop, level[earlier] < level[later],
                    aliases[earlier] != nil, aliases[later] != nil,
                    // A Stop rule for authenticated requests only leaves the unauthenticated ones to later rules.
                    // [VCS "Search rules": Request must be authenticated]
                    !rules[earlier].requiresAuthentication || rules[later].requiresAuthentication
                else { return false }
                // Every protocol and every source the later rule admits, the earlier one admits too.
                let (first, second) = (admitted[earlier], admitted[later])
                return zip(second.protocols, first.protocols).allSatisfy { !$0 || $1 } && zip(second.sources, first.sources).allSatisfy { !$0 || $1 }
            }
            return findings.map { finding in
                let later = SearchRuleRef(cluster: ClusterID(clusterIndex), rule: SearchRuleID(finding.later))
                let earlier = SearchRuleRef(cluster: ClusterID(clusterIndex), rule: SearchRuleID(finding.earlier))
                return Diagnostic(
                    .warning,
                    "\(plan.describe(later)) is never tried: \(plan.describe(earlier)) (\(rules[finding.earlier].source)) stops the search at a higher priority for every alias, protocol and source this rule takes, e.g. '\(finding.witness)'\(ShadowAnalysis.proof(finding))",
                    at: rules[finding.later].source, check: id, witness: finding.witness,
                    notes: ["'\(rules[finding.earlier].name)' has On successful match: Stop: set it to Continue, give this rule a higher priority (a lower number), or narrow the earlier pattern"])
            }
        }
    }
}
