/// Human-readable names for the parts of a plan, used by every report so that they say the same thing.
extension DialPlan {
    /// "vcs-apac search rule 'Fallback to Pexip Oslo' (priority 90)".
    public func describeRule(cluster: Int, rule: Int) -> String {
        let rule = clusters[cluster].searchRules[rule]
        return "\(clusters[cluster].name) search rule '\(rule.name)' (priority \(rule.priority))"
    }

    /// "vcs-emea transform 'Add video domain' (priority 10)".
    public func describeTransform(cluster: Int, transform: Int) -> String {
        let transform = clusters[cluster].transforms[transform]
        return "\(clusters[cluster].name) transform '\(transform.name)' (priority \(transform.priority))"
    }

    /// The name of the zone a hop searched ("LocalZone" for -1; a Skype static route's destination).
    public func zoneName(_ hop: Hop) -> String {
        if hop.isSkypeForBusiness, let route = staticRoute(of: hop) { return route.destination }
        return hop.zone < 0 ? "LocalZone" : clusters[Int(hop.cluster)].zones[Int(hop.zone)].name
    }

    /// The static route a Skype for Business hop took, if it took one.
    public func staticRoute(of hop: Hop) -> StaticRoute? {
        guard hop.isSkypeForBusiness, hop.zone >= 0, hop.rule >= 0, let sfb = skypeForBusiness else { return nil }
        return sfb.configurations[Int(hop.zone)].routes[Int(hop.rule)]
    }

    /// "static route 'vc.acme.example' of 'service:Registrar:sfb-sin.acme.example'".
    public func describeStaticRoute(configuration: Int, route: Int) -> String {
        guard let configuration = skypeForBusiness?.configurations[configuration] else { return "a static route" }
        return "static route '\(configuration.routes[route].matchURI)' of '\(configuration.identity)'"
    }

    /// One hop: "vcs-apac: [transform 'Add video domain' →] rule 'X' (priority 90) → zone Pexip-Oslo"; a hop
    /// where the search ended names the cluster and its transform only.
    public func describe(_ hop: Hop) -> String {
        if hop.isSkypeForBusiness {
            guard hop.zone >= 0, let configuration = skypeForBusiness?.configurations[Int(hop.zone)] else {
                return "Skype for Business: no static routing configuration"
            }
            guard hop.rule >= 0 else { return "Skype for Business: configuration '\(configuration.identity)': no route matches" }
            let route = configuration.routes[Int(hop.rule)]
            return "Skype for Business: configuration '\(configuration.identity)' → static route '\(route.matchURI)' → \(route.transport.rawValue.uppercased()) \(route.destination):\(route.port)"
        }
        let cluster = clusters[Int(hop.cluster)]
        var parts: [String] = []
        if hop.transform >= 0 { parts.append("transform '\(cluster.transforms[Int(hop.transform)].name)'") }
        if hop.rule >= 0 {
            let rule = cluster.searchRules[Int(hop.rule)]
            parts.append("rule '\(rule.name)' (priority \(rule.priority))")
            parts.append("zone \(zoneName(hop))")
        }
        return parts.isEmpty ? cluster.name : "\(cluster.name): " + parts.joined(separator: " → ")
    }

    /// A whole route: hops joined by " ⇒ ".
    public func describe(route: [Hop]) -> String {
        route.map(describe).joined(separator: " ⇒ ")
    }

    /// Location names, joined.
    public func locationNames(_ indices: [Int]) -> String {
        indices.map { locations[$0].name }.joined(separator: ", ")
    }

    /// The kind and name of what took a call on Pexip.
    public func serviceInfo(_ decision: PexipDecision) -> (kind: String, name: String)? {
        switch decision {
        case .service(let index): (services[index].serviceType.rawValue, services[index].name)
        case .gatewayRule(let index, _): ("gateway_rule", gatewayRules[index].name)
        case .rejected: nil
        }
    }
}
