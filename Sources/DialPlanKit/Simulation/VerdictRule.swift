/// The only place a call's verdict is decided. Inputs: where the call landed (each landing's node, its location
/// and media location), how it failed when it landed nowhere, whether a regex limit made it undecidable, the
/// site's local locations, and the network facts about the landing nodes. Output: the verdict and a typed blame
/// (which landing, failure or node decides it), from which reports name the rule, zone or firewall responsible.
///
/// Rules, in order:
/// 1. a regex limit on the way → `error` (the outcome cannot be trusted);
/// 2. no landing → `rejected` when Pexip was reached and refused, `loop` for a detected loop or an exhausted hop
///    count, else `unrouted`;
/// 3. the signalling location and media location of every landing local → `local`; none of them → `remote`;
///    some → `ambiguous` ("a call placed from an endpoint to a VMR alias should be routed to the endpoint's local
///    Conferencing Nodes" [PX-gs_server_network]; media follows `transcoding_location` [PX-handling_media_signaling]);
/// 4. a local call on a node whose IPsec mesh is broken → `mesh-broken` [PX-gs_server_network]; else on a node the
///    site's endpoints cannot reach, or that the call control handing it the call cannot reach (or be reached
///    from) on its signalling ports → `blocked` [PX-port_usage].
enum VerdictRule {
    /// Decides a call from the facts `outcome` gives.
    @inline(__always)
    static func decide<Facts: VerdictFacts, Network: NetworkFacts>(_ outcome: Facts, isLocal: (Int) -> Bool, network: Network?) -> VerdictDecision {
        if outcome.hasLimit { return VerdictDecision(verdict: .error, blame: .limit) }
        let count = outcome.landingCount
        guard count > 0 else {
            if outcome.hasFailure(.rejected) { return VerdictDecision(verdict: .rejected, blame: .failure(.rejected)) }
            if outcome.hasFailure(.loop) { return VerdictDecision(verdict: .loop, blame: .failure(.loop)) }
            if outcome.hasFailure(.hopLimit) { return VerdictDecision(verdict: .loop, blame: .failure(.hopLimit)) }
            return VerdictDecision(verdict: .unrouted, blame: .failure(.unrouted))
        }
        var anyLocal = false
        var firstRemote = -1
        for index in 0..<count {
            let local = isLocal(outcome.location(ofLanding: index))
            let mediaLocal = isLocal(outcome.mediaLocation(ofLanding: index))
            if local || mediaLocal { anyLocal = true }
            if (!local || !mediaLocal) && firstRemote < 0 { firstRemote = index }
        }
        if firstRemote >= 0 {
            return VerdictDecision(verdict: anyLocal ? .ambiguous : .remote, blame: .landing(firstRemote))
        }
        if let network {
            var unreachable = -1
            var callControl = -1
            for index in 0..<count {
                let node = outcome.node(ofLanding: index)
                if network.isMeshBroken(node) { return VerdictDecision(verdict: .meshBroken, blame: .meshBroken(NodeID(node))) }
                if unreachable < 0 && network.isUnreachable(node) { unreachable = node }
                if callControl < 0 && network.isCallControlBlocked(leg: outcome.leg(ofLanding: index), node: node) { callControl = index }
            }
            if unreachable >= 0 { return VerdictDecision(verdict: .blocked, blame: .unreachable(NodeID(unreachable))) }
            if callControl >= 0, let sender = network.sender(ofLeg: outcome.leg(ofLanding: callControl)) {
                return VerdictDecision(verdict: .blocked, blame: .callControl(NodeID(outcome.node(ofLanding: callControl)), sender))
            }
        }
        return VerdictDecision(verdict: .local, blame: .none)
    }
}

/// A verdict and what decides it.
public struct VerdictDecision: Sendable, Hashable {
    public var verdict: Verdict
    public var blame: VerdictBlame
}

/// What decides a verdict (see `VerdictRule`).
public enum VerdictBlame: Sendable, Hashable {
    /// A local call: nothing to blame.
    case none
    /// A regex hit PCRE2's limit.
    case limit
    /// The first landing (index into the outcome's landings) outside the site's local locations.
    case landing(Int)
    /// The failure that decides a call that landed nowhere.
    case failure(Failure.Kind)
    /// A landing node whose IPsec mesh is broken.
    case meshBroken(NodeID)
    /// A landing node the site's endpoints cannot reach.
    case unreachable(NodeID)
    /// A landing node that the call control handing it the call cannot reach, or be reached from, on the
    /// signalling ports.
    case callControl(NodeID, SignallingSender)
}

/// What `VerdictRule` reads of an outcome: the stored form the simulation keeps, or a public `CallOutcome`.
protocol VerdictFacts {
    var hasLimit: Bool { get }
    var landingCount: Int { get }
    func node(ofLanding index: Int) -> Int
    /// Who handed the call to the landing node (`SignallingLeg`).
    func leg(ofLanding index: Int) -> Int32
    func location(ofLanding index: Int) -> Int
    func mediaLocation(ofLanding index: Int) -> Int
    func hasFailure(_ kind: Failure.Kind) -> Bool
}

/// What `VerdictRule` reads of the network, for one site and protocol.
protocol NetworkFacts {
    func isMeshBroken(_ node: Int) -> Bool
    func isUnreachable(_ node: Int) -> Bool
    func isCallControlBlocked(leg: Int32, node: Int) -> Bool
    func sender(ofLeg leg: Int32) -> SignallingSender?
}
