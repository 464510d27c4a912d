@testable import DialPlanKit
import Testing

/// Builds small inline plans for the semantics tests: a fixed Pexip deployment (Oslo, Singapore, London and a
/// proxying edge whose media is transcoded in Oslo) and whatever call control, sites and DNS a test needs.
enum InlinePlan {
    /// A VCS/Expressway cluster written as YAML fragments (each transform, zone and rule one flow mapping).
    struct Cluster {
        var name: String
        var address: String
        var subzones: [String] = []
        var transforms: [String] = []
        var zones: [String] = []
        var rules: [String] = []
        /// More keys of the cluster, each a `key: value` line (e.g. `sip_domains: [vc.example]`).
        var settings: [String] = []
    }

    static let nodes = [
        "{name: osl1, address: 10.1.0.1, system_location: Oslo}",
        "{name: osl2, address: 10.1.0.2, system_location: Oslo}",
        "{name: sin1, address: 10.2.0.1, system_location: Singapore}",
        "{name: sin2, address: 10.2.0.2, system_location: Singapore}",
        "{name: lon1, address: 10.3.0.1, system_location: London}",
        "{name: edge1, address: 10.4.0.1, system_location: Oslo-Edge, node_type: proxying}",
    ]

    /// Zones to each Pexip location, for any cluster.
    static let pexipZones = [
        "{name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.2]}",
        "{name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}",
        "{name: Pexip-London, peers: [10.3.0.1]}",
        "{name: Pexip-Edge, peers: [10.4.0.1]}",
    ]

    static let conferences = [#"{name: Alice, aliases: [meet.alice@vc.example, "1001@vc.example"]}"#]

    /// A Call Routing Rule that takes every alias unchanged: every call that reaches Pexip lands, so a landing's
    /// location shows which zone the call control searched.
    static let catchAll = ["{name: Catch all, priority: 200, match_string: '.+'}"]

    static let site = "{name: Site, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}"

    static func yaml(
        nodes: [String] = nodes, conferences: [String] = conferences, gatewayRules: [String] = catchAll,
        clusters: [Cluster], sites: [String] = [site], dns: [String] = []
    ) -> String {
        var lines = [
            "pexip:",
            "  system_locations:",
            "    - {name: Oslo}",
            "    - {name: Singapore}",
            "    - {name: London}",
            "    - {name: Oslo-Edge, transcoding_location: Oslo}",
            "  worker_vms:",
        ]
        lines += nodes.map { "    - \($0)" }
        lines.append("  conferences:")
        lines += conferences.map { "    - \($0)" }
        if !gatewayRules.isEmpty {
            lines.append("  gateway_routing_rules:")
            lines += gatewayRules.map { "    - \($0)" }
        }
        lines.append("call_control:")
        for cluster in clusters {
            lines.append("  - name: \(cluster.name)")
            lines.append("    addresses: [\(cluster.address)]")
            lines += cluster.settings.map { "    \($0)" }
            if !cluster.subzones.isEmpty { lines.append("    subzones: [\(cluster.subzones.joined(separator: ", "))]") }
            if !cluster.transforms.isEmpty {
                lines.append("    transforms:")
                lines += cluster.transforms.map { "      - \($0)" }
            }
            if !cluster.zones.isEmpty {
                lines.append("    zones:")
                lines += cluster.zones.map { "      - \($0)" }
            }
            if !cluster.rules.isEmpty {
                lines.append("    search_rules:")
                lines += cluster.rules.map { "      - \($0)" }
            }
        }
        if !dns.isEmpty {
            lines.append("dns:")
            lines += dns.map { "  - \($0)" }
        }
        lines.append("sites:")
        lines += sites.map { "  - \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func load(
        nodes: [String] = nodes, conferences: [String] = conferences, gatewayRules: [String] = catchAll,
        clusters: [Cluster], sites: [String] = [site], dns: [String] = []
    ) throws -> DialPlan {
        try TestPlans.load(yaml(nodes: nodes, conferences: conferences, gatewayRules: gatewayRules, clusters: clusters, sites: sites, dns: dns))
    }

    /// One cluster `vcs` (subzone SZ, a zone per Pexip location) with the given transforms and search rules.
    static func single(
        transforms: [String] = [], zones: [String] = [], rules: [String], nodes: [String] = nodes,
        conferences: [String] = conferences, gatewayRules: [String] = catchAll, sites: [String] = [site], dns: [String] = []
    ) throws -> DialPlan {
        try load(
            nodes: nodes, conferences: conferences, gatewayRules: gatewayRules,
            clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], transforms: transforms, zones: pexipZones + zones, rules: rules)],
            sites: sites, dns: dns)
    }

    // MARK: Reading a trace

    /// Location names of every landing node.
    static func landingLocations(_ trace: CallTrace, in plan: DialPlan) -> Set<String> {
        Set(trace.outcome.landings.map { plan.locations[plan.nodes[$0.node].location].name })
    }

    /// The aliases Pexip received at the landings.
    static func landingAliases(_ trace: CallTrace) -> Set<String> {
        Set(trace.outcome.landings.map(\.alias))
    }

    /// Kinds of the failures met.
    static func failureKinds(_ trace: CallTrace) -> Set<Failure.Kind> {
        Set(trace.outcome.failures.map(\.kind))
    }

    /// Statuses of the trace steps about search rule `rule` at `cluster`, in order.
    static func ruleStatuses(_ trace: CallTrace, cluster: String, rule: String) -> [TraceStep.Status] {
        trace.steps.filter { $0.kind == .searchRule && $0.cluster == cluster && $0.name == rule }.map(\.status)
    }

    /// What took the call at the first landing: "service Alice" or "rule Name → outgoing".
    static func decision(_ trace: CallTrace, in plan: DialPlan) -> String? {
        guard let landing = trace.outcome.landings.first else { return nil }
        switch landing.decision {
        case .service(let index): return "service \(plan.services[index].name)"
        case .gatewayRule(let index, let outgoing): return "rule \(plan.gatewayRules[index].name) → \(outgoing.alias)"
        case .rejected: return "rejected"
        }
    }

    /// Every distinct decision over all landings.
    static func decisions(_ trace: CallTrace, in plan: DialPlan) -> Set<String> {
        Set(trace.outcome.landings.map { landing -> String in
            switch landing.decision {
            case .service(let index): "service \(plan.services[index].name)"
            case .gatewayRule(let index, let outgoing): "rule \(plan.gatewayRules[index].name) → \(outgoing.alias)"
            case .rejected: "rejected"
            }
        })
    }
}

/// Call control (Cisco VCS / Expressway): pre-search transforms, search rules and their levels, sources, modes,
/// pattern behaviors, zones, cluster hops with hop counts and loop detection, DNS zones.
/// DOMAIN.md §2 and issue 2 §3 (steps 1–5).
@Suite struct CallControlSemanticsTests {
    typealias Cluster = InlinePlan.Cluster

    // MARK: Pre-search transforms

    // [VCS "Pre-search transforms"]: only the first matching transform (in priority order) is applied; no chaining.
    @Test func onlyTheFirstMatchingTransformIsApplied() throws {
        let plan = try InlinePlan.single(
            transforms: [
                // Listed first but priority 20: it would also match the first transform's result.
                "{name: Second, priority: 20, pattern_type: suffix, pattern_string: '@vc.example', pattern_behavior: replace, replace_string: '@chained.example'}",
                #"{name: First, priority: 10, pattern_type: regex, pattern_string: '(\d+)', pattern_behavior: replace, replace_string: '\1@vc.example'}"#,
            ],
            rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])
        let trace = TestPlans.call(plan, from: "Site", "1001")
        #expect(InlinePlan.landingAliases(trace) == ["1001@vc.example"])
        #expect(InlinePlan.decision(trace, in: plan) == "service Alice")
        #expect(trace.verdict == .local)
        // A dialled alias that only the priority-20 transform matches is rewritten by it.
        let other = TestPlans.call(plan, from: "Site", "bob@vc.example")
        #expect(InlinePlan.landingAliases(other) == ["bob@chained.example"])
    }

    // [VCS "Pre-search transforms"]: a transform whose state is disabled is not compared with the alias.
    @Test func aDisabledTransformIsSkipped() throws {
        let plan = try InlinePlan.single(
            transforms: [
                "{name: Off, priority: 5, pattern_type: prefix, pattern_string: '1', pattern_behavior: addprefix, replace_string: 'x', state: disabled}",
                #"{name: On, priority: 10, pattern_type: regex, pattern_string: '(\d+)', pattern_behavior: replace, replace_string: '\1@vc.example'}"#,
            ],
            rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])
        let trace = TestPlans.call(plan, from: "Site", "1001")
        #expect(InlinePlan.landingAliases(trace) == ["1001@vc.example"])
        #expect(trace.steps.contains { $0.kind == .transform && $0.name == "Off" && $0.status == .disabled })
        #expect(trace.verdict == .local)
    }

    // Issue 2 §3.2, [VCS "Call routing process"]: transforms run at every cluster the call enters, the site's own
    // and each one the search is passed on to.
    @Test func transformsAreAppliedAtEveryClusterTheCallEnters() throws {
        let plan = try InlinePlan.load(clusters: [
            Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
                transforms: [#"{name: Add core domain, priority: 10, pattern_type: regex, pattern_string: '(\d+)', pattern_behavior: replace, replace_string: '\1@core.example'}"#],
                zones: ["{name: ToCore, peers: [10.0.0.3]}"],
                rules: ["{name: To core, priority: 100, mode: any_alias, target: ToCore}"]),
            Cluster(
                name: "core", address: "10.0.0.3",
                transforms: ["{name: Video domain, priority: 10, pattern_type: suffix, pattern_string: '@core.example', pattern_behavior: replace, replace_string: '@vc.example'}"],
                zones: InlinePlan.pexipZones,
                rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"]),
        ])
        let trace = TestPlans.call(plan, from: "Site", "1001")
        #expect(InlinePlan.landingAliases(trace) == ["1001@vc.example"])
        #expect(InlinePlan.decision(trace, in: plan) == "service Alice")
        #expect(trace.verdict == .local)
        let applied = trace.steps.filter { $0.kind == .transform && $0.status == .matched }.compactMap(\.cluster)
        #expect(applied == ["vcs", "core"])
    }

    // [VCS "Pattern types"] issue 2 §3.4: transform behaviors strip, replace, addprefix, addsuffix.
    @Test func transformBehaviorsStripReplaceAddPrefixAddSuffix() throws {
        let plan = try InlinePlan.single(
            transforms: [
                "{name: Strip, priority: 10, pattern_type: prefix, pattern_string: 'STRIP.', pattern_behavior: strip}",
                "{name: Replace, priority: 20, pattern_type: suffix, pattern_string: '@old.example', pattern_behavior: replace, replace_string: '@vc.example'}",
                "{name: AddPrefix, priority: 30, pattern_type: suffix, pattern_string: '.alice@vc.example', pattern_behavior: addprefix, replace_string: 'meet'}",
                "{name: AddSuffix, priority: 40, pattern_type: exact, pattern_string: 'meet.alice', pattern_behavior: addsuffix, replace_string: '@vc.example'}",
            ],
            rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])
        for dialled in ["strip.meet.alice@vc.example", "meet.alice@OLD.example", ".alice@vc.example", "MEET.alice"] {
            let trace = TestPlans.call(plan, from: "Site", dialled)
            #expect(InlinePlan.decision(trace, in: plan) == "service Alice", "\(dialled)")
            #expect(trace.verdict == .local, "\(dialled)")
        }
    }

    // MARK: Search rules: order and levels

    // [VCS "Search rules"]: rules are searched in priority order (1 first), whatever their order in the file.
    @Test func searchRulesAreTriedInPriorityOrder() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Later, priority: 20, mode: any_alias, target: Pexip-Singapore}",
            "{name: Earlier, priority: 10, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(trace, in: plan)) == ["osl1", "osl2"])
        #expect(trace.verdict == .local)
    }

    // [VCS "Search rules"]: rules with the same priority form one level; all their targets are queried, so every
    // landing they find is possible (and the call is ambiguous when they span locations).
    @Test func rulesOfEqualPriorityFormOneLevelWhoseTargetsAreAllQueried() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}",
            "{name: To Singapore, priority: 100, mode: any_alias, target: Pexip-Singapore}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(trace, in: plan)) == ["osl1", "osl2", "sin1", "sin2"])
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo", "Singapore"])
        #expect(trace.verdict == .ambiguous)
    }

    // [VCS "Search rules"]: the search ends at the first level where a target finds the alias.
    @Test func theSearchEndsAtTheFirstLevelWhereATargetFindsTheAlias() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}",
            "{name: To Singapore, priority: 20, mode: any_alias, target: Pexip-Singapore}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"])
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "To Singapore").isEmpty)
        #expect(trace.steps.contains { $0.kind == .level && $0.status == .found && $0.priority == 10 })
        #expect(trace.verdict == .local)
    }

    // [VCS "Search rules"] On successful match = Continue: a level that matched but found nothing lets the search go on.
    @Test func continueGoesOnToTheNextLevelWhenNotFound() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Registered, priority: 10, mode: any_alias, progress: continue, target: LocalZone}",
            "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Registered") == [.matched])
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"])
        #expect(trace.verdict == .local)
    }

    // [VCS "Search rules"] On successful match = Stop: no lower-priority rule is tried even when the alias is not found.
    @Test func stopEndsTheSearchAfterItsLevelEvenWhenNotFound() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Registered, priority: 10, mode: any_alias, progress: stop, target: LocalZone}",
            "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.outcome.landings.isEmpty)
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "To Oslo").isEmpty)
        #expect(trace.steps.contains { $0.kind == .level && $0.status == .stopped })
        #expect(trace.verdict == .unrouted)
    }

    // [VCS "Search rules"]: after a matching Stop rule, the rules of the same priority still run (their targets are
    // queried in parallel); only lower priorities are cut off.
    @Test func stopStillLetsRulesOfTheSamePriorityRun() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Registered, priority: 10, mode: any_alias, progress: stop, target: LocalZone}",
            "{name: Same level, priority: 10, mode: any_alias, target: Pexip-Singapore}",
            "{name: Lower, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"])
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Lower").isEmpty)
        #expect(trace.verdict == .remote)
    }

    // [VCS "Search rules"]: Stop acts only on a successful match; a Stop rule whose pattern does not match stops nothing.
    @Test func stopOnlyActsWhenItsRuleMatches() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Other prefix, priority: 10, pattern_type: prefix, pattern_string: 'zzz', progress: stop, target: Pexip-Singapore}",
            "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Other prefix") == [.notMatched])
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"])
    }

    // [VCS "Search rules"] state: a disabled rule is not used.
    @Test func aDisabledSearchRuleIsSkipped() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Off, priority: 10, mode: any_alias, target: Pexip-Singapore, state: disabled}",
            "{name: To Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Off") == [.disabled])
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"])
    }

    // [VCS "Search rules"] protocol (Any / SIP / H.323): a rule applies only to calls of its protocol.
    @Test func aSearchRuleAppliesOnlyToCallsOfItsProtocol() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: H323 only, priority: 10, protocol: h323, mode: any_alias, target: Pexip-Singapore}",
            "{name: SIP only, priority: 10, protocol: sip, mode: any_alias, target: Pexip-Oslo}",
            "{name: Any protocol, priority: 20, protocol: any, mode: any_alias, target: Pexip-London}",
        ])
        let sip = TestPlans.call(plan, from: "Site", "meet.alice@vc.example", .sip)
        #expect(InlinePlan.landingLocations(sip, in: plan) == ["Oslo"])
        #expect(InlinePlan.ruleStatuses(sip, cluster: "vcs", rule: "H323 only") == [.skipped])
        let h323 = TestPlans.call(plan, from: "Site", "meet.alice@vc.example", .h323)
        #expect(InlinePlan.landingLocations(h323, in: plan) == ["Singapore"])
        #expect(InlinePlan.ruleStatuses(h323, cluster: "vcs", rule: "SIP only") == [.skipped])
    }

    // MARK: Search rules: sources

    /// A site cluster `vcs` whose only rule sends everything to `core`, where `coreRules` decide; `core` has a
    /// zone pointing back at `vcs` when `zoneBack`, and a subzone CoreSZ with a site of its own.
    private func coreSourcePlan(coreRules: [String], zoneBack: Bool) throws -> DialPlan {
        try InlinePlan.load(
            clusters: [
                Cluster(
                    name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
                    zones: ["{name: ToCore, peers: [10.0.0.3]}"],
                    rules: ["{name: To core, priority: 100, source_mode: localzone, mode: any_alias, target: ToCore}"]),
                Cluster(
                    name: "core", address: "10.0.0.3", subzones: ["CoreSZ"],
                    zones: InlinePlan.pexipZones + (zoneBack ? ["{name: ToFront, peers: [10.0.0.2]}"] : []),
                    rules: coreRules + ["{name: Fallback, priority: 900, source_mode: any, mode: any_alias, target: Pexip-Oslo}"]),
            ],
            sites: [
                InlinePlan.site,
                "{name: Core Site, registers_to: core, subzone: CoreSZ, local_locations: [Oslo]}",
            ])
    }

    // [VCS "Search rules"] Source LocalZone: locally registered endpoints only, not calls from a neighbor cluster.
    @Test func sourceLocalZoneMatchesOnlyLocallyRegisteredEndpoints() throws {
        let plan = try coreSourcePlan(
            coreRules: ["{name: Local only, priority: 10, source_mode: localzone, mode: any_alias, target: Pexip-Singapore}"],
            zoneBack: true)
        let viaNeighbor = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaNeighbor, cluster: "vcs", rule: "To core") == [.matched])
        #expect(InlinePlan.ruleStatuses(viaNeighbor, cluster: "core", rule: "Local only") == [.skipped])
        #expect(InlinePlan.landingLocations(viaNeighbor, in: plan) == ["Oslo"])
        let registered = TestPlans.call(plan, from: "Core Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(registered, in: plan) == ["Singapore"])
    }

    // [VCS "Search rules"] Source AllZones: registered endpoints and neighbor/traversal zones, not the Default Zone.
    @Test func sourceAllZonesMatchesNeighborZonesButNotTheDefaultZone() throws {
        let rule = "{name: All zones, priority: 10, source_mode: allzones, mode: any_alias, target: Pexip-Singapore}"
        let withZone = try coreSourcePlan(coreRules: [rule], zoneBack: true)
        let viaNeighbor = TestPlans.call(withZone, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaNeighbor, cluster: "core", rule: "All zones") == [.matched])
        #expect(InlinePlan.landingLocations(viaNeighbor, in: withZone) == ["Singapore"])
        #expect(InlinePlan.landingLocations(TestPlans.call(withZone, from: "Core Site", "meet.alice@vc.example"), in: withZone) == ["Singapore"])

        let withoutZone = try coreSourcePlan(coreRules: [rule], zoneBack: false)
        let viaDefault = TestPlans.call(withoutZone, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaDefault, cluster: "core", rule: "All zones") == [.skipped])
        #expect(InlinePlan.landingLocations(viaDefault, in: withoutZone) == ["Oslo"])
    }

    // [VCS "Search rules"] Source Any: registered endpoints, neighbor zones and the Default Zone.
    @Test func sourceAnyMatchesTheDefaultZoneToo() throws {
        let rule = "{name: Any source, priority: 10, source_mode: any, mode: any_alias, target: Pexip-Singapore}"
        for zoneBack in [true, false] {
            let plan = try coreSourcePlan(coreRules: [rule], zoneBack: zoneBack)
            let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"], "zone back: \(zoneBack)")
        }
    }

    // [VCS "Search rules"] Source Named (a subzone): only endpoints registered in that subzone.
    @Test func sourceNamedSubzoneMatchesOnlyThatSubzone() throws {
        let plan = try TestPlans.load(TestPlans.minimal)
        let oslo = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(oslo, in: plan)) == ["osl1", "osl2"])
        #expect(InlinePlan.ruleStatuses(oslo, cluster: "vcs", rule: "Singapore") == [.skipped])
        let singapore = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(singapore, in: plan)) == ["sin1", "sin2"])
        #expect(InlinePlan.ruleStatuses(singapore, cluster: "vcs", rule: "Oslo") == [.skipped])
    }

    // Issue 2 §3.5, [VCS "Search rules"] Source Named (a zone): a call passed on by another cluster comes from the
    // receiving cluster's zone that points back at the sender.
    @Test func aCallFromAnotherClusterComesFromTheZonePointingBack() throws {
        let plan = try coreSourcePlan(
            coreRules: ["{name: From front, priority: 10, source_mode: named, source_name: ToFront, mode: any_alias, target: Pexip-Singapore}"],
            zoneBack: true)
        let viaNeighbor = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaNeighbor, cluster: "core", rule: "From front") == [.matched])
        #expect(InlinePlan.landingLocations(viaNeighbor, in: plan) == ["Singapore"])
        let registered = TestPlans.call(plan, from: "Core Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(registered, cluster: "core", rule: "From front") == [.skipped])
        #expect(InlinePlan.landingLocations(registered, in: plan) == ["Oslo"])
    }

    // Issue 2 §3.5, [VCS "Default Zone"]: when no zone of the receiving cluster points back at the sender, the call
    // comes from the Default Zone.
    @Test func aCallFromAnotherClusterComesFromTheDefaultZoneWhenNoZonePointsBack() throws {
        let rule = "{name: From default, priority: 10, source_mode: named, source_name: DefaultZone, mode: any_alias, target: Pexip-Singapore}"
        let withoutZone = try coreSourcePlan(coreRules: [rule], zoneBack: false)
        let viaDefault = TestPlans.call(withoutZone, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaDefault, cluster: "core", rule: "From default") == [.matched])
        #expect(InlinePlan.landingLocations(viaDefault, in: withoutZone) == ["Singapore"])
        let withZone = try coreSourcePlan(coreRules: [rule], zoneBack: true)
        let viaZone = TestPlans.call(withZone, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.ruleStatuses(viaZone, cluster: "core", rule: "From default") == [.skipped])
        #expect(InlinePlan.landingLocations(viaZone, in: withZone) == ["Oslo"])
    }

    // MARK: Search rules: modes

    // [VCS "Search rules"] Mode AnyAlias: the rule matches every alias but an IP address (VCSModelTests has those).
    @Test func modeAnyAliasMatchesEveryAliasThatIsNoIPAddress() throws {
        let plan = try InlinePlan.single(rules: ["{name: Anything, priority: 10, mode: any_alias, target: Pexip-Oslo}"])
        for alias in ["meet.alice@vc.example", "whatever", "10.9.9.9.example", "sip:x@y.example;transport=tls"] {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Anything") == [.matched], "\(alias)")
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"], "\(alias)")
        }
    }

    // [VCS "Search rules"] Mode AnyIPAddress: the rule matches only aliases that are IP addresses.
    @Test func modeAnyIPAddressMatchesOnlyIPAddresses() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: IP dialling, priority: 10, mode: any_ip_address, target: Pexip-Singapore}",
            "{name: Others, priority: 20, mode: any_alias, target: Pexip-Oslo}",
        ])
        for alias in ["10.9.9.9", "alice@192.0.2.50", "sip:192.0.2.50", "2001:db8::1"] {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"], "\(alias)")
        }
        for alias in ["meet.alice@vc.example", "1001", "10.9.9.9.example"] {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "IP dialling") == [.notMatched], "\(alias)")
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"], "\(alias)")
        }
    }

    // MARK: Search rules: pattern behavior

    // [VCS "Search rules"] Pattern behavior Leave: the alias is sent to the target unchanged.
    @Test func patternBehaviorLeaveSendsTheAliasUnchanged() throws {
        let plan = try InlinePlan.single(rules: ["{name: Leave, priority: 10, pattern_type: prefix, pattern_string: 'meet.', pattern_behavior: leave, target: Pexip-Oslo}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingAliases(trace) == ["meet.alice@vc.example"])
    }

    // [VCS "Search rules"] issue 2 §3.4: Strip removes the matched prefix or suffix from the alias sent to the target.
    @Test func patternBehaviorStripRemovesTheMatchedPart() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Strip prefix, priority: 10, pattern_type: prefix, pattern_string: 'PFX-', pattern_behavior: strip, target: Pexip-Oslo}",
            "{name: Strip suffix, priority: 10, pattern_type: suffix, pattern_string: '.lab', pattern_behavior: strip, target: Pexip-Singapore}",
        ])
        let prefixed = TestPlans.call(plan, from: "Site", "pfx-meet.alice@vc.example")
        #expect(InlinePlan.landingAliases(prefixed) == ["meet.alice@vc.example"])
        #expect(InlinePlan.decision(prefixed, in: plan) == "service Alice")
        let suffixed = TestPlans.call(plan, from: "Site", "meet.alice@vc.example.lab")
        #expect(InlinePlan.landingAliases(suffixed) == ["meet.alice@vc.example"])
        #expect(InlinePlan.landingLocations(suffixed, in: plan) == ["Singapore"])
    }

    // [VCS "Search rules"] issue 2 §3.4: Replace puts the replace string in place of the matched part; for a regex the
    // whole alias becomes the expanded replacement.
    @Test func patternBehaviorReplaceRewritesTheAliasSentToTheTarget() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Literal, priority: 10, pattern_type: prefix, pattern_string: 'room-', pattern_behavior: replace, replace_string: 'meet.', target: Pexip-Oslo}",
            #"{name: Regex, priority: 10, pattern_type: regex, pattern_string: '(\d+)@old\.example', pattern_behavior: replace, replace_string: '\1@vc.example', target: Pexip-Singapore}"#,
        ])
        let literal = TestPlans.call(plan, from: "Site", "room-alice@vc.example")
        #expect(InlinePlan.landingAliases(literal) == ["meet.alice@vc.example"])
        let regex = TestPlans.call(plan, from: "Site", "1001@OLD.example")
        #expect(InlinePlan.landingAliases(regex) == ["1001@vc.example"])
        #expect(InlinePlan.decision(regex, in: plan) == "service Alice")
    }

    // [VCS "Search rules"]: a rule's pattern behavior changes only the alias sent to that rule's target; the next
    // rule still sees the alias as it was before the rule.
    @Test func aRulesRewriteDoesNotChangeTheAliasTheNextRuleSees() throws {
        let plan = try InlinePlan.single(
            rules: [
                "{name: Mangle, priority: 10, pattern_type: prefix, pattern_string: '8', pattern_behavior: replace, replace_string: 'X', target: Pexip-Oslo}",
                #"{name: Original, priority: 20, pattern_type: regex, pattern_string: '8(\d+@vc\.example)', pattern_behavior: replace, replace_string: '\1', target: Pexip-Singapore}"#,
            ],
            gatewayRules: [])
        let trace = TestPlans.call(plan, from: "Site", "81001@vc.example")
        #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Original") == [.matched])
        #expect(InlinePlan.landingAliases(trace) == ["1001@vc.example"])
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"])
        #expect(trace.steps.contains { $0.kind == .searchRule && $0.name == "Mangle" && $0.rewrittenAlias == "X1001@vc.example" })
    }

    // MARK: Zones

    // Issue 2 §3.5: peers in maintenance mode accept no new calls and are skipped; every other peer may take the call.
    @Test func peersInMaintenanceModeAreSkipped() throws {
        var nodes = InlinePlan.nodes
        nodes[1] = "{name: osl2, address: 10.1.0.2, system_location: Oslo, maintenance_mode: true}"
        let plan = try InlinePlan.single(rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"], nodes: nodes)
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["osl1"])
        #expect(trace.steps.contains { $0.kind == .pexipNode && $0.name == "osl2" && $0.status == .skipped })
        #expect(trace.verdict == .local)
    }

    // Issue 2 §3.5: a zone whose every Pexip peer is in maintenance finds nothing; the search goes on.
    @Test func aZoneWithEveryPeerInMaintenanceFindsNothing() throws {
        var nodes = InlinePlan.nodes
        nodes[0] = "{name: osl1, address: 10.1.0.1, system_location: Oslo, maintenance_mode: true}"
        nodes[1] = "{name: osl2, address: 10.1.0.2, system_location: Oslo, maintenance_mode: true}"
        let alone = try InlinePlan.single(rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"], nodes: nodes)
        let unrouted = TestPlans.call(alone, from: "Site", "meet.alice@vc.example")
        #expect(unrouted.outcome.landings.isEmpty)
        #expect(unrouted.verdict == .unrouted)
        let withNext = try InlinePlan.single(
            rules: [
                "{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}",
                "{name: To Singapore, priority: 20, mode: any_alias, target: Pexip-Singapore}",
            ],
            nodes: nodes)
        let next = TestPlans.call(withNext, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(next, in: withNext) == ["Singapore"])
    }

    // Issue 2 §3.5: a neighbor zone whose peers are another cluster's addresses continues the search there.
    @Test func aZoneToAnotherClusterContinuesTheSearchThere() throws {
        let plan = try InlinePlan.load(clusters: [
            Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
                zones: ["{name: ToCore, peers: [10.0.0.3]}"],
                rules: ["{name: To core, priority: 100, mode: any_alias, target: ToCore}"]),
            Cluster(
                name: "core", address: "10.0.0.3",
                zones: InlinePlan.pexipZones,
                rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"]),
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(trace, in: plan)) == ["osl1", "osl2"])
        #expect(trace.verdict == .local)
        let route = try #require(trace.outcome.landings.first?.route)
        #expect(route.map { plan.clusters[$0.cluster!].name } == ["vcs", "core"])
        #expect(trace.steps.contains { $0.kind == .cluster && $0.cluster == "core" && $0.detail.contains("14 hops left") })
    }

    /// Four clusters in a chain a → b → c → d; only d sends calls to Pexip. a's zone to b has `hopCount`.
    private func chain(hopCount: Int) throws -> DialPlan {
        try InlinePlan.load(
            clusters: [
                Cluster(name: "a", address: "10.0.0.1", subzones: ["SZ"], zones: ["{name: ToB, peers: [10.0.0.2], hop_count: \(hopCount)}"],
                        rules: ["{name: Next, priority: 100, mode: any_alias, target: ToB}"]),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToC, peers: [10.0.0.3]}"],
                        rules: ["{name: Next, priority: 100, mode: any_alias, target: ToC}"]),
                Cluster(name: "c", address: "10.0.0.3", zones: ["{name: ToD, peers: [10.0.0.4]}"],
                        rules: ["{name: Next, priority: 100, mode: any_alias, target: ToD}"]),
                Cluster(name: "d", address: "10.0.0.4", zones: InlinePlan.pexipZones,
                        rules: ["{name: To Oslo, priority: 100, mode: any_alias, target: Pexip-Oslo}"]),
            ],
            sites: ["{name: Site, registers_to: a, subzone: SZ, local_locations: [Oslo]}"])
    }

    // [VCS "Hop counts"]: the zone's hop count caps the search it sends and is decremented at each hop; three hops
    // need a hop count of at least 3.
    @Test func theHopCountIsDecrementedAtEachHop() throws {
        let enough = try chain(hopCount: 3)
        let arrives = TestPlans.call(enough, from: "Site", "meet.alice@vc.example")
        #expect(arrives.verdict == .local)
        #expect(Set(TestPlans.nodes(arrives, in: enough)) == ["osl1", "osl2"])

        let short = try chain(hopCount: 2)
        let runsOut = TestPlans.call(short, from: "Site", "meet.alice@vc.example")
        #expect(runsOut.outcome.landings.isEmpty)
        #expect(InlinePlan.failureKinds(runsOut).contains(.hopLimit))
    }

    // [VCS "Hop counts"] issue 2 §3.5/§3.8: an exhausted hop count ends the search as a loop, even when the alias
    // changes at every hop so that loop detection never fires.
    @Test func anExhaustedHopCountEndsAsLoop() throws {
        let plan = try InlinePlan.load(
            clusters: [
                Cluster(name: "a", address: "10.0.0.1", subzones: ["SZ"],
                        transforms: ["{name: Grow, priority: 10, pattern_type: regex, pattern_string: '.+', pattern_behavior: addprefix, replace_string: 'x'}"],
                        zones: ["{name: ToB, peers: [10.0.0.2]}"],
                        rules: ["{name: To b, priority: 100, mode: any_alias, target: ToB}"]),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToA, peers: [10.0.0.1]}"],
                        rules: ["{name: To a, priority: 100, mode: any_alias, target: ToA}"]),
            ],
            sites: ["{name: Site, registers_to: a, subzone: SZ, local_locations: [Oslo]}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.outcome.landings.isEmpty)
        #expect(InlinePlan.failureKinds(trace).contains(.hopLimit))
        #expect(!InlinePlan.failureKinds(trace).contains(.loop))
        #expect(trace.verdict == .loop)
        #expect(trace.steps.contains { $0.kind == .hop && $0.status == .loop })
    }

    // [VCS loop detection] issue 2 §3.5: searching the same (cluster, alias, protocol, source) again is a loop.
    @Test func aRepeatedSearchOfTheSameAliasProtocolAndSourceIsALoop() throws {
        let plan = try InlinePlan.load(
            clusters: [
                Cluster(name: "a", address: "10.0.0.1", subzones: ["SZ"], zones: ["{name: ToB, peers: [10.0.0.2]}"],
                        rules: ["{name: To b, priority: 100, mode: any_alias, target: ToB}"]),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToA, peers: [10.0.0.1]}"],
                        rules: ["{name: To a, priority: 100, mode: any_alias, target: ToA}"]),
            ],
            sites: ["{name: Site, registers_to: a, subzone: SZ, local_locations: [Oslo]}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.outcome.landings.isEmpty)
        #expect(InlinePlan.failureKinds(trace).contains(.loop))
        #expect(trace.verdict == .loop)
        #expect(trace.steps.contains { $0.kind == .loop && $0.status == .loop })
    }

    // [VCS loop detection]: the loop key includes the alias; a cluster searched again from the same source for
    // another alias is not a loop.
    @Test func revisitingAClusterWithAnotherAliasIsNotALoop() throws {
        let plan = try InlinePlan.load(
            clusters: [
                Cluster(name: "a", address: "10.0.0.1", subzones: ["SZ"],
                        zones: InlinePlan.pexipZones + ["{name: ToB, peers: [10.0.0.2]}"],
                        rules: [
                            "{name: Video domain, priority: 10, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Oslo}",
                            "{name: Others to b, priority: 20, mode: any_alias, target: ToB}",
                        ]),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToA, peers: [10.0.0.1]}"],
                        rules: [
                            "{name: B to C, priority: 10, pattern_type: suffix, pattern_string: '@b.example', pattern_behavior: replace, replace_string: '@c.example', target: ToA}",
                            "{name: C to video, priority: 10, pattern_type: suffix, pattern_string: '@c.example', pattern_behavior: replace, replace_string: '@vc.example', target: ToA}",
                        ]),
            ],
            sites: ["{name: Site, registers_to: a, subzone: SZ, local_locations: [Oslo]}"])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@b.example")
        #expect(trace.verdict == .local)
        #expect(InlinePlan.decision(trace, in: plan) == "service Alice")
        #expect(!trace.steps.contains { $0.kind == .loop })
        // a (SZ) → b (ToA) → a (ToB) → b (ToA, another alias) → a (ToB) → Pexip-Oslo
        let route = try #require(trace.outcome.landings.first?.route)
        #expect(route.map { plan.clusters[$0.cluster!].name } == ["a", "b", "a", "b", "a"])
    }

    // MARK: DNS zones

    private func dnsPlan(_ records: [String]) throws -> DialPlan {
        try InlinePlan.single(
            zones: ["{name: Internet, type: dns}"],
            rules: ["{name: B2B, priority: 10, mode: any_alias, target: Internet}"],
            dns: records)
    }

    // Issue 2 §3.5, [VCS "DNS zones"]: a DNS zone looks up the alias's domain: SRV records first, before A records.
    @Test func aDNSZoneResolvesSRVRecordsBeforeARecords() throws {
        let plan = try dnsPlan([
            "{name: _sips._tcp.partner.example, type: SRV, values: ['10 10 5061 px.partner.example']}",
            "{name: px.partner.example, type: A, values: [10.2.0.1]}",
            "{name: partner.example, type: A, values: [10.1.0.1]}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "sip:bob@partner.example;transport=tls")
        #expect(TestPlans.nodes(trace, in: plan) == ["sin1"])
        #expect(trace.steps.contains { $0.kind == .dns && $0.status == .found && $0.detail.contains("SRV") })
    }

    // [VCS "DNS zones"]: among a name's SRV records, those with the lowest priority value are used.
    @Test func aDNSZoneUsesTheSRVTargetsWithTheLowestPriorityValue() throws {
        let plan = try dnsPlan([
            "{name: _sips._tcp.partner.example, type: SRV, values: ['20 10 5061 backup.partner.example', '10 10 5061 px.partner.example']}",
            "{name: px.partner.example, type: A, values: [10.2.0.1]}",
            "{name: backup.partner.example, type: A, values: [10.1.0.1]}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "bob@partner.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["sin1"])
    }

    // [VCS "DNS zones"]: the SRV names looked up depend on the protocol (SIP: _sips._tcp/_sip._tcp, H.323: _h323cs._tcp).
    @Test func aDNSZoneLooksUpTheSRVNamesOfTheCallsProtocol() throws {
        let plan = try dnsPlan([
            "{name: _sip._tcp.partner.example, type: SRV, values: ['10 10 5060 sip.partner.example']}",
            "{name: _h323cs._tcp.partner.example, type: SRV, values: ['10 10 1720 h323.partner.example']}",
            "{name: sip.partner.example, type: A, values: [10.2.0.1]}",
            "{name: h323.partner.example, type: A, values: [10.3.0.1]}",
        ])
        #expect(TestPlans.nodes(TestPlans.call(plan, from: "Site", "bob@partner.example", .sip), in: plan) == ["sin1"])
        #expect(TestPlans.nodes(TestPlans.call(plan, from: "Site", "bob@partner.example", .h323), in: plan) == ["lon1"])
    }

    // Issue 2 §3.5: without an SRV record the DNS zone uses the domain's A records.
    @Test func aDNSZoneFallsBackToARecordsWithoutSRV() throws {
        let plan = try dnsPlan(["{name: partner.example, type: A, values: [10.3.0.1]}"])
        let trace = TestPlans.call(plan, from: "Site", "bob@partner.example")
        #expect(TestPlans.nodes(trace, in: plan) == ["lon1"])
    }

    // Issue 2 §3.5/§3.8: a domain with no record in the plan (or an alias with no domain) finds nothing.
    @Test func aDNSZoneWithNoRecordForTheDomainFindsNothing() throws {
        let plan = try dnsPlan(["{name: partner.example, type: A, values: [10.3.0.1]}"])
        let unknown = TestPlans.call(plan, from: "Site", "bob@elsewhere.example")
        #expect(unknown.outcome.landings.isEmpty)
        #expect(unknown.verdict == .unrouted)
        let noDomain = TestPlans.call(plan, from: "Site", "1001")
        #expect(noDomain.verdict == .unrouted)
    }
}
