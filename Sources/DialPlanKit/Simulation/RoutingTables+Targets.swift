/// Where zones and static routes lead: resolved once per plan.
extension RoutingTables {
    /// A zone's peers resolved to Pexip nodes and clusters (following the plan's DNS records).
    static func target(of zone: Zone, directory: PeerDirectory) -> ZoneTarget {
        var target = ZoneTarget(nodes: [], clusters: [], unknownPeers: [], isDNS: zone.type == .dns, isENUM: zone.type == .enumZone, hopCount: zone.hopCount)
        for peer in zone.peers {
            let nodes = directory.nodes(for: peer)
            let clusters = directory.clusters(for: peer)
            target.nodes += nodes.filter { !target.nodes.contains($0) }
            target.clusters += clusters.filter { !target.clusters.contains($0) }
            if nodes.isEmpty && clusters.isEmpty { target.unknownPeers.append(peer) }
        }
        return target
    }

    /// Resolves a static route's destination: an address is a node's address; an FQDN goes through the plan's DNS
    /// records (and node `alternative_fqdn`s), or, failing that, through the trusted application pool of that name,
    /// whose computers are resolved the same way. [MS] [PX-sfb/dmz_infinity_config]
    static func target(of route: StaticRoute, sfb: SkypeForBusiness, directory: PeerDirectory) -> StaticRouteTarget {
        let isAddress = PlanBuilder.isIPAddress(route.destination)
        if isAddress && route.transport == .tls {
            return StaticRouteTarget(nodes: directory.nodes(for: route.destination), problem: .tlsToAddress, resolution: "\(route.destination) is an address, but a TLS route needs an FQDN")
        }
        var nodes = directory.nodes(for: route.destination)
        var resolution = ""
        let addresses = Array(directory.addresses(for: route.destination).dropFirst())
        if !addresses.isEmpty { resolution = "\(route.destination) → \(addresses.joined(separator: ", "))" }
        if nodes.isEmpty, let pool = sfb.trustedApplicationPools.first(where: { PeerDirectory.key($0.fqdn) == PeerDirectory.key(route.destination) }) {
            for computer in pool.computers { nodes += directory.nodes(for: computer).filter { !nodes.contains($0) } }
            resolution = "trusted application pool \(pool.fqdn) → \(pool.computers.joined(separator: ", "))"
        }
        if !nodes.isEmpty {
            return StaticRouteTarget(nodes: nodes, problem: nil, resolution: resolution.isEmpty ? route.destination : resolution)
        }
        if isAddress || !addresses.isEmpty {
            let reached = isAddress ? [route.destination] : addresses
            return StaticRouteTarget(nodes: [], problem: .notPexip(reached), resolution: resolution.isEmpty ? route.destination : resolution)
        }
        return StaticRouteTarget(nodes: [], problem: .unresolved, resolution: "\(route.destination) does not resolve (no DNS record, trusted application pool or node of that name)")
    }

    /// The SRV names tried for a domain, by protocol (SIP over TLS first). [VCS "DNS zones"]
    /// The SIP transport an SRV name stands for: `_sips._tcp` TLS, `_sip._tcp` TCP, `_sip._udp` UDP (RFC 3263);
    /// nil for H.323's.
    static func sipTransport(ofSRVName name: String) -> SIPTransport? {
        let lowered = name.lowercased()
        if lowered.hasPrefix("_sips._tcp.") || lowered.hasPrefix("_sipfederationtls._tcp.") { return .tls }
        if lowered.hasPrefix("_sip._tcp.") { return .tcp }
        if lowered.hasPrefix("_sip._udp.") { return .udp }
        return nil
    }

    static func srvNames(for domain: String, protocol callProtocol: CallProtocol) -> [String] {
        switch callProtocol {
        case .sip: ["_sips._tcp.\(domain)", "_sip._tcp.\(domain)", "_sip._udp.\(domain)"]
        case .h323: ["_h323cs._tcp.\(domain)", "_h323ls._udp.\(domain)"]
        case .mssip: ["_sipfederationtls._tcp.\(domain)", "_sips._tcp.\(domain)"]
        }
    }
}
