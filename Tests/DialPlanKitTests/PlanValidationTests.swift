@testable import DialPlanKit
import Testing

/// Validation of a loaded plan: unknown keys and enum values with a did-you-mean, references, unique names, vendor
/// ranges and limits, patterns and replace strings, addresses, warnings, defaults and rule order. Each case adds a
/// second YAML document to `TestPlans.minimal` (documents merge by top-level key, like files) and checks the message
/// and the exact place it points at.
@Suite struct PlanValidationTests {

    // MARK: Unknown keys

    struct UnknownKey: Sendable, CustomTestStringConvertible {
        var what: String
        var extra: String
        var key: String
        var suggestion: String?
        var testDescription: String { "\(what): \(key)" }
    }

    static let unknownKeys: [UnknownKey] = [
        .init(what: "pexip", extra: "pexip:\n  conference: []", key: "conference", suggestion: "conferences"),
        .init(what: "management_vm", extra: "pexip:\n  management_vm: {name: mgr, addres: 10.0.0.5}", key: "addres", suggestion: "address"),
        .init(what: "system location 'Bergen'", extra: "pexip:\n  system_locations:\n    - {name: Bergen, transcoding_locaton: Oslo}", key: "transcoding_locaton", suggestion: "transcoding_location"),
        .init(what: "worker_vm 'osl3'", extra: "pexip:\n  worker_vms:\n    - {name: osl3, adress: 10.1.0.3, system_location: Oslo}", key: "adress", suggestion: "address"),
        .init(what: "worker_vm 'osl3'", extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: 10.1.0.3, system_location: Oslo, colour: red}", key: "colour", suggestion: nil),
        .init(what: "conference 'Bob'", extra: "pexip:\n  conferences:\n    - {name: Bob, alias: [meet.bob@vc.example]}", key: "alias", suggestion: "aliases"),
        .init(what: "gateway_routing_rule 'G'", extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: '.*', replace_strng: x}", key: "replace_strng", suggestion: "replace_string"),
        .init(what: "cluster 'vcs2'", extra: "call_control:\n  - {name: vcs2, adresses: [10.0.0.3]}", key: "adresses", suggestion: "addresses"),
        .init(what: "cluster 'vcs2' zone 'Z'", extra: cluster(zones: ["{name: Z, peers: [10.1.0.1], hop_cont: 5}"]), key: "hop_cont", suggestion: "hop_count"),
        .init(what: "cluster 'vcs2' transform 'T'", extra: cluster(transforms: ["{name: T, priority: 1, pattern_string: x, pattern_behavior: strip, replace_sting: y}"]), key: "replace_sting", suggestion: "replace_string"),
        .init(what: "cluster 'vcs2' search rule 'R'", extra: cluster(searchRules: ["{name: R, sorce_mode: any, pattern_string: x, target: Pexip-Oslo}"]), key: "sorce_mode", suggestion: "source_mode"),
        .init(what: "site 'Bergen Office'", extra: "sites:\n  - {name: Bergen Office, registers_to: vcs, local_locations: [Oslo], subzon: OsloSZ}", key: "subzon", suggestion: "subzone"),
        .init(what: "dns record 'a.example'", extra: "dns:\n  - {name: a.example, type: A, values: [10.0.0.9], tll: 60}", key: "tll", suggestion: "ttl"),
        .init(what: "probe", extra: "probes:\n  - {alias: x@vc.example, descripton: PSTN}", key: "descripton", suggestion: "description"),
    ]

    @Test(arguments: unknownKeys)
    func unknownKeyIsAnErrorWithDidYouMean(_ example: UnknownKey) {
        let yaml = Self.plan(example.extra)
        var expected = "\(example.what): unknown key '\(example.key)'"
        if let suggestion = example.suggestion { expected += "; did you mean '\(suggestion)'?" }
        let errors = TestPlans.errors(yaml)
        // At the key itself.
        expectDiagnostic(errors, equalTo: expected, at: Self.position(of: example.key + ":", in: yaml))
    }

    // MARK: Enum values

    struct Misspelt: Sendable, CustomTestStringConvertible {
        var extra: String
        var value: String
        var suggestion: String
        var testDescription: String { "\(value) → \(suggestion)" }
    }

    static let misspeltEnums: [Misspelt] = [
        .init(extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: 10.1.0.3, system_location: Oslo, node_type: conferncing}", value: "conferncing", suggestion: "conferencing"),
        .init(extra: "pexip:\n  conferences:\n    - {name: Hall, service_type: lectur, aliases: [hall@vc.example]}", value: "lectur", suggestion: "lecture"),
        .init(extra: "pexip:\n  conferences:\n    - {name: Reception, service_type: two-stage-dialling, aliases: [r@vc.example]}", value: "two-stage-dialling", suggestion: "two_stage_dialing"),
        .init(extra: cluster(zones: ["{name: Z, type: neighbour, peers: [10.1.0.1]}"]), value: "neighbour", suggestion: "neighbor"),
        .init(extra: cluster(transforms: ["{priority: 1, pattern_type: regx, pattern_string: x, pattern_behavior: strip}"]), value: "regx", suggestion: "regex"),
        .init(extra: cluster(transforms: ["{priority: 1, pattern_string: x, pattern_behavior: AddPrefx, replace_string: y}"]), value: "AddPrefx", suggestion: "addprefix"),
        .init(extra: cluster(searchRules: ["{name: R, mode: AliasPatternMatc, pattern_string: x, target: Pexip-Oslo}"]), value: "AliasPatternMatc", suggestion: "alias_pattern_match"),
        .init(extra: cluster(searchRules: ["{name: R, progress: stopp, pattern_string: x, target: Pexip-Oslo}"]), value: "stopp", suggestion: "stop"),
        .init(extra: cluster(searchRules: ["{name: R, source_mode: localzon, pattern_string: x, target: Pexip-Oslo}"]), value: "localzon", suggestion: "localzone"),
        .init(extra: cluster(searchRules: ["{name: R, protocol: sipp, pattern_string: x, target: Pexip-Oslo}"]), value: "sipp", suggestion: "sip"),
        .init(extra: cluster(searchRules: ["{name: R, pattern_behavior: stirp, pattern_string: x, target: Pexip-Oslo}"]), value: "stirp", suggestion: "strip"),
        .init(extra: "dns:\n  - {name: _sip._tcp.vc.example, type: SVR, values: ['10 10 5060 osl1.vc.example']}", value: "SVR", suggestion: "srv"),
        .init(extra: "sites:\n  - {name: Bergen Office, registers_to: vcs, local_locations: [Oslo], protocols: [sip, h3223]}", value: "h3223", suggestion: "h323"),
    ]

    @Test(arguments: misspeltEnums)
    func misspeltEnumValueSuggestsTheRightOne(_ example: Misspelt) {
        let yaml = Self.plan(example.extra)
        let errors = TestPlans.errors(yaml)
        // At the value, naming it and the closest valid spelling.
        expectDiagnostic(
            errors, containing: ["not '\(example.value)'", "; did you mean '\(example.suggestion)'?"],
            at: Self.position(of: example.value, in: yaml))
    }

    @Test func misspeltEnumMessageListsTheValidValues() {
        let yaml = Self.plan(Self.misspeltEnums[0].extra)
        expectDiagnostic(
            TestPlans.errors(yaml),
            equalTo: "worker_vm 'osl3': 'node_type' must be one of conferencing, proxying, not 'conferncing'; did you mean 'conferencing'?",
            at: Self.position(of: "conferncing", in: yaml))
    }

    struct Spelling: Sendable, CustomTestStringConvertible {
        var field: String
        var value: String
        var expected: String
        var testDescription: String { "\(field): \(value)" }
    }

    /// The spellings of a VCS/Expressway xConfiguration export. [VCS "Search rules"]
    static let vcsSearchRuleSpellings: [Spelling] = [
        .init(field: "mode", value: "AliasPatternMatch", expected: "alias_pattern_match"),
        .init(field: "mode", value: "AnyAlias", expected: "any_alias"),
        .init(field: "mode", value: "AnyIPAddress", expected: "any_ip_address"),
        .init(field: "progress", value: "Stop", expected: "stop"),
        .init(field: "progress", value: "Continue", expected: "continue"),
        .init(field: "pattern_type", value: "Regex", expected: "regex"),
        .init(field: "pattern_type", value: "Suffix", expected: "suffix"),
        .init(field: "pattern_type", value: "Exact", expected: "exact"),
        .init(field: "pattern_behavior", value: "Leave", expected: "leave"),
        .init(field: "pattern_behavior", value: "Strip", expected: "strip"),
        .init(field: "protocol", value: "SIP", expected: "sip"),
        .init(field: "protocol", value: "H323", expected: "h323"),
        .init(field: "protocol", value: "Any", expected: "any"),
        .init(field: "source_mode", value: "AllZones", expected: "allzones"),
        .init(field: "source_mode", value: "LocalZone", expected: "localzone"),
        .init(field: "state", value: "Disabled", expected: "false"),
        .init(field: "state", value: "Enabled", expected: "true"),
    ]

    @Test(arguments: vcsSearchRuleSpellings)
    func vcsSpellingsOfSearchRuleValuesAreAccepted(_ example: Spelling) throws {
        // Prefix/suffix/exact patterns, so that strip is allowed and the pattern compiles for every type.
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, pattern_string: '@vc.example', \(example.field): \(example.value), target: Pexip-Oslo}"]))
        let plan = try TestPlans.load(yaml)
        let rule = try #require(plan.clusters.last?.searchRules.first)
        let actual: String
        switch example.field {
        case "mode": actual = rule.mode.rawValue
        case "progress": actual = rule.progress.rawValue
        case "pattern_type": actual = rule.matcher?.type.rawValue ?? "none"
        case "pattern_behavior": actual = rule.matcher?.behavior.rawValue ?? "none"
        case "protocol": actual = rule.callProtocol.rawValue
        case "source_mode": actual = rule.sourceMode.rawValue
        case "state": actual = String(rule.enabled)
        default: actual = "?"
        }
        #expect(actual == example.expected)
    }

    @Test func vcsSpellingsOfTransformAndZoneValuesAreAccepted() throws {
        let yaml = Self.plan(Self.cluster(
            zones: ["{name: Pexip-Oslo, type: Neighbor, peers: [10.1.0.1]}", "{name: Internet, type: DNS}"],
            transforms: ["{priority: 1, pattern_type: Suffix, pattern_string: '@vc', pattern_behavior: AddSuffix, replace_string: '.example', state: Disabled}"]))
        let cluster = try #require(try TestPlans.load(yaml).clusters.last)
        #expect(cluster.zones.map(\.type) == [.neighbor, .dns])
        let transform = try #require(cluster.transforms.first)
        #expect(transform.matcher.type == .suffix)
        #expect(transform.matcher.behavior == .addsuffix)
        #expect(transform.matcher.replace == ".example")
        #expect(transform.enabled == false)
    }

    // MARK: References

    struct Reference: Sendable, CustomTestStringConvertible {
        var what: String
        var extra: String
        var wrong: String
        var kind: String
        var suggestion: String?
        var testDescription: String { "\(what) '\(wrong)'" }
    }

    static let unresolvedReferences: [Reference] = [
        .init(what: "worker_vm 'osl3'", extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: 10.1.0.3, system_location: Olso}", wrong: "Olso", kind: "system location", suggestion: "Oslo"),
        .init(what: "worker_vm 'osl3'", extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: 10.1.0.3, system_location: Tokyo}", wrong: "Tokyo", kind: "system location", suggestion: nil),
        .init(what: "system location 'Oslo-Edge' transcoding_location", extra: "pexip:\n  system_locations:\n    - {name: Oslo-Edge, transcoding_location: Olso}", wrong: "Olso", kind: "system location", suggestion: "Oslo"),
        .init(what: "system location 'Bergen' overflow_location1", extra: "pexip:\n  system_locations:\n    - {name: Bergen, overflow_location1: Singapur}", wrong: "Singapur", kind: "system location", suggestion: "Singapore"),
        .init(what: "system location 'Bergen' overflow_location2", extra: "pexip:\n  system_locations:\n    - {name: Bergen, overflow_location2: OSLO}", wrong: "OSLO", kind: "system location", suggestion: "Oslo"),
        .init(what: "gateway_routing_rule 'G' match_source_location", extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_source_location: Singapoor, match_string: '.*'}", wrong: "Singapoor", kind: "system location", suggestion: "Singapore"),
        .init(what: "gateway_routing_rule 'G' outgoing_location", extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: '.*', outgoing_location: Osloo}", wrong: "Osloo", kind: "system location", suggestion: "Oslo"),
        .init(what: "cluster 'vcs2' search rule 'R' target", extra: cluster(searchRules: ["{name: R, pattern_string: x, target: Pexip-Olso}"]), wrong: "Pexip-Olso", kind: "zone", suggestion: "Pexip-Oslo"),
        .init(what: "site 'Bergen Office' registers_to", extra: "sites:\n  - {name: Bergen Office, registers_to: vsc, local_locations: [Oslo]}", wrong: "vsc", kind: "call_control cluster", suggestion: "vcs"),
        .init(what: "site 'Bergen Office'", extra: "sites:\n  - {name: Bergen Office, registers_to: vcs, subzone: OsloZS, local_locations: [Oslo]}", wrong: "OsloZS", kind: "subzone in cluster 'vcs'", suggestion: "OsloSZ"),
        .init(what: "site 'Bergen Office' local_locations", extra: "sites:\n  - {name: Bergen Office, registers_to: vcs, local_locations: [Oslo, Singapure]}", wrong: "Singapure", kind: "system location", suggestion: "Singapore"),
    ]

    @Test(arguments: unresolvedReferences)
    func unresolvedReferenceSuggestsTheClosestName(_ example: Reference) {
        let yaml = Self.plan(example.extra)
        var expected = "\(example.what): no \(example.kind) named '\(example.wrong)'"
        if let suggestion = example.suggestion { expected += "; did you mean '\(suggestion)'?" }
        // At the reference.
        expectDiagnostic(TestPlans.errors(yaml), equalTo: expected, at: Self.position(of: example.wrong, in: yaml))
    }

    @Test func unresolvedSourceNameSuggestsAZoneOrSubzone() {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, source_mode: named, source_name: Bergen-ZS, pattern_string: x, target: Pexip-Oslo}"]))
        expectDiagnostic(
            TestPlans.errors(yaml),
            equalTo: "cluster 'vcs2' search rule 'R': source_name 'Bergen-ZS' is no zone or subzone of the cluster; did you mean 'Bergen-SZ'?",
            at: Self.position(of: "Bergen-ZS", in: yaml))
    }

    @Test func sourceNameResolvesToSubzoneZoneOrDefaultZone() throws {
        let yaml = Self.plan(Self.cluster(searchRules: [
            "{name: From subzone, source_mode: named, source_name: Bergen-SZ, pattern_string: x, target: Pexip-Oslo}",
            "{name: From zone, source_mode: named, source_name: Pexip-Oslo, pattern_string: x, target: Pexip-Oslo}",
            "{name: From default zone, source_mode: named, source_name: DefaultZone, pattern_string: x, target: Pexip-Oslo}",
        ]))
        let cluster = try #require(try TestPlans.load(yaml).clusters.last)
        // Subzone 0 is DefaultSubZone; Bergen-SZ is the first one the plan names.
        #expect(cluster.searchRules.map(\.namedSource) == [.subzone(1), .zone(0), .defaultZone])
    }

    @Test func sourceModeNamedNeedsASourceName() {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, source_mode: named, pattern_string: x, target: Pexip-Oslo}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' search rule 'R': source_mode named needs a source_name (a zone or subzone)",
            at: Self.position(of: "named, pattern_string: x", in: yaml))
    }

    @Test func searchRuleMayTargetTheLocalZone() throws {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: Local, mode: any_alias, target: LocalZone}"]))
        let rule = try #require(try TestPlans.load(yaml).clusters.last?.searchRules.first)
        #expect(rule.target == .localZone)
    }

    // MARK: Unique names

    struct Duplicate: Sendable, CustomTestStringConvertible {
        var kind: String
        var extra: String
        /// The text at the place each definition is reported: the first occurrence is the first definition.
        var needle: String
        /// Columns from the needle to the reported place.
        var offset: Int = 0
        var testDescription: String { kind }
    }

    static let duplicates: [Duplicate] = [
        .init(kind: "system location 'Oslo'", extra: "pexip:\n  system_locations:\n    - {name: Oslo}", needle: "{name: Oslo}", offset: 7),
        .init(kind: "worker_vm 'osl1'", extra: "pexip:\n  worker_vms:\n    - {name: osl1, address: 10.1.0.9, system_location: Oslo}", needle: "{name: osl1"),
        .init(kind: "conference 'Alice'", extra: "pexip:\n  conferences:\n    - {name: Alice, aliases: [alice2@vc.example]}", needle: "{name: Alice"),
        .init(kind: "gateway_routing_rule 'G'", extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: 'a.*'}\n    - {name: G, priority: 6, match_string: 'b.*'}", needle: "{name: G,"),
        .init(kind: "call_control cluster 'vcs'", extra: "call_control:\n  - name: vcs\n    addresses: [10.0.0.9]", needle: "name: vcs\n", offset: 0),
        .init(kind: "cluster 'vcs2' subzone 'Bergen-SZ'", extra: cluster(subzones: ["Bergen-SZ", "Bergen-SZ"]), needle: "Bergen-SZ"),
        .init(kind: "cluster 'vcs2' zone 'Z'", extra: cluster(zones: ["{name: Z, peers: [10.1.0.1]}", "{name: Z, peers: [10.1.0.2]}"]), needle: "{name: Z,"),
        .init(kind: "cluster 'vcs2' search rule 'R'", extra: cluster(searchRules: ["{name: R, pattern_string: a, target: Pexip-Oslo}", "{name: R, pattern_string: b, target: Pexip-Oslo}"]), needle: "{name: R,"),
        .init(kind: "site 'Oslo Office'", extra: "sites:\n  - {name: Oslo Office, registers_to: vcs, local_locations: [Oslo]}", needle: "{name: Oslo Office"),
    ]

    @Test(arguments: duplicates)
    func duplicateNameIsAnErrorNamingTheFirst(_ example: Duplicate) {
        let yaml = Self.plan(example.extra)
        let first = Self.position(of: example.needle, occurrence: 1, in: yaml, offset: example.offset)
        let second = Self.position(of: example.needle, occurrence: 2, in: yaml, offset: example.offset)
        expectDiagnostic(TestPlans.errors(yaml), equalTo: "\(example.kind) is defined twice (first at \(first))", at: second)
    }

    @Test func sameZoneAndRuleNamesInTwoClustersAreAllowed() throws {
        // Zones and search rules are named per cluster: vcs has a Pexip-Oslo zone too.
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: Oslo, pattern_string: x, target: Pexip-Oslo}"]))
        let plan = try TestPlans.load(yaml)
        #expect(plan.clusters.map { $0.zones.map(\.name).contains("Pexip-Oslo") } == [true, true])
        #expect(plan.clusters.map { $0.searchRules.map(\.name).contains("Oslo") } == [true, true])
    }

    /// Model: service aliases are compared case-insensitively, after the alias is parsed. [PX-about_aliases]
    @Test func serviceAliasesAreUniqueComparedCaseInsensitively() {
        let yaml = Self.plan("pexip:\n  conferences:\n    - {name: Bob, aliases: [meet.bob@vc.example, Meet.Alice@VC.Example]}")
        let first = Self.position(of: "meet.alice@vc.example", in: yaml)
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "service alias 'Meet.Alice@VC.Example' is defined twice (first at \(first))",
            at: Self.position(of: "Meet.Alice@VC.Example", in: yaml))
    }

    @Test func serviceAliasRepeatedInItsOwnConferenceIsAnError() {
        let yaml = Self.plan("pexip:\n  conferences:\n    - name: Bob\n      aliases:\n        - meet.bob@vc.example\n        - {alias: MEET.BOB@vc.example}")
        let errors = TestPlans.errors(yaml)
        expectDiagnostic(errors, containing: ["service alias 'MEET.BOB@vc.example' is defined twice"], at: Self.position(of: "MEET.BOB", in: yaml))
    }

    @Test func differentServiceAliasesLoad() throws {
        let yaml = Self.plan("pexip:\n  conferences:\n    - {name: Bob, aliases: [meet.bob@vc.example, {alias: '1002'}]}")
        let plan = try TestPlans.load(yaml)
        #expect(plan.services.map(\.name) == ["Alice", "Bob"])
        #expect(plan.services[1].aliases.map(\.alias) == ["meet.bob@vc.example", "1002"])
    }

    // MARK: Vendor ranges and limits

    struct RangeCase: Sendable, CustomTestStringConvertible {
        var value: String
        var error: String?
        var testDescription: String { value }
    }

    /// Pre-search transforms: priority 1–65534. [VCS "Pre-search transforms"]
    @Test(arguments: [
        RangeCase(value: "0", error: "'priority' must be between 1 and 65534, not 0"),
        RangeCase(value: "1", error: nil),
        RangeCase(value: "65534", error: nil),
        RangeCase(value: "65535", error: "'priority' must be between 1 and 65534, not 65535"),
        RangeCase(value: "-3", error: "'priority' must be between 1 and 65534, not -3"),
        RangeCase(value: "high", error: "'priority' must be a whole number, not 'high'"),
    ])
    func transformPriorityIsBetween1And65534(_ example: RangeCase) throws {
        let yaml = Self.plan(Self.cluster(transforms: ["{name: T, priority: \(example.value), pattern_string: '0', pattern_behavior: strip}"]))
        try expectRange(example, yaml: yaml, at: Self.position(of: "priority: \(example.value),", in: yaml, offset: 10)) { plan in
            plan.clusters.last?.transforms.first?.priority
        }
    }

    /// Search rules: priority 1–65534. [VCS "Search rules"]
    @Test(arguments: [
        RangeCase(value: "0", error: "'priority' must be between 1 and 65534, not 0"),
        RangeCase(value: "1", error: nil),
        RangeCase(value: "65534", error: nil),
        RangeCase(value: "65535", error: "'priority' must be between 1 and 65534, not 65535"),
        RangeCase(value: "1.5", error: "'priority' must be a whole number, not '1.5'"),
    ])
    func searchRulePriorityIsBetween1And65534(_ example: RangeCase) throws {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, priority: \(example.value), pattern_string: x, target: Pexip-Oslo}"]))
        try expectRange(example, yaml: yaml, at: Self.position(of: "priority: \(example.value),", in: yaml, offset: 10)) { plan in
            plan.clusters.last?.searchRules.first?.priority
        }
    }

    /// Call Routing Rules: priority 1–200. [PX-configuring_gateway_rules]
    @Test(arguments: [
        RangeCase(value: "0", error: "'priority' must be between 1 and 200, not 0"),
        RangeCase(value: "1", error: nil),
        RangeCase(value: "200", error: nil),
        RangeCase(value: "201", error: "'priority' must be between 1 and 200, not 201"),
        RangeCase(value: "1000", error: "'priority' must be between 1 and 200, not 1000"),
    ])
    func gatewayRulePriorityIsBetween1And200(_ example: RangeCase) throws {
        let yaml = Self.plan("pexip:\n  gateway_routing_rules:\n    - {name: G, priority: \(example.value), match_string: 'x.*'}")
        try expectRange(example, yaml: yaml, at: Self.position(of: "priority: \(example.value),", in: yaml, offset: 10)) { plan in
            plan.gatewayRules.first?.priority
        }
    }

    /// Hop count per zone: 1–255. [VCS "Zones"]
    @Test(arguments: [
        RangeCase(value: "0", error: "'hop_count' must be between 1 and 255, not 0"),
        RangeCase(value: "1", error: nil),
        RangeCase(value: "255", error: nil),
        RangeCase(value: "256", error: "'hop_count' must be between 1 and 255, not 256"),
    ])
    func hopCountIsBetween1And255(_ example: RangeCase) throws {
        let yaml = Self.plan(Self.cluster(zones: ["{name: Z, peers: [10.1.0.1], hop_count: \(example.value)}"]))
        try expectRange(example, yaml: yaml, at: Self.position(of: "hop_count: \(example.value)}", in: yaml, offset: 11)) { plan in
            plan.clusters.last?.zones.first?.hopCount
        }
    }

    @Test func gatewayRuleNeedsAPriority() {
        // Pexip has no default priority for a Call Routing Rule. [PX-API gateway_routing_rule]
        let yaml = Self.plan("pexip:\n  gateway_routing_rules:\n    - {name: G, match_string: 'x.*'}")
        expectDiagnostic(TestPlans.errors(yaml), equalTo: "gateway_routing_rule 'G' has no 'priority' (1–200)", at: Self.position(of: "{name: G", in: yaml))
    }

    /// A neighbor zone takes up to six peer addresses. [VCS "Neighbor zones"]
    @Test(arguments: [6, 7, 8])
    func zoneTakesAtMostSixPeers(_ count: Int) throws {
        let peers = (1...count).map { "10.1.0.\($0)" }.joined(separator: ", ")
        let yaml = Self.plan(Self.cluster(zones: ["{name: Z, peers: [\(peers)]}"]))
        if count <= 6 {
            let plan = try TestPlans.load(yaml)
            #expect(plan.clusters.last?.zones.first?.peers.count == count)
        } else {
            expectDiagnostic(
                TestPlans.errors(yaml), equalTo: "cluster 'vcs2' zone 'Z' has \(count) peers; a zone takes at most 6",
                at: Self.position(of: "[10.1.0.1, 10.1.0.2, 10.1.0.3", in: yaml))
        }
    }

    @Test func neighborZoneNeedsPeers() {
        let yaml = Self.plan(Self.cluster(zones: ["{name: Z, type: neighbor}"]))
        expectDiagnostic(TestPlans.errors(yaml), equalTo: "cluster 'vcs2' zone 'Z' has no peers", at: Self.position(of: "{name: Z,", in: yaml))
    }

    @Test func dnsZoneWithPeersIsAWarning() throws {
        let yaml = Self.plan(Self.cluster(zones: ["{name: Pexip-Oslo, peers: [10.1.0.1]}", "{name: Internet, type: dns, peers: [10.9.9.9]}"]))
        let plan = try TestPlans.load(yaml)
        expectDiagnostic(plan.warnings, equalTo: "cluster 'vcs2' zone 'Internet': a DNS zone has no peers; 'peers' is ignored", at: Self.position(of: "[10.9.9.9]", in: yaml))
    }

    @Test(arguments: ["LocalZone", "DefaultZone"])
    func builtInZoneNamesCannotBeReused(_ name: String) {
        let yaml = Self.plan(Self.cluster(zones: ["{name: \(name), peers: [10.1.0.1]}"]))
        expectDiagnostic(TestPlans.errors(yaml), equalTo: "cluster 'vcs2' zone '\(name)': '\(name)' is a built-in zone name", at: Self.position(of: "\(name),", in: yaml))
    }

    /// VCS/Expressway holds up to 100 pre-search transforms. [VCS "Pre-search transforms"]
    @Test(arguments: [100, 101])
    func clusterHoldsAtMost100Transforms(_ count: Int) throws {
        let transforms = (1...count).map { "{priority: \($0), pattern_string: 'p\($0)', pattern_behavior: strip}" }
        let yaml = Self.plan(Self.cluster(transforms: transforms))
        if count <= 100 {
            #expect(try TestPlans.load(yaml).clusters.last?.transforms.count == count)
        } else {
            let errors = TestPlans.errors(yaml)
            let error = expectDiagnostic(errors, equalTo: "cluster 'vcs2' has 101 transforms; VCS allows at most 100", at: nil)
            // At the transforms list.
            #expect(error?.location?.line == Self.position(of: "    transforms:", in: yaml).line + 1)
        }
    }

    // MARK: Pattern behaviors

    /// Strip removes a matched prefix or suffix; an exact or regex pattern has none. [VCS "Pattern behavior"]
    @Test(arguments: ["regex", "exact"])
    func stripNeedsAPrefixOrSuffixPattern(_ type: String) {
        for extra in [
            Self.cluster(transforms: ["{name: T, priority: 1, pattern_type: \(type), pattern_string: 'x', pattern_behavior: strip}"]),
            Self.cluster(searchRules: ["{name: T, pattern_type: \(type), pattern_string: 'x', pattern_behavior: strip, target: Pexip-Oslo}"]),
        ] {
            let yaml = Self.plan(extra)
            expectDiagnostic(
                TestPlans.errors(yaml), containing: ["'T': strip removes a matched prefix or suffix; use pattern_type prefix or suffix, or replace"],
                at: Self.position(of: "strip", in: yaml))
        }
    }

    @Test(arguments: ["prefix", "suffix"])
    func stripWithAPrefixOrSuffixPatternLoads(_ type: String) throws {
        let yaml = Self.plan(Self.cluster(transforms: ["{name: T, priority: 1, pattern_type: \(type), pattern_string: '00', pattern_behavior: strip}"]))
        let transform = try #require(try TestPlans.load(yaml).clusters.last?.transforms.first)
        #expect(transform.matcher.behavior == .strip)
        #expect(transform.matcher.type.rawValue == type)
    }

    /// AddPrefix/AddSuffix add the replace string, so they need one. [VCS "Pre-search transforms"]
    @Test(arguments: [("addprefix", ""), ("addsuffix", ""), ("addprefix", ", replace_string: ''"), ("AddSuffix", ", replace_string: ''")])
    func addPrefixOrSuffixNeedsAReplaceString(_ behavior: String, _ replace: String) {
        let yaml = Self.plan(Self.cluster(transforms: ["{name: T, priority: 1, pattern_string: '0', pattern_behavior: \(behavior)\(replace)}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' transform 'T': \(behavior.lowercased()) needs the text to add in replace_string",
            at: Self.position(of: "{name: T", in: yaml))
    }

    @Test(arguments: ["addprefix", "addsuffix"])
    func searchRuleBehaviorIsLeaveStripOrReplace(_ behavior: String) {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, pattern_string: x, pattern_behavior: \(behavior), replace_string: y, target: Pexip-Oslo}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' search rule 'R': a search rule's pattern_behavior is leave, strip or replace, not \(behavior)",
            at: Self.position(of: behavior, in: yaml))
    }

    @Test func transformBehaviorIsNotLeave() {
        let yaml = Self.plan(Self.cluster(transforms: ["{name: T, priority: 1, pattern_string: x, pattern_behavior: leave}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' transform 'T': a transform's pattern_behavior is strip, replace, addprefix or addsuffix, not leave",
            at: Self.position(of: "leave", in: yaml))
    }

    @Test func transformNeedsABehavior() {
        let yaml = Self.plan(Self.cluster(transforms: ["{name: T, priority: 1, pattern_string: x}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' transform 'T' has no 'pattern_behavior' (strip, replace, addprefix or addsuffix)",
            at: Self.position(of: "{name: T", in: yaml))
    }

    @Test func aliasPatternMatchNeedsAPatternString() {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, target: Pexip-Oslo}"]))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' search rule 'R': mode alias_pattern_match needs a pattern_string",
            at: Self.position(of: "{name: R", in: yaml))
    }

    @Test func patternStringInAnyAliasModeIsAWarning() throws {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, mode: any_alias, pattern_string: x, target: Pexip-Oslo}"]))
        let plan = try TestPlans.load(yaml)
        expectDiagnostic(plan.warnings, equalTo: "cluster 'vcs2' search rule 'R': pattern_string is ignored in mode any_alias", at: Self.position(of: "x, target", in: yaml))
        #expect(plan.clusters.last?.searchRules.first?.matcher == nil)
    }

    @Test func sourceNameWithoutNamedModeIsAWarning() throws {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, source_mode: any, source_name: Bergen-SZ, pattern_string: x, target: Pexip-Oslo}"]))
        let plan = try TestPlans.load(yaml)
        expectDiagnostic(plan.warnings, equalTo: "cluster 'vcs2' search rule 'R': source_name is ignored unless source_mode is named", at: Self.position(of: "Bergen-SZ,", in: yaml))
    }

    // MARK: Patterns that do not compile

    struct BadPattern: Sendable, CustomTestStringConvertible {
        var name: String
        var extra: String
        /// The offending character is the first character of `needle` (its `occurrence`), moved by `offset` columns.
        var needle: String
        var offset: Int = 0
        var what: String
        var problem: String
        var patternColumn: Int
        var testDescription: String { name }
    }

    static let badPatterns: [BadPattern] = [
        .init(
            name: "transform, plain scalar in a flow mapping",
            extra: cluster(transforms: ["{name: T, priority: 1, pattern_type: regex, pattern_string: meet.x**@vc, pattern_behavior: replace, replace_string: y}"]),
            needle: "**@vc", offset: 1, what: "cluster 'vcs2' transform 'T'", problem: "quantifier does not follow a repeatable item", patternColumn: 8),
        .init(
            name: "search rule, plain scalar in a block mapping",
            extra: """
                call_control:
                  - name: vcs2
                    addresses: [10.0.0.3]
                    zones:
                      - {name: Pexip-Oslo, peers: [10.1.0.1]}
                    search_rules:
                      - name: Broken range
                        pattern_type: regex
                        pattern_string: gw\\.[z-a]+@vc\\.example
                        target: Pexip-Oslo
                """,
            needle: "a]+@vc", what: "cluster 'vcs2' search rule 'Broken range'", problem: "range out of order in character class", patternColumn: 8),
        .init(
            name: "search rule, single-quoted scalar",
            extra: cluster(searchRules: ["{name: R, pattern_type: regex, pattern_string: 'meet\\.(x))', target: Pexip-Oslo}"]),
            needle: "))'", offset: 1, what: "cluster 'vcs2' search rule 'R'", problem: "unmatched closing parenthesis", patternColumn: 10),
        .init(
            name: "transform, double-quoted scalar without escapes",
            extra: """
                call_control:
                  - name: vcs2
                    addresses: [10.0.0.3]
                    transforms:
                      - name: Repeat
                        priority: 1
                        pattern_type: regex
                        pattern_string: "gw.[9-0]+@vc"
                        pattern_behavior: replace
                        replace_string: "x"
                """,
            needle: "0]+@vc", what: "cluster 'vcs2' transform 'Repeat'", problem: "range out of order in character class", patternColumn: 7),
        .init(
            name: "gateway rule, single-quoted match_string",
            extra: "pexip:\n  gateway_routing_rules:\n    - {name: Broken, priority: 5, match_string: '(.+)@vc\\.[z-a]', replace_string: '\\1'}",
            needle: "a]'", what: "gateway_routing_rule 'Broken'", problem: "range out of order in character class", patternColumn: 13),
        .init(
            name: "gateway rule, plain match_string in a block mapping",
            extra: "pexip:\n  gateway_routing_rules:\n    - name: Unbalanced\n      priority: 5\n      match_string: meet)x",
            needle: ")x", what: "gateway_routing_rule 'Unbalanced'", problem: "unmatched closing parenthesis", patternColumn: 5),
        .init(
            name: "after non-ASCII text on the same line",
            extra: cluster(searchRules: ["{name: Zürich, pattern_type: regex, pattern_string: 'zü.x**', target: Pexip-Oslo}"]),
            needle: "**'", offset: 1, what: "cluster 'vcs2' search rule 'Zürich'", problem: "quantifier does not follow a repeatable item", patternColumn: 6),
    ]

    @Test(arguments: badPatterns)
    func patternThatDoesNotCompileIsReportedAtTheOffendingCharacter(_ example: BadPattern) {
        let yaml = Self.plan(example.extra)
        expectDiagnostic(
            TestPlans.errors(yaml),
            equalTo: "\(example.what): pattern does not compile at column \(example.patternColumn) of the pattern: \(example.problem)",
            at: Self.position(of: example.needle, in: yaml, offset: example.offset))
    }

    @Test func patternErrorAfterAnEscapedQuoteIsStillExact() {
        // 'it''s[z-a]' is the pattern it's[z-a]: the quote is doubled in the file, so file and pattern columns differ
        // by one after it. PCRE2 stops at the `a` of the range.
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, pattern_type: regex, pattern_string: 'it''s[z-a]', target: Pexip-Oslo}"]))
        expectDiagnostic(
            TestPlans.errors(yaml),
            equalTo: "cluster 'vcs2' search rule 'R': pattern does not compile at column 8 of the pattern: range out of order in character class",
            at: Self.position(of: "a]'", in: yaml))
    }

    @Test func patternErrorAfterACombiningCharacterIsStillExact() {
        // "Cafe\u{301}" is one character but two Unicode scalars; the YAML parser counts columns in Unicode scalars, so
        // the error must too, or it points next to the pattern.
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: Cafe\u{301}, pattern_type: regex, pattern_string: 'x**', target: Pexip-Oslo}"]))
        let line = Self.position(of: "x**", in: yaml).line
        let text = String(yaml.split(separator: "\n", omittingEmptySubsequences: false)[line - 1])
        let before = text[..<text.range(of: "**'")!.lowerBound]
        let scalarColumn = before.unicodeScalars.count + 2
        expectDiagnostic(
            TestPlans.errors(yaml), containing: ["pattern does not compile at column 3 of the pattern"],
            at: DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: scalarColumn))
    }

    // MARK: Replace strings

    struct BadReplace: Sendable, CustomTestStringConvertible {
        var name: String
        var extra: String
        var needle: String
        var message: String
        var testDescription: String { name }
    }

    static let badReplaceStrings: [BadReplace] = [
        .init(
            name: "transform \\2 with one group",
            extra: cluster(transforms: ["{name: T, priority: 1, pattern_type: regex, pattern_string: '([^@]+)', pattern_behavior: replace, replace_string: '\\1@\\2'}"]),
            needle: "\\2'", message: "cluster 'vcs2' transform 'T': replace string refers to group 2 but the pattern has 1 group (column 4 of the replace string)"),
        .init(
            name: "search rule \\g<2> with one group",
            extra: cluster(searchRules: ["{name: R, pattern_type: regex, pattern_string: '(.+)@vc', pattern_behavior: replace, replace_string: 'x\\g<2>', target: Pexip-Oslo}"]),
            needle: "\\g<2>", message: "cluster 'vcs2' search rule 'R': replace string refers to group 2 but the pattern has 1 group (column 2 of the replace string)"),
        .init(
            name: "gateway rule \\1 without groups",
            extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: '.+@partner', replace_string: '\\1@gw'}",
            needle: "\\1@gw", message: "gateway_routing_rule 'G': replace string refers to group 1 but the pattern has 0 groups (column 1 of the replace string)"),
        .init(
            name: "gateway rule \\g<name> the pattern does not name",
            extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: '(?<user>.+)@partner', replace_string: 'sip:\\g<usr>@gw'}",
            needle: "\\g<usr>", message: "gateway_routing_rule 'G': replace string refers to group 'usr', which the pattern does not name (column 5 of the replace string)"),
    ]

    @Test(arguments: badReplaceStrings)
    func replaceStringReferringToAMissingGroupIsAnError(_ example: BadReplace) {
        let yaml = Self.plan(example.extra)
        expectDiagnostic(TestPlans.errors(yaml), equalTo: example.message, at: Self.position(of: example.needle, in: yaml))
    }

    @Test func replaceStringWithExistingGroupsLoads() throws {
        let yaml = Self.plan("pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: '(?<user>[^@]+)@(partner)', replace_string: '\\g<user>@\\2.\\g<1>'}")
        let rule = try #require(try TestPlans.load(yaml).gatewayRules.first)
        #expect(rule.replaceString == "\\g<user>@\\2.\\g<1>")
        #expect(rule.matcher.regex?.captureCount == 2)
    }

    // MARK: Addresses

    @Test(arguments: ["osl3.vc.example", "10.1.0", "10.1.0.256", "10.1.0.3/24", "fe80::1::2", " 10.1.0.3x"])
    func nodeAddressMustBeAnIPAddress(_ address: String) {
        let yaml = Self.plan("pexip:\n  worker_vms:\n    - {name: osl3, address: '\(address)', system_location: Oslo}")
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "worker_vm 'osl3': address '\(address)' is not an IPv4 or IPv6 address",
            at: Self.position(of: "'\(address)'", in: yaml))
    }

    @Test(arguments: ["10.1.0.3", "2001:db8::13", "fe80::1"])
    func nodeAddressMayBeIPv4OrIPv6(_ address: String) throws {
        let yaml = Self.plan("pexip:\n  worker_vms:\n    - {name: osl3, address: '\(address)', system_location: Oslo}")
        #expect(try TestPlans.load(yaml).nodes.last?.address == address)
    }

    struct SeveralProblems: Sendable, CustomTestStringConvertible {
        var what: String
        var extra: String
        /// Each problem: a message fragment and the text it points at.
        var problems: [(fragment: String, needle: String)]
        var testDescription: String { what }
    }

    /// The loader reports every problem at once: one problem of an object must not hide another one of the same object.
    static let severalProblems: [SeveralProblems] = [
        .init(
            what: "worker_vm with an unknown location and an address that is not an IP",
            extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: osl3.vc.example, system_location: Bergen}",
            problems: [("no system location named 'Bergen'", "Bergen"), ("address 'osl3.vc.example' is not an IPv4 or IPv6 address", "osl3.vc.example")]),
        .init(
            what: "gateway rule with a priority out of range and a pattern that does not compile",
            extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 0, match_string: 'gw[z-a]'}",
            problems: [("'priority' must be between 1 and 200, not 0", "0, match"), ("pattern does not compile", "a]'")]),
        .init(
            what: "transform with a priority out of range and a pattern that does not compile",
            extra: cluster(transforms: ["{name: T, priority: 0, pattern_type: regex, pattern_string: 'gw[z-a]', pattern_behavior: replace, replace_string: x}"]),
            problems: [("'priority' must be between 1 and 65534, not 0", "0, pattern"), ("pattern does not compile", "a]'")]),
        .init(
            what: "search rule without a target and a pattern that does not compile",
            extra: cluster(searchRules: ["{name: R, pattern_type: regex, pattern_string: 'gw[z-a]'}"]),
            problems: [("has no 'target'", "{name: R"), ("pattern does not compile", "a]'")]),
        .init(
            what: "search rule with an unknown target and a pattern that does not compile",
            extra: cluster(searchRules: ["{name: R, pattern_type: regex, pattern_string: 'gw[z-a]', target: Nowhere}"]),
            problems: [("no zone named 'Nowhere'", "Nowhere"), ("pattern does not compile", "a]'")]),
    ]

    @Test(arguments: severalProblems)
    func everyProblemOfOneObjectIsReportedAtOnce(_ example: SeveralProblems) {
        let yaml = Self.plan(example.extra)
        let errors = TestPlans.errors(yaml)
        for problem in example.problems {
            expectDiagnostic(errors, containing: [problem.fragment], at: Self.position(of: problem.needle, in: yaml))
        }
    }

    @Test func twoNodesWithOneAddressIsAnError() {
        let yaml = Self.plan("pexip:\n  worker_vms:\n    - {name: osl3, address: 10.1.0.1, system_location: Oslo}")
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "worker_vm 'osl3' has the address 10.1.0.1 of 'osl1'",
            at: Self.position(of: "{name: osl3", in: yaml))
    }

    @Test func nodeWithTheManagementNodesAddressIsAnError() {
        let yaml = Self.plan("pexip:\n  management_vm: {name: mgr, address: 10.2.0.2}")
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "worker_vm 'sin2' has the address 10.2.0.2 of 'mgr'",
            at: Self.position(of: "{name: sin2", in: yaml))
    }

    @Test func twoNodesWithOneIPv6AddressSpelledDifferentlyIsAnError() {
        // 2001:db8::11 and 2001:DB8:0:0::11 are the same address.
        let yaml = Self.plan("pexip:\n  worker_vms:\n    - {name: osl3, address: '2001:db8::11', system_location: Oslo}\n    - {name: osl4, address: '2001:DB8:0:0::11', system_location: Oslo}")
        expectDiagnostic(TestPlans.errors(yaml), containing: ["worker_vm 'osl4' has the address", "of 'osl3'"], at: Self.position(of: "{name: osl4", in: yaml))
    }

    @Test func clusterWithTheAddressOfANodeIsAnError() {
        let yaml = Self.plan(Self.cluster(address: "10.1.0.2"))
        expectDiagnostic(
            TestPlans.errors(yaml), equalTo: "cluster 'vcs2' has the address 10.1.0.2 of worker_vm 'osl2'",
            at: Self.position(of: "name: vcs2", in: yaml))
    }

    @Test func twoClustersWithOneAddressIsAnError() {
        let yaml = Self.plan(Self.cluster(address: "10.0.0.2"))
        let errors = TestPlans.errors(yaml)
        expectDiagnostic(errors, equalTo: "cluster 'vcs2' has the address 10.0.0.2 of cluster 'vcs'", at: Self.position(of: "name: vcs2", in: yaml))
    }

    // MARK: Warnings

    @Test func zonePeerInNoPartOfThePlanIsAWarning() throws {
        let yaml = Self.plan(Self.cluster(zones: ["{name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.99]}"]))
        let plan = try TestPlans.load(yaml)
        let warning = expectDiagnostic(
            plan.warnings,
            equalTo: "cluster 'vcs2' zone 'Pexip-Oslo': peer '10.1.0.99' is neither a Pexip node nor a call_control cluster of this plan; searches sent to it find nothing",
            at: Self.position(of: "{name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.99]}", in: yaml))
        #expect(warning?.severity == .warning)
        #expect(warning?.check?.rawValue == "unknown-peer")
        // The known peer is not warned about, and the zone keeps both.
        #expect(plan.warnings.filter { $0.message.contains("'10.1.0.1'") }.isEmpty)
        #expect(plan.clusters.last?.zones.first?.peers == ["10.1.0.1", "10.1.0.99"])
    }

    @Test func zonePeersThatAreNodesClustersOrTheirNamesAreNotWarnings() throws {
        let yaml = Self.plan(Self.cluster(zones: [
            "{name: Pexip-Oslo, peers: [osl1.vc.example, 10.1.0.2]}",
            "{name: To-vcs, peers: [vcs.vc.example]}",
        ]) + "\ndns:\n  - {name: osl1.vc.example, type: A, values: [10.1.0.1]}\n  - {name: vcs.vc.example, type: CNAME, values: [vcs-a.vc.example]}\n  - {name: vcs-a.vc.example, type: A, values: [10.0.0.2]}")
        let plan = try TestPlans.load(yaml)
        #expect(plan.warnings.isEmpty, "\(plan.warnings)")
    }

    // Issue 8: a probe is dialled exactly as written. Only one that repeats a service alias (or an earlier probe)
    // letter for letter is redundant and dropped with a warning; one that differs only in case is its own dial
    // string, kept, with a note.
    @Test func aProbeIsDialledExactlyAsWrittenAndOnlyAnExactRepeatIsDropped() throws {
        let yaml = Self.plan("probes:\n  - MEET.ALICE@vc.example\n  - 9123@vc.example\n  - {alias: 9123@VC.example}\n  - '1001'\n  - 9123@vc.example")
        let plan = try TestPlans.load(yaml)
        #expect(plan.probes.map(\.alias) == ["MEET.ALICE@vc.example", "9123@vc.example", "9123@VC.example"])
        let redundant = plan.warnings.filter { $0.check == .redundantProbe }
        #expect(redundant.map(\.message) == [
            "probe '1001' is already a service alias, which is dialled anyway",
            "probe '9123@vc.example' is listed twice",
        ])
        #expect(redundant.first?.location == Self.position(of: "'1001'", in: yaml))
        #expect(redundant.allSatisfy { $0.severity == .warning })
        let caseOnly = try #require(plan.warnings.first { $0.check == .probeDiffersInCase })
        #expect(caseOnly.severity == .note)
        #expect(caseOnly.location == Self.position(of: "MEET.ALICE", in: yaml))
        #expect(caseOnly.message.contains("differs from the service alias 'meet.alice@vc.example' only in case; it is dialled as written"))
        // It gets rows of its own.
        let simulation = Simulation(plan: plan, workers: 1)
        let probe = try #require(simulation.aliases.firstIndex { $0.alias == "MEET.ALICE@vc.example" })
        let facts = try #require(simulation.facts(site: 0, alias: probe, protocol: .sip))
        #expect(facts.alias == "MEET.ALICE@vc.example")
        #expect(facts.service?.name == "Alice")
    }

    @Test func planWithWarningsStillLoadsAndErrorsOmitWarnings() {
        // A warning alone does not fail a load; with an error, only errors are thrown.
        let yaml = Self.plan("probes: ['1001']\nsites:\n  - {name: Bergen, registers_to: nowhere, local_locations: [Oslo]}")
        let errors = TestPlans.errors(yaml)
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.severity == .error })
    }

    // MARK: Required fields and value types

    struct Required: Sendable, CustomTestStringConvertible {
        var extra: String
        var message: String
        var needle: String
        var testDescription: String { message }
    }

    static let requiredFields: [Required] = [
        .init(extra: "pexip:\n  worker_vms:\n    - {name: osl3, system_location: Oslo}", message: "worker_vm 'osl3' has no 'address'", needle: "{name: osl3"),
        .init(extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: '', system_location: Oslo}", message: "worker_vm 'osl3': 'address' is empty", needle: "''"),
        .init(extra: "pexip:\n  system_locations:\n    - {transcoding_location: Oslo}", message: "system location has no 'name'", needle: "{transcoding_location"),
        .init(extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5}", message: "gateway_routing_rule 'G' has no 'match_string'", needle: "{name: G"),
        .init(extra: cluster(searchRules: ["{name: R, pattern_string: x}"]), message: "cluster 'vcs2' search rule 'R' has no 'target'", needle: "{name: R"),
        .init(extra: cluster(transforms: ["{name: T, pattern_string: x, pattern_behavior: strip}"]), message: "cluster 'vcs2' transform 'T' has no 'priority' (1–65534)", needle: "{name: T"),
        .init(extra: "sites:\n  - {name: Bergen, registers_to: vcs}", message: "site 'Bergen' has no 'local_locations' (where its calls must land)", needle: "{name: Bergen"),
        .init(extra: "sites:\n  - {name: Bergen, local_locations: [Oslo]}", message: "site 'Bergen' has no 'registers_to'", needle: "{name: Bergen"),
        .init(extra: "pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 5, match_string: 'x.*', enable: maybe}", message: "gateway_routing_rule 'G': 'enable' must be true or false, not 'maybe'", needle: "maybe"),
        .init(extra: cluster(searchRules: ["{name: R, pattern_string: x, target: Pexip-Oslo, state: paused}"]), message: "cluster 'vcs2' search rule 'R': 'state' must be enabled or disabled, not 'paused'", needle: "paused"),
        .init(extra: "pexip:\n  conferences:\n    - {name: Bob, aliases: [meet.bob@vc.example, '']}", message: "conference 'Bob': an alias is empty", needle: "''"),
        .init(extra: "pexip:\n  worker_vms:\n    - {name: osl3, address: [10.1.0.3], system_location: Oslo}", message: "worker_vm 'osl3': 'address' must be a single value, not a list", needle: "[10.1.0.3]"),
        .init(extra: "dns: {name: a.vc.example}", message: "'dns' must be a list, not a mapping", needle: "{name: a.vc.example}"),
        .init(extra: "dns:\n  - {name: osl1.vc.example, type: A, values: [osl1]}", message: "dns record 'osl1.vc.example': 'osl1' is not an IP address", needle: "osl1]"),
        .init(extra: "dns:\n  - {name: _sip._tcp.vc.example, type: SRV, values: ['5060 osl1.vc.example']}", message: "dns record '_sip._tcp.vc.example': an SRV value is 'priority weight port target', not '5060 osl1.vc.example'", needle: "'5060"),
        .init(extra: "dns:\n  - {name: a.vc.example, values: [10.0.0.9]}", message: "dns record 'a.vc.example' has no 'type' (A, AAAA, SRV or CNAME)", needle: "{name: a.vc"),
    ]

    @Test(arguments: requiredFields)
    func missingOrMistypedFieldIsAnError(_ example: Required) {
        let yaml = Self.plan(example.extra)
        expectDiagnostic(TestPlans.errors(yaml), equalTo: example.message, at: Self.position(of: example.needle, in: yaml))
    }

    // MARK: Defaults

    /// Defaults as the Pexip Management API's gateway_routing_rule. [PX-API] [PX-configuring_gateway_rules]
    @Test func gatewayRuleDefaultsAreThePexipAPIs() throws {
        let yaml = Self.plan("pexip:\n  gateway_routing_rules:\n    - {name: G, priority: 10, match_string: '.*'}")
        let rule = try #require(try TestPlans.load(yaml).gatewayRules.first)
        #expect(rule.enable == true)
        #expect(rule.matchIncomingCalls == true)
        #expect(rule.matchIncomingSIP == true)
        #expect(rule.matchIncomingH323 == true)
        #expect(rule.matchIncomingMSSIP == true)
        #expect(rule.matchIncomingWebRTC == true)
        #expect(rule.matchIncomingTeams == false)
        #expect(rule.matchIncomingOnlyIfRegistered == false)
        #expect(rule.matchSourceLocation == nil)
        #expect(rule.matchStringFull == false)
        #expect(rule.replaceString == "")
        #expect(rule.calledDeviceType == "external")
        #expect(rule.outgoingProtocol == "sip")
        #expect(rule.outgoingLocation == nil)
    }

    @Test func gatewayRuleFieldsAreRead() throws {
        let yaml = Self.plan("""
            pexip:
              gateway_routing_rules:
                - name: G
                  priority: 10
                  enable: false
                  match_incoming_calls: false
                  match_incoming_sip: false
                  match_incoming_h323: false
                  match_incoming_mssip: false
                  match_incoming_webrtc: false
                  match_incoming_teams: true
                  match_incoming_only_if_registered: true
                  match_source_location: Singapore
                  match_string: '(.+)@vc'
                  match_string_full: true
                  replace_string: '\\1@teams'
                  called_device_type: teams_conference
                  outgoing_protocol: teams
                  outgoing_location: Oslo
            """)
        let plan = try TestPlans.load(yaml)
        let rule = try #require(plan.gatewayRules.first)
        #expect([rule.enable, rule.matchIncomingCalls, rule.matchIncomingSIP, rule.matchIncomingH323, rule.matchIncomingMSSIP, rule.matchIncomingWebRTC] == [false, false, false, false, false, false])
        #expect(rule.matchIncomingTeams && rule.matchIncomingOnlyIfRegistered && rule.matchStringFull)
        #expect(rule.matchSourceLocation == plan.locationIndex(named: "Singapore"))
        #expect(rule.outgoingLocation == plan.locationIndex(named: "Oslo"))
        #expect(rule.replaceString == "\\1@teams")
        #expect(rule.calledDeviceType == "teams_conference")
        #expect(rule.outgoingProtocol == "teams")
        #expect(rule.matchStringSource == Self.position(of: "'(.+)@vc'", in: yaml))
    }

    /// Defaults as VCS/Expressway's search rules: priority 100, protocol Any, source Any, mode AliasPatternMatch,
    /// pattern type Prefix, behavior Leave, on match Continue, enabled. [VCS "Search rules"]
    @Test func searchRuleDefaultsAreVCSs() throws {
        let yaml = Self.plan(Self.cluster(searchRules: ["{name: R, pattern_string: '1', target: Pexip-Oslo}"]))
        let rule = try #require(try TestPlans.load(yaml).clusters.last?.searchRules.first)
        #expect(rule.priority == 100)
        #expect(rule.callProtocol == .any)
        #expect(rule.sourceMode == .any)
        #expect(rule.namedSource == nil)
        #expect(rule.mode == .aliasPatternMatch)
        #expect(rule.matcher?.type == .prefix)
        #expect(rule.matcher?.behavior == .leave)
        #expect(rule.matcher?.replace == "")
        #expect(rule.progress == .continue)
        #expect(rule.enabled == true)
        #expect(rule.target == .zone(0))
    }

    /// Zones: neighbor, hop count 15. [VCS "Zones"]
    @Test func zoneDefaultsAreNeighborWithHopCount15() throws {
        let yaml = Self.plan(Self.cluster(zones: ["{name: Z, peers: [10.1.0.1]}"]))
        let zone = try #require(try TestPlans.load(yaml).clusters.last?.zones.first)
        #expect(zone.type == .neighbor)
        #expect(zone.hopCount == 15)
    }

    @Test func transformDefaultsArePrefixAndEnabled() throws {
        let yaml = Self.plan(Self.cluster(transforms: ["{priority: 7, pattern_string: '00', pattern_behavior: strip}"]))
        let transform = try #require(try TestPlans.load(yaml).clusters.last?.transforms.first)
        #expect(transform.matcher.type == .prefix)
        #expect(transform.enabled)
        #expect(transform.name == "transform 7")
    }

    @Test func otherDefaults() throws {
        let plan = try TestPlans.load(Self.plan("sites:\n  - {name: Bergen, registers_to: vcs, local_locations: [Oslo]}"))
        // Nodes are transcoding Conferencing Nodes out of maintenance; services are VMRs. [PX-API]
        #expect(plan.nodes.allSatisfy { $0.nodeType == .conferencing && !$0.maintenanceMode && $0.staticNATAddress == nil })
        #expect(plan.services.allSatisfy { $0.serviceType == .conference })
        #expect(plan.locations.allSatisfy { $0.transcodingLocation == nil && $0.overflowLocation1 == nil })
        // A site without protocols uses SIP and H.323, from the cluster's DefaultSubZone when no subzone is named.
        let bergen = try #require(plan.sites.last)
        #expect(bergen.protocols == [.sip, .h323])
        #expect(plan.clusters[bergen.registersTo].subzones[try #require(bergen.subzone)].name == "DefaultSubZone")
    }

    // MARK: Order

    /// Pexip checks Call Routing Rules in ascending priority; equal priorities keep file order.
    /// [PX-configuring_gateway_rules]
    @Test func gatewayRulesAreSortedByPriorityWithTiesInFileOrder() throws {
        let yaml = Self.plan("""
            pexip:
              gateway_routing_rules:
                - {name: C, priority: 20, match_string: 'c.*'}
                - {name: A, priority: 10, match_string: 'a.*'}
                - {name: B, priority: 20, match_string: 'b.*'}
                - {name: D, priority: 5, match_string: 'd.*'}
                - {name: E, priority: 20, match_string: 'e.*'}
            """)
        #expect(try TestPlans.load(yaml).gatewayRules.map(\.name) == ["D", "A", "C", "B", "E"])
    }

    /// Transforms are compared in priority order (a priority is unique: VCSModelTests). [VCS "Pre-search transforms"]
    @Test func transformsAreSortedByPriority() throws {
        let yaml = Self.plan(Self.cluster(transforms: [
            "{name: T1, priority: 20, pattern_string: '1', pattern_behavior: strip}",
            "{name: T2, priority: 10, pattern_string: '2', pattern_behavior: strip}",
            "{name: T3, priority: 30, pattern_string: '3', pattern_behavior: strip}",
            "{name: T4, priority: 65534, pattern_string: '4', pattern_behavior: strip}",
            "{name: T5, priority: 1, pattern_string: '5', pattern_behavior: strip}",
        ]))
        #expect(try TestPlans.load(yaml).clusters.last?.transforms.map(\.name) == ["T5", "T2", "T1", "T3", "T4"])
    }

    /// Search rules are searched in priority order; equal priorities form one level, kept in file order.
    /// [VCS "Search rules"]
    @Test func searchRulesAreSortedByPriorityWithTiesInFileOrder() throws {
        let yaml = Self.plan(Self.cluster(searchRules: [
            "{name: A, priority: 200, pattern_string: a, target: Pexip-Oslo}",
            "{name: B, pattern_string: b, target: Pexip-Oslo}",
            "{name: C, priority: 200, pattern_string: c, target: Pexip-Oslo}",
            "{name: D, priority: 100, pattern_string: d, target: Pexip-Oslo}",
            "{name: E, priority: 50, pattern_string: e, target: Pexip-Oslo}",
        ]))
        let rules = try #require(try TestPlans.load(yaml).clusters.last?.searchRules)
        #expect(rules.map(\.name) == ["E", "B", "D", "A", "C"])
        #expect(rules.map(\.priority) == [50, 100, 100, 200, 200])
    }

    // MARK: The form of every message

    /// Every broken example of this suite.
    static var brokenExtras: [String] {
        unknownKeys.map(\.extra) + misspeltEnums.map(\.extra) + unresolvedReferences.map(\.extra) + duplicates.map(\.extra)
            + badPatterns.map(\.extra) + badReplaceStrings.map(\.extra) + requiredFields.map(\.extra)
    }

    @Test(arguments: brokenExtras)
    func everyErrorIsOneLineWithFileLineAndColumn(_ extra: String) throws {
        let yaml = Self.plan(extra)
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let errors = TestPlans.errors(yaml)
        #expect(!errors.isEmpty)
        for error in errors {
            #expect(!error.message.contains("\n"), "\(error.message)")
            #expect(error.notes.isEmpty)
            let location = try #require(error.location, "\(error.message)")
            #expect(location.file == "plan.yaml")
            #expect((1...lines.count).contains(location.line), "\(error)")
            #expect(location.column >= 1 && location.column <= lines[max(0, min(location.line, lines.count) - 1)].count + 1, "\(error)")
            #expect(error.description == "plan.yaml:\(location.line):\(location.column): error: \(error.message)")
        }
        // In file order.
        #expect(errors.compactMap(\.location) == errors.compactMap(\.location).sorted())
    }

    @Test func everyProblemOfAPlanIsReportedAtOnce() {
        let yaml = Self.plan(Self.unknownKeys[3].extra) + "\n---\n" + Self.unresolvedReferences[8].extra + "\n---\n" + Self.duplicates[2].extra
        let messages = TestPlans.errors(yaml).map(\.message)
        #expect(messages.contains { $0.contains("unknown key 'adress'") })
        #expect(messages.contains { $0.contains("no call_control cluster named 'vsc'") })
        #expect(messages.contains { $0.contains("conference 'Alice' is defined twice") })
    }

    // MARK: Helpers

    /// The minimal plan with `extra` as a second YAML document, merged into it by top-level key.
    static func plan(_ extra: String) -> String { TestPlans.minimal + "\n---\n" + extra + "\n" }

    /// A second cluster, `vcs2`, with the given flow-style items.
    static func cluster(
        address: String = "10.0.0.3", subzones: [String] = ["Bergen-SZ"],
        zones: [String] = ["{name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.2]}"], transforms: [String] = [],
        searchRules: [String] = []
    ) -> String {
        var lines = ["call_control:", "  - name: vcs2", "    addresses: [\(address)]", "    subzones: [\(subzones.joined(separator: ", "))]"]
        if !zones.isEmpty { lines += ["    zones:"] + zones.map { "      - \($0)" } }
        if !transforms.isEmpty { lines += ["    transforms:"] + transforms.map { "      - \($0)" } }
        if !searchRules.isEmpty { lines += ["    search_rules:"] + searchRules.map { "      - \($0)" } }
        return lines.joined(separator: "\n")
    }

    /// Where the `occurrence`-th `needle` starts in `text` (plan.yaml, 1-based), moved right by `offset` columns.
    static func position(of needle: String, occurrence: Int = 1, in text: String, offset: Int = 0) -> DialPlanKit.SourceLocation {
        var seen = 0
        var searchStart = text.startIndex
        while let range = text.range(of: needle, range: searchStart..<text.endIndex) {
            seen += 1
            if seen == occurrence {
                let before = text[..<range.lowerBound]
                let line = before.filter { $0 == "\n" }.count + 1
                let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
                return DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: text.distance(from: lineStart, to: range.lowerBound) + 1 + offset)
            }
            searchStart = text.index(after: range.lowerBound)
        }
        Issue.record("'\(needle)' (occurrence \(occurrence)) is not in the plan")
        return DialPlanKit.SourceLocation(file: "plan.yaml", line: -1, column: -1)
    }

    /// Expects exactly one diagnostic whose message contains every fragment, at `location` (when given).
    @discardableResult
    func expectDiagnostic(
        _ diagnostics: [Diagnostic], containing fragments: [String], at location: DialPlanKit.SourceLocation?,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Diagnostic? {
        let matching = diagnostics.filter { diagnostic in fragments.allSatisfy { diagnostic.message.contains($0) } }
        #expect(matching.count == 1, "one diagnostic with \(fragments) among \(diagnostics.map(\.description))", sourceLocation: sourceLocation)
        guard let first = matching.first else { return nil }
        if let location {
            #expect(first.location == location, "\(first.message)", sourceLocation: sourceLocation)
        }
        return first
    }

    /// Expects exactly one diagnostic with the message `message`, at `location` (when given).
    @discardableResult
    func expectDiagnostic(
        _ diagnostics: [Diagnostic], equalTo message: String, at location: DialPlanKit.SourceLocation?,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Diagnostic? {
        let matching = diagnostics.filter { $0.message == message }
        #expect(matching.count == 1, "one diagnostic '\(message)' among \(diagnostics.map(\.description))", sourceLocation: sourceLocation)
        guard let first = matching.first else { return nil }
        if let location {
            #expect(first.location == location, "\(first.message)", sourceLocation: sourceLocation)
        }
        return first
    }

    /// A range case: the plan loads with `value`, or fails with `example.error` at `location`.
    func expectRange(
        _ example: RangeCase, yaml: String, at location: DialPlanKit.SourceLocation,
        sourceLocation: Testing.SourceLocation = #_sourceLocation, value: (DialPlan) -> Int?
    ) throws {
        if let error = example.error {
            expectDiagnostic(TestPlans.errors(yaml), containing: [error], at: location, sourceLocation: sourceLocation)
        } else {
            let plan = try TestPlans.load(yaml)
            #expect(value(plan) == Int(example.value), sourceLocation: sourceLocation)
        }
    }
}
