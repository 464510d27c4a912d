/// Nodes that talk to Skype for Business need their SIP TLS FQDN (`alternative_fqdn`). [PX-API alternative_fqdn]
/// [PX-sfb/dmz_infinity_config]
enum SfBNodeWithoutFQDN: PlanCheck {
    static let id = CheckID.sfbNodeWithoutFQDN

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        var reached: [NodeID: StaticRoute] = [:]
        for visit in StaticRouteVisit.all(context) where visit.route.enabled {
            for node in visit.target.nodes where reached[node] == nil { reached[node] = visit.route }
        }
        return reached.sorted { $0.key < $1.key }.compactMap { node, route in
            guard plan.nodes[node].alternativeFQDN == nil else { return nil }
            return Diagnostic(.error, "worker_vm '\(plan.nodes[node].name)' receives Skype for Business calls (static route '\(route.matchURI)') but has no alternative_fqdn, its SIP TLS FQDN", at: plan.nodes[node].source, check: id)
        }
    }
}
