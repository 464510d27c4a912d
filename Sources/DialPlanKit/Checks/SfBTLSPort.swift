/// `New-CsStaticRoute -TLSRoute` defaults to 5061, the port Pexip listens on for SIP TLS; another port misses it.
/// [MS] [PX-port_usage]
enum SfBTLSPort: PlanCheck {
    static let id = CheckID.sfbTLSPort

    static func run(_ context: CheckContext) -> [Diagnostic] {
        // The port Pexip takes SIP TLS on, from its port usage table.
        let pexip = PortUsage.sipTLS.ports!
        return StaticRouteVisit.all(context).compactMap { visit in
            guard visit.route.transport == .tls && !pexip.contains(visit.route.port) else { return nil }
            return Diagnostic(.warning, "\(visit.name) uses TLS on port \(visit.route.port); Pexip takes SIP TLS on \(pexip)", at: visit.route.source, check: id)
        }
    }
}
