import PatternAutomata

/// Every regex of the plan that the analyzer can read as a tree: transforms, search rules, Call Policy rules' source
/// and destination patterns, Call Routing Rules.
struct PlanPattern {
    let site: PatternSite
    let matcher: AliasMatcher
    let tree: RegexTree
    /// Where the pattern is written.
    let location: SourceLocation

    static func all(_ plan: DialPlan) -> [PlanPattern] {
        var patterns: [PlanPattern] = []
        func add(_ site: PatternSite, _ matcher: AliasMatcher?, _ location: SourceLocation) {
            guard let matcher, matcher.type == .regex, let tree = try? RegexTree.parse(matcher.string, dialect: .pcre2) else { return }
            patterns.append(PlanPattern(site: site, matcher: matcher, tree: tree, location: location))
        }
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for (index, transform) in cluster.transforms.enumerated() where transform.enabled {
                add(.transform(TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(index))), transform.matcher, transform.source)
            }
            for (index, rule) in cluster.searchRules.enumerated() where rule.enabled && rule.mode == .aliasPatternMatch {
                add(.searchRule(SearchRuleRef(cluster: ClusterID(clusterIndex), rule: SearchRuleID(index))), rule.matcher, rule.source)
            }
            for (index, rule) in cluster.callPolicy.enumerated() {
                let site = PatternSite.callPolicy(CallPolicyRuleRef(cluster: ClusterID(clusterIndex), rule: CallPolicyRuleID(index)))
                add(site, rule.sourcePattern, rule.source)
                add(site, rule.destinationPattern, rule.source)
            }
        }
        for (index, rule) in plan.gatewayRules.enumerated() where rule.enable {
            add(.gatewayRule(GatewayRuleID(index)), rule.matcher, rule.matchStringSource)
        }
        return patterns
    }

    /// "vcs-emea transform 'Add domain' (priority 10): pattern 'meet\.(.+)'".
    func describe(in plan: DialPlan) -> String {
        "\(plan.describe(site)): pattern '\(matcher.string)'"
    }

    /// Whether the plan's matcher (PCRE2) matches `alias`: witnesses are shown only when it agrees.
    func matches(_ alias: String, scratch: RegexScratch) -> Bool {
        RuleAliases.pattern(matcher).matches(alias, scratch: scratch)
    }
}
