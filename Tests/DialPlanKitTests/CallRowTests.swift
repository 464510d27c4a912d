@testable import DialPlanKit
import Foundation
import Testing

/// Every call's row says what the call does: the outgoing leg of a Call Routing Rule, every service its landings
/// reach, each landing node once; and the rows of `matrix`, `trace`, `test` and `diff` are the same facts.
@Suite struct CallRowTests {
    typealias Cluster = InlinePlan.Cluster

    static let toOslo = "{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"
    static let toEdge = "{name: To edge, priority: 100, mode: any_alias, target: Pexip-Edge}"

    // [PX-configuring_gateway_rules] [PX-API gateway_routing_rule]: a rule dials `replace_string` out with
    // `outgoing_protocol`, `called_device_type`, from `outgoing_location`.
    @Test func aCallRoutingRulesRowGivesTheOutgoingAliasProtocolLocationAndDeviceType() throws {
        let plan = try InlinePlan.single(rules: [Self.toOslo], gatewayRules: [
            #"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example', outgoing_protocol: h323, called_device_type: registered, outgoing_location: London}"#,
        ])
        let trace = TestPlans.call(plan, from: "Site", "94722334455@vc.example")
        let outgoing = try #require(trace.outcome.outgoing)
        #expect(outgoing.alias == "+4722334455@pstn.example")
        #expect(outgoing.callProtocol == "h323")
        #expect(outgoing.calledDeviceType == "registered")
        #expect(plan.locations[outgoing.location].name == "London")
        #expect(!outgoing.isAutomaticLocation)
        // Pexip received the alias unchanged; that stays the final alias.
        let facts = CallFacts(trace, plan: plan)
        #expect(facts.finalAlias == "94722334455@vc.example")
        #expect(facts.outgoing == CallFacts.Outgoing(alias: "+4722334455@pstn.example", callProtocol: "h323", location: "London", isAutomaticLocation: false, calledDeviceType: "registered"))
        var json = JSONWriter()
        facts.writeJSON(&json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.flush().utf8)) as? [String: Any])
        let leg = try #require(object["outgoing"] as? [String: Any])
        #expect(leg["alias"] as? String == "+4722334455@pstn.example")
        #expect(leg["protocol"] as? String == "h323")
        #expect(leg["location"] as? String == "London")
        #expect(leg["calledDeviceType"] as? String == "registered")
        #expect(facts.csvRow.contains(",+4722334455@pstn.example,h323,London,registered,"))
    }

    // Issue 8 (model, after [PX-configuring_gateway_rules]): an automatic outgoing location is the location whose
    // nodes handle the call's media: a Proxying Edge Node's calls are placed from its transcoding location.
    @Test func anAutomaticOutgoingLocationIsWhereTheCallsMediaIs() throws {
        let rule = #"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#
        let viaEdge = try InlinePlan.single(rules: [Self.toEdge], gatewayRules: [rule])
        let edge = try #require(TestPlans.call(viaEdge, from: "Site", "94722334455@vc.example").outcome.outgoing)
        #expect(viaEdge.locations[edge.location].name == "Oslo")
        #expect(edge.isAutomaticLocation)
        let direct = try InlinePlan.single(rules: ["{name: To London, priority: 100, mode: any_alias, target: Pexip-London}"], gatewayRules: [rule])
        let london = try #require(TestPlans.call(direct, from: "Site", "94722334455@vc.example").outcome.outgoing)
        #expect(direct.locations[london.location].name == "London")
    }

    // [PX-configuring_gateway_rules]: an empty replace string dials the alias unchanged.
    @Test func anEmptyReplaceStringDialsOutTheAliasUnchanged() throws {
        let plan = try InlinePlan.single(rules: [Self.toOslo], gatewayRules: ["{name: Pass, priority: 10, match_string: 'bob@gw\\.example'}"])
        #expect(TestPlans.call(plan, from: "Site", "bob@gw.example").outcome.outgoing?.alias == "bob@gw.example")
    }

    // [VCS "Search rules"]: rules at one priority are searched together; two rewrites reaching different services
    // (a VMR and a Call Routing Rule) make the call's service depend on which answers first: `service` is null,
    // `services` lists both in search order, and check reports `service-ambiguous` at the rules.
    @Test func landingsReachingDifferentServicesHaveNoSingleService() throws {
        let plan = try InlinePlan.single(
            rules: [
                "{name: As dialled, priority: 100, mode: any_alias, target: Pexip-Oslo}",
                "{name: Old numbers, priority: 100, pattern_type: regex, pattern_string: '1001@vc\\.example', pattern_behavior: replace, replace_string: '91001@vc.example', target: Pexip-Singapore}",
            ],
            gatewayRules: [#"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#])
        let trace = TestPlans.call(plan, from: "Site", "1001@vc.example")
        #expect(trace.outcome.services == [.service(0), .gatewayRule(0)])
        #expect(trace.outcome.service == nil)
        let facts = CallFacts(trace, plan: plan)
        #expect(facts.service == nil)
        #expect(facts.services.map(\.name) == ["Alice", "PSTN"])
        #expect(facts.serviceText == "one of conference 'Alice', gateway_rule 'PSTN'")
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let finding = try #require(report.findings.first { $0.check == .serviceAmbiguous })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("reach different services (conference 'Alice'; gateway_rule 'PSTN')"))
        #expect(finding.message.contains("the targets of one priority level decide differently"))
        #expect(finding.location == plan.clusters[0].searchRules[0].source)
        #expect(!report.passes())
    }

    // [VCS "Search rules"]: two rules of one level that send the dialled alias and a rewrite of it to the same zone
    // make the service depend on which answer comes first; the finding blames the rules' rewrites to that zone.
    @Test func rulesOfOneLevelSendingDifferentRewritesToOneZoneAreServiceAmbiguous() throws {
        let plan = try InlinePlan.single(
            rules: [
                "{name: As dialled, priority: 100, mode: any_alias, target: Pexip-Oslo}",
                "{name: Old numbers, priority: 100, pattern_type: regex, pattern_string: '1001@vc\\.example', pattern_behavior: replace, replace_string: '91001@vc.example', target: Pexip-Oslo}",
            ],
            gatewayRules: [#"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#])
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let finding = try #require(report.findings.first { $0.check == .serviceAmbiguous })
        #expect(finding.message.contains("the rules of one level send different rewrites to vcs zone 'Pexip-Oslo'"), "\(finding.message)")
        #expect(finding.location == plan.clusters[0].searchRules[0].source)
    }

    // [PX-handling_media_signaling] (call control offers a call to every peer of a zone): a zone whose peers are in
    // two locations, where location-bound Call Routing Rules differ, makes the service depend on the node.
    @Test func aZoneWhosePeersDecideDifferentlyIsServiceAmbiguousAtTheZone() throws {
        let yaml = InlinePlan.yaml(
            gatewayRules: [
                "{name: Oslo out, priority: 10, match_source_location: Oslo, match_string: '.+@gw\\.example'}",
                "{name: Singapore out, priority: 20, match_source_location: Singapore, match_string: '.+@gw\\.example'}",
            ],
            clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones + ["{name: Mixed, peers: [10.1.0.1, 10.2.0.1]}"], rules: ["{name: To mixed, priority: 100, mode: any_alias, target: Mixed}"])])
        let plan = try TestPlans.load(yaml + "probes: [bob@gw.example]\n")
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let finding = try #require(report.findings.first { $0.check == .serviceAmbiguous })
        #expect(finding.message.hasPrefix("2 calls from Site reach different services (gateway_rule 'Oslo out'; gateway_rule 'Singapore out')"))
        #expect(finding.message.contains("the peers of vcs zone 'Mixed' decide differently"))
        #expect(finding.location == plan.clusters[0].zones.first { $0.name == "Mixed" }?.source)
        #expect(finding.notes.contains("osl1 (Oslo) via vcs: rule 'To mixed' (priority 100) → zone Mixed: 'bob@gw.example' → gateway_rule 'Oslo out'"))
        #expect(finding.notes.contains("sin1 (Singapore) via vcs: rule 'To mixed' (priority 100) → zone Mixed: 'bob@gw.example' → gateway_rule 'Singapore out'"))
    }

    // Issue 8: a landing node is listed once, whatever number of rules of one level reach it with the same result
    // (here the dialled alias and a rewrite of it both reach Alice on the Oslo nodes).
    @Test func aLandingNodeIsListedOnceWhateverRulesOfALevelReachIt() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: As dialled, priority: 100, mode: any_alias, target: Pexip-Oslo}",
            "{name: Short form, priority: 100, pattern_type: regex, pattern_string: 'meet\\.alice@vc\\.example', pattern_behavior: replace, replace_string: '1001@vc.example', target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.outcome.landings.map { plan.nodes[$0.node].name } == ["osl1", "osl2"])
        #expect(trace.outcome.service == .service(0))
        #expect(CallFacts(trace, plan: plan).landings.map(\.node) == ["osl1", "osl2"])
    }

    // Issue 8: `matrix` and `trace` say the same of every call (the trace is the simulation's own search, read back
    // from the same store), services and outgoing leg included.
    @Test func traceAndMatrixRowsAreTheSameFacts() throws {
        let plan = try InlinePlan.single(rules: [Self.toOslo], gatewayRules: [#"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#])
        let simulation = Simulation(plan: plan, aliases: [DialledAlias(alias: "94722334455@vc.example", origin: .extra)], workers: 1)
        let call = try #require(simulation.call(site: 0, alias: 0, protocol: .sip))
        let trace = TestPlans.call(plan, from: "Site", "94722334455@vc.example")
        #expect(CallFacts(simulation, call).csvRow == CallFacts(trace, plan: plan).csvRow)
        #expect(simulation.outcome(of: call) == trace.outcome)
        #expect(simulation.decision(of: call) == trace.decision)
    }

    // Issue 8: a trace of a call the simulation does not place says why, instead of inventing an outcome.
    @Test func aCallTheSimulationDoesNotPlaceCannotBeTraced() throws {
        let plan = try InlinePlan.single(rules: [Self.toOslo])
        #expect(throws: CallNotPlaced.self) { try CallTrace(tables: RoutingTables(plan: plan), site: 0, alias: "meet.alice@vc.example", protocol: .mssip) }
        let reason = CallPlacement.reasonNotPlaced(site: 0, alias: "meet.alice@vc.example", protocol: .mssip, in: plan)
        #expect(reason == "site 'Site' does not place mssip calls (it uses sip, h323); give it an sfb_pool for Skype for Business calls")
    }
}
