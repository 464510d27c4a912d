import Foundation

/// The call's own signalling path: the call control that hands a call to its landing node (a VCS/Expressway
/// cluster through a zone, a Skype for Business pool) must reach the node's signalling ports, and the node reach
/// back. [PX-port_usage] [PX-about_h323_sip]
extension NetworkAnalysis {
    /// The leg between `sender` and `node`, both directions for every place of the sender (`places`: each address
    /// the network places, as any peer of a cluster may hand over the call, or each segment's part of its
    /// `call_control` entry): sender → node, then node → sender, per place. Flows are the sender's
    /// (`PortUsage.callControlToNode` and `nodeToCallControl`: SIP over its transport; H.323 TCP 1720, UDP 1719 and
    /// H.245, to the node's range one way and the VCS's the other). Nil when the plan has no network or places none
    /// of the sender. `blocks` decides from it whether the leg is broken. Thread-safe, computed once per (sender, node).
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

    /// Whether a call-control leg (`callControlLeg`) is broken: the one place a call is found blocked on it, in
    /// either direction, for any place of the sender.
    public static func blocks(_ leg: [PathCheck]) -> Bool {
        leg.contains { $0.status != .ok }
    }

    /// The addresses of a sender, as written, when the network places none of them (neither they nor what DNS
    /// resolves them to is an IP address in a segment): nil when it places one, or a `call_control` entry places the
    /// sender; empty when the sender has no addresses at all. A name beside placed addresses is not reported: it is
    /// most often a placed peer's own FQDN (exports list both).
    public func unplacedAddresses(of sender: CallControlPlacement.Sender) -> [String]? {
        guard let network = plan.network, network.placement(of: sender) == nil else { return nil }
        let written = NetworkAnalysis.identity(of: sender, plan: plan).addresses
        let unplaced = written.filter { name in
            !directory.addresses(for: name).contains { IPAddressValue($0).flatMap(network.segment(containing:)) != nil }
        }
        return unplaced.count == written.count ? unplaced : nil
    }

    /// Where a call-control sender is in the network: its `call_control` entry's addresses, one place per segment
    /// they fall in; else each of its addresses (or what DNS resolves them to) that is an IP address in a segment,
    /// once. Empty when the network places none of it.
    static func places(_ sender: SignallingSender, plan: DialPlan, network: Network, directory: PeerDirectory) -> [Place] {
        let (names, label, source) = identity(of: sender.placement, plan: plan)
        if let placement = network.placement(of: sender.placement) {
            // The default segment's ranges are every address the others do not hold (the loader makes them so).
            return network.segments.indices.compactMap { index in
                let segment = network.segments[index]
                let part = placement.addresses.intersection(segment.ranges)
                guard !part.isEmpty else { return nil }
                let single = part.ranges.count == 1 && part.ranges[0].lower == part.ranges[0].upper ? part.ranges[0].lower : nil
                // A whole segment by its name ("vcs (dc)"), else the addresses.
                let where_ = part == segment.ranges ? segment.name : part.description
                return Place(label: "\(label) (\(where_))", address: single, segment: index, source: placement.source, problem: "", range: single == nil ? part : nil)
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

extension CallControlPlacement.Sender {
    /// Clusters, then pools, each in plan order.
    var order: Int {
        switch self {
        case .cluster(let cluster): cluster.index
        case .pool(let pool): 1 << 30 + pool.index
        }
    }

    /// "{cluster: vcs, subnets: [SEGMENT]}": the `call_control` entry that would place it.
    func entryTemplate(plan: DialPlan) -> String {
        switch self {
        case .cluster(let cluster): "{cluster: \(plan.clusters[cluster].name), subnets: [SEGMENT]}"
        case .pool(let pool): "{pool: \(plan.skypeForBusiness?.pools[pool].fqdn ?? "FQDN"), subnets: [SEGMENT]}"
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
    /// The nodes it hands calls to, in plan order.
    public var nodes: [NodeID]
    /// Its addresses as written that the network does not place (empty: it has none).
    public var addresses: [String]
}

/// A broken call-control leg that simulated calls use, where their verdicts name another problem first (their
/// nodes' mesh, their endpoints' path, or another landing's leg broken by other problems): fixing that problem
/// would leave these calls blocked here.
public struct HiddenCallControlLeg: Sendable, Hashable {
    /// One problem of a leg: its cause and the flow it fails.
    public struct Failure: Sendable, Hashable {
        public var cause: PathCause
        public var flow: FlowSpec
    }

    public var sender: SignallingSender
    public var node: NodeID
    /// The calls that use it.
    public var calls: Int
    /// Their verdicts.
    public var verdicts: Set<Verdict>
    /// Its problems that every one of these calls' verdicts already names (through another landing's leg): reported
    /// there, not again.
    public var alreadyNamed: Set<Failure>
    /// The `SignallingLeg` code, for a stable order.
    let leg: Int32

    /// Every problem of a leg.
    static func failures(_ checks: [PathCheck]) -> Set<Failure> {
        Set(checks.flatMap { $0.failures.map { Failure(cause: $0.cause, flow: $0.flow) } })
    }
}

/// A site's endpoints that cannot reach a landing node of their calls, where the calls' verdicts name another
/// problem first (the node's broken mesh, or another node): fixing that problem would leave these calls blocked here.
public struct HiddenEndpointLeg: Sendable, Hashable {
    public var site: SiteID
    public var node: NodeID
    public var callProtocol: CallProtocol
    public var calls: Int
    public var verdicts: Set<Verdict>
}

/// Collects `Simulation.hiddenCallControl` and `hiddenEndpoints` while verdicts are decided: per (verdict group,
/// shape) decision, the broken paths of the shape's landings that the decision does not name, with their calls.
struct HiddenLegCollector {
    private var legs: [Int64: HiddenCallControlLeg] = [:]
    private var endpoints: [EndpointKey: HiddenEndpointLeg] = [:]

    private struct EndpointKey: Hashable {
        var site: Int32
        var node: Int32
        var callProtocol: CallProtocol
    }

    /// Records one decision of a verdict group for a shape (`legs` and `nodes`: its landings), which `cells` cells
    /// of the group's row have; each of the group's `sites` places those calls in `callProtocol`. Only behind the
    /// network's own verdicts (mesh-broken, blocked): a remote or ambiguous call's landing is itself the fault, and
    /// fixing it changes the paths. A path whose every problem is one the verdict names is repaired with it.
    mutating func record(
        _ decision: VerdictDecision, legs shapeLegs: [Int32], nodes: [Int32], cells: Int, sites: [Int32], callProtocol: CallProtocol,
        network: SiteNetwork
    ) {
        guard decision.verdict == .meshBroken || decision.verdict == .blocked else { return }
        let analysis = network.callControl.analysis
        // Call-control legs: site-independent, each of the group's calls.
        var namedKey: Int64?
        var named: Set<HiddenCallControlLeg.Failure> = []
        if case .callControl(let node, let sender) = decision.blame, let leg = SignallingLeg.code(sender) {
            namedKey = CallControlVerdicts.key(leg, Int32(node.index))
            named = HiddenCallControlLeg.failures(analysis.callControlLeg(sender, node: node) ?? [])
        }
        var seen: Set<Int64> = []
        for (leg, node) in zip(shapeLegs, nodes) where network.isCallControlBlocked(leg: leg, node: Int(node)) {
            let key = CallControlVerdicts.key(leg, node)
            guard key != namedKey, seen.insert(key).inserted, let sender = SignallingLeg.sender(leg) else { continue }
            guard !HiddenCallControlLeg.failures(analysis.callControlLeg(sender, node: NodeID(rawValue: node)) ?? []).isSubset(of: named) else { continue }
            legs[key, default: HiddenCallControlLeg(
                sender: sender, node: NodeID(rawValue: node), calls: 0, verdicts: [], alreadyNamed: named, leg: leg)].calls += cells * sites.count
            legs[key]!.verdicts.insert(decision.verdict)
            legs[key]!.alreadyNamed.formIntersection(named)
        }
        // The endpoints' paths: per site, as their problems may differ.
        var blamed: NodeID?
        if case .unreachable(let node) = decision.blame { blamed = node }
        let unreachable = Set(nodes.filter { network.isUnreachable(Int($0)) && Int($0) != blamed?.index })
        guard !unreachable.isEmpty else { return }
        func failures(_ site: Int32, _ node: NodeID) -> Set<HiddenCallControlLeg.Failure> {
            HiddenCallControlLeg.failures(analysis.reachability(site: SiteID(Int(site)), node: node, protocol: callProtocol).map { [$0] } ?? [])
        }
        for site in sites {
            let named = blamed.map { failures(site, $0) } ?? []
            for node in unreachable.sorted() where !failures(site, NodeID(rawValue: node)).isSubset(of: named) {
                let key = EndpointKey(site: site, node: node, callProtocol: callProtocol)
                endpoints[key, default: HiddenEndpointLeg(
                    site: SiteID(Int(site)), node: NodeID(rawValue: node), callProtocol: callProtocol, calls: 0, verdicts: [])].calls += cells
                endpoints[key]!.verdicts.insert(decision.verdict)
            }
        }
    }

    /// Sender (clusters, then pools, in plan order), node, then protocol and transport.
    var callControlLegs: [HiddenCallControlLeg] {
        legs.values.sorted { ($0.sender.placement.order, $0.node.index, $0.leg) < ($1.sender.placement.order, $1.node.index, $1.leg) }
    }

    /// Site, node, then protocol.
    var endpointLegs: [HiddenEndpointLeg] {
        endpoints.values.sorted { ($0.site.index, $0.node.index, $0.callProtocol.index) < ($1.site.index, $1.node.index, $1.callProtocol.index) }
    }
}

/// A sender and a node, for the lazily filled call-control leg table.
struct CallControlLegKey: Hashable {
    var sender: SignallingSender
    var node: NodeID
}

/// Per (leg, landing node) seen in a simulation's outcomes: whether its call-control leg is broken, decided once
/// (`NetworkAnalysis.blocks`) so that a call's verdict reads a table. Read-only once built.
final class CallControlVerdicts: Sendable {
    let analysis: NetworkAnalysis
    private let blocked: Set<Int64>
    /// The senders of the simulated calls that the network places nowhere (their legs are not judged), with the
    /// nodes they hand calls to.
    let unplaced: [UnplacedCallControl]

    /// Decides every (leg, node) pair in `pairs` (`SignallingLeg` codes and node indices).
    init(analysis: NetworkAnalysis, pairs: some Sequence<(leg: Int32, node: Int32)>) {
        self.analysis = analysis
        var blocked = Set<Int64>()
        var decided = Set<Int64>()
        var senders: [CallControlPlacement.Sender: Set<NodeID>] = [:]
        var order: [CallControlPlacement.Sender] = []
        for (leg, node) in pairs {
            let key = CallControlVerdicts.key(leg, node)
            guard decided.insert(key).inserted, let sender = SignallingLeg.sender(leg) else { continue }
            if senders[sender.placement] == nil { order.append(sender.placement) }
            senders[sender.placement, default: []].insert(NodeID(rawValue: node))
            if let checks = analysis.callControlLeg(sender, node: NodeID(rawValue: node)), NetworkAnalysis.blocks(checks) { blocked.insert(key) }
        }
        // Plan order, whatever order the workers met them in.
        let unplaced = order.sorted { $0.order < $1.order }.compactMap { sender -> UnplacedCallControl? in
            guard let addresses = analysis.unplacedAddresses(of: sender) else { return nil }
            return UnplacedCallControl(sender: sender, nodes: senders[sender]!.sorted(), addresses: addresses)
        }
        self.blocked = blocked
        self.unplaced = unplaced
    }

    @inline(__always)
    static func key(_ leg: Int32, _ node: Int32) -> Int64 { Int64(leg) << 32 | Int64(UInt32(bitPattern: node)) }

    /// Whether any leg is broken.
    var hasBlocked: Bool { !blocked.isEmpty }

    @inline(__always)
    func isBlocked(leg: Int32, node: Int) -> Bool { !blocked.isEmpty && blocked.contains(CallControlVerdicts.key(leg, Int32(node))) }
}
