/// What a dial-plan change does to calls: both plans dial the same aliases (the union of their service aliases and
/// probes, so a removed VMR shows up as calls that no longer land) from every site, and every call whose verdict,
/// landing location, nodes or service changed is listed, grouped by what changed.
public struct PlanDiff: Sendable {
    /// One call in the old and the new plan (nil where the site or protocol exists in one plan only).
    public struct Change: Sendable {
        public var site: String
        public var alias: String
        public var callProtocol: CallProtocol
        public var before: CallFacts?
        public var after: CallFacts?
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
        var groupIndex: [String: Int] = [:]
        var groups: [Group] = []
        func record(_ change: Change, _ title: String) {
            let key = [title, change.before?.route ?? "", change.after?.route ?? ""].joined(separator: "\u{0}")
            if let index = groupIndex[key] {
                groups[index].changes.append(change)
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(title: title, routeBefore: change.before?.route, routeAfter: change.after?.route, changes: [change]))
            }
        }
        let beforeSignatures = SignatureCache(before)
        let afterSignatures = SignatureCache(after)
        let newSites = Dictionary(new.sites.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let oldSites = Set(old.sites.map(\.name))
        for (oldSite, site) in old.sites.enumerated() {
            let newSite = newSites[site.name]
            let protocols = Set(site.protocols).union(newSite.map { new.sites[$0].protocols } ?? []).sorted()
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in protocols {
                    // Compare cheap per-outcome signatures first; build the full facts only for calls that changed.
                    let wasCell = before.cell(site: oldSite, alias: aliasIndex, protocol: callProtocol)
                    let nowCell = newSite.flatMap { after.cell(site: $0, alias: aliasIndex, protocol: callProtocol) }
                    if let wasCell, let nowCell, let newSite,
                        before.verdict(site: oldSite, cell: wasCell) == after.verdict(site: newSite, cell: nowCell),
                        beforeSignatures.signature(before, cell: wasCell) == afterSignatures.signature(after, cell: nowCell)
                    {
                        compared += 1
                        continue
                    }
                    let was = before.facts(site: oldSite, alias: aliasIndex, protocol: callProtocol)
                    let now = newSite.flatMap { after.facts(site: $0, alias: aliasIndex, protocol: callProtocol) }
                    let change = Change(site: site.name, alias: alias.alias, callProtocol: callProtocol, before: was, after: now)
                    switch (was, now) {
                    case (let was?, let now?):
                        compared += 1
                        if let title = PlanDiff.difference(was, now) { record(change, title) }
                    case (_?, nil):
                        record(change, newSite == nil ? "site removed" : "\(callProtocol.rawValue) calls no longer placed")
                    case (nil, _?):
                        record(change, "\(callProtocol.rawValue) calls now placed")
                    case (nil, nil):
                        break
                    }
                }
            }
        }
        for (newSite, site) in new.sites.enumerated() where !oldSites.contains(site.name) {
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in site.protocols.sorted() {
                    guard let now = after.facts(site: newSite, alias: aliasIndex, protocol: callProtocol) else { continue }
                    record(Change(site: site.name, alias: alias.alias, callProtocol: callProtocol, before: nil, after: now), "site added")
                }
            }
        }
        self.compared = compared
        self.groups = groups.sorted { ($0.changes.count, $1.title) > ($1.changes.count, $0.title) }
    }

    /// The change between two calls, in words, or nil when nothing that matters changed. Service names are left
    /// out so that calls to different VMRs that moved the same way form one group.
    static func difference(_ was: CallFacts, _ now: CallFacts) -> String? {
        var parts: [String] = []
        func list(_ values: [String]) -> String { values.isEmpty ? "nowhere" : values.joined(separator: ", ") }
        if was.verdict != now.verdict { parts.append("verdict \(was.verdict.rawValue) → \(now.verdict.rawValue)") }
        let wasLocations = Array(Set(was.landings.map(\.location))).sorted()
        let nowLocations = Array(Set(now.landings.map(\.location))).sorted()
        if wasLocations != nowLocations { parts.append("location \(list(wasLocations)) → \(list(nowLocations))") }
        let wasNodes = was.landings.map(\.node).sorted()
        let nowNodes = now.landings.map(\.node).sorted()
        if wasNodes != nowNodes { parts.append("nodes \(list(wasNodes)) → \(list(nowNodes))") }
        if was.service?.kind != now.service?.kind || was.service?.name != now.service?.name {
            parts.append("service \(was.service?.kind ?? "none") → \(now.service?.kind ?? "none")" + (was.service?.kind == now.service?.kind ? " (another)" : ""))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// What `diff` compares of an outcome besides the verdict (landing nodes and locations by name, the service),
/// computed once per distinct outcome.
final class SignatureCache {
    struct Signature: Equatable {
        var nodes: [String]
        var locations: [String]
        var service: String?
    }

    private var signatures: [Signature?]

    init(_ simulation: Simulation) {
        signatures = [Signature?](repeating: nil, count: simulation.cores.count)
    }

    func signature(_ simulation: Simulation, cell: Int) -> Signature {
        let core = Int(simulation.coreCells[cell])
        if let known = signatures[core] { return known }
        let outcome = simulation.cores[core]
        let plan = simulation.plan
        let service = outcome.landings.first.flatMap { plan.serviceInfo($0.decision) }.map { "\($0.kind)\u{0}\($0.name)" }
        let signature = Signature(
            nodes: outcome.landings.map { plan.nodes[$0.node].name }.sorted(),
            locations: Array(Set(outcome.landings.map { plan.locations[plan.nodes[$0.node].location].name })).sorted(),
            service: service)
        signatures[core] = signature
        return signature
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
