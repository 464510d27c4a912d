import Foundation

extension PlanBuilder {
    /// Reads `skype_for_business:` (pools, static_routing_configurations, trusted_application_pools).
    func readSkypeForBusiness(_ tree: YAMLTree) -> SkypeForBusiness? {
        guard var fields = FieldReader(tree, what: "skype_for_business", sink: sink) else { return nil }
        var pools: [SfBPool] = []
        for item in fields.list("pools") {
            switch item {
            case .scalar(let text, false, let location):
                pools.append(SfBPool(fqdn: text, source: location))
            case .mapping:
                guard var pool = FieldReader(item, what: "skype_for_business pool", sink: sink), let fqdn = pool.requiredString("fqdn") else { continue }
                pool.what = "skype_for_business pool '\(fqdn)'"
                let addresses = pool.strings("addresses")
                for (address, location) in addresses where !PlanBuilder.isIPAddress(address) {
                    sink.error("\(pool.what): '\(address)' is not an IP address", at: location)
                }
                pool.reportUnknownKeys(alsoKnown: ["description", "site"])
                pools.append(SfBPool(fqdn: fqdn, addresses: addresses.map(\.0).filter(PlanBuilder.isIPAddress), source: pool.location(of: "fqdn")))
            default:
                sink.error("a pool is an FQDN or {fqdn: …}", at: item.location)
            }
        }
        requireUniqueNames(pools.map { ($0.fqdn, $0.source) }, kind: "pool", caseInsensitive: true)
        var configurations: [StaticRoutingConfiguration] = []
        for item in fields.list("static_routing_configurations") {
            guard var configuration = FieldReader(item, what: "static routing configuration", sink: sink) else { continue }
            let identity = configuration.requiredString("identity")
            if let identity { configuration.what = "static routing configuration '\(identity)'" }
            var scope: StaticRoutingConfiguration.Scope?
            if let identity {
                if identity.lowercased() == "global" {
                    scope = .global
                } else if identity.lowercased().hasPrefix("service:registrar:") {
                    let fqdn = String(identity.dropFirst("service:Registrar:".count))
                    if let pool = SkypeForBusiness.poolIndex(fqdn: fqdn, in: pools) {
                        scope = .registrar(PoolID(pool))
                    } else if fqdn.isBlank {
                        sink.error("\(configuration.what): the identity names no pool (service:Registrar:<pool FQDN>)", at: configuration.location(of: "identity"))
                    } else {
                        // The identity names a registrar pool of its own: the pool exists (Get-CsStaticRoutingConfiguration
                        // lists configurations of existing services only). [MS Set-CsStaticRoutingConfiguration]
                        pools.append(SfBPool(fqdn: fqdn, source: configuration.location(of: "identity"), implied: true))
                        scope = .registrar(PoolID(pools.count - 1))
                    }
                } else {
                    sink.error("\(configuration.what): identity is 'global' or 'service:Registrar:<pool FQDN>'", at: configuration.location(of: "identity"))
                }
            }
            var routes: [StaticRoute] = []
            for routeTree in configuration.list("routes") {
                if let route = readStaticRoute(routeTree, in: configuration.what) { routes.append(route) }
            }
            configuration.reportUnknownKeys(alsoKnown: ["description"])
            guard let identity, let scope else { continue }
            configurations.append(StaticRoutingConfiguration(identity: identity, scope: scope, routes: routes, source: configuration.location))
        }
        requireUniqueNames(configurations.map { ($0.identity, $0.source) }, kind: "static routing configuration", caseInsensitive: true)
        var trusted: [TrustedApplicationPool] = []
        for item in fields.list("trusted_application_pools") {
            guard var pool = FieldReader(item, what: "trusted application pool", sink: sink), let fqdn = pool.requiredString("fqdn") else { continue }
            pool.what = "trusted application pool '\(fqdn)'"
            let computers = pool.strings("computers").map(\.0)
            if computers.isEmpty { sink.error("\(pool.what) has no computers", at: pool.location) }
            pool.reportUnknownKeys(alsoKnown: ["description", "registrar", "site"])
            trusted.append(TrustedApplicationPool(fqdn: fqdn, computers: computers, source: pool.location))
        }
        requireUniqueNames(trusted.map { ($0.fqdn, $0.source) }, kind: "trusted application pool", caseInsensitive: true)
        fields.reportUnknownKeys()
        return SkypeForBusiness(pools: pools, configurations: configurations, trustedApplicationPools: trusted, source: fields.location)
    }

    private func readStaticRoute(_ tree: YAMLTree, in configuration: String) -> StaticRoute? {
        guard var fields = FieldReader(tree, what: "\(configuration) route", sink: sink) else { return nil }
        let matchURI = fields.requiredString("match_uri")
        if let matchURI { fields.what = "\(configuration) route '\(matchURI)'" }
        let destination = fields.requiredString("destination")
        // New-CsStaticRoute: -TLSRoute needs an FQDN and defaults to 5061; -TCPRoute 5060. [MS]
        let transport = fields.enumValue("transport", as: StaticRoute.Transport.self, default: .tls) ?? .tls
        let port = fields.int("port", in: 1...65535, default: transport == .tls ? 5061 : 5060) ?? 5061
        let enabled = fields.bool("enabled", default: true)
        let phoneOnly = fields.bool("match_only_phone_uri", default: false)
        let replaceHost = fields.bool("replace_host_in_request_uri", default: false)
        fields.reportUnknownKeys(alsoKnown: ["description"])
        if let matchURI {
            let domain = matchURI.hasPrefix("*.") ? String(matchURI.dropFirst(2)) : matchURI
            if domain.isEmpty || domain.contains(where: { $0 == "@" || $0 == "*" || $0 == " " || $0 == "/" || $0 == ":" }) {
                sink.error("\(fields.what): match_uri is a domain or *.domain, not '\(matchURI)'", at: fields.location(of: "match_uri"))
            }
        }
        guard let matchURI, let destination else { return nil }
        return StaticRoute(
            matchURI: matchURI, destination: destination, port: port, transport: transport, enabled: enabled,
            matchOnlyPhoneURI: phoneOnly, replaceHostInRequestURI: replaceHost, source: fields.location)
    }
}
