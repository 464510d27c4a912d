import Foundation

/// The call's own signalling path: the call control that hands a call to its landing node (a VCS/Expressway
/// cluster through a zone, a Skype for Business pool) must reach the node's signalling ports, and the node reach
/// back. [PX-port_usage] [PX-about_h323_sip]
extension NetworkAnalysis {
    /// Both directions of the leg between `sender` and `node` for the sender's protocol (`PortUsage.callControlToNode`:
    /// SIP over the zone's transport, H.323 TCP 1720 and UDP 1719, a pool's TLS 5061), sender → node first; nil when
    /// the plan has no network or does not place the sender (a cluster's `addresses`, a pool's FQDN, by their IP
    /// addresses or DNS records, in a network segment). The one place a call is found blocked on the call-control
    /// leg. Thread-safe, computed once per (sender, node).
    public func callControlLeg(_ sender: SignallingSender, node: NodeID) -> [PathCheck]? {
        guard let engine, let network = plan.network else { return nil }
        let key = CallControlLegCache.Key(sender: sender, node: node)
        if let known = callControlLegCache.get(key) { return known.checks }
        let checks: [PathCheck]?
        if let place = NetworkAnalysis.place(sender, plan: plan, network: network) {
            let flows: [PortUsage.Requirement]
            switch sender {
            case .zone(let zone, let callProtocol):
                flows = PortUsage.callControlToNode(callProtocol, transport: plan.clusters[zone.cluster].zones[zone.zone].sipTransport)
            case .pool:
                flows = PortUsage.callControlToNode(.mssip, transport: .tls)
            }
            let nodePlace = NetworkAnalysis.place(.node(node), plan: plan, network: network)
            let forward = NetworkAnalysis.pathCheck(
                from: place.label, sources: AddressSet([AddressRange(place.address!)]), sourceSegment: place.segment, to: nodePlace, flows: flows,
                natAllowed: true, engine: engine)
            let back = NetworkAnalysis.pathCheck(
                from: nodePlace.label, sources: nodePlace.address.map { AddressSet([AddressRange($0)]) } ?? .empty, sourceSegment: nodePlace.segment,
                to: place, flows: flows, natAllowed: true, engine: engine,
                sourceProblem: nodePlace.segment == nil ? (nodePlace.problem, nodePlace.source) : nil)
            checks = [forward, back]
        } else {
            checks = nil
        }
        callControlLegCache.set(key, CallControlLegCache.Entry(checks: checks))
        return checks
    }

    /// Where a call-control sender is in the network: the first of its addresses (or what DNS resolves them to)
    /// that is an IP address in a segment; nil when none is.
    static func place(_ sender: SignallingSender, plan: DialPlan, network: Network) -> Place? {
        let directory = PeerDirectory(plan: plan)
        let (names, label, source): ([String], String, SourceLocation) = switch sender {
        case .zone(let zone, _):
            (plan.clusters[zone.cluster].addresses, plan.clusters[zone.cluster].name, plan.clusters[zone.cluster].source)
        case .pool(let pool):
            (plan.skypeForBusiness.map { [$0.pools[pool].fqdn] } ?? [], plan.skypeForBusiness?.pools[pool].fqdn ?? "pool", plan.skypeForBusiness?.pools[pool].source ?? SourceLocation(file: "", line: 0, column: 0))
        }
        for name in names {
            for text in directory.addresses(for: name) {
                guard let address = IPAddressValue(text), let segment = network.segment(containing: address) else { continue }
                return Place(label: "\(label) (\(text))", address: address, segment: segment, source: source, problem: "")
            }
        }
        return nil
    }
}

/// Call-control legs computed so far (see `NetworkAnalysis.callControlLeg`).
final class CallControlLegCache: @unchecked Sendable {
    struct Key: Hashable {
        var sender: SignallingSender
        var node: NodeID
    }

    struct Entry {
        var checks: [PathCheck]?
    }

    private let lock = NSLock()
    private var table: [Key: Entry] = [:]

    func get(_ key: Key) -> Entry? {
        lock.lock()
        defer { lock.unlock() }
        return table[key]
    }

    func set(_ key: Key, _ value: Entry) {
        lock.lock()
        table[key] = value
        lock.unlock()
    }
}
