import Foundation

/// Writes an `HTMLReport` as one self-contained HTML page: inline CSS, a few lines of inline JavaScript, inline
/// SVG; no external resource of any kind (a Content-Security-Policy says so to the browser too). Semantic headings
/// and tables; every colour comes with a symbol or a word; a print stylesheet drops the interactive parts.
public enum HTMLReportRenderer {
    /// The page.
    public static func render(_ report: HTMLReport) -> String {
        var page = Page()
        page.head(report)
        page.summary(report)
        page.matrix(report)
        if let change = report.change { page.change(change, limits: report.limits) }
        page.findings(report)
        page.mesh(report.mesh, groups: report.groups, limits: report.limits)
        page.coverage(report.coverage)
        page.foot(report)
        return page.text
    }

    /// How each verdict is shown: a symbol beside the colour, so that colour is never the only signal.
    static func symbol(_ verdict: Verdict) -> String {
        switch verdict {
        case .local: "✓"
        case .remote: "✗"
        case .ambiguous: "≈"
        case .meshBroken: "⚠"
        case .blocked: "⊗"
        case .rejected: "⊘"
        case .loop: "↻"
        case .unrouted: "∅"
        case .error: "!"
        }
    }

    static func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
}

/// The page as it is written.
private struct Page {
    var text = ""

    mutating func add(_ html: String) { text += html }

    func e(_ text: String) -> String { HTML.escape(text) }

    func verdictChip(_ verdict: Verdict, _ count: Int? = nil) -> String {
        let label = count.map { "\($0) \(verdict.rawValue)" } ?? verdict.rawValue
        return "<span class=\"chip v-\(verdict.rawValue)\"><span class=\"sym\" aria-hidden=\"true\">\(HTMLReportRenderer.symbol(verdict))</span> \(e(label))</span>"
    }

    func location(_ source: SourceLocation?) -> String {
        guard let source else { return "" }
        return "<code class=\"where\">\(e(source.description))</code>"
    }

    // MARK: Head

    mutating func head(_ report: HTMLReport) {
        let summary = report.summary
        add("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="dialplan report">
            <title>dialplan report: \(e(summary.plan))</title>
            <style>
            \(Page.css)
            </style>
            </head>
            <body>
            <header class="top">
            <h1>Dial-plan report: <span class="plan">\(e(summary.plan))</span></h1>
            <p class="verdict \(summary.passes ? "pass" : "fail")" data-verdict="\(summary.passes ? "pass" : "fail")"><span aria-hidden="true">\(summary.passes ? "✓" : "✗")</span> \(summary.passes ? "PASS" : "FAIL")</p>
            <p class="made">made \(e(Page.timestamp(summary.generated))) by <code>dialplan report</code>\(report.change.map { " · compared with <span class=\"plan\">\(e($0.oldPlan))</span>" } ?? "")</p>
            <nav aria-label="Sections"><ul>
            <li><a href="#summary">Summary</a></li><li><a href="#matrix">Where calls land</a></li>\(report.change == nil ? "" : "<li><a href=\"#change\">What the change moves</a></li>")<li><a href="#findings">Findings</a></li><li><a href="#mesh">IPsec mesh</a></li><li><a href="#coverage">Coverage</a></li>
            </ul></nav>
            </header>
            <main>

            """)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }

    // MARK: Summary

    mutating func summary(_ report: HTMLReport) {
        let summary = report.summary
        let shown = summary.verdicts
        add("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n")
        add("<p class=\"sizes\">\(e(summary.sizes))</p>\n")
        add("<table class=\"counts\" id=\"verdict-counts\"><caption>\(e("\(summary.calls) simulated calls by verdict; \(summary.findingCounts) in the plan's findings"))</caption>\n<tr>")
        for verdict in shown { add("<th scope=\"col\">\(verdictChip(verdict))</th>") }
        add("<th scope=\"col\">errors</th><th scope=\"col\">warnings</th></tr>\n<tr>")
        for verdict in shown {
            let count = summary.counts[verdict] ?? 0
            add("<td class=\"num\(count > 0 && verdict != .local ? " bad" : "")\" data-verdict=\"\(verdict.rawValue)\">\(count)</td>")
        }
        add("<td class=\"num\" data-count=\"errors\">\(summary.errors)</td><td class=\"num\" data-count=\"warnings\">\(summary.warnings)</td></tr>\n</table>\n")
        add("<p class=\"check-line\"><code>dialplan check</code>: \(e(summary.checkSummary))</p>\n</section>\n\n")
    }

    // MARK: Matrix

    mutating func matrix(_ report: HTMLReport) {
        let matrix = report.matrix
        let locationColumns = matrix.columns.filter { if case .location = $0 { true } else { false } }.count
        let nowhereColumns = matrix.columns.count - locationColumns
        add("""
            <section id="matrix" aria-labelledby="matrix-h">
            <h2 id="matrix-h">Where each site's calls land</h2>
            <p class="legend">Rows are sites, columns the locations where their calls land (signalling or media; a call that may land in several locations counts in each), then the calls that land nowhere. Sites with the worst verdicts come first. Each cell is coloured by its worst verdict and shows the symbol of every verdict among its calls, worst first, and the number of calls: \(Verdict.allCases.sorted().map { verdictChip($0) }.joined(separator: " ")). <span class="home-key">⌂</span> marks the site's local locations. Select a cell to list its calls grouped by route.</p>
            <div class="matrix-layout">
            <div class="heat-wrap">
            <table class="heat" id="heat">
            <caption>Calls by site and landing location</caption>
            <thead>
            <tr><th scope="col" rowspan="2">Site (local locations)</th><th scope="col" rowspan="2" class="num">Calls</th><th scope="colgroup" colspan="\(locationColumns)">Lands in</th><th scope="colgroup" colspan="\(nowhereColumns)">Lands nowhere</th></tr>
            <tr>
            """)
        for (index, column) in matrix.columns.enumerated() {
            switch column {
            case .location: add("<th scope=\"col\" class=\"loc\">\(e(matrix.columnNames[index]))</th>")
            case .nowhere(let verdict): add("<th scope=\"col\" class=\"nowhere\"><span aria-hidden=\"true\">\(HTMLReportRenderer.symbol(verdict))</span> \(e(verdict.rawValue))</th>")
            }
        }
        add("</tr>\n</thead>\n<tbody>\n")
        // The cell shown first: the one with the most calls that are not local (the worse verdict on a tie).
        var first: (row: Int, column: Int)?
        var best: (Int, Verdict)?
        for (rowIndex, row) in matrix.rows.enumerated() {
            for cell in row.cells where cell.worst != .local {
                let key = (-cell.counts.filter { $0.verdict != .local }.reduce(0) { $0 + $1.calls }, cell.worst)
                if best == nil || key < best! { best = key; first = (rowIndex, cell.column) }
            }
        }
        var panels = ""
        for (rowIndex, row) in matrix.rows.enumerated() {
            let cells = Dictionary(uniqueKeysWithValues: row.cells.map { ($0.column, $0) })
            let rowMax = row.cells.map(\.calls).max() ?? 1
            add("<tr><th scope=\"row\">\(e(row.site)) <span class=\"local\">(\(e(row.localLocations.joined(separator: ", "))))</span></th><td class=\"num\">\(row.calls)</td>")
            for column in matrix.columns.indices {
                let home = row.localColumns.contains(column)
                guard let cell = cells[column] else {
                    add("<td class=\"empty\(home ? " home" : "")\">\(home ? "<span class=\"home-mark\" title=\"local location, no calls land here\">⌂</span><span class=\"sr\"> local location, no calls</span>" : "")</td>")
                    continue
                }
                let id = "cell-\(rowIndex)-\(column)"
                let breakdown = cell.counts.map { "\($0.calls) \($0.verdict.rawValue)" }.joined(separator: ", ")
                let label = "\(row.site) → \(matrix.columnNames[column]): \(HTMLReportRenderer.plural(cell.calls, "call")) (\(breakdown))\(home ? "; a local location of the site" : "")"
                let heat = 0.35 + 0.65 * Double(cell.calls) / Double(max(rowMax, 1))
                let symbols = cell.counts.map { HTMLReportRenderer.symbol($0.verdict) }.joined()
                let selected = first.map { $0.row == rowIndex && $0.column == column } ?? false
                add("<td class=\"cell v-\(cell.worst.rawValue)\(home ? " home" : "")\" style=\"--heat:\(String(format: "%.2f", heat))\" data-calls=\"\(cell.calls)\" data-verdict=\"\(cell.worst.rawValue)\">")
                add("<button type=\"button\" data-cell=\"\(id)\" aria-controls=\"\(id)\" aria-pressed=\"\(selected)\" title=\"\(e(label))\" aria-label=\"\(e(label))\">\(home ? "<span class=\"home-mark\" aria-hidden=\"true\">⌂</span>" : "")<span class=\"sym\" aria-hidden=\"true\">\(symbols)</span> \(cell.calls)</button></td>")
                panels += panel(id: id, title: "\(row.site) → \(matrix.columnNames[column])", cell: cell, home: home, hidden: !selected, more: cell.routeCount)
            }
            add("</tr>\n")
        }
        add("</tbody>\n<tfoot><tr><th scope=\"row\">All sites</th><td class=\"num\">\(matrix.rows.reduce(0) { $0 + $1.calls })</td>")
        for total in matrix.columnTotals { add("<td class=\"num\">\(total)</td>") }
        add("</tr></tfoot>\n</table>\n</div>\n")
        add("<aside id=\"cell-details\" aria-live=\"polite\" aria-label=\"Calls of the selected cell\">\n")
        if first == nil { add("<p class=\"hint\" id=\"cell-hint\">Every call lands locally. Select a cell to list its calls by route.</p>\n") }
        add(panels)
        add("</aside>\n</div>\n</section>\n\n")
    }

    func panel(id: String, title: String, cell: HTMLReport.Matrix.Cell, home: Bool, hidden: Bool, more: Int) -> String {
        var html = "<div class=\"cell-panel\" id=\"\(id)\"\(hidden ? " hidden" : "")>\n<h3>\(e(title)): \(HTMLReportRenderer.plural(cell.calls, "call"))</h3>\n"
        html += "<p>\(cell.counts.map { verdictChip($0.verdict, $0.calls) }.joined(separator: " "))\(home ? " <span class=\"home-key\">⌂ local location</span>" : "")</p>\n<ol class=\"routes\">\n"
        for route in cell.routes {
            html += "<li><p>\(route.counts.map { verdictChip($0.verdict, $0.calls) }.joined(separator: " ")) by route</p>"
            html += "<p class=\"route\">\(route.text.isEmpty ? "(no call control)" : e(route.text))</p>"
            html += "<p class=\"examples\">e.g. \(route.examples.map { "<code>\(e($0))</code>" }.joined(separator: ", "))\(route.calls > route.examples.count ? ", …" : "")</p></li>\n"
        }
        html += "</ol>\n"
        if more > cell.routes.count { html += "<p class=\"more\">and \(HTMLReportRenderer.plural(more - cell.routes.count, "more route"))</p>\n" }
        return html + "</div>\n"
    }

    // MARK: Change

    mutating func change(_ diff: PlanDiff, limits: HTMLReport.Limits) {
        add("<section id=\"change\" aria-labelledby=\"change-h\">\n<h2 id=\"change-h\">What the change moves</h2>\n")
        add("<p>From <span class=\"plan\">\(e(diff.oldPlan))</span> to <span class=\"plan\">\(e(diff.newPlan))</span>, as <code>dialplan diff</code> groups it: <strong data-count=\"compared\">\(diff.compared)</strong> calls compared, <strong data-count=\"changed\">\(diff.changedCount)</strong> changed in \(HTMLReportRenderer.plural(diff.groups.count, "group")).</p>\n")
        guard !diff.groups.isEmpty else {
            add("<p class=\"ok\"><span aria-hidden=\"true\">✓</span> No call changed.</p>\n</section>\n\n")
            return
        }
        let shown = Array(diff.groups.prefix(limits.changeGroups))
        add("<table class=\"change-counts\"><caption>Changed calls by what changed, the largest group first</caption>\n<thead><tr><th scope=\"col\">Calls</th><th scope=\"col\">Sites</th><th scope=\"col\">What changed</th></tr></thead>\n<tbody>\n")
        var sitesOf: [[(site: String, calls: Int, aliases: [String], aliasCount: Int)]] = []
        for (index, group) in shown.enumerated() {
            let sites = group.sites(examples: limits.changeExamples)
            sitesOf.append(sites)
            add("<tr><td class=\"num\">\(group.changes.count)</td><td class=\"num\">\(sites.count)</td><td><a href=\"#change-\(index + 1)\">\(e(group.title))</a></td></tr>\n")
        }
        add("</tbody>\n</table>\n")
        if diff.groups.count > shown.count { add("<p class=\"more\">and \(HTMLReportRenderer.plural(diff.groups.count - shown.count, "more group")) (<code>dialplan diff --format json</code> lists every call)</p>\n") }
        for (index, group) in shown.enumerated() {
            let sites = sitesOf[index]
            add("<article class=\"change-group\" id=\"change-\(index + 1)\">\n<h3>\(e("\(HTMLReportRenderer.plural(group.changes.count, "call")) from \(sites.count == 1 ? sites[0].site : "\(sites.count) sites"): \(group.title)"))</h3>\n<dl class=\"routes\">")
            if let route = group.routeBefore, !route.isEmpty { add("<dt>before</dt><dd class=\"route\">\(e(route))</dd>") }
            if let route = group.routeAfter, !route.isEmpty { add("<dt>after</dt><dd class=\"route\">\(e(route))</dd>") }
            add("</dl>\n<ul class=\"sites\">\n")
            for site in sites.prefix(limits.sitesPerChange) {
                let more = site.aliasCount > site.aliases.count ? ", and \(site.aliasCount - site.aliases.count) more" : ""
                add("<li>\(e(site.site)): \(HTMLReportRenderer.plural(site.calls, "call")), e.g. \(site.aliases.map { "<code>\(e($0))</code>" }.joined(separator: ", "))\(more)</li>\n")
            }
            if sites.count > limits.sitesPerChange { add("<li>… and \(HTMLReportRenderer.plural(sites.count - limits.sitesPerChange, "more site"))</li>\n") }
            add("</ul>\n</article>\n")
        }
        add("</section>\n\n")
    }

    // MARK: Findings

    mutating func findings(_ report: HTMLReport) {
        add("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n")
        add("<p>\(HTMLReportRenderer.plural(report.groups.count, "group")) of calls that are not local (the worst first) and \(HTMLReportRenderer.plural(report.findings.count, "plan finding")), as <code>dialplan check</code> reports them. Each group names the rule, zone or transform responsible at its line, and traces one of its calls.</p>\n")
        if !report.groups.isEmpty {
            add("<table class=\"group-index\"><caption>Groups of calls, the worst first</caption>\n<thead><tr><th scope=\"col\">Verdict</th><th scope=\"col\">Calls</th><th scope=\"col\">Where</th><th scope=\"col\">Cause</th></tr></thead>\n<tbody>\n")
            for (index, group) in report.groups.enumerated() {
                let verdict = group.verdict ?? .error
                add("<tr><td>\(verdictChip(verdict))</td><td class=\"num\">\(group.calls)</td><td>\(location(group.diagnostic.location))</td><td><a href=\"#group-\(index + 1)\">\(e(group.diagnostic.message))</a></td></tr>\n")
            }
            add("</tbody>\n</table>\n")
        }
        for (index, group) in report.groups.enumerated() {
            let diagnostic = group.diagnostic
            let verdict = group.verdict ?? .error
            add("<article class=\"finding group v-\(verdict.rawValue)\" id=\"group-\(index + 1)\" data-check=\"\(e(diagnostic.check?.rawValue ?? ""))\">\n")
            add("<h3>\(verdictChip(verdict, group.calls)) \(e(diagnostic.message))</h3>\n")
            add("<p class=\"meta\"><span class=\"sev \(diagnostic.severity.rawValue)\">\(diagnostic.severity.rawValue)</span> <span class=\"check\">[\(e(diagnostic.check?.rawValue ?? ""))]</span> \(location(diagnostic.location))</p>\n")
            if !diagnostic.notes.isEmpty { add("<ul class=\"notes\">\(diagnostic.notes.map { "<li>\(e($0))</li>" }.joined())</ul>\n") }
            if let trace = group.trace { self.trace(trace, id: "trace-\(index + 1)") }
            add("</article>\n")
        }
        if report.groups.count > report.limits.tracedGroups {
            add("<p class=\"more\">Groups after the first \(report.limits.tracedGroups) are not traced here: <code>dialplan trace</code> explains any call.</p>\n")
        }
        add("<h3 id=\"plan-findings\">Plan findings</h3>\n")
        if report.findings.isEmpty {
            add("<p class=\"ok\"><span aria-hidden=\"true\">✓</span> No plan findings.</p>\n")
        } else {
            add("<table class=\"findings\"><caption>Checks of the plan itself (rule analysis, network, lints), in file order</caption>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Check</th><th scope=\"col\">Where</th><th scope=\"col\">Finding</th></tr></thead>\n<tbody>\n")
            for finding in report.findings {
                let diagnostic = finding.diagnostic
                add("<tr class=\"finding lint\" data-check=\"\(e(diagnostic.check?.rawValue ?? ""))\"><td><span class=\"sev \(diagnostic.severity.rawValue)\"><span aria-hidden=\"true\">\(diagnostic.severity == .error ? "✗" : diagnostic.severity == .warning ? "⚠" : "ℹ")</span> \(diagnostic.severity.rawValue)</span></td><td class=\"check\">\(e(diagnostic.check?.rawValue ?? ""))</td><td>\(location(diagnostic.location))</td><td>\(e(diagnostic.message))")
                if !diagnostic.notes.isEmpty {
                    let limit = report.limits.notesPerFinding
                    let notes = diagnostic.notes.prefix(limit).map { "<li>\(e($0))</li>" }.joined() + (diagnostic.notes.count > limit ? "<li>… and \(diagnostic.notes.count - limit) more</li>" : "")
                    add("<ul class=\"notes\">\(notes)</ul>")
                }
                add("</td></tr>\n")
            }
            add("</tbody>\n</table>\n")
        }
        add("</section>\n\n")
    }

    mutating func trace(_ trace: HTMLReport.TracedCall, id: String) {
        add("<div class=\"trace\">\n<h4>Trace: \(e(trace.site)) dials <code>\(e(trace.alias))</code> over \(trace.callProtocol.rawValue) \(verdictChip(trace.verdict)) <button type=\"button\" class=\"toggle\" data-toggle=\"\(id)\" aria-expanded=\"true\" aria-controls=\"\(id)\">hide steps</button></h4>\n")
        add("<ol class=\"steps\" id=\"\(id)\">\n")
        // The alias where a search starts, where it is rewritten (before → after), and wherever it differs from
        // the one last shown.
        var shown: String?
        for step in trace.steps {
            var line = "<li class=\"step s-\(step.status.rawValue) k-\(step.kind.rawValue)\" style=\"--depth:\(step.depth)\">"
            line += step.status == .info ? "" : "<span class=\"status\">\(step.status.rawValue)</span> "
            line += "<span class=\"kind\">\(step.kind.rawValue)</span>"
            if let name = step.name, step.kind != .verdict { line += " <b>\(e(name))</b>" }
            if let priority = step.priority { line += " <span class=\"priority\">(priority \(priority))</span>" }
            if let alias = step.alias {
                if let rewritten = step.rewrittenAlias, rewritten != alias {
                    line += " <span class=\"alias rewrite\"><code>\(e(alias))</code> <span aria-label=\"rewritten to\">→</span> <code>\(e(rewritten))</code></span>"
                    shown = rewritten
                } else if alias != shown || step.kind == .call || step.kind == .cluster {
                    line += " <span class=\"alias\"><code>\(e(alias))</code></span>"
                    shown = alias
                }
            }
            line += "<span class=\"detail\">\(e(step.detail))</span>"
            if let source = step.source { line += " \(location(source))" }
            add(line + "</li>\n")
        }
        add("</ol>\n</div>\n")
    }

    // MARK: Mesh

    mutating func mesh(_ mesh: HTMLReport.Mesh?, groups: [HTMLReport.Finding], limits: HTMLReport.Limits) {
        add("<section id=\"mesh\" aria-labelledby=\"mesh-h\">\n<h2 id=\"mesh-h\">IPsec mesh</h2>\n")
        guard let mesh else {
            add("<p>The plan has no <code>network:</code> section, so the mesh and the sites' reachability are not checked.</p>\n</section>\n\n")
            return
        }
        let analysis = mesh.analysis
        add("<p class=\"check-line\"><code>dialplan mesh</code>: \(e(MeshFormatter.summary(analysis, style: .plain)))</p>\n")
        add("<div class=\"mesh-layout\">\n<figure>\n\(MeshSVG.svg(mesh, pairsShown: limits.pairsPerCause))\n<figcaption>Nodes grouped by location (✓ every pair of the node works, ✗ some does not). Red dashed lines: pairs whose IPsec is blocked, orange: NAT on the path; arrows point from the node that cannot open the connection; the number is the cause in the list. Green: every pair between the two groups works. Hover a line for its cause and pairs.</figcaption>\n</figure>\n")
        add("<div class=\"causes\">\n<h3>What breaks the mesh</h3>\n")
        if mesh.causes.isEmpty {
            add("<p class=\"ok\"><span aria-hidden=\"true\">✓</span> Every pair of nodes that must talk does (\(PortUsage.meshFlows), no NAT).</p>\n")
        } else {
            add("<ol class=\"causes\">\n")
            for cause in mesh.causes {
                let diagnostic = cause.diagnostic
                // The finding's notes are its pairs (and, past the network's own bound, a line saying how many more).
                let shown = diagnostic.notes.prefix(limits.pairsPerCause)
                let more = shown.last?.hasPrefix("…") != true && cause.pairs.count > shown.count ? "<li class=\"more\">… and \(cause.pairs.count - shown.count) more</li>" : ""
                add("<li class=\"cause \(cause.cause.kind.rawValue)\" data-check=\"\(e(diagnostic.check?.rawValue ?? ""))\"><p><strong>\(e(diagnostic.message))</strong> \(location(diagnostic.location))</p><ul class=\"notes\">\(shown.map { "<li>\(e($0))</li>" }.joined())\(more)</ul></li>\n")
            }
            add("</ol>\n")
        }
        if !mesh.findings.isEmpty {
            add("<h4>Other network findings</h4>\n<ul class=\"notes network-findings\">\n")
            for finding in mesh.findings {
                add("<li data-check=\"\(e(finding.check?.rawValue ?? ""))\"><span class=\"sev \(finding.severity.rawValue)\">\(finding.severity.rawValue)</span> \(e(finding.message)) \(location(finding.location))</li>\n")
            }
            add("</ul>\n")
        }
        add("</div>\n</div>\n<h3 id=\"blocked\">Blocked calls: landing nodes the site or its call control cannot reach</h3>\n")
        if mesh.blocked.isEmpty {
            add("<p class=\"ok\"><span aria-hidden=\"true\">✓</span> No call is blocked: where a site's calls land locally, its endpoints reach the nodes (signalling and media).</p>\n")
        } else {
            add("<table class=\"reach\"><caption>Calls that <code>dialplan check</code> counts as blocked: they land locally, on a node that the site's endpoints, or the call control handing it the call, cannot reach (one row per site and group)</caption>\n<thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Protocols</th><th scope=\"col\">Nodes</th><th scope=\"col\">Calls</th><th scope=\"col\">What blocks them</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n")
            for row in mesh.blocked {
                let diagnostic = groups[row.group].diagnostic
                add("<tr class=\"blocked\"><td>\(e(row.site))</td><td>\(row.protocols.map(\.rawValue).joined(separator: ", "))</td><td>\(e(row.nodes.joined(separator: ", ")))</td><td class=\"num\">\(row.calls)</td><td><span aria-hidden=\"true\">⊗</span> <a href=\"#group-\(row.group + 1)\">\(e(diagnostic.message))</a></td><td>\(location(diagnostic.location))</td></tr>\n")
            }
            add("</tbody>\n</table>\n")
        }
        add("</section>\n\n")
    }

    // MARK: Coverage

    mutating func coverage(_ coverage: HTMLReport.Coverage) {
        add("<section id=\"coverage\" aria-labelledby=\"coverage-h\">\n<h2 id=\"coverage-h\">Coverage</h2>\n")
        add("<table class=\"coverage-counts\"><caption>What the simulated calls used</caption>\n<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Used</th><th scope=\"col\">Of</th></tr></thead>\n<tbody>\n")
        for count in coverage.counts { add("<tr><td>\(e(count.kind))</td><td class=\"num\">\(count.used)</td><td class=\"num\">\(count.total)</td></tr>\n") }
        add("</tbody>\n</table>\n")
        if coverage.unused.isEmpty {
            add("<p class=\"ok\"><span aria-hidden=\"true\">✓</span> Every enabled transform, search rule, zone and Call Routing Rule was used by some call.</p>\n")
        } else {
            add("<table class=\"unused\"><caption>Used by no call (often a leftover; as <code>dialplan check --coverage</code> notes them)</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Where</th><th scope=\"col\">Note</th></tr></thead>\n<tbody>\n")
            for note in coverage.unused {
                add("<tr class=\"unused-item\" data-check=\"\(e(note.check?.rawValue ?? ""))\"><td class=\"check\">\(e(note.check?.rawValue ?? ""))</td><td>\(location(note.location))</td><td>\(e(note.message))</td></tr>\n")
            }
            add("</tbody>\n</table>\n")
        }
        add("</section>\n\n")
    }

    // MARK: Foot

    mutating func foot(_ report: HTMLReport) {
        add("""
            </main>
            <footer><p>Made by <code>dialplan report</code> from the plan <span class="plan">\(e(report.summary.plan))</span>. The page is self-contained: it loads nothing from anywhere.</p></footer>
            <script>
            \(Page.script)
            </script>
            </body>
            </html>

            """)
    }

    // MARK: Style and script

    static let css = """
        :root { --fg: #1d232b; --muted: #5a6570; --line: #d5dbe1; --panel: #f6f8fa; font-family: system-ui, "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 15px; color: var(--fg); }
        body { margin: 0; line-height: 1.4; background: #fff; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1.2rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel); }
        header.top h1 { font-size: 1.35rem; margin: 0; }
        header.top p { margin: 0; }
        .made { color: var(--muted); font-size: .9rem; }
        nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .9rem; margin: 0; padding: 0; font-size: .92rem; }
        nav a { color: #0b4f9c; }
        main { padding: 0 1.2rem 2rem; }
        h2 { font-size: 1.15rem; margin: 1.1rem 0 .4rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
        h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
        h4 { font-size: .95rem; margin: .5rem 0 .2rem; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; overflow-wrap: anywhere; }
        .plan { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        .verdict { font-weight: 700; padding: .15rem .7rem; border-radius: 4px; border: 2px solid; }
        .verdict.pass { color: #1b5e20; background: #d8f0dc; }
        .verdict.fail { color: #8e1b10; background: #f9d0cc; }
        table { border-collapse: collapse; }
        caption { text-align: left; font-weight: 600; padding: .2rem 0; color: var(--muted); font-size: .9rem; }
        th, td { border: 1px solid var(--line); padding: .2rem .45rem; vertical-align: top; }
        th { background: var(--panel); font-weight: 600; text-align: left; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        table.counts td.num { font-size: 1.1rem; font-weight: 600; }
        table.counts td.bad { color: #8e1b10; }
        .sizes, .check-line { margin: .3rem 0; color: var(--muted); }
        .chip { display: inline-block; padding: 0 .35rem; border-radius: 3px; border: 1px solid rgba(0,0,0,.25); white-space: nowrap; font-size: .9rem; background: var(--vbg); color: var(--vfg); }
        .v-local { --vbg: #d8f0dc; --vfg: #1b5e20; }
        .v-remote { --vbg: #f9cfc9; --vfg: #8e1b10; }
        .v-ambiguous { --vbg: #ffe6a1; --vfg: #5f4300; }
        .v-mesh-broken { --vbg: #ecd5f5; --vfg: #4a148c; }
        .v-blocked { --vbg: #ffd6b5; --vfg: #7a3300; }
        .v-rejected { --vbg: #e3e3e3; --vfg: #303030; }
        .v-loop { --vbg: #d3e1fb; --vfg: #0d3c8a; }
        .v-unrouted { --vbg: #ececec; --vfg: #404040; }
        .v-error { --vbg: #3a3a3a; --vfg: #ffffff; }
        .legend { margin: .2rem 0 .5rem; font-size: .92rem; }
        .home-key, .home-mark { font-weight: 700; color: #0b4f9c; }
        .matrix-layout { display: grid; grid-template-columns: minmax(0, max-content) minmax(22rem, 1fr); gap: 1rem; align-items: start; }
        .heat-wrap { overflow: auto; max-height: 80vh; }
        table.heat th.loc, table.heat th.nowhere { font-size: .85rem; text-align: center; min-width: 4.2rem; }
        table.heat th.nowhere { background: #eeeeee; }
        table.heat tbody th { white-space: nowrap; }
        table.heat .local { color: var(--muted); font-weight: 400; font-size: .85rem; }
        table.heat td.cell { padding: 0; background: color-mix(in srgb, var(--vbg) calc(var(--heat) * 100%), #ffffff); }
        table.heat td.cell button { all: unset; box-sizing: border-box; display: block; width: 100%; padding: .25rem .4rem; text-align: right; cursor: pointer; color: var(--vfg); font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.heat td.cell button:focus-visible { outline: 3px solid #0b4f9c; outline-offset: -3px; }
        table.heat td.cell button[aria-pressed="true"] { outline: 3px solid #1d232b; outline-offset: -3px; }
        table.heat td.home { box-shadow: inset 0 0 0 2px #0b4f9c; }
        table.heat td.empty { text-align: center; }
        table.heat .home-mark { margin-right: .3rem; }
        table.heat tfoot td, table.heat tfoot th { font-weight: 600; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        #cell-details { border: 1px solid var(--line); background: var(--panel); padding: .4rem .8rem; border-radius: 4px; position: sticky; top: .5rem; max-height: 80vh; overflow: auto; }
        #cell-details h3 { margin-top: .2rem; }
        ol.routes { padding-left: 1.3rem; }
        ol.routes li { margin-bottom: .5rem; }
        ol.routes p { margin: .1rem 0; }
        .route { font-size: .88rem; overflow-wrap: anywhere; }
        .examples { font-size: .88rem; color: var(--muted); }
        .more { color: var(--muted); font-size: .9rem; }
        article.finding { border: 1px solid var(--line); border-left: 6px solid var(--vfg); border-radius: 4px; padding: .3rem .8rem .5rem; margin: .7rem 0; }
        article.finding h3 { font-size: .98rem; font-weight: 600; overflow-wrap: anywhere; }
        .meta { margin: .1rem 0; font-size: .9rem; color: var(--muted); }
        .sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; }
        .sev.error { color: #8e1b10; }
        .sev.warning { color: #6d4c00; }
        .sev.note { color: #0b4f9c; }
        .check { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85rem; }
        ul.notes { margin: .2rem 0; padding-left: 1.2rem; font-size: .9rem; overflow-wrap: anywhere; }
        .trace { background: var(--panel); border-radius: 4px; padding: .2rem .6rem .4rem; margin-top: .4rem; }
        .trace ol.steps { max-height: 22rem; overflow: auto; }
        table.group-index td { font-size: .9rem; }
        table.heat thead th[scope="colgroup"] { text-align: center; }
        .toggle { font-size: .8rem; margin-left: .5rem; }
        ol.steps { list-style: none; margin: .2rem 0; padding: 0; font-size: .86rem; }
        ol.steps li { padding: .05rem 0 .05rem calc(var(--depth) * 1.3rem); overflow-wrap: anywhere; }
        ol.steps .status { display: inline-block; min-width: 5.5rem; font-weight: 700; }
        ol.steps .kind { color: var(--muted); }
        ol.steps .detail::before { content: ": "; }
        ol.steps .priority { color: var(--muted); }
        ol.steps .alias code { background: #fff; border: 1px solid var(--line); border-radius: 3px; padding: 0 .2rem; }
        ol.steps .rewrite code:last-child { border-color: #0b4f9c; }
        li.s-matched .status, li.s-accepted .status, li.s-found .status { color: #1b5e20; }
        li.s-not-matched, li.s-skipped, li.s-disabled { color: #6b737b; }
        li.s-not-found .status, li.s-stopped .status, li.s-shadowed .status, li.s-rejected .status { color: #8a5a00; }
        li.s-limit .status, li.s-loop .status { color: #8e1b10; }
        li.k-verdict { font-weight: 600; margin-top: .15rem; }
        table.findings td { font-size: .9rem; overflow-wrap: anywhere; }
        .where { color: #0b4f9c; white-space: nowrap; }
        .mesh-layout { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
        .mesh-layout figure { margin: 0; flex: 0 1 auto; max-width: 100%; }
        .mesh-layout figcaption { font-size: .85rem; color: var(--muted); max-width: 48rem; }
        .mesh-layout .causes { flex: 1 1 24rem; }
        ol.causes li { margin-bottom: .5rem; font-size: .9rem; }
        ol.causes p { margin: .1rem 0; overflow-wrap: anywhere; }
        svg.mesh { max-width: 100%; height: auto; font-family: system-ui, "DejaVu Sans", Helvetica, Arial, sans-serif; }
        svg.mesh rect { fill: #f0f4f8; stroke: #8899aa; stroke-width: 1.2; }
        svg.mesh rect.has-broken { stroke: #c62828; stroke-width: 2; }
        svg.mesh text { font-size: 12px; fill: #1d232b; }
        svg.mesh text.title { font-size: 13px; font-weight: 700; }
        svg.mesh text.node.broken { fill: #8e1b10; }
        svg.mesh line.ok { stroke: #7cb883; stroke-width: 1.2; }
        svg.mesh line.broken { stroke: #c62828; stroke-width: 2.5; stroke-dasharray: 7 4; }
        svg.mesh line.nat { stroke: #e65100; stroke-width: 2.5; stroke-dasharray: 2 3; }
        svg.mesh .arrow { fill: #c62828; }
        svg.mesh .badge circle { fill: #ffffff; stroke-width: 2; }
        svg.mesh .badge.broken circle { stroke: #c62828; }
        svg.mesh .badge.nat circle { stroke: #e65100; }
        svg.mesh .badge text { font-size: 12px; font-weight: 700; }
        .ok { color: #1b5e20; }
        table.reach td, table.unused td { font-size: .9rem; overflow-wrap: anywhere; }
        footer { border-top: 1px solid var(--line); padding: .5rem 1.2rem; color: var(--muted); font-size: .85rem; }
        @media (max-width: 1000px) { .matrix-layout { grid-template-columns: 1fr; } #cell-details { position: static; } }
        @media print {
          :root { font-size: 10.5pt; }
          nav, button.toggle, #cell-details, .hint { display: none !important; }
          header.top { background: none; }
          .matrix-layout { display: block; }
          .heat-wrap { overflow: visible; max-height: none; }
          table.heat td.cell button { all: unset; display: block; padding: .15rem .3rem; text-align: right; font-weight: 600; }
          ol.steps[hidden] { display: block !important; }
          .trace ol.steps { max-height: none; overflow: visible; }
          article.finding, .trace, tr { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """

    /// Shows a cell's calls when it is selected and hides a trace's steps on request. It records a script error in
    /// `data-script-error` on the root element and marks the page `data-ready` when it has run (the browser test
    /// reads both).
    static let script = """
        (function () {
          var root = document.documentElement;
          window.addEventListener('error', function (event) { root.setAttribute('data-script-error', String(event.message || event)); });
          try {
            var buttons = document.querySelectorAll('button[data-cell]');
            var hint = document.getElementById('cell-hint');
            function select(button) {
              var panels = document.querySelectorAll('#cell-details .cell-panel');
              for (var i = 0; i < panels.length; i++) { panels[i].hidden = true; }
              for (var j = 0; j < buttons.length; j++) { buttons[j].setAttribute('aria-pressed', 'false'); }
              var panel = document.getElementById(button.getAttribute('data-cell'));
              if (panel) { panel.hidden = false; }
              if (hint) { hint.hidden = true; }
              button.setAttribute('aria-pressed', 'true');
            }
            for (var k = 0; k < buttons.length; k++) {
              buttons[k].addEventListener('click', function (event) { select(event.currentTarget); });
            }
            var toggles = document.querySelectorAll('button[data-toggle]');
            for (var t = 0; t < toggles.length; t++) {
              toggles[t].addEventListener('click', function (event) {
                var button = event.currentTarget;
                var steps = document.getElementById(button.getAttribute('data-toggle'));
                if (!steps) { return; }
                steps.hidden = !steps.hidden;
                button.setAttribute('aria-expanded', steps.hidden ? 'false' : 'true');
                button.textContent = steps.hidden ? 'show steps' : 'hide steps';
              });
            }
            root.setAttribute('data-ready', 'true');
          } catch (error) {
            root.setAttribute('data-script-error', String(error));
          }
        })();
        """
}
