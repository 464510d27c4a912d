import Foundation
import Testing

/// Runs the built `dialplan mesh` and checks what a user sees: the grid, the broken pairs, each format, exit codes.
@Suite struct MeshEndToEndTests {
    typealias Run = EndToEndTests.Run

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Run {
        try EndToEndTests.run(arguments, in: directory)
    }

    @Test func meshOnTheBundledSampleIsHealthyAndExitsZero() throws {
        let run = try Self.run(["mesh"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.hasPrefix("dialplan mesh DialPlans/acme: 10 Conferencing Nodes in 5 locations and the Management Node"))
        #expect(run.stdout.contains(" M  acme-mgr"))
        #expect(run.stdout.contains("86 ordered pairs must talk: 86 ok, 0 blocked, 0 nat, 0 no-route (24 more not required by the Proxying Edge Node exception); 0 errors, 0 warnings — PASS"))
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test func meshOnTheMisroutedSampleNamesTheFirewallRuleAndTheNATAndExitsOne() throws {
        let run = try Self.run(["mesh", "DialPlans/acme-misrouted"], in: TestPlans.root)
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // London → Singapore crosses the NAT and then the Singapore firewall: its 4 pairs are under both causes.
        #expect(lines.contains("DialPlans/acme-misrouted/network.yaml:62:16: error: [mesh-blocked] 28 ordered pairs of Pexip nodes cannot set up IPsec: ESP denied by firewall 'singapore-wan-fw' default deny (no rule matches) on link 'singapore-wan'; fixing this alone repairs 24 of them (4 have another cause too)"))
        #expect(lines.contains("DialPlans/acme-misrouted/network.yaml:91:89: error: [mesh-nat] 14 ordered pairs of Pexip nodes go through NAT: masquerade NAT on link 'london-wan' translates the source of packets leaving segment 'london-dc'; there must be no NAT between Pexip nodes; fixing this alone repairs 10 of them (4 have another cause too)"))
        #expect(lines.filter { $0 == "    lon-px01 (10.20.1.11) → sin-px01 (10.40.1.11)" }.count == 2)
        #expect(lines.contains { $0.hasPrefix(" 9  sin-px01") && $0.contains("B") })
        #expect(lines.contains { $0.hasPrefix(" 5  lon-px01") && $0.contains("N") })
        #expect(run.stdout.contains("— FAIL"))
    }

    @Test func meshCSVHasARowPerOrderedPair() throws {
        let run = try Self.run(["mesh", "DialPlans/acme-misrouted", "--format", "csv"], in: TestPlans.root)
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "from,from_location,from_address,to,to_location,to_address,result,udp_500,esp,link,firewall,rule,reason,source,causes")
        #expect(lines.count == 1 + 11 * 10)
        #expect(lines.contains { $0.hasPrefix("osl-px01,Oslo,10.10.1.11,sin-px01,Singapore,10.40.1.11,blocked,ok,blocked,singapore-wan,singapore-wan-fw,default,") })
        // The last column lists every cause in path order: the London NAT, then the Singapore firewall.
        let london = try #require(lines.first { $0.hasPrefix("lon-px01,London,10.20.1.11,sin-px01,") })
        #expect(london.hasSuffix(",\"UDP 500, ESP: masquerade NAT on link 'london-wan' translates the source of packets leaving segment 'london-dc'; there must be no NAT between Pexip nodes | ESP: denied by firewall 'singapore-wan-fw' default deny (no rule matches) on link 'singapore-wan'\""))
        #expect(lines.contains { $0.hasPrefix("osl-edge01,Oslo-Edge,192.0.2.21,lon-px01,London,10.20.1.11,not-required,") })
    }

    @Test func meshJSONCarriesEveryPairAndItsFlows() throws {
        let run = try Self.run(["mesh", TestPlans.path("DialPlans/acme-misrouted"), "--format", "json"])
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["healthy"] as? Bool == false)
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["pairs"] == 86)
        #expect(summary["blocked"] == 24)
        #expect(summary["nat"] == 14)
        let pairs = try #require(object["pairs"] as? [[String: Any]])
        #expect(pairs.count == 86)
        let pair = try #require(pairs.first { $0["from"] as? String == "nyc-px01" && $0["to"] as? String == "sin-px02" })
        #expect(pair["result"] as? String == "blocked")
        let flows = try #require(pair["flows"] as? [[String: Any]])
        #expect(flows.map { $0["flow"] as? String } == ["UDP 500", "ESP"])
        #expect(flows[1]["firewall"] as? String == "singapore-wan-fw")
        #expect((object["nodes"] as? [Any])?.count == 11)
    }

    @Test func meshDOTIsAValidGraphWithClustersPerLocationAndBrokenPairsInRed() throws {
        let run = try Self.run(["mesh", TestPlans.path("DialPlans/acme-misrouted"), "--format", "dot"])
        #expect(run.status == 1)
        let dot = run.stdout
        #expect(dot.hasPrefix("digraph mesh {"))
        #expect(dot.hasSuffix("}\n"))
        // Balanced braces and quotes, one statement a line: a structural check that needs no Graphviz.
        var depth = 0
        var inQuote = false
        var escaped = false
        for character in dot {
            if escaped { escaped = false; continue }
            if character == "\\" && inQuote { escaped = true; continue }
            if character == "\"" { inQuote.toggle(); continue }
            guard !inQuote else { continue }
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            #expect(depth >= 0)
        }
        #expect(depth == 0 && !inQuote)
        for location in ["Oslo", "Oslo-Edge (proxying edge)", "London", "New York", "Singapore"] {
            #expect(dot.contains("label=\"\(location)"), "no cluster for \(location)")
        }
        #expect(dot.components(separatedBy: "subgraph cluster_").count - 1 == 5)
        #expect(dot.contains("color=\"#c62828\""))
        #expect(dot.contains("ESP blocked by\\nsingapore-wan-fw default"))
        #expect(dot.contains("NAT on link\\nlondon-wan"))
        // Rendered by Graphviz when it is installed.
        let graphviz = ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let graphviz else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: graphviz)
        process.arguments = ["-Tsvg"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(dot.utf8))
        try input.fileHandleForWriting.close()
        let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.isEmpty, "\(stderr)")
        #expect(svg.contains("<svg"))
        #expect(svg.contains("10.40.1.11"))
    }

    @Test func meshWithoutANetworkSectionIsABadInputSaidClearly() throws {
        let run = try Self.run(["mesh", "Fixtures/network/meshWithoutANetworkSection/plan.yaml"], in: TestPlans.root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("Fixtures/network/meshWithoutANetworkSection/plan.yaml:1:1: error: the plan has no 'network' section, so there is no mesh to verify"))
    }

    @Test func aBrokenNetworkIsABadInputWithFileLineAndColumn() throws {
        let run = try Self.run(["mesh", "Fixtures/network/brokenNetworkIsABadInput"], in: TestPlans.root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Fixtures/network/brokenNetworkIsABadInput/network.yaml:4:34: error: segment 'wan': range 10.1.128.0/17 overlaps segment 'oslo' (10.1.0.0/16 at Fixtures/network/brokenNetworkIsABadInput/network.yaml:3:34); segments must not overlap",
            "Fixtures/network/brokenNetworkIsABadInput/network.yaml:8:33: error: firewall 'wan-fw' rule 1 'IPsec': 'preset' must be one of ipsec, sip, h323, vcs-h323, media, not 'ipsek'; did you mean 'ipsec'?",
            "Fixtures/network/brokenNetworkIsABadInput/network.yaml:10:24: error: link 'oslo — wna': no segment named 'wna'; did you mean 'wan'?",
        ])
    }

    @Test func aBadNATScopeIsABadInputWithFileLineAndColumn() throws {
        let run = try Self.run(["mesh", "Fixtures/network/badNATScope"], in: TestPlans.root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Fixtures/network/badNATScope/network.yaml:7:96: error: link 'oslo-wan' nat except_to: 'wna' is not an address, a prefix or the name of a segment; did you mean 'wan'?",
            "Fixtures/network/badNATScope/network.yaml:8:101: error: link 'wan-internet' nat only_to: '0.0.0.0/33': the prefix length must be between 0 and 32",
        ])
    }

    @Test func meshHelpDescribesTheFormatsAndExitCodes() throws {
        let run = try Self.run(["mesh", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("text, csv, json or dot"))
        #expect(run.stdout.contains("Exit codes: 0 the mesh is healthy"))
    }
}
