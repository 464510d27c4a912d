/// Prints every simulated call, one row each.
public enum MatrixFormatter {
    /// Aligned columns: site, alias, protocol, verdict, landing nodes (locations), final alias, service.
    public static func text<Out: TextOutputStream>(_ simulation: Simulation, style: TextStyle, to out: inout Out) {
        let plan = simulation.plan
        let siteWidth = max(4, plan.sites.map(\.name.count).max() ?? 0)
        let aliasWidth = max(5, simulation.aliases.map(\.alias.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        out.write(style.bold(pad("SITE", siteWidth) + "  " + pad("ALIAS", aliasWidth) + "  PROTO  " + pad("VERDICT", 11) + "  LANDS ON") + "\n")
        var buffer = ""
        simulation.forEachCall { call in
            let facts = CallFacts(plan: plan, site: call.site, alias: simulation.aliases[call.alias].alias, protocol: call.callProtocol, verdict: call.verdict, outcome: call.outcome)
            var landing = facts.landings.map { "\($0.node) (\($0.location))" }.joined(separator: ", ")
            if landing.isEmpty { landing = "—" }
            if let service = facts.service { landing += " → \(service.kind) '\(service.name)'" }
            if let final = facts.finalAlias, final != facts.alias { landing += " as \(final)" }
            buffer += pad(facts.site, siteWidth) + "  " + pad(facts.alias, aliasWidth) + "  " + pad(facts.callProtocol.rawValue, 5) + "  "
                + style.verdict(facts.verdict) + String(repeating: " ", count: max(0, 11 - facts.verdict.rawValue.count)) + "  " + landing + "\n"
            if buffer.utf8.count > 1 << 16 { out.write(buffer); buffer = "" }
        }
        out.write(buffer)
    }

    /// RFC 4180 CSV with a header row.
    public static func csv<Out: TextOutputStream>(_ simulation: Simulation, to out: inout Out) {
        let plan = simulation.plan
        out.write(CallFacts.csvHeader + "\n")
        var buffer = ""
        simulation.forEachCall { call in
            buffer += CallFacts(plan: plan, site: call.site, alias: simulation.aliases[call.alias].alias, protocol: call.callProtocol, verdict: call.verdict, outcome: call.outcome).csvRow + "\n"
            if buffer.utf8.count > 1 << 16 { out.write(buffer); buffer = "" }
        }
        out.write(buffer)
    }

    /// A JSON array of call objects.
    public static func json<Out: TextOutputStream>(_ simulation: Simulation, to out: inout Out) {
        let plan = simulation.plan
        var json = JSONWriter()
        json.beginArray()
        simulation.forEachCall { call in
            CallFacts(plan: plan, site: call.site, alias: simulation.aliases[call.alias].alias, protocol: call.callProtocol, verdict: call.verdict, outcome: call.outcome).writeJSON(&json)
            if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
        }
        json.endArray()
        out.write(json.flush() + "\n")
    }
}
