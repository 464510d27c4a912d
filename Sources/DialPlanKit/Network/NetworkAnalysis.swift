import Foundation

/// The network verdicts of a plan: every ordered pair of Pexip nodes that must talk, whether it can (UDP 500 and
/// ESP both ways, no NAT), node lints, and on demand whether a site's endpoints reach a node.
/// [PX-gs_server_network] [PX-port_usage]
public struct NetworkAnalysis: Sendable {
    public let plan: DialPlan
    /// Every ordered pair that must talk, with its result (management node first, then nodes in plan order).
    public let pairs: [MeshPair]
    /// Broken pairs (grouped by the rule, link or node responsible), node lints and the network section's load
    /// warnings, in file order.
    public let findings: [Diagnostic]
    /// The broken pairs grouped by what breaks them, each group with its finding (one of `findings`), in the order
    /// met: for reports that show a cause with its pairs. A pair with several causes is in the group of each.
    public let brokenPairGroups: [BrokenPairGroup]

    /// One cause and every pair it breaks.
    public struct BrokenPairGroup: Sendable {
        /// What breaks the pairs: one rule, firewall default, NAT or missing path.
        public let cause: PathCause
        /// The flows it fails, in the mesh's order (UDP 500, then ESP).
        public let flows: [FlowSpec]
        /// The first failure met for it, flow and all.
        public let failure: PathFailure
        /// Every pair it breaks, in pair order, whether or not the pair has other causes too.
        public let pairs: [MeshPair]
        /// How many of `pairs` have no other cause: what fixing this one alone repairs.
        public let repairedAlone: Int
        /// How many of `pairs` one stateful rule on the cause's firewall repairs: for denied requests, a rule
        /// allowing them, which also lets their replies back through that firewall; for denied replies, a rule
        /// allowing their requests. Besides `repairedAlone`, the pairs whose only other problems are the other half
        /// of the same flows at the same firewall and link (the requests denied at a stateless firewall, walked on
        /// statelessly, then their replies). `repairedAlone` for a cause that is not a firewall's.
        public let repairedByStatefulRule: Int
        public let diagnostic: Diagnostic

        /// "UDP 500, ESP: denied by firewall 'wan-fw' default deny (no rule matches) on link 'oslo-wan'".
        public var description: String { cause.description(failing: flows) }
    }

    let engine: NetworkEngine?
    private let requirements: MeshRequirements
    private let pairIndex: [MeshEnd: [Int]]
    private let pairLookup: [PairKey: Int]
    private let groupIndex: [PathCause: Int]

    private struct PairKey: Hashable {
        var from: MeshEnd
        var to: MeshEnd
    }

    private struct MeshMemoKey: Hashable {
        var from: Int
        var to: Int
        var fromSegment: Int
        var toSegment: Int
    }
    private let reachabilityCache = LockedTable<ReachabilityKey, PathCheck>()
    let callControlLegCache = LockedTable<CallControlLegKey, [PathCheck]?>()
    /// Resolves call-control addresses through the plan's DNS records.
    let directory: PeerDirectory

    /// Analyses `plan`; without a network only the node lints run.
    public init(plan: DialPlan) {
        self.plan = plan
        directory = PeerDirectory(plan: plan)
        requirements = MeshRequirements(plan: plan)
        guard let network = plan.network else {
            engine = nil
            pairs = []
            pairIndex = [:]
            pairLookup = [:]
            findings = NodeLints.run(plan: plan, network: nil).sorted(by: NetworkAnalysis.fileOrder)
            brokenPairGroups = []
            groupIndex = [:]
            return
        }
        let engine = NetworkEngine(network: network)
        self.engine = engine
        var pairs: [MeshPair] = []
        var pairIndex: [MeshEnd: [Int]] = [:]
        var pairLookup: [PairKey: Int] = [:]
        let ends = requirements.ends
        let places = ends.map { NetworkAnalysis.place($0, plan: plan, network: network) }
        // Nodes in one atom (same subnet, same rules) get the same answer: hundreds of nodes in a few subnets
        // make a few distinct checks, each then relabelled for its pair.
        var memo: [MeshMemoKey: PathCheck] = [:]
        for (i, from) in ends.enumerated() {
            for (j, to) in ends.enumerated() where requirements.isRequired(from, to) {
                var check: PathCheck
                if let source = places[i].address, let destination = places[j].address, places[i].segment != nil, places[j].segment != nil {
                    let key = MeshMemoKey(from: engine.atom(source), to: engine.atom(destination), fromSegment: places[i].segment!, toSegment: places[j].segment!)
                    if let known = memo[key] {
                        check = known
                        check.from = places[i].label
                        check.to = places[j].label
                        for index in check.flows.indices {
                            check.flows[index].witness.source = source
                            check.flows[index].witness.destination = destination
                        }
                    } else {
                        check = NetworkAnalysis.meshCheck(from: places[i], to: places[j], engine: engine)
                        memo[key] = check
                    }
                } else {
                    check = NetworkAnalysis.meshCheck(from: places[i], to: places[j], engine: engine)
                }
                pairIndex[from, default: []].append(pairs.count)
                pairIndex[to, default: []].append(pairs.count)
                pairLookup[PairKey(from: from, to: to)] = pairs.count
                pairs.append(MeshPair(from: from, to: to, check: check))
            }
        }
        self.pairs = pairs
        self.pairIndex = pairIndex
        self.pairLookup = pairLookup
        let unplaced = Set(ends.indices.filter { places[$0].segment == nil }.map { ends[$0] })
        brokenPairGroups = NetworkAnalysis.groupBrokenPairs(pairs, unplaced: unplaced, plan: plan)
        groupIndex = Dictionary(uniqueKeysWithValues: brokenPairGroups.enumerated().map { ($0.element.cause, $0.offset) })
        let webRTC = NetworkAnalysis.webRTCFindings(plan: plan, network: network, engine: engine)
        findings = (NodeLints.run(plan: plan, network: network) + network.warnings + brokenPairGroups.map(\.diagnostic) + webRTC)
            .sorted(by: NetworkAnalysis.fileOrder)
    }

    public var hasNetwork: Bool { plan.network != nil }

    /// Every end of the mesh: the Management Node (when the plan has one), then the Conferencing Nodes.
    public var ends: [MeshEnd] { requirements.ends }

    /// Whether `from` must reach `to` (false for an end and itself, and for pairs a Proxying Edge Node does not need).
    public func isRequired(_ from: MeshEnd, _ to: MeshEnd) -> Bool { requirements.isRequired(from, to) }

    /// The check of an ordered pair, when it must talk.
    public func pair(from: MeshEnd, to: MeshEnd) -> MeshPair? {
        pairLookup[PairKey(from: from, to: to)].map { pairs[$0] }
    }

    /// The index in `brokenPairGroups` of the group of `cause` (nil for a cause of no group: a pair with a node
    /// that no segment holds, which that node's lint reports).
    public func groupIndex(of cause: PathCause) -> Int? { groupIndex[cause] }

    /// The indices in `brokenPairGroups` of every cause of `pair`, in path order.
    public func groupIndices(of pair: MeshPair) -> [Int] { pair.check.causes.compactMap { groupIndex[$0] } }

    /// Broken pairs involving `node` (empty when healthy), for the call verdict `mesh-broken`.
    public func brokenPairs(involving node: NodeID) -> [MeshPair] {
        (pairIndex[.node(node)] ?? []).map { pairs[$0] }.filter { $0.status != .ok }
    }

    /// Whether the mesh is healthy: every pair ok and no error among the findings.
    public var isHealthy: Bool {
        pairs.allSatisfy { $0.status == .ok } && !findings.contains { $0.severity == .error }
    }

    /// The node's or the Management Node's name.
    public func name(of end: MeshEnd) -> String {
        switch end {
        case .management: plan.managementNode?.name ?? "management"
        case .node(let index): plan.nodes[index].name
        }
    }

    /// The address as written in the plan.
    public func address(of end: MeshEnd) -> String {
        switch end {
        case .management: plan.managementNode?.address ?? ""
        case .node(let index): plan.nodes[index].address
        }
    }

    /// The system location (nil for the Management Node).
    public func location(of end: MeshEnd) -> LocationID? {
        guard case .node(let index) = end else { return nil }
        return plan.nodes[index].location
    }

    /// The name of the segment holding the end's address.
    public func segmentName(of end: MeshEnd) -> String? {
        guard let network = plan.network, let address = IPAddressValue(address(of: end)),
            let segment = network.segment(containing: address)
        else { return nil }
        return network.segments[segment].name
    }

    /// Where the end is defined in the plan.
    public func source(of end: MeshEnd) -> SourceLocation? {
        switch end {
        case .management: plan.managementNode?.source
        case .node(let index): plan.nodes[index].source
        }
    }

    /// Whether endpoints of site index `site` reach node index `node` for a call of `callProtocol` (signalling +
    /// media, the flows `PortUsage.endpointToNode` lists); nil when the plan does not say where the site's
    /// endpoints are. NAT is allowed on this leg. This is the one place a site's calls are found `blocked`
    /// (`NetworkVerdicts.unreachable` asks here). [PX-port_usage] Thread-safe, computed once per (site, node,
    /// protocol).
    public func reachability(site: SiteID, node: NodeID, protocol callProtocol: CallProtocol) -> PathCheck? {
        guard let engine, let network = plan.network, let endpoints = network.endpoints(ofSite: site) else { return nil }
        let key = ReachabilityKey(site: site, node: node, callProtocol: callProtocol)
        if let known = reachabilityCache.get(key) { return known }
        let check = NetworkAnalysis.endpointsCheck(
            endpoints, of: plan.sites[site].name, to: node, flows: PortUsage.endpointToNode(callProtocol), plan: plan, engine: engine)
        reachabilityCache.set(key, check)
        return check
    }

    /// The path from a site's endpoints to a node, for `flows`; NAT is allowed on this leg.
    static func endpointsCheck(
        _ endpoints: SiteEndpoints, of site: String, to node: NodeID, flows: [PortUsage.Requirement], plan: DialPlan, engine: NetworkEngine
    ) -> PathCheck {
        let network = engine.network
        return NetworkAnalysis.pathCheck(
            from: "\(site) endpoints (\(endpoints.text))", sources: endpoints.addresses,
            sourceSegment: network.segment(containing: endpoints.addresses.first ?? .zero),
            to: NetworkAnalysis.place(.node(node), plan: plan, network: network), flows: flows, natAllowed: true, engine: engine)
    }

    /// Sites with WebRTC clients (`webrtc` among their protocols) whose endpoints cannot reach a node of their
    /// local locations over HTTPS or media: one error per site and problem (every problem on each path), at the
    /// rule or default responsible, naming the nodes. Per (site, local node), not per call. [PX-port_usage]
    static func webRTCFindings(plan: DialPlan, network: Network, engine: NetworkEngine) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for (index, site) in zip(plan.sites.ids, plan.sites) where site.webRTC {
            guard let endpoints = network.endpoints(ofSite: index) else { continue }
            var order: [String] = []
            var groups: [String: (failure: PathFailure, nodes: [String])] = [:]
            for node in plan.nodes.ids where site.localLocations.contains(plan.nodes[node].location) {
                // Every problem on the way, so that fixing one reveals no other.
                let check = endpointsCheck(endpoints, of: site.name, to: node, flows: PortUsage.webRTC, plan: plan, engine: engine)
                for failure in check.failures {
                    let key = failure.description
                    if groups[key] == nil { order.append(key) }
                    if groups[key]?.nodes.contains(plan.nodes[node].name) != true { groups[key, default: (failure, [])].nodes.append(plan.nodes[node].name) }
                }
            }
            for key in order {
                let (failure, nodes) = groups[key]!
                let names = nodes.count == 1 ? "node \(nodes[0])" : "nodes \(nodes.joined(separator: ", "))"
                findings.append(Diagnostic(
                    .error, "WebRTC clients of site '\(site.name)' (\(endpoints.text)) cannot reach \(names) of their local locations: \(failure)",
                    at: failure.source, check: .webRTCBlocked))
            }
        }
        return findings
    }

    /// Hop-by-hop steps of a path check, traceroute style: the path, then per flow its hops (segment, firewall
    /// rule that permitted or denied, NAT applied) and its replies.
    public func traceSteps(_ check: PathCheck, depth: Int) -> [TraceStep] {
        var steps: [TraceStep] = []
        let path = check.segments.isEmpty ? "no path" : "path " + check.segments.joined(separator: " → ")
        steps.append(TraceStep(
            depth: depth, kind: .hop, status: check.status == .ok ? .accepted : .rejected, name: "\(check.from) → \(check.to)",
            detail: "\(path): " + (check.failure.map { "\(check.status.rawValue): \($0)" } ?? "ok")
                + (check.causes.count > 1 ? " (and \(check.causes.count - 1) more cause\(check.causes.count == 2 ? "" : "s") on the path, below)" : "")))
        guard let engine, let network = plan.network else { return steps }
        let satisfied = Set(check.flows.filter { $0.status == .ok }.map(\.group))
        for flow in check.flows {
            let status: TraceStep.Status = flow.status == .ok ? .accepted : satisfied.contains(flow.group) ? .skipped : .rejected
            // "IKE: ok", "media: blocked (UDP 45000–49999): denied by …"; ESP is its own purpose.
            let purpose = flow.flow.purpose == flow.flow.description ? "" : flow.flow.purpose + ": "
            // Every problem of the flow, in path order.
            var detail = flow.status == .ok ? "\(purpose)ok" : purpose + flow.failures.map { failure in
                PathCheck.Status(failure.kind).rawValue + (failure.isReturnTraffic ? " (replies)" : "") + (failure.part.map { " (\($0))" } ?? "") + ": " + failure.reason
            }.joined(separator: "; then ")
            if status == .skipped { detail += " (an alternative passes)" }
            steps.append(TraceStep(depth: depth + 1, kind: .hop, status: status, name: flow.flow.description, detail: detail, source: flow.failure?.source))
            guard let destination = check.destinationSegment, let source = network.segment(containing: flow.witness.source) else { continue }
            var events: [WalkEvent]? = []
            _ = engine.walker.walk(flow.witness, flow: flow.flow, from: source, to: destination, natAllowed: check.natAllowed, events: &events)
            for event in events ?? [] {
                steps.append(TraceStep(depth: depth + 2, kind: .hop, status: event.status, name: event.name, detail: event.detail, source: event.source))
            }
        }
        return steps
    }

    // MARK: Building checks

    /// Where an end of a path is: its name for messages, address and segment.
    struct Place {
        var label: String
        var address: IPAddressValue?
        var segment: Int?
        var source: SourceLocation?
        var problem: String
        /// Where the place is a range of addresses (a call-control sender placed by `call_control`), all in
        /// `segment`; `address` is then nil.
        var range: AddressSet? = nil

        /// Every address of the place.
        var addresses: AddressSet? { range ?? address.map { AddressSet([AddressRange($0)]) } }
    }

    static func place(_ end: MeshEnd, plan: DialPlan, network: Network) -> Place {
        let (kind, name, text, source): (String, String, String, SourceLocation?) = switch end {
        case .management: ("management_vm", plan.managementNode?.name ?? "management", plan.managementNode?.address ?? "", plan.managementNode?.source)
        case .node(let index): ("worker_vm", plan.nodes[index].name, plan.nodes[index].address, plan.nodes[index].source)
        }
        let address = IPAddressValue(text)
        let segment = address.flatMap { network.segment(containing: $0) }
        let problem = address == nil ? "\(kind) '\(name)' address '\(text)' is not an IP address" : "\(kind) '\(name)' address \(text) is in no network segment"
        return Place(label: "\(name) (\(text))", address: address, segment: segment, source: source, problem: problem)
    }

    static func meshCheck(from: Place, to: Place, engine: NetworkEngine) -> PathCheck {
        pathCheck(
            from: from.label, sources: from.address.map { AddressSet([AddressRange($0)]) } ?? .empty, sourceSegment: from.segment,
            to: to, flows: PortUsage.mesh, natAllowed: false, engine: engine, sourceProblem: from.segment == nil ? (from.problem, from.source) : nil)
    }

    static func pathCheck(
        from label: String, sources: AddressSet, sourceSegment: Int?, to: Place, flows: [PortUsage.Requirement], natAllowed: Bool,
        engine: NetworkEngine, sourceProblem: (String, SourceLocation?)? = nil
    ) -> PathCheck {
        let network = engine.network
        var checks: [FlowCheck] = []
        let unplaced = sourceProblem ?? (to.segment == nil || to.addresses == nil ? (to.problem, to.source) : nil)
        for (flow, group) in flows {
            if let (problem, source) = unplaced {
                let failure = PathFailure(kind: .noRoute, flow: flow, link: nil, firewall: nil, rule: nil, isReturnTraffic: false, reason: problem, source: source, part: nil, hop: nil)
                let packet = Packet(ipProtocol: flow.ipProtocol, source: .zero, destination: .zero, sourcePort: 0, destinationPort: 0)
                checks.append(FlowCheck(flow: flow, status: .noRoute, failures: [failure], group: group, witness: packet))
            } else {
                checks.append(engine.check(flow, group: group, from: sources, to: to.addresses!, destinationSegment: to.segment!, natAllowed: natAllowed))
            }
        }
        // The first problem on the path decides the status.
        let failures = PathCheck.breaking(checks)
        let status = failures.first.map { PathCheck.Status($0.kind) } ?? .ok
        var segments: [String] = []
        if unplaced == nil, let sourceSegment, let destination = to.segment {
            if let hops = engine.walker.paths.path(from: sourceSegment, to: destination) {
                segments = [network.segments[sourceSegment].name] + hops.map { network.segments[$0.to].name }
            }
        }
        return PathCheck(
            from: label, to: to.label, status: status, flows: checks, segments: segments, natAllowed: natAllowed,
            sourceSegment: sourceSegment, destinationSegment: unplaced == nil ? to.segment : nil, failures: failures)
    }

    // MARK: Findings

    /// One diagnostic per cause (rule, firewall default, NAT, missing path), at the place responsible, with every
    /// pair it breaks as a note, and how many of them fixing it alone repairs (the pairs it is the only cause of),
    /// and, when more, how many one stateful rule on its firewall repairs (`statefulRuleRepairs`): a stateless
    /// firewall's denied requests and their denied replies are two causes, each listed (a stateless rule for the
    /// requests leaves the replies denied), but one fix. A pair with several causes is under each. Pairs of a node that no segment holds are left to that node's lint.
    static func groupBrokenPairs(_ pairs: [MeshPair], unplaced: Set<MeshEnd>, plan: DialPlan) -> [BrokenPairGroup] {
        struct Group {
            var failure: PathFailure
            var flows: [FlowSpec] = []
            var pairs: [MeshPair] = []
            var alone = 0
            var stateful = 0
        }
        var order: [PathCause] = []
        var groups: [PathCause: Group] = [:]
        for pair in pairs where pair.status != .ok && !unplaced.contains(pair.from) && !unplaced.contains(pair.to) {
            let failures = pair.check.failures
            let causes = pair.check.causes
            for cause in causes {
                let first = failures.first { $0.cause == cause }!
                if groups[cause] == nil {
                    order.append(cause)
                    groups[cause] = Group(failure: first)
                }
                groups[cause]!.pairs.append(pair)
                if causes.count == 1 { groups[cause]!.alone += 1 }
                if causes.count == 1 || statefulRuleRepairs(pair, cause: cause) { groups[cause]!.stateful += 1 }
                for failure in failures where failure.cause == cause && !groups[cause]!.flows.contains(failure.flow) {
                    groups[cause]!.flows.append(failure.flow)
                }
            }
        }
        let meshOrder = PortUsage.mesh.map(\.flow)
        return order.map { cause in
            let group = groups[cause]!
            let broken = group.pairs
            let flows = group.flows.sorted { (meshOrder.firstIndex(of: $0) ?? .max) < (meshOrder.firstIndex(of: $1) ?? .max) }
            let count = broken.count == 1 ? "1 ordered pair of Pexip nodes" : "\(broken.count) ordered pairs of Pexip nodes"
            let what: String
            switch cause.kind {
            case .blocked: what = "cannot set up IPsec: \(flows.map(\.description).joined(separator: " and "))\(cause.isReturnTraffic ? " replies" : "") \(cause.reason)"
            case .nat: what = "go through NAT: \(cause.reason)"
            case .noRoute: what = "have no route: \(cause.reason)"
            }
            let others = broken.count - group.alone
            var repair: String
            switch (broken.count, group.alone) {
            case (1, 1): repair = "fixing this alone repairs it"
            case (1, _): repair = "fixing this alone does not repair it (it has another cause too)"
            case (_, broken.count): repair = "fixing this alone repairs all \(broken.count)"
            case (_, 0): repair = "fixing this alone repairs none of them (each has another cause too)"
            default: repair = "fixing this alone repairs \(group.alone) of them (\(others) \(others == 1 ? "has" : "have") another cause too)"
            }
            if group.stateful > group.alone {
                let repairs = group.stateful == broken.count ? broken.count == 1 ? "repairs it" : "repairs all \(broken.count)" : "repairs \(group.stateful) of them"
                repair += cause.isReturnTraffic
                    ? "; a stateful rule allowing their requests, which lets these replies back, \(repairs)"
                    : "; a stateful rule allowing it, which also lets the replies back, \(repairs)"
            }
            let check: CheckID = cause.kind == .blocked ? .meshBlocked : cause.kind == .nat ? .meshNAT : .meshNoRoute
            // Every pair for a few; for hundreds of nodes a sample and the count (`mesh --format csv` lists all).
            var notes = broken.prefix(30).map { "\($0.check.from) → \($0.check.to)" }
            if broken.count > 30 { notes.append("… and \(broken.count - 30) more pairs (dialplan mesh --format csv lists them all)") }
            return BrokenPairGroup(
                cause: cause, flows: flows, failure: group.failure, pairs: broken, repairedAlone: group.alone, repairedByStatefulRule: group.stateful,
                diagnostic: Diagnostic(.error, "\(count) \(what); \(repair)", at: cause.source, check: check, notes: notes))
        }
    }

    /// Whether one stateful rule on the firewall of `cause` (a firewall's denial of requests or of replies)
    /// repairs `pair`: every other problem of the pair is the other half of one of the flows `cause` fails, at the
    /// same firewall and link (its replies, for denied requests; its request, for denied replies). The rule
    /// allows the requests and the state it holds lets their replies back, so both halves go.
    static func statefulRuleRepairs(_ pair: MeshPair, cause: PathCause) -> Bool {
        guard cause.kind == .blocked, cause.firewall != nil else { return false }
        let failures = pair.check.failures
        let own = failures.filter { $0.cause == cause }
        return failures.allSatisfy { failure in
            failure.cause == cause
                || failure.kind == .blocked && failure.firewall == cause.firewall && failure.link == cause.link
                && failure.isReturnTraffic != cause.isReturnTraffic && own.contains { $0.flow == failure.flow && $0.hop == failure.hop }
        }
    }

    static func fileOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.location ?? SourceLocation(file: "", line: 0, column: 0)) < (b.location ?? SourceLocation(file: "", line: 0, column: 0))
    }
}

/// A site's endpoints and a node, for the lazily filled reachability table.
struct ReachabilityKey: Hashable {
    var site: SiteID
    var node: NodeID
    var callProtocol: CallProtocol
}
