/// On the Pexip side a static route's domain is a location's `local_mssip_domain`; a route for another domain
/// sends calls Pexip does not serve as Skype for Business calls. The same matching rule as the simulation:
/// `*.x` covers subdomains of x only, a plain domain itself only. [PX-sfb/dmz_infinity_config] [MS]
enum SfBDomainNotLocal: PlanCheck {
    static let id = CheckID.sfbDomainNotLocal

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let domains = Set(context.plan.locations.compactMap { $0.localMSSIPDomain?.lowercased() })
        return StaticRouteVisit.all(context).compactMap { visit in
            if domains.isEmpty {
                return Diagnostic(.warning, "\(visit.name): no system location has a local_mssip_domain, so Pexip serves no Skype for Business domain", at: visit.route.source, check: id)
            }
            guard !domains.contains(where: { visit.route.matches(domain: $0) }) else { return nil }
            return Diagnostic(.warning, "\(visit.name): \(visit.route.matchURI) is no location's local_mssip_domain (\(domains.sorted().joined(separator: ", ")))", at: visit.route.source, check: id)
        }
    }
}
