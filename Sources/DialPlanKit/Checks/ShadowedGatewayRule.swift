/// Pexip applies the first Call Routing Rule that matches, so a later rule whose conditions an earlier one's include
/// (the same calls, protocols, registration and source location, or wider) and whose every alias the earlier one
/// matches never applies. [PX-configuring_gateway_rules: rules are checked in priority order, the first match wins]
enum ShadowedGatewayRule: PlanCheck {
    static let id = CheckID.shadowedGatewayRule

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        let rules = plan.gatewayRules
        let findings = ShadowAnalysis.run(rules.map { .pattern($0.matcher) }, membership: context.membership) { earlier, later in
            let first = rules[earlier]
            let second = rules[later]
            func wider(_ flag: (GatewayRoutingRule) -> Bool) -> Bool { !flag(second) || flag(first) }
            return first.enable && second.enable && second.matchIncomingCalls
                && wider(\.matchIncomingCalls) && wider(\.matchIncomingSIP) && wider(\.matchIncomingH323)
                && wider(\.matchIncomingMSSIP) && wider(\.matchIncomingWebRTC) && wider(\.matchIncomingTeams)
                && (!first.matchIncomingOnlyIfRegistered || second.matchIncomingOnlyIfRegistered)
                && (first.matchSourceLocation == nil || first.matchSourceLocation == second.matchSourceLocation)
                && first.matchStringFull == second.matchStringFull
        }
        return findings.map { finding in
            let later = PatternSite.gatewayRule(GatewayRuleID(finding.later))
            let earlier = PatternSite.gatewayRule(GatewayRuleID(finding.earlier))
            return Diagnostic(
                .warning,
                "\(plan.describe(later)) never applies: the earlier \(plan.describe(earlier)) (\(rules[finding.earlier].source)) matches every alias it matches, with conditions at least as wide, e.g. '\(finding.witness)'\(ShadowAnalysis.proof(finding))",
                at: rules[finding.later].matchStringSource, check: id, witness: finding.witness,
                notes: ["the first matching rule is applied: give this rule a lower priority number than '\(rules[finding.earlier].name)', or narrow the earlier rule"])
        }
    }
}
