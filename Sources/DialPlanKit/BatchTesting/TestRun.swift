/// The outcome of running cases files against a plan: one result per case and dialled alias.
public struct TestRun: Sendable {
    /// One alias of one case: every call it placed (site × protocol) and the ones that failed.
    public struct AliasResult: Sendable {
        public var suite: String
        public var suiteFile: String
        public var caseName: String
        public var caseSource: SourceLocation
        public var alias: String
        /// A generated near-miss sample, checked against the case's `near_miss_expect`.
        public var isNearMiss: Bool
        public var calls: [CallResult]
        /// Why no call was placed, when none was.
        public var noCallReason: String {
            alias.isEmpty ? TestRun.noSampleReason : "no chosen site places this protocol to this alias"
        }

        /// Passed: it placed at least one call and every call met the expectation (a case that places no call
        /// tests nothing, so it fails rather than letting CI pass unchecked).
        public var passed: Bool { !calls.isEmpty && calls.allSatisfy(\.failures.isEmpty) }
        public var failedCalls: [CallResult] { calls.filter { !$0.failures.isEmpty } }

        /// A unique, stable name: "case [alias]" (near misses marked).
        public var testName: String { "\(caseName) [\(isNearMiss ? "near miss " : "")\(alias)]" }
    }

    /// One call of a case and what it did wrong (empty when it passed).
    public struct CallResult: Sendable {
        public var facts: CallFacts
        public var failures: [String]

        /// "Singapore Office, sip: expected …; got … — route …".
        public var summary: String {
            "\(facts.site), \(facts.callProtocol.rawValue): \(failures.joined(separator: "; "))" + (facts.route.isEmpty ? "" : " — via \(facts.route)")
        }
    }

    public var results: [AliasResult]
    public var simulation: Simulation

    /// A pattern case whose pattern yields no alias to dial fails with this, rather than passing with 0 calls.
    static let noSampleReason = "the pattern yields no alias to dial: every alias it matches is longer than \(PatternSampler.maximumLength) characters, or it matches none"

    public var callCount: Int { results.reduce(0) { $0 + $1.calls.count } }
    public var failedCount: Int { results.filter { !$0.passed }.count }
    public var passed: Bool { failedCount == 0 }

    /// Runs every case of `suites` (all resolved against `plan`): one simulation of every site calling every alias
    /// the cases dial, then each case's expectations on its own calls.
    /// `progress` follows the simulation.
    public init(plan: DialPlan, suites: [TestSuite], workers: Int? = nil, progress: SimulationProgress? = nil) {
        // Every alias the cases dial, each once.
        var aliases: [String] = []
        var index: [String: Int] = [:]
        var planned: [(suite: TestSuite, testCase: TestCase, alias: String, nearMiss: Bool)] = []
        func add(_ alias: String) {
            guard !alias.isEmpty else { return }
            if index[alias] == nil {
                index[alias] = aliases.count
                aliases.append(alias)
            }
        }
        for suite in suites {
            for testCase in suite.cases {
                switch testCase.target {
                case .alias(let alias):
                    add(alias)
                    planned.append((suite, testCase, alias, false))
                case .pattern(let pattern, let samples, let nearMisses, let seed):
                    guard let sampler = try? PatternSampler(pattern: pattern) else { continue }
                    let generated = sampler.samples(count: samples, seed: seed)
                    // No sample: one result with no alias and no call, which fails and says why.
                    if generated.isEmpty { planned.append((suite, testCase, "", false)) }
                    for alias in generated {
                        add(alias)
                        planned.append((suite, testCase, alias, false))
                    }
                    if nearMisses > 0 {
                        for alias in sampler.nearMisses(count: nearMisses, seed: seed) {
                            add(alias)
                            planned.append((suite, testCase, alias, true))
                        }
                    }
                }
            }
        }
        let simulation = Simulation(plan: plan, aliases: aliases.map { DialledAlias(alias: $0, origin: .extra) }, workers: workers, progress: progress)
        self.simulation = simulation
        results = planned.map { item in
            guard let aliasIndex = index[item.alias] else {
                return AliasResult(
                    suite: item.suite.name, suiteFile: item.suite.file, caseName: item.testCase.name,
                    caseSource: item.testCase.source, alias: "", isNearMiss: false, calls: [])
            }
            let expectation = item.nearMiss ? item.testCase.nearMissExpect : item.testCase.expect
            var calls: [CallResult] = []
            for site in item.testCase.sites {
                let protocols = item.testCase.protocols ?? plan.sites[site].protocols.sorted()
                for callProtocol in protocols {
                    guard let call = simulation.call(site: site, alias: DialledAliasID(aliasIndex), protocol: callProtocol) else { continue }
                    let facts = CallFacts(simulation, call)
                    calls.append(CallResult(facts: facts, failures: expectation.failures(of: facts)))
                }
            }
            return AliasResult(
                suite: item.suite.name, suiteFile: item.suite.file, caseName: item.testCase.name,
                caseSource: item.testCase.source, alias: item.alias, isNearMiss: item.nearMiss, calls: calls)
        }
    }
}
