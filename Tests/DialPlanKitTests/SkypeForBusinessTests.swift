@testable import DialPlanKit
import Foundation
import Testing

/// Skype for Business / Lync static routes (issue 4): which static routing configuration applies to a Skype user,
/// which route a call takes, where its destination resolves, what Pexip does with the call, the lints on routes and
/// nodes, the check groups that blame a route, loading errors, the samples, and the `trace` and `check` commands.
///
/// Source keys: [MS] Microsoft's New-CsStaticRoute / Set-CsStaticRoutingConfiguration reference,
/// [PX-sfb/dmz_infinity_config] Pexip's Skype for Business integration guide, [PX-API] the Pexip Management API
/// schema, [PX-configuring_gateway_rules] Pexip's Call Routing Rules page. See ../shared/DOMAIN.md §1 and §2.
@Suite struct SkypeForBusinessTests {

    // MARK: Plans

    /// Two locations (Oslo, Singapore) that both serve the Skype domain vc.example, two nodes each with their SIP TLS
    /// FQDN, the call control of `TestPlans.minimal`, two Skype pools (EMEA, APAC), and a site per region homed on
    /// its region's pool. Parts are given as flow-style items; `configurations` come from `configuration(_:_:)`.
    static func plan(
        configurations: [String],
        trusted: [String] = [],
        locations: [String] = defaultLocations,
        nodes: [String] = defaultNodes,
        conferences: [String] = defaultConferences,
        rules: [String] = [],
        dns: [String] = defaultDNS,
        pools: String = "[sfb-emea.example, sfb-apac.example]",
        sites: [String] = defaultSites
    ) -> String {
        var lines = ["pexip:", "  system_locations:"] + locations.map { "    - \($0)" }
        lines += ["  worker_vms:"] + nodes.map { "    - \($0)" }
        lines += ["  conferences:"] + conferences.map { "    - \($0)" }
        if !rules.isEmpty { lines += ["  gateway_routing_rules:"] + rules.map { "    - \($0)" } }
        lines += callControl
        if !dns.isEmpty { lines += ["dns:"] + dns.map { "  - \($0)" } }
        lines += ["skype_for_business:", "  pools: \(pools)"]
        if !configurations.isEmpty { lines += ["  static_routing_configurations:"] + configurations }
        if !trusted.isEmpty { lines += ["  trusted_application_pools:"] + trusted.map { "    - \($0)" } }
        lines += ["sites:"] + sites.map { "  - \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One static routing configuration with its routes (flow-style mappings), indented for `plan`.
    static func configuration(_ identity: String, _ routes: String...) -> String {
        (["    - identity: \(identity)", "      routes:"] + routes.map { "        - \($0)" }).joined(separator: "\n")
    }

    static let defaultLocations = [
        "{name: Oslo, local_mssip_domain: vc.example}",
        "{name: Singapore, local_mssip_domain: vc.example}",
    ]

    static let defaultNodes = [
        "{name: osl1, address: 10.1.0.1, system_location: Oslo, alternative_fqdn: osl1.vc.example}",
        "{name: osl2, address: 10.1.0.2, system_location: Oslo, alternative_fqdn: osl2.vc.example}",
        "{name: sin1, address: 10.2.0.1, system_location: Singapore, alternative_fqdn: sin1.vc.example}",
        "{name: sin2, address: 10.2.0.2, system_location: Singapore, alternative_fqdn: sin2.vc.example}",
    ]

    static let defaultConferences = [#"{name: Alice, aliases: [meet.alice@vc.example, "1001"]}"#]

    /// The trusted application pool names as DNS A records for the nodes of each region.
    static let defaultDNS = [
        "{name: pexip-oslo.vc.example, type: A, values: [10.1.0.1, 10.1.0.2]}",
        "{name: pexip-sin.vc.example, type: A, values: [10.2.0.1, 10.2.0.2]}",
    ]

    static let defaultSites = [
        "{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emea.example}",
        "{name: Singapore Office, registers_to: vcs, subzone: SingaporeSZ, local_locations: [Singapore], sfb_pool: sfb-apac.example}",
    ]

    static let callControl = [
        "call_control:",
        "  - name: vcs",
        "    addresses: [10.0.0.2]",
        "    subzones: [OsloSZ, SingaporeSZ]",
        "    zones:",
        "      - {name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.2]}",
        "      - {name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}",
        "    search_rules:",
        "      - {name: Oslo, priority: 100, source_mode: named, source_name: OsloSZ, pattern_type: regex, pattern_string: '.*', target: Pexip-Oslo}",
        "      - {name: Singapore, priority: 100, source_mode: named, source_name: SingaporeSZ, pattern_type: regex, pattern_string: '.*', target: Pexip-Singapore}",
    ]

    /// The correct setup: the global configuration sends vc.example to Oslo, the APAC pool's own to Singapore.
    static let globalToOslo = configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, port: 5061, transport: tls}")
    static let apacToSingapore = configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: pexip-sin.vc.example, port: 5061, transport: tls}")

    // MARK: Helpers

    static func report(_ plan: DialPlan) -> CheckReport {
        CheckReport(simulation: Simulation(plan: plan, workers: 2))
    }

    /// Plan findings (lints) of one check.
    static func findings(_ plan: DialPlan, check: String) -> [Diagnostic] {
        report(plan).findings.filter { $0.check?.rawValue == check }
    }

    /// Check groups of Skype for Business calls.
    static func skypeGroups(_ report: CheckReport) -> [CallGroup] {
        report.groups.filter { group in group.calls.allSatisfy { $0.callProtocol == .mssip } }
    }

    /// Whether a landing was taken by the Call Routing Rule at `index`.
    static func isGatewayRule(_ landing: Landing, _ index: Int) -> Bool {
        if case .gatewayRule(let rule, _) = landing.decision { return rule.index == index }
        return false
    }

    static func staticRouteSteps(_ trace: CallTrace) -> [TraceStep] {
        trace.steps.filter { $0.kind == .staticRoute }
    }

    /// Where the `occurrence`-th `needle` starts in `text` (plan.yaml, 1-based), moved right by `offset` columns.
    static func position(of needle: String, occurrence: Int = 1, in text: String, offset: Int = 0, file: String = "plan.yaml") -> DialPlanKit.SourceLocation {
        var seen = 0
        var searchStart = text.startIndex
        while let range = text.range(of: needle, range: searchStart..<text.endIndex) {
            seen += 1
            if seen == occurrence {
                let before = text[..<range.lowerBound]
                let line = before.filter { $0 == "\n" }.count + 1
                let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
                return DialPlanKit.SourceLocation(file: file, line: line, column: text.distance(from: lineStart, to: range.lowerBound) + 1 + offset)
            }
            searchStart = text.index(after: range.lowerBound)
        }
        Issue.record("'\(needle)' (occurrence \(occurrence)) is not in the plan")
        return DialPlanKit.SourceLocation(file: file, line: -1, column: -1)
    }

    /// Where a flow-style route starts: its opening brace, found from text in it.
    static func routeLocation(_ text: String, occurrence: Int = 1, in yaml: String) -> DialPlanKit.SourceLocation {
        let start = position(of: text, occurrence: occurrence, in: yaml)
        let lines = yaml.components(separatedBy: "\n")
        guard start.line >= 1, let brace = lines[start.line - 1].firstIndex(of: "{") else { return start }
        return DialPlanKit.SourceLocation(file: start.file, line: start.line, column: lines[start.line - 1].distance(from: lines[start.line - 1].startIndex, to: brace) + 1)
    }

    /// Expects exactly one diagnostic whose message contains every fragment, at `location` (when given).
    @discardableResult
    static func expectOne(
        _ diagnostics: [Diagnostic], containing fragments: [String], at location: DialPlanKit.SourceLocation?,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Diagnostic? {
        let matching = diagnostics.filter { diagnostic in fragments.allSatisfy { diagnostic.message.contains($0) } }
        #expect(matching.count == 1, "one diagnostic with \(fragments) among \(diagnostics.map(\.description))", sourceLocation: sourceLocation)
        guard let first = matching.first else { return nil }
        if let location {
            #expect(first.location == location, "\(first.description)", sourceLocation: sourceLocation)
        }
        return first
    }

    // MARK: Which configuration applies

    // [MS] Set-CsStaticRoutingConfiguration: a `service:Registrar:<pool>` configuration applies to the users homed on
    // that pool; the `global` one to users of every pool without its own; with neither, Skype has no route.
    @Test func thePoolsOwnConfigurationAppliesElseTheGlobalOneElseTheCallIsUnrouted() throws {
        let plan = try TestPlans.load(Self.plan(configurations: [Self.globalToOslo, Self.apacToSingapore]))
        let apac = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip)
        #expect(apac.verdict == .local)
        #expect(TestPlans.nodes(apac, in: plan).sorted() == ["sin1", "sin2"])
        let apacStep = try #require(apac.steps.first { $0.kind == .sfbConfiguration })
        #expect(apacStep.name == "service:Registrar:sfb-apac.example")
        #expect(!apacStep.detail.contains("has none of its own"))

        let emea = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(emea.verdict == .local)
        #expect(TestPlans.nodes(emea, in: plan).sorted() == ["osl1", "osl2"])
        let emeaStep = try #require(emea.steps.first { $0.kind == .sfbConfiguration })
        #expect(emeaStep.name == "global")
        #expect(emeaStep.detail.contains("the pool has none of its own"))

        // The pool's own configuration wins wherever it is listed.
        let reordered = try TestPlans.load(Self.plan(configurations: [Self.apacToSingapore, Self.globalToOslo]))
        #expect(TestPlans.nodes(TestPlans.call(reordered, from: "Singapore Office", "meet.alice@vc.example", .mssip), in: reordered).sorted() == ["sin1", "sin2"])

        // Pool names compare without case, in the identity and in a site's sfb_pool.
        let mixedCase = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo, Self.configuration("SERVICE:registrar:SFB-APAC.example", "{match_uri: vc.example, destination: pexip-sin.vc.example}")],
            sites: ["{name: Singapore Office, registers_to: vcs, subzone: SingaporeSZ, local_locations: [Singapore], sfb_pool: Sfb-Apac.Example}"]))
        #expect(TestPlans.nodes(TestPlans.call(mixedCase, from: "Singapore Office", "meet.alice@vc.example", .mssip), in: mixedCase).sorted() == ["sin1", "sin2"])

        // No global configuration: the EMEA pool's users have no static route at all.
        let noGlobalYAML = Self.plan(configurations: [Self.apacToSingapore])
        let noGlobal = try TestPlans.load(noGlobalYAML)
        let unrouted = TestPlans.call(noGlobal, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(unrouted.verdict == .unrouted)
        #expect(unrouted.outcome.landings.isEmpty)
        #expect(unrouted.steps.contains { $0.kind == .sfbConfiguration && $0.status == .notFound })
        let report = Self.report(noGlobal)
        let group = try #require(Self.skypeGroups(report).first { $0.verdict == .unrouted })
        #expect(group.diagnostic.message.contains("no static routing configuration applies to their pool"))
        // Located at the skype_for_business section (no configuration is to blame).
        #expect(group.diagnostic.location == Self.position(of: "pools:", in: noGlobalYAML))
        let osloOffice = try #require(noGlobal.siteIndex(named: "Oslo Office"))
        #expect(Set(group.calls.map(\.site)) == [osloOffice])
        #expect(!report.passes())
    }

    // MARK: Which route a call takes

    // [MS] New-CsStaticRoute / Set-CsStaticRoutingConfiguration -Route: routes are tried in order and the first
    // enabled route whose MatchUri matches is taken; later routes are not tried.
    // A Skype call's search depends on its pool's configuration only: pools that get the same configuration are
    // searched once, and each site's trace still names its own pool.
    @Test func poolsWithTheSameConfigurationShareOneSearch() throws {
        let plan = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo, Self.apacToSingapore],
            pools: "[sfb-emea.example, sfb-apac.example, sfb-nordic.example]",
            sites: Self.defaultSites + ["{name: Bergen Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-nordic.example}"]))
        let simulation = Simulation(plan: plan, workers: 2)
        // Bergen shares Oslo's subzone too, so the plan without Bergen has as many rows.
        let skypeOnly = try TestPlans.load(Self.plan(configurations: [Self.globalToOslo, Self.apacToSingapore], sites: Self.defaultSites))
        #expect(simulation.searchedRowCount == Simulation(plan: skypeOnly, workers: 1).searchedRowCount)
        let oslo = try #require(plan.siteIndex(named: "Oslo Office"))
        let bergen = try #require(plan.siteIndex(named: "Bergen Office"))
        for alias in simulation.aliases.indices {
            let a = simulation.call(site: oslo, alias: DialledAliasID(alias), protocol: .mssip)
            let b = simulation.call(site: bergen, alias: DialledAliasID(alias), protocol: .mssip)
            #expect((a == nil) == (b == nil))
            if let a, let b { #expect(simulation.outcome(of: a) == simulation.outcome(of: b)) }
        }
        let trace = TestPlans.call(plan, from: "Bergen Office", "meet.alice@vc.example", .mssip)
        let step = try #require(trace.steps.first { $0.kind == .sfbConfiguration })
        #expect(step.detail.contains("sfb-nordic.example"))
        #expect(TestPlans.nodes(trace, in: plan).sorted() == ["osl1", "osl2"])
    }

    @Test func routesAreTriedInOrderAndTheFirstEnabledMatchWins() throws {
        let global = Self.configuration(
            "global",
            "{match_uri: other.example, destination: pexip-oslo.vc.example}",
            "{match_uri: vc.example, destination: pexip-sin.vc.example}",
            "{match_uri: vc.example, destination: pexip-oslo.vc.example}")
        let plan = try TestPlans.load(Self.plan(configurations: [global]))
        let trace = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(trace, in: plan).sorted() == ["sin1", "sin2"])
        #expect(trace.verdict == .remote)
        let steps = Self.staticRouteSteps(trace)
        #expect(steps.map(\.status) == [.notMatched, .matched])
        #expect(steps.map(\.name) == ["other.example", "vc.example"])
        // The landing's route names the second route of the configuration.
        let hop = try #require(trace.outcome.landings.first?.route.last)
        #expect(hop.isSkypeForBusiness)
        #expect(hop.staticRoute?.route == 1)
    }

    // [MS] New-CsStaticRoute -Enabled $False: a disabled route is never taken.
    @Test func aDisabledRouteIsSkipped() throws {
        let global = Self.configuration(
            "global",
            "{match_uri: vc.example, destination: pexip-sin.vc.example, enabled: false}",
            "{match_uri: vc.example, destination: pexip-oslo.vc.example}")
        let plan = try TestPlans.load(Self.plan(configurations: [global]))
        let trace = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(trace.verdict == .local)
        #expect(TestPlans.nodes(trace, in: plan).sorted() == ["osl1", "osl2"])
        #expect(Self.staticRouteSteps(trace).map(\.status) == [.disabled, .matched])

        // Only a disabled route: no route matches.
        let onlyDisabled = try TestPlans.load(Self.plan(configurations: [
            Self.configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, enabled: false}")
        ]))
        #expect(TestPlans.call(onlyDisabled, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .unrouted)
    }

    // [MS] New-CsStaticRoute -MatchUri: "*.domain" matches the domain's subdomains, not the domain itself.
    @Test func wildcardMatchUriMatchesSubdomainsButNotTheDomainItself() throws {
        let global = Self.configuration("global", "{match_uri: '*.vc.example', destination: pexip-oslo.vc.example}")
        let yaml = Self.plan(
            configurations: [global],
            conferences: Self.defaultConferences + ["{name: Eve, aliases: [meet.eve@eu.vc.example, meet.eve@a.b.vc.example, meet.eve@evilvc.example]}"])
        let plan = try TestPlans.load(yaml)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.eve@eu.vc.example", .mssip).verdict == .local)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.eve@a.b.vc.example", .mssip).verdict == .local)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .unrouted)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.eve@evilvc.example", .mssip).verdict == .unrouted)
        let route = try #require(plan.skypeForBusiness?.configurations.first?.routes.first)
        #expect(route.matches(domain: "eu.vc.example"))
        #expect(route.matches(domain: "EU.VC.Example"))
        #expect(!route.matches(domain: "vc.example"))
        #expect(!route.matches(domain: "evilvc.example"))
    }

    // [MS] New-CsStaticRoute -MatchUri: a plain domain matches that domain only; domains compare without case.
    @Test func aPlainDomainMatchesOnlyItselfCaseInsensitively() throws {
        let global = Self.configuration("global", "{match_uri: VC.Example, destination: pexip-oslo.vc.example}")
        let plan = try TestPlans.load(Self.plan(
            configurations: [global],
            conferences: Self.defaultConferences + ["{name: Eve, aliases: [meet.eve@eu.vc.example, meet.eve@vc.example.org]}"]))
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .local)
        #expect(TestPlans.call(plan, from: "Oslo Office", "MEET.ALICE@VC.EXAMPLE", .mssip).verdict == .local)
        #expect(TestPlans.call(plan, from: "Oslo Office", "sip:meet.alice@Vc.Example;transport=tls", .mssip).verdict == .local)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.eve@eu.vc.example", .mssip).verdict == .unrouted)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.eve@vc.example.org", .mssip).verdict == .unrouted)
    }

    // [MS] New-CsStaticRoute -MatchOnlyPhoneUri: the route applies only to phone URIs (`;user=phone`, `tel:`);
    // other calls go on to the next route.
    @Test func phoneUriOnlyRoutesApplyOnlyToPhoneUris() throws {
        let global = Self.configuration(
            "global",
            "{match_uri: vc.example, destination: pexip-sin.vc.example, match_only_phone_uri: true}",
            "{match_uri: vc.example, destination: pexip-oslo.vc.example}")
        let plan = try TestPlans.load(Self.plan(
            configurations: [global],
            rules: [#"{name: PSTN, priority: 10, match_string: '\+\d+@vc\.example', called_device_type: external, outgoing_protocol: sip}"#]))
        let phone = TestPlans.call(plan, from: "Oslo Office", "sip:+4722334455@vc.example;user=phone", .mssip)
        #expect(TestPlans.nodes(phone, in: plan).sorted() == ["sin1", "sin2"])
        #expect(Self.staticRouteSteps(phone).map(\.status) == [.matched])
        let upper = TestPlans.call(plan, from: "Oslo Office", "sip:+4722334455@vc.example;USER=PHONE", .mssip)
        #expect(TestPlans.nodes(upper, in: plan).sorted() == ["sin1", "sin2"])

        let person = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(person, in: plan).sorted() == ["osl1", "osl2"])
        #expect(Self.staticRouteSteps(person).map(\.status) == [.skipped, .matched])
        // A number without ;user=phone is a SIP URI, not a phone URI.
        let number = TestPlans.call(plan, from: "Oslo Office", "+4722334455@vc.example", .mssip)
        #expect(TestPlans.nodes(number, in: plan).sorted() == ["osl1", "osl2"])
        // A tel: URI is a phone URI, but it has no domain: Skype users place no call the simulation could route
        // (issue 8: trace says so instead of inventing an outcome).
        #expect(PexipAlias.isPhoneURI("tel:+4722334455"))
        #expect(throws: CallNotPlaced.self) {
            try CallTrace(tables: RoutingTables(plan: plan), site: plan.siteIndex(named: "Oslo Office")!, alias: "tel:+4722334455", protocol: .mssip)
        }
    }

    // The issue's `unrouted` check: an alias domain with no route from a site with Skype users; the group blames
    // the configuration and names the domain. [MS]
    @Test func anAliasDomainWithNoRouteIsUnroutedAndTheGroupNamesTheConfigurationAndDomain() throws {
        let yaml = Self.plan(
            configurations: [Self.globalToOslo, Self.apacToSingapore],
            conferences: Self.defaultConferences + ["{name: Eve, aliases: [meet.eve@other.example]}"])
        let plan = try TestPlans.load(yaml)
        let trace = TestPlans.call(plan, from: "Oslo Office", "meet.eve@other.example", .mssip)
        #expect(trace.verdict == .unrouted)
        let groups = Self.skypeGroups(Self.report(plan)).filter { $0.verdict == .unrouted }
        #expect(groups.count == 2, "one per configuration: \(groups.map(\.diagnostic.description))")
        let global = try #require(groups.first { $0.diagnostic.message.contains("'global'") })
        #expect(global.diagnostic.message.contains("no static route of 'global' matches the domain other.example"))
        #expect(global.diagnostic.location == Self.position(of: "identity: global", in: yaml))
        #expect(global.diagnostic.notes.contains { $0.hasPrefix("Oslo Office") })
        let apac = try #require(groups.first { $0.diagnostic.message.contains("'service:Registrar:sfb-apac.example'") })
        #expect(apac.diagnostic.notes.contains { $0.hasPrefix("Singapore Office") })
    }

    // MARK: Where a destination resolves

    // [PX-sfb/dmz_infinity_config] the destination FQDN is resolved by DNS (A records, through CNAMEs) to the
    // Conferencing Nodes' addresses.
    @Test func destinationResolvesByDNSARecord() throws {
        let apac = Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: sfb.vc.example}")
        let plan = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo, apac],
            dns: Self.defaultDNS + ["{name: sfb.vc.example, type: CNAME, values: [pexip-sin.vc.example]}"]))
        let oslo = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(oslo, in: plan).sorted() == ["osl1", "osl2"])
        let dns = try #require(oslo.steps.first { $0.kind == .dns })
        #expect(dns.status == .found)
        #expect(dns.name == "pexip-oslo.vc.example")
        #expect(dns.detail.contains("10.1.0.1") && dns.detail.contains("10.1.0.2"))
        // Through a CNAME to the A records.
        let singapore = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(singapore, in: plan).sorted() == ["sin1", "sin2"])
        #expect(singapore.verdict == .local)
    }

    // [PX-API] worker_vm alternative_fqdn: a destination that is a node's SIP TLS FQDN reaches that node.
    @Test func destinationResolvesByANodesAlternativeFqdn() throws {
        let global = Self.configuration("global", "{match_uri: vc.example, destination: OSL2.vc.example}")
        let plan = try TestPlans.load(Self.plan(configurations: [global]))
        let trace = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(trace, in: plan) == ["osl2"])
        #expect(trace.verdict == .local)
        #expect(Self.findings(plan, check: "sfb-destination-unresolved").isEmpty)
    }

    // [MS] [PX-sfb/dmz_infinity_config] the destination is a trusted application pool: its computers (the nodes'
    // FQDNs, by alternative_fqdn or DNS) take the calls.
    @Test func destinationResolvesByATrustedApplicationPoolsComputers() throws {
        let global = Self.configuration("global", "{match_uri: vc.example, destination: PEXIP-POOL.vc.example}")
        let plan = try TestPlans.load(Self.plan(
            configurations: [global],
            trusted: ["{fqdn: pexip-pool.vc.example, computers: [sin1.vc.example, sin-b.vc.example]}"],
            dns: Self.defaultDNS + ["{name: sin-b.vc.example, type: A, values: [10.2.0.2]}"]))
        let trace = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip)
        #expect(TestPlans.nodes(trace, in: plan).sorted() == ["sin1", "sin2"])
        #expect(trace.verdict == .local)
        let dns = try #require(trace.steps.first { $0.kind == .dns })
        #expect(dns.status == .found)
        #expect(dns.detail.contains("trusted application pool pexip-pool.vc.example"))
        #expect(!Self.report(plan).findings.contains { ($0.check?.rawValue ?? "").hasPrefix("sfb-destination") })
    }

    // [PX-sfb/dmz_infinity_config] a destination that resolves to nothing reaches no node: the calls are unrouted,
    // the route is an error, and the check group blames the route.
    @Test func aDestinationThatDoesNotResolveLeavesTheCallUnroutedAndIsALintError() throws {
        let yaml = Self.plan(configurations: [Self.configuration("global", "{match_uri: vc.example, destination: nowhere.vc.example}")])
        let plan = try TestPlans.load(yaml)
        let trace = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(trace.verdict == .unrouted)
        #expect(trace.steps.contains { $0.kind == .dns && $0.status == .notFound })
        let route = Self.routeLocation("match_uri: vc.example, destination: nowhere", in: yaml)
        let report = Self.report(plan)
        let finding = Self.expectOne(report.findings.filter { $0.check?.rawValue == "sfb-destination-unresolved" }, containing: ["static route 'vc.example' of 'global'", "nowhere.vc.example does not resolve"], at: route)
        #expect(finding?.severity == .error)
        let group = try #require(Self.skypeGroups(report).first)
        #expect(group.verdict == .unrouted)
        #expect(group.diagnostic.location == route)
        #expect(group.diagnostic.message.contains("static route 'vc.example' of 'global' reaches no Pexip node"))
        #expect(!report.passes())
    }

    // [PX-sfb/dmz_infinity_config] a destination that resolves to addresses that are no Conferencing Node (an FQDN
    // whose A record is elsewhere, or a TCP route to another address) reaches no Pexip node: unrouted, an error.
    @Test func aDestinationThatResolvesToAddressesThatAreNoPexipNodeLeavesTheCallUnroutedAndIsALintError() throws {
        let yaml = Self.plan(
            configurations: [
                Self.configuration("global", "{match_uri: vc.example, destination: edge.vc.example}"),
                Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: 192.0.2.51, port: 5060, transport: tcp}"),
            ],
            dns: Self.defaultDNS + ["{name: edge.vc.example, type: A, values: [192.0.2.50]}"])
        let plan = try TestPlans.load(yaml)
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .unrouted)
        #expect(TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip).verdict == .unrouted)
        let findings = Self.findings(plan, check: "sfb-destination-not-pexip")
        #expect(findings.count == 2)
        let fqdn = Self.expectOne(findings, containing: ["static route 'vc.example' of 'global'", "192.0.2.50", "no Pexip node"], at: Self.routeLocation("destination: edge.vc.example", in: yaml))
        #expect(fqdn?.severity == .error)
        Self.expectOne(findings, containing: ["'service:Registrar:sfb-apac.example'", "192.0.2.51", "no Pexip node"], at: Self.routeLocation("destination: 192.0.2.51", in: yaml))
    }

    // [MS] New-CsStaticRoute -TLSRoute needs an FQDN destination (the certificate is checked against it); an address
    // is for -TCPRoute. A TLS route to an address is an error and its calls are unrouted; a TCP one is fine.
    @Test func aTLSRouteToAnIPAddressIsALintErrorAndItsCallsUnrouted() throws {
        let yaml = Self.plan(configurations: [
            Self.configuration("global", "{match_uri: vc.example, destination: 10.1.0.1, port: 5061, transport: tls}"),
            Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: 10.2.0.1, port: 5060, transport: tcp}"),
        ])
        let plan = try TestPlans.load(yaml)
        let tls = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(tls.verdict == .unrouted)
        #expect(tls.outcome.landings.isEmpty)
        let tcp = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip)
        #expect(tcp.verdict == .local)
        #expect(TestPlans.nodes(tcp, in: plan) == ["sin1"])
        let report = Self.report(plan)
        let route = Self.routeLocation("destination: 10.1.0.1", in: yaml)
        let finding = Self.expectOne(report.findings.filter { $0.check?.rawValue == "sfb-tls-route-to-address" }, containing: ["static route 'vc.example' of 'global'", "TLS route to the address 10.1.0.1"], at: route)
        #expect(finding?.severity == .error)
        let group = try #require(Self.skypeGroups(report).first { $0.verdict == .unrouted })
        #expect(group.diagnostic.location == route)
        #expect(group.diagnostic.message.contains("a TLS route needs an FQDN destination"))
    }

    // [MS] New-CsStaticRoute -TLSRoute defaults to port 5061, where Pexip takes SIP TLS [PX-port_usage]: another port
    // is a warning; TCP on 5060 is not.
    @Test func aTLSRouteNotOn5061IsAWarning() throws {
        let yaml = Self.plan(configurations: [
            Self.configuration(
                "global",
                "{match_uri: vc.example, destination: pexip-oslo.vc.example, port: 443, transport: tls}",
                "{match_uri: other.vc.example, destination: pexip-oslo.vc.example}"),
            Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: pexip-sin.vc.example, port: 5060, transport: tcp}"),
        ])
        let plan = try TestPlans.load(yaml)
        #expect(plan.skypeForBusiness?.configurations[0].routes[1].port == 5061)
        #expect(plan.skypeForBusiness?.configurations[1].routes[0].transport == .tcp)
        let report = Self.report(plan)
        let ports = report.findings.filter { $0.check?.rawValue == "sfb-tls-port" }
        let warning = Self.expectOne(ports, containing: ["static route 'vc.example' of 'global'", "port 443"], at: Self.routeLocation("port: 443", in: yaml))
        #expect(warning?.severity == .warning)
        #expect(ports.count == 1)
        // A warning only: the calls still land.
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .local)
        #expect(report.passes())
        #expect(!report.passes(strict: true))
    }

    // [PX-sfb/dmz_infinity_config] the route's domain is a location's local_mssip_domain; a route for any other
    // domain is a warning (compared without case; `*.domain` is fine when it covers one).
    @Test func aRouteDomainThatIsNoLocationsLocalMssipDomainIsAWarning() throws {
        let yaml = Self.plan(configurations: [
            Self.configuration(
                "global",
                "{match_uri: VC.EXAMPLE, destination: pexip-oslo.vc.example}",
                "{match_uri: other.example, destination: pexip-oslo.vc.example}"),
            Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: '*.example', destination: pexip-sin.vc.example}"),
        ])
        let plan = try TestPlans.load(yaml)
        let warnings = Self.findings(plan, check: "sfb-domain-not-local")
        let warning = Self.expectOne(warnings, containing: ["static route 'other.example' of 'global'", "other.example is no location's local_mssip_domain (vc.example)"], at: Self.routeLocation("match_uri: other.example", in: yaml))
        #expect(warning?.severity == .warning)
        #expect(warnings.count == 1, "\(warnings.map(\.description))")

        // No location serves any Skype domain: every route is a warning.
        let none = try TestPlans.load(Self.plan(configurations: [Self.globalToOslo], locations: ["{name: Oslo}", "{name: Singapore}"]))
        let all = Self.findings(none, check: "sfb-domain-not-local")
        #expect(all.count == 1)
        #expect(all.first?.message.contains("no system location has a local_mssip_domain") == true)
    }

    // [MS] "*.domain" matches subdomains only [PX-sfb/dmz_infinity_config]: a route `*.vc.example` serves none of
    // the location domains when the local_mssip_domain is vc.example itself, so it is a warning too.
    @Test func aWildcardRouteThatDoesNotCoverTheLocalMssipDomainIsAWarning() throws {
        let yaml = Self.plan(configurations: [
            Self.configuration("global", "{match_uri: '*.vc.example', destination: pexip-oslo.vc.example}")
        ])
        let plan = try TestPlans.load(yaml)
        // The route does not take calls for vc.example itself ...
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip).verdict == .unrouted)
        // ... so its domains are no location's local_mssip_domain.
        let warnings = Self.findings(plan, check: "sfb-domain-not-local")
        #expect(warnings.count == 1, "expected a warning for '*.vc.example' (local_mssip_domain vc.example): \(warnings.map(\.description))")
    }

    // [MS] the first matching route wins, so a later route whose domains an earlier enabled route covers (same
    // match_uri, or a wider `*.domain`) is never taken: a warning. An earlier phone-URI-only route does not shadow a
    // general one; a disabled one shadows nothing.
    @Test func aRouteShadowedByAnEarlierRouteWithTheSameOrAWiderMatchUriIsAWarning() throws {
        let yaml = Self.plan(configurations: [
            Self.configuration(
                "global",
                "{description: g1, match_uri: '*.vc.example', destination: pexip-oslo.vc.example}",
                "{description: g2, match_uri: eu.vc.example, destination: pexip-oslo.vc.example}",
                "{description: g3, match_uri: vc.example, destination: pexip-oslo.vc.example}",
                "{description: g4, match_uri: VC.EXAMPLE, destination: pexip-oslo.vc.example}",
                "{description: g5, match_uri: '*.eu.vc.example', destination: pexip-oslo.vc.example}"),
            Self.configuration(
                "service:Registrar:sfb-apac.example",
                "{description: a1, match_uri: vc.example, destination: pexip-sin.vc.example, enabled: false}",
                "{description: a2, match_uri: vc.example, destination: pexip-sin.vc.example, match_only_phone_uri: true}",
                "{description: a3, match_uri: vc.example, destination: pexip-sin.vc.example}",
                "{description: a4, match_uri: vc.example, destination: pexip-sin.vc.example, match_only_phone_uri: true}"),
        ])
        let plan = try TestPlans.load(yaml)
        let shadowed = Self.findings(plan, check: "sfb-route-shadowed")
        #expect(shadowed.allSatisfy { $0.severity == .warning })
        let expected = ["g2", "g4", "g5", "a4"].map { Self.routeLocation("description: \($0),", in: yaml) }
        #expect(shadowed.compactMap(\.location).sorted() == expected, "\(shadowed.map(\.description))")
        let g2 = try #require(shadowed.first { $0.location == expected[0] })
        #expect(g2.message.contains("static route 'eu.vc.example' of 'global' is shadowed by the earlier route '*.vc.example'"))
        let g4 = try #require(shadowed.first { $0.location == expected[1] })
        #expect(g4.message.contains("by the earlier route 'vc.example'"))
    }

    // [PX-API] alternative_fqdn is the SIP TLS FQDN, required on nodes that talk to Skype for Business
    // [PX-sfb/dmz_infinity_config]: a node an enabled route reaches without one is an error at the node.
    @Test func aNodeReachedBySkypeTrafficWithoutAlternativeFqdnIsAnError() throws {
        let nodes = [
            "{name: osl1, address: 10.1.0.1, system_location: Oslo, alternative_fqdn: osl1.vc.example}",
            "{name: osl2, address: 10.1.0.2, system_location: Oslo}",
            "{name: sin1, address: 10.2.0.1, system_location: Singapore}",
            "{name: sin2, address: 10.2.0.2, system_location: Singapore}",
        ]
        let yaml = Self.plan(
            configurations: [
                Self.globalToOslo,
                Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: pexip-sin.vc.example, enabled: false}"),
            ],
            nodes: nodes)
        let plan = try TestPlans.load(yaml)
        let errors = Self.findings(plan, check: "sfb-node-without-fqdn")
        let error = Self.expectOne(errors, containing: ["worker_vm 'osl2'", "static route 'vc.example'", "alternative_fqdn"], at: Self.position(of: "{name: osl2", in: yaml))
        #expect(error?.severity == .error)
        // sin1 and sin2 have none either, but only a disabled route leads to them.
        #expect(errors.count == 1, "\(errors.map(\.description))")
    }

    // MARK: What Pexip receives and decides

    // [MS] New-CsStaticRoute -ReplaceHostInRequestUri: the request URI's host becomes the destination, so Pexip
    // receives user@destination (and rejects it unless a service alias or Call Routing Rule takes that).
    @Test func replaceHostInRequestUriMakesPexipReceiveUserAtDestination() throws {
        let global = Self.configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, replace_host_in_request_uri: true}")
        let accepting = try TestPlans.load(Self.plan(
            configurations: [global],
            conferences: [#"{name: Alice, aliases: [meet.alice@vc.example, "1001", meet.alice@pexip-oslo.vc.example]}"#]))
        let trace = TestPlans.call(accepting, from: "Oslo Office", "sip:meet.alice@vc.example;transport=tls", .mssip)
        #expect(trace.verdict == .local)
        #expect(trace.outcome.finalAlias == "meet.alice@pexip-oslo.vc.example")
        #expect(trace.outcome.landings.allSatisfy { $0.alias == "meet.alice@pexip-oslo.vc.example" })
        #expect(trace.steps.contains { $0.kind == .staticRoute && $0.rewrittenAlias == "meet.alice@pexip-oslo.vc.example" })

        let rejecting = try TestPlans.load(Self.plan(configurations: [global]))
        let rejected = TestPlans.call(rejecting, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(rejected.verdict == .rejected)
        #expect(rejected.outcome.finalAlias == "meet.alice@pexip-oslo.vc.example")
        let group = try #require(Self.skypeGroups(Self.report(rejecting)).first { $0.verdict == .rejected })
        #expect(group.diagnostic.message.contains("replaces the host in the request URI, so Pexip receives 'meet.alice@pexip-oslo.vc.example'"))
    }

    // [PX-configuring_gateway_rules] [PX-API] match_incoming_mssip (default true) decides whether a Call Routing Rule
    // takes calls that arrive over Skype for Business.
    @Test func matchIncomingMssipDecidesWhetherACallRoutingRuleTakesASkypeCall() throws {
        let plan = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo],
            rules: [
                #"{name: No Skype, priority: 10, match_string: '8\d+@vc\.example', match_incoming_mssip: false, called_device_type: external, outgoing_protocol: sip}"#,
                #"{name: Default, priority: 20, match_string: '9\d+@vc\.example', called_device_type: external, outgoing_protocol: sip}"#,
            ]))
        let off = TestPlans.call(plan, from: "Oslo Office", "8123@vc.example", .mssip)
        #expect(off.verdict == .rejected)
        #expect(off.steps.contains { $0.kind == .gatewayRule && $0.status == .skipped && $0.detail.contains("match_incoming_mssip is off") })
        // The same rule takes the same alias over SIP.
        let sip = TestPlans.call(plan, from: "Oslo Office", "8123@vc.example", .sip)
        #expect(sip.verdict == .local)
        #expect(sip.outcome.landings.allSatisfy { Self.isGatewayRule($0, 0) })
        // Default: true.
        let on = TestPlans.call(plan, from: "Oslo Office", "9123@vc.example", .mssip)
        #expect(on.verdict == .local)
        #expect(on.outcome.landings.allSatisfy { Self.isGatewayRule($0, 1) })
        #expect(plan.gatewayRules.map(\.matchIncomingMSSIP) == [false, true])
    }

    // [PX-configuring_gateway_rules] match_string_full: the rule sees the full alias (scheme, URI parameters) of a
    // Skype call; without it, the parsed alias.
    @Test func matchStringFullSeesTheFullAliasForSkypeCalls() throws {
        let plan = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo],
            rules: [
                #"{name: Full, priority: 10, match_string: 'sip:7\d+@vc\.example;user=phone', match_string_full: true, called_device_type: external, outgoing_protocol: sip}"#,
                #"{name: Parsed, priority: 20, match_string: 'sip:6\d+@vc\.example;user=phone', called_device_type: external, outgoing_protocol: sip}"#,
            ]))
        let full = TestPlans.call(plan, from: "Oslo Office", "sip:7123@vc.example;user=phone", .mssip)
        #expect(full.verdict == .local)
        #expect(full.outcome.landings.allSatisfy { Self.isGatewayRule($0, 0) })
        #expect(TestPlans.call(plan, from: "Oslo Office", "7123@vc.example", .mssip).verdict == .rejected)
        // Without match_string_full the rule sees 6123@vc.example, which its pattern does not match.
        #expect(TestPlans.call(plan, from: "Oslo Office", "sip:6123@vc.example;user=phone", .mssip).verdict == .rejected)
    }

    // MARK: Verdicts and check groups

    // [PX-gs_server_network] calls must land on the caller's local nodes; [PX-sfb/dmz_infinity_config] a route whose
    // destination resolves to another location's nodes sends the pool's users there. The group blames the route
    // (at its line), names its configuration (the pool) and every site.
    @Test func aRouteToAnotherRegionsNodesGivesVerdictRemoteAndTheCheckGroupNamesRouteConfigurationAndSites() throws {
        let copied = Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: pexip-oslo.vc.example, port: 5061, transport: tls}")
        let yaml = Self.plan(
            configurations: [Self.globalToOslo, copied],
            sites: Self.defaultSites + ["{name: Sydney Office, registers_to: vcs, subzone: SingaporeSZ, local_locations: [Singapore], sfb_pool: sfb-apac.example}"])
        let plan = try TestPlans.load(yaml)
        let trace = TestPlans.call(plan, from: "Sydney Office", "meet.alice@vc.example", .mssip)
        #expect(trace.verdict == .remote)
        #expect(TestPlans.nodes(trace, in: plan).sorted() == ["osl1", "osl2"])
        let report = Self.report(plan)
        let groups = Self.skypeGroups(report)
        #expect(groups.count == 1, "\(groups.map(\.diagnostic.description))")
        let group = try #require(groups.first)
        #expect(group.verdict == .remote)
        #expect(group.diagnostic.check == .remote)
        #expect(group.diagnostic.location == Self.routeLocation("destination: pexip-oslo", occurrence: 2, in: yaml))
        #expect(group.diagnostic.message.contains("2 Skype for Business calls from 2 sites land outside their sites' local locations"))
        #expect(group.diagnostic.message.contains("static route 'vc.example' of 'service:Registrar:sfb-apac.example' sends them to pexip-oslo.vc.example (Oslo)"))
        #expect(group.diagnostic.notes.contains { $0.hasPrefix("Singapore Office (local: Singapore)") })
        #expect(group.diagnostic.notes.contains { $0.hasPrefix("Sydney Office (local: Singapore)") })
        #expect(!group.diagnostic.notes.contains { $0.hasPrefix("Oslo Office") })
        #expect(group.diagnostic.notes.contains { $0.hasPrefix("route: Skype for Business: configuration 'service:Registrar:sfb-apac.example' → static route 'vc.example' → TLS pexip-oslo.vc.example:5061") })
    }

    // A destination whose nodes span locations may land outside the site's: `ambiguous`, blamed on the route.
    // [PX-sfb/dmz_infinity_config]
    @Test func aRouteToNodesInTwoRegionsGivesVerdictAmbiguousBlamedOnTheRoute() throws {
        let yaml = Self.plan(
            configurations: [Self.globalToOslo, Self.configuration("service:Registrar:sfb-apac.example", "{match_uri: vc.example, destination: mixed.vc.example}")],
            dns: Self.defaultDNS + ["{name: mixed.vc.example, type: A, values: [10.1.0.1, 10.2.0.1]}"])
        let plan = try TestPlans.load(yaml)
        #expect(TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip).verdict == .ambiguous)
        let group = try #require(Self.skypeGroups(Self.report(plan)).first)
        #expect(group.verdict == .ambiguous)
        #expect(group.diagnostic.location == Self.routeLocation("destination: mixed", in: yaml))
        #expect(group.diagnostic.message.contains("static route 'vc.example' of 'service:Registrar:sfb-apac.example'"))
    }

    // MARK: Which calls are simulated

    // Issue 4: every site with an sfb_pool places mssip calls (its Skype users) besides its endpoints' protocols, in
    // `Simulation`, `check` and `matrix`; a site without one places none. [MS]
    @Test func sitesWithAnSfbPoolGetMssipCallsInSimulationAndMatrixAndOthersDoNot() throws {
        let plan = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo, Self.apacToSingapore],
            sites: Self.defaultSites + [
                "{name: Oslo Lab, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo]}",
                "{name: Oslo Kiosk, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], protocols: [sip], sfb_pool: sfb-emea.example}",
            ]))
        let oslo = try #require(plan.siteIndex(named: "Oslo Office"))
        let lab = try #require(plan.siteIndex(named: "Oslo Lab"))
        let kiosk = try #require(plan.siteIndex(named: "Oslo Kiosk"))
        #expect(plan.sites[oslo].protocols == [.sip, .h323, .mssip])
        #expect(plan.sites[lab].protocols == [.sip, .h323])
        #expect(plan.sites[kiosk].protocols == [.sip, .mssip])

        let simulation = Simulation(plan: plan, workers: 2)
        #expect(simulation.protocols.contains(.mssip))
        let alice = try #require(simulation.aliases.firstIndex { $0.alias == "meet.alice@vc.example" })
        #expect(simulation.verdict(site: oslo, alias: alice, protocol: .mssip) == .local)
        #expect(simulation.verdict(site: kiosk, alias: alice, protocol: .mssip) == .local)
        #expect(simulation.verdict(site: lab, alias: alice, protocol: .mssip) == nil)
        #expect(simulation.verdict(site: lab, alias: alice, protocol: .sip) == .local)

        var csv = ""
        MatrixFormatter.csv(simulation, to: &csv)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let skypeSites = Set(rows.filter { $0[2] == "mssip" }.map { $0[0] })
        #expect(skypeSites == ["Oslo Office", "Singapore Office", "Oslo Kiosk"])
        #expect(rows.contains { $0[0] == "Singapore Office" && $0[1] == "meet.alice@vc.example" && $0[2] == "mssip" && $0[3] == "local" })

        // `check` counts them too.
        let report = CheckReport(simulation: simulation)
        #expect(report.callCount == simulation.callCount)
        #expect(report.counts[.local] == report.callCount)

        // A plan without Skype pools on its sites has no mssip column at all.
        let withoutSkype = try TestPlans.load(TestPlans.minimal)
        #expect(!Simulation(plan: withoutSkype, workers: 1).protocols.contains(.mssip))
    }

    // [MS] Skype users dial SIP URIs: an alias without a domain is not something they can call, so no mssip call is
    // placed to it (in the simulation, the call count, check and matrix).
    @Test func aliasesWithoutADomainAreNotDialledBySkypeUsers() throws {
        let plan = try TestPlans.load(Self.plan(configurations: [Self.globalToOslo, Self.apacToSingapore]))
        let simulation = Simulation(plan: plan, workers: 1)
        let oslo = try #require(plan.siteIndex(named: "Oslo Office"))
        let number = try #require(simulation.aliases.firstIndex { $0.alias == "1001" })
        #expect(simulation.verdict(site: oslo, alias: number, protocol: .mssip) == nil)
        #expect(simulation.verdict(site: oslo, alias: number, protocol: .sip) == .local)
        // 2 sites × (2 aliases × sip, h323 + 1 alias × mssip).
        #expect(simulation.callCount == 2 * (2 * 2 + 1))
        var count = 0
        simulation.forEachCall { call in
            count += 1
            if call.callProtocol == .mssip { #expect(simulation.aliases[call.alias].alias != "1001") }
        }
        #expect(count == simulation.callCount)
        #expect(Self.report(plan).callCount == simulation.callCount)
    }

    // MARK: Loading errors

    // [MS] Set-CsStaticRoutingConfiguration -Identity service:Registrar:<pool FQDN>: the pool exists (a
    // configuration can only be made for an existing registrar), so the identity declares it even when `pools` does
    // not list it; a pool that only an identity names and no site uses is most likely a typo: a warning.
    @Test func aRegistrarIdentityDeclaresItsPoolAndOneNoSiteUsesIsAWarningWithDidYouMean() throws {
        let yaml = Self.plan(configurations: [Self.configuration("service:Registrar:sfb-apak.example", "{match_uri: vc.example, destination: pexip-sin.vc.example}")])
        let plan = try TestPlans.load(yaml)
        let warning = try #require(plan.warnings.first { $0.check == .sfbPoolWithoutSites })
        #expect(warning.message == "static routing configuration 'service:Registrar:sfb-apak.example' applies to pool sfb-apak.example, which no site's sfb_pool names; did you mean 'sfb-apac.example'?")
        #expect(warning.location == Self.position(of: "service:Registrar:sfb-apak.example", in: yaml))

        // A site homed on a pool only the identity names gets that configuration.
        let implied = try TestPlans.load(Self.plan(
            configurations: [Self.globalToOslo, Self.configuration("service:Registrar:sfb-nordic.example", "{match_uri: vc.example, destination: pexip-sin.vc.example}")],
            sites: Self.defaultSites + ["{name: Bergen Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Singapore], sfb_pool: sfb-nordic.example}"]))
        #expect(!implied.warnings.contains { $0.check == .sfbPoolWithoutSites })
        #expect(TestPlans.nodes(TestPlans.call(implied, from: "Bergen Office", "meet.alice@vc.example", .mssip), in: implied).sorted() == ["sin1", "sin2"])
    }

    // [MS] Identity is `global` or a `service:Registrar:<pool>` scope (sites and other services are not modelled).
    @Test func aBadIdentityIsALoadError() {
        let yaml = Self.plan(configurations: [Self.configuration("site:Oslo", "{match_uri: vc.example, destination: pexip-oslo.vc.example}")])
        Self.expectOne(
            TestPlans.errors(yaml),
            containing: ["static routing configuration 'site:Oslo': identity is 'global' or 'service:Registrar:<pool FQDN>'"],
            at: Self.position(of: "site:Oslo", in: yaml))
    }

    // Issue 4: a site's sfb_pool names one of the plan's pools.
    @Test func anUnknownSfbPoolOnASiteIsALoadErrorWithDidYouMean() {
        let yaml = Self.plan(
            configurations: [Self.globalToOslo],
            sites: ["{name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo], sfb_pool: sfb-emae.example}"])
        Self.expectOne(
            TestPlans.errors(yaml),
            containing: ["site 'Oslo Office': no Skype for Business pool named 'sfb-emae.example'; did you mean 'sfb-emea.example'?"],
            at: Self.position(of: "sfb-emae.example", in: yaml))
        // Without any skype_for_business section.
        let bare = TestPlans.minimal.replacingOccurrences(of: "local_locations: [Oslo]}", with: "local_locations: [Oslo], sfb_pool: sfb-emea.example}")
        Self.expectOne(
            TestPlans.errors(bare),
            containing: ["site 'Oslo Office': no Skype for Business pool named 'sfb-emea.example' (the plan has no skype_for_business pools)"],
            at: Self.position(of: "sfb-emea.example", in: bare))
    }

    // [MS] New-CsStaticRoute -MatchUri is a domain or *.domain, not a user address or URI.
    @Test func aBadMatchUriIsALoadError() {
        for bad in ["alice@vc.example", "vc.example/meet", "vc.*.example"] {
            let yaml = Self.plan(configurations: [Self.configuration("global", "{match_uri: \(bad), destination: pexip-oslo.vc.example}")])
            Self.expectOne(
                TestPlans.errors(yaml),
                containing: ["static routing configuration 'global' route '\(bad)': match_uri is a domain or *.domain, not '\(bad)'"],
                at: Self.position(of: "match_uri: \(bad)", in: yaml, offset: "match_uri: ".count))
        }
        let star = Self.plan(configurations: [Self.configuration("global", "{match_uri: '*.', destination: pexip-oslo.vc.example}")])
        Self.expectOne(TestPlans.errors(star), containing: ["match_uri is a domain or *.domain, not '*.'"], at: nil)
    }

    // [MS] New-CsStaticRoute: -TLSRoute or -TCPRoute; nothing else.
    @Test func aBadTransportIsALoadErrorWithDidYouMean() {
        let yaml = Self.plan(configurations: [Self.configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, transport: tlss}")])
        Self.expectOne(
            TestPlans.errors(yaml),
            containing: ["static routing configuration 'global' route 'vc.example': 'transport' must be one of tls, tcp, not 'tlss'; did you mean 'tls'?"],
            at: Self.position(of: "tlss", in: yaml))
    }

    // [MS] New-CsStaticRoute -Port: a TCP/TLS port, 1–65535.
    @Test func aPortOutOfRangeIsALoadError() {
        for port in ["70000", "0"] {
            let yaml = Self.plan(configurations: [Self.configuration("global", "{match_uri: vc.example, destination: pexip-oslo.vc.example, port: \(port)}")])
            Self.expectOne(
                TestPlans.errors(yaml),
                containing: ["static routing configuration 'global' route 'vc.example': 'port' must be between 1 and 65535, not \(port)"],
                at: Self.position(of: "port: \(port)", in: yaml, offset: 6))
        }
    }

    // [MS] a static routing configuration's Identity is unique (compared without case).
    @Test func duplicateIdentitiesAreALoadError() {
        let yaml = Self.plan(configurations: [
            Self.globalToOslo,
            Self.apacToSingapore,
            Self.configuration("Global", "{match_uri: vc.example, destination: pexip-sin.vc.example}"),
            Self.configuration("service:registrar:SFB-APAC.example", "{match_uri: vc.example, destination: pexip-oslo.vc.example}"),
        ])
        let errors = TestPlans.errors(yaml)
        let first = Self.position(of: "identity: global", in: yaml)
        Self.expectOne(errors, containing: ["static routing configuration 'Global' is defined twice (first at \(first))"], at: Self.position(of: "identity: Global", in: yaml))
        let firstAPAC = Self.position(of: "identity: service:Registrar:sfb-apac.example", in: yaml)
        Self.expectOne(errors, containing: ["static routing configuration 'service:registrar:SFB-APAC.example' is defined twice (first at \(firstAPAC))"], at: Self.position(of: "identity: service:registrar:SFB-APAC.example", in: yaml))
    }

    // MARK: The samples

    // Issue 4: DialPlans/acme routes each pool's users to its own region: no Skype finding, every Skype call local.
    @Test func theAcmeSampleHasNoSkypeFindingAndEverySkypeCallIsLocal() throws {
        let plan = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let report = Self.report(plan)
        #expect(!report.findings.contains { ($0.check?.rawValue ?? "").hasPrefix("sfb-") }, "\(report.findings.map(\.description))")
        #expect(Self.skypeGroups(report).isEmpty)
        let skypeSites = plan.sites.indices.filter { plan.sites[$0].sfbPool != nil }
        #expect(skypeSites.map { plan.sites[$0].name } == ["Oslo HQ", "Singapore Office", "Sydney Office"])
        let dialable = report.simulation.aliases.filter { PexipAlias.domain(of: $0.alias) != nil }.count
        var skypeCalls = 0
        report.simulation.forEachCall { call in
            guard call.callProtocol == .mssip else { return }
            skypeCalls += 1
            #expect(report.simulation.verdict(of: call) == .local, "\(plan.sites[call.site].name) → \(report.simulation.aliases[call.alias.index].alias)")
        }
        #expect(skypeCalls == 3 * dialable)
        #expect(skypeCalls > 0)
    }

    // Issue 4: DialPlans/acme-misrouted plants two Skype faults (`# FAULT` in skype.yaml): a TLS route to an address,
    // and the APAC pool's route copied from the global one, which sends APAC's Skype users to Oslo.
    @Test func theMisroutedSampleReportsBothPlantedSkypeFaultsAtTheirLines() throws {
        let file = "DialPlans/acme-misrouted/skype.yaml"
        let text = try String(contentsOfFile: TestPlans.path(file), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let faults = lines.indices.filter { lines[$0].contains("# FAULT") }
        #expect(faults.count == 2)
        // Each FAULT comment is above the route it describes.
        let tlsLine = try #require(faults.first) + 2
        let copiedLine = try #require(faults.last) + 2
        #expect(lines[tlsLine - 1].contains("destination: 10.10.1.11"))
        #expect(lines[copiedLine - 1].contains("destination: pexip-oslo.vc.acme.example"))

        let report = Self.report(try PlanLoader.load(path: TestPlans.path("DialPlans/acme-misrouted")))
        let tls = try #require(report.findings.first { $0.check?.rawValue == "sfb-tls-route-to-address" })
        #expect(tls.severity == .error)
        #expect(tls.location?.file.hasSuffix(file) == true)
        #expect(tls.location?.line == tlsLine)
        #expect(tls.message.contains("static route 'video.acme.example' of 'global'"))

        let groups = Self.skypeGroups(report)
        #expect(groups.count == 1, "\(groups.map(\.diagnostic.description))")
        let remote = try #require(groups.first)
        #expect(remote.verdict == .remote)
        #expect(remote.diagnostic.location?.file.hasSuffix(file) == true)
        #expect(remote.diagnostic.location?.line == copiedLine)
        #expect(remote.diagnostic.message.contains("static route 'vc.acme.example' of 'service:Registrar:sfb-apac.acme.example' sends them to pexip-oslo.vc.acme.example (Oslo)"))
        #expect(remote.diagnostic.notes.contains { $0.hasPrefix("Singapore Office (local: Singapore)") })
        #expect(remote.diagnostic.notes.contains { $0.hasPrefix("Sydney Office (local: Singapore)") })
        // Oslo HQ's Skype users, on the global configuration, land locally.
        #expect(!remote.diagnostic.notes.contains { $0.hasPrefix("Oslo HQ") })
    }

    // MARK: End to end

    // Issue 4: `trace --protocol mssip` shows the configuration chosen, the route tried, the DNS resolution and the
    // node; a remote call exits 1.
    @Test func traceOfAMisroutedSkypeCallShowsConfigurationRouteResolutionAndNode() throws {
        let run = try EndToEndTests.run(
            ["trace", "DialPlans/acme-misrouted", "--from", "Sydney Office", "--protocol", "mssip", "meet.alice@vc.acme.example"],
            in: TestPlans.root)
        #expect(run.status == 1)
        #expect(run.stderr.isEmpty)
        for part in [
            "static routing configuration 'service:Registrar:sfb-apac.acme.example' applies",
            "static-route matched vc.acme.example",
            "TLS to pexip-oslo.vc.acme.example:5061",
            "trusted application pool pexip-oslo.vc.acme.example → osl-px01.vc.acme.example, osl-px02.vc.acme.example",
            "lands on osl-px01 in Oslo",
            "verdict remote",
        ] {
            #expect(run.stdout.contains(part), "missing: \(part)\n\(run.stdout)")
        }
        // The order: configuration, route, resolution, node.
        let order = ["sfb-configuration", "static-route", "dns found", "pexip-node", "verdict remote"].map { run.stdout.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    }

    // Issue 4 "Done when": `check` on a plan with a wrong static route names the route (at its line), the pool's
    // configuration and the sites whose Skype users land remotely.
    @Test func checkOnTheMisroutedPlanNamesTheRouteThePoolsConfigurationAndTheSites() throws {
        let run = try EndToEndTests.run(["check", "DialPlans/acme-misrouted"], in: TestPlans.root)
        #expect(run.status == 1)
        let text = try String(contentsOfFile: TestPlans.path("DialPlans/acme-misrouted/skype.yaml"), encoding: .utf8)
        let copied = Self.routeLocation("destination: pexip-oslo", occurrence: 2, in: text)
        let tls = Self.routeLocation("destination: 10.10.1.11", in: text)
        for part in [
            "DialPlans/acme-misrouted/skype.yaml:\(copied.line):\(copied.column): error: [remote] ",
            "Skype for Business calls from 2 sites land outside their sites' local locations: static route 'vc.acme.example' of 'service:Registrar:sfb-apac.acme.example' sends them to pexip-oslo.vc.acme.example (Oslo)",
            "    Singapore Office (local: Singapore): ",
            "    Sydney Office (local: Singapore): ",
            "DialPlans/acme-misrouted/skype.yaml:\(tls.line):\(tls.column): error: [sfb-tls-route-to-address] static route 'video.acme.example' of 'global'",
            "FAIL",
        ] {
            #expect(run.stdout.contains(part), "missing: \(part)")
        }
    }
}
