/// Whether a call lands where its site needs it. [PX-gs_server_network] "a call placed from an endpoint to a VMR
/// alias should be routed to the endpoint's local Conferencing Nodes".
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

/// One step of a call's path through call control, without the alias: a cluster, the transform applied on entry,
/// the search rule that matched and the zone it searched. Aliases differ per call; hops are what calls share.
/// A Skype for Business call has one hop with `cluster == -1`: `zone` is its static routing configuration (-1:
/// none) and `rule` the static route taken (-1: none matched).
public struct Hop: Sendable, Hashable {
    /// Whether this hop is a Skype for Business static route rather than a VCS search.
    public var isSkypeForBusiness: Bool { cluster < 0 }

    public var cluster: Int32
    /// Index into the cluster's transforms, or -1.
    public var transform: Int32
    /// Index into the cluster's search rules, or -1 where the search ended at this cluster (no rule matched, or
    /// a loop came back to it).
    public var rule: Int32
    /// Index into the cluster's zones, or -1 for the Local Zone.
    public var zone: Int32
}

/// What Pexip did with a call on one node.
public enum PexipDecision: Sendable, Hashable {
    /// A service alias matched: index into `services`.
    case service(Int)
    /// A Call Routing Rule matched: index into `gatewayRules`, and the alias it dials out.
    case gatewayRule(Int, outgoingAlias: String)
    /// Neither: Pexip rejects the call.
    case rejected
}

/// A node that may take the call's signalling.
public struct Landing: Sendable, Hashable {
    public var node: Int
    /// The alias as Pexip received it.
    public var alias: String
    public var decision: PexipDecision
    /// The hops from the site's cluster to the zone that offered the call to this node.
    public var route: [Hop]
}

/// A regex that hit PCRE2's match or depth limit during a call, and where it is defined.
public struct LimitHit: Sendable, Hashable {
    public var message: String
    public var source: SourceLocation?
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
    /// The hops up to the zone where it happened (empty when no rule matched at the first cluster).
    public var route: [Hop]
    /// The alias at that point.
    public var alias: String
    /// Nodes that rejected the alias (for `rejected`).
    public var nodes: [Int]
}

/// The result of one simulated call, independent of which site placed it (the site only decides the verdict).
public struct CallOutcome: Sendable, Hashable {
    /// The alias dialled.
    public var dialled: String
    /// Every node that may take the signalling, sorted by node index.
    public var landings: [Landing]
    /// The first rejection, loop, or unrouted search met, for calls that land nowhere (and for explanations).
    public var failures: [Failure]
    /// A regex limit hit on the way: the outcome is unreliable.
    public var limit: LimitHit?
    /// Signalling and media locations of every landing, sorted, unique.
    public var locations: [Int]
    /// Media locations of every landing, sorted, unique.
    public var mediaLocations: [Int]

    /// The verdict for a site whose local locations are flagged in `isLocal`.
    public func verdict(isLocal: [Bool]) -> Verdict {
        if limit != nil { return .error }
        if !landings.isEmpty {
            var local = 0
            for location in locations where isLocal[location] { local += 1 }
            return local == locations.count ? .local : local == 0 ? .remote : .ambiguous
        }
        if failures.contains(where: { $0.kind == .rejected }) { return .rejected }
        if failures.contains(where: { $0.kind == .loop || $0.kind == .hopLimit }) { return .loop }
        return .unrouted
    }

    /// The alias as Pexip received it at the first landing, or at the first rejecting node.
    public var finalAlias: String? {
        landings.first?.alias ?? failures.first { $0.kind == .rejected }?.alias
    }
}
