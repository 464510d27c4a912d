/// `-TLSRoute` takes an FQDN: the TLS certificate is checked against it, so a TLS route to an address fails.
/// [MS New-CsStaticRoute]
enum SfBTLSRouteToAddress: PlanCheck {
    static let id = CheckID.sfbTLSRouteToAddress

    static func run(_ context: CheckContext) -> [Diagnostic] {
        StaticRouteVisit.all(context).compactMap { visit in
            guard visit.target.problem == .tlsToAddress else { return nil }
            return Diagnostic(.error, "\(visit.name) is a TLS route to the address \(visit.route.destination); TLS needs an FQDN that matches the nodes' certificates", at: visit.route.source, check: id)
        }
    }
}
