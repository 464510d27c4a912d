/// What a dial-plan change does to calls: both plans dial the same aliases (the union of their service aliases and
/// probes, so a removed VMR shows up as calls that no longer land) from every site, and every call whose verdict,
/// landing location, nodes or service changed is listed, grouped by what changed.
public struct PlanDiff: Sendable {
    /// One call in the old and the new plan (nil where the site or protocol exists in one plan only). The facts are
    /// built when asked for: a change can move millions of calls, and reports show a few of them.
    public struct Change: Sendable {
        public var site: String
        public var alias: String
        public var callProtocol: CallProtocol
        let was: PlacedCall?
        let now: PlacedCall?

        public var before: CallFacts? { was?.facts(callProtocol) }
        public var after: CallFacts? { now?.facts(callProtocol) }
    }

    /// A call in one simulation.
    struct PlacedCall: Sendable {
        let simulation: Simulation
        let site: Int32
        let alias: Int32

        func facts(_ callProtocol: CallProtocol) -> CallFacts? {
            simulation.facts(site: Int(site), alias: Int(alias), protocol: callProtocol)
        }
    }

    /// Calls that changed the same way, by the same routes.
    public struct Group: Sendable {
        /// What changed: "verdict local → remote; location Singapore → Oslo".
        public var title: String
        /// The route the calls took before and after (why they changed).
        public var routeBefore: String?
        public var routeAfter: String?
        public var changes: [Change]
    }

    public var oldPlan: String
    public var newPlan: String
    /// Calls placed in both plans.
    public var compared: Int
    /// Changed calls, grouped, largest group first.
    public var groups: [Group]

    public var changedCount: Int { groups.reduce(0) { $0 + $1.changes.count } }

    public init(old: DialPlan, new: DialPlan, workers: Int? = nil) {
        var seen = Set<String>()
        var aliases: [DialledAlias] = []
        for alias in Simulation.planAliases(old) + Simulation.planAliases(new) where seen.insert(alias.alias).inserted {
            aliases.append(DialledAlias(alias: alias.alias, origin: .extra))
        }
        let before = Simulation(plan: old, aliases: aliases, workers: workers)
        let after = Simulation(plan: new, aliases: aliases, workers: workers)
        oldPlan = old.name
        newPlan = new.name

        var compared = 0
        var groupIndex: [GroupKey: Int] = [:]
        var groups: [Group] = []
        var titles: [TitleKey: String] = [:]
        let beforeCache = SignatureCache(before)
        let afterCache = SignatureCache(after)
        func record(_ change: Change, title: String, wasCell: Int?, nowCell: Int?) {
            // Route words are the same for cells with the same route set, so route-set ids stand for them.
            let key = GroupKey(
                title: title, wasRoute: wasCell.map { Int64(before.routeCells[$0]) } ?? -1,
                nowRoute: nowCell.map { Int64(after.routeCells[$0]) } ?? -1)
            if let index = groupIndex[key] {
                groups[index].changes.append(change)
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(
                    title: title, routeBefore: wasCell.map { beforeCache.routeText(cell: $0) },
                    routeAfter: nowCell.map { afterCache.routeText(cell: $0) }, changes: [change]))
            }
        }
        let newSites = Dictionary(new.sites.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let oldSites = Set(old.sites.map(\.name))
        for (oldSite, site) in old.sites.enumerated() {
            let newSite = newSites[site.name]
            let protocols = Set(site.protocols).union(newSite.map { new.sites[$0].protocols } ?? []).sorted()
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in protocols {
                    let wasCell = before.cell(site: oldSite, alias: aliasIndex, protocol: callProtocol)
                    let nowCell = newSite.flatMap { after.cell(site: $0, alias: aliasIndex, protocol: callProtocol) }
                    let was = wasCell == nil ? nil : PlacedCall(simulation: before, site: Int32(oldSite), alias: Int32(aliasIndex))
                    let now = nowCell == nil ? nil : newSite.map { PlacedCall(simulation: after, site: Int32($0), alias: Int32(aliasIndex)) }
                    let change = Change(site: site.name, alias: alias.alias, callProtocol: callProtocol, was: was, now: now)
                    switch (wasCell, nowCell) {
                    case (let wasCell?, let nowCell?):
                        compared += 1
                        // Compare cheap per-outcome signatures; words only for the kinds of change met.
                        let wasVerdict = before.verdict(site: oldSite, cell: wasCell)
                        let nowVerdict = after.verdict(site: newSite!, cell: nowCell)
                        let wasSignature = beforeCache.signature(cell: wasCell)
                        let nowSignature = afterCache.signature(cell: nowCell)
                        guard wasVerdict != nowVerdict || wasSignature != nowSignature else { continue }
                        let key = TitleKey(
                            was: wasVerdict, now: nowVerdict, wasShape: beforeCache.shapeID(cell: wasCell), nowShape: afterCache.shapeID(cell: nowCell),
                            serviceNameChanged: wasSignature.service != nowSignature.service)
                        let title: String
                        if let known = titles[key] {
                            title = known
                        } else {
                            title = PlanDiff.difference(wasVerdict, wasSignature, nowVerdict, nowSignature)
                            titles[key] = title
                        }
                        record(change, title: title, wasCell: wasCell, nowCell: nowCell)
                    case (let wasCell?, nil):
                        record(change, title: newSite == nil ? "site removed" : "\(callProtocol.rawValue) calls no longer placed", wasCell: wasCell, nowCell: nil)
                    case (nil, let nowCell?):
                        record(change, title: "\(callProtocol.rawValue) calls now placed", wasCell: nil, nowCell: nowCell)
                    case (nil, nil):
                        break
                    }
                }
            }
        }
        for (newSite, site) in new.sites.enumerated() where !oldSites.contains(site.name) {
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in site.protocols.sorted() {
                    guard let nowCell = after.cell(site: newSite, alias: aliasIndex, protocol: callProtocol) else { continue }
                    let now = PlacedCall(simulation: after, site: Int32(newSite), alias: Int32(aliasIndex))
                    record(Change(site: site.name, alias: alias.alias, callProtocol: callProtocol, was: nil, now: now), title: "site added", wasCell: nil, nowCell: nowCell)
                }
            }
        }
        self.compared = compared
        self.groups = groups.sorted { ($0.changes.count, $1.title) > ($1.changes.count, $0.title) }
    }

    /// Groups are keyed by the words and by the route sets before and after.
    private struct GroupKey: Hashable {
        var title: String
        var wasRoute: Int64
        var nowRoute: Int64
    }

    private struct TitleKey: Hashable {
        var was: Verdict
        var now: Verdict
        var wasShape: Int
        var nowShape: Int
        var serviceNameChanged: Bool
    }

    /// The change between two calls, in words. Service names are left out so that calls to different VMRs that
    /// moved the same way form one group.
    static func difference(_ wasVerdict: Verdict, _ was: SignatureCache.Signature, _ nowVerdict: Verdict, _ now: SignatureCache.Signature) -> String {
        var parts: [String] = []
        func list(_ values: [String]) -> String { values.isEmpty ? "nowhere" : values.joined(separator: ", ") }
        if wasVerdict != nowVerdict { parts.append("verdict \(wasVerdict.rawValue) → \(nowVerdict.rawValue)") }
        if was.locations != now.locations { parts.append("location \(list(was.locations)) → \(list(now.locations))") }
        if was.nodes != now.nodes { parts.append("nodes \(list(was.nodes)) → \(list(now.nodes))") }
        if was.serviceKind != now.serviceKind || was.service != now.service {
            parts.append("service \(was.serviceKind ?? "none") → \(now.serviceKind ?? "none")" + (was.serviceKind == now.serviceKind ? " (another)" : ""))
        }
        return parts.joined(separator: "; ")
    }
}

/// What `diff` compares of an outcome besides the verdict (landing nodes and locations by name, the service), and
/// the words for its routes, computed once per distinct outcome and route set.
final class SignatureCache: @unchecked Sendable {
    struct Signature: Equatable {
        var nodes: [String]
        var locations: [String]
        var serviceKind: String?
        var service: String?
    }

    private let simulation: Simulation
    private var signatures: [Signature?]
    private var shapes: [Int]
    private var shapeIDs: [ShapeKey: Int] = [:]
    private var routes: [UInt32: String] = [:]

    private struct ShapeKey: Hashable {
        var nodes: [String]
        var locations: [String]
        var serviceKind: String?
    }

    init(_ simulation: Simulation) {
        self.simulation = simulation
        signatures = [Signature?](repeating: nil, count: simulation.cores.count)
        shapes = [Int](repeating: -1, count: simulation.cores.count)
    }

    func signature(cell: Int) -> Signature {
        let core = Int(simulation.coreCells[cell])
        if let known = signatures[core] { return known }
        let outcome = simulation.cores[core]
        let plan = simulation.plan
        let info = outcome.landings.first.flatMap { plan.serviceInfo($0.decision) }
        let signature = Signature(
            nodes: outcome.landings.map { plan.nodes[$0.node].name }.sorted(),
            locations: Array(Set(outcome.landings.map { plan.locations[plan.nodes[$0.node].location].name })).sorted(),
            serviceKind: info?.kind, service: info.map { "\($0.kind)\u{0}\($0.name)" })
        signatures[core] = signature
        return signature
    }

    /// An id shared by outcomes with the same nodes, locations and kind of service (for caching the words).
    func shapeID(cell: Int) -> Int {
        let core = Int(simulation.coreCells[cell])
        if shapes[core] >= 0 { return shapes[core] }
        let signature = signature(cell: cell)
        let key = ShapeKey(nodes: signature.nodes, locations: signature.locations, serviceKind: signature.serviceKind)
        let id = shapeIDs[key] ?? shapeIDs.count
        shapeIDs[key] = id
        shapes[core] = id
        return id
    }

    /// The route words of a cell (every landing's route, else the first failure's), per route set.
    func routeText(cell: Int) -> String {
        let set = simulation.routeCells[cell]
        if let known = routes[set] { return known }
        let text = CallFacts.routeText(simulation.outcome(cell: cell), plan: simulation.plan)
        routes[set] = text
        return text
    }
}

extension Simulation {
    /// The facts of one call, or nil when the site does not place it.
    func facts(site: Int, alias: Int, protocol callProtocol: CallProtocol) -> CallFacts? {
        guard let outcome = outcome(site: site, alias: alias, protocol: callProtocol),
            let verdict = verdict(site: site, alias: alias, protocol: callProtocol)
        else { return nil }
        return CallFacts(plan: plan, site: site, alias: aliases[alias].alias, protocol: callProtocol, verdict: verdict, outcome: outcome)
    }
}
