import Foundation

/// What `dialplan report` shows, asked of the simulation through its API: `check`'s report (counts, groups,
/// findings, pass or fail), the calls of every site tallied by where they land, one traced example per group, the
/// IPsec mesh and site reachability, coverage, and with a baseline plan the `diff` of the change. Everything is
/// aggregated and bounded (a few routes and examples per matrix cell), so a 40-million-call plan makes a page of
/// the same order of size as a small one. `HTMLReportRenderer` writes it.
public struct HTMLReport: Sendable {
    /// Bounds on what each part lists, so that the page stays small whatever the plan's size.
    public struct Limits: Sendable {
        /// Routes listed per matrix cell (the worst first).
        public var routesPerCell = 5
        /// Example calls listed per route of a cell.
        public var examplesPerRoute = 3
        /// Groups whose example call is traced step by step.
        public var tracedGroups = 40
        /// Change groups listed (the largest first), and sites listed per change group.
        public var changeGroups = 100
        public var sitesPerChange = 20
        /// Aliases listed per site of a change group.
        public var changeExamples = 4
        /// Broken pairs listed per mesh cause, and named in the hover text of a line of the mesh picture.
        public var pairsPerCause = 12
        /// Notes listed per plan finding.
        public var notesPerFinding = 8

        public init() {}
    }

    /// The plan's sizes and the verdict counts, as `check` reports them.
    public struct Summary: Sendable {
        public var plan: String
        public var generated: Date
        /// The plan's sizes in `check`'s words (`CheckFormatter.sizes`).
        public var sizes: String
        public var calls: Int
        /// The verdicts `check`'s summary line counts, in its order (`CheckFormatter.summaryVerdicts`).
        public var verdicts: [Verdict]
        /// Calls per verdict, every verdict present.
        public var counts: [Verdict: Int]
        public var errors: Int
        public var warnings: Int
        /// "1 error, 2 warnings", as `check` words them (`CheckFormatter.findingCounts`).
        public var findingCounts: String
        /// As `check` decides (with `strict`, warnings fail too).
        public var passes: Bool
        public var strict: Bool
        /// `check`'s summary line, word for word.
        public var checkSummary: String
    }

    /// Where each site's calls land: sites (rows) by landing location or, for calls that land nowhere, by verdict
    /// (columns). A call that may land in several locations counts in each of them.
    public struct Matrix: Sendable {
        public enum Column: Sendable, Hashable {
            case location(LocationID)
            /// Calls that land nowhere (rejected, loop, unrouted) or could not be decided (error).
            case nowhere(Verdict)
        }

        /// Calls of one cell that took the same route.
        public struct Route: Sendable {
            /// The route in words (`CallFacts.route`).
            public var text: String
            /// Calls per verdict, worst first.
            public var counts: [(verdict: Verdict, calls: Int)]
            public var calls: Int
            /// A few calls: "1001 → 1001@vc.acme.example (sip)".
            public var examples: [String]
        }

        public struct Cell: Sendable {
            public var column: Int
            /// Calls per verdict, worst first.
            public var counts: [(verdict: Verdict, calls: Int)]
            public var calls: Int
            /// Whether the column is one of the row's site's local locations.
            public var isLocal: Bool
            /// The routes with the most calls, the worst first (at most `Limits.routesPerCell`).
            public var routes: [Route]
            /// How many distinct routes in all.
            public var routeCount: Int

            /// The worst verdict in the cell.
            public var worst: Verdict { counts[0].verdict }
        }

        public struct Row: Sendable {
            public var site: String
            public var localLocations: [String]
            /// The columns that are the site's local locations.
            public var localColumns: [Int]
            public var calls: Int
            /// Non-empty cells, by column.
            public var cells: [Cell]
        }

        public var columns: [Column]
        public var columnNames: [String]
        /// The sites with the worst verdict first, in plan order among equals.
        public var rows: [Row]
        /// Calls per column over every site.
        public var columnTotals: [Int]
    }

    /// One call explained step by step (`TraceFormatter`'s steps).
    public struct TracedCall: Sendable {
        public var site: String
        public var alias: String
        public var callProtocol: CallProtocol
        public var verdict: Verdict
        public var steps: [TraceStep]
    }

    /// A group of calls (a `check` group) or a plan finding.
    public struct Finding: Sendable {
        /// For a group, its notes give the sites with their calls (as `check` words them).
        public var diagnostic: Diagnostic
        /// For a group of calls: its verdict and how many calls.
        public var verdict: Verdict?
        public var calls: Int
        /// The group's first call, traced (for the first `Limits.tracedGroups` groups).
        public var trace: TracedCall?
    }

    /// The IPsec mesh and site reachability.
    public struct Mesh: Sendable {
        /// What breaks pairs of the mesh: one of the network's own findings (`mesh-blocked`, `mesh-nat`,
        /// `mesh-no-route`: it groups the broken pairs by the rule, link or node responsible), in its order; the
        /// SVG numbers them the same way.
        public struct Cause: Sendable {
            /// The finding, as `check` and `mesh` word it; its notes list the pairs.
            public var diagnostic: Diagnostic
            /// What breaks its pairs.
            public var cause: PathCause
            /// The cause with the flows it fails: "ESP: denied by firewall …".
            public var description: String
            /// The broken pairs it breaks (a pair with several causes is under each).
            public var pairs: [MeshPair]
        }

        /// A site's calls that `check` counts as blocked (`VerdictBlame.unreachable` or `.callControl`): they land
        /// locally, on a node the site's endpoints, or the call control handing it the call, cannot reach. One per
        /// site and `check` group.
        public struct Blocked: Sendable {
            public var site: String
            /// The protocols of the calls, in protocol order.
            public var protocols: [CallProtocol]
            /// The nodes the verdicts blame, "name (location)", in first-met order.
            public var nodes: [String]
            public var calls: Int
            /// The index in `HTMLReport.groups` of `check`'s group of these calls, whose diagnostic words the cause.
            public var group: Int
        }

        public var analysis: NetworkAnalysis
        public var causes: [Cause]
        /// The blocked calls, by site and group; empty when `check` counts none.
        public var blocked: [Blocked]
        /// The network's other findings (node lints, the network section's warnings), in its order.
        public var findings: [Diagnostic]
    }

    public struct Coverage: Sendable {
        public var counts: [(kind: String, used: Int, total: Int)]
        /// What no call used, as `check --coverage` notes it.
        public var unused: [Diagnostic]
    }

    public var summary: Summary
    public var matrix: Matrix
    /// `check`'s groups (worst first), then its findings (in file order).
    public var groups: [Finding]
    public var findings: [Finding]
    /// Nil when the plan has no network section.
    public var mesh: Mesh?
    public var coverage: Coverage
    /// With a baseline: what the change moves.
    public var change: PlanDiff?
    public var limits: Limits

    /// Builds the report from `check`'s report of the plan; `change` is the diff from a baseline plan.
    public init(report: CheckReport, change: PlanDiff? = nil, strict: Bool = false, generated: Date = Date(), limits: Limits = Limits()) {
        let simulation = report.simulation
        let plan = report.plan
        self.limits = limits
        self.change = change
        summary = Summary(
            plan: plan.name, generated: generated, sizes: CheckFormatter.sizes(report), calls: report.callCount,
            verdicts: CheckFormatter.summaryVerdicts(report), counts: report.counts, errors: report.errorCount, warnings: report.warningCount,
            findingCounts: CheckFormatter.findingCounts(report), passes: report.passes(strict: strict), strict: strict,
            checkSummary: CheckFormatter.summary(report, style: .plain, strict: strict))

        let tallies = simulation.tallies(examples: limits.examplesPerRoute)
        matrix = HTMLReport.matrix(simulation, tallies: tallies, limits: limits)

        var groups: [Finding] = []
        for (index, group) in report.groups.enumerated() {
            var traced: TracedCall?
            if index < limits.tracedGroups, let call = group.calls.first {
                let alias = simulation.aliases[call.alias.index].alias
                if let trace = try? CallTrace(tables: simulation.tables, site: call.site, alias: alias, protocol: call.callProtocol, network: simulation.network) {
                    traced = TracedCall(site: plan.sites[call.site].name, alias: alias, callProtocol: call.callProtocol, verdict: trace.verdict, steps: trace.steps)
                }
            }
            groups.append(Finding(diagnostic: group.diagnostic, verdict: group.verdict, calls: group.calls.count, trace: traced))
        }
        self.groups = groups
        findings = report.findings.map { Finding(diagnostic: $0, verdict: nil, calls: 0, trace: nil) }

        mesh = simulation.network.map { HTMLReport.mesh($0, report: report, tallies: tallies) }
        coverage = Coverage(counts: simulation.coverage.counts, unused: simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount))
    }

    // MARK: Matrix

    static func matrix(_ simulation: Simulation, tallies: [CallTally], limits: Limits) -> Matrix {
        let plan = simulation.plan
        let nowhere: [Verdict] = [.rejected, .loop, .unrouted, .error]
        func isNowhere(_ verdict: Verdict) -> Bool { nowhere.contains(verdict) }
        // Per tally: its columns and route words, from its first call (every call of a tally lands alike).
        struct Landed {
            var columns: [Matrix.Column]
            var route: String
        }
        var landed: [Landed] = []
        var routeWords: [RouteKey: String] = [:]
        for tally in tallies {
            let outcome = simulation.outcome(of: tally.first)
            let columns: [Matrix.Column] = isNowhere(tally.verdict) ? [.nowhere(tally.verdict)] : plan.locations(of: outcome).map { .location($0) }
            let key = simulation.routeKey(of: tally.first)
            let route = routeWords[key] ?? CallFacts.routeText(outcome, plan: plan)
            routeWords[key] = route
            landed.append(Landed(columns: columns, route: route))
        }
        // Every location in plan order; then rejected, loop and unrouted always, error when a call is.
        var columns: [Matrix.Column] = plan.locations.ids.map { .location($0) }
        columns += [Verdict.rejected, .loop, .unrouted].map { .nowhere($0) }
        if (simulation.verdictCounts[.error] ?? 0) > 0 { columns.append(.nowhere(.error)) }
        let columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element, $0.offset) })
        let names = columns.map { column -> String in
            switch column {
            case .location(let location): plan.locations[location].name
            case .nowhere(let verdict): verdict.rawValue
            }
        }

        // Per (site, column): the tallies that land there.
        struct CellKey: Hashable {
            var site: Int
            var column: Int
        }
        var cellTallies: [CellKey: [Int]] = [:]
        var siteCalls = [Int](repeating: 0, count: plan.sites.count)
        var columnTotals = [Int](repeating: 0, count: columns.count)
        for (index, tally) in tallies.enumerated() {
            let columnsHere = landed[index].columns.compactMap { columnIndex[$0] }
            for site in tally.sites {
                let count = tally.count(site: site)
                siteCalls[site.index] += count
                for column in columnsHere {
                    cellTallies[CellKey(site: site.index, column: column), default: []].append(index)
                    columnTotals[column] += count
                }
            }
        }
        func ordered(_ counts: [Verdict: Int]) -> [(verdict: Verdict, calls: Int)] {
            counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        var rows: [Matrix.Row] = []
        for (siteIndex, site) in plan.sites.enumerated() {
            let localColumns = site.localLocations.compactMap { columnIndex[.location($0)] }.sorted()
            var cells: [Matrix.Cell] = []
            for column in columns.indices {
                guard let indices = cellTallies[CellKey(site: siteIndex, column: column)] else { continue }
                var counts: [Verdict: Int] = [:]
                var routeOrder: [String] = []
                var routeCounts: [String: [Verdict: Int]] = [:]
                var routeExamples: [String: [CallRef]] = [:]
                for index in indices {
                    let tally = tallies[index]
                    let count = tally.count(site: SiteID(siteIndex))
                    counts[tally.verdict, default: 0] += count
                    let route = landed[index].route
                    if routeCounts[route] == nil { routeOrder.append(route) }
                    routeCounts[route, default: [:]][tally.verdict, default: 0] += count
                    let kept = routeExamples[route, default: []].count
                    if kept < limits.examplesPerRoute {
                        routeExamples[route, default: []].append(contentsOf: tally.examples(site: SiteID(siteIndex)).prefix(limits.examplesPerRoute - kept))
                    }
                }
                let routes = routeOrder.map { text -> Matrix.Route in
                    let verdicts = ordered(routeCounts[text]!)
                    let examples = (routeExamples[text] ?? []).map { "\(simulation.aliasText($0)) (\($0.callProtocol.rawValue))" }
                    return Matrix.Route(text: text, counts: verdicts, calls: verdicts.reduce(0) { $0 + $1.calls }, examples: examples)
                }.sorted { ($0.counts[0].verdict, -$0.calls, $0.text) < ($1.counts[0].verdict, -$1.calls, $1.text) }
                let verdicts = ordered(counts)
                cells.append(Matrix.Cell(
                    column: column, counts: verdicts, calls: verdicts.reduce(0) { $0 + $1.calls }, isLocal: localColumns.contains(column),
                    routes: Array(routes.prefix(limits.routesPerCell)), routeCount: routes.count))
            }
            rows.append(Matrix.Row(
                site: site.name, localLocations: site.localLocations.map { plan.locations[$0].name }, localColumns: localColumns,
                calls: siteCalls[siteIndex], cells: cells))
        }
        // The sites with the worst verdicts first (a sort that keeps plan order among equals).
        let worst = rows.map { row in row.cells.map(\.worst).min() ?? .local }
        let order = rows.indices.sorted { (worst[$0], $0) < (worst[$1], $1) }
        return Matrix(columns: columns, columnNames: names, rows: order.map { rows[$0] }, columnTotals: columnTotals)
    }

    // MARK: Mesh

    static func mesh(_ analysis: NetworkAnalysis, report: CheckReport, tallies: [CallTally]) -> Mesh {
        // The network's own groups of broken pairs, each with its finding; its other findings (node lints, the
        // network section's warnings, call-control legs and unplaced call control found by the plan checks) are
        // listed apart.
        let causes = analysis.brokenPairGroups.map { Mesh.Cause(diagnostic: $0.diagnostic, cause: $0.cause, description: $0.description, pairs: $0.pairs) }
        let grouped = Set(analysis.brokenPairGroups.map(\.diagnostic))
        let callControl: Set<CheckID> = [.callControlBlocked, .endpointsBlocked, .callControlUnplaced]
        let others = analysis.findings.filter { !grouped.contains($0) } + report.findings.filter { $0.check.map(callControl.contains) == true }
        return Mesh(analysis: analysis, causes: causes, blocked: blocked(report, tallies: tallies), findings: others)
    }

    /// The blocked calls as the verdicts decide them: the tallies whose blame is `.unreachable(node)` or
    /// `.callControl(node, _)`, one row per
    /// site and `check` group (blocked calls are batched per site, so a tally is one site's).
    static func blocked(_ report: CheckReport, tallies: [CallTally]) -> [Mesh.Blocked] {
        let plan = report.plan
        let groups = report.groups.indices.filter { report.groups[$0].verdict == .blocked }
        func group(of call: CallRef) -> Int? {
            groups.first { index in
                let calls = report.groups[index].calls
                var low = 0
                var high = calls.count
                while low < high {
                    let middle = (low + high) / 2
                    if calls[middle] < call { low = middle + 1 } else { high = middle }
                }
                return low < calls.count && calls[low] == call
            }
        }
        struct Key: Hashable {
            var site: Int
            var group: Int
        }
        var order: [Key] = []
        var rows: [Key: Mesh.Blocked] = [:]
        for tally in tallies {
            let blocked: NodeID? = switch tally.decision.blame {
            case .unreachable(let node), .callControl(let node, _): node
            default: nil
            }
            guard let node = blocked, let group = group(of: tally.first) else { continue }
            let site = tally.first.site
            let key = Key(site: site.index, group: group)
            if rows[key] == nil {
                order.append(key)
                rows[key] = Mesh.Blocked(site: plan.sites[site].name, protocols: [], nodes: [], calls: 0, group: group)
            }
            let name = "\(plan.nodes[node].name) (\(plan.locations[plan.nodes[node].location].name))"
            if !rows[key]!.nodes.contains(name) { rows[key]!.nodes.append(name) }
            if !rows[key]!.protocols.contains(tally.first.callProtocol) { rows[key]!.protocols.append(tally.first.callProtocol) }
            rows[key]!.calls += tally.count
        }
        return order.sorted { ($0.site, $0.group) < ($1.site, $1.group) }.map { key in
            var row = rows[key]!
            row.protocols.sort { $0.index < $1.index }
            return row
        }
    }
}
