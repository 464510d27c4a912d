/// Prints a `CheckReport`.
public enum CheckFormatter {
    /// The text report: a header, one diagnostic per group of calls (worst first), the findings, a summary line.
    /// `strict`: warnings fail too (as `check --strict` exits).
    public static func text<Out: TextOutputStream>(_ report: CheckReport, style: TextStyle, strict: Bool = false, to out: inout Out) {
        out.write(style.bold("dialplan check \(report.plan.name)") + ": \(sizes(report))\n\n")
        for group in report.groups {
            out.write(style.diagnostic(group.diagnostic))
            out.write("\n")
        }
        for finding in report.findings {
            out.write(style.diagnostic(finding))
        }
        if !report.findings.isEmpty { out.write("\n") }
        out.write(summary(report, style: style, strict: strict) + "\n")
    }

    /// The plan's sizes as the header words them: "7 sites, 25 services (73 aliases + 3 probes), 10 nodes in 5
    /// locations, 3 call-control clusters".
    public static func sizes(_ report: CheckReport) -> String {
        let plan = report.plan
        let probes = plan.probes.count
        return "\(plan.sites.count) sites, \(plan.services.count) services (\(report.aliasCount) aliases\(probes > 0 ? " + \(probes) probes" : "")), \(plan.nodes.count) nodes in \(plan.locations.count) locations, \(plan.clusters.count) call-control clusters"
    }

    /// The verdicts the summary line counts, in its order: the network's two only when the plan has a network or a
    /// call has them.
    public static func summaryVerdicts(_ report: CheckReport) -> [Verdict] {
        [.local, .remote, .ambiguous, .rejected, .loop, .unrouted, .error]
            + [Verdict.meshBroken, .blocked].filter { (report.counts[$0] ?? 0) > 0 || report.simulation.network != nil }
    }

    /// The findings' counts as the summary line words them: "1 error, 2 warnings".
    public static func findingCounts(_ report: CheckReport) -> String {
        let errors = report.errorCount
        let warnings = report.warningCount
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// "988 calls: 300 local, 304 remote, …; 2 warnings".
    public static func summary(_ report: CheckReport, style: TextStyle, strict: Bool = false) -> String {
        let ordered = summaryVerdicts(report).map { verdict -> String in
            let count = report.counts[verdict] ?? 0
            return count == 0 ? "0 \(verdict.rawValue)" : "\(count) \(style.verdict(verdict))"
        }
        var line = style.bold("\(report.callCount) calls") + ": " + ordered.joined(separator: ", ")
        line += "; " + findingCounts(report)
        if report.baseline != nil {
            let accepted = report.acceptedCount
            line += "; \(accepted) accepted by the baseline, \(report.allDiagnostics.count - accepted) new"
        }
        line += report.passes(strict: strict) ? " — " + style.green("PASS") : " — " + style.red("FAIL")
        return line
    }

    /// The JSON report: summary, findings, and every non-local call under its group.
    public static func json<Out: TextOutputStream>(_ report: CheckReport, strict: Bool = false, to out: inout Out) {
        var json = JSONWriter()
        json.beginObject()
        json.field("plan", report.plan.name)
        json.field("pass", report.passes(strict: strict))
        json.key("summary")
        json.beginObject()
        json.field("calls", report.callCount)
        for verdict in [Verdict.local, .remote, .ambiguous, .rejected, .loop, .unrouted, .error, .meshBroken, .blocked] {
            json.field(verdict.rawValue, report.counts[verdict] ?? 0)
        }
        json.endObject()
        json.key("findings")
        json.beginArray()
        for finding in report.findings { writeDiagnostic(finding, to: &json) }
        json.endArray()
        json.key("groups")
        json.beginArray()
        for group in report.groups {
            json.beginObject()
            json.field("verdict", group.verdict.rawValue)
            json.field("count", group.calls.count)
            json.key("diagnostic")
            writeDiagnostic(group.diagnostic, to: &json)
            json.key("calls")
            json.beginArray()
            for call in group.calls {
                CallFacts(report.simulation, call).writeJSON(&json)
                if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        out.write(json.flush() + "\n")
    }

    static func writeDiagnostic(_ diagnostic: Diagnostic, to json: inout JSONWriter) {
        json.beginObject()
        json.field("severity", diagnostic.severity.rawValue)
        json.field("check", diagnostic.check?.rawValue)
        json.field("message", diagnostic.message)
        json.key("location")
        if let location = diagnostic.location {
            json.beginObject()
            json.field("file", location.file)
            json.field("line", location.line)
            json.field("column", location.column)
            json.endObject()
        } else {
            json.string(nil)
        }
        json.field("notes", strings: diagnostic.notes)
        if let witness = diagnostic.witness { json.field("witness", witness) }
        json.endObject()
    }
}
