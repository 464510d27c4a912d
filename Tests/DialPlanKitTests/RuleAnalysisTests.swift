@testable import DialPlanKit
import Testing

/// Rules that never apply and patterns that mean something other than they say, found before any call is made,
/// each with the earlier rule and a witness alias that PCRE2 agrees with.
@Suite struct RuleAnalysisTests {
    typealias Cluster = InlinePlan.Cluster

    static func findings(_ plan: DialPlan, _ check: CheckID) -> [Diagnostic] {
        PlanChecks.run(RoutingTables(plan: plan)).filter { $0.check == check }
    }

    static func line(of needle: String, in yaml: String) -> Int? {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    // [VCS "Pre-search transforms"] Only the first matching transform, in priority order, is applied.
    @Test func aTransformThatAnEarlierOneCoversNeverApplies() throws {
        let cluster = Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
            transforms: [
                #"{name: Any video domain, priority: 10, pattern_type: regex, pattern_string: '(.+)@(.+)\.example', pattern_behavior: replace, replace_string: '\1@vc.example'}"#,
                #"{name: Meet rooms, priority: 20, pattern_type: regex, pattern_string: 'meet\.(.+)@video\.example', pattern_behavior: replace, replace_string: 'meet.\1@vc.example'}"#,
                "{name: Numbers, priority: 30, pattern_type: prefix, pattern_string: '1', pattern_behavior: addsuffix, replace_string: '@vc.example'}",
                "{name: Off, priority: 5, pattern_type: prefix, pattern_string: '9', pattern_behavior: addsuffix, replace_string: 'x', state: disabled}",
            ],
            zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])
        let yaml = InlinePlan.yaml(clusters: [cluster])
        let found = Self.findings(try TestPlans.load(yaml), .shadowedTransform)
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding.location?.line == Self.line(of: "Meet rooms", in: yaml))
        #expect(finding.message.hasPrefix("vcs transform 'Meet rooms' (priority 20) never applies: the earlier vcs transform 'Any video domain' (priority 10) (plan.yaml:"))
        let witness = try #require(finding.witness)
        #expect(finding.message.contains("e.g. '\(witness)'"))
        let scratch = RegexScratch()
        #expect(try AliasMatcher(type: .regex, string: #"meet\.(.+)@video\.example"#).evaluate(witness, scratch: scratch) != .noMatch)
        #expect(try AliasMatcher(type: .regex, string: #"(.+)@(.+)\.example"#).evaluate(witness, scratch: scratch) != .noMatch)
    }

    @Test func aDisabledTransformShadowsNothing() throws {
        let cluster = Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
            transforms: [
                "{name: Off, priority: 5, pattern_type: prefix, pattern_string: '1', pattern_behavior: addsuffix, replace_string: '@x', state: disabled}",
                "{name: On, priority: 10, pattern_type: exact, pattern_string: '1001', pattern_behavior: addsuffix, replace_string: '@vc.example'}",
            ],
            zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])
        #expect(Self.findings(try InlinePlan.load(clusters: [cluster]), .shadowedTransform).isEmpty)
    }

    // [VCS "Search rules"] Stop ends the search after its priority level, found or not; rules of one level are tried
    // together. A later rule is unreachable only where the Stop rule admits all its protocols and sources.
    @Test func aSearchRuleBelowAStopRuleThatCoversItIsNeverTried() throws {
        let rules = [
            #"{name: Video stop, priority: 10, pattern_type: suffix, pattern_string: '@vc.example', progress: stop, target: Pexip-Oslo}"#,
            #"{name: Same level, priority: 10, pattern_type: regex, pattern_string: 'meet\..+@vc\.example', target: Pexip-Singapore}"#,
            #"{name: Meet Singapore, priority: 20, pattern_type: regex, pattern_string: 'meet\..+@vc\.example', target: Pexip-Singapore}"#,
            #"{name: SIP only stop, priority: 30, protocol: sip, mode: any_alias, progress: stop, target: Pexip-London}"#,
            #"{name: Numbers any protocol, priority: 40, pattern_type: regex, pattern_string: '\d+', target: Pexip-Oslo}"#,
            #"{name: Numbers SIP, priority: 50, protocol: sip, pattern_type: regex, pattern_string: '\d+', target: Pexip-Oslo}"#,
        ]
        let yaml = InlinePlan.yaml(clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: rules)])
        let found = Self.findings(try TestPlans.load(yaml), .shadowedSearchRule)
        #expect(found.map(\.location?.line) == [Self.line(of: "Meet Singapore", in: yaml), Self.line(of: "Numbers SIP", in: yaml)], "\(found)")
        #expect(found.first?.message.hasPrefix("vcs search rule 'Meet Singapore' (priority 20) is never tried: vcs search rule 'Video stop' (priority 10)") == true)
        #expect(found.last?.message.contains("vcs search rule 'SIP only stop' (priority 30)") == true)
    }

    @Test func aStopRuleForOneSourceDoesNotHideRulesForOthers() throws {
        let rules = [
            "{name: Local stop, priority: 10, source_mode: localzone, mode: any_alias, progress: stop, target: Pexip-Oslo}",
            "{name: Everyone, priority: 20, source_mode: any, mode: any_alias, target: Pexip-Singapore}",
            "{name: Continue rule, priority: 30, mode: any_alias, target: Pexip-Singapore}",
        ]
        let plan = try InlinePlan.load(clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: rules)])
        #expect(Self.findings(plan, .shadowedSearchRule).isEmpty)
    }

    // [PX-configuring_gateway_rules] The first matching Call Routing Rule applies; an earlier rule with narrower
    // conditions (one protocol, one source location) does not hide a later one.
    @Test func aCallRoutingRuleAnEarlierOneCoversNeverApplies() throws {
        let rules = [
            #"{name: Any domain, priority: 10, match_string: '.+@.+'}"#,
            #"{name: Partner, priority: 20, match_string: '.+@partner\.example'}"#,
            #"{name: H.323 numbers, priority: 30, match_string: '\d+', match_incoming_sip: false, match_incoming_mssip: false}"#,
            #"{name: Numbers, priority: 40, match_string: '\d{4}'}"#,
            #"{name: Oslo numbers, priority: 50, match_string: '\d{4}', match_source_location: Oslo}"#,
        ]
        let yaml = InlinePlan.yaml(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let found = Self.findings(try TestPlans.load(yaml), .shadowedGatewayRule)
        #expect(found.map(\.location?.line) == [Self.line(of: "Partner", in: yaml), Self.line(of: "Oslo numbers", in: yaml)], "\(found)")
        #expect(found.first?.message.hasPrefix("Call Routing Rule 'Partner' (priority 20) never applies: the earlier Call Routing Rule 'Any domain' (priority 10)") == true)
        #expect(found.last?.message.contains("'Numbers' (priority 40)") == true)
    }

    /// A regex outside the regular subset is judged on generated aliases, and the finding says so.
    @Test func undecidablePairsAreJudgedOnSamples() throws {
        let rules = [
            #"{name: Anything, priority: 10, match_string: '.*'}"#,
            #"{name: Huge, priority: 20, match_string: '[a-z]{1,30000}'}"#,
        ]
        let plan = try InlinePlan.load(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let found = Self.findings(plan, .shadowedGatewayRule)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("judged on") == true, "\(found)")
    }

    // [PX-regex_reference] `.` matches any character.
    @Test func anUnescapedDotInADomainIsFoundWithAWitness() throws {
        let rules = [#"{name: Acme, priority: 10, match_string: '(.+)@vc.acme.com', replace_string: '\1@acme.com'}"#, #"{name: Fine, priority: 20, match_string: 'meet\.(.+)@vc\.acme\.com'}"#]
        let plan = try InlinePlan.load(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let found = Self.findings(plan, .patternUnescapedDot)
        #expect(found.count == 1)
        #expect(found.first?.witness == "x@vcxacme.com")
        #expect(found.first?.message == "Call Routing Rule 'Acme' (priority 10): pattern '(.+)@vc.acme.com' has 2 unescaped '.' between letters, which matches any character: it also matches 'x@vcxacme.com'")
    }

    // A pattern made case-sensitive by (?-i) means the same to these checks: its literals are still literals.
    @Test func caseSensitivePatternsGetTheSamePatternFindings() throws {
        let rules = [
            #"{name: Dotted, priority: 10, match_string: '(?-i)(.+)@vc.acme\.example'}"#,
            #"{name: Domain on one branch, priority: 20, match_string: '(?-i)alice|bob@acme\.com'}"#,
        ]
        let plan = try InlinePlan.load(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let dot = try #require(Self.findings(plan, .patternUnescapedDot).first)
        #expect(dot.message.contains("'Dotted'"))
        let witness = try #require(dot.witness)
        #expect(try AliasMatcher(type: .regex, string: #"(?-i)(.+)@vc.acme\.example"#).evaluate(witness, scratch: RegexScratch()) != .noMatch)
        #expect(Self.findings(plan, .patternAlternationScope).map(\.witness) == ["alice"])
    }

    @Test func misleadingPatternShapes() throws {
        let rules = [
            #"{name: Anchored branches, priority: 10, match_string: '^meet|room$'}"#,
            #"{name: Domain on one branch, priority: 20, match_string: 'alice|bob@acme\.com'}"#,
            #"{name: All optional, priority: 30, match_string: '(meet\.)?\d*'}"#,
            #"{name: Nested, priority: 40, match_string: '(\w+\.?)+@acme\.com'}"#,
            #"{name: Fine, priority: 50, match_string: '(alice|bob)@acme\.com'}"#,
        ]
        let plan = try InlinePlan.load(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        func names(_ check: CheckID) -> [String] {
            Self.findings(plan, check).compactMap { finding in rules.compactMap { rule in rule.contains("name: ") ? String(rule.split(separator: ",")[0].dropFirst("{name: ".count)) : nil }.first { finding.message.contains("'\($0)'") } }
        }
        #expect(names(.patternAnchorInAlternation) == ["Anchored branches"])
        #expect(names(.patternAlternationScope) == ["Domain on one branch"])
        #expect(Self.findings(plan, .patternAlternationScope).first?.witness == "alice")
        #expect(names(.patternMatchesEmpty) == ["All optional"])
        #expect(names(.patternNestedQuantifier) == ["Nested"])
    }

    // [PX-about_aliases] An alias is stored as received: one with spaces around it is never dialled as written.
    // (Two services sharing an alias, or aliases differing only in case, are a load error already.)
    // Issue 10: a service alias that no site's calls reach (every site's search for it ends before Pexip), with
    // where the search ends. An alias that one site reaches is not reported, nor is one whose call is undecided.
    @Test func aServiceAliasThatNoSitesCallReachesIsReportedWithWhereTheSearchEnds() throws {
        let cluster = Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ", "Lab"],
            zones: InlinePlan.pexipZones,
            rules: [
                "{name: Video domain, priority: 100, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Oslo}",
                "{name: Lab numbers, priority: 110, source_mode: named, source_name: Lab, pattern_type: regex, pattern_string: '\\d+', target: Pexip-Oslo}",
            ])
        let yaml = InlinePlan.yaml(
            conferences: [
                #"{name: Alice, aliases: [meet.alice@vc.example]}"#,
                #"{name: Lounge, aliases: [lounge@partners.example, lobby@partners.example]}"#,
                #"{name: Lab, aliases: ["2001"]}"#,
                #"{name: Guests, aliases: [guest@partners.example]}"#,
            ],
            clusters: [cluster],
            sites: [InlinePlan.site, "{name: Lab site, registers_to: vcs, subzone: Lab, local_locations: [Oslo]}"])
        let plan = try TestPlans.load(yaml)
        let simulation = Simulation(plan: plan, workers: 1)
        let found = PlanChecks.run(simulation).filter { $0.check == .serviceAliasUnreachable }
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding.severity == .warning)
        #expect(finding.location?.line == Self.line(of: "lounge@partners.example", in: yaml))
        // One finding for one place where the searches end, whatever the services.
        #expect(finding.message.hasPrefix("3 service aliases 'lounge@partners.example', 'lobby@partners.example', 'guest@partners.example' of 2 services (conference 'Lounge', conference 'Guests') are reached by no site's call: every search ends at vcs (plan.yaml:"), "\(finding.message)")
        #expect(finding.message.hasSuffix("before Pexip"), "\(finding.message)")
        #expect(finding.witness == "lounge@partners.example")
        // '2001' is reached from the Lab site only: not reported; Alice from both.
        #expect(!found.contains { $0.message.contains("'2001'") || $0.message.contains("meet.alice") })
    }

    @Test func anUnreachableAliasWhoseSearchesEndInSeveralPlacesNamesEach() throws {
        let cluster = Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ", "Lab"],
            zones: InlinePlan.pexipZones + ["{name: Dead end, peers: [10.9.9.9]}"],
            rules: [
                "{name: Video domain, priority: 100, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Oslo}",
                "{name: Lab partners, priority: 110, source_mode: named, source_name: Lab, pattern_type: suffix, pattern_string: '@partners.example', target: Dead end}",
            ])
        let yaml = InlinePlan.yaml(
            conferences: [#"{name: Alice, aliases: [meet.alice@vc.example]}"#, #"{name: Lounge, aliases: [lounge@partners.example]}"#],
            clusters: [cluster],
            sites: [InlinePlan.site, "{name: Lab site, registers_to: vcs, subzone: Lab, local_locations: [Oslo]}", "{name: Lab two, registers_to: vcs, subzone: Lab, local_locations: [Oslo]}"])
        let simulation = Simulation(plan: try TestPlans.load(yaml), workers: 1)
        let found = PlanChecks.run(simulation).filter { $0.check == .serviceAliasUnreachable }
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        // The Lab sites' calls (4: two sites, SIP and H.323) end at the zone; the other site's (2) at the cluster.
        #expect(finding.message.contains("the searches end at vcs zone 'Dead end'"), "\(finding.message)")
        #expect(finding.message.contains("(4 of 6 calls), and in 1 other place"), "\(finding.message)")
        #expect(finding.notes.first?.hasPrefix("2 calls end at vcs (plan.yaml:") == true, "\(finding.notes)")
    }

    @Test func aServiceAliasThatEverySiteRewritesIntoARejectedOneIsUnreachable() throws {
        let yaml = InlinePlan.yaml(
            conferences: [#"{name: Alice, aliases: [meet.alice@vc.example]}"#, #"{name: Room, aliases: [room@vc.example]}"#],
            gatewayRules: [],
            clusters: [Cluster(
                name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
                rules: [
                    "{name: Old room, priority: 50, pattern_type: exact, pattern_string: 'room@vc.example', pattern_behavior: replace, replace_string: 'room@old.example', progress: stop, target: Pexip-Oslo}",
                    "{name: Video domain, priority: 100, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Oslo}",
                ])])
        let simulation = Simulation(plan: try TestPlans.load(yaml), workers: 1)
        let found = PlanChecks.run(simulation).filter { $0.check == .serviceAliasUnreachable }
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding.message.contains("'room@vc.example' of conference 'Room' is reached by no site's call: every search ends at vcs search rule 'Old room' (priority 50) (plan.yaml:\(Self.line(of: "Old room", in: yaml)!):"), "\(finding.message)")
        #expect(finding.message.hasSuffix("where Pexip rejects what reaches it"), "\(finding.message)")
    }

    @Test func aServiceAliasWithSurroundingSpaces() throws {
        let conferences = [#"{name: Alice, aliases: [meet.alice@vc.example, " 1002@vc.example"]}"#]
        let plan = try InlinePlan.load(conferences: conferences, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let found = Self.findings(plan, .serviceAliasSpaces)
        #expect(found.map(\.witness) == ["1002@vc.example"])
        #expect(found.first?.message == "alias ' 1002@vc.example' of conference 'Alice' has spaces around it, which no dialled alias has: calls to '1002@vc.example' do not match it")
    }

    @Test func locationsThatNameThemselvesOrOverflowInACircle() throws {
        var yaml = InlinePlan.yaml(clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        yaml = yaml.replacingOccurrences(of: "    - {name: Oslo}\n", with: "    - {name: Oslo, overflow_location1: Singapore}\n")
        yaml = yaml.replacingOccurrences(of: "    - {name: Singapore}\n", with: "    - {name: Singapore, overflow_location1: London}\n")
        yaml = yaml.replacingOccurrences(of: "    - {name: London}\n", with: "    - {name: London, overflow_location1: Oslo, transcoding_location: London}\n")
        let found = Self.findings(try TestPlans.load(yaml), .locationChainCycle).map(\.message)
        #expect(found == [
            "system location 'London': transcoding_location names the location itself",
            "system locations 'Oslo', 'Singapore', 'London' overflow into one another (Oslo → Singapore → London → Oslo): when all are full, calls overflow in a circle",
        ])
    }

    // Every overflow cycle is reported, not only the one through the first location: two separate circles, and a
    // location on a second cycle of a set named in a cycle of its own.
    @Test func everyOverflowCircleIsReportedOnceWithEveryLocationOnIt() throws {
        var yaml = InlinePlan.yaml(clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        yaml = yaml.replacingOccurrences(of: "    - {name: Oslo}\n", with: "    - {name: Oslo, overflow_location1: Singapore, overflow_location2: Bergen}\n    - {name: Bergen, overflow_location1: Trondheim}\n    - {name: Trondheim, overflow_location1: Oslo}\n")
        yaml = yaml.replacingOccurrences(of: "    - {name: Singapore}\n", with: "    - {name: Singapore, overflow_location1: Oslo}\n")
        yaml = yaml.replacingOccurrences(of: "    - {name: London}\n", with: "    - {name: London, overflow_location1: Paris}\n    - {name: Paris, overflow_location1: London}\n")
        let found = Self.findings(try TestPlans.load(yaml), .locationChainCycle)
        #expect(found.map(\.message) == [
            "system locations 'Oslo', 'Bergen', 'Trondheim', 'Singapore' overflow into one another (Oslo → Singapore → Oslo; Bergen → Trondheim → Oslo → Bergen): when all are full, calls overflow in a circle",
            "system locations 'London', 'Paris' overflow into one another (London → Paris → London): when all are full, calls overflow in a circle",
        ])
        #expect(found.map { $0.location?.line } == [Self.line(of: "{name: Oslo,", in: yaml), Self.line(of: "{name: London,", in: yaml)])
    }

    @Test func aZoneWithPeersInMaintenance() throws {
        var nodes = InlinePlan.nodes
        nodes[2] = "{name: sin1, address: 10.2.0.1, system_location: Singapore, maintenance_mode: true}"
        let plan = try InlinePlan.load(nodes: nodes, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        #expect(Self.findings(plan, .zonePeerInMaintenance).map(\.message) == ["vcs zone 'Pexip-Singapore' has peers in maintenance mode (sin1), which accept no new calls"])
    }

    /// Where PCRE2's caseless Unicode matching differs from the model (POSIX classes under UCP, long s, dotless i,
    /// inline case flags), no rule is called dead: each pair here has an alias only the later rule matches.
    @Test(arguments: [
        (#"(?-i)alice@acme\.com"#, #"alice@acme\.com"#), ("[[:lower:]]+", "[a-z]+"), ("[[:alpha:][:digit:]]+", "[[:alnum:]]+"),
        ("[[:ascii:]]+", #"[a-z0-9.]+@acme\.com"#), ("[A-Z]+", #"[a-z\x{131}]+"#),
    ])
    func noFalseShadowWhereUnicodeRulesDiffer(_ pair: (String, String)) throws {
        let rules = ["{name: Earlier, priority: 10, match_string: '\(pair.0)'}", "{name: Later, priority: 20, match_string: '\(pair.1)'}"]
        let plan = try InlinePlan.load(gatewayRules: rules, clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        #expect(Self.findings(plan, .shadowedGatewayRule).isEmpty, "\(pair)")
    }
}
