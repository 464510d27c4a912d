import Foundation

/// `check --format sarif` and `--format junit`: the report for code review and for CI test reports.
extension CheckFormatter {
    /// The SARIF log's version and schema. [SARIF 2.1.0, OASIS Standard, §3.13.2 `version`, §3.13.3 `$schema`]
    static let sarifVersion = "2.1.0"
    static let sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"
    /// The base every result's file is relative to (§3.14.14 `originalUriBaseIds`).
    static let planRootBase = "PLANROOT"

    /// SARIF 2.1.0: one run; `tool.driver.rules` lists every check with its stable id, description, help and default
    /// level; each group of calls and each finding is a result located at its file (relative to `root`, the plan
    /// directory, under `uriBaseId` PLANROOT), line and column, with a stable fingerprint and, with a baseline,
    /// whether it is new. [SARIF 2.1.0 §3.27 result, §3.28 location, §3.49 reportingDescriptor]
    public static func sarif<Out: TextOutputStream>(_ report: CheckReport, root: String, to out: inout Out) {
        let rules = CheckID.allCases
        var json = JSONWriter()
        json.beginObject()
        json.field("$schema", sarifSchema)
        json.field("version", sarifVersion)
        json.key("runs")
        json.beginArray()
        json.beginObject()
        json.key("tool")
        json.beginObject()
        json.key("driver")
        json.beginObject()
        json.field("name", "dialplan")
        json.key("rules")
        json.beginArray()
        for rule in rules {
            json.beginObject()
            json.field("id", rule.rawValue)
            json.field("name", ruleName(rule))
            json.key("shortDescription")
            text(rule.summary, &json)
            json.key("fullDescription")
            text(rule.help, &json)
            json.key("help")
            text(rule.help, &json)
            json.key("defaultConfiguration")
            json.beginObject()
            json.field("level", level(rule.defaultSeverity))
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.key("originalUriBaseIds")
        json.beginObject()
        json.key(planRootBase)
        json.beginObject()
        json.field("uri", URL(fileURLWithPath: root, isDirectory: true).absoluteString)
        json.endObject()
        json.endObject()
        json.key("results")
        json.beginArray()
        let callCounts = Dictionary(report.groups.map { ($0.diagnostic, $0.calls.count) }, uniquingKeysWith: +)
        for diagnostic in report.allDiagnostics {
            json.beginObject()
            if let check = diagnostic.check, let index = rules.firstIndex(of: check) {
                json.field("ruleId", check.rawValue)
                json.field("ruleIndex", index)
            }
            json.field("level", level(diagnostic.severity))
            json.key("message")
            text(([diagnostic.message] + diagnostic.notes).joined(separator: "\n"), &json)
            if let location = diagnostic.location {
                json.key("locations")
                json.beginArray()
                json.beginObject()
                json.key("physicalLocation")
                json.beginObject()
                json.key("artifactLocation")
                json.beginObject()
                json.field("uri", uri(PlanPaths.relative(location.file, to: root)))
                json.field("uriBaseId", planRootBase)
                json.endObject()
                json.key("region")
                json.beginObject()
                json.field("startLine", max(location.line, 1))
                json.field("startColumn", max(location.column, 1))
                json.endObject()
                json.endObject()
                json.endObject()
                json.endArray()
            }
            json.key("partialFingerprints")
            json.beginObject()
            json.field("dialplanFinding/v1", FindingBaseline.fingerprint(diagnostic, root: root))
            json.endObject()
            if report.baseline != nil { json.field("baselineState", report.isNew(diagnostic) ? "new" : "unchanged") }
            if diagnostic.witness != nil || callCounts[diagnostic] != nil {
                json.key("properties")
                json.beginObject()
                if let witness = diagnostic.witness { json.field("witness", witness) }
                if let calls = callCounts[diagnostic] { json.field("calls", calls) }
                json.endObject()
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endArray()
        json.endObject()
        out.write(json.flush() + "\n")
    }

    /// JUnit XML for CI test reports: a test case per site, failing with every group of its calls that is not
    /// local; a test case per plan finding, failing when it fails `check` (an error, or a warning with `strict`).
    /// Findings the baseline accepts pass. No timestamps, so the report is the same on every run.
    public static func junit<Out: TextOutputStream>(_ report: CheckReport, strict: Bool = false, to out: inout Out) {
        let plan = report.plan
        var bySite: [[CallGroup]] = Array(repeating: [], count: plan.sites.count)
        for group in report.groups where report.isNew(group.diagnostic) {
            for site in Set(group.calls.map(\.site.index)).sorted() { bySite[site].append(group) }
        }
        let failing = report.findings.map { report.isNew($0) && ($0.severity == .error || (strict && $0.severity == .warning)) }
        let siteFailures = bySite.filter { !$0.isEmpty }.count
        let findingFailures = failing.filter { $0 }.count
        let xml = TestRunFormatter.xml
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write("<testsuites name=\"dialplan check\" tests=\"\(plan.sites.count + report.findings.count)\" failures=\"\(siteFailures + findingFailures)\" errors=\"0\">\n")
        out.write("  <testsuite name=\"\(xml("sites of \(plan.name)"))\" tests=\"\(plan.sites.count)\" failures=\"\(siteFailures)\" errors=\"0\" skipped=\"0\">\n")
        for (index, site) in plan.sites.enumerated() {
            out.write("    <testcase classname=\"sites\" name=\"\(xml(site.name))\" file=\"\(xml(site.source.file))\" line=\"\(site.source.line)\"")
            let groups = bySite[index]
            guard !groups.isEmpty else {
                out.write("/>\n")
                continue
            }
            let calls = groups.reduce(0) { total, group in total + group.calls.filter { $0.site.index == index }.count }
            out.write(">\n      <failure type=\"\(xml(groups.map { $0.verdict.rawValue }.joined(separator: " ")))\" message=\"\(xml("\(calls) call\(calls == 1 ? "" : "s") not local: \(groups[0].diagnostic.description)"))\">")
            out.write(xml(groups.map(\.diagnostic.description).joined(separator: "\n")))
            out.write("</failure>\n    </testcase>\n")
        }
        out.write("  </testsuite>\n")
        out.write("  <testsuite name=\"\(xml("findings of \(plan.name)"))\" tests=\"\(report.findings.count)\" failures=\"\(findingFailures)\" errors=\"0\" skipped=\"0\">\n")
        for (index, finding) in report.findings.enumerated() {
            let name = "\(finding.check?.rawValue ?? "finding") at \(finding.location?.description ?? plan.name)"
            out.write("    <testcase classname=\"findings\" name=\"\(xml(name))\"")
            if let location = finding.location { out.write(" file=\"\(xml(location.file))\" line=\"\(location.line)\"") }
            guard failing[index] else {
                out.write("/>\n")
                continue
            }
            out.write(">\n      <failure type=\"\(xml(finding.check?.rawValue ?? finding.severity.rawValue))\" message=\"\(xml(finding.message))\">")
            out.write(xml(([finding.description] + finding.notes).joined(separator: "\n")))
            out.write("</failure>\n    </testcase>\n")
        }
        out.write("  </testsuite>\n</testsuites>\n")
    }

    private static func text(_ value: String, _ json: inout JSONWriter) {
        json.beginObject()
        json.field("text", value)
        json.endObject()
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// `shadowed-search-rule` → `ShadowedSearchRule` (§3.49.7 `name`: an identifier-like name).
    private static func ruleName(_ rule: CheckID) -> String {
        rule.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A relative URI reference for a path: each segment percent-encoded.
    private static func uri(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            String(segment).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String(segment)
        }.joined(separator: "/")
    }
}
