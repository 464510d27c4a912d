@testable import DialPlanKit
import Testing

/// Pexip Infinity's side of a call: alias parsing, service aliases before Call Routing Rules, every rule condition,
/// where the call lands (signalling and media), and the verdict. DOMAIN.md §1 and issue 2 §3 (steps 6–8).
@Suite struct PexipSemanticsTests {
    typealias Cluster = InlinePlan.Cluster

    static let toOslo = "{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"
    static let toSingapore = "{name: To Singapore, priority: 100, mode: any_alias, target: Pexip-Singapore}"
    static let fallback = "{name: Fallback, priority: 200, match_string: '.+', replace_string: 'fallback'}"
    /// An alias that makes `(a+)+` backtrack past PCRE2's match limit.
    static let pathological = String(repeating: "a", count: 40) + "!"

    /// One cluster whose rules (by default: everything to Pexip-Oslo) send calls to Pexip.
    private func plan(
        conferences: [String] = InlinePlan.conferences, gatewayRules: [String], zones: [String] = [],
        rules: [String] = [toOslo], transforms: [String] = [], sites: [String] = [InlinePlan.site]
    ) throws -> DialPlan {
        try InlinePlan.single(transforms: transforms, zones: zones, rules: rules, conferences: conferences, gatewayRules: gatewayRules, sites: sites)
    }

    private func decision(_ plan: DialPlan, _ alias: String, _ callProtocol: CallProtocol = .sip, from site: String = "Site") -> String? {
        InlinePlan.decision(TestPlans.call(plan, from: site, alias, callProtocol), in: plan)
    }

    // MARK: Alias parsing

    // [PX-configuring_gateway_rules]: the URI scheme is removed before matching.
    @Test func pexipRemovesTheURISchemeBeforeMatching() throws {
        let plan = try plan(gatewayRules: [])
        for alias in ["sip:meet.alice@vc.example", "SIP:meet.alice@vc.example", "sips:meet.alice@vc.example", "h323:meet.alice@vc.example"] {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.decision(trace, in: plan) == "service Alice", "\(alias)")
            // The alias is kept as Pexip received it; only matching uses the parsed form.
            #expect(InlinePlan.landingAliases(trace) == [alias])
            #expect(trace.verdict == .local)
        }
    }

    // [PX-configuring_gateway_rules]: URI parameters (;…) and headers (?…) are removed before matching, for service
    // aliases and Call Routing Rules alike.
    @Test func pexipRemovesURIParametersAndHeadersBeforeMatching() throws {
        let plan = try plan(gatewayRules: [#"{name: Gateway, priority: 10, match_string: 'bob@gw\.example', replace_string: 'bob@out.example'}"#])
        for alias in ["meet.alice@vc.example;transport=tls", "sip:meet.alice@vc.example;transport=tls?subject=hello", "meet.alice@vc.example?x=y"] {
            #expect(decision(plan, alias) == "service Alice", "\(alias)")
        }
        #expect(decision(plan, "sip:bob@gw.example;transport=tls?x=y") == "rule Gateway → bob@out.example")
    }

    // [PX-configuring_gateway_rules]: a rule with match_string_full sees the full, unparsed alias; without it the
    // same pattern sees the parsed alias and does not match.
    @Test func matchStringFullSeesTheUnparsedAlias() throws {
        let plan = try plan(gatewayRules: [
            #"{name: Parsed, priority: 10, match_string: 'sip:bob@gw\.example;transport=tls', replace_string: 'parsed'}"#,
            #"{name: Full, priority: 20, match_string: 'sip:bob@gw\.example;transport=tls', match_string_full: true, replace_string: 'full'}"#,
            #"{name: Full but parsed pattern, priority: 5, match_string: 'bob@gw\.example', match_string_full: true, replace_string: 'wrong'}"#,
        ])
        #expect(decision(plan, "sip:bob@gw.example;transport=tls") == "rule Full → full")
        // The parsed alias is what the parsed-pattern rule sees when the alias has nothing to remove.
        #expect(decision(plan, "bob@gw.example") == "rule Full but parsed pattern → wrong")
    }

    // MARK: Service aliases before Call Routing Rules

    // [PX-about_aliases] (model): service aliases are compared case-insensitively.
    @Test func serviceAliasesMatchCaseInsensitively() throws {
        let plan = try plan(
            conferences: InlinePlan.conferences + ["{name: Board, service_type: lecture, aliases: [Board@VC.Example]}"],
            gatewayRules: [])
        #expect(decision(plan, "MEET.Alice@Vc.EXAMPLE") == "service Alice")
        #expect(decision(plan, "board@vc.example") == "service Board")
        #expect(decision(plan, "sip:BOARD@vc.example;transport=tcp") == "service Board")
    }

    // [PX-dial_plan] [PX-configuring_gateway_rules]: service aliases are matched first; a Call Routing Rule that
    // overlaps a service alias never takes it.
    @Test func aServiceAliasWinsOverAnOverlappingCallRoutingRule() throws {
        let plan = try plan(gatewayRules: [#"{name: Meet gateway, priority: 1, match_string: 'meet\..+', replace_string: 'gw'}"#])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.decision(trace, in: plan) == "service Alice")
        #expect(trace.steps.contains { $0.kind == .gatewayRule && $0.name == "Meet gateway" && $0.status == .shadowed })
        #expect(decision(plan, "meet.bob@vc.example") == "rule Meet gateway → gw")
    }

    // [PX-dial_plan]: every service type's aliases are service aliases (VMR, Virtual Auditorium, Virtual Reception,
    // test call, media playback).
    @Test func everyServiceTypesAliasesAreServiceAliases() throws {
        let plan = try plan(
            conferences: [
                "{name: VMR, service_type: conference, aliases: [vmr@vc.example]}",
                "{name: Auditorium, service_type: lecture, aliases: [lecture@vc.example]}",
                "{name: Reception, service_type: two_stage_dialing, aliases: [reception@vc.example]}",
                "{name: Test, service_type: test_call, aliases: [test@vc.example]}",
                "{name: Playback, service_type: media_playback, aliases: [playback@vc.example]}",
            ],
            gatewayRules: ["{name: Everything, priority: 1, match_string: '.+'}"])
        for (alias, name) in [("vmr", "VMR"), ("lecture", "Auditorium"), ("reception", "Reception"), ("test", "Test"), ("playback", "Playback")] {
            #expect(decision(plan, "\(alias)@vc.example") == "service \(name)")
        }
    }

    // MARK: Call Routing Rules

    // [PX-configuring_gateway_rules]: rules are checked in ascending priority, whatever their order in the file.
    @Test func callRoutingRulesAreCheckedInAscendingPriority() throws {
        let plan = try plan(gatewayRules: [
            #"{name: Twenty, priority: 20, match_string: '.+@gw\.example', replace_string: 'twenty'}"#,
            #"{name: Ten, priority: 10, match_string: '.+@gw\.example', replace_string: 'ten'}"#,
        ])
        #expect(decision(plan, "bob@gw.example") == "rule Ten → ten")
    }

    // [PX-configuring_gateway_rules] (model: no fall-through): the first rule that matches is applied; later
    // matching rules are not.
    @Test func theFirstMatchingCallRoutingRuleWins() throws {
        let plan = try plan(gatewayRules: [
            #"{name: Other domain, priority: 10, match_string: '.+@other\.example', replace_string: 'other'}"#,
            #"{name: First match, priority: 20, match_string: '.+@gw\.example', replace_string: 'first'}"#,
            "{name: Second match, priority: 30, match_string: '.+', replace_string: 'second'}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "bob@gw.example")
        #expect(InlinePlan.decision(trace, in: plan) == "rule First match → first")
        #expect(!trace.steps.contains { $0.kind == .gatewayRule && $0.name == "Second match" })
    }

    // [PX-regex_reference]: match_string is case-insensitive and must match the whole alias (a prefix match is
    // only "partial").
    @Test func aCallRoutingRuleMustMatchTheWholeAliasCaseInsensitively() throws {
        let plan = try plan(gatewayRules: [#"{name: PSTN, priority: 10, match_string: 'pstn\d+', replace_string: 'out'}"#])
        #expect(decision(plan, "PSTN123") == "rule PSTN → out")
        let partial = TestPlans.call(plan, from: "Site", "pstn123@vc.example")
        #expect(partial.verdict == .rejected)
    }

    // [PX-configuring_gateway_rules] enable: a disabled rule is skipped.
    @Test func aDisabledCallRoutingRuleIsSkipped() throws {
        let plan = try plan(gatewayRules: ["{name: Off, priority: 10, enable: false, match_string: '.+', replace_string: 'off'}", Self.fallback])
        #expect(decision(plan, "bob@gw.example") == "rule Fallback → fallback")
    }

    // [PX-configuring_gateway_rules] match_incoming_calls: a rule for outgoing calls only does not take calls into Pexip.
    @Test func aRuleNotMatchingIncomingCallsIsSkipped() throws {
        let plan = try plan(gatewayRules: ["{name: Outgoing only, priority: 10, match_incoming_calls: false, match_outgoing_calls: true, match_string: '.+', replace_string: 'out'}", Self.fallback])
        #expect(decision(plan, "bob@gw.example") == "rule Fallback → fallback")
        #expect(decision(plan, "bob@gw.example", .h323) == "rule Fallback → fallback")
    }

    // [PX-configuring_gateway_rules] match_incoming_sip / _h323 / _mssip: a rule takes only calls of the protocols
    // whose flag is on.
    @Test func aRulesProtocolFlagsDecideWhichCallsItTakes() throws {
        let noSIP = try plan(gatewayRules: ["{name: Not SIP, priority: 10, match_incoming_sip: false, match_string: '.+', replace_string: 'rule'}", Self.fallback])
        #expect(decision(noSIP, "bob@gw.example", .sip) == "rule Fallback → fallback")
        #expect(decision(noSIP, "bob@gw.example", .h323) == "rule Not SIP → rule")

        let noH323 = try plan(gatewayRules: ["{name: Not H323, priority: 10, match_incoming_h323: false, match_string: '.+', replace_string: 'rule'}", Self.fallback])
        #expect(decision(noH323, "bob@gw.example", .sip) == "rule Not H323 → rule")
        #expect(decision(noH323, "bob@gw.example", .h323) == "rule Fallback → fallback")

        let noMSSIP = try plan(gatewayRules: ["{name: Not MSSIP, priority: 10, match_incoming_mssip: false, match_string: '.+', replace_string: 'rule'}", Self.fallback])
        #expect(decision(noMSSIP, "bob@gw.example", .sip) == "rule Not MSSIP → rule")
        // match_incoming_mssip for Skype for Business calls: SkypeForBusinessTests.
    }

    // [PX-configuring_gateway_rules] match_incoming_only_if_registered: callers arriving through call control are
    // not registered to Pexip, so such a rule never takes their calls.
    @Test func onlyIfRegisteredRulesSkipCallersArrivingThroughCallControl() throws {
        let plan = try plan(gatewayRules: ["{name: Registered only, priority: 10, match_incoming_only_if_registered: true, match_string: '.+', replace_string: 'reg'}", Self.fallback])
        #expect(decision(plan, "bob@gw.example", .sip) == "rule Fallback → fallback")
        #expect(decision(plan, "bob@gw.example", .h323) == "rule Fallback → fallback")
        let only = try self.plan(gatewayRules: ["{name: Registered only, priority: 10, match_incoming_only_if_registered: true, match_string: '.+', replace_string: 'reg'}"])
        #expect(TestPlans.call(only, from: "Site", "bob@gw.example").verdict == .rejected)
    }

    // [PX-configuring_gateway_rules] match_source_location: the rule applies only on nodes of that location (the
    // receiving node's own location, also for a proxying edge node).
    @Test func matchSourceLocationLimitsARuleToNodesOfThatLocation() throws {
        let rules = [
            "{name: Singapore breakout, priority: 10, match_source_location: Singapore, match_string: '.+', replace_string: 'sin'}",
            "{name: Edge breakout, priority: 11, match_source_location: Oslo-Edge, match_string: '.+', replace_string: 'edge'}",
            Self.fallback,
        ]
        let viaOslo = try plan(gatewayRules: rules)
        #expect(decision(viaOslo, "bob@gw.example") == "rule Fallback → fallback")
        let viaSingapore = try plan(gatewayRules: rules, rules: [Self.toSingapore])
        #expect(decision(viaSingapore, "bob@gw.example") == "rule Singapore breakout → sin")
        let viaEdge = try plan(gatewayRules: rules, rules: ["{name: To edge, priority: 100, mode: any_alias, target: Pexip-Edge}"])
        #expect(decision(viaEdge, "bob@gw.example") == "rule Edge breakout → edge")
    }

    // [PX-configuring_gateway_rules]: replace_string gives the alias dialled out, with \1 and \g<name> references.
    @Test func replaceStringGivesTheOutgoingAlias() throws {
        let plan = try plan(gatewayRules: [
            #"{name: PSTN, priority: 10, match_string: '9(\d+)@vc\.example', replace_string: '+\1@pstn.example'}"#,
            #"{name: Teams, priority: 20, match_string: 'teams\.(?<id>\d+)@vc\.example', replace_string: '\g<id>@teams.example'}"#,
        ])
        #expect(decision(plan, "94722334455@vc.example") == "rule PSTN → +4722334455@pstn.example")
        #expect(decision(plan, "teams.123456789@vc.example") == "rule Teams → 123456789@teams.example")
    }

    // [PX-configuring_gateway_rules]: an empty replace_string leaves the (parsed) alias unchanged.
    @Test func anEmptyReplaceStringDialsTheAliasUnchanged() throws {
        let plan = try plan(gatewayRules: [#"{name: Passthrough, priority: 10, match_string: '.+@gw\.example'}"#])
        #expect(decision(plan, "bob@gw.example") == "rule Passthrough → bob@gw.example")
        #expect(decision(plan, "sip:bob@gw.example;transport=tls") == "rule Passthrough → bob@gw.example")
    }

    // Issue 2 §3.6: when Pexip rejects an alias (no service alias, no rule), the call-control search goes on to
    // the next level.
    @Test func pexipRejectingAnAliasLetsTheCallControlSearchGoOn() throws {
        let plan = try plan(
            gatewayRules: ["{name: Singapore breakout, priority: 10, match_source_location: Singapore, match_string: '.+@gw\\.example'}"],
            rules: [
                "{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}",
                "{name: To Singapore, priority: 20, mode: any_alias, target: Pexip-Singapore}",
            ])
        let trace = TestPlans.call(plan, from: "Site", "bob@gw.example")
        #expect(trace.steps.contains { $0.kind == .pexipNode && $0.status == .rejected })
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"])
        #expect(InlinePlan.decision(trace, in: plan) == "rule Singapore breakout → bob@gw.example")
        #expect(trace.verdict == .remote)
    }

    // MARK: Landing

    // Issue 2 §3.5/§3.7, [PX-handling_media_signaling]: every node of the zone that takes the call is a possible
    // signalling node; call control, not Pexip, balances among them.
    @Test func everyPeerThatTakesTheCallIsAPossibleLandingNode() throws {
        let plan = try plan(gatewayRules: [], zones: ["{name: Mixed, peers: [10.1.0.1, 10.1.0.2, 10.2.0.1]}"],
                            rules: ["{name: To mixed, priority: 100, mode: any_alias, target: Mixed}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["osl1", "osl2", "sin1"])
        #expect(plan.locations(of: trace.outcome).map { plan.locations[$0].name } == ["Oslo", "Singapore"])
    }

    // [PX-handling_media_signaling] (model): for a transcoding node without transcoding_location, media stays in
    // the signalling location.
    @Test func mediaStaysInTheSignallingLocationWhenNoTranscodingLocationIsSet() throws {
        let plan = try plan(gatewayRules: [])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(plan.mediaLocations(of: trace.outcome).map { plan.locations[$0].name } == ["Oslo"])
        #expect(plan.locations(of: trace.outcome).map { plan.locations[$0].name } == ["Oslo"])
    }

    // [PX-handling_media_signaling] [PX-distributed_edge]: a proxying edge node keeps the signalling in its location,
    // and the media location is its location's transcoding_location; both count for the verdict.
    @Test func aProxyingEdgeNodesMediaLocationIsItsLocationsTranscodingLocation() throws {
        let plan = try plan(
            gatewayRules: [],
            rules: ["{name: To edge, priority: 100, mode: any_alias, target: Pexip-Edge}"],
            sites: [
                "{name: Site, registers_to: vcs, subzone: SZ, local_locations: [Oslo-Edge, Oslo]}",
                "{name: Edge only, registers_to: vcs, subzone: SZ, local_locations: [Oslo-Edge]}",
                "{name: Oslo only, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}",
                "{name: Singapore only, registers_to: vcs, subzone: SZ, local_locations: [Singapore]}",
            ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["edge1"])
        #expect(plan.mediaLocations(of: trace.outcome).map { plan.locations[$0].name } == ["Oslo"])
        #expect(Set(plan.locations(of: trace.outcome).map { plan.locations[$0].name }) == ["Oslo-Edge", "Oslo"])
        #expect(trace.verdict == .local)
        #expect(TestPlans.call(plan, from: "Edge only", "meet.alice@vc.example").verdict == .ambiguous)
        #expect(TestPlans.call(plan, from: "Oslo only", "meet.alice@vc.example").verdict == .ambiguous)
        #expect(TestPlans.call(plan, from: "Singapore only", "meet.alice@vc.example").verdict == .remote)
    }

    // MARK: Verdicts

    // Issue 2 §3.8, [PX-gs_server_network]: local when every signalling and media location is local to the site.
    @Test func verdictLocalWhenEveryLocationIsLocal() throws {
        let plan = try plan(gatewayRules: [])
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .local)
    }

    // Issue 2 §3.8: remote when no signalling or media location is local.
    @Test func verdictRemoteWhenNoLocationIsLocal() throws {
        let plan = try plan(gatewayRules: [], rules: [Self.toSingapore])
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .remote)
    }

    // Issue 2 §3.8: ambiguous when some locations are local and some are not.
    @Test func verdictAmbiguousWhenSomeLocationsAreLocal() throws {
        let plan = try plan(gatewayRules: [], rules: [Self.toOslo, Self.toSingapore])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo", "Singapore"])
        #expect(trace.verdict == .ambiguous)
    }

    // Issue 2 §3.8: rejected when a Pexip node was reached but no service alias or rule took the alias.
    @Test func verdictRejectedWhenPexipTakesNothing() throws {
        let plan = try plan(gatewayRules: [])
        let trace = TestPlans.call(plan, from: "Site", "nobody@vc.example")
        #expect(trace.outcome.landings.isEmpty)
        #expect(trace.verdict == .rejected)
        #expect(trace.outcome.finalAlias == "nobody@vc.example")
        #expect(Set(trace.outcome.failures.first { $0.kind == .rejected }?.nodes.map { plan.nodes[$0].name } ?? []) == ["osl1", "osl2"])
    }

    // Issue 2 §3.8: unrouted when no search reached a Pexip node.
    @Test func verdictUnroutedWhenNoSearchReachesPexip() throws {
        let plan = try plan(gatewayRules: [], rules: ["{name: Only numbers, priority: 100, pattern_type: regex, pattern_string: '\\d+', target: Pexip-Oslo}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.outcome.landings.isEmpty)
        #expect(trace.verdict == .unrouted)
    }

    // Issue 2 §3.8: loop when the search came back to a cluster already searching for it (see
    // CallControlSemanticsTests for hop counts).
    @Test func verdictLoopWhenTheSearchComesBack() throws {
        let plan = try twoClusters(gatewayRules: [], aRules: ["{name: To b, priority: 10, mode: any_alias, target: ToB}"])
        #expect(TestPlans.call(plan, from: "Site", "meet.alice@vc.example").verdict == .loop)
    }

    /// Cluster `vcs` (site Site) with Pexip zones and a zone to `b`; `b` sends everything back.
    private func twoClusters(gatewayRules: [String], aRules: [String]) throws -> DialPlan {
        try InlinePlan.load(
            gatewayRules: gatewayRules,
            clusters: [
                Cluster(name: "vcs", address: "10.0.0.1", subzones: ["SZ"],
                        zones: InlinePlan.pexipZones + ["{name: ToB, peers: [10.0.0.2]}"], rules: aRules),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToA, peers: [10.0.0.1]}"],
                        rules: ["{name: Back, priority: 10, mode: any_alias, target: ToA}"]),
            ])
    }

    // Issue 2 §3.8: a landing decides the verdict even when other targets rejected the call or failed.
    @Test func verdictPrecedenceALandingOutranksFailures() throws {
        let plan = try plan(
            gatewayRules: ["{name: Oslo only, priority: 10, match_source_location: Oslo, match_string: '.+'}"],
            zones: ["{name: Mixed, peers: [10.1.0.1, 10.2.0.1]}"],
            rules: [
                "{name: To mixed, priority: 100, mode: any_alias, target: Mixed}",
                "{name: Registered, priority: 100, mode: any_alias, target: LocalZone}",
            ])
        let trace = TestPlans.call(plan, from: "Site", "bob@gw.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["osl1"])
        #expect(trace.verdict == .local)
    }

    // Issue 2 §3.8: with no landing, rejected outranks loop.
    @Test func verdictPrecedenceRejectedOutranksLoop() throws {
        let plan = try twoClusters(gatewayRules: [], aRules: [
            "{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}",
            "{name: To b, priority: 10, mode: any_alias, target: ToB}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "nobody@vc.example")
        #expect(InlinePlan.failureKinds(trace).isSuperset(of: [.rejected, .loop]))
        #expect(trace.verdict == .rejected)
    }

    // Issue 2 §3.8: with no landing and no rejection, loop outranks unrouted.
    @Test func verdictPrecedenceLoopOutranksUnrouted() throws {
        let plan = try twoClusters(gatewayRules: [], aRules: [
            "{name: Registered, priority: 10, mode: any_alias, target: LocalZone}",
            "{name: To b, priority: 10, mode: any_alias, target: ToB}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "nobody@vc.example")
        #expect(InlinePlan.failureKinds(trace).isSuperset(of: [.unrouted, .loop]))
        #expect(trace.verdict == .loop)
    }

    // Issue 2 §1 and §3.8, [PCRE2 pcre2_set_match_limit]: a search-rule regex that hits PCRE2's limit gives the
    // verdict error (the outcome cannot be trusted), promptly, even when a later rule lands the call.
    @Test(.timeLimit(.minutes(1))) func aSearchRuleRegexHittingPCRE2sLimitGivesError() throws {
        let plan = try plan(gatewayRules: InlinePlan.catchAll, rules: [
            "{name: Pathological, priority: 10, pattern_type: regex, pattern_string: '(a+)+', target: Pexip-Singapore}",
            "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", Self.pathological)
        #expect(trace.outcome.limit != nil)
        #expect(trace.outcome.limit.map(plan.describe)?.contains("Pathological") == true)
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Pathological") == [.limit])
        #expect(trace.verdict == .error)
    }

    // [PCRE2]: a transform regex that hits the limit gives error.
    @Test(.timeLimit(.minutes(1))) func aTransformRegexHittingPCRE2sLimitGivesError() throws {
        let plan = try plan(
            gatewayRules: InlinePlan.catchAll,
            transforms: ["{name: Pathological, priority: 10, pattern_type: regex, pattern_string: '(a+)+', pattern_behavior: replace, replace_string: 'x'}"])
        let trace = TestPlans.call(plan, from: "Site", Self.pathological)
        #expect(trace.outcome.limit.map(plan.describe)?.contains("Pathological") == true)
        #expect(trace.verdict == .error)
    }

    // [PCRE2]: a Call Routing Rule regex that hits the limit gives error.
    @Test(.timeLimit(.minutes(1))) func aCallRoutingRuleRegexHittingPCRE2sLimitGivesError() throws {
        let plan = try plan(gatewayRules: ["{name: Pathological, priority: 10, match_string: '(a+)+'}", Self.fallback])
        let trace = TestPlans.call(plan, from: "Site", Self.pathological)
        #expect(trace.outcome.limit.map(plan.describe)?.contains("Pathological") == true)
        #expect(trace.steps.contains { $0.kind == .gatewayRule && $0.name == "Pathological" && $0.status == .limit })
        #expect(trace.verdict == .error)
    }
}
