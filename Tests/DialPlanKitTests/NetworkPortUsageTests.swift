@testable import DialPlanKit
import Testing

/// Pexip's port usage, one table (`PortUsage`): what endpoints need to reach a Conferencing Node for each call
/// protocol, what nodes need between them, and the firewall presets.
// [PX-port_usage] https://docs.pexip.com/admin/port_usage.htm
@Suite struct NetworkPortUsageTests {
    /// Oslo Office's endpoints (10.9.0.0/16) reach the nodes through `office-fw`, whose rules the test writes.
    static func plan(office rules: [String], protocols: String? = nil) throws -> DialPlan {
        let minimal = protocols.map {
            TestPlans.minimal.replacingOccurrences(of: "subzone: OsloSZ, local_locations: [Oslo]}", with: "subzone: OsloSZ, local_locations: [Oslo], protocols: \($0)}")
        } ?? TestPlans.minimal
        return try TestPlans.load(minimal + """

            network:
              segments:
                - {name: dc, ranges: [10.1.0.0/16, 10.2.0.0/16, 10.0.0.0/24]}
                - {name: office, ranges: [10.9.0.0/16]}
              endpoints:
                - {site: Oslo Office, subnets: [office]}
              firewalls:
                - {name: office-fw, default: deny, rules: [\(rules.joined(separator: ", "))]}
              links:
                - {between: [dc, office], firewall: office-fw}
            """)
    }

    static let withoutH245 = ["{preset: [sip, media]}", "{name: Q.931 only, action: allow, protocol: tcp, ports: 1720}", "{action: allow, protocol: udp, ports: 1719}"]
    static let withoutRAS = ["{preset: [sip, media]}", "{action: allow, protocol: tcp, ports: [1720, 33000-39999]}"]

    // [PX-port_usage] H.323 to a Conferencing Node: TCP 1720 (Q.931), UDP 1719 (RAS), TCP 33000–39999 (H.245).
    @Test func h323NeedsCallSignallingRASAndH245() throws {
        #expect(PortUsage.endpointToNode(.h323).map(\.flow) == [PortUsage.h323, PortUsage.ras, PortUsage.h245, PortUsage.media])
        #expect(PortUsage.h245.description == "TCP 33000–39999")
        #expect(PortUsage.ras.description == "UDP 1719")
        // Each is required: none is an alternative to another.
        #expect(Set(PortUsage.endpointToNode(.h323).map(\.group)).count == 4)
        // SIP over TLS or TCP, either will do; media for every call.
        #expect(PortUsage.endpointToNode(.sip).map(\.group) == [0, 0, 1])
        #expect(PortUsage.mesh.map(\.flow.description) == ["UDP 500", "ESP"])
    }

    // [PX-port_usage] A firewall that drops H.245 breaks H.323 call setup.
    @Test func aFirewallThatDropsH245BlocksH323AndNamesThePortRange() throws {
        let analysis = NetworkAnalysis(plan: try Self.plan(office: Self.withoutH245))
        let check = try #require(analysis.reachability(site: 0, node: 0, protocol: .h323))
        #expect(check.status == .blocked)
        #expect(check.failure?.flow == PortUsage.h245)
        #expect(check.failure?.description == "TCP 33000–39999: denied by firewall 'office-fw' default deny (no rule matches) on link 'dc — office'")
        // SIP is unaffected.
        #expect(analysis.reachability(site: 0, node: 0, protocol: .sip)?.status == .ok)
    }

    // [PX-port_usage] A firewall that drops RAS breaks H.323 too.
    @Test func aFirewallThatDropsRASBlocksH323AndNamesThePort() throws {
        let analysis = NetworkAnalysis(plan: try Self.plan(office: Self.withoutRAS))
        let check = try #require(analysis.reachability(site: 0, node: 0, protocol: .h323))
        #expect(check.status == .blocked)
        #expect(check.failure?.flow == PortUsage.ras)
        #expect(check.failure?.description.hasPrefix("UDP 1719: denied by firewall 'office-fw' default deny") == true)
        let open = NetworkAnalysis(plan: try Self.plan(office: Self.withoutRAS + ["{action: allow, protocol: udp, ports: 1719}"]))
        #expect(open.reachability(site: 0, node: 0, protocol: .h323)?.status == .ok)
    }

    // [PX-port_usage] The site's H.323 calls are `blocked` when H.245 cannot reach the node; its SIP calls are not.
    @Test func theSitesH323CallsAreBlockedWhenAFirewallDropsH245() throws {
        let plan = try Self.plan(office: Self.withoutH245)
        let report = CheckReport(simulation: Simulation(plan: plan))
        let blocked = report.groups.filter { $0.verdict == .blocked }
        #expect(!blocked.isEmpty)
        #expect(blocked.allSatisfy { group in group.calls.allSatisfy { $0.callProtocol == .h323 && plan.sites[$0.site].name == "Oslo Office" } })
        #expect(blocked.contains { $0.diagnostic.message.contains("TCP 33000–39999: denied by firewall 'office-fw' default deny") })
        // Every H.323 call from Oslo Office that lands locally is blocked; no SIP call is.
        let simulation = report.simulation
        let site = try #require(plan.siteIndex(named: "Oslo Office"))
        let verdicts = (0..<simulation.aliases.count).compactMap { simulation.verdict(site: site, alias: $0, protocol: .sip) }
        #expect(!verdicts.isEmpty && !verdicts.contains(.blocked))
        #expect((0..<simulation.aliases.count).compactMap { simulation.verdict(site: site, alias: $0, protocol: .h323) }.contains(.blocked))
    }

    // [PX-port_usage] The presets are the table's ports: `h323` is TCP 1720 and 33000–39999 with UDP 1719.
    @Test func firewallPresetsAreThePortUsageTablesPorts() throws {
        let plan = try Self.plan(office: ["{preset: h323}", "{preset: sip}", "{preset: ipsec}", "{preset: media}"])
        let rules = try #require(plan.network?.firewalls.first?.rules)
        #expect(rules.map(\.ipProtocol) == [.tcp, .udp, .tcp, .udp, .esp, .udp])
        #expect(rules[0].ports == PortSet(PortUsage.h323.ports!.ranges + PortUsage.h245.ports!.ranges))
        #expect(rules[1].ports == PortUsage.ras.ports)
        #expect(rules[2].ports == PortSet(PortUsage.sipTCP.ports!.ranges + PortUsage.sipTLS.ports!.ranges))
        #expect(rules[3].ports == PortUsage.ike.ports)
        #expect(rules[5].ports == PortUsage.media.ports)
        // [VCS-ports] `vcs-h323` is H.323 to a VCS: TCP 1720 and its call signalling range 15000–19999, UDP 1719.
        let vcs = try #require(try Self.plan(office: ["{preset: vcs-h323}"]).network?.firewalls.first?.rules)
        #expect(vcs.map(\.ipProtocol) == [.tcp, .udp])
        #expect(vcs[0].ports == PortSet([1720...1720, 15000...19999]))
        #expect(vcs[1].ports == PortSet(1719))
        // A preset opens what the checks need: H.323 through `preset: [sip, h323, media]` passes.
        let analysis = NetworkAnalysis(plan: try Self.plan(office: ["{preset: [sip, h323, media]}"]))
        #expect(CallProtocol.allCases.allSatisfy { analysis.reachability(site: 0, node: 0, protocol: $0)?.status == .ok })
    }

    // [PX-port_usage] Infinity Connect (WebRTC) clients reach a Conferencing Node on HTTPS TCP 443, then media.
    @Test func webRTCClientsOfASiteMustReachItsLocalNodesOnHTTPS() throws {
        #expect(PortUsage.webRTC.map(\.flow) == [PortUsage.https, PortUsage.media])
        #expect(PortUsage.https.description == "TCP 443")
        let closed = NetworkAnalysis(plan: try Self.plan(office: ["{preset: [sip, h323, media]}"], protocols: "[sip, webrtc]"))
        #expect(closed.plan.sites[0].webRTC && closed.plan.sites[0].protocols == [.sip])
        let findings = closed.findings.filter { $0.check == .webRTCBlocked }
        #expect(findings.map(\.message) == ["WebRTC clients of site 'Oslo Office' (office) cannot reach nodes osl1, osl2 of their local locations: TCP 443: denied by firewall 'office-fw' default deny (no rule matches) on link 'dc — office'"])
        #expect(findings.first?.severity == .error)
        #expect(!closed.isHealthy)
        // Open: no finding; a site without WebRTC clients is not checked for HTTPS.
        let open = NetworkAnalysis(plan: try Self.plan(office: ["{preset: [sip, h323, media]}", "{action: allow, protocol: tcp, ports: 443}"], protocols: "[sip, webrtc]"))
        #expect(!open.findings.contains { $0.check == .webRTCBlocked })
        let none = NetworkAnalysis(plan: try Self.plan(office: ["{preset: [sip, h323, media]}"]))
        #expect(!none.findings.contains { $0.check == .webRTCBlocked })
        // Media is needed too, and every problem is named.
        let neither = NetworkAnalysis(plan: try Self.plan(office: ["{preset: [sip, h323]}"], protocols: "[h323, webrtc]"))
        #expect(neither.findings.filter { $0.check == .webRTCBlocked }.map { $0.message.components(separatedBy: "local locations: ").last!.prefix(14) } == ["TCP 443: denie", "UDP 40000–4999"])
    }

    @Test func webRTCIsASiteProtocolBesideSIPAndH323() {
        let only = TestPlans.minimal.replacingOccurrences(of: "subzone: OsloSZ, local_locations: [Oslo]}", with: "subzone: OsloSZ, local_locations: [Oslo], protocols: [webrtc]}")
        #expect(TestPlans.errors(only).map(\.message) == ["site 'Oslo Office': 'protocols' has only webrtc; list sip and/or h323 too (webrtc adds the WebRTC clients' network check to the site's calls)"])
        let typo = TestPlans.minimal.replacingOccurrences(of: "subzone: OsloSZ, local_locations: [Oslo]}", with: "subzone: OsloSZ, local_locations: [Oslo], protocols: [sip, webrtcc]}")
        #expect(TestPlans.errors(typo).map(\.message) == ["site 'Oslo Office': protocols are sip, h323 and webrtc, not 'webrtcc'; did you mean 'webrtc'?"])
    }
}
