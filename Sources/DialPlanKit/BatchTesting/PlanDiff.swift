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
        let call: CallRef

        func facts(_ callProtocol: CallProtocol) -> CallFacts? { CallFacts(simulation, call) }
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

    /// `progress` follows both simulations (the old plan's, then the new one's).
    public init(old: DialPlan, new: DialPlan, workers: Int? = nil, progress: SimulationProgress? = nil) {
        var seen = Set<String>()
        var aliases: [DialledAlias] = []
        for alias in Simulation.planAliases(old) + Simulation.planAliases(new) where seen.insert(alias.alias).inserted {
            aliases.append(DialledAlias(alias: alias.alias, origin: .extra))
        }
        let before = Simulation(plan: old, aliases: aliases, workers: workers, progress: progress)
        let after = Simulation(plan: new, aliases: aliases, workers: workers, progress: progress)
        oldPlan = old.name
        newPlan = new.name

        var compared = 0
        var groupIndex: [GroupKey: Int] = [:]
        var groups: [Group] = []
        var titles: [TitleKey: String] = [:]
        let beforeCache = SignatureCache(before)
        let afterCache = SignatureCache(after)
        func record(_ change: Change, title: String, was: CallRef?, now: CallRef?) {
            // Route words are the same for calls with the same routes, so route keys stand for them.
            let key = GroupKey(title: title, wasRoute: was.map(before.routeKey), nowRoute: now.map(after.routeKey))
            if let index = groupIndex[key] {
                groups[index].changes.append(change)
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(
                    title: title, routeBefore: was.map { beforeCache.routeText($0) },
                    routeAfter: now.map { afterCache.routeText($0) }, changes: [change]))
            }
        }
        let newSites = Dictionary(new.sites.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let oldSites = Set(old.sites.map(\.name))
        for (oldSite, site) in old.sites.enumerated() {
            let newSite = newSites[site.name]
            let protocols = Set(site.protocols).union(newSite.map { new.sites[$0].protocols } ?? []).sorted()
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in protocols {
                    let wasCall = before.call(site: SiteID(oldSite), alias: DialledAliasID(aliasIndex), protocol: callProtocol)
                    let nowCall = newSite.flatMap { after.call(site: SiteID($0), alias: DialledAliasID(aliasIndex), protocol: callProtocol) }
                    let change = Change(
                        site: site.name, alias: alias.alias, callProtocol: callProtocol,
                        was: wasCall.map { PlacedCall(simulation: before, call: $0) }, now: nowCall.map { PlacedCall(simulation: after, call: $0) })
                    switch (wasCall, nowCall) {
                    case (let wasCall?, let nowCall?):
                        compared += 1
                        // Compare cheap per-outcome signatures; words only for the kinds of change met.
                        let wasVerdict = before.verdict(of: wasCall)
                        let nowVerdict = after.verdict(of: nowCall)
                        let wasSignature = beforeCache.signature(wasCall)
                        let nowSignature = afterCache.signature(nowCall)
                        guard wasVerdict != nowVerdict || wasSignature != nowSignature else { continue }
                        let key = TitleKey(
                            was: wasVerdict, now: nowVerdict, wasShape: beforeCache.shapeID(wasCall), nowShape: afterCache.shapeID(nowCall),
                            serviceNameChanged: wasSignature.services != nowSignature.services,
                            outgoingAliasChanged: wasSignature.outgoingAliases != nowSignature.outgoingAliases)
                        let title: String
                        if let known = titles[key] {
                            title = known
                        } else {
                            title = PlanDiff.difference(wasVerdict, wasSignature, nowVerdict, nowSignature)
                            titles[key] = title
                        }
                        record(change, title: title, was: wasCall, now: nowCall)
                    case (let wasCall?, nil):
                        record(change, title: newSite == nil ? "site removed" : "\(callProtocol.rawValue) calls no longer placed", was: wasCall, now: nil)
                    case (nil, let nowCall?):
                        record(change, title: "\(callProtocol.rawValue) calls now placed", was: nil, now: nowCall)
                    case (nil, nil):
                        break
                    }
                }
            }
        }
        for (newSite, site) in new.sites.enumerated() where !oldSites.contains(site.name) {
            for (aliasIndex, alias) in aliases.enumerated() {
                for callProtocol in site.protocols.sorted() {
                    guard let nowCall = after.call(site: SiteID(newSite), alias: DialledAliasID(aliasIndex), protocol: callProtocol) else { continue }
                    record(Change(site: site.name, alias: alias.alias, callProtocol: callProtocol, was: nil, now: PlacedCall(simulation: after, call: nowCall)), title: "site added", was: nil, now: nowCall)
                }
            }
        }
        self.compared = compared
        self.groups = groups.sorted { ($0.changes.count, $1.title) > ($1.changes.count, $0.title) }
    }

    /// Groups are keyed by the words and by the routes before and after.
    private struct GroupKey: Hashable {
        var title: String
        var wasRoute: RouteKey?
        var nowRoute: RouteKey?
    }

    private struct TitleKey: Hashable {
        var was: Verdict
        var now: Verdict
        var wasShape: Int
        var nowShape: Int
        var serviceNameChanged: Bool
        var outgoingAliasChanged: Bool
    }

    /// The change between two calls, in words. Service names and outgoing aliases are left out so that calls to
    /// different VMRs (or numbers) that moved the same way form one group.
    static func difference(_ wasVerdict: Verdict, _ was: SignatureCache.Signature, _ nowVerdict: Verdict, _ now: SignatureCache.Signature) -> String {
        var parts: [String] = []
        func list(_ values: [String]) -> String { values.isEmpty ? "nowhere" : values.joined(separator: ", ") }
        func kinds(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: ", ") }
        if wasVerdict != nowVerdict { parts.append("verdict \(wasVerdict.rawValue) → \(nowVerdict.rawValue)") }
        if was.locations != now.locations { parts.append("location \(list(was.locations)) → \(list(now.locations))") }
        if was.nodes != now.nodes { parts.append("nodes \(list(was.nodes)) → \(list(now.nodes))") }
        if was.serviceKinds != now.serviceKinds || was.services != now.services {
            parts.append("service \(kinds(was.serviceKinds)) → \(kinds(now.serviceKinds))" + (was.serviceKinds == now.serviceKinds ? " (another)" : ""))
        }
        if was.outgoingLocations != now.outgoingLocations {
            parts.append("outgoing location \(list(was.outgoingLocations)) → \(list(now.outgoingLocations))")
        }
        if was.outgoingAliases != now.outgoingAliases {
            parts.append(was.outgoingAliases.isEmpty || now.outgoingAliases.isEmpty
                ? "outgoing call \(was.outgoingAliases.isEmpty ? "none" : "placed") → \(now.outgoingAliases.isEmpty ? "none" : "placed")"
                : "outgoing alias changed")
        }
        return parts.joined(separator: "; ")
    }
}

/// What `diff` compares of an outcome besides the verdict (landing nodes and locations by name, the services, the
/// outgoing leg), and the words for its routes, computed once per distinct outcome and route.
final class SignatureCache: @unchecked Sendable {
    struct Signature: Equatable {
        var nodes: [String]
        var locations: [String]
        var serviceKinds: [String]
        var services: [String]
        var outgoingAliases: [String]
        var outgoingLocations: [String]
    }

    private let simulation: Simulation
    private var signatures: [OutcomeKey: Signature] = [:]
    private var shapes: [OutcomeKey: Int] = [:]
    private var shapeIDs: [ShapeKey: Int] = [:]
    private var routes: [RouteKey: String] = [:]

    private struct ShapeKey: Hashable {
        var nodes: [String]
        var locations: [String]
        var serviceKinds: [String]
        var outgoingLocations: [String]
    }

    init(_ simulation: Simulation) {
        self.simulation = simulation
    }

    func signature(_ call: CallRef) -> Signature {
        let key = simulation.outcomeKey(of: call)
        if let known = signatures[key] { return known }
        let outcome = simulation.outcome(of: call)
        let plan = simulation.plan
        let infos = outcome.services.map(plan.serviceInfo)
        let signature = Signature(
            nodes: outcome.nodes.map { plan.nodes[$0].name }.sorted(),
            locations: plan.signallingLocations(of: outcome).map { plan.locations[$0].name }.sorted(),
            serviceKinds: Array(Set(infos.map(\.kind))).sorted(), services: infos.map { "\($0.kind)\u{0}\($0.name)" }.sorted(),
            outgoingAliases: Array(Set(outcome.outgoingCalls.map(\.alias))).sorted(),
            outgoingLocations: Array(Set(outcome.outgoingCalls.map { plan.locations[$0.location].name })).sorted())
        signatures[key] = signature
        return signature
    }

    /// An id shared by outcomes with the same nodes, locations, kinds of service and outgoing locations (for caching
    /// the words).
    func shapeID(_ call: CallRef) -> Int {
        let key = simulation.outcomeKey(of: call)
        if let known = shapes[key] { return known }
        let signature = signature(call)
        let shape = ShapeKey(nodes: signature.nodes, locations: signature.locations, serviceKinds: signature.serviceKinds, outgoingLocations: signature.outgoingLocations)
        let id = shapeIDs[shape] ?? shapeIDs.count
        shapeIDs[shape] = id
        shapes[key] = id
        return id
    }

    /// The route words of a call (every landing's route, else the first failure's), per route.
    func routeText(_ call: CallRef) -> String {
        let key = simulation.routeKey(of: call)
        if let known = routes[key] { return known }
        let text = CallFacts.routeText(simulation.outcome(of: call), plan: simulation.plan)
        routes[key] = text
        return text
    }
}
