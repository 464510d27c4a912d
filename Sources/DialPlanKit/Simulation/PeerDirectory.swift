/// Resolves a peer or DNS target (an address or FQDN) to the Pexip nodes and call-control clusters it stands for,
/// following the plan's A, AAAA and CNAME records.
public struct PeerDirectory: Sendable {
    private var nodesByKey: [String: [NodeID]] = [:]
    private var clustersByKey: [String: [ClusterID]] = [:]
    private var records: [String: [DNSRecord]] = [:]

    public init(plan: DialPlan) {
        for (index, node) in plan.nodes.enumerated() {
            nodesByKey[PeerDirectory.key(node.address), default: []].append(NodeID(index))
            if let fqdn = node.alternativeFQDN { nodesByKey[PeerDirectory.key(fqdn), default: []].append(NodeID(index)) }
        }
        for record in plan.dnsRecords { records[PeerDirectory.key(record.name), default: []].append(record) }
        // A cluster is reached at its addresses and at whatever its FQDNs resolve to.
        for (index, cluster) in plan.clusters.enumerated() {
            for address in cluster.addresses {
                for key in addresses(for: address) where !(clustersByKey[key] ?? []).contains(ClusterID(index)) {
                    clustersByKey[key, default: []].append(ClusterID(index))
                }
            }
        }
    }

    static func key(_ name: String) -> String { PlanBuilder.canonicalAddress(name) }

    /// The addresses `name` stands for: itself and whatever its A/AAAA/CNAME records give.
    public func addresses(for name: String) -> [String] {
        var result: [String] = []
        var queue = [PeerDirectory.key(name)]
        var seen = Set<String>()
        while let next = queue.popLast(), seen.count < 16 {
            guard seen.insert(next).inserted else { continue }
            result.append(next)
            for record in records[next] ?? [] {
                switch record.type {
                case .a, .aaaa, .cname: queue.append(contentsOf: record.values.map(PeerDirectory.key))
                case .srv: break
                }
            }
        }
        return result
    }

    /// Pexip nodes reached at `name`.
    public func nodes(for name: String) -> [NodeID] {
        unique(addresses(for: name).flatMap { nodesByKey[$0] ?? [] })
    }

    /// Clusters reached at `name`.
    public func clusters(for name: String) -> [ClusterID] {
        unique(addresses(for: name).flatMap { clustersByKey[$0] ?? [] })
    }

    /// SRV targets for `name`, lowest priority value first.
    public func srv(_ name: String) -> [SRVTarget] {
        (records[PeerDirectory.key(name)] ?? []).filter { $0.type == .srv }.flatMap { $0.values.compactMap(SRVTarget.init) }
            .sorted { $0.priority < $1.priority }
    }

    /// Whether any record exists for `name`.
    public func hasRecords(_ name: String) -> Bool { records[PeerDirectory.key(name)] != nil }

    private func unique<ID: Hashable>(_ values: [ID]) -> [ID] {
        var seen = Set<ID>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// One SRV record value: `priority weight port target`.
public struct SRVTarget: Sendable, Hashable {
    public var priority: Int
    public var weight: Int
    public var port: Int
    public var target: String

    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 4, let priority = Int(parts[0]), let weight = Int(parts[1]), let port = Int(parts[2]),
            (0...65535).contains(priority), (0...65535).contains(weight), (0...65535).contains(port)
        else { return nil }
        self.priority = priority
        self.weight = weight
        self.port = port
        target = String(parts[3])
    }
}
