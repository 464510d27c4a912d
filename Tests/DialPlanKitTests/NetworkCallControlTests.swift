@testable import DialPlanKit
import Foundation
import Testing

/// The call's own signalling path (issue 13): the call control that hands a call to its landing node must reach the
/// node's signalling ports, and the node reach back. [PX-port_usage] https://docs.pexip.com/admin/port_usage.htm
@Suite struct NetworkCallControlTests {
    /// The minimal plan's cluster (10.0.0.2) in a data centre `dc` behind firewall `dc-fw` (default deny, `rules`),
    /// its nodes in `oslo` and `singapore`, all on a WAN.
    static func plan(dcRules: [String], stateful: Bool = true, zones: (String) -> String = { $0 }) throws -> DialPlan {
        try TestPlans.load(text(dcRules: dcRules, stateful: stateful, zones: zones))
    }

    static func text(dcRules: [String], stateful: Bool = true, zones: (String) -> String = { $0 }) -> String {
        let network = """
            network:
              segments:
                - {name: dc, ranges: [10.0.0.0/16]}
                - {name: oslo, ranges: [10.1.0.0/16]}
                - {name: singapore, ranges: [10.2.0.0/16]}
                - {name: wan, ranges: [172.16.0.0/16]}
              firewalls:
                - name: dc-fw
                  default: deny
                  stateful: \(stateful)
                  rules: [\(dcRules.joined(separator: ", "))]
              links:
                - {name: dc-wan, between: [dc, wan], firewall: dc-fw}
                - {name: oslo-wan, between: [oslo, wan]}
                - {name: sin-wan, between: [singapore, wan]}
            """
        return zones(TestPlans.minimal) + "\n---\n" + network + "\n"
    }

    static func verdicts(_ plan: DialPlan) -> [String: Verdict] {
        let simulation = Simulation(plan: plan, workers: 1)
        var verdicts: [String: Verdict] = [:]
        simulation.forEachCall { call in
            verdicts["\(plan.sites[call.site].name) \(simulation.aliases[call.alias.index].alias) \(call.callProtocol.rawValue)"] = simulation.verdict(of: call)
        }
        return verdicts
    }

    static func blockedGroups(_ plan: DialPlan) -> [CallGroup] {
        CheckReport(simulation: Simulation(plan: plan, workers: 1), examples: 2).groups.filter { $0.verdict == .blocked }
    }

    // [PX-port_usage] SIP between the call control and a Conferencing Node: TLS 5061 (or TCP 5060), as the zone's
    // transport says (VCS's default is TLS). A firewall that opens TCP 5060 only blocks a TLS zone's calls, naming
    // the cluster, the node, the port and the firewall default responsible.
    @Test func theCallControlMustReachTheLandingNodesSIPPortForTheZonesTransport() throws {
        let rules = [
            "{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [dc, [oslo, singapore]]}",
            "{name: H.323, preset: [h323, vcs-h323], between: [dc, [oslo, singapore]]}",
        ]
        let tls = try Self.plan(dcRules: rules)
        let verdicts = Self.verdicts(tls)
        #expect(verdicts["Oslo Office meet.alice@vc.example sip"] == .blocked)
        #expect(verdicts["Oslo Office meet.alice@vc.example h323"] == .local)
        let group = try #require(Self.blockedGroups(tls).first)
        #expect(group.diagnostic.message.contains("vcs (10.0.0.2) → osl1 (10.1.0.1): TCP 5061: denied by firewall 'dc-fw' default deny"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.location?.line == NetworkPlans.position(of: "default: deny", in: Self.text(dcRules: rules)).line)
        // The zone says TCP: the same firewall lets the calls through.
        let tcp = try Self.plan(dcRules: rules, zones: {
            $0.replacingOccurrences(of: "peers: [10.1.0.1, 10.1.0.2]}", with: "peers: [10.1.0.1, 10.1.0.2], sip_transport: tcp}")
                .replacingOccurrences(of: "peers: [10.2.0.1, 10.2.0.2]}", with: "peers: [10.2.0.1, 10.2.0.2], sip_transport: tcp}")
        })
        #expect(Self.verdicts(tcp).values.allSatisfy { $0 == .local })
    }

    // [PX-port_usage] H.323 between the call control and a node: call signalling TCP 1720 and RAS UDP 1719.
    @Test func h323NeedsCallSignallingAndRASBetweenTheCallControlAndTheNode() throws {
        let plan = try Self.plan(dcRules: ["{name: SIP, preset: sip, between: [dc, [oslo, singapore]]}"])
        let verdicts = Self.verdicts(plan)
        #expect(verdicts["Singapore Office 1001 h323"] == .blocked)
        #expect(verdicts["Singapore Office 1001 sip"] == .local)
        let group = try #require(Self.blockedGroups(plan).first)
        #expect(group.diagnostic.message.contains("TCP 1720: denied by firewall 'dc-fw'"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.notes.contains { $0.contains("UDP 1719: denied") }, "\(group.diagnostic.notes)")
    }

    // Every cause of a call's path: a call's verdict names one problem (here its nodes' broken mesh), and a broken
    // call-control leg it also crosses is reported too (`call-control-blocked`, at the firewall default), so that
    // fixing the named problem reveals nothing unreported: with the NAT gone, the same calls are blocked by that leg.
    @Test func aBrokenLegBehindAnotherVerdictIsReportedToo() throws {
        let rules = [
            "{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [dc, [oslo, singapore]]}",
            "{name: H.323, preset: [h323, vcs-h323], between: [dc, [oslo, singapore]]}",
        ]
        let clean = Self.text(dcRules: rules)
        let natted = clean.replacingOccurrences(of: "- {name: sin-wan, between: [singapore, wan]}", with: "- {name: sin-wan, between: [singapore, wan], nat: {type: masquerade, inside: singapore}}")
        #expect(natted != clean)
        let behind = try TestPlans.load(natted)
        #expect(Self.verdicts(behind)["Oslo Office meet.alice@vc.example sip"] == .meshBroken)
        let simulation = Simulation(plan: behind, workers: 1)
        #expect(simulation.hiddenCallControl.contains { $0.sender == .cluster(0, .sip, .tls) && behind.nodes[$0.node].name == "osl1" && $0.verdicts == [.meshBroken] })
        let found = PlanChecks.run(simulation).filter { $0.check == .callControlBlocked }
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.message.hasPrefix("the call control and the landing nodes of calls whose verdict (mesh-broken) names another problem cannot reach each other: TCP 5061: denied by firewall 'dc-fw' default deny"), "\(finding.message)")
        #expect(finding.location?.line == NetworkPlans.position(of: "default: deny", in: natted).line)
        // Each leg with its protocol and its calls: Oslo Office dials one service's two aliases over SIP.
        #expect(finding.notes.contains { $0.hasPrefix("SIP over TLS: vcs (10.0.0.2) → osl1 (10.1.0.1): TCP 5061: denied") && $0.hasSuffix("(2 calls)") }, "\(finding.notes)")
        // H.323 calls use no broken leg: nothing hidden for them.
        #expect(!simulation.hiddenCallControl.contains { if case .cluster(_, .h323, _) = $0.sender { true } else { false } })
        // Fix the NAT: the same calls are now blocked, on the leg that was reported.
        let fixed = try TestPlans.load(clean)
        #expect(Self.verdicts(fixed)["Oslo Office meet.alice@vc.example sip"] == .blocked)
        let group = try #require(Self.blockedGroups(fixed).first)
        #expect(group.diagnostic.location == finding.location)
        #expect(PlanChecks.run(Simulation(plan: fixed, workers: 1)).filter { $0.check == .callControlBlocked }.isEmpty)
    }

    // The same for the endpoints' own path: a node the site's endpoints cannot reach (media dropped) behind the
    // node's broken mesh is reported too (`endpoints-blocked`), and with the NAT gone the calls are blocked there.
    @Test func endpointsThatCannotReachANodeBehindItsBrokenMeshAreReportedToo() throws {
        let rules = ["{name: Call control, preset: [sip, h323, vcs-h323], between: [dc, [oslo, singapore]]}"]
        let clean = Self.text(dcRules: rules) + "  endpoints:\n    - {site: Oslo Office, subnets: [10.0.5.0/24]}\n"
        let natted = clean.replacingOccurrences(of: "- {name: sin-wan, between: [singapore, wan]}", with: "- {name: sin-wan, between: [singapore, wan], nat: {type: masquerade, inside: singapore}}")
        let behind = try TestPlans.load(natted)
        #expect(Self.verdicts(behind)["Oslo Office meet.alice@vc.example sip"] == .meshBroken)
        let simulation = Simulation(plan: behind, workers: 1)
        #expect(simulation.hiddenEndpoints.contains { behind.sites[$0.site].name == "Oslo Office" && behind.nodes[$0.node].name == "osl1" && $0.callProtocol == .sip && $0.calls == 2 })
        let found = PlanChecks.run(simulation).filter { $0.check == .endpointsBlocked }
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.message.hasPrefix("sites' endpoints cannot reach the landing nodes of calls whose verdict (mesh-broken) names another problem: UDP 40000–49999: denied by firewall 'dc-fw' default deny"), "\(finding.message)")
        #expect(finding.notes.contains { $0.hasPrefix("sip: Oslo Office endpoints (10.0.5.0/24) → osl1 (10.1.0.1): UDP 40000–49999") && $0.hasSuffix("(2 calls)") }, "\(finding.notes)")
        #expect(PlanChecks.run(simulation).filter { $0.check == .callControlBlocked }.isEmpty)
        let fixed = try TestPlans.load(clean)
        #expect(Self.verdicts(fixed)["Oslo Office meet.alice@vc.example sip"] == .blocked)
        let group = try #require(CheckReport(simulation: Simulation(plan: fixed, workers: 1), examples: 2).groups.first { $0.verdict == .blocked && $0.diagnostic.message.contains("Oslo Office") })
        #expect(group.diagnostic.location == finding.location)
        #expect(PlanChecks.run(Simulation(plan: fixed, workers: 1)).filter { $0.check == .endpointsBlocked }.isEmpty)
    }

    // [PX-port_usage] [VCS-ports] A VCS stays in the H.323 signalling path, H.245 included: the call control opens
    // H.245 to the node's range, TCP 33000–39999, and the node to the VCS's call signalling range, TCP 15000–19999
    // (Cisco VCS Administrator Guide D14049.05, "VCS port reference"). A firewall that opens only 1720 and 1719
    // blocks the H.323 calls, naming the range; opening the node's range alone still blocks them, naming the VCS's.
    @Test func h245RunsBetweenTheCallControlAndTheNodeOnEachSidesRange() throws {
        let signalling = [
            "{name: SIP, preset: sip, between: [dc, [oslo, singapore]]}",
            "{name: Q.931, action: allow, protocol: tcp, ports: 1720, between: [dc, [oslo, singapore]]}",
            "{name: RAS, action: allow, protocol: udp, ports: 1719, between: [dc, [oslo, singapore]]}",
        ]
        let noH245 = try Self.plan(dcRules: signalling)
        #expect(Self.verdicts(noH245)["Oslo Office 1001 h323"] == .blocked)
        #expect(Self.verdicts(noH245)["Oslo Office 1001 sip"] == .local)
        let group = try #require(Self.blockedGroups(noH245).first)
        #expect(group.diagnostic.message.contains("vcs (10.0.0.2) → osl1 (10.1.0.1): TCP 33000–39999: denied by firewall 'dc-fw' default deny"), "\(group.diagnostic.message)")
        let toNode = try Self.plan(dcRules: signalling + ["{name: H.245 to nodes, preset: h323, from: dc, to: [oslo, singapore]}"])
        let back = try #require(Self.blockedGroups(toNode).first)
        #expect(back.diagnostic.message.contains("osl1 (10.1.0.1) → vcs (10.0.0.2): TCP 15000–19999: denied by firewall 'dc-fw' default deny"), "\(back.diagnostic.message)")
        let both = try Self.plan(dcRules: signalling + [
            "{name: H.245 to nodes, preset: h323, from: dc, to: [oslo, singapore]}",
            "{name: H.245 to the VCS, preset: vcs-h323, from: [oslo, singapore], to: dc}",
        ])
        #expect(Self.verdicts(both).values.allSatisfy { $0 == .local })
    }

    // Both directions: the node must reach the call control too (its replies over new connections, RAS to the
    // gatekeeper). A rule that lets only the cluster open connections blocks the calls, naming the node → cluster
    // direction.
    @Test func theNodeMustReachTheCallControlBack() throws {
        let plan = try Self.plan(dcRules: ["{name: Call control out, preset: [sip, h323], from: dc, to: [oslo, singapore]}"])
        let group = try #require(Self.blockedGroups(plan).first)
        #expect(group.diagnostic.message.contains("osl1 (10.1.0.1) → vcs (10.0.0.2)") || group.diagnostic.message.contains("sin1 (10.2.0.1) → vcs (10.0.0.2)"), "\(group.diagnostic.message)")
        let both = try Self.plan(dcRules: ["{name: Call control, preset: [sip, h323, vcs-h323], between: [dc, [oslo, singapore]]}"])
        #expect(Self.verdicts(both).values.allSatisfy { $0 == .local })
        // The trace shows both directions of the leg.
        let trace = try CallTrace(tables: RoutingTables(plan: plan), site: SiteID(0), alias: "meet.alice@vc.example", protocol: .sip)
        #expect(trace.verdict == .blocked)
        #expect(trace.steps.contains { $0.kind == .hop && $0.name == "vcs (10.0.0.2) → osl1 (10.1.0.1)" && $0.status == .accepted })
        #expect(trace.steps.contains { $0.kind == .hop && $0.name == "osl1 (10.1.0.1) → vcs (10.0.0.2)" && $0.status == .rejected })
    }

    // A cluster the network does not place (no address of it in a segment) is not judged: its calls are not blocked.
    @Test func aClusterOutsideTheNetworkIsNotJudged() throws {
        let plan = try TestPlans.load(TestPlans.minimal + "\n---\n" + NetworkPlans.twoSites(osloFirewall: "fw") + """
              firewalls:
                - {name: fw, default: deny, rules: [{name: IPsec, preset: ipsec, from: any, to: any}]}

            """)
        #expect(Self.verdicts(plan).values.allSatisfy { $0 == .local })
        // …and a warning says so, at the cluster, naming the nodes it hands calls to and how to place it.
        let warnings = PlanChecks.run(Simulation(plan: plan, workers: 1)).filter { $0.check == .callControlUnplaced }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message == "cluster 'vcs' hands simulated calls to nodes osl1, osl2, sin1, sin2, but the network does not place it (none of 10.0.0.2 is an IP address in a segment, directly or through DNS), so its signalling to them is not checked")
        #expect(warnings.first?.notes == ["give IP addresses or DNS records, or place it with a network call_control entry: {cluster: vcs, subnets: [SEGMENT]}"])
        #expect(warnings.first?.location == plan.clusters[0].source)
    }

    // A cluster whose addresses are names without DNS records is placed by a network `call_control` entry: its
    // leg is then checked from every address of the subnets given (a firewall that opens only one of them blocks the
    // calls, naming the rest), both ways, and the unplaced warning goes.
    @Test func aCallControlEntryPlacesAClusterTheNetworkCannotResolve() throws {
        let named: (String) -> String = { $0.replacingOccurrences(of: "addresses: [10.0.0.2]", with: "addresses: [vcs.example]") }
        func plan(_ rules: [String], placed: Bool) throws -> DialPlan {
            var text = Self.text(dcRules: rules, zones: named)
            if placed { text += "  call_control:\n    - {cluster: vcs, subnets: [dc]}\n" }
            return try TestPlans.load(text)
        }
        let all = "{name: Call control, preset: [sip, h323, vcs-h323], between: [dc, [oslo, singapore]]}"
        let one = "{name: Call control, preset: [sip, h323, vcs-h323], between: [10.0.0.2, [oslo, singapore]]}"
        // Unplaced: nothing judged, one warning.
        let unplaced = try plan([one], placed: false)
        #expect(Self.verdicts(unplaced).values.allSatisfy { $0 == .local })
        #expect(PlanChecks.run(Simulation(plan: unplaced, workers: 1)).contains { $0.check == .callControlUnplaced && $0.message.contains("none of vcs.example is an IP address") })
        // Placed in the whole segment: a rule for one address of it blocks the calls from the others.
        let placed = try plan([one], placed: true)
        #expect(Self.verdicts(placed)["Oslo Office meet.alice@vc.example sip"] == .blocked)
        let group = try #require(Self.blockedGroups(placed).first)
        #expect(group.diagnostic.message.contains("vcs (dc) → osl1 (10.1.0.1): TCP 5061 (from 10.0.0.0/31, 10.0.0.3–10.0.255.255): denied by firewall 'dc-fw' default deny"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.notes.contains { $0.contains("osl1 (10.1.0.1) → vcs (dc): TCP 5061 (to 10.0.0.0/31, 10.0.0.3–10.0.255.255): denied") }, "\(group.diagnostic.notes)")
        #expect(!PlanChecks.run(Simulation(plan: placed, workers: 1)).contains { $0.check == .callControlUnplaced })
        let open = try plan([all], placed: true)
        #expect(Self.verdicts(open).values.allSatisfy { $0 == .local })
    }

    // A `call_control` entry takes the place of the cluster's own addresses, and one that spans two segments is a
    // place in each: both are checked, each named by its segment.
    @Test func aCallControlEntryTakesThePlaceOfTheClustersAddressesOnePlacePerSegment() throws {
        let rules = ["{name: Call control, preset: [sip, h323, vcs-h323], between: [10.0.0.2, [oslo, singapore]]}"]
        let moved = try TestPlans.load(Self.text(dcRules: rules) + "  call_control:\n    - {cluster: vcs, subnets: [10.0.0.9]}\n")
        let group = try #require(Self.blockedGroups(moved).first)
        #expect(group.diagnostic.message.contains("vcs (10.0.0.9) → "), "\(group.diagnostic.message)")
        let analysis = try #require(Simulation(plan: moved, workers: 1).network)
        let leg = try #require(analysis.callControlLeg(.cluster(0, .sip, .tls), node: NodeID(0)))
        #expect(leg.map(\.from) == ["vcs (10.0.0.9)", "osl1 (10.1.0.1)"])
        let spanning = try TestPlans.load(Self.text(dcRules: rules) + "  call_control:\n    - {cluster: vcs, subnets: [10.0.0.2, wan]}\n")
        let spanningAnalysis = try #require(Simulation(plan: spanning, workers: 1).network)
        let both = try #require(spanningAnalysis.callControlLeg(.cluster(0, .sip, .tls), node: NodeID(0)))
        #expect(both.map(\.from) == ["vcs (10.0.0.2)", "osl1 (10.1.0.1)", "vcs (wan)", "osl1 (10.1.0.1)"])
        #expect(both.map(\.to) == ["osl1 (10.1.0.1)", "vcs (10.0.0.2)", "osl1 (10.1.0.1)", "vcs (wan)"])
        // The WAN part crosses no firewall; the dc part has its rule: the leg is open.
        #expect(!NetworkAnalysis.blocks(both))
    }

    // The unplaced warning for a pool and for a cluster with no addresses at all; none for a cluster placed in part
    // (a name beside placed addresses is most often a placed peer's own FQDN, as exports list both).
    @Test func theUnplacedWarningNamesWhatTheNetworkDoesNotPlace() throws {
        func warnings(_ plan: DialPlan) -> [String] {
            PlanChecks.run(Simulation(plan: plan, workers: 1)).filter { $0.check == .callControlUnplaced }.map(\.message)
        }
        let all = ["{name: Call control, preset: [sip, h323, vcs-h323], between: [dc, [oslo, singapore]]}"]
        let partial = try Self.plan(dcRules: all, zones: { $0.replacingOccurrences(of: "addresses: [10.0.0.2]", with: "addresses: [10.0.0.2, vcs2.example]") })
        #expect(warnings(partial).isEmpty)
        let none = try Self.plan(dcRules: all, zones: { $0.replacingOccurrences(of: "addresses: [10.0.0.2]", with: "addresses: []") })
        #expect(warnings(none) == ["cluster 'vcs' hands simulated calls to nodes osl1, osl2, sin1, sin2, but it has no addresses, so the network does not place it and its signalling to them is not checked"])
        let yaml = SkypeForBusinessTests.plan(
            configurations: [SkypeForBusinessTests.globalToOslo],
            sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example, protocols: [sip]}"])
        let pool = try TestPlans.load(yaml + "---\n" + Self.skypeNetwork("{name: SIP TLS, action: allow, protocol: tcp, ports: 5061, between: [sfb, oslo]}"))
        #expect(warnings(pool).contains("Skype for Business pool 'sfb-emea.example' hands simulated calls to nodes osl1, osl2, but the network does not place it (none of sfb-emea.example is an IP address in a segment, directly or through DNS), so its signalling to them is not checked"), "\(warnings(pool))")
    }

    // Bad `call_control` entries are load errors at their position.
    @Test func aBadCallControlEntryIsALoadErrorAtItsPosition() throws {
        func errors(_ entry: String) -> [String] {
            let text = Self.text(dcRules: []) + "  call_control:\n    - \(entry)\n"
            let result = Result { () throws(PlanLoadError) -> DialPlan in try TestPlans.load(text) }
            guard case .failure(let error) = result else { return [] }
            return error.diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" }
        }
        let line = Self.text(dcRules: []).split(separator: "\n", omittingEmptySubsequences: false).count + 1
        #expect(errors("{cluster: vsc, subnets: [dc]}") == ["\(line):17 network call_control: no cluster named 'vsc'; did you mean 'vcs'?"])
        #expect(errors("{subnets: [dc]}") == ["\(line):7 network call_control entry has no 'cluster' (a call-control cluster's name) or 'pool' (a Skype for Business pool's FQDN)"])
        #expect(errors("{cluster: vcs, pool: sfb.example, subnets: [dc]}") == ["\(line):28 network call_control entry gives both 'cluster' and 'pool'; an entry places one of them"])
        #expect(errors("{cluster: vcs}") == ["\(line):7 network call_control of cluster 'vcs' has no 'subnets' (CIDR prefixes, or a segment name such as the Internet's)"])
        #expect(errors("{cluster: vcs, subnets: [192.168.0.0/24]}") == ["\(line):32 network call_control of cluster 'vcs': 192.168.0.0/24 is not entirely in the network's segments; add a segment that holds it (or a default segment)"])
        #expect(errors("{pool: sfb.example, subnets: [dc]}") == ["\(line):14 network call_control: no skype_for_business pool named 'sfb.example'"])
        #expect(errors("{cluster: vcs, subnets: []}") == ["\(line):31 network call_control of cluster 'vcs': 'subnets' is empty; give CIDR prefixes, or a segment name such as the Internet's"])
        let twice = Self.text(dcRules: []) + "  call_control:\n    - {cluster: vcs, subnets: [dc]}\n    - {cluster: vcs, subnets: [oslo]}\n"
        let duplicate = Result { () throws(PlanLoadError) -> DialPlan in try TestPlans.load(twice) }
        guard case .failure(let error) = duplicate else {
            Issue.record("loaded")
            return
        }
        #expect(error.diagnostics.map(\.message) == ["network call_control of cluster 'vcs' is already given at plan.yaml:\(line):7"])
    }

    /// Skype for Business front ends in `sfb` (10.5.0.0/16), reaching Oslo through firewall `sfb-fw` (default deny,
    /// `rules`), and Singapore beyond.
    static func skypeNetwork(_ rules: String) -> String {
        """
        network:
          segments:
            - {name: sfb, ranges: [10.5.0.0/16]}
            - {name: oslo, ranges: [10.1.0.0/16]}
            - {name: singapore, ranges: [10.2.0.0/16]}
          firewalls:
            - {name: sfb-fw, default: deny, rules: [\(rules)]}
          links:
            - {name: sfb-oslo, between: [sfb, oslo], firewall: sfb-fw}
            - {name: oslo-sin, between: [oslo, singapore]}

        """
    }

    // [PX-port_usage] [MS] A Skype for Business pool hands its users' calls to the node over TLS 5061: the pool (its
    // FQDN's DNS record) must reach the node there, and the node the pool.
    @Test func aSkypeForBusinessPoolMustReachTheNodeOnTLS5061() throws {
        func plan(_ rules: String) throws -> DialPlan {
            let yaml = SkypeForBusinessTests.plan(
                configurations: [SkypeForBusinessTests.globalToOslo],
                dns: SkypeForBusinessTests.defaultDNS + ["{name: sfb-emea.example, type: A, values: [10.5.0.10]}", "{name: sfb-apac.example, type: A, values: [10.5.0.20]}"],
                sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example, protocols: [sip]}"])
            return try TestPlans.load(yaml + "---\n" + Self.skypeNetwork(rules))
        }
        let blocked = try plan("{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [sfb, oslo]}")
        let verdicts = Self.verdicts(blocked)
        #expect(verdicts["Oslo Office meet.alice@vc.example mssip"] == .blocked)
        let group = try #require(Self.blockedGroups(blocked).first)
        #expect(group.diagnostic.message.contains("cannot be handed to their landing node by the call control: sfb-emea.example (10.5.0.10) → osl"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.message.contains("TCP 5061: denied by firewall 'sfb-fw'"), "\(group.diagnostic.message)")
        let open = try plan("{name: SIP TLS, action: allow, protocol: tcp, ports: 5061, between: [sfb, oslo]}")
        #expect(Self.verdicts(open)["Oslo Office meet.alice@vc.example mssip"] == .local)
    }

    // [MS "Set-CsStaticRoute"] A static route over TCP hands the calls over SIP TCP to its port (5060 by default):
    // the leg is checked on TCP 5060, so a firewall that opens only 5061 blocks them and one that opens 5060 does not.
    @Test func aTCPStaticRoutesLegIsCheckedOnSIPTCP() throws {
        func plan(_ rules: String) throws -> DialPlan {
            let tcpRoute = SkypeForBusinessTests.configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, port: 5060, transport: tcp}")
            let yaml = SkypeForBusinessTests.plan(
                configurations: [tcpRoute],
                pools: "[{fqdn: sfb-emea.example, addresses: [10.5.0.10]}, sfb-apac.example]",
                sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example, protocols: [sip]}"])
            return try TestPlans.load(yaml + "---\n" + Self.skypeNetwork(rules))
        }
        let tlsOnly = try plan("{name: SIP TLS, action: allow, protocol: tcp, ports: 5061, between: [sfb, oslo]}")
        let trace = try CallTrace(tables: RoutingTables(plan: tlsOnly), site: SiteID(0), alias: "meet.alice@vc.example", protocol: .mssip)
        #expect(trace.outcome.landings.first?.sender == .pool(0, .tcp))
        #expect(Self.verdicts(tlsOnly)["Oslo Office meet.alice@vc.example mssip"] == .blocked)
        let group = try #require(Self.blockedGroups(tlsOnly).first)
        #expect(group.diagnostic.message.contains("TCP 5060: denied by firewall 'sfb-fw'"), "\(group.diagnostic.message)")
        let tcpOpen = try plan("{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [sfb, oslo]}")
        #expect(Self.verdicts(tcpOpen)["Oslo Office meet.alice@vc.example mssip"] == .local)
    }

    // A pool's `addresses` (its front-end servers) place it where no DNS record does, each of them checked.
    @Test func aPoolsAddressesPlaceItInTheNetwork() throws {
        let yaml = SkypeForBusinessTests.plan(
            configurations: [SkypeForBusinessTests.globalToOslo],
            pools: "[{fqdn: sfb-emea.example, addresses: [10.5.0.10, 10.5.0.11]}, sfb-apac.example]",
            sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example, protocols: [sip]}"])
        let plan = try TestPlans.load(yaml + "---\n" + Self.skypeNetwork("{name: First front end, action: allow, protocol: tcp, ports: 5061, between: [10.5.0.10, oslo]}"))
        let group = try #require(Self.blockedGroups(plan).first)
        #expect(group.diagnostic.message.contains("sfb-emea.example (10.5.0.11) → osl"), "\(group.diagnostic.message)")
        let bad = Result { () throws(PlanLoadError) -> DialPlan in try TestPlans.load(yaml.replacingOccurrences(of: "10.5.0.11", with: "fe2.example")) }
        guard case .failure(let error) = bad else {
            Issue.record("loaded")
            return
        }
        #expect(error.diagnostics.map(\.message) == ["skype_for_business pool 'sfb-emea.example': 'fe2.example' is not an IP address"])
    }

    // A pool whose FQDN has no DNS record is placed by a `call_control` entry (pool FQDNs compare without case).
    @Test func aCallControlEntryPlacesASkypeForBusinessPool() throws {
        func plan(_ rules: String) throws -> DialPlan {
            let yaml = SkypeForBusinessTests.plan(
                configurations: [SkypeForBusinessTests.globalToOslo],
                sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example, protocols: [sip]}"])
            return try TestPlans.load(yaml + "---\n" + Self.skypeNetwork(rules) + "  call_control:\n    - {pool: SFB-EMEA.example, subnets: [10.5.0.0/24]}\n")
        }
        let blocked = try plan("{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [sfb, oslo]}")
        #expect(Self.verdicts(blocked)["Oslo Office meet.alice@vc.example mssip"] == .blocked)
        let group = try #require(Self.blockedGroups(blocked).first)
        #expect(group.diagnostic.message.contains("sfb-emea.example (10.5.0.0/24) → osl"), "\(group.diagnostic.message)")
        let open = try plan("{name: SIP TLS, action: allow, protocol: tcp, ports: 5061, between: [sfb, oslo]}")
        #expect(Self.verdicts(open)["Oslo Office meet.alice@vc.example mssip"] == .local)
        #expect(!PlanChecks.run(Simulation(plan: open, workers: 1)).contains { $0.check == .callControlUnplaced && $0.message.contains("sfb-emea") })
    }

    // Any peer of a cluster may hand over a call: every address of the cluster must reach the node, and be reached.
    @Test func everyAddressOfTheClusterMustReachTheNode() throws {
        let twoPeers: (String) -> String = { $0.replacingOccurrences(of: "addresses: [10.0.0.2]", with: "addresses: [10.0.0.2, 10.0.0.3]") }
        let plan = try Self.plan(dcRules: ["{name: Call control, preset: [sip, h323, vcs-h323], between: [10.0.0.2, [oslo, singapore]]}"], zones: twoPeers)
        let group = try #require(Self.blockedGroups(plan).first)
        #expect(group.diagnostic.message.contains("vcs (10.0.0.3) → "), "\(group.diagnostic.message)")
        let both = try Self.plan(dcRules: ["{name: Call control, preset: [sip, h323, vcs-h323], between: [dc, [oslo, singapore]]}"], zones: twoPeers)
        #expect(Self.verdicts(both).values.allSatisfy { $0 == .local })
    }

    // RFC 3263 / [VCS "DNS zones"]: a DNS zone reaches the node the SRV record names, over that record's transport
    // (`_sip._tcp`: TCP 5060), whatever the zone's own default.
    @Test func aDNSZonesLegUsesTheTransportOfTheSRVRecordThatAnswered() throws {
        let dnsZone: (String) -> String = {
            $0.replacingOccurrences(of: "      - {name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}", with: "      - {name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}\n      - {name: Internet, type: dns}")
                .replacingOccurrences(of: "target: Pexip-Oslo}", with: "target: Internet}")
                + "\ndns:\n  - {name: _sip._tcp.vc.example, type: SRV, values: [\"10 50 5060 10.1.0.1\"]}\n"
        }
        let tcpOnly = ["{name: SIP TCP, action: allow, protocol: tcp, ports: 5060, between: [dc, [oslo, singapore]]}", "{name: H.323, preset: [h323, vcs-h323], between: [dc, [oslo, singapore]]}"]
        let plan = try Self.plan(dcRules: tcpOnly, zones: dnsZone)
        let trace = try CallTrace(tables: RoutingTables(plan: plan), site: SiteID(0), alias: "meet.alice@vc.example", protocol: .sip)
        #expect(trace.outcome.landings.first?.sender == .cluster(0, .sip, .tcp))
        #expect(trace.verdict == .local)
    }
}
