/// Prints a `PlanDiff`.
public enum DiffFormatter {
    /// A header, each group with its count, routes before and after, sites and example aliases, and a summary.
    public static func text<Out: TextOutputStream>(_ diff: PlanDiff, examples: Int, style: TextStyle, to out: inout Out) {
        out.write(style.bold("dialplan diff \(diff.oldPlan) → \(diff.newPlan)") + ": \(diff.compared) calls compared\n\n")
        for group in diff.groups {
            let sites = group.sites(examples: examples)
            out.write(style.yellow("\(group.changes.count) call\(group.changes.count == 1 ? "" : "s")") + " from \(sites.count == 1 ? sites[0].site : "\(sites.count) sites"): " + style.bold(group.title) + "\n")
            if let route = group.routeBefore, !route.isEmpty { out.write("    " + style.dim("before: \(route)") + "\n") }
            if let route = group.routeAfter, !route.isEmpty { out.write("    " + style.dim("after:  \(route)") + "\n") }
            for site in sites.prefix(20) {
                let listed = site.aliases.joined(separator: ", ")
                let more = site.aliasCount > examples ? ", and \(site.aliasCount - examples) more" : ""
                out.write("    \(site.site): \(site.calls) call\(site.calls == 1 ? "" : "s"), e.g. \(listed)\(more)\n")
            }
            if sites.count > 20 { out.write("    … and \(sites.count - 20) more sites\n") }
            out.write("\n")
        }
        let summary = diff.groups.isEmpty ? style.green("no call changed") : style.yellow("\(diff.changedCount) call\(diff.changedCount == 1 ? "" : "s") changed") + " in \(diff.groups.count) group\(diff.groups.count == 1 ? "" : "s")"
        out.write(style.bold("\(diff.compared) calls compared") + ": " + summary + "\n")
    }

    /// JSON: summary, and each group with every change (the call before and after).
    public static func json<Out: TextOutputStream>(_ diff: PlanDiff, to out: inout Out) {
        var json = JSONWriter()
        json.beginObject()
        json.field("old", diff.oldPlan)
        json.field("new", diff.newPlan)
        json.field("compared", diff.compared)
        json.field("changed", diff.changedCount)
        json.key("groups")
        json.beginArray()
        for group in diff.groups {
            json.beginObject()
            json.field("change", group.title)
            json.field("routeBefore", group.routeBefore)
            json.field("routeAfter", group.routeAfter)
            json.field("count", group.changes.count)
            json.key("calls")
            json.beginArray()
            for change in group.changes {
                json.beginObject()
                json.field("site", change.site)
                json.field("alias", change.alias)
                json.field("protocol", change.callProtocol.rawValue)
                json.key("before")
                if let before = change.before { before.writeJSON(&json) } else { json.string(nil) }
                json.key("after")
                if let after = change.after { after.writeJSON(&json) } else { json.string(nil) }
                json.endObject()
                if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        out.write(json.flush() + "\n")
    }

}

extension PlanDiff.Group {
    /// The group's calls per site, in first-seen order: how many, the first `examples` distinct aliases dialled,
    /// and how many distinct aliases in all. One pass (a group can hold millions of calls).
    public func sites(examples: Int) -> [(site: String, calls: Int, aliases: [String], aliasCount: Int)] {
        var order: [String] = []
        var calls: [String: Int] = [:]
        var seen: [String: Set<String>] = [:]
        var aliases: [String: [String]] = [:]
        // (Mutated in place through the dictionaries' subscripts, so nothing is copied per call.)
        for change in changes {
            if calls[change.site] == nil { order.append(change.site) }
            calls[change.site, default: 0] += 1
            if seen[change.site, default: []].insert(change.alias).inserted, aliases[change.site, default: []].count < examples {
                aliases[change.site, default: []].append(change.alias)
            }
        }
        return order.map { ($0, calls[$0]!, aliases[$0] ?? [], seen[$0]?.count ?? 0) }
    }
}
