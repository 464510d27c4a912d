// The engine's results as plain rows of integers: a memoised search allocates nothing, and rows hash and compare in
// a few instructions. Ids are the engine's own (aliases per epoch, routes per engine); `OutcomeStore` turns rows
// into stored outcomes and `CallOutcome`s.

/// One hop as plain ids: for a VCS search, `cluster ≥ 0`, the transform applied (-1 none) and the search rule
/// that sent the call on (-1 where the search ended there); for Skype for Business, `cluster == -1`, `transform`
/// holds the static routing configuration (-1 none) and `rule` the static route (-1 none).
/// A rule ≤ -2 is the Call Policy rule `-rule - 2` that rejected the call; `interworkedTo` the protocol index the
/// rule's zone was searched in when the cluster interworked the call (-1: natively).
struct HopRow: Hashable {
    var cluster: Int32
    var transform: Int32
    var rule: Int32
    var interworkedTo: Int8 = -1

    static func skype(configuration: Int32, route: Int32) -> HopRow { HopRow(cluster: -1, transform: configuration, rule: route) }

    static func policy(cluster: Int32, transform: Int32, rule: Int32) -> HopRow { HopRow(cluster: cluster, transform: transform, rule: -2 - rule) }

    var hop: Hop {
        if cluster < 0 {
            return .skype(configuration: transform >= 0 ? RoutingConfigurationID(rawValue: transform) : nil, route: rule >= 0 ? StaticRouteID(rawValue: rule) : nil)
        }
        let clusterID = ClusterID(rawValue: cluster)
        let transformID = transform >= 0 ? TransformID(rawValue: transform) : nil
        if rule <= -2 { return .callPolicy(cluster: clusterID, transform: transformID, rule: CallPolicyRuleID(rawValue: -2 - rule)) }
        if interworkedTo >= 0, rule >= 0 {
            return .interworked(cluster: clusterID, transform: transformID, rule: SearchRuleID(rawValue: rule), to: CallProtocol.allCases[Int(interworkedTo)])
        }
        return .search(cluster: clusterID, transform: transformID, rule: rule >= 0 ? SearchRuleID(rawValue: rule) : nil)
    }
}

/// Routes interned as linked hops (a hop and the route after it): routes share their tails, and a route is one
/// integer. Kept across epochs: routes do not depend on the alias.
struct RouteTable {
    private(set) var hops: [HopRow] = []
    private(set) var tails: [Int32] = []
    private var index = FastTable<HopChainKey>(capacity: 1024)

    /// The route `hop` then `tail` (-1: the empty route).
    @inline(__always)
    mutating func route(_ hop: HopRow, then tail: Int32) -> Int32 {
        let key = HopChainKey(hop: hop, tail: tail)
        let hash = key.fastHash
        if let id = index.value(for: key, hash: hash) { return id }
        let id = Int32(hops.count)
        hops.append(hop)
        tails.append(tail)
        index.insert(key, hash: hash, value: id)
        return id
    }

}

struct HopChainKey: Equatable {
    var hop: HopRow
    var tail: Int32

    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, hop.cluster)
        mix(&hash, hop.transform)
        mix(&hash, hop.rule)
        mix(&hash, Int32(hop.interworkedTo))
        mix(&hash, tail)
        return finish(hash)
    }
}

/// What Pexip decided, as one integer: a service (≥ 0), a rejection (-1), or a Call Routing Rule (≤ -2).
struct DecisionCode: Hashable {
    var raw: Int32

    static let rejected = DecisionCode(raw: -1)
    static func service(_ index: Int) -> DecisionCode { DecisionCode(raw: Int32(index)) }
    static func gatewayRule(_ index: Int) -> DecisionCode { DecisionCode(raw: -Int32(index) - 2) }

    var isRejected: Bool { raw == -1 }
    var service: Int? { raw >= 0 ? Int(raw) : nil }
    var gatewayRule: Int? { raw <= -2 ? Int(-raw - 2) : nil }
}

/// A landing: the node, the alias Pexip received, its decision, the alias a Call Routing Rule dials out (-1 none)
/// and the outgoing location (-1 none), who handed the call to the node (`SignallingLeg`), and the route.
struct LandingRow: Hashable {
    var node: Int32
    var alias: Int32
    var decision: DecisionCode
    var outgoing: Int32
    var outgoingLocation: Int32
    var leg: Int32
    var route: Int32
}

/// Who hands a call to its landing node, in which protocol and over which SIP transport, as one integer: a VCS
/// cluster `(cluster * 4 + protocol index) * 4 + transport` (≥ 0); a Skype for Business pool
/// `-2 - (pool * 4 + transport)`; -1 unknown, or a plan without a network (where it decides nothing, so that
/// outcomes differing only in it stay one). It repeats what the landing's route ends with (the cluster whose zone
/// offered the call, its interworking), which the stored core needs without the routes.
enum SignallingLeg {
    static func cluster(_ cluster: Int, protocol callProtocol: CallProtocol, transport: SIPTransport) -> Int32 {
        (Int32(cluster) * 4 + Int32(callProtocol.index)) * 4 + transport.index
    }

    static func pool(_ pool: Int?, transport: SIPTransport) -> Int32 { pool.map { -2 - (Int32($0) * 4 + transport.index) } ?? -1 }

    /// The code of `sender`.
    static func code(_ sender: SignallingSender) -> Int32? {
        switch sender {
        case .cluster(let cluster, let callProtocol, let transport): Self.cluster(cluster.index, protocol: callProtocol, transport: transport)
        case .pool(let pool, let transport): Self.pool(pool.index, transport: transport)
        }
    }

    /// The public form of `code`.
    static func sender(_ code: Int32) -> SignallingSender? {
        if code <= -2 {
            let value = -2 - code
            return .pool(PoolID(Int(value / 4)), SIPTransport.allCases[Int(value % 4)])
        }
        guard code >= 0 else { return nil }
        return .cluster(ClusterID(Int(code / 16)), CallProtocol.allCases[Int(code / 4 % 4)], SIPTransport.allCases[Int(code % 4)])
    }
}

extension SIPTransport {
    var index: Int32 {
        switch self {
        case .tls: 0
        case .tcp: 1
        case .udp: 2
        }
    }
}

/// A failure, as plain ids; `alias == -1` means absent.
struct FailureRow: Hashable {
    var route: Int32
    var alias: Int32
    var nodeStart: Int32 = 0
    var nodeCount: Int32 = 0
    var hopLimit = false
    /// For a detected loop: how many hops before the failing one the repeated search is (the cycle's length).
    /// Relative, so that it stays right when the failure is prefixed or a remembered result is reused elsewhere.
    var cycleLength: Int32 = 0

    static let absent = FailureRow(route: -1, alias: -1)

    var isPresent: Bool { alias >= 0 }

    func prefixed(_ route: Int32) -> FailureRow {
        var copy = self
        copy.route = route
        return copy
    }
}

/// A search's result: landings in `landingPool`, the first failure of each kind, and a limit hit.
struct ResultRow {
    var landingStart: Int32
    var landingCount: Int32 = 0
    var rejected = FailureRow.absent
    var loop = FailureRow.absent
    var unrouted = FailureRow.absent
    /// Index into the engine's `limits`, or -1.
    var limit: Int32 = -1
    /// For a remembered result: the searches it went through, in `visitedPool`, and how many cluster searches it
    /// took (counted against the call's budget when it is reused).
    var visitedStart: Int32 = 0
    var visitedCount: Int32 = 0
    var searches: Int32 = 0
}

/// Pexip's decision for (alias, location, protocol), cached per epoch.
struct PexipCell {
    var decision: DecisionCode
    var outgoing: Int32
    var outgoingLocation: Int32
    var limit: Int32
}

/// The transform a cluster applies to an alias, cached per epoch.
struct TransformHit {
    /// The transform applied, or -1 for none.
    var transform: Int32
    var alias: Int32
    /// A transform whose regex hit PCRE2's limit, or -1.
    var limitedTransform: Int32
}

/// A cluster search, for memoisation.
struct StateKey: Equatable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
    var hops: Int16
    /// `CallState.code`.
    var state: Int32

    var fastHash: UInt64 {
        var hash = mixSeed
        mix(&hash, cluster)
        mix(&hash, alias)
        mix(&hash, Int32(protocolIndex) << 16 | Int32(hops))
        mix(&hash, source.code)
        mix(&hash, state)
        return finish(hash)
    }
}

/// A cluster search as VCS loop detection sees it: the same alias, protocol and source at a cluster.
/// [VCS "Hop counts", loop detection]
struct LoopKey: Hashable {
    var cluster: Int32
    var alias: Int32
    var protocolIndex: Int8
    var source: CallSource
}

extension CallSource {
    /// One integer per source, for hashing.
    var code: Int32 {
        switch self {
        case .subzone(let index): index.rawValue << 2
        case .zone(let index): index.rawValue << 2 | 1
        case .defaultZone: 2
        }
    }
}

extension CallProtocol {
    var index: Int8 {
        switch self {
        case .sip: 0
        case .h323: 1
        case .mssip: 2
        }
    }
}

/// A per-epoch cache slot: valid only when stamped with the current epoch, so a new epoch clears nothing.
struct Stamped<Value> {
    var epoch: UInt32
    var value: Value
}
