/// Human-readable names for the parts of a plan, used by every report so that they say the same thing.
extension DialPlan {
    /// "vcs-apac search rule 'Fallback to Pexip Oslo' (priority 90)".
    public func describe(_ rule: SearchRuleRef) -> String {
        let info = clusters[rule.cluster].searchRules[rule.rule]
        return "\(clusters[rule.cluster].name) search rule '\(info.name)' (priority \(info.priority)\(info.systemGenerated ? ", system-generated" : ""))"
    }

    /// "vcs-emea transform 'Add video domain' (priority 10)".
    public func describe(_ transform: TransformRef) -> String {
        let info = clusters[transform.cluster].transforms[transform.transform]
        return "\(clusters[transform.cluster].name) transform '\(info.name)' (priority \(info.priority))"
    }

    /// "vcs-emea Call Policy rule at priority 20 ('guest.*' → '9.*', reject)".
    public func describe(_ rule: CallPolicyRuleRef) -> String {
        let info = clusters[rule.cluster].callPolicy[rule.rule]
        return "\(clusters[rule.cluster].name) Call Policy rule at priority \(info.priority) (\(info.sourceDescription) → '\(info.destinationText)', \(info.action.rawValue))"
    }

    /// "vcs-emea (sip over tls)" or "Skype for Business pool sfb-emea.acme.example (tls)".
    public func describe(_ sender: SignallingSender) -> String {
        switch sender {
        case .cluster(let cluster, let callProtocol, let transport):
            let over = callProtocol == .h323 ? "h323" : "\(callProtocol.rawValue) over \(transport.rawValue)"
            return "\(clusters[cluster].name) (\(over))"
        case .pool(let pool, let transport):
            return "Skype for Business pool \(skypeForBusiness?.pools[pool].fqdn ?? "?") (\(transport.rawValue))"
        }
    }

    /// "vcs-amer zone 'Pexip-NewYork'".
    public func describe(_ zone: ZoneRef) -> String {
        "\(clusters[zone.cluster].name) zone '\(clusters[zone.cluster].zones[zone.zone].name)'"
    }

    /// "static route 'vc.acme.example' of 'service:Registrar:sfb-sin.acme.example'".
    public func describe(_ route: StaticRouteRef) -> String {
        guard let configuration = skypeForBusiness?.configurations[route.configuration] else { return "a static route" }
        return "static route '\(configuration.routes[route.route].matchURI)' of '\(configuration.identity)'"
    }

    /// "conference 'Alice Andersen'" or "gateway_rule 'PSTN'".
    public func describe(_ service: ServiceRef) -> String {
        let info = serviceInfo(service)
        return "\(info.kind) '\(info.name)'"
    }

    /// Where a pattern is defined, in words: a transform, a search rule or a Call Routing Rule.
    public func describe(_ site: PatternSite) -> String {
        switch site {
        case .transform(let transform): describe(transform)
        case .searchRule(let rule): describe(rule)
        case .gatewayRule(let rule): "Call Routing Rule '\(gatewayRules[rule].name)' (priority \(gatewayRules[rule].priority))"
        case .callPolicy(let rule): describe(rule)
        }
    }

    /// "transform 'X' (vcs-emea): the regex hit PCRE2's limit on 'alias'".
    public func describe(_ limit: LimitHit) -> String {
        switch limit.reason {
        case .regex(let site): "\(describe(site)): the regex hit PCRE2's limit on '\(limit.alias)'"
        case .searchBudget(let cluster):
            "the search for '\(limit.alias)' from \(clusters[cluster].name) branched into more than \(LimitHit.searchBudget) cluster searches: rules of one level that send rewrites to zones of the same clusters, again at every hop"
        case .notSimulated(let rule):
            "\(describe(rule)) sends '\(limit.alias)' to \(describeTarget(of: rule)), whose answer is not simulated, so where the call goes from there is unknown"
        case .callerUnknown(let rule):
            "\(describe(rule)) decides '\(limit.alias)' by the caller's alias, and the site gives none (caller_alias), so whether it is allowed depends on who calls"
        }
    }

    /// What a search rule targets, in words: "zone 'X'", "ENUM zone 'E'", "policy service 'P'", "the Local Zone".
    public func describeTarget(of rule: SearchRuleRef) -> String {
        switch clusters[rule.cluster].searchRules[rule.rule].target {
        case .localZone: return "the Local Zone"
        case .policyService(let name): return "policy service '\(name)'"
        case .zone(let zone):
            let info = clusters[rule.cluster].zones[zone]
            return info.type == .enumZone ? "ENUM zone '\(info.name)'" : "zone '\(info.name)'"
        }
    }

    /// Where a limit's cause is defined in the plan's files.
    public func source(of reason: LimitHit.Reason) -> SourceLocation {
        switch reason {
        case .regex(let site): source(of: site)
        case .searchBudget(let cluster): clusters[cluster].source
        case .notSimulated(let rule): clusters[rule.cluster].searchRules[rule.rule].source
        case .callerUnknown(let rule): clusters[rule.cluster].callPolicy[rule.rule].source
        }
    }

    /// Where a pattern is defined in the plan's files.
    public func source(of site: PatternSite) -> SourceLocation {
        switch site {
        case .transform(let transform): clusters[transform.cluster].transforms[transform.transform].source
        case .searchRule(let rule): clusters[rule.cluster].searchRules[rule.rule].source
        case .gatewayRule(let rule): gatewayRules[rule].matchStringSource
        case .callPolicy(let rule): clusters[rule.cluster].callPolicy[rule.rule].source
        }
    }

    /// The zone a VCS hop's rule searched (nil: the Local Zone, or the search ended there).
    public func zone(of hop: Hop) -> ZoneRef? {
        guard let rule = hop.searchRule, case .zone(let zone) = clusters[rule.cluster].searchRules[rule.rule].target else { return nil }
        return ZoneRef(cluster: rule.cluster, zone: zone)
    }

    /// Where the rule or route of a hop is defined.
    public func source(of hop: Hop) -> SourceLocation? {
        if let rule = hop.searchRule { return clusters[rule.cluster].searchRules[rule.rule].source }
        if let route = hop.staticRoute, let sfb = skypeForBusiness { return sfb.configurations[route.configuration].routes[route.route].source }
        return nil
    }

    /// The name of the zone a hop searched ("LocalZone" for the Local Zone; a Skype static route's destination).
    public func zoneName(_ hop: Hop) -> String {
        if let route = staticRoute(of: hop) { return route.destination }
        guard let zone = zone(of: hop) else { return PlanBuilder.localZone }
        return clusters[zone.cluster].zones[zone.zone].name
    }

    /// The static route a Skype for Business hop took, if it took one.
    public func staticRoute(of hop: Hop) -> StaticRoute? {
        guard let route = hop.staticRoute, let sfb = skypeForBusiness else { return nil }
        return sfb.configurations[route.configuration].routes[route.route]
    }

    /// One hop: "vcs-apac: [transform 'Add video domain' →] rule 'X' (priority 90) → zone Pexip-Oslo"; a hop
    /// where the search ended names the cluster and its transform only.
    public func describe(_ hop: Hop) -> String {
        switch hop {
        case .skype(let configurationID, let routeID):
            guard let configurationID, let configuration = skypeForBusiness?.configurations[configurationID] else {
                return "Skype for Business: no static routing configuration"
            }
            guard let routeID else { return "Skype for Business: configuration '\(configuration.identity)': no route matches" }
            let route = configuration.routes[routeID]
            return "Skype for Business: configuration '\(configuration.identity)' → static route '\(route.matchURI)' → \(route.transport.rawValue.uppercased()) \(route.destination):\(route.port)"
        case .search(let clusterID, let transform, let rule):
            return describe(cluster: clusterID, transform: transform, rule: rule, zone: zoneName(hop), interworkedTo: nil)
        case .interworked(let clusterID, let transform, let rule, let to):
            return describe(cluster: clusterID, transform: transform, rule: rule, zone: zoneName(hop), interworkedTo: to)
        case .callPolicy(let clusterID, let transform, let rule):
            let cluster = clusters[clusterID]
            var parts: [String] = []
            if let transform { parts.append("transform '\(cluster.transforms[transform].name)'") }
            parts.append("Call Policy rule at priority \(cluster.callPolicy[rule].priority) rejects")
            return "\(cluster.name): " + parts.joined(separator: " → ")
        }
    }

    private func describe(cluster clusterID: ClusterID, transform: TransformID?, rule: SearchRuleID?, zone: String, interworkedTo: CallProtocol?) -> String {
        let cluster = clusters[clusterID]
        var parts: [String] = []
        if let transform { parts.append("transform '\(cluster.transforms[transform].name)'") }
        if let rule {
            let info = cluster.searchRules[rule]
            parts.append("rule '\(info.name)' (priority \(info.priority))")
            parts.append("zone \(zone)" + (interworkedTo.map { " (interworked to \($0.rawValue))" } ?? ""))
        }
        return parts.isEmpty ? cluster.name : "\(cluster.name): " + parts.joined(separator: " → ")
    }

    /// A whole route: hops joined by " ⇒ ".
    public func describe(route: [Hop]) -> String {
        route.map(describe).joined(separator: " ⇒ ")
    }

    /// Location names, joined.
    public func locationNames(_ ids: [LocationID]) -> String {
        ids.map { locations[$0].name }.joined(separator: ", ")
    }

    /// The kind and name of what takes a call on Pexip.
    public func serviceInfo(_ service: ServiceRef) -> (kind: String, name: String) {
        switch service {
        case .service(let id): (services[id].serviceType.rawValue, services[id].name)
        case .gatewayRule(let id): ("gateway_rule", gatewayRules[id].name)
        }
    }

    /// Signalling and media locations of every landing, sorted, unique.
    public func locations(of outcome: CallOutcome) -> [LocationID] {
        Array(Set(outcome.landings.flatMap { [nodes[$0.node].location, mediaLocation(of: nodes[$0.node].location)] })).sorted()
    }

    /// Media locations of every landing, sorted, unique.
    public func mediaLocations(of outcome: CallOutcome) -> [LocationID] {
        Array(Set(outcome.landings.map { mediaLocation(of: nodes[$0.node].location) })).sorted()
    }

    /// Signalling locations of every landing, sorted, unique.
    public func signallingLocations(of outcome: CallOutcome) -> [LocationID] {
        Array(Set(outcome.landings.map { nodes[$0.node].location })).sorted()
    }
}
