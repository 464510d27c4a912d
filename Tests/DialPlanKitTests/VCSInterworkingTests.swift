@testable import DialPlanKit
import Foundation
import Testing

/// Interworking, authentication and Call Policy on the VCS/Expressway (issue 12). Each test is named after the
/// documented rule, the guide in a comment.
@Suite struct VCSInterworkingTests {
    /// A cluster `vcs` whose zone to Oslo speaks only SIP, a zone to Singapore speaking both, and `settings`.
    static func sipOnlyOslo(settings: [String] = [], rules: [String]? = nil, sites: [String] = [InlinePlan.site]) throws -> DialPlan {
        try InlinePlan.load(
            clusters: [InlinePlan.Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
                zones: ["{name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.2], h323_mode: off}", "{name: Pexip-Singapore, peers: [10.2.0.1]}"],
                rules: rules ?? ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"],
                settings: settings)],
            sites: sites)
    }

    static func call(_ plan: DialPlan, from site: String = "Site", _ alias: String = "meet.alice@vc.example", protocol callProtocol: CallProtocol) -> CallTrace {
        let tables = RoutingTables(plan: plan)
        return try! CallTrace(tables: tables, site: plan.siteIndex(named: site)!, alias: alias, protocol: callProtocol)
    }

    static func groups(_ plan: DialPlan) -> [CallGroup] {
        CheckReport(simulation: Simulation(plan: plan, workers: 1), examples: 2).groups
    }

    // MARK: Interworking

    // [VCS D14049.08 "Interworking"] "The VCS uses the protocol of the incoming call when searching a zone for a
    // given alias. If the search is unsuccessful the VCS may then search the same zone again using the alternative
    // protocol"; Registered only is the default, and a call from a locally registered endpoint is interworked.
    @Test func aZoneThatDoesNotSpeakTheCallsProtocolIsSearchedInTheOtherWhenInterworkingAllows() throws {
        let plan = try Self.sipOnlyOslo()
        let h323 = Self.call(plan, protocol: .h323)
        #expect(h323.verdict == .local)
        #expect(h323.outcome.landings.allSatisfy { $0.interworkedAt == ClusterID(0) })
        #expect(h323.steps.contains { $0.kind == .zone && $0.status == .skipped && $0.detail.contains("h323_mode is off") })
        #expect(h323.steps.contains { $0.kind == .interworking && $0.detail.contains("searches the zone in sip") })
        #expect(CallFacts(h323, plan: plan).interworkedAt == ["vcs"])
        #expect(plan.describe(route: h323.outcome.landings[0].route).contains("interworked to sip"))
        // SIP needs no interworking.
        let sip = Self.call(plan, protocol: .sip)
        #expect(sip.verdict == .local)
        #expect(sip.outcome.landings.allSatisfy { $0.interworkedAt == nil })
    }

    // [VCS D14049.08 "Interworking"] Interworking is tried only when the native search is unsuccessful: a zone that
    // finds the alias in the call's own protocol is not searched again.
    @Test func aZoneIsSearchedInTheOtherProtocolOnlyWhenTheNativeSearchFindsNothing() throws {
        let plan = try Self.sipOnlyOslo(rules: ["{name: To Singapore, priority: 10, mode: any_alias, target: Pexip-Singapore}"])
        let trace = Self.call(plan, protocol: .h323)
        #expect(trace.outcome.landings.allSatisfy { $0.interworkedAt == nil })
        #expect(!trace.steps.contains { $0.kind == .interworking })
    }

    // [VCS D14049.08 "Interworking"] "If the search is unsuccessful the VCS may then search the same zone again
    // using the alternative protocol": a zone that speaks both, where the H.323 search finds nothing (Pexip takes
    // the alias over SIP only), is searched again in SIP.
    @Test func aZoneThatFindsNothingInTheCallsProtocolIsSearchedAgainInTheOther() throws {
        let plan = try InlinePlan.load(
            gatewayRules: ["{name: SIP only, priority: 200, match_string: '.+', match_incoming_h323: false}"],
            clusters: [InlinePlan.Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
                rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"])])
        let trace = Self.call(plan, "room@vc.example", protocol: .h323)
        #expect(trace.verdict == .local)
        #expect(trace.outcome.landings.allSatisfy { $0.interworkedAt == ClusterID(0) })
        #expect(trace.steps.contains { $0.kind == .interworking && $0.detail.hasPrefix("not found in h323") })
        let off = try InlinePlan.load(
            gatewayRules: ["{name: SIP only, priority: 200, match_string: '.+', match_incoming_h323: false}"],
            clusters: [InlinePlan.Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
                rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"], settings: ["interworking: off"])])
        #expect(Self.call(off, "room@vc.example", protocol: .h323).verdict == .rejected)
    }

    // A zone with both protocols off is searched in neither; the finding says so, not that interworking is to blame.
    @Test func aZoneWithBothModesOffIsSearchedInNeither() throws {
        let plan = try InlinePlan.load(clusters: [InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: ["{name: Pexip-Oslo, peers: [10.1.0.1], sip_mode: off, h323_mode: off}"],
            rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"], settings: ["interworking: on"])])
        #expect(plan.warnings.contains { $0.message.contains("both sip_mode and h323_mode are off") })
        let group = try #require(Self.groups(plan).first { $0.verdict == .unrouted })
        #expect(group.diagnostic.message.contains("sip_mode and h323_mode are both off"), "\(group.diagnostic.message)")
        #expect(Self.call(plan, protocol: .sip).steps.filter { $0.kind == .zone && $0.status == .skipped }.count == 2)
    }

    // [VCS D14049.08 "Interworking"] "If the request has come from a neighboring system and Interworking mode is set
    // to RegisteredOnly, the VCS will search … all other zones using the native protocol only."
    @Test func registeredOnlyInterworksOnlyCallsFromLocallyRegisteredEndpoints() throws {
        let outside = "{name: Partner, registers_to: vcs, source: DefaultZone, local_locations: [Oslo]}"
        let plan = try Self.sipOnlyOslo(sites: [outside])
        let trace = Self.call(plan, from: "Partner", protocol: .h323)
        #expect(trace.verdict == .unrouted)
        #expect(trace.steps.contains { $0.kind == .interworking && $0.status == .notFound && $0.detail.contains("registered_only") })
        let group = try #require(Self.groups(plan).first { $0.verdict == .unrouted })
        #expect(group.diagnostic.message.contains("does not speak h323"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.message.contains("interworking is registered_only"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.location?.line == plan.clusters[0].zones[0].source.line)
        // With interworking on, the same caller's call is interworked.
        let on = try Self.sipOnlyOslo(settings: ["interworking: on"], sites: [outside])
        #expect(Self.call(on, from: "Partner", protocol: .h323).verdict == .local)
    }

    // [VCS D14049.08 "Interworking"] Off: "The VCS does not act as a SIP–H.323 gateway".
    @Test func interworkingOffNeverInterworks() throws {
        let plan = try Self.sipOnlyOslo(settings: ["interworking: off"])
        let trace = Self.call(plan, protocol: .h323)
        #expect(trace.verdict == .unrouted)
        let group = try #require(Self.groups(plan).first { $0.verdict == .unrouted })
        #expect(group.diagnostic.message.contains("interworking is off"), "\(group.diagnostic.message)")
        #expect(group.diagnostic.notes.contains { $0.hasPrefix("interworking: ") })
        #expect(Self.call(plan, protocol: .sip).verdict == .local)
    }

    // [VCS D14049.08 "Interworking"] "If Interworking mode is set to On … the VCS will search the Local Zone and all
    // external zones using both protocols": a call from a neighbor is interworked at the cluster that sees the zone.
    @Test func interworkingOnInterworksCallsFromNeighboringSystems() throws {
        func plan(_ mode: String, first: String = "off") throws -> DialPlan {
            try InlinePlan.load(clusters: [
                InlinePlan.Cluster(
                    name: "vcs-a", address: "10.0.0.2", subzones: ["SZ"], zones: ["{name: To-B, peers: [10.0.0.3]}"],
                    rules: ["{name: Via B, priority: 10, mode: any_alias, target: To-B}"], settings: ["interworking: \(first)"]),
                InlinePlan.Cluster(
                    name: "vcs-b", address: "10.0.0.3", zones: ["{name: From-A, peers: [10.0.0.2]}", "{name: Pexip-Oslo, peers: [10.1.0.1], h323_mode: off}"],
                    rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"], settings: ["interworking: \(mode)"]),
            ], sites: ["{name: Site, registers_to: vcs-a, subzone: SZ, local_locations: [Oslo]}"])
        }
        let on = try plan("on")
        let trace = Self.call(on, protocol: .h323)
        #expect(trace.verdict == .local)
        #expect(trace.outcome.landings.first?.interworkedAt == ClusterID(1))
        #expect(Self.call(try plan("registered_only"), protocol: .h323).verdict == .unrouted)
        // Registered only at the caller's own cluster: its endpoint is locally registered, so that cluster searches
        // its zone to vcs-b again in SIP when the H.323 search finds nothing.
        let atFirst = Self.call(try plan("registered_only", first: "registered_only"), protocol: .h323)
        #expect(atFirst.verdict == .local)
        #expect(atFirst.outcome.landings.first?.interworkedAt == ClusterID(0))
    }

    // MARK: Authentication

    // [VCS X7 "Search rules": Request must be authenticated] a rule with it applies only to authenticated requests;
    // [VCS "Authentication policy": subzone-level] a new subzone's policy is Do not check credentials, so its calls
    // are unauthenticated.
    @Test func aRuleThatRequestMustBeAuthenticatedSkipsUnauthenticatedCalls() throws {
        let rules = [
            "{name: Authenticated only, priority: 10, mode: any_alias, authentication: yes, target: Pexip-Singapore}",
            "{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ]
        let plan = try InlinePlan.single(rules: rules)
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"])
        let skipped = trace.steps.first { $0.name == "Authenticated only" }
        #expect(skipped?.status == .skipped)
        #expect(skipped?.detail.contains("requires an authenticated request") == true)
        // check's group for the calls says which rule passed them by and which policy made them unauthenticated.
        let site = "{name: Site, registers_to: vcs, subzone: SZ, local_locations: [Singapore]}"
        let remote = try #require(Self.groups(try InlinePlan.single(rules: rules, sites: [site])).first { $0.verdict == .remote })
        #expect(remote.diagnostic.notes.contains { $0.hasPrefix("authentication: vcs search rule 'Authenticated only' (priority 10) would take them") && $0.contains("subzone SZ has authentication_mode do_not_check_credentials") }, "\(remote.diagnostic.notes)")
        // The finding: no simulated call can satisfy the rule.
        let found = PlanChecks.run(Simulation(plan: plan, workers: 1)).filter { $0.check == .searchRuleUnauthenticated }
        #expect(found.count == 1, "\(found.map(\.message))")
        #expect(found.first?.message.contains("'Authenticated only'") == true)
        #expect(found.first?.notes.contains { $0.contains("SZ") && $0.contains("do_not_check_credentials") } == true, "\(found.first?.notes ?? [])")
    }

    // [VCS X7 "Search rules": Request must be authenticated] a Stop rule for authenticated requests only does not
    // end the search of unauthenticated ones, so it shadows only later rules that require authentication too.
    @Test func aStopRuleForAuthenticatedRequestsShadowsOnlyRulesThatRequireAuthentication() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Authenticated, priority: 10, mode: any_alias, authentication: yes, progress: stop, target: Pexip-Oslo}",
            "{name: Everyone, priority: 20, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Singapore}",
            "{name: Authenticated too, priority: 30, pattern_type: suffix, pattern_string: '@vc.example', authentication: yes, target: Pexip-London}",
        ])
        let found = PlanChecks.run(RoutingTables(plan: plan)).filter { $0.check == .shadowedSearchRule }
        #expect(found.map { $0.message.components(separatedBy: " is never tried")[0] } == ["vcs search rule 'Authenticated too' (priority 30)"])
    }

    // [VCS X7 "Authentication policy configuration options"] Treat as authenticated: "all messages are classified
    // as authenticated"; Check credentials: authenticated when the credentials verify.
    @Test func aSubzonesAuthenticationPolicyClassifiesItsEndpointsCalls() throws {
        let rules = [
            "{name: Authenticated only, priority: 10, mode: any_alias, authentication: yes, target: Pexip-Singapore}",
            "{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ]
        func landing(_ subzone: String, site extra: String = "") throws -> Set<String> {
            let plan = try InlinePlan.load(
                clusters: [InlinePlan.Cluster(name: "vcs", address: "10.0.0.2", subzones: [subzone], zones: InlinePlan.pexipZones, rules: rules)],
                sites: ["{name: Site, registers_to: vcs, subzone: SZ, local_locations: [Oslo]\(extra)}"])
            return InlinePlan.landingLocations(TestPlans.call(plan, from: "Site", "meet.alice@vc.example"), in: plan)
        }
        #expect(try landing("{name: SZ, authentication_mode: treat_as_authenticated}") == ["Singapore"])
        #expect(try landing("{name: SZ, authentication_mode: check_credentials}") == ["Singapore"])
        #expect(try landing("{name: SZ, authentication_mode: check_credentials}", site: ", credentials: false") == ["Oslo"])
        #expect(try landing("{name: SZ, authentication_mode: do_not_check_credentials}") == ["Oslo"])
    }

    // [VCS X7 "Authentication policy": zone-level] the zone a call arrives through classifies it: Treat as
    // authenticated makes it authenticated, Do not check credentials unauthenticated, except that with SIP
    // authentication trust a SIP message asserted as authenticated (P-Asserted-Identity) keeps it.
    @Test func theZoneACallArrivesThroughClassifiesIt() throws {
        func landing(_ fromA: String, _ callProtocol: CallProtocol) throws -> Set<String> {
            let plan = try InlinePlan.load(clusters: [
                InlinePlan.Cluster(
                    name: "vcs-a", address: "10.0.0.2", subzones: ["{name: SZ, authentication_mode: treat_as_authenticated}"],
                    zones: ["{name: To-B, peers: [10.0.0.3]}"], rules: ["{name: Via B, priority: 10, mode: any_alias, target: To-B}"]),
                InlinePlan.Cluster(
                    name: "vcs-b", address: "10.0.0.3", zones: ["{name: From-A, peers: [10.0.0.2]\(fromA)}"] + InlinePlan.pexipZones,
                    rules: [
                        "{name: Authenticated only, priority: 10, mode: any_alias, authentication: yes, target: Pexip-Singapore}",
                        "{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}",
                    ]),
            ], sites: ["{name: Site, registers_to: vcs-a, subzone: SZ, local_locations: [Oslo]}"])
            return InlinePlan.landingLocations(Self.call(plan, protocol: callProtocol), in: plan)
        }
        #expect(try landing("", .sip) == ["Oslo"])
        #expect(try landing(", authentication_mode: treat_as_authenticated", .h323) == ["Singapore"])
        #expect(try landing(", sip_authentication_trust: on", .sip) == ["Singapore"])
        #expect(try landing(", sip_authentication_trust: on", .h323) == ["Oslo"])
        // Check credentials: vcs-a's zone has no authentication user name, so it presents none.
        #expect(try landing(", authentication_mode: check_credentials", .sip) == ["Oslo"])
    }

    // MARK: Call Policy

    /// A cluster whose transform adds the video domain to numbers, with `policy` rules, and a site with `site`.
    static func policyPlan(_ policy: [String], site: String = InlinePlan.site) throws -> DialPlan {
        var cluster = InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
            transforms: [#"{name: Add domain, priority: 10, pattern_type: regex, pattern_string: '(\d+)', pattern_behavior: replace, replace_string: '\1@vc.example'}"#],
            zones: InlinePlan.pexipZones, rules: ["{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}"])
        cluster.settings = ["call_policy:"] + policy.map { "  - \($0)" }
        return try InlinePlan.load(clusters: [cluster], sites: [site])
    }

    // [VCS X5 D14049.07 "Call Policy"] Call Policy runs after the pre-search transforms and before the search; a
    // rule whose patterns match rejects the call. The call's verdict is rejected, blamed on the rule.
    @Test func callPolicyRejectsAfterPreSearchTransforms() throws {
        let plan = try Self.policyPlan([#"{priority: 10, source_pattern: '.*', destination_pattern: '1\d{3}@vc\.example', action: reject}"#], site: InlinePlan.site.replacingOccurrences(of: "}", with: ", caller_alias: room@oslo.example}"))
        let trace = TestPlans.call(plan, from: "Site", "1001")
        #expect(trace.verdict == .rejected)
        #expect(trace.outcome.failures.first?.route.last?.callPolicyRule == CallPolicyRuleRef(cluster: 0, rule: 0))
        #expect(trace.steps.contains { $0.kind == .callPolicy && $0.status == .rejected && $0.alias == "1001@vc.example" })
        #expect(!trace.steps.contains { $0.kind == .searchRule })
        let group = try #require(Self.groups(plan).first { $0.verdict == .rejected })
        #expect(group.diagnostic.message.contains("rejected by Call Policy: vcs Call Policy rule at priority 10 ("), "\(group.diagnostic.message)")
        #expect(group.diagnostic.location == plan.clusters[0].callPolicy[0].source)
        // The alias the transform left alone is not the policy's.
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .local)
    }

    // [VCS X7.0 "Configuring Call Policy rules using the web interface"] rules are tried in order and the first
    // match decides; a call that matches none is allowed.
    @Test func theFirstMatchingCallPolicyRuleDecidesAndACallNoneMatchesIsAllowed() throws {
        let plan = try Self.policyPlan([
            #"{priority: 20, destination_pattern: '.*@vc\.example', action: reject}"#,
            #"{priority: 10, destination_pattern: 'meet\..*', action: allow}"#,
        ])
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .local)
        #expect(TestPlans.call(plan, from: "Site", "1001").verdict == .rejected)
        let none = TestPlans.call(plan, from: "Site", "someone@elsewhere.example")
        #expect(none.steps.contains { $0.kind == .callPolicy && $0.detail.contains("the call is allowed") })
        #expect(none.verdict == .local)
    }

    // [VCS X7.0 "Configuring Call Policy rules using the web interface"] "a blank source pattern applies to calls
    // from unauthenticated callers only".
    @Test func aBlankSourcePatternAppliesToUnauthenticatedCallersOnly() throws {
        let rule = #"{priority: 10, destination_pattern: '.*', action: reject}"#
        #expect(TestPlans.call(try Self.policyPlan([rule]), from: "Site", "1001").verdict == .rejected)
        var cluster = InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["{name: SZ, authentication_mode: treat_as_authenticated}"],
            zones: InlinePlan.pexipZones, rules: ["{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}"])
        cluster.settings = ["call_policy:", "  - \(rule)"]
        let authenticated = try InlinePlan.load(clusters: [cluster])
        let trace = TestPlans.call(authenticated, from: "Site", "meet.alice@vc.example")
        #expect(trace.verdict == .local)
        #expect(trace.steps.contains { $0.kind == .callPolicy && $0.status == .skipped })
    }

    // [VCS X7.0 "Call Policy"] the source pattern is matched against the caller's alias: a site's `caller_alias`.
    // Where a site gives none and a source pattern decides, the outcome depends on the caller: not guessed.
    @Test func aSourcePatternMatchesTheCallersAliasAndWithoutOneTheOutcomeDependsOnTheCaller() throws {
        let rules = [#"{priority: 10, source_pattern: 'guest\..*', destination_pattern: '.*', action: reject}"#]
        let sites = [
            "{name: Guests, registers_to: vcs, subzone: SZ, local_locations: [Oslo], caller_alias: guest.7@oslo.example}",
            "{name: Staff, registers_to: vcs, subzone: SZ, local_locations: [Oslo], caller_alias: room.12@oslo.example}",
            "{name: Unknown, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}",
        ]
        var cluster = InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: ["{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}"])
        cluster.settings = ["call_policy:"] + rules.map { "  - \($0)" }
        let plan = try InlinePlan.load(clusters: [cluster], sites: sites)
        #expect(TestPlans.call(plan, from: "Guests", "meet.alice@vc.example").verdict == .rejected)
        #expect(TestPlans.call(plan, from: "Staff", "meet.alice@vc.example").verdict == .local)
        let unknown = TestPlans.call(plan, from: "Unknown", "meet.alice@vc.example")
        #expect(unknown.verdict == .error)
        #expect(unknown.outcome.limit?.reason == .callerUnknown(CallPolicyRuleRef(cluster: 0, rule: 0)))
        // The whole simulation agrees with the traces, site by site.
        let simulation = Simulation(plan: plan, workers: 1)
        let alias = try #require(simulation.aliases.firstIndex { $0.alias == "meet.alice@vc.example" })
        for (site, verdict) in [("Guests", Verdict.rejected), ("Staff", .local), ("Unknown", .error)] {
            let call = try #require(simulation.call(site: plan.siteIndex(named: site)!, alias: DialledAliasID(alias), protocol: .sip))
            #expect(simulation.verdict(of: call) == verdict, "\(site)")
        }
        let group = try #require(CheckReport(simulation: simulation, examples: 2).groups.first { $0.verdict == .error })
        #expect(group.diagnostic.message.contains("caller_alias"), "\(group.diagnostic.message)")
    }

    // Call Policy patterns are regexes like search rules': the pattern lints read them too ('.*' for "any" excepted).
    @Test func callPolicyPatternsAreLinted() throws {
        let plan = try Self.policyPlan([#"{priority: 10, source_pattern: '.*', destination_pattern: '.*@vc.example', action: reject}"#])
        let found = PlanChecks.run(RoutingTables(plan: plan)).filter { $0.check == .patternUnescapedDot || $0.check == .patternMatchesEmpty }
        #expect(found.map(\.check) == [.patternUnescapedDot], "\(found.map(\.message))")
        #expect(found.first?.message.hasPrefix("vcs Call Policy rule at priority 10 (") == true, "\(found.first?.message ?? "")")
    }

    // A source pattern that matches every caller ('.*') needs no caller alias: the rule decides for every site.
    @Test func aSourcePatternMatchingEveryCallerNeedsNoCallerAlias() throws {
        let plan = try Self.policyPlan([#"{priority: 10, source_pattern: '.*', destination_pattern: '1\d{3}@vc\.example', action: reject}"#])
        #expect(TestPlans.call(plan, from: "Site", "1001").verdict == .rejected)
        #expect(!RoutingTables(plan: plan).callerMatters)
    }

    // Rules are ordered by priority, each unique, as the VCS's list has one order.
    @Test func aCallPolicyPriorityIsUnique() throws {
        do {
            _ = try Self.policyPlan(["{priority: 10, destination_pattern: 'a.*', action: reject}", "{priority: 10, destination_pattern: 'b.*', action: allow}"])
            Issue.record("loaded")
        } catch let error as PlanLoadError {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message.contains("priority 10 is taken by the rule at ") == true, "\(error.diagnostics)")
        }
    }

    // Subzones whose searches are one (a class) but whose endpoints authenticate differently: each member's own
    // rule is judged by its own sites' calls, so the unauthenticated member's rule is reported and the other's not.
    @Test func aSubzoneClassMembersAuthenticationRuleIsJudgedByItsOwnCalls() throws {
        let plan = try InlinePlan.load(clusters: [InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2",
            subzones: ["{name: A, authentication_mode: treat_as_authenticated}", "{name: B}"], zones: InlinePlan.pexipZones,
            rules: [
                "{name: A own, priority: 10, source_mode: named, source_name: A, mode: any_alias, authentication: yes, target: Pexip-Singapore}",
                "{name: B own, priority: 10, source_mode: named, source_name: B, mode: any_alias, authentication: yes, target: Pexip-Singapore}",
                "{name: Everyone, priority: 20, mode: any_alias, target: Pexip-Oslo}",
            ])], sites: [
                "{name: SA, registers_to: vcs, subzone: A, local_locations: [Singapore]}",
                "{name: SB, registers_to: vcs, subzone: B, local_locations: [Oslo]}",
            ])
        let tables = RoutingTables(plan: plan)
        #expect(tables.subzoneClasses[0].representative[2] == tables.subzoneClasses[0].representative[1], "A and B share a search")
        let found = PlanChecks.run(Simulation(plan: plan, workers: 1)).filter { $0.check == .searchRuleUnauthenticated }
        #expect(found.map { $0.message.components(separatedBy: " requires")[0] } == ["vcs search rule 'B own' (priority 10)"])
    }

    // An exported Local CPL policy is the VCS's Call Policy rules or an uploaded script: given with the import
    // (`call_policy` in the imports entry), the rules are simulated and nothing is reported as not simulated.
    @Test func callPolicyRulesGivenWithAnImportedLocalCPLAreSimulated() throws {
        let export = """
            *c xConfiguration SystemUnit Name: "vcs-x"
            *c xConfiguration Policy AdministratorPolicy Mode: "LocalCPL"
            *c xConfiguration Zones LocalZone SubZones SubZone 1 Name: "SZ"
            *c xConfiguration Zones Zone 1 Name: "Pexip-Oslo"
            *c xConfiguration Zones Zone 1 Type: "Neighbor"
            *c xConfiguration Zones Zone 1 Neighbor Peer 1 Address: "10.1.0.1"
            *c xConfiguration Zones Policy SearchRules Rule 1 Name: "To Oslo"
            *c xConfiguration Zones Policy SearchRules Rule 1 Mode: "AnyAlias"
            *c xConfiguration Zones Policy SearchRules Rule 1 Target Name: "Pexip-Oslo"

            """
        func load(_ entry: String) throws -> DialPlan {
            let directory = URL(fileURLWithPath: ExportImportTests.temporaryDirectory("vcs-cpl"))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try export.write(to: directory.appendingPathComponent("vcs.txt"), atomically: true, encoding: .utf8)
            let yaml = InlinePlan.yaml(clusters: []).replacingOccurrences(of: "call_control:\n", with: "")
                .replacingOccurrences(of: "registers_to: vcs,", with: "registers_to: vcs-x,")
            try ("imports:\n  call_control: [\(entry)]\n" + yaml).write(to: directory.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
            return try PlanLoader.load(path: directory.path)
        }
        let withRules = try load(#"{file: vcs.txt, call_policy: [{priority: 10, destination_pattern: '1.*', action: reject}]}"#)
        #expect(withRules.clusters[0].unsimulatedPolicy == nil)
        #expect(withRules.clusters[0].callPolicy.count == 1)
        #expect(Self.call(withRules, "1001@vc.example", protocol: .sip).verdict == .rejected)
        let without = try load("vcs.txt")
        #expect(without.clusters[0].unsimulatedPolicy != nil)
        #expect(PlanChecks.run(Simulation(plan: without, workers: 1)).contains { $0.check == .callPolicyNotSimulated })
    }

    @Test func aCallPolicyRuleWithoutAnActionIsALoadError() throws {
        do {
            _ = try Self.policyPlan(["{priority: 10, destination_pattern: '.*'}"])
            Issue.record("loaded")
        } catch let error as PlanLoadError {
            #expect(error.diagnostics.map(\.message) == ["cluster 'vcs' call_policy rule at priority 10 has no 'action' (allow or reject)"])
        }
        do {
            _ = try Self.policyPlan(["{priority: 10, destination_pattern: '(', action: reject}"])
            Issue.record("loaded")
        } catch let error as PlanLoadError {
            #expect(error.diagnostics.first?.message.contains("destination_pattern: pattern does not compile") == true, "\(error.diagnostics)")
        }
    }

    // MARK: From xConfiguration

    // The export's settings read as the plan's: `Interworking Mode`, the Default Zone's, Default Subzone's and
    // subzones' `Authentication Mode`, a zone's `Neighbor SIP Mode` / `Neighbor H323 Mode`, `Neighbor Authentication
    // Mode` and `Neighbor SIP AuthenticationTrust Mode`, a search rule's `Authentication`. [EXPORTS §2.2]
    @Test func anExportsInterworkingAndAuthenticationSettingsReadAsThePlans() throws {
        let export = """
            *c xConfiguration SystemUnit Name: "vcs-x"
            *c xConfiguration Interworking Mode: "Off"
            *c xConfiguration Zones DefaultZone Authentication Mode: "TreatAsAuthenticated"
            *c xConfiguration Zones LocalZone DefaultSubZone Authentication Mode: "CheckCredentials"
            *c xConfiguration Zones LocalZone SubZones SubZone 1 Name: "SZ"
            *c xConfiguration Zones LocalZone SubZones SubZone 1 Authentication Mode: "TreatAsAuthenticated"
            *c xConfiguration Zones Zone 1 Name: "Pexip-Oslo"
            *c xConfiguration Zones Zone 1 Type: "Neighbor"
            *c xConfiguration Zones Zone 1 Neighbor Peer 1 Address: "10.1.0.1"
            *c xConfiguration Zones Zone 1 Neighbor H323 Mode: "Off"
            *c xConfiguration Zones Zone 1 Neighbor SIP Mode: "On"
            *c xConfiguration Zones Zone 1 Neighbor Authentication Mode: "CheckCredentials"
            *c xConfiguration Zones Zone 1 Neighbor SIP AuthenticationTrust Mode: "On"
            *c xConfiguration Zones Policy SearchRules Rule 1 Name: "To Oslo"
            *c xConfiguration Zones Policy SearchRules Rule 1 Mode: "AnyAlias"
            *c xConfiguration Zones Policy SearchRules Rule 1 Authentication: "Yes"
            *c xConfiguration Zones Policy SearchRules Rule 1 Target Name: "Pexip-Oslo"

            """
        let directory = URL(fileURLWithPath: ExportImportTests.temporaryDirectory("vcs-modes"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try export.write(to: directory.appendingPathComponent("vcs.txt"), atomically: true, encoding: .utf8)
        let yaml = InlinePlan.yaml(clusters: []).replacingOccurrences(of: "call_control:\n", with: "")
            .replacingOccurrences(of: "registers_to: vcs,", with: "registers_to: vcs-x,")
        try ("imports:\n  call_control: [vcs.txt]\n" + yaml).write(to: directory.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        let plan = try PlanLoader.load(path: directory.path)
        let cluster = try #require(plan.clusters.first)
        #expect(cluster.interworking == .off)
        #expect(cluster.defaultZoneAuthentication == .treatAsAuthenticated)
        #expect(cluster.subzones.map(\.name) == ["DefaultSubZone", "SZ"])
        #expect(cluster.subzones.map(\.authentication) == [.checkCredentials, .treatAsAuthenticated])
        let zone = try #require(cluster.zones.first)
        #expect(!zone.h323Mode && zone.sipMode && zone.authentication == .checkCredentials && zone.sipAuthenticationTrust)
        #expect(cluster.searchRules.first?.requiresAuthentication == true)
        // Simulated as the VCS would: SIP lands (authenticated in SZ), H.323 is not interworked.
        #expect(Self.call(plan, protocol: .sip).verdict == .local)
        #expect(Self.call(plan, protocol: .h323).verdict == .unrouted)
    }
}
