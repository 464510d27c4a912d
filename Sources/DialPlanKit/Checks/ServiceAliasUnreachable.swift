/// A service alias that no site's call reaches: every call to it, from every site and over every protocol, ends
/// before the service (unrouted, in a loop, or rejected by Pexip after a rewrite). Nobody can dial the alias, though
/// the service exists; the calls are reported by cause too, but only this finding says that the alias is dead.
///
/// Located at the alias, one finding per (service, where the search ends), naming the rule, zone or cluster where
/// the calls end as `check`'s groups blame it (`CauseFinder`, the one place that decides who is responsible).
/// Aliases with an undecidable call (`error`) are not claimed.
enum ServiceAliasUnreachable: PlanCheck {
    static let id = CheckID.serviceAliasUnreachable
    /// Aliases listed per finding.
    static let shown = 4
    /// Verdicts of calls that end before the service.
    private static let nowhere: Set<Verdict> = [.unrouted, .loop, .rejected]

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation, !context.plan.sites.isEmpty else { return [] }
        let plan = context.plan
        let finder = CauseFinder(simulation: simulation)
        // Per alias that some call fails to reach: its failing calls by cause, in the order causes are met.
        var failing: [Int: (count: Int, causes: [Cause: Int])] = [:]
        var causeOrder: [Cause] = []
        for batch in simulation.batches(where: { nowhere.contains($0.verdict) }) {
            let cause = finder.cause(of: batch)
            if !causeOrder.contains(cause) { causeOrder.append(cause) }
            for call in batch.calls {
                guard case .service = simulation.aliases[call.alias.index].origin else { continue }
                failing[call.alias.index, default: (0, [:])].count += 1
                failing[call.alias.index]!.causes[cause, default: 0] += 1
            }
        }
        // An alias is unreachable when every call placed to it failed.
        struct Key: Hashable {
            var service: Int
            var cause: Int
        }
        var order: [Key] = []
        var grouped: [Key: (aliases: [Int], calls: [Int: Int])] = [:]
        for alias in failing.keys.sorted() {
            let (count, causes) = failing[alias]!
            guard count == placedCalls(to: alias, simulation), case .service(let service) = simulation.aliases[alias].origin else { continue }
            // The main cause: the one with most calls, then the first met.
            let ranked = causes.keys.map { causeOrder.firstIndex(of: $0)! }.sorted { (causes[causeOrder[$0]]!, -$0) > (causes[causeOrder[$1]]!, -$1) }
            let key = Key(service: service.index, cause: ranked[0])
            if grouped[key] == nil {
                order.append(key)
                grouped[key] = ([], [:])
            }
            grouped[key]!.aliases.append(alias)
            for (cause, calls) in causes { grouped[key]!.calls[causeOrder.firstIndex(of: cause)!, default: 0] += calls }
        }
        return order.map { key in
            let (aliases, calls) = grouped[key]!
            let service = plan.services[key.service]
            let names = aliases.map { simulation.aliases[$0].alias }
            let listed = names.prefix(shown).map { "'\($0)'" }.joined(separator: ", ") + (names.count > shown ? " and \(names.count - shown) more" : "")
            let source = service.aliases.first { $0.alias == names[0] }?.source ?? service.source
            let total = calls.values.reduce(0, +)
            // Where the searches end, the main place first, then by calls and plan order.
            let ends = calls.keys.sorted { ($0 == key.cause ? 1 : 0, calls[$0]!, -$0) > ($1 == key.cause ? 1 : 0, calls[$1]!, -$1) }
            func end(_ index: Int) -> String {
                let cause = causeOrder[index]
                return "at \(finder.describe(cause.blame))\(where_(finder.location(of: cause.blame))), \(endWords(cause.verdict))"
            }
            var message = "\(names.count == 1 ? "service alias" : "\(names.count) service aliases") \(listed) of \(plan.describe(ServiceRef.service(ServiceID(key.service)))) \(names.count == 1 ? "is" : "are") reached by no site's call: "
            var notes: [String] = []
            if ends.count == 1 {
                message += "every search ends \(end(ends[0]))"
                let route = causeOrder[ends[0]].route
                if route.count > 1 { notes.append("route: \(plan.describe(route: route))") }
            } else {
                message += "the searches end \(end(ends[0])) (\(calls[ends[0]]!) of \(total) calls), and in \(ends.count - 1) other place\(ends.count == 2 ? "" : "s")"
                for index in ends.dropFirst() { notes.append("\(calls[index]!) call\(calls[index]! == 1 ? " ends" : "s end") \(end(index))") }
            }
            notes.append("fix where the search ends, or remove the alias if nobody should dial it; `dialplan trace PLAN --from SITE '\(names[0])'` shows every step")
            return Diagnostic(.warning, message, at: source, check: id, witness: names[0], notes: notes)
        }
    }

    /// The number of calls the simulation places to `alias`, over every site and protocol.
    private static func placedCalls(to alias: Int, _ simulation: Simulation) -> Int {
        var count = 0
        for site in simulation.plan.sites.indices {
            for callProtocol in simulation.protocols where simulation.call(site: SiteID(site), alias: DialledAliasID(alias), protocol: callProtocol) != nil {
                count += 1
            }
        }
        return count
    }

    private static func endWords(_ verdict: Verdict) -> String {
        switch verdict {
        case .rejected: "where Pexip rejects what reaches it"
        case .loop: "in a loop"
        default: "before Pexip"
        }
    }

    private static func where_(_ location: SourceLocation?) -> String {
        location.map { " (\($0))" } ?? ""
    }
}
