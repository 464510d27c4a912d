/// Which ordered pairs of Pexip nodes must reach each other.
///
/// All nodes and the Management Node form a full mesh, both ways. [PX-gs_server_network] The exception: a
/// Proxying Edge Node needs IPsec only to the proxying nodes of its own location, to every node of its location's
/// transcoding, primary overflow and secondary overflow locations, and to the Management Node; when its location
/// sets none of those, the full mesh applies to it. [PX-port_usage] A tunnel has two ends, so a pair is required
/// only when neither end is an edge node that does not need the other (model).
struct MeshRequirements: Sendable {
    /// Per node: the ends it is restricted to, or nil for the full mesh.
    private let restricted: [Set<MeshEnd>?]
    let ends: [MeshEnd]

    init(plan: DialPlan) {
        ends = (plan.managementNode == nil ? [] : [MeshEnd.management]) + plan.nodes.ids.map { MeshEnd.node($0) }
        restricted = plan.nodes.map { node -> Set<MeshEnd>? in
            guard node.nodeType == .proxying else { return nil }
            let location = plan.locations[node.location]
            let related = [location.transcodingLocation, location.overflowLocation1, location.overflowLocation2].compactMap { $0 }
            guard !related.isEmpty else { return nil }
            var allowed: Set<MeshEnd> = [.management]
            for (index, other) in zip(plan.nodes.ids, plan.nodes) {
                if other.location == node.location && other.nodeType == .proxying || related.contains(other.location) {
                    allowed.insert(.node(index))
                }
            }
            return allowed
        }
    }

    /// Whether `from` must reach `to` (and so `to` must reach `from`).
    func isRequired(_ from: MeshEnd, _ to: MeshEnd) -> Bool {
        guard from != to else { return false }
        return allows(from, to) && allows(to, from)
    }

    private func allows(_ end: MeshEnd, _ other: MeshEnd) -> Bool {
        guard case .node(let index) = end, let allowed = restricted[index.index] else { return true }
        return allowed.contains(other)
    }

    /// Whether `node` is a Proxying Edge Node with a restricted set of peers.
    func isRestrictedEdge(_ node: Int) -> Bool { restricted[node] != nil }
}
