/// A Cisco VCS / Expressway cluster: its addresses, subzones, pre-search transforms, zones and search rules.
public struct CallControlCluster: Sendable {
    public var name: String
    /// How other clusters' neighbor zones reach this one (addresses or FQDNs).
    public var addresses: [String]
    /// Subzones of the Local Zone; `DefaultSubZone` is always present.
    public var subzones: [Subzone]
    /// Enabled and disabled transforms, in the order they are tried (priority, then file order).
    public var transforms: [Transform]
    public var zones: [Zone]
    /// Search rules in the order they are tried (priority, then file order).
    public var searchRules: [SearchRule]
    /// The System Name (`xConfiguration SystemUnit Name`), which `%systemname%` stands for; the cluster's name when
    /// not given.
    public var systemName: String
    /// The SIP domains (`xConfiguration SIP Domain <n> Name`), which `%localdomains%` and `%localdomain<n>%` stand for.
    public var sipDomains: [String]
    /// Names of the cluster's external policy services, which search rules may target (not simulated).
    public var policyServices: [String]
    public var source: SourceLocation
    /// Where the plan (or the export) says the cluster's Call Policy is an uploaded CPL script or an external policy
    /// service (`cpl: true`; `xConfiguration Policy AdministratorPolicy Mode: LocalCPL` or `PolicyService`), which
    /// the simulation does not run: its calls are simulated as if the policy allowed them. [VCS "Call Policy"]
    public var unsimulatedPolicy: SourceLocation?
    /// H.323 <-> SIP interworking (`Interworking Mode`): whether a search that finds nothing in the call's protocol
    /// is repeated in the other. VCS's default is Registered only. [VCS "Interworking"]
    public var interworking: InterworkingMode = .registeredOnly
    /// Where `interworking` is set (the cluster itself when it is the default).
    public var interworkingSource: SourceLocation
    /// The Default Zone's authentication policy, which classifies calls from unknown systems and unregistered
    /// callers. [VCS "Authentication policy": zone-level]
    public var defaultZoneAuthentication: AuthenticationMode = .doNotCheckCredentials
    /// The administrator's Call Policy rules, in the order they are tried (priority, then file order); empty when
    /// the cluster has none (every call is allowed). [VCS "Call Policy"]
    public var callPolicy: [CallPolicyRule] = []
}

/// H.323 <-> SIP interworking: when a zone's search in the call's own protocol finds nothing, the VCS may search
/// the same zone again in the other protocol and translate the call. [VCS D14049.08 "Interworking"]
public enum InterworkingMode: String, Sendable, CaseIterable, Codable {
    /// Never interworked.
    case off
    /// Interworked only when one end is a locally registered endpoint: for a call from a neighboring system, only
    /// the Local Zone is searched in both protocols.
    case registeredOnly = "registered_only"
    /// Every zone is searched in both protocols.
    case on

    /// Whether a search for a call from `source` may query zones in the other protocol.
    public func interworks(from source: CallSource) -> Bool {
        switch self {
        case .off: false
        case .on: true
        case .registeredOnly:
            if case .subzone = source { true } else { false }
        }
    }
}

/// How a zone or subzone classifies the requests it receives, as authenticated or not; search rules that say
/// "Request must be authenticated" apply only to authenticated ones. VCS's default for a new zone or subzone is
/// Do not check credentials. [VCS "Authentication policy": zone-level and subzone-level]
public enum AuthenticationMode: String, Sendable, CaseIterable, Codable {
    /// Credentials are verified: messages that pass are authenticated, those without credentials are not.
    case checkCredentials = "check_credentials"
    /// Not checked; every message is authenticated.
    case treatAsAuthenticated = "treat_as_authenticated"
    /// Not checked; every message is unauthenticated (for a zone with SIP authentication trust, a SIP message
    /// that carries an asserted identity keeps it).
    case doNotCheckCredentials = "do_not_check_credentials"
}

/// One of the administrator's Call Policy rules: a call whose source and destination match is allowed or
/// rejected; the first matching rule decides, and a call no rule matches is allowed. Applied after pre-search
/// transforms and before the search. [VCS X7.0 "Configuring Call Policy rules using the web interface"]
public struct CallPolicyRule: Sendable {
    public enum Action: String, Sendable, CaseIterable, Codable {
        case allow, reject
    }

    public var priority: Int
    /// The caller's alias pattern (a regex, whole alias, case-insensitive); nil when blank, which matches only
    /// unauthenticated callers.
    public var sourcePattern: AliasMatcher?
    /// The pattern as written (empty when blank).
    public var sourceText: String
    /// The source in words: "'guest\..*'", or "unauthenticated callers" for a blank one.
    public var sourceDescription: String { sourceText.isEmpty ? "unauthenticated callers (blank source)" : "'\(sourceText)'" }
    /// The destination alias pattern (a regex, whole alias, case-insensitive), matched after transforms.
    public var destinationPattern: AliasMatcher
    public var destinationText: String
    public var action: Action
    public var source: SourceLocation
}

/// A subzone of a cluster's Local Zone, where endpoints register.
public struct Subzone: Sendable, Hashable {
    public var name: String
    /// How calls from endpoints registered here are classified. [VCS "Authentication policy": subzone-level]
    public var authentication: AuthenticationMode = .doNotCheckCredentials
    public var source: SourceLocation
}

/// A pre-search transform: only the first enabled, matching transform (in priority order) is applied.
/// [VCS "Pre-search transforms"]
public struct Transform: Sendable {
    public var name: String
    public var priority: Int
    public var enabled: Bool
    public var matcher: AliasMatcher
    public var source: SourceLocation
}

/// The kind of a zone.
public enum ZoneType: String, Sendable, CaseIterable, Codable {
    case neighbor
    case traversalClient = "traversal_client"
    case traversalServer = "traversal_server"
    case dns
    /// ENUM: E.164 numbers looked up as URIs in DNS NAPTR records. Not simulated: a search sent to one makes the
    /// call's outcome unknown.
    case enumZone = "enum"
}

/// A zone a search rule can target. [VCS "Zones"]
public struct Zone: Sendable {
    public var name: String
    public var type: ZoneType
    /// Addresses or FQDNs of the systems behind a neighbor or traversal zone.
    public var peers: [String]
    /// Hop count for searches sent through this zone (1–255, default 15).
    public var hopCount: Int
    /// For a traversal zone: the authentication user name that pairs the client zone with the server zone.
    public var username: String?
    /// For a traversal zone: the SIP port, which must be the same on the client and the server zone.
    public var sipPort: Int?
    /// Whether `peers` were inferred: a traversal server zone has no peer addresses (the client connects in), so
    /// its peers are the clusters whose traversal client zones point at this one. [VCS "Zones and Neighbors"]
    public var peersInferred: Bool = false
    /// Whether the zone is queried in SIP and in H.323 (`SIP Mode`, `H323 Mode`; both on by default). A zone with a
    /// protocol off is not searched in it natively; an interworked search may reach it in the other.
    /// [VCS "Zones": zone configuration]
    public var sipMode: Bool = true
    public var h323Mode: Bool = true
    /// How calls arriving through the zone are classified. [VCS "Authentication policy": zone-level]
    public var authentication: AuthenticationMode = .doNotCheckCredentials
    /// SIP authentication trust: a SIP call the sending system asserts as authenticated (P-Asserted-Identity)
    /// stays authenticated under Do not check credentials. [VCS "Authentication policy": SIP trust]
    public var sipAuthenticationTrust: Bool = false
    /// The transport of SIP searches and calls sent through the zone (`SIP Transport`; TLS by default).
    /// [VCS "Zones": SIP transport] [EXPORTS §2.2 `Neighbor SIP Transport`]
    public var sipTransport: SIPTransport = .tls
    public var source: SourceLocation

    /// Whether the zone is queried in `callProtocol`.
    public func speaks(_ callProtocol: CallProtocol) -> Bool {
        callProtocol.isSpoken(sipMode: sipMode, h323Mode: h323Mode)
    }
}

/// How SIP is carried through a zone.
public enum SIPTransport: String, Sendable, CaseIterable, Codable {
    case tls, tcp, udp
}

extension CallProtocol {
    /// Whether a zone with these modes is searched in this protocol (SIP for Skype's too). [VCS "Zones"]
    @inline(__always)
    public func isSpoken(sipMode: Bool, h323Mode: Bool) -> Bool {
        self == .h323 ? h323Mode : sipMode
    }

    /// The plan key of a zone's mode for this protocol: `h323_mode` or `sip_mode`.
    public var zoneModeKey: String { self == .h323 ? "h323_mode" : "sip_mode" }
}

/// Which calls a search rule applies to, by where they come from. [VCS "Search rules"]
public enum SourceMode: String, Sendable, CaseIterable, Codable {
    /// Locally registered endpoints, neighbor and traversal zones, and unregistered callers (the Default Zone).
    case any
    /// Locally registered endpoints and neighbor/traversal zones.
    case allzones
    /// Locally registered endpoints only.
    case localzone
    /// One named zone or subzone.
    case named
}

/// Which aliases a search rule applies to. [VCS "Search rules"]
public enum SearchMode: String, Sendable, CaseIterable, Codable {
    case aliasPatternMatch = "alias_pattern_match"
    case anyAlias = "any_alias"
    case anyIPAddress = "any_ip_address"

    /// Whether a rule of this mode takes an alias that is (or is not) an IP address; nil for a pattern match, which
    /// its pattern decides. Any alias: "any alias providing it is not an IP address"; Any IP address: only those.
    /// [VCS "Search rules": Mode]
    public func takes(isIPAddress: Bool) -> Bool? {
        switch self {
        case .anyAlias: !isIPAddress
        case .anyIPAddress: isIPAddress
        case .aliasPatternMatch: nil
        }
    }
}

/// The protocol filter of a search rule.
public enum RuleProtocol: String, Sendable, CaseIterable, Codable {
    case any, sip, h323

    /// Whether a call of `callProtocol` passes this filter.
    public func admits(_ callProtocol: CallProtocol) -> Bool {
        switch self {
        case .any: true
        case .sip: callProtocol == .sip || callProtocol == .mssip
        case .h323: callProtocol == .h323
        }
    }
}

/// What happens after a search rule matched. [VCS "On successful match"]
public enum Progress: String, Sendable, CaseIterable, Codable {
    /// Continue to lower-priority rules when the target does not find the alias.
    case `continue`
    /// Stop searching: no lower-priority rule is tried, even when the alias is not found.
    case stop
}

/// Where a search rule sends its search.
public enum SearchTarget: Sendable, Hashable {
    /// One of the cluster's zones.
    case zone(ZoneID)
    /// The Local Zone: registered endpoints, which the plan does not model, so it never finds a Pexip alias.
    case localZone
    /// An external policy service (by name): its answer is not simulated, so a search sent to it makes the call's
    /// outcome unknown.
    case policyService(String)
}

/// A search rule. [VCS "Search rules"]
public struct SearchRule: Sendable {
    public var name: String
    public var priority: Int
    public var enabled: Bool
    public var callProtocol: RuleProtocol
    public var sourceMode: SourceMode
    public var sourceName: String?
    /// Resolved `sourceName` (for `named`).
    public var namedSource: CallSource?
    public var mode: SearchMode
    /// The pattern and its behavior, for `alias_pattern_match`.
    public var matcher: AliasMatcher?
    public var progress: Progress
    public var target: SearchTarget
    public var targetName: String
    /// Created by the VCS itself (`SystemGenerated: Yes` in an export: the factory Local Zone rule, MRA rules).
    public var systemGenerated: Bool = false
    /// "Request must be authenticated": the rule applies only to calls the cluster treats as authenticated.
    /// [VCS "Search rules": Request must be authenticated]
    public var requiresAuthentication: Bool = false
    public var source: SourceLocation
}

/// Where a call comes from, as seen by a cluster's search rules.
public enum CallSource: Sendable, Hashable {
    /// An endpoint registered in a subzone of the Local Zone.
    case subzone(SubzoneID)
    /// A neighbor or traversal zone of this cluster.
    case zone(ZoneID)
    /// An unknown system or unregistered caller: the Default Zone.
    case defaultZone
}
