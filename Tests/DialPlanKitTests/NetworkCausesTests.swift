@testable import DialPlanKit
import Foundation
import Testing

/// Every cause, every pair: a flow's walk goes on past a problem as if it were fixed and records every problem on
/// its path; a broken pair is listed under each of its causes, in every format, and its own record lists them all
/// in path order. [PX-gs_server_network] [PX-port_usage]
@Suite struct NetworkCausesTests {
    /// `Fixtures/network/everyCauseEveryPair`: edge1 (Oslo-Edge, transcoding in Frankfurt) ↔ Frankfurt's nodes
    /// cross a stateless DMZ filter with no rule for IKE towards the DMZ, and Frankfurt's WAN firewall, which opens
    /// IKE but not ESP; osl1 ↔ Frankfurt crosses only the second. `extraDMZ` and `extraFrankfurt` are rules added
    /// to the two firewalls (fixes).
    static func fixture(extraDMZ: [String] = [], extraFrankfurt: [String] = []) throws -> NetworkAnalysis {
        var yaml = try String(contentsOfFile: TestPlans.path("Fixtures/network/everyCauseEveryPair/plan.yaml"), encoding: .utf8)
        let dmz = "        - {name: ESP in, action: allow, protocol: esp, to: dmz}\n"
        let frankfurt = "        - {name: IKE, action: allow, protocol: udp, ports: 500, from: pexip-nodes, to: pexip-nodes}\n"
        yaml = yaml.replacingOccurrences(of: dmz, with: dmz + extraDMZ.map { "        - \($0)\n" }.joined())
        yaml = yaml.replacingOccurrences(of: frankfurt, with: frankfurt + extraFrankfurt.map { "        - \($0)\n" }.joined())
        return NetworkAnalysis(plan: try TestPlans.load(yaml, file: "everyCauseEveryPair/plan.yaml"))
    }

    /// The rule that fixes the DMZ filter (IKE towards the DMZ, its requests and the replies to the edge's).
    static let dmzFix = "{name: IKE in, action: allow, protocol: udp, ports: 500, to: dmz}"
    /// The rule that fixes Frankfurt's firewall.
    static let frankfurtFix = "{name: ESP, action: allow, protocol: esp, from: pexip-nodes, to: pexip-nodes}"

    @Test func aPairBrokenTwiceListsBothCausesInPathOrder() throws {
        let analysis = try Self.fixture()
        let pair = try #require(NetworkPlans.pair("edge1", "fra1", in: analysis))
        #expect(pair.status == .blocked)
        #expect(pair.check.segments == ["dmz", "oslo", "wan", "frankfurt"])
        // The IKE replies die at the DMZ filter (the first link), ESP at Frankfurt's firewall (the third).
        #expect(pair.check.causes.map(\.firewall) == ["dmz-filter", "frankfurt-wan-fw"])
        #expect(pair.check.causes.map(\.isReturnTraffic) == [true, false])
        #expect(pair.check.causes.allSatisfy { $0.rule == nil })
        #expect(pair.check.failures.map(\.hop) == [0, 2])
        #expect(pair.ike.failures.count == 1 && pair.ike.failure?.isReturnTraffic == true)
        #expect(pair.esp.failure?.firewall == "frankfurt-wan-fw")
        // The first cause decides the status and the one-line description.
        #expect(pair.check.failure?.firewall == "dmz-filter")
        #expect(pair.check.causeDescriptions == [
            "UDP 500 replies: denied by firewall 'dmz-filter' default deny (no rule matches) on link 'dmz'; the request is not allowed statefully",
            "ESP: denied by firewall 'frankfurt-wan-fw' default deny (no rule matches) on link 'frankfurt-wan'",
        ])
        // The other way: Frankfurt's firewall first, then the DMZ filter drops the IKE request.
        let back = try #require(NetworkPlans.pair("fra1", "edge1", in: analysis))
        #expect(back.check.causes.map(\.firewall) == ["frankfurt-wan-fw", "dmz-filter"])
        #expect(back.check.causes.map(\.isReturnTraffic) == [false, false])
    }

    @Test func aBrokenPairIsUnderEveryCauseThatBreaksIt() throws {
        let analysis = try Self.fixture()
        let groups = analysis.brokenPairGroups
        #expect(groups.count == 3)
        func group(_ firewall: String, returnTraffic: Bool) -> NetworkAnalysis.BrokenPairGroup? {
            groups.first { $0.cause.firewall == firewall && $0.cause.isReturnTraffic == returnTraffic }
        }
        let frankfurt = try #require(group("frankfurt-wan-fw", returnTraffic: false))
        let dmzIn = try #require(group("dmz-filter", returnTraffic: false))
        let dmzReplies = try #require(group("dmz-filter", returnTraffic: true))
        // Frankfurt's firewall breaks osl1's six pairs with Frankfurt and the edge's six too.
        #expect(frankfurt.pairs.count == 12)
        #expect(frankfurt.flows == [PortUsage.esp])
        #expect(dmzIn.pairs.map { analysis.name(of: $0.from) } == ["mgr", "fra1", "fra2"])
        #expect(dmzReplies.pairs.map { analysis.name(of: $0.to) } == ["mgr", "fra1", "fra2"])
        // Each pair is in the group of each of its causes, and nowhere else.
        for pair in analysis.pairs {
            let containing = groups.indices.filter { groups[$0].pairs.contains { $0.from == pair.from && $0.to == pair.to } }
            #expect(containing == analysis.groupIndices(of: pair).sorted(), "\(pair)")
            #expect(containing.count == pair.check.causes.count, "\(pair)")
        }
        // One finding per cause, at the firewall's `default`.
        let findings = analysis.findings.filter { $0.check == .meshBlocked }
        #expect(findings.map(\.message).sorted() == groups.map(\.diagnostic.message).sorted())
        #expect(Set(findings.compactMap(\.location?.line)).count == 2)
    }

    @Test func eachCauseSaysHowManyPairsFixingItAloneRepairs() throws {
        let analysis = try Self.fixture()
        let byFirewall = Dictionary(grouping: analysis.brokenPairGroups, by: { $0.cause.firewall ?? "" })
        let frankfurt = try #require(byFirewall["frankfurt-wan-fw"]?.first)
        #expect(frankfurt.repairedAlone == 6)
        #expect(frankfurt.diagnostic.message == "12 ordered pairs of Pexip nodes cannot set up IPsec: ESP denied by firewall 'frankfurt-wan-fw' default deny (no rule matches) on link 'frankfurt-wan'; fixing this alone repairs 6 of them (6 have another cause too)")
        for dmz in byFirewall["dmz-filter"] ?? [] {
            #expect(dmz.repairedAlone == 0)
            #expect(dmz.diagnostic.message.hasSuffix("; fixing this alone repairs none of them (each has another cause too)"))
        }
        // What `repairedAlone` promises: fixing Frankfurt's firewall repairs exactly that many pairs.
        let fixed = try Self.fixture(extraFrankfurt: [Self.frankfurtFix])
        let repaired = analysis.pairs.filter { $0.status != .ok }.count - fixed.pairs.filter { $0.status != .ok }.count
        #expect(repaired == frankfurt.repairedAlone)
    }

    @Test func fixingTheFirstCauseOfAPairNeverRevealsOneThatWasNotReported() throws {
        // Fix each cause in turn (and both): every pair's remaining causes were among its reported ones.
        let before = try Self.fixture()
        for (dmz, frankfurt) in [([Self.dmzFix], []), ([], [Self.frankfurtFix]), ([Self.dmzFix], [Self.frankfurtFix])] {
            let after = try Self.fixture(extraDMZ: dmz, extraFrankfurt: frankfurt)
            for pair in after.pairs {
                let old = try #require(before.pair(from: pair.from, to: pair.to))
                // The same rule or default (the added lines move where the firewalls are written, not what they say).
                #expect(Set(pair.check.causes.map(\.description)).isSubset(of: Set(old.check.causes.map(\.description))), "\(pair) was \(old)")
            }
            #expect(after.pairs.reduce(0) { $0 + $1.check.causes.count } < before.pairs.reduce(0) { $0 + $1.check.causes.count })
        }
        let both = try Self.fixture(extraDMZ: [Self.dmzFix], extraFrankfurt: [Self.frankfurtFix])
        #expect(both.pairs.allSatisfy { $0.status == .ok })
        #expect(both.isHealthy)
    }

    @Test func theWalkGoesOnPastANATAndRecordsTheDenyBehindIt() throws {
        // Oslo's WAN router masquerades, and Singapore's firewall opens IKE only.
        let network = NetworkPlans.twoSites(
            singaporeFirewall: "sin-fw",
            extra: "  firewalls:\n" + NetworkMeshTests.firewall("sin-fw", ["{action: allow, protocol: udp, ports: 500}"])
        ).replacingOccurrences(of: "{name: oslo-wan, between: [oslo, wan]}", with: "{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo}}")
        let analysis = try NetworkPlans.analysis(network)
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        // The NAT comes first on the path and decides the status; the deny behind it is recorded too.
        #expect(pair.status == .nat)
        #expect(pair.check.causes.map(\.kind) == [.nat, .blocked])
        #expect(pair.check.causes.map(\.link) == ["oslo-wan", "sin-wan"])
        #expect(pair.esp.failures.map(\.kind) == [.nat, .blocked])
        #expect(pair.ike.failures.map(\.kind) == [.nat])
        // The pair is under the NAT's finding and under the firewall's.
        let nat = try #require(analysis.brokenPairGroups.first { $0.cause.kind == .nat })
        let blocked = try #require(analysis.brokenPairGroups.first { $0.cause.kind == .blocked })
        #expect(nat.pairs.contains { $0.from == pair.from && $0.to == pair.to })
        #expect(blocked.pairs.contains { $0.from == pair.from && $0.to == pair.to })
        // Singapore → Oslo opens no connection through the NAT: only the firewall breaks it.
        #expect(NetworkPlans.pair("sin1", "osl1", in: analysis)?.check.causes.map(\.kind) == [.blocked])
        // `trace` shows both problems, and the hops after the NAT.
        let steps = analysis.traceSteps(pair.check, depth: 0)
        #expect(steps.filter { $0.status == .rejected && $0.depth == 2 }.count >= 3)
        #expect(steps.contains { $0.detail.contains("walked on as if it did not translate") })
        #expect(steps[0].detail.hasSuffix("(and 1 more cause on the path, below)"))
        #expect(steps.contains { $0.name == "ESP" && $0.detail.hasSuffix("there must be no NAT between Pexip nodes; then blocked: denied by firewall 'sin-fw' default deny (no rule matches) on link 'sin-wan'") })
        #expect(steps.contains { $0.detail.contains("firewall 'sin-fw' default deny (no rule matches) denies ESP") })
    }

    @Test func aRequestDeniedByAStatelessFirewallIsWalkedOnStatelesslySoItsRepliesAreCheckedToo() throws {
        // sin-fw is stateless and has no rules: the request is denied, and so would be the replies to an allowed one.
        let analysis = try NetworkMeshTests.plan(singapore: [], stateful: false)
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: analysis))
        #expect(pair.ike.failures.map(\.isReturnTraffic) == [false, true])
        #expect(pair.check.causes.count == 2)
        // A stateful firewall's fix is stateful: its replies come back.
        let stateful = try NetworkMeshTests.plan(singapore: [])
        #expect(NetworkPlans.pair("osl1", "sin1", in: stateful)?.ike.failures.map(\.isReturnTraffic) == [false])
    }

    // The reply hop after a request denied at a stateless firewall (and walked on as if allowed) says so, not that
    // the request was allowed; the reason holds either way, so a stateless rule for the request leaves the same cause.
    @Test func theRepliesOfADeniedRequestAreNotSaidToFollowAnAllowedOne() throws {
        let denied = try NetworkMeshTests.plan(singapore: [], stateful: false)
        let pair = try #require(NetworkPlans.pair("osl1", "sin1", in: denied))
        let steps = denied.traceSteps(pair.check, depth: 0)
        // IKE's and ESP's replies, each denied at sin-fw on the second link.
        let replies = steps.filter { $0.depth == 2 && $0.detail.hasPrefix("reply hop 2: singapore → wan over link 'sin-wan': ") }
        #expect(replies.count == 2)
        #expect(replies.allSatisfy { $0.status == .rejected })
        #expect(replies.allSatisfy { $0.detail.hasSuffix(": the request was denied here (walked on as if a stateless rule allowed it), and firewall 'sin-fw' default deny (no rule matches) denies the replies too") })
        #expect(!steps.contains { $0.detail.contains("allowed statelessly") })
        let reply = try #require(pair.ike.failures.last)
        #expect(reply.isReturnTraffic)
        #expect(reply.reason == "denied by firewall 'sin-fw' default deny (no rule matches) on link 'sin-wan'; the request is not allowed statefully")
        // A stateless rule for the requests towards Singapore: now the request is allowed statelessly, and the
        // replies' cause is the one listed before.
        let allowed = try NetworkMeshTests.plan(singapore: ["{name: IPsec in, preset: ipsec, to: singapore}"], stateful: false)
        let after = try #require(NetworkPlans.pair("osl1", "sin1", in: allowed))
        #expect(after.check.failures.map(\.isReturnTraffic) == [true, true])
        #expect(after.check.causes.map(\.description) == [reply.cause.description])
        let afterSteps = allowed.traceSteps(after.check, depth: 0)
        #expect(afterSteps.filter { $0.status == .rejected && $0.detail.hasSuffix(": the request was allowed statelessly and firewall 'sin-fw' default deny (no rule matches) denies the replies") }.count == 2)
        #expect(!afterSteps.contains { $0.detail.contains("the request was denied here") })
    }

    // A stateless firewall that denies the requests and the replies: two causes at one firewall and link, each
    // listed, but one stateful rule repairs both, and the findings say how many pairs that rule repairs.
    @Test func aStatelessFirewallsRequestAndReplyCausesSayWhatOneStatefulRuleRepairs() throws {
        // sin-fw (stateless, no rules) breaks the 12 pairs between Oslo's ends and Singapore's; Oslo's firewall
        // also drops the Management Node's ESP, a second cause of mgr → sin1 and mgr → sin2.
        func plan(singapore: [String]) throws -> NetworkAnalysis {
            let firewalls = NetworkMeshTests.firewall("oslo-fw", default: "allow", stateful: true, ["{name: No ESP from mgr, action: deny, protocol: esp, from: 10.1.0.5}"])
                + NetworkMeshTests.firewall("sin-fw", stateful: false, singapore)
            return try NetworkPlans.analysis(NetworkPlans.twoSites(osloFirewall: "oslo-fw", singaporeFirewall: "sin-fw", extra: "  firewalls:\n" + firewalls))
        }
        let analysis = try plan(singapore: [])
        let requests = try #require(analysis.brokenPairGroups.first { $0.cause.firewall == "sin-fw" && !$0.cause.isReturnTraffic })
        let replies = try #require(analysis.brokenPairGroups.first { $0.cause.firewall == "sin-fw" && $0.cause.isReturnTraffic })
        #expect(analysis.brokenPairGroups.count == 3)
        for group in [requests, replies] {
            #expect(group.pairs.count == 12)
            #expect(group.repairedAlone == 0)
            #expect(group.repairedByStatefulRule == 10)
        }
        #expect(requests.diagnostic.message == "12 ordered pairs of Pexip nodes cannot set up IPsec: UDP 500 and ESP denied by firewall 'sin-fw' default deny (no rule matches) on link 'sin-wan'; fixing this alone repairs none of them (each has another cause too); a stateful rule allowing it, which also lets the replies back, repairs 10 of them")
        #expect(replies.diagnostic.message == "12 ordered pairs of Pexip nodes cannot set up IPsec: UDP 500 and ESP replies denied by firewall 'sin-fw' default deny (no rule matches) on link 'sin-wan'; the request is not allowed statefully; fixing this alone repairs none of them (each has another cause too); a stateful rule allowing their requests, which lets these replies back, repairs 10 of them")
        // Oslo's rule is the other cause of two pairs; no stateful rule at sin-fw repairs those: its wording stays.
        let oslo = try #require(analysis.brokenPairGroups.first { $0.cause.firewall == "oslo-fw" })
        #expect(oslo.repairedByStatefulRule == oslo.repairedAlone)
        #expect(oslo.diagnostic.message.hasSuffix("; fixing this alone repairs none of them (each has another cause too)"))
        // What `repairedByStatefulRule` promises: the stateful rule at sin-fw repairs exactly that many pairs, and
        // both of its causes go.
        let fixed = try plan(singapore: ["{name: IPsec, preset: ipsec, stateful: true}"])
        let repaired = analysis.pairs.filter { $0.status != .ok }.count - fixed.pairs.filter { $0.status != .ok }.count
        #expect(repaired == requests.repairedByStatefulRule)
        #expect(!fixed.brokenPairGroups.contains { $0.cause.firewall == "sin-fw" })
        #expect(fixed.pairs.filter { $0.status != .ok }.map { "\(analysis.name(of: $0.from)) → \(analysis.name(of: $0.to))" } == ["mgr → sin1", "mgr → sin2"])
        // Without the second cause, the one rule repairs every pair.
        let alone = try NetworkMeshTests.plan(singapore: [], stateful: false)
        #expect(alone.brokenPairGroups.count == 2)
        for group in alone.brokenPairGroups {
            #expect(group.repairedByStatefulRule == 12)
            #expect(group.diagnostic.message.hasSuffix("(each has another cause too); a stateful rule allowing \(group.cause.isReturnTraffic ? "their requests, which lets these replies back" : "it, which also lets the replies back"), repairs all 12"))
        }
    }

    @Test func everyFormatListsAPairUnderEachOfItsCauses() throws {
        let analysis = try Self.fixture()
        // CSV: the last column, every cause in path order.
        var csv = ""
        MeshFormatter.csv(analysis, to: &csv)
        let row = try #require(csv.split(separator: "\n").first { $0.hasPrefix("edge1,Oslo-Edge,192.0.2.21,fra1,") })
        #expect(row.hasSuffix(",UDP 500 replies: denied by firewall 'dmz-filter' default deny (no rule matches) on link 'dmz'; the request is not allowed statefully | ESP: denied by firewall 'frankfurt-wan-fw' default deny (no rule matches) on link 'frankfurt-wan'"))
        // JSON: the pair's causes, in path order, each naming its finding.
        var json = ""
        MeshFormatter.json(analysis, to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let pairs = try #require(object["pairs"] as? [[String: Any]])
        let pair = try #require(pairs.first { $0["from"] as? String == "edge1" && $0["to"] as? String == "fra1" })
        let causes = try #require(pair["causes"] as? [[String: Any]])
        #expect(causes.map { $0["firewall"] as? String } == ["dmz-filter", "frankfurt-wan-fw"])
        #expect(causes.map { $0["flows"] as? [String] } == [["UDP 500"], ["ESP"]])
        #expect(causes.map { $0["returnTraffic"] as? Bool } == [true, false])
        let findings = Set(analysis.brokenPairGroups.map(\.diagnostic.message))
        #expect(causes.allSatisfy { findings.contains($0["finding"] as? String ?? "") })
        // DOT: between Frankfurt's and Oslo-Edge's boxes, an edge per cause, each counting the pairs it breaks.
        var dot = ""
        MeshFormatter.dot(analysis, to: &dot)
        #expect(dot.contains("label=\"UDP 500 replies blocked by\\ndmz-filter default\\n2 pairs\""))
        #expect(dot.contains("label=\"UDP 500 blocked by\\ndmz-filter default\\n2 pairs\""))
        #expect(dot.contains("label=\"ESP blocked by\\nfrankfurt-wan-fw default\\n2 pairs each way\""))
        // Text: each finding, with how many pairs fixing it alone repairs.
        var text = ""
        MeshFormatter.text(analysis, style: .plain, to: &text)
        #expect(text.contains("fixing this alone repairs 6 of them (6 have another cause too)"))
        #expect(text.components(separatedBy: "    edge1 (192.0.2.21) → fra1 (10.3.0.1)\n").count - 1 == 2)
    }

    @Test func theReportsCausesHoldEveryPairOfEachCause() throws {
        let analysis = try Self.fixture()
        let report = CheckReport(simulation: Simulation(plan: analysis.plan))
        let mesh = try #require(HTMLReport(report: report).mesh)
        #expect(mesh.causes.map(\.diagnostic.message) == analysis.brokenPairGroups.map(\.diagnostic.message))
        #expect(mesh.causes.map(\.pairs.count) == [12, 3, 3])
        let svg = MeshSVG.svg(mesh, pairsShown: 10)
        // Between Oslo-Edge and Frankfurt: a line for each of the three causes.
        for (number, cause) in mesh.causes.enumerated() {
            #expect(svg.contains("\(number + 1). \(HTML.escape(cause.description)) — "), "\(cause.description)")
        }
    }

    @Test func checksMeshBrokenGroupNamesTheOtherCausesOfItsNodesPairs() throws {
        // acme-misrouted: London's nodes are behind the masquerading router, and their pairs with Singapore's
        // also cross Singapore's firewall, which drops ESP.
        let report = CheckReport(simulation: Simulation(plan: try PlanLoader.load(path: TestPlans.path("DialPlans/acme-misrouted"))))
        let london = try #require(report.groups.first { $0.verdict == .meshBroken && $0.diagnostic.message.contains("from London Office") })
        #expect(london.diagnostic.message.hasSuffix("UDP 500: masquerade NAT on link 'london-wan' translates the source of packets leaving segment 'london-dc'; there must be no NAT between Pexip nodes"))
        #expect(london.diagnostic.notes.contains("also broken by ESP: denied by firewall 'singapore-wan-fw' default deny (no rule matches) on link 'singapore-wan' (8 of these pairs)"))
        let oslo = try #require(report.groups.first { $0.verdict == .meshBroken && $0.diagnostic.message.contains("from Oslo HQ") })
        #expect(oslo.diagnostic.notes.contains { $0.hasPrefix("also broken by UDP 500, ESP: masquerade NAT on link 'london-wan'") && $0.hasSuffix("(4 of these pairs)") })
    }
}
