@testable import DialPlanKit
import Foundation

/// Helpers shared by the tests: plans written inline as YAML, and paths into the repository.
enum TestPlans {
    /// The repository root (this file is Tests/DialPlanKitTests/Support/TestPlans.swift).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A path inside the repository.
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Loads a plan from one inline YAML document, reported as `file`.
    static func load(_ yaml: String, file: String = "plan.yaml") throws(PlanLoadError) -> DialPlan {
        try PlanLoader.load(files: [(file, yaml)], name: file)
    }

    /// The load errors of an inline plan (empty when it loads).
    static func errors(_ yaml: String, file: String = "plan.yaml") -> [Diagnostic] {
        do {
            _ = try load(yaml, file: file)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// Simulates one call and returns its trace (outcome, verdict and steps).
    /// (A call the simulation does not place is a mistake in the test, and stops it.)
    static func call(_ plan: DialPlan, from site: String, _ alias: String, _ callProtocol: CallProtocol = .sip) -> CallTrace {
        let tables = RoutingTables(plan: plan)
        do {
            return try CallTrace(tables: tables, site: plan.siteIndex(named: site)!, alias: alias, protocol: callProtocol)
        } catch {
            fatalError("the test traces a call the simulation does not place: \(error.reason)")
        }
    }

    /// Names of the nodes a call lands on.
    static func nodes(_ trace: CallTrace, in plan: DialPlan) -> [String] {
        trace.outcome.landings.map { plan.nodes[$0.node].name }
    }

    /// A small complete plan: one location per region (Oslo, Singapore) with two nodes each, one cluster with a
    /// neighbor zone per location, and a site in each region. Tests append or replace sections as they need.
    static let minimal = """
        pexip:
          system_locations:
            - {name: Oslo}
            - {name: Singapore}
          worker_vms:
            - {name: osl1, address: 10.1.0.1, system_location: Oslo}
            - {name: osl2, address: 10.1.0.2, system_location: Oslo}
            - {name: sin1, address: 10.2.0.1, system_location: Singapore}
            - {name: sin2, address: 10.2.0.2, system_location: Singapore}
          conferences:
            - {name: Alice, aliases: [meet.alice@vc.example, "1001"]}
        call_control:
          - name: vcs
            addresses: [10.0.0.2]
            subzones: [OsloSZ, SingaporeSZ]
            zones:
              - {name: Pexip-Oslo, peers: [10.1.0.1, 10.1.0.2]}
              - {name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}
            search_rules:
              - {name: Oslo, priority: 100, source_mode: named, source_name: OsloSZ, pattern_type: regex, pattern_string: '.*', target: Pexip-Oslo}
              - {name: Singapore, priority: 100, source_mode: named, source_name: SingaporeSZ, pattern_type: regex, pattern_string: '.*', target: Pexip-Singapore}
        sites:
          - {name: Oslo Office, registers_to: vcs, subzone: OsloSZ, local_locations: [Oslo]}
          - {name: Singapore Office, registers_to: vcs, subzone: SingaporeSZ, local_locations: [Singapore]}
        """
}

extension Simulation {
    /// The call site number `site` places to alias number `alias`, when it places one.
    func call(site: SiteID, alias: Int, protocol callProtocol: CallProtocol) -> CallRef? {
        call(site: site, alias: DialledAliasID(alias), protocol: callProtocol)
    }

    func outcome(site: SiteID, alias: Int, protocol callProtocol: CallProtocol) -> CallOutcome? {
        call(site: site, alias: alias, protocol: callProtocol).map { outcome(of: $0) }
    }

    func verdict(site: SiteID, alias: Int, protocol callProtocol: CallProtocol) -> Verdict? {
        call(site: site, alias: alias, protocol: callProtocol).map { verdict(of: $0) }
    }

    func facts(site: SiteID, alias: Int, protocol callProtocol: CallProtocol) -> CallFacts? {
        call(site: site, alias: alias, protocol: callProtocol).map { CallFacts(self, $0) }
    }
}

/// The library's seeded generator, for the robustness tests' random inputs (reproducible from the seed).
extension SplitMix64: RandomNumberGenerator {}
