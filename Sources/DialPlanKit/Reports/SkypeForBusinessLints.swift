/// Findings about Skype for Business static routing, each located at the route, pool or node responsible.
/// [MS New-CsStaticRoute] [PX-sfb/dmz_infinity_config] [PX-API]
enum SkypeForBusinessLints {
    static func run(_ tables: RoutingTables) -> [Diagnostic] {
        guard let sfb = tables.plan.skypeForBusiness else { return [] }
        let plan = tables.plan
        var findings: [Diagnostic] = []
        let mssipDomains = Set(plan.locations.compactMap { $0.localMSSIPDomain?.lowercased() })
        var nodesReached: [Int: StaticRoute] = [:]

        for (configurationIndex, configuration) in sfb.configurations.enumerated() {
            for (index, route) in configuration.routes.enumerated() {
                let name = "static route '\(route.matchURI)' of '\(configuration.identity)'"
                let target = tables.sfbTargets[configurationIndex][index]
                switch target.problem {
                case .tlsToAddress:
                    // -TLSRoute takes an FQDN: the TLS certificate is checked against it. [MS New-CsStaticRoute]
                    findings.append(Diagnostic(.error, "\(name) is a TLS route to the address \(route.destination); TLS needs an FQDN that matches the nodes' certificates", at: route.source, check: "sfb-tls-route-to-address"))
                case .unresolved:
                    findings.append(Diagnostic(.error, "\(name): \(target.resolution)", at: route.source, check: "sfb-destination-unresolved"))
                case .notPexip(let addresses):
                    findings.append(Diagnostic(.error, "\(name): \(route.destination) resolves to \(addresses.joined(separator: ", ")), which \(addresses.count == 1 ? "is" : "are") no Pexip node", at: route.source, check: "sfb-destination-not-pexip"))
                case nil:
                    break
                }
                if route.enabled { for node in target.nodes where nodesReached[node] == nil { nodesReached[node] = route } }
                // New-CsStaticRoute -TLSRoute defaults to 5061, the port Pexip listens on for SIP TLS. [MS] [PX-port_usage]
                if route.transport == .tls && route.port != 5061 {
                    findings.append(Diagnostic(.warning, "\(name) uses TLS on port \(route.port); Pexip takes SIP TLS on 5061", at: route.source, check: "sfb-tls-port"))
                }
                // The same rule as the simulation: `*.x` covers subdomains of x only, a plain domain itself only.
                if !mssipDomains.isEmpty && !mssipDomains.contains(where: { route.matches(domain: $0) }) {
                    findings.append(Diagnostic(.warning, "\(name): \(route.matchURI) is no location's local_mssip_domain (\(mssipDomains.sorted().joined(separator: ", ")))", at: route.source, check: "sfb-domain-not-local"))
                } else if mssipDomains.isEmpty {
                    findings.append(Diagnostic(.warning, "\(name): no system location has a local_mssip_domain, so Pexip serves no Skype for Business domain", at: route.source, check: "sfb-domain-not-local"))
                }
                // The first matching route wins, so a later route whose domains an earlier one covers never applies. [MS]
                if route.enabled, let earlier = configuration.routes[..<index].first(where: { $0.enabled && route.isCovered(by: $0) && (!$0.matchOnlyPhoneURI || route.matchOnlyPhoneURI) }) {
                    findings.append(Diagnostic(.warning, "\(name) is shadowed by the earlier route '\(earlier.matchURI)' (\(earlier.source)), which matches every domain it does", at: route.source, check: "sfb-route-shadowed"))
                }
            }
        }
        // Nodes that talk to Skype for Business need their SIP TLS FQDN. [PX-API alternative_fqdn] [PX-sfb]
        for (node, route) in nodesReached.sorted(by: { $0.key < $1.key }) where plan.nodes[node].alternativeFQDN == nil {
            findings.append(Diagnostic(.error, "worker_vm '\(plan.nodes[node].name)' receives Skype for Business calls (static route '\(route.matchURI)') but has no alternative_fqdn, its SIP TLS FQDN", at: plan.nodes[node].source, check: "sfb-node-without-fqdn"))
        }
        // Pools no site uses are harmless; sites whose pool has no configuration at all are reported by their calls.
        return findings
    }
}
