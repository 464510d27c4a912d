@testable import DialPlanKit
import Foundation
import Testing

/// `dialplan report`'s page (issue 11): every section, the counts and findings of `check`, traces with the alias
/// before and after each rewrite, the mesh picture, nothing external, hostile names escaped, bounded size.
@Suite struct HTMLReportTests {
    static let misrouted = "DialPlans/acme-misrouted"

    static func check(_ sample: String) throws -> CheckReport {
        CheckReport(simulation: Simulation(plan: try PlanLoader.load(path: TestPlans.path(sample))))
    }

    /// The misrouted sample's report and page, made once.
    static let misroutedPage: (report: CheckReport, model: HTMLReport, html: String) = {
        let report = try! check(misrouted)
        let model = HTMLReport(report: report)
        return (report, model, HTMLReportRenderer.render(model))
    }()

    /// The `<section id="…">` of the page, up to the next section.
    static func section(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\"") else { return nil }
        let rest = html[start.lowerBound...]
        let end = rest.range(of: "</section>")?.upperBound ?? rest.endIndex
        return String(rest[..<end])
    }

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func everySectionIsPresentInOrderWithSemanticHeadings() throws {
        let html = Self.misroutedPage.html
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        var last = html.startIndex
        for id in ["summary", "matrix", "findings", "mesh", "coverage"] {
            let range = try #require(html.range(of: "<section id=\"\(id)\" aria-labelledby=\"\(id)-h\">"), "no section \(id)")
            #expect(range.lowerBound > last, "section \(id) out of order")
            last = range.lowerBound
            #expect(html.contains("<h2 id=\"\(id)-h\">"))
        }
        // Without a baseline, no change section.
        #expect(Self.section("change", in: html) == nil)
        #expect(Self.occurrences("<h1>", in: html) == 1)
        #expect(html.contains("<th scope=\"row\">") && html.contains("<th scope=\"col\""))
    }

    @Test func theSummaryHasCheckCountsPassOrFailAndSizes() throws {
        let (report, model, html) = Self.misroutedPage
        let summary = try #require(Self.section("summary", in: html))
        for verdict in Verdict.allCases {
            #expect(summary.contains("data-verdict=\"\(verdict.rawValue)\">\(report.counts[verdict] ?? 0)</td>"), "\(verdict)")
        }
        #expect(summary.contains("data-count=\"errors\">\(report.findings.filter { $0.severity == .error }.count)</td>"))
        #expect(summary.contains("data-count=\"warnings\">\(report.findings.filter { $0.severity == .warning }.count)</td>"))
        // `check`'s own summary line, and its decision.
        #expect(summary.contains(HTML.escape(CheckFormatter.summary(report, style: .plain))))
        #expect(!report.passes() && !model.summary.passes)
        #expect(html.contains("data-verdict=\"fail\"><span aria-hidden=\"true\">✗</span> FAIL</p>"))
        #expect(summary.contains("7 sites, 25 services (73 aliases + 3 probes), 10 nodes in 5 locations, 3 call-control clusters"))
        // The sizes, the verdicts counted and the findings' counts in check's own words, from one place.
        var text = ""
        CheckFormatter.text(report, style: .plain, to: &text)
        #expect(text.hasPrefix("dialplan check \(report.plan.name): \(CheckFormatter.sizes(report))\n"))
        #expect(summary.contains("<p class=\"sizes\">\(HTML.escape(CheckFormatter.sizes(report)))</p>"))
        #expect(model.summary.verdicts == CheckFormatter.summaryVerdicts(report) && model.summary.verdicts.contains(.blocked))
        #expect(Self.occurrences("<th scope=\"col\"><span class=\"chip v-", in: summary) == model.summary.verdicts.count)
        #expect(summary.contains("calls by verdict; \(CheckFormatter.findingCounts(report)) in the plan&#39;s findings</caption>"))
        #expect(CheckFormatter.summary(report, style: .plain).contains("; \(CheckFormatter.findingCounts(report))"))
        #expect(html.contains("<title>dialplan report: \(HTML.escape(report.plan.name))</title>"))
        #expect(html.range(of: #"made \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"#, options: .regularExpression) != nil)

        let healthy = HTMLReport(report: try Self.check("DialPlans/acme"))
        #expect(healthy.summary.passes)
        #expect(HTMLReportRenderer.render(healthy).contains("data-verdict=\"pass\"><span aria-hidden=\"true\">✓</span> PASS</p>"))
    }

    @Test func theMatrixTalliesEveryCallBySiteAndLandingLocation() throws {
        let (report, model, html) = Self.misroutedPage
        let matrix = model.matrix
        let plan = report.plan
        // Every site once, the worst verdicts first, plan order among equals.
        #expect(Set(matrix.rows.map(\.site)) == Set(plan.sites.map(\.name)) && matrix.rows.count == plan.sites.count)
        let worst = matrix.rows.map { $0.cells.map(\.worst).min()! }
        #expect(worst == worst.sorted())
        for index in matrix.rows.indices.dropFirst() where worst[index] == worst[index - 1] {
            #expect(plan.siteIndex(named: matrix.rows[index - 1].site)! < plan.siteIndex(named: matrix.rows[index].site)!)
        }
        #expect(matrix.rows.map(\.site) == ["Oslo HQ", "Oslo Home Office", "London Office", "New York Office", "Boston Office", "Singapore Office", "Sydney Office"])
        #expect(matrix.rows.reduce(0) { $0 + $1.calls } == report.callCount)
        // Calls that land nowhere have a column each, totalling check's counts.
        for verdict in [Verdict.rejected, .loop, .unrouted] {
            let column = try #require(matrix.columns.firstIndex(of: .nowhere(verdict)))
            #expect(matrix.columnTotals[column] == report.counts[verdict])
        }
        #expect(!matrix.columns.contains(.nowhere(.error)))
        // Every call is in at least one cell; a call that may land in several locations in each of them.
        var byVerdict: [Verdict: Int] = [:]
        for row in matrix.rows {
            for cell in row.cells { for count in cell.counts { byVerdict[count.verdict, default: 0] += count.calls } }
            #expect(row.cells.allSatisfy { $0.routes.count <= model.limits.routesPerCell && $0.routes.allSatisfy { $0.examples.count <= model.limits.examplesPerRoute } })
        }
        for verdict in Verdict.allCases {
            // Oslo Home Office's calls land in Oslo-Edge and have their media in Oslo (blocked: its SIP by the DMZ
            // firewall, its H.323 by the edge firewall); ambiguous ones are in several cells too.
            if verdict == .ambiguous || verdict == .blocked {
                #expect(byVerdict[verdict, default: 0] > report.counts[verdict]!, "\(verdict)")
            } else {
                #expect(byVerdict[verdict, default: 0] == report.counts[verdict], "\(verdict)")
            }
        }
        let home = try #require(matrix.rows.first { $0.site == "Oslo Home Office" })
        #expect(home.localColumns.count == 2 && home.cells.filter { $0.isLocal }.allSatisfy { $0.calls == 100 && $0.worst == .blocked })
        // Singapore Office: its calls go to Oslo (the planted fallback rule), and Singapore is marked local.
        let singapore = try #require(matrix.rows.first { $0.site == "Singapore Office" })
        let oslo = try #require(matrix.columns.firstIndex(of: .location(plan.locations.ids.first { plan.locations[$0].name == "Oslo" }!)))
        let singaporeColumn = try #require(matrix.columns.firstIndex(of: .location(plan.locations.ids.first { plan.locations[$0].name == "Singapore" }!)))
        #expect(singapore.localColumns == [singaporeColumn])
        let osloCell = try #require(singapore.cells.first { $0.column == oslo })
        #expect(osloCell.worst == .remote && !osloCell.isLocal)
        #expect(osloCell.routes.contains { $0.text.contains("rule 'Fallback to Pexip Oslo'") })
        // Rendered: a button per non-empty cell with its words and symbol, a panel per cell listing its routes.
        let section = try #require(Self.section("matrix", in: html))
        let cells = matrix.rows.reduce(0) { $0 + $1.cells.count }
        #expect(Self.occurrences("<button type=\"button\" data-cell=", in: section) == cells)
        #expect(Self.occurrences("<div class=\"cell-panel\"", in: section) == cells)
        #expect(section.contains("aria-label=\"Singapore Office → Oslo: \(osloCell.calls) calls ("))
        #expect(section.contains("<span class=\"sym\" aria-hidden=\"true\">✗</span>"))
        #expect(section.contains(HTML.escape(osloCell.routes[0].text)))
        // A cell shows the symbol of every verdict among its calls, worst first, as the legend says.
        for cell in matrix.rows.flatMap(\.cells) {
            #expect(section.contains("<span class=\"sym\" aria-hidden=\"true\">\(cell.counts.map { HTMLReportRenderer.symbol($0.verdict) }.joined())</span> \(cell.calls)</button>"))
        }
        #expect(HTMLReportRenderer.render(HTMLReport(report: try Self.check("DialPlans/acme"))).contains("shows the symbol of every verdict among its calls, worst first"))
        #expect(section.contains("shows the symbol of every verdict among its calls, worst first"))
        // Exactly one panel is shown at first: a cell that is not local.
        #expect(Self.occurrences("<div class=\"cell-panel\" id=\"cell-", in: section) - Self.occurrences("\" hidden>", in: section) == 1)
        #expect(Self.occurrences("aria-pressed=\"true\"", in: section) == 1)
    }

    // Issue 13: the mesh section's other network findings include the call-control leg found behind another verdict
    // (London's WAN firewall without H.245), beside the blocked calls.
    @Test func theMeshSectionListsTheCallControlLegHiddenBehindAnotherVerdict() throws {
        let (report, _, html) = Self.misroutedPage
        let mesh = try #require(Self.section("mesh", in: html))
        let hidden = try #require(report.findings.first { $0.check == .callControlBlocked })
        #expect(mesh.contains("<li data-check=\"call-control-blocked\">"))
        #expect(mesh.contains(HTML.escape(hidden.message)))
    }

    @Test func everyGroupAndFindingOfCheckIsPresentWithItsLocation() throws {
        let (report, model, html) = Self.misroutedPage
        let findings = try #require(Self.section("findings", in: html))
        #expect(model.groups.count == report.groups.count && model.findings.count == report.findings.count)
        for diagnostic in report.allDiagnostics {
            #expect(findings.contains(HTML.escape(diagnostic.message)), "missing: \(diagnostic.message)")
            if let location = diagnostic.location { #expect(findings.contains("<code class=\"where\">\(HTML.escape(location.description))</code>")) }
            for note in diagnostic.notes.prefix(model.limits.notesPerFinding) { #expect(findings.contains(HTML.escape(note)), "missing note: \(note)") }
        }
        #expect(Self.occurrences("<article class=\"finding group", in: findings) == report.groups.count)
        // An index of the groups first, each linking to its article.
        let index = try #require(findings.range(of: "<table class=\"group-index\">"))
        #expect(index.lowerBound < findings.range(of: "<article class=\"finding group")!.lowerBound)
        for (number, group) in report.groups.enumerated() {
            #expect(findings.contains("<a href=\"#group-\(number + 1)\">\(HTML.escape(group.diagnostic.message))</a>"))
        }
        #expect(Self.occurrences("<tr class=\"finding lint\"", in: findings) == report.findings.count)
        // Worst first, as check orders them.
        let firstGroup = try #require(findings.range(of: "id=\"group-1\""))
        #expect(findings[firstGroup.lowerBound...].contains("data-check=\"\(report.groups[0].diagnostic.check!.rawValue)\"") )
    }

    @Test func aGroupsSitesAreListedOnceByItsNotes() throws {
        // CauseFinder's notes give each site's calls; the page does not count them again above the notes.
        let (report, _, html) = Self.misroutedPage
        let findings = try #require(Self.section("findings", in: html))
        for (number, group) in report.groups.enumerated() {
            let article = try #require(findings.components(separatedBy: "<article class=\"finding group").dropFirst().first { $0.contains("id=\"group-\(number + 1)\"") })
            let meta = try #require(article.components(separatedBy: "<p class=\"meta\">").dropFirst().first?.components(separatedBy: "</p>").first)
            for site in Set(group.calls.map { report.plan.sites[$0.site].name }) {
                #expect(!meta.contains(HTML.escape(site)), "\(site) in the group's meta line")
                #expect(group.diagnostic.notes.contains { $0.hasPrefix("\(site) (local: ") })
            }
        }
    }

    @Test func theLimitsBoundWhatIsListed() throws {
        var limits = HTMLReport.Limits()
        limits.pairsPerCause = 1
        limits.notesPerFinding = 1
        let report = Self.misroutedPage.report
        let model = HTMLReport(report: report, limits: limits)
        let html = HTMLReportRenderer.render(model)
        let mesh = try #require(Self.section("mesh", in: html))
        let causes = try #require(model.mesh?.causes)
        for cause in causes where cause.pairs.count > 1 {
            #expect(mesh.contains("<li>\(HTML.escape(cause.diagnostic.notes[0]))</li><li class=\"more\">… and \(cause.pairs.count - 1) more</li>"))
            #expect(!mesh.contains("<li>\(HTML.escape(cause.diagnostic.notes[1]))</li>"))
        }
        // A line's hover text names one pair, then "…" when there are more.
        let titles = mesh.components(separatedBy: "<title>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        var lines = 0
        for (number, cause) in causes.enumerated() {
            let prefix = "\(number + 1). \(HTML.escape(cause.description)) — "
            for title in titles where title.hasPrefix(prefix) {
                lines += 1
                let named = Self.occurrences(" → ", in: String(title.dropFirst(prefix.count)).components(separatedBy: "): ").last!.components(separatedBy: ": ").last!)
                #expect(named == 1, "\(title)")
                #expect(title.hasSuffix(", …") == !title.contains(" — 1 broken pair "), "\(title)")
            }
        }
        #expect(lines >= causes.count)
        let findings = try #require(Self.section("findings", in: html))
        for finding in report.findings where finding.notes.count > 1 {
            #expect(findings.contains("<li>\(HTML.escape(finding.notes[0]))</li><li>… and \(finding.notes.count - 1) more</li>"))
        }
    }

    @Test func eachGroupTracesOneOfItsCallsWithTheAliasBeforeAndAfterEachRewrite() throws {
        let (report, model, html) = Self.misroutedPage
        for (group, finding) in zip(report.groups, model.groups) {
            let trace = try #require(finding.trace)
            // The trace is the first call's, and agrees with check's verdict.
            let call = group.calls[0]
            #expect(trace.site == report.plan.sites[call.site].name && trace.alias == report.simulation.aliases[call.alias.index].alias)
            #expect(trace.callProtocol == call.callProtocol)
            #expect(html.contains("dials <code>\(HTML.escape(trace.alias))</code> over \(call.callProtocol.rawValue) "))
            #expect(trace.verdict == group.verdict)
            #expect(trace.steps.last?.kind == .verdict)
        }
        #expect(Self.occurrences("<ol class=\"steps\" id=\"trace-", in: html) == report.groups.count)
        // The unrouted group: the transform that rewrites '1001' into '1001@acme.example', shown before and after.
        let unrouted = try #require(model.groups.first { $0.verdict == .unrouted })
        let rewrite = try #require(unrouted.trace?.steps.first { $0.kind == .transform && $0.rewrittenAlias != nil })
        #expect(rewrite.name == "Add video domain")
        #expect(html.contains("<code>\(HTML.escape(rewrite.alias!))</code> <span aria-label=\"rewritten to\">→</span> <code>\(HTML.escape(rewrite.rewrittenAlias!))</code>"))
        // Each step's words are TraceFormatter's.
        for step in unrouted.trace!.steps { #expect(html.contains("<span class=\"detail\">\(HTML.escape(step.detail))</span>")) }
    }

    @Test func theMeshIsAnSVGWithBrokenPairsAsRedEdgesAndTheirCausesListed() throws {
        let (report, model, html) = Self.misroutedPage
        let mesh = try #require(model.mesh)
        let analysis = try #require(report.simulation.network)
        let causes = Set(analysis.pairs.flatMap(\.check.causes))
        #expect(mesh.causes.count == causes.count && mesh.causes.count == 2)
        // A pair is under each of its causes (London → Singapore: the NAT and the Singapore firewall).
        #expect(mesh.causes.reduce(0) { $0 + $1.pairs.count } == analysis.pairs.reduce(0) { $0 + $1.check.causes.count })
        let section = try #require(Self.section("mesh", in: html))
        #expect(Self.occurrences("<svg class=\"mesh\"", in: section) == 1)
        // A box per location with nodes and one for the Management Node.
        #expect(Self.occurrences("<g class=\"location\">", in: section) == 6)
        // The causes are the network's own findings, in its order, each with its pairs; the other findings too.
        let meshChecks: Set<CheckID> = [.meshBlocked, .meshNAT, .meshNoRoute]
        func isCause(_ finding: Diagnostic) -> Bool { finding.check.map(meshChecks.contains) ?? false }
        #expect(mesh.causes.map(\.diagnostic.message) == analysis.findings.filter(isCause).map(\.message))
        // …then the call-control findings of the plan checks.
        let callControl = report.findings.filter { $0.check == .callControlBlocked || $0.check == .callControlUnplaced }
        #expect(!callControl.isEmpty)
        #expect(mesh.findings.map(\.message) == (analysis.findings.filter { !isCause($0) } + callControl).map(\.message))
        for cause in mesh.causes {
            #expect(cause.diagnostic.message.hasPrefix("\(cause.pairs.count) ordered pair"))
            #expect(cause.pairs.allSatisfy { $0.check.causes.contains(cause.cause) })
            #expect(section.contains("<strong>\(HTML.escape(cause.diagnostic.message))</strong>"))
            for note in cause.diagnostic.notes.prefix(model.limits.pairsPerCause) { #expect(section.contains("<li>\(HTML.escape(note))</li>")) }
            #expect(section.contains("<title>") && section.contains(HTML.escape(cause.description) + " — "))
        }
        for finding in mesh.findings { #expect(section.contains(HTML.escape(finding.message))) }
        // A node (or the Management Node) is marked ✗ exactly when some pair of it is broken.
        let brokenEnds = Set(analysis.pairs.filter { $0.status != .ok }.flatMap { [$0.from, $0.to] })
        #expect(Self.occurrences("<text class=\"node broken\"", in: section) == brokenEnds.count && !brokenEnds.isEmpty)
        for end in analysis.ends {
            #expect(section.contains(">\(brokenEnds.contains(end) ? "✗" : "✓") \(HTML.escape(analysis.name(of: end)))  "), "\(analysis.name(of: end))")
        }
        #expect(section.contains("<line class=\"broken\"") && section.contains("<line class=\"nat\""))
        #expect(section.contains("<line class=\"ok\""))
        // No two numbered badges overlap (radius 10).
        let badges = section.components(separatedBy: "<circle cx=\"").dropFirst().map { part -> (Double, Double) in
            let x = Double(part.prefix { $0 != "\"" })!
            let y = Double(part.components(separatedBy: "cy=\"")[1].prefix { $0 != "\"" })!
            return (x, y)
        }
        #expect(badges.count >= mesh.causes.count)
        for (i, a) in badges.enumerated() {
            for b in badges[(i + 1)...] { #expect((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) >= 20 * 20, "badges at \(a) and \(b) overlap") }
        }
        #expect(section.contains(HTML.escape(MeshFormatter.summary(analysis, style: .plain))))
        // Node labels fit their boxes: every text line of a box is estimated no wider than the box.
        let healthy = HTMLReport(report: try Self.check("DialPlans/acme"))
        let healthyMesh = try #require(healthy.mesh)
        #expect(healthyMesh.causes.isEmpty)
        let page = HTMLReportRenderer.render(healthy)
        #expect(!page.contains("<line class=\"broken\"") && !page.contains("<line class=\"nat\""))
        #expect(page.contains("Every pair of nodes that must talk does"))
    }

    @Test func blockedSitesAreTheCallsCheckCountsAsBlocked() throws {
        // acme-misrouted: remote and ambiguous calls land on nodes some sites cannot reach (New York Office →
        // lon-px01, Singapore Office → osl-px01), but check does not count them blocked, nor does the page; Oslo
        // Home Office's local calls are blocked (SIP between vcs-emea and the edge, H.245 to the edge), one row per
        // check group.
        let (report, model, html) = Self.misroutedPage
        #expect(report.counts[.blocked] == 100)
        let mesh = try #require(model.mesh)
        #expect(mesh.blocked.map(\.site) == ["Oslo Home Office", "Oslo Home Office"])
        #expect(mesh.blocked.map(\.protocols) == [[.sip], [.h323]])
        #expect(mesh.blocked.allSatisfy { $0.nodes == ["osl-edge01 (Oslo-Edge)"] && $0.calls == 50 })
        let section = try #require(Self.section("mesh", in: html))
        #expect(section.contains("<tr class=\"blocked\">"))
        #expect(!section.contains("New York Office") && !section.contains("Singapore Office"))
    }

    @Test func aBlockedCallListsExactlyItsSiteAndNode() throws {
        // Oslo Office's endpoints may not reach the Oslo nodes over SIP: a firewall between them lets H.323 only.
        let yaml = TestPlans.minimal + """

            network:
              segments:
                - {name: dc, ranges: [10.1.0.0/16, 10.2.0.0/16, 10.0.0.0/24]}
                - {name: office, ranges: [10.9.0.0/16]}
              endpoints:
                - {site: Oslo Office, subnets: [office]}
              firewalls:
                - {name: office-fw, default: deny, rules: [{preset: h323, from: office, to: pexip-nodes}]}
              links:
                - {between: [dc, office], firewall: office-fw}
            """
        let plan = try TestPlans.load(yaml)
        let report = CheckReport(simulation: Simulation(plan: plan))
        let blockedGroups = report.groups.enumerated().filter { $0.element.verdict == .blocked }
        #expect(!blockedGroups.isEmpty && (report.counts[.blocked] ?? 0) > 0)
        let model = HTMLReport(report: report)
        let mesh = try #require(model.mesh)
        // Exactly the blocked calls: their sites, nodes (as the verdicts blame them), protocols and counts.
        let calls = blockedGroups.flatMap(\.element.calls)
        let nodes = Set(calls.map { call -> String in
            guard case .unreachable(let node) = report.simulation.decision(of: call).blame else { return "?" }
            return "\(plan.nodes[node].name) (\(plan.locations[plan.nodes[node].location].name))"
        })
        #expect(Set(mesh.blocked.map(\.site)) == Set(calls.map { plan.sites[$0.site].name }))
        #expect(mesh.blocked.allSatisfy { $0.site == "Oslo Office" })
        #expect(Set(mesh.blocked.flatMap(\.nodes)) == nodes && !nodes.contains("?"))
        #expect(Set(mesh.blocked.flatMap(\.protocols)) == Set(calls.map(\.callProtocol)))
        #expect(mesh.blocked.reduce(0) { $0 + $1.calls } == report.counts[.blocked])
        #expect(Set(mesh.blocked.map(\.group)) == Set(blockedGroups.map(\.offset)))
        // One row per site and group, linking to check's group and worded by it.
        let section = try #require(Self.section("mesh", in: HTMLReportRenderer.render(model)))
        #expect(Self.occurrences("<tr class=\"blocked\">", in: section) == mesh.blocked.count)
        for row in mesh.blocked {
            let diagnostic = report.groups[row.group].diagnostic
            let html = try #require(section.components(separatedBy: "<tr class=\"blocked\">").first { $0.hasPrefix("<td>\(HTML.escape(row.site))</td><td>\(row.protocols.map(\.rawValue).joined(separator: ", "))</td>") && $0.contains("\"#group-\(row.group + 1)\"") })
            #expect(html.contains("<td>\(HTML.escape(row.nodes.joined(separator: ", ")))</td><td class=\"num\">\(row.calls)</td>"))
            #expect(html.contains("⊗</span> <a href=\"#group-\(row.group + 1)\">\(HTML.escape(diagnostic.message))</a>"))
        }
    }

    @Test func coverageListsWhatNoCallUsed() throws {
        let (report, model, html) = Self.misroutedPage
        let unused = report.simulation.coverage.unused(in: report.simulation.tables, calls: report.callCount)
        #expect(model.coverage.unused.count == unused.count && !unused.isEmpty)
        let section = try #require(Self.section("coverage", in: html))
        #expect(Self.occurrences("<tr class=\"unused-item\"", in: section) == unused.count)
        for note in unused { #expect(section.contains(HTML.escape(note.message))) }
        for count in report.simulation.coverage.counts {
            #expect(section.contains("<tr><td>\(count.kind)</td><td class=\"num\">\(count.used)</td><td class=\"num\">\(count.total)</td></tr>"))
        }
    }

    @Test func nothingInThePageIsExternal() throws {
        for html in [Self.misroutedPage.html, HTMLReportRenderer.render(HTMLReport(report: try Self.check("DialPlans/acme")))] {
            for forbidden in ["http://", "https://", "src=", "url(http", "@import", "//cdn", "<link", "<img", "<iframe"] {
                #expect(!html.lowercased().contains(forbidden), "\(forbidden) in the page")
            }
            // In-page links only, each to an element of the page; url(#…) only for the picture's own markers.
            let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(!hrefs.isEmpty)
            for href in hrefs {
                #expect(href.hasPrefix("#"), "external link \(href)")
                #expect(html.contains("id=\"\(href.dropFirst())\""), "link to a missing id \(href)")
            }
            #expect(html.components(separatedBy: "url(").dropFirst().allSatisfy { $0.hasPrefix("#mesh-arrow") })
            #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none';"))
            #expect(Self.occurrences("<script>", in: html) == 1 && Self.occurrences("<script", in: html) == 1)
            // Printable: the print stylesheet drops the interactive parts and shows every trace in full.
            let print = try #require(html.components(separatedBy: "@media print {").dropFirst().first)
            #expect(print.contains("nav, button.toggle, #cell-details, .hint { display: none !important; }"))
            #expect(print.contains("ol.steps[hidden] { display: block !important; }"))
        }
    }

    @Test func hostileNamesAreEscaped() throws {
        let hostile = "<script>alert(1)</script>\"'&\u{2028}x"
        let yaml = TestPlans.minimal
            .replacingOccurrences(of: "{name: Oslo Office,", with: "{name: \"\(hostile.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\u{2028}", with: "\\L"))\",")
            .replacingOccurrences(of: "aliases: [meet.alice@vc.example, \"1001\"]", with: "aliases: [meet.alice@vc.example, \"1001\", \"<img src=x onerror=alert(2)>@vc.example\"]")
            .replacingOccurrences(of: "{name: Singapore, priority: 100, source_mode: named, source_name: SingaporeSZ", with: "{name: Singapore, priority: 100, source_mode: named, source_name: OsloSZ")
        let plan = try TestPlans.load(yaml)
        #expect(plan.sites.contains { $0.name == hostile })
        let report = CheckReport(simulation: Simulation(plan: plan))
        #expect(!report.groups.isEmpty)
        let html = HTMLReportRenderer.render(HTMLReport(report: report))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("\u{2028}") && !html.contains("\u{2029}"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&#x2028;x"))
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;@vc.example"))
        #expect(Self.occurrences("<script", in: html) == 1)
        // A plan without a network section says so where the mesh would be.
        #expect(try #require(Self.section("mesh", in: html)).contains("The plan has no <code>network:</code> section"))
    }

    @Test func theEscapeHelperCoversMarkupQuotesSeparatorsAndControls() {
        #expect(HTML.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTML.escape("x\u{2028}y\u{2029}z") == "x&#x2028;y&#x2029;z")
        #expect(HTML.escape("bell\u{7}del\u{7F}") == "bell\\u{7}del\\u{7F}")
        #expect(HTML.escape("tab\tnewline\n é ✓") == "tab\tnewline\n é ✓")
    }

    @Test func aBaselineAddsWhatTheChangeMovesBeforeTheFindings() throws {
        let old = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let new = try PlanLoader.load(path: TestPlans.path(Self.misrouted))
        let diff = PlanDiff(old: old, new: new)
        let report = CheckReport(simulation: Simulation(plan: new))
        let html = HTMLReportRenderer.render(HTMLReport(report: report, change: diff))
        let change = try #require(Self.section("change", in: html))
        let changeStart = try #require(html.range(of: "<section id=\"change\""))
        let findingsStart = try #require(html.range(of: "<section id=\"findings\""))
        let matrixStart = try #require(html.range(of: "<section id=\"matrix\""))
        #expect(matrixStart.lowerBound < changeStart.lowerBound && changeStart.lowerBound < findingsStart.lowerBound)
        #expect(html.contains("<li><a href=\"#change\">"))
        #expect(diff.changedCount > 0)
        #expect(change.contains("<strong data-count=\"compared\">\(diff.compared)</strong>"))
        #expect(change.contains("<strong data-count=\"changed\">\(diff.changedCount)</strong> changed in \(diff.groups.count) groups"))
        // Counts first (a row per group), then the calls of each group, as diff groups them.
        #expect(Self.occurrences("<article class=\"change-group\"", in: change) == diff.groups.count)
        for (index, group) in diff.groups.enumerated() {
            #expect(change.contains("<tr><td class=\"num\">\(group.changes.count)</td><td class=\"num\">\(group.sites(examples: 1).count)</td><td><a href=\"#change-\(index + 1)\">\(HTML.escape(group.title))</a></td></tr>"))
            if let before = group.routeBefore, !before.isEmpty { #expect(change.contains("<dt>before</dt><dd class=\"route\">\(HTML.escape(before))</dd>")) }
        }
        let table = try #require(change.range(of: "<table class=\"change-counts\">"))
        let firstGroup = try #require(change.range(of: "<article class=\"change-group\""))
        #expect(table.lowerBound < firstGroup.lowerBound)
        // The same plan as its own baseline: nothing moves.
        let same = HTMLReportRenderer.render(HTMLReport(report: report, change: PlanDiff(old: new, new: new)))
        #expect(try #require(Self.section("change", in: same)).contains("No call changed."))
    }

    @Test func thePerSiteSummaryOfADiffGroupIsDiffsOwn() throws {
        let old = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        let new = try PlanLoader.load(path: TestPlans.path(Self.misrouted))
        let diff = PlanDiff(old: old, new: new)
        var text = ""
        DiffFormatter.text(diff, examples: 2, style: .plain, to: &text)
        for group in diff.groups {
            let sites = group.sites(examples: 2)
            #expect(sites.reduce(0) { $0 + $1.calls } == group.changes.count)
            for site in sites.prefix(20) {
                #expect(site.aliases.count <= 2 && site.aliases.count <= site.aliasCount)
                #expect(text.contains("    \(site.site): \(site.calls) call\(site.calls == 1 ? "" : "s"), e.g. \(site.aliases.joined(separator: ", "))"))
            }
        }
    }

    @Test func aLargePlanMakesASmallPage() throws {
        // 40 sites × 5,000 VMRs: 400,000 calls; the page aggregates, so it holds no element per call.
        let generator = PlanGenerator(PlanGenerator.Options(sites: 40, vmrs: 5_000, seed: 3, faults: 2, network: true))
        let plan = try PlanLoader.load(files: generator.files().map { ($0.name, $0.text) }, name: "generated")
        let report = CheckReport(simulation: Simulation(plan: plan))
        #expect(report.callCount >= 400_000)
        let html = HTMLReportRenderer.render(HTMLReport(report: report))
        #expect(html.utf8.count < 3_000_000, "\(html.utf8.count) bytes")
        #expect(Self.occurrences("<li", in: html) + Self.occurrences("<tr", in: html) < report.callCount / 20)
    }

    @Test func talliesCountEveryCallOnceAndKeepTheFirstCallsOfEachSite() throws {
        let simulation = Simulation(plan: try PlanLoader.load(path: TestPlans.path(Self.misrouted)))
        let tallies = simulation.tallies(examples: 2)
        #expect(tallies.reduce(0) { $0 + $1.count } == simulation.callCount)
        for verdict in Verdict.allCases {
            #expect(tallies.filter { $0.verdict == verdict }.reduce(0) { $0 + $1.count } == simulation.verdictCounts[verdict])
        }
        for tally in tallies {
            #expect(tally.sites.reduce(0) { $0 + tally.count(site: $1) } == tally.count)
            #expect(simulation.verdict(of: tally.first) == tally.verdict)
            for site in tally.sites {
                let examples = tally.examples(site: site)
                #expect(examples.count == min(2, tally.count(site: site)))
                #expect(examples.allSatisfy { $0.site == site && simulation.verdict(of: $0) == tally.verdict && simulation.routeKey(of: $0) == simulation.routeKey(of: tally.first) })
            }
        }
        // The same batches as check's: the non-local tallies hold exactly the calls of the non-local batches.
        let batches = simulation.batches { $0.verdict != .local }
        #expect(batches.reduce(0) { $0 + $1.calls.count } == tallies.filter { $0.verdict != .local }.reduce(0) { $0 + $1.count })
    }
}
