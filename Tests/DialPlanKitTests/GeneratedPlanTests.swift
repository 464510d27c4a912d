@testable import DialPlanKit
import Foundation
import Testing

/// Plans from `dialplan generate`: deterministic for a seed, healthy unless faults are planted, and the ground for
/// the differential tests: the memoised, parallel, class-sharing simulation must give every call exactly what a
/// plain, sequential, un-memoised trace of that one call gives.
@Suite struct GeneratedPlanTests {
    static func load(_ options: PlanGenerator.Options) throws -> DialPlan {
        let files = PlanGenerator(options).files().map { (path: $0.name, text: $0.text) }
        return try PlanLoader.load(files: files, name: "generated")
    }

    /// Every call of `simulation` against a fresh trace of it: outcome, decision and row must be identical.
    static func differences(_ simulation: Simulation) -> [String] {
        let plan = simulation.plan
        var differences: [String] = []
        simulation.forEachCall { call in
            let alias = simulation.aliases[call.alias.index].alias
            let place = "\(plan.sites[call.site].name) dials \(alias) (\(call.callProtocol.rawValue))"
            guard let trace = try? CallTrace(tables: simulation.tables, site: call.site, alias: alias, protocol: call.callProtocol) else {
                differences.append("\(place): not traceable")
                return
            }
            if simulation.outcome(of: call) != trace.outcome { differences.append("\(place): outcomes differ") }
            if simulation.decision(of: call) != trace.decision { differences.append("\(place): \(simulation.decision(of: call)) vs traced \(trace.decision)") }
            if CallFacts(simulation, call).csvRow != CallFacts(trace, plan: plan).csvRow { differences.append("\(place): rows differ") }
        }
        return differences
    }

    // With its network, a plan without faults is as healthy: every call local (none blocked on any leg, the
    // call-control leg's H.245 both ways included), and no network finding.
    @Test func aGeneratedPlanWithItsNetworkAndNoFaultsPasses() throws {
        let plan = try Self.load(PlanGenerator.Options(sites: 30, vmrs: 40, seed: 5, network: true))
        #expect(plan.network != nil)
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 2))
        #expect(report.simulation.verdictCounts[.local] == report.callCount)
        #expect(report.passes(), "\(report.groups.map(\.diagnostic.description)) \(report.findings.map(\.description))")
    }

    @Test func theSameSeedWritesTheSamePlanAndAnotherSeedAnother() throws {
        let one = PlanGenerator(PlanGenerator.Options(sites: 30, vmrs: 50, seed: 7)).files().map(\.text)
        let again = PlanGenerator(PlanGenerator.Options(sites: 30, vmrs: 50, seed: 7)).files().map(\.text)
        let other = PlanGenerator(PlanGenerator.Options(sites: 30, vmrs: 50, seed: 8)).files().map(\.text)
        #expect(one == again)
        #expect(one != other)
    }

    @Test func aGeneratedPlanIsHealthyAndItsShapeIsAsAsked() throws {
        let options = PlanGenerator.Options(sites: 40, vmrs: 60, seed: 3)
        let plan = try Self.load(options)
        #expect(plan.sites.count == 40)
        #expect(plan.services.count == 60)
        #expect(plan.clusters.count == 4)
        #expect(plan.gatewayRules.count > 40)
        #expect(plan.nodes.contains { $0.nodeType == .proxying })
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 2))
        #expect(report.passes(), "\(report.groups.map(\.diagnostic.description)) \(report.findings.map(\.description))")
        #expect(report.callCount == PlanGenerator(options).callCount)
        // Probes of PSTN numbers land on each site's own location's breakout rule, as an outgoing call from there.
        let simulation = report.simulation
        let probe = try #require(simulation.aliases.firstIndex { $0.alias.hasPrefix("947") })
        for site in plan.sites.ids {
            let call = try #require(simulation.call(site: site, alias: DialledAliasID(probe), protocol: .sip))
            let outgoing = try #require(simulation.outcome(of: call).outgoing)
            #expect(plan.sites[site].localLocations.contains(outgoing.location))
        }
    }

    // Every planted fault is found, by the check that names it.
    @Test func everyPlantedFaultIsFound() throws {
        let plan = try Self.load(PlanGenerator.Options(sites: 60, vmrs: 40, seed: 1, faults: PlanGenerator.faultKinds.count))
        let report = CheckReport(simulation: Simulation(plan: plan, workers: 2))
        let checks = Set(report.groups.compactMap(\.diagnostic.check) + report.findings.compactMap(\.check))
        for expected: CheckID in [.remote, .ambiguous, .unrouted, .loop, .zoneSpansLocations, .gatewayRuleOverlapsAlias, .serviceAmbiguous] {
            #expect(checks.contains(expected), "\(expected) missing from \(checks)")
        }
        // The fallback searched before the site rules is blamed with a hint at the site rule that would do better.
        let fallback = try #require(report.groups.first { $0.diagnostic.message.contains("'Fallback to Pexip Singapore' (priority 90)") })
        #expect(fallback.diagnostic.notes.contains { $0.hasPrefix("hint: rule '") && $0.contains("(priority 100) also matches") })
    }

    // A fault is planted only where a generated site would show it, and the generator says which it planted.
    @Test func onlyFaultsTheSitesShowArePlantedAndReported() throws {
        let all = PlanGenerator.faultKinds.count
        // Three sites, none of them in APAC or a home office (seed 1): the site, transform and fallback faults
        // would change no call.
        let small = PlanGenerator(PlanGenerator.Options(sites: 3, vmrs: 5, seed: 1, faults: all))
        #expect(small.plantedFaults.count + small.skippedFaults.count == all)
        #expect(!small.skippedFaults.isEmpty)
        #expect(Set(small.plantedFaults).isDisjoint(with: small.skippedFaults))
        let text = small.files().map(\.text).joined()
        let marked = Set(text.split(separator: "\n").compactMap { line in line.range(of: "# FAULT: ").map { String(line[$0.upperBound...]) } })
        #expect(marked.count == small.plantedFaults.count, "\(marked)")
        if small.skippedFaults.contains(PlanGenerator.faultKinds[4]) { #expect(!text.contains("Fallback to Pexip")) }
        // Large enough, every fault is planted.
        let large = PlanGenerator(PlanGenerator.Options(sites: 60, vmrs: 5, seed: 1, faults: all))
        #expect(large.plantedFaults == PlanGenerator.faultKinds)
        #expect(large.skippedFaults.isEmpty)
        #expect(PlanGenerator(PlanGenerator.Options(sites: 60, vmrs: 5, seed: 1, faults: 2)).plantedFaults == Array(PlanGenerator.faultKinds.prefix(2)))
    }

    // --distinct-site-rules gives every site a pattern of its own, past the 900 sites that have a CUCM range too.
    @Test func distinctSiteRulesNeverShareASearch() throws {
        let plan = try Self.load(PlanGenerator.Options(sites: 1000, vmrs: 1, seed: 2, distinctSiteRules: true))
        let tables = RoutingTables(plan: plan)
        for cluster in plan.clusters.indices {
            let representative = tables.subzoneClasses[cluster].representative
            let shared = zip(representative.indices, representative).filter { $0.0 != Int($0.1) }
            // Only the home offices' subzone has no site rule of its own.
            #expect(shared.isEmpty, "\(plan.clusters[cluster].name): \(shared.count) subzones share a search")
        }
    }

    // Issue 8 §6: on generated plans the memoised, parallel simulation (one search per class of sites) equals a plain
    // sequential simulation (an un-memoised trace per call), and trace agrees with matrix for every call.
    @Test(arguments: [false, true]) func theSimulationAgreesWithAPlainTraceOfEveryCall(distinct: Bool) throws {
        let plan = try Self.load(PlanGenerator.Options(sites: 24, vmrs: 12, seed: 5, faults: PlanGenerator.faultKinds.count, distinctSiteRules: distinct))
        let simulation = Simulation(plan: plan, workers: 3)
        #expect(simulation.callCount > 1000)
        let differences = Self.differences(simulation)
        #expect(differences.isEmpty, "\(differences.count) calls differ, e.g.\n\(differences.prefix(8).joined(separator: "\n"))")
    }

    // Sites whose searches are one search are simulated once; the number of workers and the sharing change nothing.
    @Test func sharingSearchesAndWorkersChangeNoResult() throws {
        let options = PlanGenerator.Options(sites: 24, vmrs: 12, seed: 5, faults: 2)
        let plan = try Self.load(options)
        let classes = plan.clusters.indices.map { RoutingTables(plan: plan).subzoneClasses[$0] }
        #expect(classes.contains { zip($0.representative.indices, $0.representative).contains { $0.0 != Int($0.1) } }, "the plan should share searches")
        let one = Simulation(plan: plan, workers: 1)
        let many = Simulation(plan: plan, workers: 4)
        #expect(one.verdictCounts == many.verdictCounts)
        one.forEachCall { call in
            #expect(one.outcome(of: call) == many.outcome(of: call))
            #expect(one.decision(of: call) == many.decision(of: call))
        }
    }

    // Coverage counts a site's own rule as used when its calls were searched through another site's class.
    @Test func aSitesOwnRuleIsCoveredWhenItsSearchIsShared() throws {
        let plan = try Self.load(PlanGenerator.Options(sites: 24, vmrs: 12, seed: 5))
        let simulation = Simulation(plan: plan, workers: 2)
        let unused = simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount).filter { $0.check == .unusedSearchRule }
        #expect(!unused.contains { $0.message.contains("Office") && $0.message.contains("to Pexip") }, "\(unused.map(\.message))")
        // Rules no call reaches are still reported.
        #expect(unused.contains { $0.message.contains("Internet") })
    }
}
