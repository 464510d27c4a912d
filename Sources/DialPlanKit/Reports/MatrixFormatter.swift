/// Prints every simulated call, one row each.
public enum MatrixFormatter {
    /// Aligned columns: site, alias, protocol, verdict, landing nodes (locations), service, outgoing call, final
    /// alias.
    public static func text<Out: TextOutputStream>(_ simulation: Simulation, style: TextStyle, to out: inout Out) {
        let plan = simulation.plan
        let siteWidth = max(4, plan.sites.map(\.name.count).max() ?? 0)
        let aliasWidth = max(5, simulation.aliases.map(\.alias.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        out.write(style.bold(pad("SITE", siteWidth) + "  " + pad("ALIAS", aliasWidth) + "  PROTO  " + pad("VERDICT", 11) + "  LANDS ON") + "\n")
        var buffer = ""
        simulation.forEachCall { call in
            let facts = CallFacts(simulation, call)
            var landing = facts.landings.map { "\($0.node) (\($0.location))" }.joined(separator: ", ")
            if landing.isEmpty { landing = "—" }
            if let service = facts.serviceText { landing += " → \(service)" }
            if let final = facts.finalAlias, final != facts.alias { landing += " as \(final)" }
            if let outgoing = facts.outgoingText { landing += "; \(outgoing)" }
            buffer += pad(facts.site, siteWidth) + "  " + pad(facts.alias, aliasWidth) + "  " + pad(facts.callProtocol.rawValue, 5) + "  "
                + style.verdict(facts.verdict) + String(repeating: " ", count: max(0, 11 - facts.verdict.rawValue.count)) + "  " + landing + "\n"
            if buffer.utf8.count > 1 << 16 { out.write(buffer); buffer = "" }
        }
        out.write(buffer)
    }

    /// RFC 4180 CSV with a header row.
    public static func csv<Out: TextOutputStream>(_ simulation: Simulation, to out: inout Out) {
        out.write(CallFacts.csvHeader + "\n")
        var buffer = ""
        simulation.forEachCall { call in
            buffer += CallFacts(simulation, call).csvRow + "\n"
            if buffer.utf8.count > 1 << 16 { out.write(buffer); buffer = "" }
        }
        out.write(buffer)
    }

    /// A JSON array of call objects.
    public static func json<Out: TextOutputStream>(_ simulation: Simulation, to out: inout Out) {
        var json = JSONWriter()
        json.beginArray()
        simulation.forEachCall { call in
            CallFacts(simulation, call).writeJSON(&json)
            if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
        }
        json.endArray()
        out.write(json.flush() + "\n")
    }
}
