/// Prints a `CallTrace`.
public enum TraceFormatter {
    /// Indented steps, one a line, then the verdict.
    public static func text<Out: TextOutputStream>(_ trace: CallTrace, style: TextStyle, to out: inout Out) {
        for step in trace.steps {
            let indent = String(repeating: "  ", count: step.depth)
            let label: String
            switch step.status {
            case .matched, .accepted, .found: label = style.green(step.status.rawValue)
            case .notMatched, .skipped, .disabled, .info: label = style.dim(step.status.rawValue)
            case .notFound, .stopped, .shadowed, .rejected: label = style.yellow(step.status.rawValue)
            case .limit, .loop: label = style.red(step.status.rawValue)
            }
            var line = indent + style.bold(step.kind.rawValue) + (step.status == .info ? "" : " " + label)
            if let name = step.name, step.kind != .verdict { line += " " + style.cyan(name) }
            if let priority = step.priority { line += style.dim(" (priority \(priority))") }
            line += ": " + step.detail
            if step.kind == .verdict { line = indent + style.bold("verdict") + " " + style.verdict(trace.verdict) + ": " + step.detail }
            out.write(line + "\n")
        }
    }

    /// The call's facts plus `steps`.
    public static func json<Out: TextOutputStream>(_ trace: CallTrace, plan: DialPlan, to out: inout Out) {
        var text = object(trace, plan: plan)
        text += "\n"
        out.write(text)
    }

    /// Several traces (one per protocol) as one JSON array.
    public static func json<Out: TextOutputStream>(_ traces: [CallTrace], plan: DialPlan, to out: inout Out) {
        out.write("[" + traces.map { object($0, plan: plan) }.joined(separator: ",") + "]\n")
    }

    private static func object(_ trace: CallTrace, plan: DialPlan) -> String {
        var json = JSONWriter()
        let facts = CallFacts(plan: plan, site: trace.site, alias: trace.alias, protocol: trace.callProtocol, verdict: trace.verdict, outcome: trace.outcome)
        facts.writeJSON(&json) { json in
            json.key("steps")
            json.beginArray()
            for step in trace.steps {
                json.beginObject()
                json.field("depth", step.depth)
                json.field("kind", step.kind.rawValue)
                json.field("status", step.status.rawValue)
                json.field("name", step.name)
                json.field("cluster", step.cluster)
                json.field("priority", step.priority)
                json.field("alias", step.alias)
                json.field("rewrittenAlias", step.rewrittenAlias)
                json.field("detail", step.detail)
                json.field("source", step.source?.description)
                json.endObject()
            }
            json.endArray()
        }
        return json.flush()
    }
}
