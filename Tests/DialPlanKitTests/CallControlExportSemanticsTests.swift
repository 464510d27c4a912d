@testable import DialPlanKit
import Testing

/// What real VCS / Expressway configurations use and hand-written plans rarely did: pattern variables, targets the
/// simulation does not model (policy services, ENUM zones), traversal zones paired by their clients, and callers
/// from outside the enterprise. Sources: [X15REF] Expressway Administrator Guide X15.0, Reference Material
/// ("Pattern variables", xConfiguration reference); [X143Z] X14.3 "Zones and Neighbors"; [X14DP] X14.0.1 "Dial
/// Plan and Call Processing"; [TAC222176] "Understand Regex on Expressway". See ../shared/EXPORTS.md §2.
@Suite struct PatternVariableTests {
    typealias Cluster = InlinePlan.Cluster

    static let variables = PatternVariables(
        sipDomains: ["vc.example", "video.example"], addresses: ["10.0.0.2", "10.0.0.3", "2001:db8::2", "vcs.example"],
        systemName: "vcs-emea-1")

    static func rewrite(_ type: PatternType, _ pattern: String, _ behavior: PatternBehavior = .leave, replace: String = "", on alias: String) throws -> AliasMatchResult {
        let expanded = try variables.expand(type: type, string: pattern, behavior: behavior, replace: replace)
        let matcher = try AliasMatcher(type: expanded.type, string: expanded.string, behavior: expanded.behavior, replace: expanded.replace)
        return matcher.evaluate(alias, scratch: RegexScratch(maxCaptures: 8))
    }

    // [X15REF] %localdomains% matches any configured SIP domain; in a regex it is one alternative group that does not
    // shift the pattern's own group numbers, its dots literal.
    @Test func localdomainsInARegexIsAnyOfTheSIPDomains() throws {
        #expect(try Self.rewrite(.regex, "(.+)@%localdomains%", .replace, replace: "\\1@pexip.example", on: "alice@video.example") == .matched(rewritten: "alice@pexip.example"))
        #expect(try Self.rewrite(.regex, "(.+)@%localdomains%", on: "alice@vc.example") == .matched(rewritten: nil))
        #expect(try Self.rewrite(.regex, "(.+)@%localdomains%", on: "alice@vcxexample") == .noMatch)
        #expect(try Self.rewrite(.regex, "(.+)@%localdomains%", on: "alice@other.example") == .noMatch)
        // Cisco's own example: 911|(911@%localdomains%). [X14DP]
        #expect(try Self.rewrite(.regex, "911|(911@%localdomains%)", on: "911@VC.example") == .matched(rewritten: nil))
    }

    // [X15REF] Variables work in every pattern type: a suffix with several domains strips or replaces what matched.
    @Test func localdomainsInASuffixPatternKeepsTheSuffixBehavior() throws {
        #expect(try Self.rewrite(.suffix, "@%localdomains%", .strip, on: "1001@video.example") == .matched(rewritten: "1001"))
        #expect(try Self.rewrite(.suffix, "@%localdomains%", .replace, replace: "@pexip.example", on: "1001@vc.example") == .matched(rewritten: "1001@pexip.example"))
        #expect(try Self.rewrite(.suffix, "@%localdomains%", .leave, on: "1001@other.example") == .noMatch)
        #expect(try Self.rewrite(.prefix, "%localdomains%/", .strip, on: "vc.example/room") == .matched(rewritten: "room"))
        #expect(try Self.rewrite(.exact, "room@%localdomains%", .leave, on: "ROOM@video.example") == .matched(rewritten: nil))
        #expect(try Self.rewrite(.suffix, "@%localdomains%", .addsuffix, replace: ";x", on: "a@vc.example") == .matched(rewritten: "a@vc.example;x"))
    }

    // [X15REF] %localdomain<n>% is the n-th domain, %systemname% the System Name, in patterns and replace strings; a
    // pattern whose variables have one value each stays literal.
    @Test func singleValuedVariablesAreTheirValueInPatternAndReplace() throws {
        let exact = try Self.variables.expand(type: .suffix, string: "@%localdomain2%", behavior: .replace, replace: "@%localdomain1%")
        #expect(exact == PatternVariables.Expanded(type: .suffix, string: "@video.example", behavior: .replace, replace: "@vc.example"))
        #expect(try Self.rewrite(.prefix, "%SystemName%-", .strip, on: "vcs-emea-1-room") == .matched(rewritten: "room"))
        #expect(try Self.rewrite(.regex, "(.+)", .replace, replace: "\\1@%ipv4_1%", on: "alice") == .matched(rewritten: "alice@10.0.0.2"))
    }

    // [X15REF] %ip% is every address of the cluster's peers (IPv4 and IPv6), %ipv4% and %ipv6% those of one family.
    @Test func ipVariablesAreTheClustersAddresses() throws {
        #expect(try Self.rewrite(.regex, ".+@%ip%", on: "alice@10.0.0.3") == .matched(rewritten: nil))
        #expect(try Self.rewrite(.regex, ".+@%ip%", on: "alice@2001:db8::2") == .matched(rewritten: nil))
        #expect(try Self.rewrite(.regex, ".+@%ipv4%", on: "alice@2001:db8::2") == .noMatch)
        #expect(try Self.rewrite(.regex, ".+@%ip%", on: "alice@10.0.0.23") == .noMatch)
        #expect(try Self.rewrite(.regex, ".+@%ip%", on: "alice@vcs.example") == .noMatch)
    }

    // [X15REF] An Expressway-E has no SIP domains: %localdomains% matches nothing there.
    /// A variable that stands for nothing on the cluster (no SIP domains, no IPv6 address) would make the pattern
    /// match nothing, silently: it is a load error at the pattern instead, like %localdomain<n>% past the domains.
    @Test func aVariableThatStandsForNothingIsALoadError() throws {
        let none = PatternVariables(sipDomains: [], addresses: ["10.0.0.2"], systemName: "e")
        #expect(throws: PatternVariables.Failure.empty("localdomains")) {
            try none.expand(type: .regex, string: ".+@%localdomains%", behavior: .leave, replace: "")
        }
        #expect(throws: PatternVariables.Failure.empty("ipv6")) {
            try none.expand(type: .suffix, string: "@%ipv6%", behavior: .leave, replace: "")
        }
        let yaml = InlinePlan.yaml(clusters: [Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: [#"{name: Local, priority: 10, pattern_type: suffix, pattern_string: '@%localdomains%', target: Pexip-Oslo}"#])])
        #expect(TestPlans.errors(yaml).map(\.message) == ["cluster 'vcs' search rule 'Local': pattern uses %localdomains%, which stands for nothing on this cluster (it has no SIP domains: sip_domains), so the pattern never matches"])
    }

    /// Rules the VCS made itself keep the mark the export gives them, in every finding that names them.
    @Test func systemGeneratedRulesAreMarked() throws {
        let plan = try InlinePlan.single(rules: ["{name: LocalZoneMatch, priority: 50, mode: any_alias, target: Pexip-Oslo, system_generated: 'Yes'}"])
        #expect(plan.describe(SearchRuleRef(cluster: 0, rule: 0)) == "vcs search rule 'LocalZoneMatch' (priority 50, system-generated)")
    }

    // [X15REF] The variables are the table's; anything else between percent signs is a load error at the pattern,
    // a several-valued variable in a replace string one at the replace string, and %localdomain<n>% past the domains
    // one too. A percent sign that starts no name is text.
    @Test func anUnknownVariableIsALoadErrorAtThePattern() throws {
        #expect(throws: PatternVariables.Failure.unknown("localip", inReplace: false)) {
            try Self.variables.expand(type: .regex, string: ".+@%localip%", behavior: .leave, replace: "")
        }
        #expect(throws: PatternVariables.Failure.patternOnly("localdomains")) {
            try Self.variables.expand(type: .regex, string: "(.+)", behavior: .replace, replace: "\\1@%localdomains%")
        }
        #expect(throws: PatternVariables.Failure.noSuchDomain(3, count: 2)) {
            try Self.variables.expand(type: .suffix, string: "@%localdomain3%", behavior: .leave, replace: "")
        }
        #expect(try Self.variables.expand(type: .regex, string: "100%|50%", behavior: .leave, replace: "").string == "100%|50%")

        let yaml = InlinePlan.yaml(clusters: [Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: [#"{name: Local, priority: 10, pattern_type: regex, pattern_string: '.+@%localip%', target: Pexip-Oslo}"#],
            settings: ["sip_domains: [vc.example]"])])
        let errors = TestPlans.errors(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.message.hasPrefix("cluster 'vcs' search rule 'Local': pattern uses %localip%, which is no VCS pattern variable") == true, "\(errors)")
        #expect(errors.first?.location?.line == yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("%localip%") }.map { $0 + 1 })
    }

    // A plan's cluster gives its SIP domains and System Name (the xConfiguration import fills them from the export):
    // a search rule on %localdomains% sends every call to the cluster's domains to Pexip.
    @Test func aSearchRuleOnLocaldomainsRoutesTheClustersDomains() throws {
        let plan = try InlinePlan.load(
            conferences: [#"{name: Alice, aliases: [meet.alice@vc.example, meet.alice@video.example]}"#],
            clusters: [Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
                rules: [#"{name: Our domains, priority: 10, pattern_type: regex, pattern_string: '.+@%localdomains%', target: Pexip-Oslo}"#],
                settings: ["sip_domains: [vc.example, video.example]", "system_name: vcs-1"])])
        #expect(plan.clusters[0].sipDomains == ["vc.example", "video.example"])
        #expect(plan.clusters[0].systemName == "vcs-1")
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@video.example").verdict == .local)
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .local)
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@elsewhere.example").verdict == .unrouted)
    }
}

@Suite struct NotSimulatedTargetTests {
    typealias Cluster = InlinePlan.Cluster

    // [X15REF] `Target Type: PolicyService`: an external policy service decides the call; the simulation does not
    // model it, so a call sent there is `error` (undecided), never a silent `unrouted`, in check and trace alike.
    @Test func aRuleTargetingAPolicyServiceMakesTheCallUndecided() throws {
        let plan = try InlinePlan.load(clusters: [Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: [
                "{name: Ask policy, priority: 10, mode: any_alias, target_type: policy_service, target: CPL server}",
                "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
            ],
            settings: ["policy_services: [CPL server]"])])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.verdict == .error)
        #expect(trace.outcome.limit?.reason == .notSimulated(SearchRuleRef(cluster: 0, rule: 0)))
        #expect(trace.steps.contains { $0.status == .limit && $0.detail.contains("policy service 'CPL server'") })
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let group = try #require(report.groups.first { $0.verdict == .error })
        #expect(group.diagnostic.message.contains("sends 'meet.alice@vc.example' to policy service 'CPL server', whose answer is not simulated"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.location == plan.clusters[0].searchRules[0].source)
        // A policy service the cluster does not have is a load error with did-you-mean.
        let errors = TestPlans.errors(InlinePlan.yaml(clusters: [Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: ["{name: Ask policy, priority: 10, mode: any_alias, target_type: policy_service, target: CPL srever}"],
            settings: ["policy_services: [CPL server]"])]))
        #expect(errors.map(\.message) == ["cluster 'vcs' search rule 'Ask policy' target: no policy service named 'CPL srever'; did you mean 'CPL server'?"])
    }

    // [X143Z] An ENUM zone turns E.164 numbers into URIs through DNS NAPTR records, which the plan does not hold:
    // a call searched there is undecided; calls the earlier levels find are not.
    @Test func aRuleTargetingAnENUMZoneMakesTheCallsItReachesUndecided() throws {
        let plan = try InlinePlan.load(clusters: [Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
            zones: InlinePlan.pexipZones + ["{name: E164, type: enum}"],
            rules: [
                #"{name: VMRs, priority: 10, pattern_type: regex, pattern_string: 'meet\..+', target: Pexip-Oslo}"#,
                #"{name: Numbers, priority: 20, pattern_type: regex, pattern_string: '\+\d+', target: E164}"#,
            ])])
        #expect(plan.clusters[0].zones.last?.type == .enumZone)
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .local)
        let number = TestPlans.call(plan, from: "Site", "+4722334455")
        #expect(number.verdict == .error)
        #expect(number.outcome.limit?.reason == .notSimulated(SearchRuleRef(cluster: 0, rule: 1)))
        let simulation = Simulation(plan: plan, workers: 1)
        #expect(simulation.verdictCounts[.error] == 0)  // no service alias is a number here
    }
}

@Suite struct TraversalAndOutsideCallerTests {
    typealias Cluster = InlinePlan.Cluster

    /// An Expressway-C (`expc`) with a traversal client zone to the Expressway-E (`expe`), whose traversal server
    /// zone has no peers; the E sends calls for the video domain back through it, the C to Pexip Oslo. An
    /// internet caller arrives unregistered at the E's Default Zone.
    static func pair(clientUsername: String = "traversal1", serverUsername: String = "traversal1") -> String {
        InlinePlan.yaml(
            clusters: [
                Cluster(
                    name: "expc", address: "10.0.0.2", subzones: ["SZ"],
                    zones: InlinePlan.pexipZones + ["{name: To-E, type: traversal_client, peers: [192.0.2.10], username: \(clientUsername), sip_port: 7001}"],
                    rules: [
                        #"{name: VMRs to Oslo, priority: 10, source_mode: any, pattern_type: regex, pattern_string: '.+@vc\.example', target: Pexip-Oslo}"#
                    ]),
                Cluster(
                    name: "expe", address: "192.0.2.10",
                    zones: ["{name: From-C, type: traversal_server, username: \(serverUsername), sip_port: 7001}"],
                    rules: [
                        #"{name: Inbound B2B, priority: 10, source_mode: any, pattern_type: regex, pattern_string: '.+@vc\.example', target: From-C}"#
                    ]),
            ],
            sites: [
                "{name: Site, registers_to: expc, subzone: SZ, local_locations: [Oslo]}",
                "{name: Internet callers, registers_to: expe, source: DefaultZone, local_locations: [Oslo]}",
            ])
    }

    // [X143Z] A traversal server zone has no peer addresses (the client connects in); paired with the client zone
    // that points at its cluster (same user name and SIP port), searches sent to it reach the client's cluster.
    @Test func aTraversalServerZoneReachesTheClustersWhoseClientZonesPointAtIt() throws {
        let plan = try TestPlans.load(Self.pair())
        let server = try #require(plan.clusters[1].zones.first)
        #expect(server.peers == ["10.0.0.2"])
        #expect(server.peersInferred)
        #expect(!plan.warnings.contains { $0.check == .traversalZoneUnpaired })
        // [VCS "Default Zone"] An unregistered caller from the internet arrives at the E's Default Zone.
        let call = TestPlans.call(plan, from: "Internet callers", "meet.alice@vc.example")
        #expect(call.verdict == .local)
        #expect(call.steps.first?.detail.contains("an unregistered caller's call arrives at expe in its Default Zone") == true)
        #expect(call.steps.contains { $0.detail.contains("(the clusters whose traversal client zones connect to it)") })
        let simulation = Simulation(plan: plan, workers: 1)
        #expect(simulation.verdictCounts[.local] == simulation.callCount)
    }

    // A server zone no client pairs with (another user name) finds nothing, and says so at load time.
    @Test func anUnpairedTraversalServerZoneIsAWarning() throws {
        let plan = try TestPlans.load(Self.pair(serverUsername: "other"))
        let warning = try #require(plan.warnings.first { $0.check == .traversalZoneUnpaired })
        #expect(warning.message == "cluster 'expe' traversal server zone 'From-C': no traversal client zone of the plan points at this cluster with user name 'other' and SIP port 7001, so searches sent to it find nothing")
        #expect(TestPlans.call(plan, from: "Internet callers", "meet.alice@vc.example").verdict == .unrouted)
    }

    // A site of callers from outside names the zone or the Default Zone their calls arrive through, never both a
    // subzone and a source.
    @Test func anOutsideSiteNamesAZoneOrTheDefaultZone() throws {
        let viaZone = Self.pair().replacingOccurrences(of: "registers_to: expe, source: DefaultZone", with: "registers_to: expc, source: To-E")
        let plan = try TestPlans.load(viaZone)
        let site = try #require(plan.siteIndex(named: "Internet callers"))
        #expect(plan.sites[site].entry == .zone(ZoneID(plan.clusters[0].zones.count - 1)))
        #expect(TestPlans.call(plan, from: "Internet callers", "meet.alice@vc.example").verdict == .local)
        let both = Self.pair().replacingOccurrences(of: "source: DefaultZone", with: "subzone: DefaultSubZone, source: DefaultZone")
        #expect(TestPlans.errors(both).map(\.message) == ["site 'Internet callers': give 'subzone' (where its endpoints register) or 'source' (the zone or DefaultZone its calls arrive through), not both"])
        let unknown = Self.pair().replacingOccurrences(of: "source: DefaultZone", with: "source: From-X")
        #expect(TestPlans.errors(unknown).first?.message.hasPrefix("site 'Internet callers' source: no zone of cluster 'expe' (or DefaultZone) named 'From-X'") == true)
    }
}
