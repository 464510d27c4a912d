@testable import DialPlanKit
import Testing

/// Node lints: static NAT and node types per location, duplicate addresses, nodes outside every segment, static
/// NAT that disagrees with `static_nat_address`, firewalls on no link.
@Suite struct NetworkLintTests {
    static func findings(_ pexip: String, network: String = NetworkPlans.twoSites()) throws -> (NetworkAnalysis, String) {
        let text = NetworkPlans.text(network, pexip: pexip)
        return (NetworkAnalysis(plan: try TestPlans.load(text)), text)
    }

    @Test func aLocationMustNotMixNodesWithAndWithoutAStaticNATAddress() throws {
        let (analysis, text) = try Self.findings("""
              system_locations:
                - {name: Bergen}
              worker_vms:
                - {name: bgo1, address: 10.1.3.1, system_location: Bergen, static_nat_address: 198.51.100.1}
                - {name: bgo2, address: 10.1.3.2, system_location: Bergen}

            """)
        let finding = try #require(analysis.findings.first { $0.check?.rawValue == "location-mixes-static-nat" })
        #expect(finding.severity == .error)
        #expect(finding.message == "system location 'Bergen' mixes nodes with a static_nat_address (bgo1) and nodes without one (bgo2); put them in separate locations")
        #expect(finding.location == NetworkPlans.position(of: "{name: Bergen}", in: text))
    }

    @Test func aLocationShouldNotMixProxyingAndTranscodingNodes() throws {
        let (analysis, _) = try Self.findings("""
              worker_vms:
                - {name: osl-edge, address: 10.1.3.1, system_location: Oslo, node_type: proxying}

            """)
        let finding = try #require(analysis.findings.first { $0.check?.rawValue == "location-mixes-node-types" })
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("'Oslo' mixes proxying nodes (osl-edge) and transcoding nodes (osl1, osl2)"))
    }

    @Test func twoNodesWithOneStaticNATAddressAreADuplicate() throws {
        let (analysis, text) = try Self.findings("""
              system_locations:
                - {name: Edge}
              worker_vms:
                - {name: e1, address: 10.1.3.1, system_location: Edge, static_nat_address: 198.51.100.1}
                - {name: e2, address: 10.1.3.2, system_location: Edge, static_nat_address: 198.51.100.1}
                - {name: e3, address: 10.1.3.3, system_location: Edge, static_nat_address: 10.2.0.1}

            """)
        let duplicates = analysis.findings.filter { $0.check?.rawValue == "duplicate-address" }
        #expect(duplicates.map(\.message) == [
            "worker_vm 'e2' has the static_nat_address 198.51.100.1 of worker_vm 'e1'",
            "worker_vm 'e3' has a static_nat_address 10.2.0.1 that is the address of worker_vm 'sin1'",
        ])
        #expect(duplicates.first?.location == NetworkPlans.position(of: "{name: e2", in: text))
    }

    @Test func aNodeOutsideEverySegmentIsAnErrorAndItsPairsHaveNoRoute() throws {
        let (analysis, text) = try Self.findings("""
              worker_vms:
                - {name: osl9, address: 10.9.0.9, system_location: Oslo}

            """)
        let finding = try #require(analysis.findings.first { $0.check?.rawValue == "address-outside-segments" })
        #expect(finding.severity == .error)
        #expect(finding.message == "worker_vm 'osl9' address 10.9.0.9 is in no network segment, so no path to or from it can be checked; add its subnet to a segment")
        #expect(finding.location == NetworkPlans.position(of: "{name: osl9", in: text))
        let pair = try #require(NetworkPlans.pair("osl9", "osl1", in: analysis))
        #expect(pair.status == .noRoute)
        #expect(NetworkPlans.pair("osl1", "osl9", in: analysis)?.status == .noRoute)
        // Reported once, by the lint, not again as broken pairs.
        #expect(!analysis.findings.contains { $0.check?.rawValue == "mesh-no-route" })
    }

    @Test func aStaticNATMappingThatDisagreesWithTheNodesStaticNATAddressIsAWarning() throws {
        let network = NetworkPlans.twoSites().replacingOccurrences(
            of: "{name: sin-wan, between: [singapore, wan]}",
            with: "{name: sin-wan, between: [singapore, wan], nat: {type: static, inside: singapore, map: {10.2.5.1: 203.0.113.9}}}")
        let (analysis, text) = try Self.findings("""
              system_locations:
                - {name: Singapore-Edge}
              worker_vms:
                - {name: sin-e1, address: 10.2.5.1, system_location: Singapore-Edge, static_nat_address: 203.0.113.1}

            """, network: network)
        let finding = try #require(analysis.findings.first { $0.check?.rawValue == "static-nat-mismatch" })
        #expect(finding.message == "link 'sin-wan' maps worker_vm 'sin-e1' (10.2.5.1) to 203.0.113.9, but its static_nat_address is 203.0.113.1")
        #expect(finding.location == NetworkPlans.position(of: "10.2.5.1: 203", in: text))
    }

    @Test func aFirewallOnNoLinkIsAWarning() throws {
        let network = NetworkPlans.twoSites(extra: "  firewalls:\n    - {name: spare-fw, rules: []}\n")
        let (analysis, text) = try Self.findings("", network: network)
        let finding = try #require(analysis.findings.first { $0.check?.rawValue == "unused-firewall" })
        #expect(finding.severity == .warning)
        #expect(finding.location == NetworkPlans.position(of: "{name: spare-fw", in: text))
        // A network warning is not a load warning, so `check` reports it once, through the analysis.
        #expect(!analysis.plan.warnings.contains { $0.check?.rawValue == "unused-firewall" })
    }

    @Test func nodeLintsNeedNoNetwork() throws {
        let text = TestPlans.minimal + "\n---\npexip:\n  worker_vms:\n    - {name: osl-edge, address: 10.1.3.1, system_location: Oslo, node_type: proxying}\n"
        let analysis = NetworkAnalysis(plan: try TestPlans.load(text))
        #expect(analysis.findings.map { $0.check?.rawValue } == ["location-mixes-node-types"])
    }

    @Test func theSamplePlansMeshIsHealthy() throws {
        let analysis = NetworkAnalysis(plan: try BundledSample.load())
        #expect(analysis.hasNetwork)
        #expect(analysis.isHealthy, "\(analysis.findings.map(\.description))")
        #expect(analysis.findings.isEmpty)
        // Every site's endpoints reach the nodes of their local locations that their calls land on.
        let plan = analysis.plan
        for (siteIndex, site) in plan.sites.enumerated() where !site.localLocations.isEmpty {
            let landing = site.localLocations[0]
            for (nodeIndex, node) in plan.nodes.enumerated() where node.location == landing {
                for callProtocol in site.protocols {
                    let check = try #require(analysis.reachability(site: SiteID(siteIndex), node: NodeID(nodeIndex), protocol: callProtocol))
                    #expect(check.status == .ok, "\(check)")
                }
            }
        }
    }

    @Test func theMisroutedSamplesPlantedNetworkFaultsAreFound() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme-misrouted"))
        let analysis = NetworkAnalysis(plan: plan)
        let checks = analysis.findings.map { "\($0.location?.line ?? 0) \($0.check?.rawValue ?? "")" }
        let text = try String(contentsOfFile: TestPlans.path("DialPlans/acme-misrouted/network.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func line(containing needle: String) -> Int { (lines.firstIndex { $0.contains(needle) } ?? -1) + 1 }
        #expect(checks.contains("\(line(containing: "- name: singapore-wan-fw") + 1) mesh-blocked"), "\(checks)")
        #expect(checks.contains("\(line(containing: "nat: {type: masquerade")) mesh-nat"), "\(checks)")
        #expect(analysis.findings.count == 2)
        // The other three faults break calls' paths, not the mesh: `check` reports them (CheckReportTests).
        #expect(text.components(separatedBy: "# FAULT").count - 1 == 5)
    }
}
