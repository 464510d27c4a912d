import Foundation

/// The call's own signalling path: the call control that hands a call to its landing node (a VCS/Expressway
/// cluster through a zone, a Skype for Business pool) must reach the node's signalling ports, and the node reach
/// back. [PX-port_usage] [PX-about_h323_sip]
extension NetworkAnalysis {
    /// The leg between `sender` and `node`, both directions for every address of the sender the network places (any
    /// peer of a cluster may hand over the call): sender → node, then node → sender, per address. Flows are the
    /// sender's (`PortUsage.callControlToNode` and `nodeToCallControl`: SIP over its transport; H.323 TCP 1720,
    /// UDP 1719 and H.245, to the node's range one way and the VCS's the other). Nil when the
    /// plan has no network or places none of the sender's addresses (a cluster's `addresses`, a pool's FQDN, or what
    /// DNS resolves them to, in a segment). The one place a call is found blocked on the call-control leg.
    /// Thread-safe, computed once per (sender, node).
    public func callControlLeg(_ sender: SignallingSender, node: NodeID) -> [PathCheck]? {
        guard let engine, let network = plan.network else { return nil }
        let key = CallControlLegKey(sender: sender, node: node)
        if let known = callControlLegCache.get(key) { return known }
        let places = NetworkAnalysis.places(sender, plan: plan, network: network, directory: directory)
        var checks: [PathCheck]?
        if !places.isEmpty {
            let (callProtocol, transport): (CallProtocol, SIPTransport) = switch sender {
            case .cluster(_, let callProtocol, let transport): (callProtocol, transport)
            case .pool(_, let transport): (.sip, transport)
            }
            let toNode = PortUsage.callControlToNode(callProtocol, transport: transport)
            let fromNode = PortUsage.nodeToCallControl(callProtocol, transport: transport)
            let nodePlace = NetworkAnalysis.place(.node(node), plan: plan, network: network)
            var legs: [PathCheck] = []
            for place in places {
                legs.append(NetworkAnalysis.pathCheck(
                    from: place.label, sources: place.addresses!, sourceSegment: place.segment, to: nodePlace, flows: toNode,
                    natAllowed: true, engine: engine))
                legs.append(NetworkAnalysis.pathCheck(
                    from: nodePlace.label, sources: nodePlace.address.map { AddressSet([AddressRange($0)]) } ?? .empty, sourceSegment: nodePlace.segment,
                    to: place, flows: fromNode, natAllowed: true, engine: engine,
                    sourceProblem: nodePlace.segment == nil ? (nodePlace.problem, nodePlace.source) : nil))
            }
            checks = legs
        }
        callControlLegCache.set(key, checks)
        return checks
    }

    /// Whether the leg between `sender` and `node` fails in either direction for any of the sender's addresses.
    public func callControlBlocked(_ sender: SignallingSender, node: NodeID) -> Bool {
        callControlLeg(sender, node: node)?.contains { $0.status != .ok } ?? false
    }

    /// Where a call-control sender is in the network: its `call_control` entry's addresses, one place per segment
    /// they fall in; else each of its addresses (or what DNS resolves them to) that is an IP address in a segment,
    /// once. Empty when the network places none of it.
    static func places(_ sender: SignallingSender, plan: DialPlan, network: Network, directory: PeerDirectory) -> [Place] {
        let (names, label, source) = identity(of: sender.placement, plan: plan)
        if let placement = network.placement(of: sender.placement) {
            return network.segments.indices.compactMap { index in
                var part = placement.addresses.intersection(network.segments[index].ranges)
                if network.segments[index].isDefault {
                    part = placement.addresses.subtracting(network.segments.filter { !$0.isDefault }.reduce(AddressSet()) { $0.union($1.ranges) })
                }
                guard !part.isEmpty else { return nil }
                let single = part.ranges.count == 1 && part.ranges[0].lower == part.ranges[0].upper ? part.ranges[0].lower : nil
                return Place(label: "\(label) (\(part))", address: single, segment: index, source: placement.source, problem: "", range: single == nil ? part : nil)
            }
        }
        var places: [Place] = []
        var seen = Set<IPAddressValue>()
        for name in names {
            for text in directory.addresses(for: name) {
                guard let address = IPAddressValue(text), let segment = network.segment(containing: address), seen.insert(address).inserted else { continue }
                places.append(Place(label: "\(label) (\(text))", address: address, segment: segment, source: source, problem: ""))
            }
        }
        return places
    }

    /// A sender's addresses as written (a pool's front ends, else its FQDN), its name and where it is defined.
    static func identity(of sender: CallControlPlacement.Sender, plan: DialPlan) -> (addresses: [String], label: String, source: SourceLocation?) {
        switch sender {
        case .cluster(let cluster):
            return (plan.clusters[cluster].addresses, plan.clusters[cluster].name, plan.clusters[cluster].source)
        case .pool(let pool):
            let info = plan.skypeForBusiness?.pools[pool]
            return (info.map { $0.addresses.isEmpty ? [$0.fqdn] : $0.addresses } ?? [], info?.fqdn ?? "Skype for Business pool", info?.source)
        }
    }
}

extension SignallingSender {
    /// The cluster or pool, whichever protocol and transport it sends in: what `call_control` places.
    var placement: CallControlPlacement.Sender {
        switch self {
        case .cluster(let cluster, _, _): .cluster(cluster)
        case .pool(let pool, _): .pool(pool)
        }
    }
}

/// A cluster or pool that hands simulated calls to Pexip nodes where the network places none of its addresses.
public struct UnplacedCallControl: Sendable, Hashable {
    public var sender: CallControlPlacement.Sender
    /// The nodes it hands calls to, in the order met.
    public var nodes: [NodeID]
}

/// A sender and a node, for the lazily filled call-control leg table.
struct CallControlLegKey: Hashable {
    var sender: SignallingSender
    var node: NodeID
}

/// Per (leg, landing node) seen in a simulation's outcomes: whether its call-control leg is broken, decided once
/// (`NetworkAnalysis.callControlBlocked`) so that a call's verdict reads a table. Read-only once built.
final class CallControlVerdicts: Sendable {
    let analysis: NetworkAnalysis
    private let blocked: Set<Int64>
    /// The senders the network does not place, with the nodes they hand calls to: their legs are not judged.
    let unplaced: [UnplacedCallControl]

    /// Decides every (leg, node) pair in `pairs` (`SignallingLeg` codes and node indices).
    init(analysis: NetworkAnalysis, pairs: some Sequence<(leg: Int32, node: Int32)>) {
        self.analysis = analysis
        var blocked = Set<Int64>()
        var decided = Set<Int64>()
        var unplaced: [UnplacedCallControl] = []
        for (leg, node) in pairs {
            let key = CallControlVerdicts.key(leg, node)
            guard decided.insert(key).inserted, let sender = SignallingLeg.sender(leg) else { continue }
            guard let checks = analysis.callControlLeg(sender, node: NodeID(rawValue: node)) else {
                let nodeID = NodeID(rawValue: node)
                if let index = unplaced.firstIndex(where: { $0.sender == sender.placement }) {
                    if !unplaced[index].nodes.contains(nodeID) { unplaced[index].nodes.append(nodeID) }
                } else {
                    unplaced.append(UnplacedCallControl(sender: sender.placement, nodes: [nodeID]))
                }
                continue
            }
            if checks.contains(where: { $0.status != .ok }) { blocked.insert(key) }
        }
        self.blocked = blocked
        self.unplaced = unplaced
    }

    @inline(__always)
    static func key(_ leg: Int32, _ node: Int32) -> Int64 { Int64(leg) << 32 | Int64(UInt32(bitPattern: node)) }

    @inline(__always)
    func isBlocked(leg: Int32, node: Int) -> Bool { !blocked.isEmpty && blocked.contains(CallControlVerdicts.key(leg, Int32(node))) }
}
