@testable import DialPlanKit
import Testing

/// Sites to nodes: endpoints reach their landing node on the call's signalling port and media, NAT allowed.
/// [PX-port_usage] [PX-public_dmz_configuration]
@Suite struct NetworkReachabilityTests {
    /// Oslo Office's endpoints in 10.11.0.0/24 behind `office-fw`; Singapore Office's on the Internet, reaching
    /// the Oslo edge node (192.0.2.21, static NAT 198.51.100.21) through `edge-fw` and static NAT.
    static func analysis(office: [String], edge: [String] = ["{preset: [sip, h323, media], to: edge1}"], officeNAT: String = "", edgeStateful: Bool = true) throws -> NetworkAnalysis {
        let network = """
            network:
              segments:
                - {name: oslo, ranges: [10.1.0.0/16]}
                - {name: oslo-office, ranges: [10.11.0.0/16]}
                - {name: dmz, ranges: [192.0.2.0/24]}
                - {name: internet, default: true}
              endpoints:
                - {site: Oslo Office, subnets: [10.11.0.0/24]}
                - {site: Singapore Office, subnets: [internet]}
              firewalls:
                - name: office-fw
                  rules: [\(office.joined(separator: ", "))]
                - name: edge-fw
                  stateful: \(edgeStateful)
                  rules: [\(edge.joined(separator: ", "))]
              links:
                - {name: office, between: [oslo-office, oslo], firewall: office-fw\(officeNAT)}
                - {name: dmz, between: [dmz, oslo]}
                - {name: edge, between: [dmz, internet], firewall: edge-fw, nat: {type: static, inside: dmz}}
            """
        let pexip = """
              system_locations:
                - {name: Oslo-Edge, transcoding_location: Oslo}
              worker_vms:
                - {name: edge1, address: 192.0.2.21, system_location: Oslo-Edge, node_type: proxying, static_nat_address: 198.51.100.21}

            """
        return try NetworkPlans.analysis(network, pexip: pexip)
    }

    static func node(_ name: String, _ analysis: NetworkAnalysis) -> NodeID { NodeID(analysis.plan.nodes.firstIndex { $0.name == name }!) }
    static func site(_ name: String, _ analysis: NetworkAnalysis) -> SiteID { analysis.plan.siteIndex(named: name)! }

    @Test func endpointsMustReachTheNodeOnTheCallsSignallingPortAndMedia() throws {
        let analysis = try Self.analysis(office: ["{preset: [sip, media]}"])
        let sip = try #require(analysis.reachability(site: Self.site("Oslo Office", analysis), node: Self.node("osl1", analysis), protocol: .sip))
        #expect(sip.status == .ok)
        #expect(sip.segments == ["oslo-office", "oslo"])
        // H.323 call signalling, TCP 1720, is not open.
        let h323 = try #require(analysis.reachability(site: Self.site("Oslo Office", analysis), node: Self.node("osl1", analysis), protocol: .h323))
        #expect(h323.status == .blocked)
        #expect(h323.failure?.flow == PortUsage.h323)
        #expect(h323.failure?.reason.contains("firewall 'office-fw' default deny") == true)
    }

    @Test func sipPassesOverTCP5060WhenTLS5061IsBlocked() throws {
        let analysis = try Self.analysis(office: ["{action: allow, protocol: tcp, ports: 5060}", "{preset: media}"])
        let check = try #require(analysis.reachability(site: 0, node: Self.node("osl1", analysis), protocol: .sip))
        #expect(check.status == .ok)
        #expect(check.flows.map(\.status) == [.blocked, .ok, .ok])
        let steps = analysis.traceSteps(check, depth: 1)
        #expect(steps.contains { $0.status == .skipped && $0.name == "TCP 5061" })
    }

    @Test func mediaPortsThatArePartlyBlockedAreNamed() throws {
        let analysis = try Self.analysis(office: ["{preset: sip}", "{action: allow, protocol: udp, ports: 40000-44999}"])
        let check = try #require(analysis.reachability(site: 0, node: Self.node("osl1", analysis), protocol: .sip))
        #expect(check.status == .blocked)
        #expect(check.failure?.flow == PortUsage.media)
        #expect(check.failure?.part == "UDP 45000–49999")
    }

    @Test func partOfASubnetThatIsBlockedIsNamed() throws {
        let analysis = try Self.analysis(office: ["{preset: [sip, media], from: 10.11.0.0/25}"])
        let check = try #require(analysis.reachability(site: 0, node: Self.node("osl1", analysis), protocol: .sip))
        #expect(check.status == .blocked)
        #expect(check.failure?.part == "from 10.11.0.128/25")
    }

    @Test func endpointsOnTheInternetDialTheNodesStaticNATAddressAndTheFirewallSeesTheRealOne() throws {
        let analysis = try Self.analysis(office: [])
        let check = try #require(analysis.reachability(site: Self.site("Singapore Office", analysis), node: Self.node("edge1", analysis), protocol: .sip))
        #expect(check.status == .ok)
        #expect(check.segments == ["internet", "dmz"])
        #expect(check.flows[0].witness.destination == IPAddressValue("198.51.100.21"))
        let steps = analysis.traceSteps(check, depth: 0)
        #expect(steps.contains { $0.detail.contains("static NAT translates the destination 198.51.100.21 → 192.0.2.21") })
        #expect(steps.contains { $0.status == .accepted && $0.detail.contains("firewall 'edge-fw' rule 1 (sip, h323, media) allows TCP 5061") })
    }

    @Test func natIsAllowedBetweenEndpointsAndNodes() throws {
        let analysis = try Self.analysis(office: ["{preset: [sip, media]}"], officeNAT: ", nat: {type: masquerade, inside: oslo-office}")
        let check = try #require(analysis.reachability(site: 0, node: Self.node("osl1", analysis), protocol: .sip))
        #expect(check.status == .ok)
        #expect(analysis.traceSteps(check, depth: 0).contains { $0.detail.contains("masquerade NAT translates the source") })
    }

    @Test func endpointsBehindAStatelessFirewallNeedARuleForTheReplies() throws {
        let blocked = try Self.analysis(office: [], edgeStateful: false)
        let check = try #require(blocked.reachability(site: 1, node: Self.node("edge1", blocked), protocol: .h323))
        #expect(check.status == .blocked)
        #expect(check.failure?.isReturnTraffic == true)
        let open = try Self.analysis(office: [], edge: ["{preset: [sip, h323, media], to: edge1}", "{action: allow, protocol: any, from: edge1}"], edgeStateful: false)
        #expect(open.reachability(site: 1, node: Self.node("edge1", open), protocol: .h323)?.status == .ok)
    }

    @Test func aSiteWithoutEndpointsHasNoReachability() throws {
        let network = NetworkPlans.twoSites()
        let analysis = try NetworkPlans.analysis(network)
        #expect(analysis.reachability(site: 0, node: 0, protocol: .sip) == nil)
    }

    @Test func traceStepsWalkEveryHopThenTheReplies() throws {
        let analysis = try Self.analysis(office: ["{name: Office to nodes, preset: [sip, media]}"])
        let check = try #require(analysis.reachability(site: 0, node: Self.node("osl1", analysis), protocol: .sip))
        let steps = analysis.traceSteps(check, depth: 2)
        #expect(steps.first?.depth == 2)
        #expect(steps.first?.name == "Oslo Office endpoints (10.11.0.0/24) → osl1 (10.1.0.1)")
        #expect(steps.allSatisfy { $0.kind == .hop })
        let details = steps.map(\.detail)
        #expect(details.contains { $0.hasPrefix("hop 1: oslo-office → oslo over link 'office': firewall 'office-fw' rule 1 'Office to nodes' allows TCP 5061") })
        #expect(details.contains { $0.hasPrefix("arrives at 10.1.0.1 in segment 'oslo'") })
        #expect(details.contains { $0.contains("lets the replies through") })
        // A failing step points at the rule or default responsible.
        let blocked = try Self.analysis(office: ["{preset: sip}"])
        let failed = try #require(blocked.reachability(site: 0, node: Self.node("osl1", blocked), protocol: .sip))
        #expect(blocked.traceSteps(failed, depth: 0).contains { $0.status == .rejected && $0.source != nil && $0.detail.contains("denies UDP 40000–49999") })
    }

    @Test func reachabilityIsComputedOnceAndIsTheSameFromEveryThread() async throws {
        let analysis = try Self.analysis(office: ["{preset: [sip, media]}"])
        let results = await withTaskGroup(of: PathCheck.Status?.self) { group in
            for _ in 0..<32 { group.addTask { analysis.reachability(site: 0, node: 0, protocol: .sip)?.status } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results) == [.ok])
    }
}
