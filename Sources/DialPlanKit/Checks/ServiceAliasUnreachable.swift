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
        // Pass 1: failing calls per alias, and each batch's cause (once per batch, in the order met).
        var failing = [Int32](repeating: 0, count: simulation.aliases.count)
        var causeOrder: [Cause] = []
        var causeIndex: [Cause: Int] = [:]
        let batches = simulation.batches(where: { nowhere.contains($0.verdict) })
        var batchCause: [Int] = []
        batchCause.reserveCapacity(batches.count)
        for batch in batches {
            let cause = finder.cause(of: batch)
            if causeIndex[cause] == nil {
                causeIndex[cause] = causeOrder.count
                causeOrder.append(cause)
            }
            batchCause.append(causeIndex[cause]!)
            for call in batch.calls { failing[call.alias.index] += 1 }
        }
        // An alias is unreachable when every call placed to it failed.
        var unreachable = [Bool](repeating: false, count: simulation.aliases.count)
        for alias in failing.indices where failing[alias] > 0 {
            guard case .service = simulation.aliases[alias].origin else { continue }
            unreachable[alias] = Int(failing[alias]) == placedCalls(to: alias, simulation)
        }
        // Pass 2, over the unreachable aliases' calls only: where their searches end.
        var ends: [Int: [Int: Int]] = [:]
        for (index, batch) in batches.enumerated() {
            for call in batch.calls where unreachable[call.alias.index] { ends[call.alias.index, default: [:]][batchCause[index], default: 0] += 1 }
        }
        // One finding per main place where the searches end (the one with most calls, then the first met), listing
        // every alias (of every service) that ends there.
        var order: [Int] = []
        var grouped: [Int: (aliases: [Int], calls: [Int: Int])] = [:]
        for alias in unreachable.indices where unreachable[alias] {
            let causes = ends[alias]!
            let main = causes.keys.min { (-causes[$0]!, $0) < (-causes[$1]!, $1) }!
            if grouped[main] == nil {
                order.append(main)
                grouped[main] = ([], [:])
            }
            grouped[main]!.aliases.append(alias)
            for (cause, calls) in causes { grouped[main]!.calls[cause, default: 0] += calls }
        }
        return order.map { main in
            let (aliases, calls) = grouped[main]!
            let names = aliases.map { simulation.aliases[$0].alias }
            let listed = names.prefix(shown).map { "'\($0)'" }.joined(separator: ", ") + (names.count > shown ? " and \(names.count - shown) more" : "")
            var services: [ServiceID] = []
            for alias in aliases {
                if case .service(let service) = simulation.aliases[alias].origin, !services.contains(service) { services.append(service) }
            }
            let first = plan.services[services[0].index]
            let source = first.aliases.first { $0.alias == names[0] }?.source ?? first.source
            let owners = services.count == 1
                ? "of \(plan.describe(ServiceRef.service(services[0])))"
                : "of \(services.count) services (\(services.prefix(shown).map { plan.describe(ServiceRef.service($0)) }.joined(separator: ", "))\(services.count > shown ? ", …" : ""))"
            let total = calls.values.reduce(0, +)
            // Where the searches end, the main place first, then by calls and plan order.
            let places = calls.keys.sorted { ($0 == main ? 1 : 0, calls[$0]!, -$0) > ($1 == main ? 1 : 0, calls[$1]!, -$1) }
            func end(_ index: Int) -> String {
                let cause = causeOrder[index]
                return "at \(finder.describe(cause.blame))\(where_(finder.location(of: cause.blame))), \(endWords(cause.verdict))"
            }
            var message = "\(names.count == 1 ? "service alias" : "\(names.count) service aliases") \(listed) \(owners) \(names.count == 1 ? "is" : "are") reached by no site's call: "
            var notes: [String] = []
            if places.count == 1 {
                message += "every search ends \(end(places[0]))"
                let route = causeOrder[places[0]].route
                if route.count > 1 { notes.append("route: \(plan.describe(route: route))") }
            } else {
                message += "the searches end \(end(places[0])) (\(calls[places[0]]!) of \(total) calls), and in \(places.count - 1) other place\(places.count == 2 ? "" : "s")"
                for index in places.dropFirst() { notes.append("\(calls[index]!) call\(calls[index]! == 1 ? " ends" : "s end") \(end(index))") }
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
