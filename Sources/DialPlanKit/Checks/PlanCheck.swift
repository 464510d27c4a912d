/// A check of the plan that needs no simulated call (or asks the simulation for what it needs), reporting findings
/// located at the rule, zone, route or node responsible. One check per file, its messages beside it.
protocol PlanCheck: Sendable {
    /// The findings' check id.
    static var id: CheckID { get }
    static func run(_ context: CheckContext) -> [Diagnostic]
}

/// What checks may read: the plan's routing tables, and the simulation when the check is about calls.
struct CheckContext {
    let tables: RoutingTables
    let simulation: Simulation?
    /// Every regex of the plan parsed once, for the pattern checks.
    let patterns: [PlanPattern]
    /// Which characters the patterns' literals and sets match, as PCRE2 decides (for the automata); shared so that
    /// each set is compiled once per run.
    let membership = PCRE2Membership()
    var plan: DialPlan { tables.plan }

    init(tables: RoutingTables, simulation: Simulation?) {
        self.tables = tables
        self.simulation = simulation
        patterns = PlanPattern.all(tables.plan)
    }
}

/// Every plan check, in report order.
public enum PlanChecks {
    static let all: [any PlanCheck.Type] = [
        GatewayRuleOverlapsAlias.self, ZoneSpansLocations.self, ServiceAmbiguous.self,
        SfBTLSRouteToAddress.self, SfBDestinationUnresolved.self, SfBDestinationNotPexip.self, SfBTLSPort.self,
        SfBDomainNotLocal.self, SfBRouteShadowed.self, SfBNodeWithoutFQDN.self,
        ShadowedTransform.self, ShadowedSearchRule.self, ShadowedGatewayRule.self,
        PatternUnescapedDot.self, PatternAnchorInAlternation.self, PatternAlternationScope.self, PatternMatchesEmpty.self,
        PatternNestedQuantifier.self, ServiceAliasSpaces.self, LocationChainCycle.self,
        ZonePeerInMaintenance.self, ServiceAliasUnreachable.self, CallPolicyNotSimulated.self,
        SearchRuleUnauthenticated.self, CallControlUnplaced.self, CallControlBlockedHidden.self, EndpointsBlockedHidden.self,
    ]

    /// Runs every check on `simulation`'s plan.
    public static func run(_ simulation: Simulation) -> [Diagnostic] {
        let context = CheckContext(tables: simulation.tables, simulation: simulation)
        return all.flatMap { $0.run(context) }
    }

    /// Runs the checks that need no simulation on `tables`' plan.
    public static func run(_ tables: RoutingTables) -> [Diagnostic] {
        let context = CheckContext(tables: tables, simulation: nil)
        return all.flatMap { $0.run(context) }
    }
}
