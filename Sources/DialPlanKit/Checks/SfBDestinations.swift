/// Every static route of every Skype for Business configuration, with where its destination leads: what the
/// Skype for Business checks read.
struct StaticRouteVisit {
    var ref: StaticRouteRef
    var configuration: StaticRoutingConfiguration
    var route: StaticRoute
    var target: RoutingTables.StaticRouteTarget
    /// "static route 'vc.acme.example' of 'global'".
    var name: String

    static func all(_ context: CheckContext) -> [StaticRouteVisit] {
        guard let sfb = context.plan.skypeForBusiness else { return [] }
        return sfb.configurations.enumerated().flatMap { configurationIndex, configuration in
            configuration.routes.enumerated().map { index, route in
                StaticRouteVisit(
                    ref: StaticRouteRef(configuration: RoutingConfigurationID(configurationIndex), route: StaticRouteID(index)),
                    configuration: configuration, route: route, target: context.tables.sfbTargets[configurationIndex][index],
                    name: "static route '\(route.matchURI)' of '\(configuration.identity)'")
            }
        }
    }
}
