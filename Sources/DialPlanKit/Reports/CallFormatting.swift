import Foundation

/// The facts of one call, in the shape every output format uses (matrix, check, trace, test, diff): `site`,
/// `alias`, `protocol`, `verdict`, `landings` [{node, location}] (each node once), `mediaLocation`, `finalAlias`,
/// `services` (every service the landings reach) and `service` (that service when they agree), `outgoing` (the call
/// a Call Routing Rule places), `route`.
public struct CallFacts: Sendable {
    /// An outgoing call in names.
    public struct Outgoing: Sendable, Hashable {
        public var alias: String
        public var callProtocol: String
        public var location: String
        /// Whether the location was chosen automatically (the media location of the incoming call).
        public var isAutomaticLocation: Bool
        public var calledDeviceType: String
    }

    public var site: String
    public var alias: String
    public var callProtocol: CallProtocol
    public var verdict: Verdict
    /// Each landing node once, in search order.
    public var landings: [(node: String, location: String)]
    /// The media location when there is one; nil when the call lands nowhere or media may go to several.
    public var mediaLocation: String?
    public var mediaLocations: [String]
    /// The alias as Pexip received it.
    public var finalAlias: String?
    /// The nodes the call was offered to on Pexip: where it landed, or, when Pexip rejected it, the nodes that did.
    public var reached: [(node: String, location: String)]
    /// Every distinct service or Call Routing Rule the landings reach, in search order.
    public var services: [(kind: String, name: String)]
    /// The service when all landings agree; nil when they do not (or nothing took the call).
    public var service: (kind: String, name: String)?
    /// Every distinct outgoing call the landings place, and the one when they agree.
    public var outgoingCalls: [Outgoing]
    public var outgoing: Outgoing?
    /// The call-control route of every landing (distinct routes joined by " | "), else of the first failure.
    public var route: String
    /// The clusters that interworked the call (H.323 ↔ SIP) on the way to its landings, each once.
    public var interworkedAt: [String]

    public init(plan: DialPlan, site: SiteID, alias: String, protocol callProtocol: CallProtocol, verdict: Verdict, outcome: CallOutcome) {
        self.site = plan.sites[site].name
        self.alias = alias
        self.callProtocol = callProtocol
        self.verdict = verdict
        func named(_ node: NodeID) -> (node: String, location: String) { (plan.nodes[node].name, plan.locations[plan.nodes[node].location].name) }
        landings = outcome.nodes.map(named)
        mediaLocations = plan.mediaLocations(of: outcome).map { plan.locations[$0].name }
        mediaLocation = mediaLocations.count == 1 ? mediaLocations[0] : nil
        finalAlias = outcome.finalAlias
        if outcome.landings.isEmpty, let rejection = outcome.failures.first(where: { $0.kind == .rejected }) {
            reached = rejection.nodes.map(named)
        } else {
            reached = landings
        }
        services = outcome.services.map(plan.serviceInfo)
        service = outcome.service.map(plan.serviceInfo)
        func facts(_ call: OutgoingCall) -> Outgoing {
            Outgoing(alias: call.alias, callProtocol: call.callProtocol, location: plan.locations[call.location].name, isAutomaticLocation: call.isAutomaticLocation, calledDeviceType: call.calledDeviceType)
        }
        outgoingCalls = outcome.outgoingCalls.map(facts)
        outgoing = outcome.outgoing.map(facts)
        route = CallFacts.routeText(outcome, plan: plan)
        var interworked: [String] = []
        for landing in outcome.landings {
            if let cluster = landing.interworkedAt, !interworked.contains(plan.clusters[cluster].name) { interworked.append(plan.clusters[cluster].name) }
        }
        interworkedAt = interworked
    }

    /// The facts of `call` in `simulation`.
    public init(_ simulation: Simulation, _ call: CallRef) {
        self.init(
            plan: simulation.plan, site: call.site, alias: simulation.aliases[call.alias.index].alias, protocol: call.callProtocol,
            verdict: simulation.verdict(of: call), outcome: simulation.outcome(of: call))
    }

    /// The facts of a traced call (the same as the simulation's row for it).
    public init(_ trace: CallTrace, plan: DialPlan) {
        self.init(plan: plan, site: trace.site, alias: trace.alias, protocol: trace.callProtocol, verdict: trace.verdict, outcome: trace.outcome)
    }

    /// Writes the call as a JSON object; `extra` adds fields before it closes.
    public func writeJSON(_ json: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        json.beginObject()
        json.field("site", site)
        json.field("alias", alias)
        json.field("protocol", callProtocol.rawValue)
        json.field("verdict", verdict.rawValue)
        json.key("landings")
        json.beginArray()
        for landing in landings {
            json.beginObject()
            json.field("node", landing.node)
            json.field("location", landing.location)
            json.endObject()
        }
        json.endArray()
        json.field("mediaLocation", mediaLocation)
        json.field("mediaLocations", strings: mediaLocations)
        json.field("finalAlias", finalAlias)
        json.key("service")
        CallFacts.writeService(service, to: &json)
        json.key("services")
        json.beginArray()
        for service in services { CallFacts.writeService(service, to: &json) }
        json.endArray()
        json.key("outgoing")
        CallFacts.writeOutgoing(outgoing, to: &json)
        json.key("outgoingCalls")
        json.beginArray()
        for call in outgoingCalls { CallFacts.writeOutgoing(call, to: &json) }
        json.endArray()
        json.field("route", route)
        json.field("interworkedAt", interworkedAt.isEmpty ? nil : interworkedAt.joined(separator: ", "))
        extra(&json)
        json.endObject()
    }

    private static func writeService(_ service: (kind: String, name: String)?, to json: inout JSONWriter) {
        guard let service else { return json.string(nil) }
        json.beginObject()
        json.field("kind", service.kind)
        json.field("name", service.name)
        json.endObject()
    }

    private static func writeOutgoing(_ call: Outgoing?, to json: inout JSONWriter) {
        guard let call else { return json.string(nil) }
        json.beginObject()
        json.field("alias", call.alias)
        json.field("protocol", call.callProtocol)
        json.field("location", call.location)
        json.field("automaticLocation", call.isAutomaticLocation)
        json.field("calledDeviceType", call.calledDeviceType)
        json.endObject()
    }

    /// Every landing's route (distinct ones joined by " | "), else the first failure's.
    static func routeText(_ outcome: CallOutcome, plan: DialPlan) -> String {
        guard !outcome.landings.isEmpty else { return outcome.failures.first.map { plan.describe(route: $0.route) } ?? "" }
        var routes: [String] = []
        for landing in outcome.landings {
            let text = plan.describe(route: landing.route)
            if !routes.contains(text) { routes.append(text) }
        }
        return routes.joined(separator: " | ")
    }

    /// The services in a few words: "conference 'Alice'", or "one of conference 'A', gateway_rule 'B'".
    public var serviceText: String? {
        if let service { return "\(service.kind) '\(service.name)'" }
        guard !services.isEmpty else { return nil }
        return "one of " + services.map { "\($0.kind) '\($0.name)'" }.joined(separator: ", ")
    }

    /// The outgoing call in a few words: "dials '+4722…@pstn' (sip) from Oslo".
    public var outgoingText: String? {
        let calls = outgoing.map { [$0] } ?? outgoingCalls
        guard !calls.isEmpty else { return nil }
        return calls.map { "dials '\($0.alias)' (\($0.callProtocol)) from \($0.location)" }.joined(separator: " or ")
    }

    /// The CSV header matching `csvRow`.
    public static let csvHeader = "site,alias,protocol,verdict,nodes,locations,media_location,final_alias,service_kind,service_name,services,outgoing_alias,outgoing_protocol,outgoing_location,called_device_type,route,interworked_at"

    /// One RFC 4180 row.
    public var csvRow: String {
        // Lists inside a cell are joined by ";" (names may contain spaces), each sorted.
        func list(_ values: [String]) -> String { Array(Set(values)).sorted().joined(separator: ";") }
        return [
            site, alias, callProtocol.rawValue, verdict.rawValue, list(landings.map(\.node)), list(landings.map(\.location)),
            list(mediaLocations), finalAlias ?? "", service?.kind ?? "", service?.name ?? "",
            services.map { "\($0.kind):\($0.name)" }.joined(separator: ";"),
            list(outgoingCalls.map(\.alias)), list(outgoingCalls.map(\.callProtocol)), list(outgoingCalls.map(\.location)),
            list(outgoingCalls.map(\.calledDeviceType)), route, list(interworkedAt),
        ].map(CallFacts.csvField).joined(separator: ",")
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Simulation {
    /// The alias a call dialled and, when something rewrote it, what Pexip received or where the search failed:
    /// "1001 → 1001@vc.acme.example". How reports name an example call.
    public func aliasText(_ call: CallRef) -> String {
        let outcome = outcome(of: call)
        let dialled = aliases[call.alias.index].alias
        guard let final = outcome.finalAlias ?? outcome.failures.first?.alias, final != dialled else { return dialled }
        return "\(dialled) → \(final)"
    }
}
