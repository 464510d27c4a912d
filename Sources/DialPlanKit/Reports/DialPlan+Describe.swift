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

    /// The name of the zone a hop searched ("LocalZone" for -1).
    public func zoneName(_ hop: Hop) -> String {
        hop.zone < 0 ? "LocalZone" : clusters[Int(hop.cluster)].zones[Int(hop.zone)].name
    }

    /// One hop: "vcs-apac: [transform 'Add video domain' →] rule 'X' (priority 90) → zone Pexip-Oslo"; a hop
    /// where the search ended names the cluster and its transform only.
    public func describe(_ hop: Hop) -> String {
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

    /// Where a hop's search rule (or, without one, its cluster) is defined.
    func source(of hop: Hop) -> SourceLocation {
        let cluster = clusters[Int(hop.cluster)]
        return hop.rule >= 0 ? cluster.searchRules[Int(hop.rule)].source : cluster.source
    }
}
