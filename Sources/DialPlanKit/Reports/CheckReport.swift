/// Calls that went wrong for the same reason: one diagnostic, located at the rule, zone or transform responsible.
public struct CallGroup: Sendable {
    public var verdict: Verdict
    /// What went wrong and who is responsible; its location is the responsible rule, zone or transform.
    public var diagnostic: Diagnostic
    /// The calls, in plan order (site, alias, protocol).
    public var calls: [CallRef]
}

/// The result of `check`: every call that is not local, grouped by cause, plus plan findings.
public struct CheckReport: Sendable {
    public let simulation: Simulation
    /// Calls per verdict.
    public var counts: [Verdict: Int]
    /// Non-local calls grouped by cause, worst verdict and largest group first.
    public var groups: [CallGroup]
    /// Plan findings (checks, load warnings, the network's findings), in file order.
    public var findings: [Diagnostic]

    /// Findings accepted by `check --baseline`, and the plan root their files are relative to.
    public var baseline: (known: FindingBaseline, root: String)?

    public var plan: DialPlan { simulation.plan }
    public var callCount: Int { simulation.callCount }
    /// The aliases dialled, probes not counted.
    public var aliasCount: Int { simulation.aliases.count - plan.probes.count }
    /// The findings that are errors, and those that are warnings.
    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }

    /// Every group's diagnostic, then the findings: what SARIF, JUnit and baselines list.
    public var allDiagnostics: [Diagnostic] { groups.map(\.diagnostic) + findings }

    /// Whether `diagnostic` is new: not accepted by the baseline (every one is new without a baseline).
    public func isNew(_ diagnostic: Diagnostic) -> Bool {
        guard let baseline else { return true }
        return !baseline.known.contains(diagnostic, root: baseline.root)
    }

    /// How many of the groups and findings the baseline accepted.
    public var acceptedCount: Int { baseline == nil ? 0 : allDiagnostics.filter { !isNew($0) }.count }

    /// Whether the plan passes: every call local and no error finding (with `strict`, no warning either); with a
    /// baseline, only new groups and findings count.
    public func passes(strict: Bool = false) -> Bool {
        guard baseline != nil else {
            return counts.allSatisfy { $0.key == .local || $0.value == 0 }
                && !findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        }
        return !groups.contains { isNew($0.diagnostic) }
            && !findings.contains { isNew($0) && ($0.severity == .error || (strict && $0.severity == .warning)) }
    }

    /// Groups what went wrong in `simulation`. `examples` bounds the aliases listed per site in a group.
    /// `coverage` adds a note for every transform, search rule, zone and Call Routing Rule no call used.
    public init(simulation: Simulation, examples: Int = 4, coverage: Bool = false) {
        self.simulation = simulation
        let plan = simulation.plan
        counts = simulation.verdictCounts
        // The simulation hands out batches of calls alike; each batch is explained once, by its first call.
        let finder = CauseFinder(simulation: simulation)
        var groupIndex: [Cause: Int] = [:]
        var groupCalls: [[CallRef]] = []
        var groupCauses: [Cause] = []
        for batch in simulation.batches(where: { $0.verdict != .local }) {
            let cause = finder.cause(of: batch)
            if let index = groupIndex[cause] {
                groupCalls[index] += batch.calls
            } else {
                groupIndex[cause] = groupCalls.count
                groupCalls.append(batch.calls)
                groupCauses.append(cause)
            }
        }
        var groups: [CallGroup] = []
        for (index, cause) in groupCauses.enumerated() {
            let calls = groupCalls[index].sorted()
            groups.append(CallGroup(verdict: cause.verdict, diagnostic: finder.diagnostic(for: cause, calls: calls, examples: examples), calls: calls))
        }
        let nowhere = SourceLocation(file: "", line: 0, column: 0)
        groups.sort { ($0.verdict, -$0.calls.count, $0.diagnostic.location ?? nowhere) < ($1.verdict, -$1.calls.count, $1.diagnostic.location ?? nowhere) }
        self.groups = groups
        let unused = coverage ? simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount) : []
        // The network's findings: broken mesh pairs, node lints, the network section's warnings.
        let network = simulation.network?.findings ?? NetworkAnalysis(plan: plan).findings
        findings = (plan.warnings + PlanChecks.run(simulation) + network + unused).sorted {
            ($0.location ?? nowhere) < ($1.location ?? nowhere)
        }
    }
}
