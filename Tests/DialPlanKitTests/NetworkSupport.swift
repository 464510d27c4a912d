@testable import DialPlanKit
import Testing

/// Plans for the network tests: `TestPlans.minimal` (Oslo 10.1.0.1–2, Singapore 10.2.0.1–2) plus a Management
/// Node at 10.1.0.5 and a `network:` section written by the test.
enum NetworkPlans {
    /// Segments `oslo` (10.1.0.0/16), `singapore` (10.2.0.0/16) and `wan` (172.16.0.0/16); Oslo and Singapore
    /// each reach the WAN over one link, whose firewall (`oslo-fw`, `sin-fw`) the test writes, or none.
    static func twoSites(osloFirewall: String? = nil, singaporeFirewall: String? = nil, extraLinks: String = "", extra: String = "") -> String {
        var yaml = """
            network:
              segments:
                - {name: oslo, ranges: [10.1.0.0/16]}
                - {name: singapore, ranges: [10.2.0.0/16]}
                - {name: wan, ranges: [172.16.0.0/16]}
              links:
                - {name: oslo-wan, between: [oslo, wan]\(osloFirewall.map { ", firewall: \($0)" } ?? "")}
                - {name: sin-wan, between: [singapore, wan]\(singaporeFirewall.map { ", firewall: \($0)" } ?? "")}

            """
        yaml += extraLinks
        yaml += extra
        return yaml
    }

    /// The YAML text of a whole plan; `pexip` is more keys of the `pexip` section (indented by two spaces), such
    /// as more `system_locations` or `worker_vms`, which add to the minimal plan's.
    static func text(_ network: String, withManagement: Bool = true, pexip: String = "") -> String {
        let management = withManagement ? "  management_vm: {name: mgr, address: 10.1.0.5}\n" : ""
        return TestPlans.minimal + "\n---\npexip:\n" + management + pexip + "\n---\n" + network + "\n"
    }

    static func load(_ network: String, withManagement: Bool = true, pexip: String = "") throws -> DialPlan {
        try TestPlans.load(text(network, withManagement: withManagement, pexip: pexip))
    }

    static func loadTyped(_ network: String) throws(PlanLoadError) -> DialPlan {
        try TestPlans.load(text(network))
    }

    static func analysis(_ network: String, withManagement: Bool = true, pexip: String = "") throws -> NetworkAnalysis {
        NetworkAnalysis(plan: try load(network, withManagement: withManagement, pexip: pexip))
    }

    /// The mesh end called `name`.
    static func end(_ name: String, in analysis: NetworkAnalysis) -> MeshEnd {
        analysis.ends.first { analysis.name(of: $0) == name }!
    }

    /// The pair from `from` to `to` (nil when it need not talk).
    static func pair(_ from: String, _ to: String, in analysis: NetworkAnalysis) -> MeshPair? {
        analysis.pair(from: end(from, in: analysis), to: end(to, in: analysis))
    }

    /// Where the `occurrence`-th `needle` starts in `text` (plan.yaml, 1-based).
    static func position(of needle: String, occurrence: Int = 1, in text: String) -> DialPlanKit.SourceLocation {
        var seen = 0
        var searchStart = text.startIndex
        while let range = text.range(of: needle, range: searchStart..<text.endIndex) {
            seen += 1
            if seen == occurrence {
                let before = text[..<range.lowerBound]
                let line = before.filter { $0 == "\n" }.count + 1
                let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
                return DialPlanKit.SourceLocation(file: "plan.yaml", line: line, column: text.distance(from: lineStart, to: range.lowerBound) + 1)
            }
            searchStart = text.index(after: range.lowerBound)
        }
        Issue.record("'\(needle)' is not in the plan")
        return DialPlanKit.SourceLocation(file: "plan.yaml", line: -1, column: -1)
    }
}
