/// Whether a call lands where its site needs it. [PX-gs_server_network] "a call placed from an endpoint to a VMR
/// alias should be routed to the endpoint's local Conferencing Nodes". Decided by `VerdictRule` only.
public enum Verdict: String, Sendable, CaseIterable, Codable, Comparable {
    /// Every possible signalling location and the media location are local to the site.
    case local
    /// None is.
    case remote
    /// Some are.
    case ambiguous
    /// A Pexip node was reached but no service alias or Call Routing Rule took the alias.
    case rejected
    /// A search loop was detected or the hop count ran out.
    case loop
    /// No search reached a Pexip node that could take the call.
    case unrouted
    /// The simulation could not decide (a regex hit its match or depth limit).
    case error
    /// It lands locally, but on a node whose IPsec mesh with the nodes it must talk to is broken (blocked UDP 500
    /// or ESP, NAT, no route). [PX-gs_server_network]
    case meshBroken = "mesh-broken"
    /// It lands locally, but the site's endpoints cannot reach the node (signalling or media blocked).
    /// [PX-port_usage]
    case blocked

    /// Report order: the worst first.
    public var rank: Int {
        switch self {
        case .error: 0
        case .loop: 1
        case .remote: 2
        case .meshBroken: 3
        case .blocked: 4
        case .ambiguous: 5
        case .rejected: 6
        case .unrouted: 7
        case .local: 8
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// One step of a call's path through call control, without the alias: aliases differ per call, hops are what calls
/// share.
public enum Hop: Sendable, Hashable {
    /// A search at a VCS cluster: the pre-search transform applied on entry (if any), and the search rule whose
    /// target the call was sent to; `rule` is nil where the search ended at this cluster (no rule found the alias,
    /// or a loop came back to it).
    case search(cluster: ClusterID, transform: TransformID?, rule: SearchRuleID?)
    /// A Skype for Business user's call: the static routing configuration that applied (nil: none did) and the
    /// static route taken (nil: none matched).
    case skype(configuration: RoutingConfigurationID?, route: StaticRouteID?)
    /// A search at a VCS cluster whose rule's zone does not find the alias in the call's protocol (or does not
    /// speak it), so the cluster interworked the call and searched the zone in `to`. [VCS "Interworking"]
    case interworked(cluster: ClusterID, transform: TransformID?, rule: SearchRuleID, to: CallProtocol)
    /// A VCS cluster's Call Policy rule rejected the call, after the transform (if any). [VCS "Call Policy"]
    case callPolicy(cluster: ClusterID, transform: TransformID?, rule: CallPolicyRuleID)

    /// The cluster of a VCS hop.
    public var cluster: ClusterID? {
        switch self {
        case .search(let cluster, _, _), .interworked(let cluster, _, _, _), .callPolicy(let cluster, _, _): cluster
        case .skype: nil
        }
    }

    /// The search rule of a VCS hop that sent the call on.
    public var searchRule: SearchRuleRef? {
        switch self {
        case .search(let cluster, _, let rule?), .interworked(let cluster, _, let rule, _): SearchRuleRef(cluster: cluster, rule: rule)
        default: nil
        }
    }

    /// The transform of a VCS hop.
    public var transform: TransformRef? {
        switch self {
        case .search(let cluster, let transform?, _), .interworked(let cluster, let transform?, _, _), .callPolicy(let cluster, let transform?, _):
            TransformRef(cluster: cluster, transform: transform)
        default: nil
        }
    }

    /// The Call Policy rule of a hop where the call was rejected by one.
    public var callPolicyRule: CallPolicyRuleRef? {
        if case .callPolicy(let cluster, _, let rule) = self { return CallPolicyRuleRef(cluster: cluster, rule: rule) }
        return nil
    }

    /// The protocol a hop's cluster interworked the call into, if it did.
    public var interworkedTo: CallProtocol? {
        if case .interworked(_, _, _, let to) = self { return to }
        return nil
    }

    /// The static route of a Skype for Business hop that took the call.
    public var staticRoute: StaticRouteRef? {
        if case .skype(let configuration?, let route?) = self { return StaticRouteRef(configuration: configuration, route: route) }
        return nil
    }

    public var isSkypeForBusiness: Bool {
        if case .skype = self { return true }
        return false
    }
}

/// The call a Call Routing Rule places out of Pexip. [PX-configuring_gateway_rules] [PX-API gateway_routing_rule]
public struct OutgoingCall: Sendable, Hashable {
    /// The alias dialled out: `replace_string` expanded against the alias (as Python's `re` expands a template),
    /// or the alias as received when the replace string is empty.
    public var alias: String
    /// `outgoing_protocol` as configured (`sip`, `h323`, `mssip`, `rtmp`, `teams`, …).
    public var callProtocol: String
    /// The location the call is placed from: `outgoing_location`, or when that is automatic the location whose
    /// nodes handle the incoming call's media.
    public var location: LocationID
    /// Whether `location` was chosen automatically (`outgoing_location` unset).
    public var isAutomaticLocation: Bool
    /// `called_device_type` (`external`, `registered`, `mssip_server`, `gms_conference`, …).
    public var calledDeviceType: String
}

/// What Pexip did with a call on one node.
public enum PexipDecision: Sendable, Hashable {
    /// A service alias matched.
    case service(ServiceID)
    /// A Call Routing Rule matched, and places this outgoing call.
    case gatewayRule(GatewayRuleID, OutgoingCall)
    /// Neither: Pexip rejects the call.
    case rejected

    /// What took the call: a service or a Call Routing Rule.
    public var taker: ServiceRef? {
        switch self {
        case .service(let service): .service(service)
        case .gatewayRule(let rule, _): .gatewayRule(rule)
        case .rejected: nil
        }
    }

    public var outgoing: OutgoingCall? {
        if case .gatewayRule(_, let outgoing) = self { return outgoing }
        return nil
    }
}

/// A service or Call Routing Rule that takes calls.
public enum ServiceRef: Sendable, Hashable {
    case service(ServiceID)
    case gatewayRule(GatewayRuleID)
}

/// Who hands a call to its landing node: a VCS cluster (through the zone that found the node), in a protocol (the
/// call's, or what the cluster interworked it into) and, for SIP, over a transport (the zone's, or the DNS SRV
/// record's that found the node); or a Skype for Business pool over its static route's transport.
public enum SignallingSender: Sendable, Hashable {
    case cluster(ClusterID, CallProtocol, SIPTransport)
    case pool(PoolID, SIPTransport)
}

/// A node that may take the call's signalling, and what it does with the call.
public struct Landing: Sendable, Hashable {
    public var node: NodeID
    /// Who handed the call to the node (nil when the plan has no network, where it decides nothing).
    public var sender: SignallingSender?
    /// The alias as Pexip received it.
    public var alias: String
    public var decision: PexipDecision
    /// The hops from the site's cluster to the zone that offered the call to this node.
    public var route: [Hop]

    /// The cluster that interworked the call on its way to this node (H.323 ↔ SIP), if one did.
    public var interworkedAt: ClusterID? { route.first { $0.interworkedTo != nil }?.cluster }
}

/// Where a pattern is defined.
public enum PatternSite: Sendable, Hashable {
    case transform(TransformRef)
    case searchRule(SearchRuleRef)
    case gatewayRule(GatewayRuleID)
    case callPolicy(CallPolicyRuleRef)
}

/// Why the simulation could not decide a call, and on which alias.
public struct LimitHit: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// A regex hit PCRE2's match or depth limit. [PCRE2 pcre2_set_match_limit]
        case regex(PatternSite)
        /// The call's search branched into more cluster searches than `searchBudget` (rules of one level
        /// that send rewrites to zones of the same clusters, and hop counts that let them do it again and again).
        case searchBudget(cluster: ClusterID)
        /// A Call Policy rule's source pattern decides the call, and the site gives no `caller_alias`: the outcome
        /// depends on who calls.
        case callerUnknown(CallPolicyRuleRef)
        /// A search rule sent the call to a target whose answer is not simulated: an external policy service or an
        /// ENUM zone.
        case notSimulated(SearchRuleRef)
    }

    public var reason: Reason
    public var alias: String

    /// The most cluster searches one call may make. Loop detection stops a search that repeats itself, but rules
    /// of one level that send different rewrites to zones of the same clusters branch anew at every hop, up to the
    /// hop counts: 2^15 searches and more for one call. Beyond this the call is undecidable (`error`), not a hang.
    public static let searchBudget = 4096
}

/// Why a call found no Pexip node that took it.
public struct Failure: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Pexip nodes were reached and rejected the alias.
        case rejected
        /// The same search came back (same alias, protocol and source at a cluster).
        case loop
        /// A zone's hop count ran out.
        case hopLimit = "hop-limit"
        /// No rule matched, or the rules that matched found nothing.
        case unrouted
    }

    public var kind: Kind
    /// The hops up to where it happened.
    public var route: [Hop]
    /// The alias at that point.
    public var alias: String
    /// Nodes that rejected the alias (for `rejected`).
    public var nodes: [NodeID]
    /// For a detected loop: the index in `route` of the search that was repeated (the cycle runs from there to
    /// the last hop).
    public var cycleStart: Int?

    public init(kind: Kind, route: [Hop], alias: String, nodes: [NodeID], cycleStart: Int? = nil) {
        self.kind = kind
        self.route = route
        self.alias = alias
        self.nodes = nodes
        self.cycleStart = cycleStart
    }
}

/// What one simulated call does, independent of which site placed it (the site decides only the verdict, with
/// `VerdictRule`).
public struct CallOutcome: Sendable, Hashable {
    /// The alias dialled.
    public var dialled: String
    /// Every node that may take the signalling, in search order. A node appears once per distinct thing it does
    /// with the call (two rules of one level that send the same alias, or rewrites that reach the same service,
    /// count once); `nodes` lists each node once.
    public var landings: [Landing]
    /// The first rejection, loop, or unrouted search met, for calls that land nowhere.
    public var failures: [Failure]
    /// A regex limit hit on the way: the outcome is unreliable.
    public var limit: LimitHit?

    public init(dialled: String, landings: [Landing], failures: [Failure], limit: LimitHit?) {
        self.dialled = dialled
        self.landings = landings
        self.failures = failures
        self.limit = limit
    }

    /// The landing nodes, each once, in search order.
    public var nodes: [NodeID] { unique(landings.map(\.node)) }

    /// Every distinct service or Call Routing Rule the landings reach, in search order.
    public var services: [ServiceRef] { unique(landings.compactMap(\.decision.taker)) }

    /// The service when every landing reaches the same one; nil when they disagree (which one a caller gets depends
    /// on which node answers first) or nothing took the call.
    public var service: ServiceRef? {
        let all = services
        return all.count == 1 ? all[0] : nil
    }

    /// Every distinct outgoing call the landings' Call Routing Rules place, in search order.
    public var outgoingCalls: [OutgoingCall] { unique(landings.compactMap(\.decision.outgoing)) }

    /// The outgoing call when every landing places the same one.
    public var outgoing: OutgoingCall? {
        let all = outgoingCalls
        return all.count == 1 && landings.allSatisfy({ $0.decision.outgoing != nil }) ? all[0] : nil
    }

    /// The alias as Pexip received it at the first landing, or at the first rejecting node.
    public var finalAlias: String? {
        landings.first?.alias ?? failures.first { $0.kind == .rejected }?.alias
    }

    private func unique<Value: Hashable>(_ values: [Value]) -> [Value] {
        var seen = Set<Value>()
        return values.filter { seen.insert($0).inserted }
    }
}
