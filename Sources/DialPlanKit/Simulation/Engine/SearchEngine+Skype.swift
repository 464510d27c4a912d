/// A Skype for Business user's call: the pool's static routing configuration (else the global one), the first
/// enabled route whose `match_uri` covers the alias's domain (phone-URI-only routes only for phone URIs), its
/// destination's Pexip nodes, then Pexip as for any call. [MS New-CsStaticRoute, Set-CsStaticRoutingConfiguration]
extension SearchEngine {
    mutating func searchSkype(pool: Int?, alias: Int32) -> ResultRow {
        var row = ResultRow(landingStart: Int32(landingPool.count))
        guard let pool, let sfb = plan.skypeForBusiness, let configurationID = tables.sfbConfigurationForPool[pool] else {
            recorder.record(.sfbNoConfiguration(alias: text(alias)))
            row.unrouted = FailureRow(route: routes.route(.skype(configuration: -1, route: -1), then: -1), alias: alias)
            return row
        }
        let configuration = sfb.configurations[configurationID]
        recorder.record(.sfbConfiguration(configurationID, pool: PoolID(pool), alias: text(alias)))
        recorder.enter()
        defer { recorder.leave() }
        let aliasText = text(alias)
        let isPhone = PexipAlias.isPhoneURI(aliasText)
        let domain = PexipAlias.domain(of: aliasText)
        var chosen: Int?
        for (index, staticRoute) in configuration.routes.enumerated() {
            let ref = StaticRouteRef(configuration: configurationID, route: StaticRouteID(index))
            guard staticRoute.enabled else {
                recorder.record(.staticRouteDisabled(ref, alias: aliasText))
                continue
            }
            guard !staticRoute.matchOnlyPhoneURI || isPhone else {
                recorder.record(.staticRoutePhoneOnly(ref, alias: aliasText))
                continue
            }
            guard let domain, staticRoute.matches(domain: domain) else {
                recorder.record(.staticRouteNotMatched(ref, alias: aliasText, domain: domain))
                continue
            }
            chosen = index
            recorder.record(.staticRouteMatched(ref, alias: aliasText, domain: domain))
            break
        }
        guard let chosen else {
            recorder.record(.sfbNoRoute(configurationID, alias: aliasText, domain: domain))
            row.unrouted = FailureRow(route: routes.route(.skype(configuration: configurationID.rawValue, route: -1), then: -1), alias: alias)
            return row
        }
        if !Recorder.isRecording { coverage.staticRoutes[tables.sfbRouteBase[configurationID.index] + chosen] = true }
        let ref = StaticRouteRef(configuration: configurationID, route: StaticRouteID(chosen))
        let staticRoute = configuration.routes[chosen]
        let hopRoute = routes.route(.skype(configuration: configurationID.rawValue, route: Int32(chosen)), then: -1)
        let target = tables.sfbTargets[configurationID.index][chosen]
        recorder.record(.staticRouteResolved(ref, alias: aliasText, found: !target.nodes.isEmpty, resolution: target.resolution))
        if target.problem != nil || target.nodes.isEmpty {
            row.unrouted = FailureRow(route: hopRoute, alias: alias)
            return row
        }
        // With ReplaceHostInRequestUri the request URI's host becomes the destination. [MS New-CsStaticRoute]
        var received = alias
        if staticRoute.replaceHostInRequestURI {
            let parsed = PexipAlias.parse(aliasText)
            let user = parsed.lastIndex(of: "@").map { String(parsed[..<$0]) } ?? parsed
            received = intern(user + "@" + staticRoute.destination)
            recorder.record(.hostReplaced(ref, alias: aliasText, received: text(received)))
        }
        let start = collecting.count
        _ = offer(target.nodes.map(\.rawValue), alias: received, protocol: .mssip, leg: hasNetwork ? SignallingLeg.pool(pool, transport: staticRoute.transport == .tcp ? .tcp : .tls) : -1, route: hopRoute, levelStart: start, into: &row)
        if collecting.count > start {
            keepLandings(from: start, in: &row)
        } else {
            row.landingStart = Int32(landingPool.count)
            if !row.rejected.isPresent && !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: received) }
        }
        return row
    }
}
