@testable import DialPlanKit
import Testing

/// The mesh check: which pairs must talk, and how firewalls (rule order, default, direction, state), NAT and
/// routes decide whether UDP 500 and ESP get from one node to another. [PX-gs_server_network] [PX-port_usage]
@Suite struct NetworkMeshTests {
    /// A firewall named `name` with `rules` (flow-style items) and a default action.
    static func firewall(_ name: String, default action: String = "deny", stateful: Bool? = nil, _ rules: [String]) -> String {
        var yaml = "    - name: \(name)\n      default: \(action)\n"
        if let stateful { yaml += "      stateful: \(stateful)\n" }
        yaml += rules.isEmpty ? "      rules: []\n" : "      rules:\n" + rules.map { "        - \($0)\n" }.joined()
        return yaml
    }

    /// Oslo and Singapore with the given firewalls on their WAN links.
    static func plan(oslo: [String]? = nil, singapore: [String]? = nil, osloDefault: String = "deny", singaporeDefault: String = "deny", stateful: Bool? = nil) throws -> NetworkAnalysis {
        var firewalls = ""
        if let oslo { firewalls += firewall("oslo-fw", default: osloDefault, stateful: stateful, oslo) }
        if let singapore { firewalls += firewall("sin-fw", default: singaporeDefault, stateful: stateful, singapore) }
        let network = NetworkPlans.twoSites(
            osloFirewall: oslo == nil ? nil : "oslo-fw", singaporeFirewall: singapore == nil ? nil : "sin-fw",
            extra: firewalls.isEmpty ? "" : "  firewalls:\n" + firewalls)
        return try NetworkPlans.analysis(network)
    }

    // MARK: Which pairs

    @Test func everyNodeAndTheManagementNodeFormAFullMeshCheckedInBothDirections() throws {
        let analysis = try Self.plan()
        // Management Node + 4 Conferencing Nodes: 5 × 4 ordered pairs.
        #expect(analysis.pairs.count == 20)
        #expect(analysis.pairs.allSatisfy { $0.status == .ok })
        #expect(NetworkPlans.pair("osl1", "sin2", in: analysis) != nil)
        #expect(NetworkPlans.pair("sin2", "osl1", in: analysis) != nil)
        #expect(NetworkPlans.pair("mgr", "sin1", in: analysis) != nil)
        #expect(NetworkPlans.pair("sin1", "mgr", in: analysis) != nil)
        #expect(analysis.pairs.allSatisfy { $0.check.flows.map(\.flow) == [PortUsage.ike, PortUsage.esp] })
    }

    static let edgePexip = """
          system_locations:
            - {name: Oslo-Edge, transcoding_location: Oslo}
            - {name: Bergen-Edge, transcoding_location: Singapore}
            - {name: Tromso-Edge}
            - {name: London}
            - {name: Stavanger-Edge, transcoding_location: Singapore, overflow_location1: London}
          worker_vms:
            - {name: edge1, address: 10.1.9.1, system_location: Oslo-Edge, node_type: proxying}
            - {name: edge2, address: 10.1.9.2, system_location: Oslo-Edge, node_type: proxying}
            - {name: bgo1, address: 10.2.9.1, system_location: Bergen-Edge, node_type: proxying}
            - {name: tos1, address: 10.1.8.1, system_location: Tromso-Edge, node_type: proxying}
            - {name: lon1, address: 10.1.7.1, system_location: London}
            - {name: svg1, address: 10.2.8.1, system_location: Stavanger-Edge, node_type: proxying}

        """

    @Test func proxyingEdgeNodeNeedsOnlyItsOwnProxyingNodesItsTranscodingAndOverflowLocationsAndTheManagementNode() throws {
        let analysis = try NetworkPlans.analysis(NetworkPlans.twoSites(), pexip: Self.edgePexip)
        func required(_ a: String, _ b: String) -> Bool {
            analysis.isRequired(NetworkPlans.end(a, in: analysis), NetworkPlans.end(b, in: analysis))
        }
        // Its own location's proxying nodes, its transcoding location's nodes, the Management Node.
        #expect(required("edge1", "edge2"))
        #expect(required("edge1", "osl1") && required("osl2", "edge1"))
        #expect(required("edge1", "mgr") && required("mgr", "edge1"))
        // Not Singapore's or London's nodes, nor another edge location's.
        #expect(!required("edge1", "sin1") && !required("sin1", "edge1"))
        #expect(!required("edge1", "lon1"))
        #expect(!required("edge1", "bgo1") && !required("bgo1", "edge1"))
        // Overflow locations count too.
        #expect(required("svg1", "lon1") && required("svg1", "sin2"))
        #expect(!required("svg1", "osl1"))
        // Transcoding nodes still need each other and everything else.
        #expect(required("osl1", "sin1") && required("lon1", "sin1"))
        #expect(analysis.pair(from: NetworkPlans.end("edge1", in: analysis), to: NetworkPlans.end("sin1", in: analysis)) == nil)
    }

    @Test func proxyingEdgeNodeWhoseLocationSetsNoTranscodingOrOverflowLocationIsInTheFullMesh() throws {
        let analysis = try NetworkPlans.analysis(NetworkPlans.twoSites(), pexip: Self.edgePexip)
        let tromso = NetworkPlans.end("tos1", in: analysis)
        for other in analysis.ends where other != tromso {
            // Unless the other end is an edge node that does not need Tromsø.
            let otherIsRestrictedEdge = ["edge1", "edge2", "bgo1", "svg1"].contains(analysis.name(of: other))
            #expect(analysis.isRequired(tromso, other) == !otherIsRestrictedEdge, "tos1 ↔ \(analysis.name(of: other))")
        }
    }

    // MARK: Firewalls

    @Test func firewallRulesApplyInOrderAndTheFirstMatchWins() throws {
        let denyFirst = try Self.plan(singapore: ["{name: No ESP, action: deny, protocol: esp}", "{name: Everything, action: allow, protocol: any}"])
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: denyFirst))
        #expect(pair.status == .blocked)
        #expect(pair.ike.status == .ok)
        #expect(pair.esp.failure?.rule == "rule 1 'No ESP'")
        #expect(pair.esp.failure?.firewall == "sin-fw")
        #expect(pair.esp.failure?.link == "sin-wan")
        let allowFirst = try Self.plan(singapore: ["{name: Everything, action: allow, protocol: any}", "{name: No ESP, action: deny, protocol: esp}"])
        #expect(NetworkPlans.pair("osl1", "sin1", in: allowFirst)?.status == .ok)
    }

    @Test func theDefaultActionDecidesWhenNoRuleMatches() throws {
        let deny = try Self.plan(singapore: ["{action: allow, protocol: udp, ports: 500}"])
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: deny))
        #expect(pair.status == .blocked)
        #expect(pair.ike.status == .ok)
        let failure = try #require(pair.esp.failure)
        #expect(failure.rule == nil)
        #expect(failure.reason.contains("default deny"))
        // At the firewall's `default:`.
        #expect(failure.source?.line == NetworkPlans.position(of: "default: deny", in: NetworkPlans.text(NetworkPlans.twoSites(singaporeFirewall: "sin-fw", extra: "  firewalls:\n" + Self.firewall("sin-fw", ["{action: allow, protocol: udp, ports: 500}"])))).line)
        let allow = try Self.plan(singapore: ["{action: deny, protocol: tcp}"], singaporeDefault: "allow")
        #expect(NetworkPlans.pair("osl1", "sin1", in: allow)?.status == .ok)
    }

    @Test func aRuleAppliesOnlyInItsDirection() throws {
        // IPsec allowed from Oslo to Singapore only (stateful: the replies come back).
        let analysis = try Self.plan(singapore: ["{preset: ipsec, from: oslo, to: singapore}"])
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.status == .ok)
        let back = try #require(NetworkPlans.pair("sin1", "osl1", in: analysis))
        #expect(back.status == .blocked)
        #expect(back.ike.failure?.isReturnTraffic == false)
        #expect(back.ike.failure?.rule == nil)
    }

    @Test func betweenAllowsBothDirections() throws {
        let analysis = try Self.plan(singapore: ["{preset: ipsec, between: [oslo, singapore]}"])
        #expect(analysis.pairs.allSatisfy { $0.status == .ok })
    }

    @Test func theIPsecPresetIsUDP500AndESP() throws {
        let analysis = try Self.plan(singapore: ["{preset: ipsec}"])
        #expect(analysis.pairs.allSatisfy { $0.status == .ok })
        let rules = try #require(analysis.plan.network?.firewalls.first?.rules)
        #expect(rules.map(\.ipProtocol) == [.udp, .esp])
        #expect(rules[0].ports == PortSet(500))
    }

    @Test func aStatelessRuleNeedsARuleForTheReplies() throws {
        let oneWay = try Self.plan(singapore: ["{preset: ipsec, from: oslo, to: singapore, stateful: false}"])
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: oneWay))
        #expect(pair.status == .blocked)
        #expect(pair.ike.failure?.isReturnTraffic == true)
        #expect(pair.ike.failure?.reason.hasSuffix("; the request is not allowed statefully") == true)
        let bothWays = try Self.plan(singapore: ["{preset: ipsec, from: oslo, to: singapore, stateful: false}", "{preset: ipsec, from: singapore, to: oslo, stateful: false}"])
        #expect(NetworkPlans.pair("osl1", "sin1", in: bothWays)?.status == .ok)
    }

    @Test func aStatefulRuleLetsTheRepliesThroughEveryFirewallOnThePath() throws {
        // Both firewalls allow the request one way only; their state carries the replies.
        let analysis = try Self.plan(oslo: ["{preset: ipsec, from: oslo, to: singapore}"], singapore: ["{preset: ipsec, from: oslo, to: singapore}"])
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.status == .ok)
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.status == .blocked)
    }

    @Test func aFirewallsStatefulSettingIsItsRulesDefault() throws {
        let analysis = try Self.plan(singapore: ["{preset: ipsec, from: oslo, to: singapore}"], stateful: false)
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.ike.failure?.isReturnTraffic == true)
    }

    @Test func rulesMatchSourceAndDestinationAddressesAndPorts() throws {
        let analysis = try Self.plan(singapore: [
            "{action: allow, protocol: udp, ports: 400-600, from: osl1, to: 10.2.0.0/24}",
            "{action: allow, protocol: esp, from: [10.1.0.1, 10.1.0.5], to: Singapore}",
            "{action: allow, protocol: any, from: singapore, to: oslo}",
        ])
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.status == .ok)
        // osl2 is not in rule 1's sources.
        #expect(NetworkPlans.pair("osl2", "sin1", in: analysis)?.ike.status == .blocked)
        #expect(NetworkPlans.pair("mgr", "sin2", in: analysis)?.ike.status == .blocked)
        #expect(NetworkPlans.pair("mgr", "sin2", in: analysis)?.esp.status == .ok)
    }

    @Test func aRuleForAnotherPortOrProtocolDoesNotMatch() throws {
        let analysis = try Self.plan(singapore: ["{action: allow, protocol: udp, ports: 4500}", "{action: allow, protocol: icmp}", "{action: allow, protocol: tcp, ports: 500}"])
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(pair.ike.status == .blocked)
        #expect(pair.esp.status == .blocked)
        #expect(pair.ike.failure?.rule == nil)
    }

    // MARK: NAT

    @Test func masqueradeBetweenTwoNodesBreaksThePairsThatLeaveItsInside() throws {
        let network = NetworkPlans.twoSites().replacingOccurrences(of: "{name: oslo-wan, between: [oslo, wan]}", with: "{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, address: 172.16.0.1}}")
        let analysis = try NetworkPlans.analysis(network)
        let out = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(out.status == .nat)
        #expect(out.ike.failure?.link == "oslo-wan")
        #expect(out.ike.failure?.source?.line == NetworkPlans.position(of: "nat: {type: masquerade", in: NetworkPlans.text(network)).line)
        // Connections opened from Singapore are not translated, their replies neither.
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.status == .ok)
        // Inside Oslo there is no NAT.
        #expect(NetworkPlans.pair("osl1", "osl2", in: analysis)?.status == .ok)
        #expect(analysis.findings.contains { $0.check?.rawValue == "mesh-nat" && $0.notes.count == 6 })
    }

    @Test func staticNATOfANodeBreaksItsPairsInBothDirections() throws {
        let network = NetworkPlans.twoSites().replacingOccurrences(of: "{name: sin-wan, between: [singapore, wan]}", with: "{name: sin-wan, between: [singapore, wan], nat: {type: static, inside: singapore, map: {sin1: 203.0.113.1}}}")
        let analysis = try NetworkPlans.analysis(network)
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.status == .nat)
        let toIt = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(toIt.status == .nat)
        #expect(toIt.ike.failure?.isReturnTraffic == true)
        // sin2 is not mapped.
        #expect(NetworkPlans.pair("osl1", "sin2", in: analysis)?.status == .ok)
        #expect(NetworkPlans.pair("sin2", "osl1", in: analysis)?.status == .ok)
    }

    // MARK: Paths

    @Test func segmentsWithoutALinkBetweenThemHaveNoRoute() throws {
        let network = """
            network:
              segments:
                - {name: oslo, ranges: [10.1.0.0/16]}
                - {name: singapore, ranges: [10.2.0.0/16]}
            """
        let analysis = try NetworkPlans.analysis(network)
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(pair.status == .noRoute)
        #expect(pair.check.segments.isEmpty)
        #expect(pair.ike.failure?.reason.contains("no path from segment 'oslo' to segment 'singapore'") == true)
        #expect(NetworkPlans.pair("osl1", "osl2", in: analysis)?.status == .ok)
        #expect(analysis.findings.contains { $0.check?.rawValue == "mesh-no-route" && $0.severity == .error })
    }

    /// A direct link without a firewall, and a detour through `transit` whose firewall denies everything.
    static let triangle = """
        network:
          segments:
            - {name: oslo, ranges: [10.1.0.0/16]}
            - {name: singapore, ranges: [10.2.0.0/16]}
            - {name: transit, ranges: [172.16.0.0/16]}
          firewalls:
            - {name: transit-fw, default: deny, rules: []}
          links:
            - {name: direct, between: [oslo, singapore]}
            - {name: detour-a, between: [oslo, transit], firewall: transit-fw}
            - {name: detour-b, between: [transit, singapore]}

        """

    @Test func pathsFollowTheFewestLinks() throws {
        let analysis = try NetworkPlans.analysis(Self.triangle)
        #expect(analysis.pairs.allSatisfy { $0.status == .ok })
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.check.segments == ["oslo", "singapore"])
    }

    @Test func anExplicitRouteOverridesTheShortestPathInItsDirection() throws {
        let analysis = try NetworkPlans.analysis(Self.triangle + "  routes:\n    - {from: oslo, to: singapore, via: [transit]}\n")
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(pair.check.segments == ["oslo", "transit", "singapore"])
        #expect(pair.status == .blocked)
        #expect(pair.ike.failure?.firewall == "transit-fw")
        // The other direction keeps the shortest path.
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.status == .ok)
        let both = try NetworkPlans.analysis(Self.triangle + "  routes:\n    - {between: [oslo, singapore], via: [transit]}\n")
        #expect(NetworkPlans.pair("sin1", "osl1", in: both)?.check.segments == ["singapore", "transit", "oslo"])
    }

    // MARK: API

    @Test func brokenPairsInvolvingANodeListEveryBrokenPairWithIt() throws {
        let analysis = try Self.plan(singapore: ["{action: allow, protocol: udp, ports: 500}"])
        let sin1 = NodeID(analysis.plan.nodes.firstIndex { $0.name == "sin1" }!)
        let osl1 = NodeID(analysis.plan.nodes.firstIndex { $0.name == "osl1" }!)
        // mgr, osl1, osl2 to and from sin1.
        #expect(analysis.brokenPairs(involving: sin1).count == 6)
        #expect(analysis.brokenPairs(involving: osl1).count == 4)
        let healthy = try Self.plan()
        #expect(healthy.brokenPairs(involving: sin1).isEmpty)
    }

    @Test func brokenPairsAreOneFindingPerCauseAtTheRuleResponsible() throws {
        let yaml = NetworkPlans.text(NetworkPlans.twoSites(singaporeFirewall: "sin-fw", extra: "  firewalls:\n" + Self.firewall("sin-fw", ["{name: No ESP, action: deny, protocol: esp}", "{preset: ipsec}"])))
        let analysis = NetworkAnalysis(plan: try TestPlans.load(yaml))
        let blocked = analysis.findings.filter { $0.check?.rawValue == "mesh-blocked" }
        #expect(blocked.count == 1)
        let finding = try #require(blocked.first)
        #expect(finding.severity == .error)
        #expect(finding.location == NetworkPlans.position(of: "{name: No ESP", in: yaml))
        #expect(finding.message == "12 ordered pairs of Pexip nodes cannot set up IPsec: ESP denied by firewall 'sin-fw' rule 1 'No ESP' on link 'sin-wan'; fixing this alone repairs all 12")
        #expect(finding.notes.contains("osl1 (10.1.0.1) → sin1 (10.2.0.1)"))
        #expect(!analysis.isHealthy)
    }

    @Test func aPlanWithoutANetworkHasNoPairsAndIsCheap() throws {
        let analysis = NetworkAnalysis(plan: try TestPlans.load(TestPlans.minimal))
        #expect(!analysis.hasNetwork)
        #expect(analysis.pairs.isEmpty)
        #expect(analysis.findings.isEmpty)
        #expect(analysis.reachability(site: 0, node: 0, protocol: .sip) == nil)
    }

    @Test func pairDescriptionsNameTheProtocolFirewallAndRule() throws {
        let analysis = try Self.plan(singapore: ["{action: allow, protocol: udp, ports: 500}"])
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(pair.description == "osl1 (10.1.0.1) → sin1 (10.2.0.1): blocked: ESP: denied by firewall 'sin-fw' default deny (no rule matches) on link 'sin-wan'")
        #expect(NetworkPlans.pair("osl1", "osl2", in: analysis)?.description == "osl1 (10.1.0.1) → osl2 (10.1.0.2): ok (UDP 500, ESP)")
    }

    @Test func manyNodesInOneSubnetGiveTheSameAnswers() throws {
        // 40 more nodes per region: the memo must not mix up nodes that rules tell apart.
        var pexip = "  worker_vms:\n"
        for index in 10..<50 {
            pexip += "    - {name: o\(index), address: 10.1.1.\(index), system_location: Oslo}\n"
            pexip += "    - {name: s\(index), address: 10.2.1.\(index), system_location: Singapore}\n"
        }
        let network = NetworkPlans.twoSites(singaporeFirewall: "sin-fw", extra: "  firewalls:\n" + Self.firewall("sin-fw", ["{action: deny, protocol: any, from: 10.1.1.20}", "{preset: ipsec}"]))
        let analysis = try NetworkPlans.analysis(network, pexip: pexip)
        #expect(analysis.pairs.count == 85 * 84)
        for pair in analysis.pairs {
            let from = analysis.address(of: pair.from)
            let to = analysis.address(of: pair.to)
            let crosses = from.hasPrefix("10.1.") != to.hasPrefix("10.1.")
            // Only what 10.1.1.20 sends is denied; what others send to it is allowed, and so are its replies.
            let expected: PathCheck.Status = crosses && from == "10.1.1.20" ? .blocked : .ok
            #expect(pair.status == expected, "\(pair)")
        }
    }
}
