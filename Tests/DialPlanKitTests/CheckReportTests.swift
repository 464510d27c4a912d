@testable import DialPlanKit
import Foundation
import Testing

/// `check`'s report: the sample passes; every fault planted in the misrouted sample is reported, blaming the rule,
/// zone or transform responsible, at its line in the YAML file. Issue 2 §4 and §5.
@Suite struct CheckReportTests {
    static let misroutedPath = "DialPlans/acme-misrouted"

    private func report(_ sample: String) throws -> CheckReport {
        let plan = try PlanLoader.load(path: TestPlans.path(sample))
        return CheckReport(simulation: Simulation(plan: plan))
    }

    /// The lines of a file of the misrouted sample.
    private func lines(_ file: String) throws -> [String] {
        let text = try String(contentsOfFile: TestPlans.path("\(Self.misroutedPath)/\(file)"), encoding: .utf8)
        return text.components(separatedBy: "\n")
    }

    /// The 1-based line of the first line of `file` containing every one of `parts`.
    private func line(in file: String, containing parts: String...) throws -> Int {
        let all = try lines(file)
        let index = try #require(all.firstIndex { line in parts.allSatisfy(line.contains) }, "no line with \(parts) in \(file)")
        return index + 1
    }

    private func isIn(_ location: DialPlanKit.SourceLocation?, _ file: String) -> Bool {
        location?.file.hasSuffix("\(Self.misroutedPath)/\(file)") == true
    }

    /// The one group of `verdict` for calls through call control (Skype for Business calls have their own groups).
    private func group(_ report: CheckReport, _ verdict: Verdict) throws -> CallGroup {
        let groups = report.groups.filter { $0.verdict == verdict && !$0.diagnostic.message.contains("Skype for Business") }
        #expect(groups.count == 1, "\(verdict) groups: \(groups.map(\.diagnostic.message))")
        return try #require(groups.first)
    }

    // Issue 2 §5: `check` on the sample plan passes: every call local, no findings.
    @Test func theSamplePlanPassesWithEveryCallLocal() throws {
        let report = try report("DialPlans/acme")
        #expect(report.passes())
        #expect(report.passes(strict: true))
        #expect(report.groups.isEmpty)
        #expect(report.findings.isEmpty)
        #expect(report.callCount == report.simulation.callCount)
        #expect(report.counts[.local] == report.callCount)
        #expect(report.callCount > 900)
    }

    // Issues 2, 3, 4 and 13: the misrouted sample fails, with one group per planted call fault (four in call
    // control, one in Skype for Business static routing, two in the network that break the IPsec mesh of local
    // landings, two that block calls: SIP from vcs-emea to the edge, H.245 to the edge).
    @Test func theMisroutedPlanFailsWithAGroupPerFault() throws {
        let report = try report(Self.misroutedPath)
        #expect(!report.passes())
        #expect(Set(report.groups.map(\.verdict)) == [.remote, .ambiguous, .unrouted, .loop, .meshBroken, .blocked])
        #expect(report.groups.count == 9)
        #expect(report.counts[.error] == 0)
        #expect(report.counts[.rejected] == 0)
        #expect(report.callCount == report.simulation.callCount)
        for group in report.groups {
            #expect(group.diagnostic.severity == .error)
            #expect(group.diagnostic.check == CheckID(verdict: group.verdict))
            #expect(group.calls.allSatisfy { report.simulation.verdict(of: $0) == group.verdict })
        }
        // Every non-local call is in exactly one group.
        let grouped = report.groups.reduce(0) { $0 + $1.calls.count }
        #expect(grouped == report.callCount - (report.counts[.local] ?? 0))
    }

    // FAULT "meant as a fallback (190), entered as 90": the remote group blames vcs-apac's rule 'Fallback to Pexip
    // Oslo' and hints that 'APAC to Pexip Singapore' would have sent the calls to Singapore.
    @Test func theRemoteGroupBlamesTheMisprioritisedRuleWithAPriorityHint() throws {
        let report = try report(Self.misroutedPath)
        let remote = try group(report, .remote)
        #expect(remote.diagnostic.message.contains("vcs-apac search rule 'Fallback to Pexip Oslo' (priority 90)"))
        #expect(remote.diagnostic.notes.contains { $0.hasPrefix("hint:") && $0.contains("'APAC to Pexip Singapore' (priority 100)") && $0.contains("Pexip-Singapore") })
        #expect(isIn(remote.diagnostic.location, "call-control.yaml"))
        let ruleLine = try line(in: "call-control.yaml", containing: "- name: Fallback to Pexip Oslo")
        #expect(remote.diagnostic.location?.line == ruleLine)
        let sites = Set(remote.calls.map { report.plan.sites[$0.site].name })
        #expect(sites == ["Singapore Office", "Sydney Office"])
    }

    // FAULT "lon-px01 was added for capacity": the ambiguous group blames vcs-amer's zone 'Pexip-NewYork'.
    @Test func theAmbiguousGroupBlamesTheZoneWhosePeersSpanLocations() throws {
        let report = try report(Self.misroutedPath)
        let ambiguous = try group(report, .ambiguous)
        #expect(ambiguous.diagnostic.message.contains("zone 'Pexip-NewYork' of vcs-amer"))
        #expect(isIn(ambiguous.diagnostic.location, "call-control.yaml"))
        let zoneLine = try line(in: "call-control.yaml", containing: "Pexip-NewYork", "10.20.1.11")
        #expect(ambiguous.diagnostic.location?.line == zoneLine)
        let sites = Set(ambiguous.calls.map { report.plan.sites[$0.site].name })
        #expect(sites == ["New York Office", "Boston Office"])
    }

    // FAULT "the domain was tidied to the corporate one": the unrouted group blames vcs-emea's transform 'Add video
    // domain', and holds the numeric aliases dialled from the EMEA sites.
    @Test func theUnroutedGroupBlamesTheTransformThatBreaksNumericDialling() throws {
        let report = try report(Self.misroutedPath)
        let unrouted = try group(report, .unrouted)
        #expect(unrouted.diagnostic.message.contains("vcs-emea transform 'Add video domain'"))
        #expect(isIn(unrouted.diagnostic.location, "call-control.yaml"))
        // vcs-emea is the first cluster, so its transform is the first 'Add video domain' in the file.
        let transformLine = try line(in: "call-control.yaml", containing: "- name: Add video domain")
        #expect(unrouted.diagnostic.location?.line == transformLine)
        let sites = Set(unrouted.calls.map { report.plan.sites[$0.site].name })
        #expect(sites == ["Oslo HQ", "Oslo Home Office", "London Office"])
        #expect(unrouted.calls.allSatisfy { report.simulation.aliases[$0.alias].alias.allSatisfy(\.isNumber) })
    }

    // FAULT "PSTN goes through the AMER/EMEA gateway": the loop group names both rules that pass the calls back and forth.
    @Test func theLoopGroupNamesBothRulesOfTheLoop() throws {
        let report = try report(Self.misroutedPath)
        let loop = try group(report, .loop)
        #expect(loop.diagnostic.message.contains("'PSTN via AMER'"))
        #expect(loop.diagnostic.message.contains("'PSTN via EMEA'"))
        #expect(loop.diagnostic.message.contains("vcs-amer") && loop.diagnostic.message.contains("vcs-emea"))
        #expect(isIn(loop.diagnostic.location, "call-control.yaml"))
        let amer = try line(in: "call-control.yaml", containing: "- name: PSTN via AMER")
        let emea = try line(in: "call-control.yaml", containing: "- name: PSTN via EMEA")
        #expect(loop.diagnostic.location?.line == min(amer, emea))
        #expect(loop.calls.allSatisfy { report.simulation.aliases[$0.alias].alias.hasPrefix("9") })
    }

    // FAULT "meant for CUCM extensions": the lint gateway-rule-overlaps-alias points at the rule's match_string.
    // [PX-dial_plan]
    @Test func theOverlappingCallRoutingRuleIsLinted() throws {
        let report = try report(Self.misroutedPath)
        let overlaps = report.findings.filter { $0.check?.rawValue == "gateway-rule-overlaps-alias" }
        #expect(overlaps.count == 1)
        let finding = try #require(overlaps.first)
        #expect(finding.message.contains("'Legacy CUCM extensions'"))
        #expect(finding.severity == .warning)
        #expect(isIn(finding.location, "pexip.yaml"))
        let matchLine = try line(in: "pexip.yaml", containing: "match_string: '1\\d{3}")
        #expect(finding.location?.line == matchLine)
    }

    // The lint zone-spans-locations points at vcs-amer's zone Pexip-NewYork. [PX-handling_media_signaling]
    @Test func theZoneSpanningLocationsIsLinted() throws {
        let report = try report(Self.misroutedPath)
        let spans = report.findings.filter { $0.check?.rawValue == "zone-spans-locations" }
        #expect(spans.count == 1)
        let finding = try #require(spans.first)
        #expect(finding.message.contains("vcs-amer zone 'Pexip-NewYork'"))
        #expect(isIn(finding.location, "call-control.yaml"))
        let zoneLine = try line(in: "call-control.yaml", containing: "Pexip-NewYork", "10.20.1.11")
        #expect(finding.location?.line == zoneLine)
    }

    // Issue 2 §5: every fault planted in the misrouted sample (each follows a "# FAULT" comment) is reported by a
    // diagnostic located inside the YAML item that follows the comment.
    @Test func everyPlantedFaultIsReportedAtItsLine() throws {
        let report = try report(Self.misroutedPath)
        let diagnostics = report.groups.map(\.diagnostic) + report.findings
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPlans.path(Self.misroutedPath)).filter { $0.hasSuffix(".yaml") }.sorted()
        var faults = 0
        for file in files {
            let all = try lines(file)
            for (index, text) in all.enumerated() where text.trimmingCharacters(in: .whitespaces).hasPrefix("# FAULT") {
                faults += 1
                // The item: the line after the comment and the lines indented deeper than its dash.
                let start = index + 1
                let dash = all[start].prefix { $0 == " " }.count
                var end = start
                while end + 1 < all.count {
                    let next = all[end + 1]
                    let indent = next.prefix { $0 == " " }.count
                    guard !next.trimmingCharacters(in: .whitespaces).isEmpty, indent > dash, !next.trimmingCharacters(in: .whitespaces).hasPrefix("#") else { break }
                    end += 1
                }
                let item = (start + 1)...(end + 1)
                // A diagnostic located in the item; for a fault that takes two items (the two halves of the loop),
                // one located at the other half that names this item.
                let name = all[start...end].lazy.compactMap { line -> String? in
                    guard let range = line.range(of: "name: ") else { return nil }
                    return String(line[range.upperBound...].prefix { $0 != "," && $0 != "}" }).trimmingCharacters(in: .whitespaces)
                }.first
                let reported = diagnostics.filter { diagnostic in
                    guard isIn(diagnostic.location, file) else { return false }
                    return item.contains(diagnostic.location!.line) || name.map { diagnostic.message.contains("'\($0)'") } == true
                }
                #expect(!reported.isEmpty, "\(file):\(index + 1): \(text.trimmingCharacters(in: .whitespaces)) is not reported at lines \(item)")
            }
        }
        #expect(faults == 17)
    }

    // Issue 13: London's WAN firewall without H.245 from the call control is hidden behind London's NAT (the calls'
    // verdict is mesh-broken), and reported at the firewall's default as `call-control-blocked`.
    @Test func theHiddenWANFirewallFaultIsReportedAtItsDefault() throws {
        let report = try report(Self.misroutedPath)
        let found = report.findings.filter { $0.check == .callControlBlocked }
        #expect(found.count == 1)
        let lines = try lines("network.yaml")
        let start = try #require(lines.firstIndex { $0.contains("- name: london-wan-fw") })
        #expect(found.first?.location?.line == start + 2)
        #expect(found.first?.message.contains("(mesh-broken)") == true)
        #expect(found.first?.notes.count == 4)
        #expect(found.first?.notes.allSatisfy { $0.hasPrefix("H.323: vcs-emea (10.10.0.") && $0.hasSuffix("(50 calls)") } == true)
    }

    // Issue 2 §4: the report's findings and groups are in a stable order (worst verdict first, findings by location).
    @Test func groupsAreOrderedWorstFirstAndFindingsByLocation() throws {
        let report = try report(Self.misroutedPath)
        let ranks = report.groups.map(\.verdict.rank)
        #expect(ranks == ranks.sorted())
        let locations = report.findings.compactMap(\.location)
        #expect(locations == locations.sorted())
    }
}

/// How much one diagnostic lists: a global plan's group can span hundreds of sites.
@Suite struct CheckReportSizeTests {
    @Test func aGroupListsTwentySitesAndCountsTheRest() throws {
        let sites = (1...25).map { "  - {name: Site \($0), registers_to: vcs, local_locations: [Singapore]}" }.joined(separator: "\n")
        let yaml = """
            pexip:
              system_locations: [{name: Oslo}, {name: Singapore}]
              worker_vms: [{name: osl1, address: 10.1.0.1, system_location: Oslo}, {name: sin1, address: 10.2.0.1, system_location: Singapore}]
              conferences: [{name: Alice, aliases: [meet.alice@vc.example]}]
            call_control:
              - name: vcs
                addresses: [10.0.0.2]
                zones: [{name: Pexip-Oslo, peers: [10.1.0.1]}]
                search_rules: [{name: Everything to Oslo, mode: any_alias, target: Pexip-Oslo}]
            sites:
            \(sites)
            """
        let report = CheckReport(simulation: Simulation(plan: try TestPlans.load(yaml), workers: 1))
        let group = try #require(report.groups.first)
        #expect(group.calls.count == 50)
        let siteNotes = group.diagnostic.notes.filter { $0.hasPrefix("Site ") }
        #expect(siteNotes.count == 20)
        #expect(group.diagnostic.notes.last == "… and 5 more sites (10 calls)")
    }
}

/// Who a group blames, on small plans made for it.
@Suite struct CauseTests {
    typealias Cluster = InlinePlan.Cluster

    // [VCS loop detection]: the loop is the cycle of searches that came back, so its group names the rules on the
    // cycle (b → c → b), not the entry cluster's rule that led into it.
    @Test func aLoopThroughThirdClustersNamesTheRulesOnTheCycleOnly() throws {
        let plan = try TestPlans.load(InlinePlan.yaml(
            clusters: [
                Cluster(name: "a", address: "10.0.0.1", subzones: ["SZ"], zones: ["{name: ToB, peers: [10.0.0.2]}"],
                        rules: ["{name: A to b, priority: 10, mode: any_alias, target: ToB}"]),
                Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToC, peers: [10.0.0.3]}"],
                        rules: ["{name: B to c, priority: 10, mode: any_alias, target: ToC}"]),
                Cluster(name: "c", address: "10.0.0.3", zones: ["{name: ToB, peers: [10.0.0.2]}"],
                        rules: ["{name: C to b, priority: 10, mode: any_alias, target: ToB}"]),
            ],
            sites: ["{name: Site, registers_to: a, subzone: SZ, local_locations: [Oslo]}"]))
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let loop = try #require(report.groups.first { $0.verdict == .loop })
        #expect(loop.diagnostic.message.contains("'B to c'"))
        #expect(loop.diagnostic.message.contains("'C to b'"))
        #expect(!loop.diagnostic.message.contains("'A to b'"), "\(loop.diagnostic.message)")
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.verdict == .loop)
        // b is searched from a and then from c (two searches); c's search from b is the one that came back.
        let failure = try #require(trace.outcome.failures.first { $0.kind == .loop })
        let start = try #require(failure.cycleStart)
        #expect(failure.route[start].searchRule.map { plan.clusters[$0.cluster].name } == "c")
        #expect(failure.route.count - start == 3)
    }

    // A service alias that a transform and then a rule rewrote into what Pexip rejects: the last rewrite, the rule's,
    // made the alias that failed, so the group blames the rule.
    @Test func aRejectedRewriteBlamesTheLastRewriteOnTheWay() throws {
        let plan = try InlinePlan.single(
            transforms: ["{name: Short form, priority: 10, pattern_type: exact, pattern_string: 'meet.alice@vc.example', pattern_behavior: replace, replace_string: '1001@vc.example'}"],
            rules: [#"{name: Old domain, priority: 10, pattern_type: regex, pattern_string: '(\d+)@vc\.example', pattern_behavior: replace, replace_string: '\1@old.example', target: Pexip-Oslo}"#],
            gatewayRules: [])
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let rejected = try #require(report.groups.first { $0.verdict == .rejected })
        #expect(rejected.diagnostic.message.contains("'Old domain'"), "\(rejected.diagnostic.message)")
        #expect(!rejected.diagnostic.message.contains("'Short form'"))
        #expect(rejected.diagnostic.location == plan.clusters[0].searchRules[0].source)
    }

    // [PX-dial_plan] alias-never-matches: a stored alias with a scheme is never matched, so a Call Routing Rule that
    // matches its text does not overlap it (no gateway-rule-overlaps-alias), while a plain alias still does.
    @Test func aStoredAliasWithASchemeIsNoOverlapForACallRoutingRule() throws {
        let plan = try InlinePlan.single(
            rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"],
            conferences: [#"{name: Alice, aliases: ["sip:1001@vc.example"]}"#, #"{name: Bob, aliases: ["1002@vc.example"]}"#],
            gatewayRules: [#"{name: Numbers, priority: 10, match_string: '\d+@vc\.example'}"#])
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 1))
        let overlaps = report.findings.filter { $0.check == .gatewayRuleOverlapsAlias }
        #expect(overlaps.count == 1)
        #expect(overlaps.first?.message.contains("matches 1 service alias: '1002@vc.example' (Bob)") == true, "\(overlaps.map(\.message))")
        #expect(report.findings.contains { $0.check == .aliasNeverMatches })
    }
}
