extension SfBExport.Reader {
    /// The JSON of `SfBExport.projection`: an array of `{Identity, MatchUri, Transport, Enabled, MatchOnlyPhoneUri,
    /// ReplaceHostInRequestUri}` objects, or one such object when there is one route (ConvertTo-Json unwraps a single
    /// item). Identity and Transport are text because the projection makes them so (`"$($_.Identity)"`); serialised
    /// as they are they would be nested objects (INFERRED, no sample found). The booleans are JSON `true`/`false`.
    /// (../shared/EXPORTS.md §3.1)
    mutating func readJSON(_ file: ExportFile) {
        let document: YAMLTree
        do { document = try JSONDocument.parse(file) } catch {
            sections.diagnostics += error.diagnostics
            return
        }
        let items: [YAMLTree]
        let single: Bool
        switch document {
        case .sequence(let listed, _):
            (items, single) = (listed, false)
        case .mapping:
            (items, single) = ([document], true)
        case .scalar:
            sections.error("a Skype for Business JSON export is the array the static route projection prints, not a single value; export the routes with: \(SfBExport.projection)", at: document.location)
            return
        }
        // The file's routes by configuration, in the order the projection printed them.
        var fileGroups: [SfBExport.RouteGroup] = []
        var groupIndex: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = single ? "" : "[\(index)]."
            guard case .mapping(let entries, _) = item else {
                sections.error("\(single ? "the JSON" : "[\(index)]") must be an object of the static route projection, not \(Self.jsonKind(item)); export the routes with: \(SfBExport.projection)", at: item.location)
                continue
            }
            // Values that are not text (an Identity serialised as an object): reported once the route is read.
            var problems: [Diagnostic] = []
            func field(_ name: String) -> SfBExport.Field? {
                guard let entry = entries.first(where: { $0.key.lowercased() == name.lowercased() }), !entry.value.isNull else { return nil }
                guard let text = entry.value.text else {
                    if !problems.contains(where: { $0.location == entry.value.location }) {
                        problems.append(Diagnostic(.error, "\(path)\(entry.key) is \(Self.jsonKind(entry.value)), not text: the projection turns it into text (\"$($_.\(name))\"); export the routes with: \(SfBExport.projection)", at: entry.value.location))
                    }
                    return nil
                }
                return SfBExport.Field(text: text, name: "\(path)\(entry.key)", location: entry.value.location)
            }
            let missing = ["Identity", "MatchUri", "Transport"].filter { name in !entries.contains { $0.key.lowercased() == name.lowercased() } }
            guard missing.isEmpty else {
                let has = entries.prefix(6).map(\.key).joined(separator: ", ")
                sections.error(
                    "\(single ? "this object" : "[\(index)]") is not one of the static route projection (Identity, MatchUri, Transport, Enabled, MatchOnlyPhoneUri, ReplaceHostInRequestUri): it has no \(missing.joined(separator: ", "))\(has.isEmpty ? "" : " (it has \(has)\(entries.count > 6 ? ", …" : ""))"); export the routes with: \(SfBExport.projection)",
                    at: item.location)
                continue
            }
            let identity = field("Identity")
            let route = route(at: item.location, field)
            sections.diagnostics += problems
            guard problems.isEmpty, let route else { continue }
            guard let identity, !identity.text.isEmpty else {
                sections.error("\(path)Identity is empty: which static routing configuration the route belongs to cannot be told", at: item.location)
                continue
            }
            let key = identity.text.lowercased()
            if let existing = groupIndex[key] {
                fileGroups[existing].routes.append(route)
            } else {
                groupIndex[key] = fileGroups.count
                fileGroups.append(SfBExport.RouteGroup(identity: identity, routes: [route], location: item.location))
            }
        }
        groups += fileGroups
    }

    /// What a JSON node is, as JSON names it.
    static func jsonKind(_ tree: YAMLTree) -> String {
        switch tree {
        case .mapping: "a JSON object"
        case .sequence: "a JSON array"
        case .scalar(_, let isNull, _): isNull ? "null" : "a single value"
        }
    }
}
