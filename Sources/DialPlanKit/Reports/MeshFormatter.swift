/// Prints a `NetworkAnalysis`: the node-by-node matrix and every broken pair with its reason, as text, CSV, JSON
/// or a Graphviz DOT graph.
public enum MeshFormatter {
    /// A compact grid (rows send, columns receive), then one diagnostic per cause with the pairs it breaks, the
    /// node lints, and a summary line.
    public static func text<Out: TextOutputStream>(_ analysis: NetworkAnalysis, style: TextStyle, to out: inout Out) {
        let plan = analysis.plan
        let ends = analysis.ends
        let network = plan.network
        out.write(style.bold("dialplan mesh \(plan.name)") + ": \(plan.nodes.count) Conferencing Nodes in \(plan.locations.count) locations\(plan.managementNode == nil ? "" : " and the Management Node"), \(network?.segments.count ?? 0) segments, \(network?.links.count ?? 0) links, \(network?.firewalls.count ?? 0) firewalls\n\n")
        let ids = ends.map(id)
        let cell = max(3, (ids.map(\.count).max() ?? 1) + 1)
        let nameWidth = max(4, ends.map { analysis.name(of: $0).count }.max() ?? 0)
        let locationWidth = max(8, ends.map { locationLabel(analysis, $0).count }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        func padLeft(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        let idWidth = ids.map(\.count).max() ?? 1
        let rowHead = idWidth + 2 + nameWidth + 2 + locationWidth
        out.write(style.dim(pad("from ↓  to →", rowHead)) + ids.map { padLeft($0, cell) }.joined() + "\n")
        for (row, from) in ends.enumerated() {
            var line = padLeft(ids[row], idWidth) + "  " + pad(analysis.name(of: from), nameWidth) + "  " + style.dim(pad(locationLabel(analysis, from), locationWidth))
            for to in ends {
                let symbol: String
                if from == to {
                    symbol = style.dim("╲")
                } else if let pair = analysis.pair(from: from, to: to) {
                    switch pair.status {
                    case .ok: symbol = style.green("✓")
                    case .blocked: symbol = style.bold(style.red("B"))
                    case .nat: symbol = style.bold(style.red("N"))
                    case .noRoute: symbol = style.bold(style.red("R"))
                    }
                } else {
                    symbol = style.dim("·")
                }
                line += String(repeating: " ", count: cell - 1) + symbol
            }
            out.write(line + "\n")
        }
        out.write("\n" + style.dim("✓ ok   B blocked   N NAT on the path   R no route   · not required (Proxying Edge Node exception)   rows send, columns receive") + "\n\n")
        for finding in analysis.findings {
            out.write(style.diagnostic(finding))
        }
        if !analysis.findings.isEmpty { out.write("\n") }
        out.write(summary(analysis, style: style) + "\n")
    }

    /// "110 ordered pairs must talk: 96 ok, 8 blocked, 4 nat, 2 no-route (…); 3 errors, 1 warning — FAIL".
    public static func summary(_ analysis: NetworkAnalysis, style: TextStyle) -> String {
        let counts = statusCounts(analysis)
        let parts = [PathCheck.Status.ok, .blocked, .nat, .noRoute].map { status -> String in
            let count = counts[status] ?? 0
            guard count > 0 else { return "0 \(status.rawValue)" }
            return status == .ok ? style.green("\(count) ok") : style.red("\(count) \(status.rawValue)")
        }
        let notRequired = notRequiredCount(analysis)
        let errors = analysis.findings.filter { $0.severity == .error }.count
        let warnings = analysis.findings.filter { $0.severity == .warning }.count
        var line = style.bold("\(analysis.pairs.count) ordered pairs must talk") + ": " + parts.joined(separator: ", ")
        if notRequired > 0 { line += " (\(notRequired) more not required by the Proxying Edge Node exception)" }
        line += "; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        return line + (analysis.isHealthy ? " — " + style.green("PASS") : " — " + style.red("FAIL"))
    }

    /// RFC 4180 CSV, one row per ordered pair of distinct ends (pairs that need not talk too, as `not-required`);
    /// a pair's last column lists all its causes, in path order, separated by " | ".
    public static func csv<Out: TextOutputStream>(_ analysis: NetworkAnalysis, to out: inout Out) {
        // link … source: the pair's first cause on the path; causes: every cause, in path order.
        out.write("from,from_location,from_address,to,to_location,to_address,result,udp_500,esp,link,firewall,rule,reason,source,causes\n")
        let ends = analysis.ends
        for from in ends {
            for to in ends where from != to {
                var row = [analysis.name(of: from), locationName(analysis, from), analysis.address(of: from), analysis.name(of: to), locationName(analysis, to), analysis.address(of: to)]
                if let pair = analysis.pair(from: from, to: to) {
                    let failure = pair.check.failure
                    row += [pair.status.rawValue, pair.ike.status.rawValue, pair.esp.status.rawValue, failure?.link ?? "", failure?.firewall ?? "", failure?.rule ?? (failure?.firewall != nil ? "default" : ""), failure?.description ?? "", failure?.source?.description ?? "", pair.check.causeDescriptions.joined(separator: " | ")]
                } else {
                    row += ["not-required", "", "", "", "", "", "", "", ""]
                }
                out.write(row.map(csvField).joined(separator: ",") + "\n")
            }
        }
    }

    /// `{plan, healthy, summary, nodes, pairs, findings}`; pairs are those that must talk, each with its causes in
    /// path order and, per flow, its first problem.
    public static func json<Out: TextOutputStream>(_ analysis: NetworkAnalysis, to out: inout Out) {
        var json = JSONWriter()
        let counts = statusCounts(analysis)
        json.beginObject()
        json.field("plan", analysis.plan.name)
        json.field("healthy", analysis.isHealthy)
        json.key("summary")
        json.beginObject()
        json.field("pairs", analysis.pairs.count)
        for status in [PathCheck.Status.ok, .blocked, .nat, .noRoute] { json.field(status.rawValue, counts[status] ?? 0) }
        json.field("notRequired", notRequiredCount(analysis))
        json.endObject()
        json.key("nodes")
        json.beginArray()
        for end in analysis.ends {
            json.beginObject()
            json.field("id", id(end))
            json.field("name", analysis.name(of: end))
            json.field("role", role(analysis, end))
            json.field("address", analysis.address(of: end))
            json.field("location", analysis.location(of: end).map { analysis.plan.locations[$0].name })
            json.field("segment", analysis.segmentName(of: end))
            json.endObject()
        }
        json.endArray()
        json.key("pairs")
        json.beginArray()
        for pair in analysis.pairs {
            json.beginObject()
            json.field("from", analysis.name(of: pair.from))
            json.field("to", analysis.name(of: pair.to))
            json.field("result", pair.status.rawValue)
            json.field("path", strings: pair.check.segments)
            // Every cause of the pair, in path order, each with the flows it fails.
            json.key("causes")
            json.beginArray()
            for cause in pair.check.causes {
                json.beginObject()
                json.field("kind", cause.kind.rawValue)
                json.field("flows", strings: pair.check.flows(failing: cause).map(\.description))
                json.field("link", cause.link)
                json.field("firewall", cause.firewall)
                json.field("rule", cause.rule)
                json.field("returnTraffic", cause.isReturnTraffic)
                json.field("reason", cause.reason)
                json.field("source", cause.source?.description)
                json.field("finding", analysis.groupIndex(of: cause).map { analysis.brokenPairGroups[$0].diagnostic.message })
                json.endObject()
            }
            json.endArray()
            json.key("flows")
            json.beginArray()
            for flow in pair.check.flows {
                json.beginObject()
                json.field("flow", flow.flow.description)
                json.field("purpose", flow.flow.purpose)
                json.field("result", flow.status.rawValue)
                json.field("link", flow.failure?.link)
                json.field("firewall", flow.failure?.firewall)
                json.field("rule", flow.failure?.rule)
                json.field("returnTraffic", flow.failure?.isReturnTraffic ?? false)
                json.field("reason", flow.failure?.reason)
                json.field("source", flow.failure?.source?.description)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
        }
        json.endArray()
        json.key("findings")
        json.beginArray()
        for finding in analysis.findings { CheckFormatter.writeDiagnostic(finding, to: &json) }
        json.endArray()
        json.endObject()
        out.write(json.flush() + "\n")
    }

    /// A Graphviz graph for a change review: one cluster per system location (the Management Node on its own),
    /// one green edge per pair of locations whose pairs are all healthy, and every broken pair as a red edge
    /// labelled with the protocol and the firewall rule or NAT responsible. `dot -Tsvg mesh.dot > mesh.svg`.
    public static func dot<Out: TextOutputStream>(_ analysis: NetworkAnalysis, to out: inout Out) {
        let plan = analysis.plan
        let ends = analysis.ends
        let counts = statusCounts(analysis)
        let broken = analysis.pairs.count - (counts[.ok] ?? 0)
        var title = "dialplan mesh \(plan.name): \(counts[.ok] ?? 0) of \(analysis.pairs.count) ordered pairs of Pexip nodes ok"
        if broken > 0 { title += ", \(broken) broken" }
        let notRequired = notRequiredCount(analysis)
        if notRequired > 0 { title += "\n\(notRequired) ordered pairs not required (Proxying Edge Node exception)" }
        var text = "digraph mesh {\n"
        text += "  graph [label=\(quote(title)), labelloc=t, fontname=\"Helvetica\", fontsize=14, compound=true, newrank=true, nodesep=0.4, ranksep=1.0];\n"
        text += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f7f7\", color=\"#555555\", fontname=\"Helvetica\", fontsize=10];\n"
        text += "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n"
        func nodeID(_ end: MeshEnd) -> String {
            switch end {
            case .management: "mgmt"
            case .node(let index): "n\(index)"
            }
        }
        func nodeLabel(_ end: MeshEnd) -> String {
            var label = analysis.name(of: end) + "\n" + analysis.address(of: end)
            if case .node(let index) = end, let nat = plan.nodes[index].staticNATAddress { label += "\nNAT \(nat)" }
            if let segment = analysis.segmentName(of: end) { label += "\n[\(segment)]" }
            return label
        }
        // Groups: the Management Node, then each location with nodes.
        var groups: [(name: String?, members: [MeshEnd])] = []
        if ends.contains(.management) { groups.append((nil, [.management])) }
        for location in plan.locations.ids {
            let members = plan.nodes.ids.filter { plan.nodes[$0].location == location }.map { MeshEnd.node($0) }
            if !members.isEmpty { groups.append((plan.locations[location].name, members)) }
        }
        for (index, group) in groups.enumerated() {
            guard let name = group.name else {
                text += "  mgmt [label=\(quote("Management Node\n" + nodeLabel(.management))), fillcolor=\"#e3ecfa\"];\n"
                continue
            }
            let location = LocationID(plan.locations.firstIndex { $0.name == name }!)
            let proxying = group.members.contains { if case .node(let n) = $0 { plan.nodes[n].nodeType == .proxying } else { false } }
            var label = name + (proxying ? " (proxying edge)" : "")
            if let transcoding = plan.locations[location].transcodingLocation, transcoding != location { label += "\ntranscoding: \(plan.locations[transcoding].name)" }
            text += "  subgraph cluster_\(index) {\n"
            text += "    label=\(quote(label)); style=\"rounded,filled\"; fillcolor=\(proxying ? "\"#fff6e5\"" : "\"#f0f4f8\""); color=\"#8899aa\"; fontname=\"Helvetica\"; fontsize=11;\n"
            for member in group.members {
                text += "    \(nodeID(member)) [label=\(quote(nodeLabel(member)))\(proxying ? ", fillcolor=\"#ffe9c2\"" : "")];\n"
            }
            // A location's nodes side by side keeps its box compact however the edges pull.
            text += "    { rank=same; \(group.members.map(nodeID).joined(separator: "; ")); }\n"
            text += "  }\n"
        }
        // One edge per pair of groups and cause, so that the picture stays readable with many nodes: green when
        // every required pair between two groups is ok both ways, else a red edge per cause and direction (one
        // two-headed edge when both directions break the same way), counting the pairs it breaks.
        let groupOf = Dictionary(uniqueKeysWithValues: groups.enumerated().flatMap { index, group in group.members.map { ($0, index) } })
        func attributes(_ a: Int, _ b: Int) -> [String] {
            var list: [String] = []
            if groups[a].name != nil && a != b { list.append("ltail=cluster_\(a)") }
            if groups[b].name != nil && a != b { list.append("lhead=cluster_\(b)") }
            return list
        }
        // Pairs by (sending group, receiving group), in one pass.
        var byGroups: [[Int]: [MeshPair]] = [:]
        for pair in analysis.pairs {
            guard let from = groupOf[pair.from], let to = groupOf[pair.to] else { continue }
            byGroups[[from, to], default: []].append(pair)
        }
        for a in groups.indices {
            for b in groups.indices where a <= b {
                let forward = byGroups[[a, b]] ?? []
                let backward = a == b ? [] : byGroups[[b, a]] ?? []
                let all = forward + backward
                guard !all.isEmpty else { continue }
                if all.allSatisfy({ $0.status == .ok }) {
                    guard a != b else { continue }
                    let list = ["dir=none", "color=\"#2e7d32\"", "fontcolor=\"#2e7d32\"", "label=\(quote("IPsec ok\n\(all.count) pairs"))"] + attributes(a, b)
                    text += "  \(nodeID(groups[a].members[0])) -> \(nodeID(groups[b].members[0])) [\(list.joined(separator: ", "))];\n"
                    continue
                }
                if a == b {
                    // Inside one location: the pairs themselves, an edge per cause.
                    for pair in forward where pair.status != .ok {
                        for cause in pair.check.causes {
                            text += "  \(nodeID(pair.from)) -> \(nodeID(pair.to)) [\(brokenStyle(cause.kind)), label=\(quote(edgeLabel(cause, pair: pair, analysis)))];\n"
                        }
                    }
                    continue
                }
                // Every cause of every broken pair: a pair with two causes counts under both.
                func causes(_ pairs: [MeshPair]) -> [(label: String, kind: PathFailure.Kind, count: Int)] {
                    var order: [String] = []
                    var found: [String: (PathFailure.Kind, Int)] = [:]
                    for pair in pairs where pair.status != .ok {
                        for cause in pair.check.causes {
                            let label = edgeLabel(cause, pair: pair, analysis)
                            if found[label] == nil { order.append(label) }
                            found[label, default: (cause.kind, 0)].1 += 1
                        }
                    }
                    return order.map { ($0, found[$0]!.0, found[$0]!.1) }
                }
                let there = causes(forward)
                let back = causes(backward)
                // A direction that works while the other does not: say so, or the picture suggests both are broken.
                for (from, to, pairs) in [(a, b, forward), (b, a, backward)] where !pairs.isEmpty && pairs.allSatisfy({ $0.status == .ok }) {
                    let list = ["color=\"#2e7d32\"", "fontcolor=\"#2e7d32\"", "label=\(quote("IPsec ok\n\(pairs.count) pairs"))"] + attributes(from, to)
                    text += "  \(nodeID(groups[from].members[0])) -> \(nodeID(groups[to].members[0])) [\(list.joined(separator: ", "))];\n"
                }
                for cause in there {
                    let both = back.contains { $0.label == cause.label && $0.count == cause.count }
                    let count = cause.count == 1 ? "1 pair" : "\(cause.count) pairs"
                    let list = [brokenStyle(cause.kind), "label=\(quote(cause.label + "\n" + count + (both ? " each way" : "")))"] + (both ? ["dir=both"] : []) + attributes(a, b)
                    text += "  \(nodeID(groups[a].members[0])) -> \(nodeID(groups[b].members[0])) [\(list.joined(separator: ", "))];\n"
                }
                for cause in back where !there.contains(where: { $0.label == cause.label && $0.count == cause.count }) {
                    let count = cause.count == 1 ? "1 pair" : "\(cause.count) pairs"
                    let list = [brokenStyle(cause.kind), "label=\(quote(cause.label + "\n" + count))"] + attributes(b, a)
                    text += "  \(nodeID(groups[b].members[0])) -> \(nodeID(groups[a].members[0])) [\(list.joined(separator: ", "))];\n"
                }
            }
        }
        text += "}\n"
        out.write(text)
    }

    // MARK: Helpers

    static func brokenStyle(_ kind: PathFailure.Kind) -> String {
        let colour = kind == .nat ? "\"#e65100\"" : "\"#c62828\""
        return "color=\(colour), fontcolor=\(colour), penwidth=2"
    }

    /// "ESP blocked by\nsingapore-wan-fw default": the flows are those of the cause's finding (all the flows it
    /// fails), so that one cause has one label; a cause without a finding (a node no segment holds) the pair's.
    static func edgeLabel(_ cause: PathCause, pair: MeshPair, _ analysis: NetworkAnalysis) -> String {
        switch cause.kind {
        case .blocked:
            let flows = analysis.groupIndex(of: cause).map { analysis.brokenPairGroups[$0].flows } ?? pair.check.flows(failing: cause)
            return "\(flows.map(\.description).joined(separator: ", "))\(cause.isReturnTraffic ? " replies" : "") blocked by\n\(cause.firewall ?? "") \(cause.rule ?? "default")"
        case .nat:
            return "NAT on link\n\(cause.link ?? "")"
        case .noRoute:
            return "no route"
        }
    }

    static func id(_ end: MeshEnd) -> String {
        switch end {
        case .management: "M"
        case .node(let index): "\(index.index + 1)"
        }
    }

    static func role(_ analysis: NetworkAnalysis, _ end: MeshEnd) -> String {
        switch end {
        case .management: "management"
        case .node(let index): analysis.plan.nodes[index].nodeType == .proxying ? "proxying" : "conferencing"
        }
    }

    static func locationName(_ analysis: NetworkAnalysis, _ end: MeshEnd) -> String {
        analysis.location(of: end).map { analysis.plan.locations[$0].name } ?? ""
    }

    static func locationLabel(_ analysis: NetworkAnalysis, _ end: MeshEnd) -> String {
        switch end {
        case .management: "management"
        case .node(let index):
            locationName(analysis, end) + (analysis.plan.nodes[index].nodeType == .proxying ? " (edge)" : "")
        }
    }

    static func statusCounts(_ analysis: NetworkAnalysis) -> [PathCheck.Status: Int] {
        var counts: [PathCheck.Status: Int] = [:]
        for pair in analysis.pairs { counts[pair.status, default: 0] += 1 }
        return counts
    }

    static func notRequiredCount(_ analysis: NetworkAnalysis) -> Int {
        let ends = analysis.ends.count
        return ends * (ends - 1) - analysis.pairs.count
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A DOT double-quoted string; `\n` in `text` becomes a centred line break.
    static func quote(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
