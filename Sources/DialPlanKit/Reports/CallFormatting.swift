import Foundation

/// The facts of one call, in the shape every output format uses: `site`, `alias`, `protocol`, `verdict`,
/// `landings` [{node, location}], `mediaLocation`, `finalAlias`, `service` {kind, name}.
public struct CallFacts: Sendable {
    public var site: String
    public var alias: String
    public var callProtocol: CallProtocol
    public var verdict: Verdict
    public var landings: [(node: String, location: String)]
    /// The media location when there is one; nil when the call lands nowhere or media may go to several.
    public var mediaLocation: String?
    public var mediaLocations: [String]
    public var finalAlias: String?
    /// The nodes the call was offered to on Pexip: where it landed, or, when Pexip rejected it, the nodes that did.
    public var reached: [(node: String, location: String)]
    public var service: (kind: String, name: String)?
    /// The call-control route of every landing (distinct routes joined by " | "), else of the first failure.
    public var route: String

    public init(plan: DialPlan, site: Int, alias: String, protocol callProtocol: CallProtocol, verdict: Verdict, outcome: CallOutcome) {
        self.site = plan.sites[site].name
        self.alias = alias
        self.callProtocol = callProtocol
        self.verdict = verdict
        landings = outcome.landings.map { (plan.nodes[$0.node].name, plan.locations[plan.nodes[$0.node].location].name) }
        mediaLocations = outcome.mediaLocations.map { plan.locations[$0].name }
        mediaLocation = mediaLocations.count == 1 ? mediaLocations[0] : nil
        finalAlias = outcome.finalAlias
        if outcome.landings.isEmpty, let rejection = outcome.failures.first(where: { $0.kind == .rejected }) {
            reached = rejection.nodes.map { (plan.nodes[$0].name, plan.locations[plan.nodes[$0].location].name) }
        } else {
            reached = landings
        }
        service = outcome.landings.first.flatMap { plan.serviceInfo($0.decision) }
        route = CallFacts.routeText(outcome, plan: plan)
    }

    public init(_ simulation: Simulation, _ call: CallRef) {
        self.init(
            plan: simulation.plan, site: call.site, alias: simulation.aliases[call.alias].alias, protocol: call.callProtocol,
            verdict: simulation.verdict(site: call.site, cell: call.cell), outcome: simulation.outcome(cell: call.cell))
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
        if let service {
            json.beginObject()
            json.field("kind", service.kind)
            json.field("name", service.name)
            json.endObject()
        } else {
            json.string(nil)
        }
        json.field("route", route)
        extra(&json)
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

    /// The CSV header matching `csvRow`.
    public static let csvHeader = "site,alias,protocol,verdict,nodes,locations,media_location,final_alias,service_kind,service_name,route"

    /// One RFC 4180 row.
    public var csvRow: String {
        [
            // Lists inside a cell are joined by ";" (names may contain spaces), each sorted.
            site, alias, callProtocol.rawValue, verdict.rawValue, landings.map(\.node).sorted().joined(separator: ";"),
            Array(Set(landings.map(\.location))).sorted().joined(separator: ";"), mediaLocations.sorted().joined(separator: ";"),
            finalAlias ?? "", service?.kind ?? "", service?.name ?? "", route,
        ].map(CallFacts.csvField).joined(separator: ",")
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
