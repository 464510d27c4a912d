@testable import DialPlanKit
import Testing

/// Scoped NAT: a link's NAT with `only_to` and/or `except_to` translates only packets between its inside and the
/// far-side addresses in its scope, so a network that NATs to the Internet but not to the core can be written.
/// Pexip allows no NAT between nodes: a pair whose path crosses a NAT only where it is exempt is fine.
/// [PX-gs_server_network] [PX-public_dmz_configuration]
@Suite struct NetworkNATScopeTests {
    /// `network` with a proxying edge node edge1 (192.0.2.21, static NAT address 198.51.100.21) in Oslo-Edge.
    static func edge(_ network: String) throws -> (NetworkAnalysis, NodeID) {
        let pexip = """
              system_locations:
                - {name: Oslo-Edge, transcoding_location: Oslo}
              worker_vms:
                - {name: edge1, address: 192.0.2.21, system_location: Oslo-Edge, node_type: proxying, static_nat_address: 198.51.100.21}

            """
        let analysis = try NetworkPlans.analysis(network, pexip: pexip)
        return (analysis, NodeID(analysis.plan.nodes.firstIndex { $0.name == "edge1" }!))
    }

    /// Oslo's WAN router masquerades with `nat` (the keys after `inside: oslo`).
    static func masquerading(_ scope: String) throws -> NetworkAnalysis {
        let network = NetworkPlans.twoSites().replacingOccurrences(
            of: "{name: oslo-wan, between: [oslo, wan]}",
            with: "{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo\(scope)}}")
        return try NetworkPlans.analysis(network)
    }

    // [PX-gs_server_network] No NAT between nodes; a NAT exempting the nodes' destinations is not between them.
    @Test func aNodePairWhosePathCrossesANATOnlyWhereItIsExemptIsFine() throws {
        let unscoped = try Self.masquerading("")
        #expect(NetworkPlans.pair("osl1", "sin1", in: unscoped)?.status == .nat)
        // Only to the Internet's addresses (an address range), or except to the core (segment names).
        for scope in [", only_to: [203.0.113.0/24]", ", except_to: [singapore, wan]", ", except_to: [10.2.0.0/16]"] {
            let analysis = try Self.masquerading(scope)
            #expect(analysis.pairs.allSatisfy { $0.status == .ok }, "\(scope)")
            #expect(analysis.isHealthy, "\(scope)")
        }
    }

    // A scope that holds no address (a segment listed with no ranges) would turn the NAT off without a word: it is
    // a load error at the key.
    @Test func anOnlyToScopeWithoutAddressesIsALoadError() throws {
        let yaml = NetworkPlans.twoSites().replacingOccurrences(of: "    - {name: wan, ranges: [172.16.0.0/16]}", with: "    - {name: wan, ranges: [172.16.0.0/16]}\n    - {name: spare, ranges: []}")
            .replacingOccurrences(of: "{name: oslo-wan, between: [oslo, wan]}", with: "{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: [spare]}}")
        let result = Result { () throws(PlanLoadError) -> DialPlan in try NetworkPlans.loadTyped(yaml) }
        guard case .failure(let error) = result else {
            Issue.record("loaded")
            return
        }
        #expect(error.diagnostics.contains { $0.message.contains("'only_to' (spare) holds no address, so the NAT never translates") }, "\(error.diagnostics)")
    }

    @Test func packetsToADestinationInTheScopeAreStillTranslated() throws {
        // Only sin1 is exempt: pairs from Oslo to sin2 still go through the NAT.
        let analysis = try Self.masquerading(", except_to: [10.2.0.1]")
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.status == .ok)
        let pair = try #require(NetworkPlans.pair("osl1", "sin2", in: analysis))
        #expect(pair.status == .nat)
        // The reason names the scope, so the fix is clear.
        #expect(pair.check.failure?.reason == "masquerade NAT on link 'oslo-wan' (except to 10.2.0.1) translates the source of packets leaving segment 'oslo'; there must be no NAT between Pexip nodes")
        // `only_to` with `except_to` carves out of it: to Singapore, except sin1.
        let carved = try Self.masquerading(", only_to: [singapore], except_to: [10.2.0.1]")
        #expect(NetworkPlans.pair("osl1", "sin1", in: carved)?.status == .ok)
        #expect(NetworkPlans.pair("osl1", "sin2", in: carved)?.status == .nat)
        #expect(NetworkPlans.pair("osl1", "mgr", in: carved)?.status == .ok)
    }

    @Test func aStaticNATScopedAwayFromTheNodesLeavesTheirRepliesUntranslated() throws {
        let network = NetworkPlans.twoSites().replacingOccurrences(
            of: "{name: sin-wan, between: [singapore, wan]}",
            with: "{name: sin-wan, between: [singapore, wan], nat: {type: static, inside: singapore, map: {sin1: 203.0.113.1}, except_to: [oslo]}}")
        let analysis = try NetworkPlans.analysis(network)
        // Both directions between Oslo and sin1 are exempt; the WAN (not exempt) is where no node is.
        #expect(NetworkPlans.pair("osl1", "sin1", in: analysis)?.status == .ok)
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.status == .ok)
        #expect(NetworkPlans.pair("mgr", "sin1", in: analysis)?.status == .ok)
    }

    // [PX-public_dmz_configuration] Endpoints outside dial a node's static NAT address, when the NAT is for them.
    @Test func endpointsDialAStaticNATAddressOnlyWhenTheyAreInItsScope() throws {
        func edge(_ scope: String) throws -> PathCheck {
            let network = """
                network:
                  segments:
                    - {name: oslo, ranges: [10.1.0.0/16]}
                    - {name: dmz, ranges: [192.0.2.0/24]}
                    - {name: internet, default: true}
                  endpoints:
                    - {site: Singapore Office, subnets: [203.0.113.0/24]}
                  links:
                    - {name: dmz, between: [dmz, oslo]}
                    - {name: edge, between: [dmz, internet], nat: {type: static, inside: dmz\(scope)}}
                """
            let (analysis, node) = try Self.edge(network)
            return try #require(analysis.reachability(site: analysis.plan.siteIndex(named: "Singapore Office")!, node: node, protocol: .sip))
        }
        let translated = try edge(", only_to: [internet]")
        #expect(translated.status == .ok)
        #expect(translated.flows[0].witness.destination == IPAddressValue("198.51.100.21"))
        // Exempt: they reach the node's own address, untranslated.
        let exempt = try edge(", except_to: [203.0.113.0/24]")
        #expect(exempt.flows[0].witness.destination == IPAddressValue("192.0.2.21"))
    }

    // [PX-public_dmz_configuration] A home office behind a masquerade onto the Internet reaches the DMZ's static NAT
    // with its masqueraded address: that address, not the endpoints' own, is what the static NAT's scope is judged
    // against, and so decides which address they dial.
    @Test func aStaticNATsScopeIsJudgedAgainstTheSourceAsTheNATsBeforeItTranslatedIt() throws {
        func home(_ scope: String) throws -> (check: PathCheck, steps: [String]) {
            let network = """
                network:
                  segments:
                    - {name: oslo, ranges: [10.1.0.0/16]}
                    - {name: dmz, ranges: [192.0.2.0/24]}
                    - {name: home, ranges: [10.9.0.0/16]}
                    - {name: internet, default: true}
                  endpoints:
                    - {site: Singapore Office, subnets: [10.9.0.0/24]}
                  links:
                    - {name: dmz, between: [dmz, oslo]}
                    - {name: edge, between: [dmz, internet], nat: {type: static, inside: dmz\(scope)}}
                    - {name: home-isp, between: [home, internet], nat: {type: masquerade, inside: home, address: 203.0.113.9}}
                """
            let (analysis, node) = try Self.edge(network)
            let check = try #require(analysis.reachability(site: analysis.plan.siteIndex(named: "Singapore Office")!, node: node, protocol: .sip))
            return (check, analysis.traceSteps(check, depth: 0).map(\.detail))
        }
        // The endpoints' own addresses are outside `only_to`, their masqueraded one inside: they dial the node's
        // static NAT address, which the NAT translates to the node's.
        let inScope = try home(", only_to: [203.0.113.0/24]")
        #expect(inScope.check.status == .ok, "\(inScope.check)")
        #expect(inScope.check.flows.allSatisfy { $0.witness.destination == IPAddressValue("198.51.100.21") })
        #expect(inScope.steps.contains { $0.contains("static NAT translates the destination 198.51.100.21 → 192.0.2.21") })
        #expect(inScope.steps.contains { $0.hasPrefix("arrives at 192.0.2.21 in segment 'dmz'") })
        // The converse: their own addresses are not exempt, their masqueraded one is: they dial the node's own
        // address, which the NAT leaves alone both ways.
        let exempt = try home(", except_to: [203.0.113.0/24]")
        #expect(exempt.check.status == .ok, "\(exempt.check)")
        #expect(exempt.check.flows.allSatisfy { $0.witness.destination == IPAddressValue("192.0.2.21") })
        #expect(exempt.steps.contains { $0.hasPrefix("arrives at 192.0.2.21 in segment 'dmz'") })
        #expect(!exempt.steps.contains { $0.contains("static NAT does not translate") })
    }

    @Test func traceSaysWhereANATDoesNotTranslate() throws {
        let analysis = try Self.masquerading(", except_to: [singapore]")
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        let steps = analysis.traceSteps(pair.check, depth: 0)
        #expect(steps.contains { $0.detail.contains("masquerade NAT does not translate packets to 10.2.0.1 (except to singapore)") })
    }
}
