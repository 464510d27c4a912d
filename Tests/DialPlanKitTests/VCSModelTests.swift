@testable import DialPlanKit
import Foundation
import Testing

/// The VCS/Expressway model to Cisco's documentation (issue 12): search-rule modes on IP-address aliases and unique
/// transform priorities. Each test is named after the documented rule, the guide in a comment.
@Suite struct VCSModelTests {
    /// Every form of an IP-address alias: IPv4 and IPv6, bare, with a port, a scheme or a user part.
    static let addressAliases = [
        "192.0.2.10", "192.0.2.10:5060", "sip:192.0.2.10", "h323:192.0.2.10", "alice@192.0.2.10", "sip:alice@192.0.2.10:5061",
        "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:5061", "sip:[2001:db8::1]", "alice@[2001:db8::1]",
    ]

    // [VCS X14.0.1 "Dial Plan and Call Processing", search rule fields: Mode] "Any alias: any alias providing it is
    // not an IP address"; "Any IP address: the alias is an IP address". An IP-address alias passes Any alias rules
    // by and is taken by Any IP address rules only.
    @Test func anyAliasMatchesAnyAliasProvidedItIsNotAnIPAddress() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Everything, priority: 10, mode: any_alias, target: Pexip-Oslo}",
            "{name: IP dialling, priority: 20, mode: any_ip_address, target: Pexip-Singapore}",
        ])
        for alias in Self.addressAliases {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.ruleStatuses(trace, cluster: "vcs", rule: "Everything") == [.notMatched], "\(alias)")
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Singapore"], "\(alias)")
            let skipped = trace.steps.first { $0.name == "Everything" }
            #expect(skipped?.detail.contains("IP address") == true, "\(skipped?.detail ?? "no step")")
        }
        for alias in ["meet.alice@vc.example", "1001", "10.9.9.9.example", "alice@host:5060", "192.0.2.300"] {
            let trace = TestPlans.call(plan, from: "Site", alias)
            #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo"], "\(alias)")
        }
    }

    // The same rule in the checks: an Any alias Stop rule does not shadow a later rule that takes IP addresses.
    @Test func anAnyAliasStopRuleDoesNotShadowARuleForIPAddresses() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: Everything, priority: 10, mode: any_alias, progress: stop, target: Pexip-Oslo}",
            #"{name: Dotted quads, priority: 20, pattern_type: regex, pattern_string: '(\d{1,3}\.){3}\d{1,3}', target: Pexip-Singapore}"#,
            "{name: Any at all, priority: 30, pattern_type: regex, pattern_string: '.+', target: Pexip-Singapore}",
            "{name: Video domain, priority: 40, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Singapore}",
        ])
        let found = PlanChecks.run(RoutingTables(plan: plan)).filter { $0.check == .shadowedSearchRule }
        #expect(found.count == 1, "\(found.map(\.message))")
        #expect(found.first?.message.hasPrefix("vcs search rule 'Video domain' (priority 40) is never tried") == true)
    }

    // Rules that match only IP-address forms the address probes do not spell are not shadowed by Any alias either:
    // the automata find an address alias they share with the superset of IP addresses.
    @Test func ruleForBracketedOrSchemedAddressesIsNotShadowedByAnyAlias() throws {
        for pattern in [#"\[[0-9a-f:]+\]"#, "h323:.*", #"alice@(\d+\.){3}\d+"#, #"[0-9.]+"#, #"\[[0-9a-f:]+\]-video"#] {
            let plan = try InlinePlan.single(rules: [
                "{name: Everything, priority: 10, mode: any_alias, progress: stop, target: Pexip-Oslo}",
                "{name: Addresses, priority: 20, pattern_type: regex, pattern_string: '\(pattern)', target: Pexip-Singapore}",
            ])
            let found = PlanChecks.run(RoutingTables(plan: plan)).filter { $0.check == .shadowedSearchRule }
            #expect(found.isEmpty, "\(pattern): \(found.map(\.message))")
        }
    }

    // [VCS X14.0.1 "Dial Plan and Call Processing", pre-search transform fields: Priority] "The priority must be
    // unique for each transform." The VCS refuses a second transform at a priority; so does the loader, naming both.
    @Test func aTransformPriorityMustBeUnique() throws {
        let yaml = InlinePlan.yaml(clusters: [InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"],
            transforms: [
                "{name: Add domain, priority: 10, pattern_type: regex, pattern_string: '(\\d+)', pattern_behavior: replace, replace_string: '\\1@vc.example'}",
                "{name: Strip scheme, priority: 20, pattern_type: prefix, pattern_string: 'sip:', pattern_behavior: strip}",
                "{name: Numbers, priority: 10, pattern_type: prefix, pattern_string: '9', pattern_behavior: strip}",
            ],
            zones: InlinePlan.pexipZones, rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"])])
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let first = lines.firstIndex { $0.contains("Add domain") }! + 1
        let second = lines.firstIndex { $0.contains("name: Numbers") }! + 1
        do {
            _ = try TestPlans.load(yaml)
            Issue.record("two transforms at priority 10 loaded")
        } catch {
            #expect(error.diagnostics.count == 1, "\(error.diagnostics)")
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.location?.line == second)
            #expect(diagnostic.message == "cluster 'vcs' transform 'Numbers': priority 10 is taken by transform 'Add domain' (plan.yaml:\(first):9); a transform's priority must be unique", "\(diagnostic.message)")
        }
    }

    // Search rules keep sharing priorities: that is how levels are formed. [VCS "Search rules"]
    @Test func searchRulesMayShareAPriority() throws {
        let plan = try InlinePlan.single(rules: [
            "{name: One, priority: 10, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Oslo}",
            "{name: Two, priority: 10, pattern_type: suffix, pattern_string: '@vc.example', target: Pexip-Singapore}",
        ])
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(trace, in: plan) == ["Oslo", "Singapore"])
    }

    // [VCS "Call Policy"] Call Policy runs after the pre-search transforms and before the search; an uploaded CPL
    // script (or a policy service) replaces the rules. The analyzer does not run one: a cluster with `cpl: true`
    // gets a warning at the setting counting the calls through it, simulated as if the policy allowed them.
    @Test func aClusterWithAnUploadedCPLScriptIsReportedAsNotSimulated() throws {
        let yaml = InlinePlan.yaml(clusters: [InlinePlan.Cluster(
            name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
            rules: ["{name: All, priority: 100, mode: any_alias, target: Pexip-Oslo}"], settings: ["cpl: true"])])
        let plan = try TestPlans.load(yaml)
        #expect(plan.clusters[0].unsimulatedPolicy?.line == yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("cpl: true") }.map { $0 + 1 })
        let simulation = Simulation(plan: plan, workers: 1)
        let found = PlanChecks.run(simulation).filter { $0.check == .callPolicyNotSimulated }
        #expect(found.map(\.message) == ["cluster 'vcs' has a Call Policy the analyzer does not run (a CPL script or a policy service): \(simulation.callCount) simulated calls from 1 site pass through it, simulated as if the policy allowed them"])
        #expect(found.first?.severity == .warning)
        // Without the setting, nothing.
        let plain = try TestPlans.load(yaml.replacingOccurrences(of: "    cpl: true\n", with: ""))
        #expect(PlanChecks.run(Simulation(plan: plain, workers: 1)).filter { $0.check == .callPolicyNotSimulated }.isEmpty)
    }

    // The export says so: `xConfiguration Policy AdministratorPolicy Mode: LocalCPL` (or PolicyService) reads as
    // `cpl: true`; Off does not.
    @Test func anExportWhoseAdministratorPolicyIsCPLReadsAsNotSimulated() throws {
        for (mode, expected) in [("LocalCPL", true), ("PolicyService", true), ("Off", false)] {
            let text = """
                *c xConfiguration SystemUnit Name: "vcs-x"
                *c xConfiguration Policy AdministratorPolicy Mode: "\(mode)"
                *c xConfiguration Zones Policy SearchRules Rule 1 Name: "All"
                *c xConfiguration Zones Policy SearchRules Rule 1 Mode: "AnyAlias"
                *c xConfiguration Zones Policy SearchRules Rule 1 Target Name: "LocalZone"

                """
            let sections = VCSExport.read(ExportFile(path: "vcs.txt", text: text), name: nil, nameAt: nil)
            let cluster = sections.entries.first { $0.key == "call_control" }
            let rendered = "\(String(describing: cluster))"
            #expect(rendered.contains("\"cpl\"") == expected, "\(mode): \(rendered.prefix(300))")
        }
    }
}
