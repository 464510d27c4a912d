/// Skype for Business / Lync as it routes calls to Pexip: front-end pools where users are homed, static routing
/// configurations (global, or per pool) with ordered static routes, and trusted application pools naming the
/// computers behind a route's destination. Field names follow the cmdlets New-CsStaticRoute and
/// Set-CsStaticRoutingConfiguration. [MS] [PX-sfb/dmz_infinity_config]
public struct SkypeForBusiness: Sendable {
    public var pools: [SfBPool]
    public var configurations: [StaticRoutingConfiguration]
    public var trustedApplicationPools: [TrustedApplicationPool]
    public var source: SourceLocation

    /// The pool with FQDN `fqdn`; FQDNs compare without case (DNS names).
    public func poolIndex(fqdn: String) -> Int? { SkypeForBusiness.poolIndex(fqdn: fqdn, in: pools) }

    static func poolIndex(fqdn: String, in pools: [SfBPool]) -> Int? {
        let wanted = fqdn.lowercased()
        return pools.firstIndex { $0.fqdn.lowercased() == wanted }
    }

    /// The configuration that applies to users homed on `pool`: the pool's own (`service:Registrar:<pool>`), else
    /// the global one. [MS Set-CsStaticRoutingConfiguration]
    public func configuration(forPool pool: PoolID) -> RoutingConfigurationID? {
        (configurations.firstIndex { $0.scope == .registrar(pool) } ?? configurations.firstIndex { $0.scope == .global }).map(RoutingConfigurationID.init)
    }
}

/// A Skype for Business front-end (registrar) pool.
public struct SfBPool: Sendable, Hashable {
    public var fqdn: String
    /// The front-end servers' addresses (`addresses`), which place the pool in the network; otherwise its FQDN's
    /// DNS records do.
    public var addresses: [String] = []
    public var source: SourceLocation
    /// Not listed in `pools`, but named by a `service:Registrar:<fqdn>` configuration's identity.
    public var implied: Bool = false
}

/// A static routing configuration: `global`, or `service:Registrar:<pool FQDN>`.
public struct StaticRoutingConfiguration: Sendable {
    public enum Scope: Sendable, Hashable {
        case global
        case registrar(PoolID)
    }

    public var identity: String
    public var scope: Scope
    /// Routes in order: the first enabled one that matches is taken.
    public var routes: [StaticRoute]
    public var source: SourceLocation
}

/// A static route (New-CsStaticRoute). [MS]
public struct StaticRoute: Sendable {
    public enum Transport: String, Sendable, CaseIterable, Codable {
        case tls, tcp
    }

    /// A domain (`vc.acme.example`), or `*.domain` for its subdomains.
    public var matchURI: String
    /// An FQDN (TLS) or an IP address (TCP).
    public var destination: String
    public var port: Int
    public var transport: Transport
    public var enabled: Bool
    /// The route applies only to phone URIs (`tel:` or `;user=phone`).
    public var matchOnlyPhoneURI: Bool
    /// The request URI's host becomes the destination, so Pexip receives `user@<destination>`.
    public var replaceHostInRequestURI: Bool
    public var source: SourceLocation

    /// Whether the route's `match_uri` covers `domain`: the same domain, or for `*.x` any subdomain of x. [MS]
    public func matches(domain: String) -> Bool {
        let pattern = matchURI.lowercased()
        let domain = domain.lowercased()
        if pattern.hasPrefix("*.") { return domain.hasSuffix(String(pattern.dropFirst(1))) }
        return domain == pattern
    }

    /// Whether every domain this route matches is also matched by `other` (so an earlier `other` shadows it).
    public func isCovered(by other: StaticRoute) -> Bool {
        let mine = matchURI.lowercased()
        let theirs = other.matchURI.lowercased()
        if mine == theirs { return true }
        guard theirs.hasPrefix("*.") else { return false }
        let suffix = String(theirs.dropFirst(1))
        return mine.hasSuffix(suffix) && mine.count > suffix.count
    }
}

/// A trusted application pool: an FQDN and the computers (Pexip nodes' FQDNs) behind it.
public struct TrustedApplicationPool: Sendable {
    public var fqdn: String
    public var computers: [String]
    public var source: SourceLocation
}
