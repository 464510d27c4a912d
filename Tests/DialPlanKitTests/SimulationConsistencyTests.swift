@testable import DialPlanKit
import Testing

/// The parallel, memoised `Simulation` must give every call the outcome that an un-memoised, traced simulation of
/// that one call gives (issue 2 §3: the semantics are defined call by call; memoisation and threads are only speed).
@Suite struct SimulationConsistencyTests {
    typealias Cluster = InlinePlan.Cluster

    static let samples = ["DialPlans/acme", "DialPlans/acme-misrouted"]

    /// Differences between the simulation's outcome of every call and a fresh trace of it, one line per call.
    private func mismatches(_ simulation: Simulation) -> (calls: Int, differences: [String]) {
        let plan = simulation.plan
        var calls = 0
        var differences: [String] = []
        simulation.forEachCall { call in
            calls += 1
            let alias = simulation.aliases[call.alias.index].alias
            let place = "\(plan.sites[call.site].name) dials \(alias) (\(call.callProtocol.rawValue))"
            guard let trace = try? CallTrace(tables: simulation.tables, site: call.site, alias: alias, protocol: call.callProtocol) else {
                differences.append("\(place): the simulation places it, trace does not")
                return
            }
            let outcome = simulation.outcome(of: call)
            var problems: [String] = []
            let decision = simulation.decision(of: call)
            if decision != trace.decision { problems.append("verdict \(decision) vs traced \(trace.decision)") }
            let simulated = outcome.landings.map { "\(plan.nodes[$0.node].name)<\($0.alias)>" }
            let traced = trace.outcome.landings.map { "\(plan.nodes[$0.node].name)<\($0.alias)>" }
            if simulated != traced { problems.append("landings \(simulated) vs traced \(traced)") }
            else if outcome.landings != trace.outcome.landings { problems.append("landing decisions or routes differ") }
            if outcome.failures != trace.outcome.failures { problems.append("failures \(outcome.failures) vs traced \(trace.outcome.failures)") }
            if outcome.limit != trace.outcome.limit { problems.append("limit hit differs") }
            if outcome != trace.outcome && problems.isEmpty { problems.append("outcomes differ") }
            if CallFacts(simulation, call).csvRow != CallFacts(trace, plan: plan).csvRow { problems.append("rows differ") }
            if !problems.isEmpty { differences.append("\(place): " + problems.joined(separator: "; ")) }
        }
        return (calls, differences)
    }

    // Issue 2 §3: every call of both sample plans, simulated in parallel with memoisation, has the outcome of an
    // un-memoised trace of the same call.
    @Test(arguments: samples) func theMemoisedParallelSimulationAgreesWithUnmemoisedTraces(sample: String) throws {
        let plan = try PlanLoader.load(path: TestPlans.path(sample))
        let simulation = Simulation(plan: plan, workers: 4)
        let (calls, differences) = mismatches(simulation)
        #expect(calls == simulation.callCount)
        #expect(calls > 900)
        #expect(differences.isEmpty, "\(differences.count) calls differ, e.g.\n\(differences.prefix(10).joined(separator: "\n"))")
    }

    // The number of worker threads does not change any result.
    @Test(arguments: samples) func oneWorkerAndSeveralWorkersGiveIdenticalResults(sample: String) throws {
        let plan = try PlanLoader.load(path: TestPlans.path(sample))
        let serial = Simulation(plan: plan, workers: 1)
        for workers in [2, 3, 8] {
            let parallel = Simulation(plan: plan, workers: workers)
            #expect(parallel.callCount == serial.callCount)
            #expect(parallel.aliases == serial.aliases)
            var differences: [String] = []
            for site in plan.sites.ids {
                for alias in serial.aliases.indices {
                    for callProtocol in CallProtocol.allCases {
                        let one = serial.outcome(site: site, alias: alias, protocol: callProtocol)
                        let many = parallel.outcome(site: site, alias: alias, protocol: callProtocol)
                        if (one == nil) != (many == nil) {
                            differences.append("\(site)/\(alias)/\(callProtocol): simulated in one run only")
                            continue
                        }
                        if one != many
                            || serial.verdict(site: site, alias: alias, protocol: callProtocol) != parallel.verdict(site: site, alias: alias, protocol: callProtocol)
                        {
                            differences.append("\(plan.sites[site].name) dials \(serial.aliases[alias].alias) (\(callProtocol.rawValue))")
                        }
                    }
                }
            }
            #expect(differences.isEmpty, "workers \(workers): \(differences.prefix(10))")
        }
    }

    /// Two sites in one cluster `a` (subzones S1, S2) whose searches meet the same downstream search from
    /// different sources, around a cycle b → c → d → b:
    ///
    ///     a(S1) → b → c(from b) → d → b(from d) → c(from b): loop;  b's next level lands in London
    ///     a(S2) → c(from a) → d → b(from d) → c(from b) → d(from c): loop, because d is still searching
    ///
    /// c's search "from b" gets the same hop budget on both paths (b's zone to c has hop_count 5), so a memo entry
    /// made while simulating S1 (where it reaches London through d) could be reused for S2, where d is already on
    /// the stack and the only way on is c's own Pexip zone (Singapore).
    static let crossSiteLoops = InlinePlan.yaml(
        clusters: [
            Cluster(
                name: "a", address: "10.0.0.1", subzones: ["S1", "S2"],
                zones: ["{name: ToB, peers: [10.0.0.2]}", "{name: ToC, peers: [10.0.0.3]}"],
                rules: [
                    "{name: S1 to b, priority: 10, source_mode: named, source_name: S1, mode: any_alias, target: ToB}",
                    "{name: S2 to c, priority: 10, source_mode: named, source_name: S2, mode: any_alias, target: ToC}",
                ]),
            Cluster(
                name: "b", address: "10.0.0.2",
                zones: [
                    "{name: ToA, peers: [10.0.0.1]}", "{name: ToC, peers: [10.0.0.3], hop_count: 5}",
                    "{name: ToD, peers: [10.0.0.4]}", "{name: Pexip-London, peers: [10.3.0.1]}",
                ],
                rules: [
                    "{name: B to c, priority: 10, mode: any_alias, target: ToC}",
                    "{name: B to London, priority: 20, mode: any_alias, target: Pexip-London}",
                ]),
            Cluster(
                name: "c", address: "10.0.0.3",
                zones: [
                    "{name: ToA, peers: [10.0.0.1]}", "{name: ToB, peers: [10.0.0.2]}", "{name: ToD, peers: [10.0.0.4]}",
                    "{name: Pexip-Singapore, peers: [10.2.0.1, 10.2.0.2]}",
                ],
                rules: [
                    "{name: C to d, priority: 10, mode: any_alias, target: ToD}",
                    "{name: C to Singapore, priority: 10, mode: any_alias, target: Pexip-Singapore}",
                ]),
            Cluster(
                name: "d", address: "10.0.0.4",
                zones: ["{name: ToC, peers: [10.0.0.3]}", "{name: ToB, peers: [10.0.0.2]}"],
                rules: ["{name: D to b, priority: 10, mode: any_alias, target: ToB}"]),
        ],
        sites: [
            "{name: First, registers_to: a, subzone: S1, local_locations: [London]}",
            "{name: Second, registers_to: a, subzone: S2, local_locations: [Singapore]}",
        ])

    // A search's authenticated state and caller are part of what is remembered: sites in subzones that authenticate
    // differently, with different caller aliases, through two clusters with Call Policy, authentication-only rules
    // and a zone that needs interworking, get the outcome of their own traces, call for call.
    @Test func memoisationRespectsAuthenticationCallersAndInterworking() throws {
        let plan = try InlinePlan.load(clusters: [
            Cluster(
                name: "vcs-a", address: "10.0.0.2",
                subzones: ["{name: Trusted, authentication_mode: treat_as_authenticated}", "Open", "{name: Checked, authentication_mode: check_credentials}"],
                zones: ["{name: To-B, peers: [10.0.0.3]}", "{name: Pexip-Singapore, peers: [10.2.0.1], sip_mode: off}"],
                rules: [
                    "{name: Singapore, priority: 10, pattern_type: prefix, pattern_string: '1', target: Pexip-Singapore}",
                    "{name: Via B, priority: 20, mode: any_alias, target: To-B}",
                ],
                settings: ["call_policy:", #"  - {priority: 10, source_pattern: 'guest\..*', destination_pattern: '2.*', action: reject}"#]),
            Cluster(
                name: "vcs-b", address: "10.0.0.3",
                zones: ["{name: From-A, peers: [10.0.0.2], sip_authentication_trust: on}"] + InlinePlan.pexipZones,
                rules: [
                    "{name: Authenticated London, priority: 10, mode: any_alias, authentication: yes, target: Pexip-London}",
                    "{name: Oslo, priority: 20, mode: any_alias, target: Pexip-Oslo}",
                ],
                settings: ["call_policy:", "  - {priority: 10, destination_pattern: '3.*', action: reject}"]),
        ], sites: [
            "{name: T1, registers_to: vcs-a, subzone: Trusted, local_locations: [London], caller_alias: guest.1@x.example}",
            "{name: T2, registers_to: vcs-a, subzone: Trusted, local_locations: [London], caller_alias: room.1@x.example}",
            "{name: O1, registers_to: vcs-a, subzone: Open, local_locations: [Oslo], caller_alias: guest.2@x.example}",
            "{name: C1, registers_to: vcs-a, subzone: Checked, local_locations: [London]}",
            "{name: C2, registers_to: vcs-a, subzone: Checked, local_locations: [London], credentials: false, caller_alias: room.2@x.example}",
        ])
        let probes = ["1001", "2001", "3001", "meet.alice@vc.example", "4001@vc.example"]
        let simulation = Simulation(plan: plan, aliases: probes.map { DialledAlias(alias: $0, origin: .probe) }, workers: 3)
        let (calls, differences) = mismatches(simulation)
        #expect(calls == 5 * 5 * 2)
        #expect(differences.isEmpty, "\(differences.count) calls differ, e.g.\n\(differences.prefix(10).joined(separator: "\n"))")
        // The cases differ from one another: the state is not ignored.
        var verdicts = Set<Verdict>()
        simulation.forEachCall { verdicts.insert(simulation.verdict(of: $0)) }
        #expect(verdicts.isSuperset(of: [.local, .remote, .rejected, .error]), "\(verdicts)")
    }

    // [VCS loop detection] issue 2 §3.5: whether a search loops depends on the searches still running above it,
    // so a result found under one site's path must not be reused where that path differs.
    @Test func memoisationAcrossSitesRespectsLoopDetection() throws {
        let plan = try TestPlans.load(Self.crossSiteLoops)
        // What the semantics say, call by call.
        let first = TestPlans.call(plan, from: "First", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(first, in: plan)) == ["lon1", "sin1", "sin2"])
        #expect(first.verdict == .ambiguous)
        let second = TestPlans.call(plan, from: "Second", "meet.alice@vc.example")
        #expect(Set(TestPlans.nodes(second, in: plan)) == ["sin1", "sin2"])
        #expect(second.verdict == .local)

        // The memoised simulation must agree, with any number of workers.
        for workers in [1, 4] {
            let simulation = Simulation(plan: plan, workers: workers)
            let (calls, differences) = mismatches(simulation)
            #expect(calls == simulation.callCount)
            #expect(differences.isEmpty, "workers \(workers): \(differences.joined(separator: "\n"))")
        }
    }

    /// Two sites in one cluster reach the same chain b → c → d through zones with different hop counts; only the
    /// first has hops enough to get there.
    static let crossSiteHopBudgets = InlinePlan.yaml(
        clusters: [
            Cluster(
                name: "a", address: "10.0.0.1", subzones: ["S1", "S2"],
                zones: ["{name: ToB, peers: [10.0.0.2]}", "{name: ToB-short, peers: [10.0.0.2], hop_count: 2}"],
                rules: [
                    "{name: S1 to b, priority: 10, source_mode: named, source_name: S1, mode: any_alias, target: ToB}",
                    "{name: S2 to b, priority: 10, source_mode: named, source_name: S2, mode: any_alias, target: ToB-short}",
                ]),
            Cluster(name: "b", address: "10.0.0.2", zones: ["{name: ToA, peers: [10.0.0.1]}", "{name: ToC, peers: [10.0.0.3]}"],
                    rules: ["{name: B to c, priority: 10, mode: any_alias, target: ToC}"]),
            Cluster(name: "c", address: "10.0.0.3", zones: ["{name: ToD, peers: [10.0.0.4]}"],
                    rules: ["{name: C to d, priority: 10, mode: any_alias, target: ToD}"]),
            Cluster(name: "d", address: "10.0.0.4", zones: InlinePlan.pexipZones,
                    rules: ["{name: D to Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"]),
        ],
        sites: [
            "{name: First, registers_to: a, subzone: S1, local_locations: [Oslo]}",
            "{name: Second, registers_to: a, subzone: S2, local_locations: [Oslo]}",
        ])

    // [VCS "Hop counts"]: the same downstream search with a different hop budget is a different search; the
    // memoised simulation keeps them apart.
    @Test func memoisationAcrossSitesRespectsHopBudgets() throws {
        let plan = try TestPlans.load(Self.crossSiteHopBudgets)
        #expect(TestPlans.call(plan, from: "First", "meet.alice@vc.example").verdict == .local)
        #expect(TestPlans.call(plan, from: "Second", "meet.alice@vc.example").verdict == .loop)
        for workers in [1, 4] {
            let simulation = Simulation(plan: plan, workers: workers)
            let (calls, differences) = mismatches(simulation)
            #expect(calls == simulation.callCount)
            #expect(differences.isEmpty, "workers \(workers): \(differences.joined(separator: "\n"))")
        }
    }

    // Issue 2 §3: sites with the same entry point share outcomes, but each gets its own verdict from its own
    // local locations.
    @Test func sitesSharingAnEntryPointGetTheirOwnVerdicts() throws {
        let plan = try TestPlans.load(InlinePlan.yaml(
            clusters: [Cluster(name: "vcs", address: "10.0.0.2", subzones: ["SZ"], zones: InlinePlan.pexipZones,
                               rules: ["{name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}"])],
            sites: [
                "{name: Oslo people, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}",
                "{name: Singapore people, registers_to: vcs, subzone: SZ, local_locations: [Singapore]}",
            ]))
        let simulation = Simulation(plan: plan, workers: 2)
        var verdicts: [String: Set<Verdict>] = [:]
        simulation.forEachCall { verdicts[plan.sites[$0.site].name, default: []].insert(simulation.verdict(of: $0)) }
        #expect(verdicts["Oslo people"] == [.local])
        #expect(verdicts["Singapore people"] == [.remote])
        #expect(mismatches(simulation).differences.isEmpty)
    }

    /// Two clusters whose two zones to each other both get every call, rewritten, at one priority level, and a rule
    /// that undoes the rewrite: with the hop count high enough, the search tree doubles at every hop.
    static func branching(hopCount: Int) -> String {
        let clusters = [("x", "10.0.0.1", "10.0.0.2"), ("y", "10.0.0.2", "10.0.0.1")].map { name, own, other in
            Cluster(
                name: name, address: own, subzones: name == "x" ? ["SZ"] : [],
                zones: ["{name: To1, peers: [\(other)], hop_count: \(hopCount)}", "{name: To2, peers: [\(other)], hop_count: \(hopCount)}"],
                rules: [
                    #"{name: A1, priority: 100, pattern_type: regex, pattern_string: '(.*)', pattern_behavior: replace, replace_string: 'p\1', target: To1}"#,
                    #"{name: A2, priority: 100, pattern_type: regex, pattern_string: '(.*)', pattern_behavior: replace, replace_string: 'p\1', target: To2}"#,
                    #"{name: B, priority: 100, pattern_type: regex, pattern_string: 'p(.*)', pattern_behavior: replace, replace_string: '\1', target: To1}"#,
                ])
        }
        return InlinePlan.yaml(clusters: clusters, sites: ["{name: Site, registers_to: x, subzone: SZ, local_locations: [Oslo], protocols: [sip]}"])
    }

    // A search tree past `LimitHit.searchBudget` cluster searches is not followed to the end (it could take
    // longer than the universe): the call is an `error`, the same in check and trace, blamed on the entry cluster.
    @Test func aSearchTreePastTheBudgetIsAnErrorInCheckAndTraceAlike() throws {
        let plan = try TestPlans.load(Self.branching(hopCount: 24))
        let simulation = Simulation(plan: plan, workers: 2)
        #expect(mismatches(simulation).differences.isEmpty)
        simulation.forEachCall { call in
            #expect(simulation.verdict(of: call) == .error)
            #expect(simulation.outcome(of: call).limit?.reason == .searchBudget(cluster: ClusterID(0)))
        }
        let trace = TestPlans.call(plan, from: "Site", "meet.alice@vc.example")
        #expect(trace.verdict == .error)
        #expect(trace.events.contains { if case .searchBudgetExhausted = $0.event { return true } else { return false } })
        let report = CheckReport(simulation: simulation)
        let group = try #require(report.groups.first { $0.verdict == .error })
        #expect(group.diagnostic.message.contains("branched into more than \(LimitHit.searchBudget) cluster searches"))
        #expect(group.diagnostic.location == plan.clusters[0].source)

        // With a small hop count the same tree is searched to its end, and decided (the rewrites come back: a loop).
        let small = try TestPlans.load(Self.branching(hopCount: 4))
        let decided = Simulation(plan: small, workers: 2)
        #expect(mismatches(decided).differences.isEmpty)
        decided.forEachCall { call in
            #expect(decided.verdict(of: call) == .loop)
            #expect(decided.outcome(of: call).limit == nil)
        }
    }
}
