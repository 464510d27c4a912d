/// Findings about Pexip nodes' addresses and roles. The first three hold for any plan; the last two need the
/// plan's network.
enum NodeLints {
    static func run(plan: DialPlan, network: Network?) -> [Diagnostic] {
        var findings = locationsMixingStaticNAT(plan) + locationsMixingNodeTypes(plan) + duplicateAddresses(plan)
        if let network { findings += addressesOutsideSegments(plan, network) + staticNATMismatches(plan, network) }
        return findings
    }

    /// Nodes with a static NAT address must not share a location with nodes without one: Pexip hands out a
    /// location's nodes to endpoints alike. [PX-public_dmz_configuration]
    static func locationsMixingStaticNAT(_ plan: DialPlan) -> [Diagnostic] {
        plan.locations.ids.compactMap { location in
            let nodes = plan.nodes.filter { $0.location == location }
            let with = nodes.filter { $0.staticNATAddress != nil }.map(\.name)
            let without = nodes.filter { $0.staticNATAddress == nil }.map(\.name)
            guard !with.isEmpty, !without.isEmpty else { return nil }
            return Diagnostic(
                .error,
                "system location '\(plan.locations[location].name)' mixes nodes with a static_nat_address (\(with.joined(separator: ", "))) and nodes without one (\(without.joined(separator: ", "))); put them in separate locations",
                at: plan.locations[location].source, check: .locationMixesStaticNAT)
        }
    }

    /// A location should hold either Proxying Edge Nodes or transcoding Conferencing Nodes, not both.
    /// [PX-edge_guidelines]
    static func locationsMixingNodeTypes(_ plan: DialPlan) -> [Diagnostic] {
        plan.locations.ids.compactMap { location in
            let nodes = plan.nodes.filter { $0.location == location }
            let proxying = nodes.filter { $0.nodeType == .proxying }.map(\.name)
            let transcoding = nodes.filter { $0.nodeType == .conferencing }.map(\.name)
            guard !proxying.isEmpty, !transcoding.isEmpty else { return nil }
            return Diagnostic(
                .warning,
                "system location '\(plan.locations[location].name)' mixes proxying nodes (\(proxying.joined(separator: ", "))) and transcoding nodes (\(transcoding.joined(separator: ", "))); a location should hold one kind",
                at: plan.locations[location].source, check: .locationMixesNodeTypes)
        }
    }

    /// Two nodes with one static NAT address, or a static NAT address that is another node's address. (Nodes with
    /// one address are a load error already.)
    static func duplicateAddresses(_ plan: DialPlan) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var owners: [String: String] = [:]
        if let management = plan.managementNode { owners[PlanBuilder.canonicalAddress(management.address)] = "the address of management_vm '\(management.name)'" }
        for node in plan.nodes { owners[PlanBuilder.canonicalAddress(node.address)] = "the address of worker_vm '\(node.name)'" }
        var natOwners: [String: String] = [:]
        for node in plan.nodes {
            guard let nat = node.staticNATAddress else { continue }
            let key = PlanBuilder.canonicalAddress(nat)
            if let other = natOwners[key] {
                findings.append(Diagnostic(.error, "worker_vm '\(node.name)' has the static_nat_address \(nat) of worker_vm '\(other)'", at: node.source, check: .duplicateAddress))
            } else if let owner = owners[key] {
                findings.append(Diagnostic(.error, "worker_vm '\(node.name)' has a static_nat_address \(nat) that is \(owner)", at: node.source, check: .duplicateAddress))
            }
            natOwners[key] = node.name
        }
        return findings
    }

    /// A node whose address no segment holds cannot be placed on the network, so its pairs cannot be checked.
    static func addressesOutsideSegments(_ plan: DialPlan, _ network: Network) -> [Diagnostic] {
        var ends: [(kind: String, name: String, address: String, source: SourceLocation)] = []
        if let management = plan.managementNode { ends.append(("management_vm", management.name, management.address, management.source)) }
        ends += plan.nodes.map { ("worker_vm", $0.name, $0.address, $0.source) }
        return ends.compactMap { end in
            guard let address = IPAddressValue(end.address) else {
                return Diagnostic(.error, "\(end.kind) '\(end.name)' address '\(end.address)' is not an IP address, so the network cannot place it", at: end.source, check: .addressOutsideSegments)
            }
            guard network.segment(containing: address) == nil else { return nil }
            return Diagnostic(
                .error,
                "\(end.kind) '\(end.name)' address \(end.address) is in no network segment, so no path to or from it can be checked; add its subnet to a segment",
                at: end.source, check: .addressOutsideSegments)
        }
    }

    /// A static NAT mapping that gives a node another outside address than its `static_nat_address`: endpoints
    /// would be sent to an address the NAT does not forward. [PX-public_dmz_configuration]
    static func staticNATMismatches(_ plan: DialPlan, _ network: Network) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for link in network.links {
            guard let nat = link.nat, nat.kind == .static else { continue }
            for node in plan.nodes {
                guard let address = IPAddressValue(node.address), let outside = nat.outside(of: address) else { continue }
                if let configured = node.staticNATAddress.flatMap(IPAddressValue.init), configured != outside {
                    findings.append(Diagnostic(
                        .warning,
                        "link '\(link.name)' maps worker_vm '\(node.name)' (\(node.address)) to \(outside), but its static_nat_address is \(node.staticNATAddress!)",
                        at: nat.mappings.first { $0.inside.contains(address) }?.source ?? nat.source, check: .staticNATMismatch))
                }
            }
        }
        return findings
    }
}
