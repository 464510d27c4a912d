import Foundation

/// Pexip Infinity Management API exports (`/api/admin/configuration/v1/<resource>/`) as the plan's `pexip` section.
///
/// A file is a list envelope `{"meta": …, "objects": […]}` as the API sends it (keys sorted, one line), a bare JSON
/// array (what `pexshell` prints after following every `meta.next`), or one object (a detail GET). Its resource is
/// its objects' `resource_uri` (the file name only when no object has one). Pages of one resource may be split over
/// files; a `meta.next` page no file holds is a warning. Related objects are resource URIs, resolved by the id in
/// the URI (ids have gaps). `conference.aliases` (inline objects or strings) and `conference_alias` objects are the
/// same aliases, each taken once. [P1] [P3] [P4] [P5] [P7] (../shared/EXPORTS.md §1)
enum PexipExport {
    /// One object of the export, where it is and what names it in messages (`objects[3]`).
    struct Object {
        var resource: PexipResource
        var id: Int?
        var tree: YAMLTree
        /// The object's JSON path within its file: `objects[3]`, `[3]` (a bare array) or `$` (one object).
        var path: String
        var file: String

        var location: SourceLocation { tree.location }

        func value(_ field: String) -> YAMLTree? {
            guard let value = tree[field], !value.isNull else { return nil }
            return value
        }

        func text(_ field: String) -> String? { value(field)?.text }

        func label(_ field: String) -> String { "\(path).\(field)" }

        /// The native entry `key` for the API field `field`, when it has a value.
        func entry(_ key: String, from field: String? = nil) -> YAMLTree.Entry? {
            let field = field ?? key
            guard let value = value(field) else { return nil }
            return YAMLTree.Entry(key, value, label: label(field))
        }
    }

    /// One page of a list envelope.
    struct Page {
        var resource: PexipResource
        var offset: Int
        var count: Int
        var totalCount: Int?
        /// The offset `meta.next` names, and where.
        var next: (offset: Int, location: SourceLocation)?
        var location: SourceLocation
    }

    static func read(_ files: [ExportFile]) -> ImportedSections {
        var reader = Reader()
        for file in files { reader.read(file) }
        // Objects in page order (files are read in name order, which is not the pages' order), each page's objects
        // in their order.
        for page in reader.pending.enumerated().sorted(by: { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }).map(\.element) {
            for object in page.objects { reader.add(object) }
        }
        return reader.finish()
    }

    private struct Reader {
        var sections = ImportedSections()
        /// Resources with pages that no export file holds (`reportMissingPages`).
        var incomplete: Set<PexipResource> = []
        var objects: [PexipResource: [Object]] = [:]
        var seenIDs: [PexipResource: Set<Int>] = [:]
        var pages: [Page] = []
        var reportedFields: Set<String> = []
        /// Each file's objects and the offset of its page (0 without a `meta`), until all files are read.
        var pending: [(offset: Int, objects: [Object])] = []

        mutating func read(_ file: ExportFile) {
            let document: YAMLTree
            do { document = try JSONDocument.parse(file) } catch {
                sections.diagnostics += error.diagnostics
                return
            }
            var items: [YAMLTree]
            var prefix: String
            var meta: YAMLTree?
            switch document {
            case .mapping:
                if let list = document["objects"] {
                    guard case .sequence(let listed, _) = list else {
                        sections.error("'objects' of a Management API list must be a JSON array, not \(list.kindName)", at: list.location)
                        return
                    }
                    items = listed
                    prefix = "objects"
                    meta = document["meta"]
                } else if document["resource_uri"] != nil {
                    items = [document]
                    prefix = "$"
                } else {
                    sections.error("a Management API export is a list ({\"meta\": …, \"objects\": […]}), a JSON array of objects or one object with a resource_uri; this object has neither 'objects' nor 'resource_uri'", at: document.location)
                    return
                }
            case .sequence(let listed, _):
                items = listed
                prefix = ""
            case .scalar:
                sections.error("a Management API export is a JSON object or array, not a single value", at: document.location)
                return
            }
            // The file's resource: its objects' resource_uri, else its name.
            var resource: PexipResource?
            var unknownResource: (String, SourceLocation)?
            for item in items {
                guard let uri = item["resource_uri"]?.text, let parsed = PexipResource.parse(uri: uri) else { continue }
                guard let known = PexipResource(rawValue: parsed.resource) else {
                    unknownResource = unknownResource ?? (parsed.resource, item["resource_uri"]!.location)
                    continue
                }
                if let resource, resource != known {
                    sections.error("this file holds \(resource.rawValue) objects, and this one is a \(known.rawValue) (its resource_uri); export one resource per file", at: item["resource_uri"]!.location)
                    return
                }
                resource = known
            }
            if resource == nil, let (name, location) = unknownResource {
                sections.note("\(file.path) holds \(name) objects, which the analyzer does not read (it reads \(PexipResource.allCases.map(\.rawValue).joined(separator: ", "))); ignored", at: location, check: .exportIgnored)
                return
            }
            if resource == nil { resource = PexipResource.named(byFile: file.path) }
            guard let resource else {
                if items.isEmpty {
                    sections.note("\(file.path) has no objects and no resource in its name; ignored", at: document.location, check: .exportIgnored)
                } else {
                    sections.error("cannot tell which Management API resource these objects are: they have no resource_uri and the file name names none of \(PexipResource.allCases.map(\.rawValue).joined(separator: ", "))", at: items[0].location)
                }
                return
            }
            if let meta { readMeta(meta, resource: resource, count: items.count) }
            var objects: [Object] = []
            for (index, item) in items.enumerated() {
                let path = prefix == "$" ? "$" : "\(prefix)[\(index)]"
                guard case .mapping = item else {
                    sections.error("\(resource.rawValue) \(path) must be a JSON object, not \(item.kindName)", at: item.location)
                    continue
                }
                objects.append(Object(resource: resource, id: id(of: item, resource: resource, path: path), tree: item, path: path, file: file.path))
            }
            pending.append((meta?["offset"]?.text.flatMap { Int($0) } ?? 0, objects))
        }

        /// The object's id: its `id` field, else the one in its resource_uri.
        mutating func id(of item: YAMLTree, resource: PexipResource, path: String) -> Int? {
            if let text = item["id"]?.text {
                guard let id = Int(text) else {
                    sections.error("\(resource.rawValue) \(path).id must be a whole number, not '\(text)'", at: item["id"]!.location)
                    return nil
                }
                return id
            }
            return item["resource_uri"]?.text.flatMap(PexipResource.parse(uri:))?.id
        }

        mutating func add(_ object: Object) {
            // Pages that overlap, or a resource exported twice, give the same object again: it is taken once.
            if let id = object.id {
                guard seenIDs[object.resource, default: []].insert(id).inserted else { return }
            }
            reportUnknownFields(of: object.tree, resource: object.resource, path: object.path)
            objects[object.resource, default: []].append(object)
        }

        mutating func reportUnknownFields(of tree: YAMLTree, resource: PexipResource, path: String) {
            guard case .mapping(let entries, _) = tree else { return }
            let known = resource.fields
            for entry in entries where !known.contains(entry.key) {
                guard reportedFields.insert("\(resource.rawValue).\(entry.key)").inserted else { continue }
                let hint = FieldReader.didYouMean(entry.key, in: Array(known))
                sections.warning("\(resource.rawValue) \(path): '\(entry.key)' is not a field of the Management API's \(resource.rawValue)\(hint); ignored (reported once per resource)", at: entry.keyLocation, check: .unknownExportField)
            }
        }

        mutating func readMeta(_ meta: YAMLTree, resource: PexipResource, count: Int) {
            guard case .mapping = meta else { return }
            func int(_ key: String) -> Int? { meta[key]?.text.flatMap { Int($0) } }
            var next: (Int, SourceLocation)?
            if let uri = meta["next"]?.text {
                let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
                let parameters = Dictionary(query.split(separator: "&").compactMap { pair -> (String, String)? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                }, uniquingKeysWith: { first, _ in first })
                if let offset = parameters["offset"].flatMap({ Int($0) }) { next = (offset, meta["next"]!.location) }
            }
            pages.append(Page(resource: resource, offset: int("offset") ?? 0, count: count, totalCount: int("total_count"), next: next, location: meta.location))
        }

        // MARK: The native section

        mutating func finish() -> ImportedSections {
            reportMissingPages()
            var pexip: [YAMLTree.Entry] = []
            let locations = objects[.systemLocation] ?? []
            if !locations.isEmpty {
                pexip.append(YAMLTree.Entry("system_locations", .list(locations.map { systemLocation($0) }, at: locations[0].location)))
            }
            let nodes = objects[.workerVM] ?? []
            if !nodes.isEmpty { pexip.append(YAMLTree.Entry("worker_vms", .list(nodes.map { workerVM($0) }, at: nodes[0].location))) }
            if let management = managementVM() { pexip.append(YAMLTree.Entry("management_vm", management)) }
            let conferences = objects[.conference] ?? []
            let services = self.conferences(conferences)
            if !services.isEmpty { pexip.append(YAMLTree.Entry("conferences", .list(services, at: services[0].location))) }
            let rules = objects[.gatewayRoutingRule] ?? []
            if !rules.isEmpty {
                pexip.append(YAMLTree.Entry("gateway_routing_rules", .list(rules.map { gatewayRule($0) }, at: rules[0].location)))
            }
            if !pexip.isEmpty { sections.entries.append(YAMLTree.Entry("pexip", .map(pexip, at: pexip[0].value.location))) }
            return sections
        }

        static let exportEveryPage = "export every page (dialplan fetch pexip, pexshell, or limit and offset up to meta.total_count)"

        /// For each resource whose pages say there are more objects than the files hold: one warning.
        mutating func reportMissingPages() {
            for resource in PexipResource.allCases {
                let resourcePages = pages.filter { $0.resource == resource }
                guard !resourcePages.isEmpty else { continue }
                let read = objects[resource]?.count ?? 0
                let offsets = Set(resourcePages.map(\.offset))
                let total = resourcePages.compactMap(\.totalCount).max()
                if let missing = resourcePages.compactMap(\.next).first(where: { !offsets.contains($0.offset) }) {
                    incomplete.insert(resource)
                    sections.warning("\(resource.rawValue): meta.next names the page at offset \(missing.offset), which no export file holds; \(read) of \(total.map(String.init) ?? "?") objects (meta.total_count) read; \(Reader.exportEveryPage)", at: missing.location, check: .missingExportPage)
                } else if let total, read < total {
                    incomplete.insert(resource)
                    sections.warning("\(resource.rawValue): meta.total_count is \(total) but the export files hold \(read) objects; \(Reader.exportEveryPage)", at: resourcePages[0].location, check: .missingExportPage)
                }
            }
        }

        /// The name of the `expected` object that the URI under `field` names: an entry for `key`, or an error.
        mutating func reference(_ object: Object, _ field: String, as key: String? = nil, to expected: PexipResource, what: String) -> YAMLTree.Entry? {
            guard let value = object.value(field), let uri = value.text, !uri.isEmpty else { return nil }
            guard let (resource, id) = PexipResource.parse(uri: uri), resource == expected.rawValue else {
                sections.error("\(what): \(object.label(field)) '\(uri)' is not a \(expected.rawValue) resource URI (\(PexipResource.apiPath)\(expected.rawValue)/<id>/)", at: value.location)
                return nil
            }
            guard let target = objects[expected]?.first(where: { $0.id == id }), let name = target.text("name") else {
                let held = objects[expected]?.compactMap(\.id).sorted().map(String.init) ?? []
                var note = held.isEmpty ? "no export file holds \(expected.rawValue) objects" : "the exports hold \(expected.rawValue) ids \(held.prefix(12).joined(separator: ", "))\(held.count > 12 ? ", …" : "")"
                if incomplete.contains(expected) { note += "; pages of \(expected.rawValue) are missing: \(Reader.exportEveryPage)" }
                sections.error("\(what): \(object.label(field)) names \(expected.rawValue) \(id), which is not in the export (\(note))", at: value.location)
                return nil
            }
            return YAMLTree.Entry(key ?? field, .text(name, at: value.location), label: object.label(field))
        }

        func what(_ object: Object) -> String {
            "\(object.resource.rawValue) \(object.text("name").map { "'\($0)'" } ?? object.path)"
        }

        /// Entries for the fields copied as they are, leaving out empty strings where the API means "unset".
        func copied(_ object: Object, _ fields: [String], emptyIsUnset: Set<String> = []) -> [YAMLTree.Entry] {
            fields.compactMap { field in
                guard let entry = object.entry(field) else { return nil }
                if emptyIsUnset.contains(field), entry.value.text?.isEmpty == true { return nil }
                return entry
            }
        }

        mutating func systemLocation(_ object: Object) -> YAMLTree {
            var entries = copied(object, ["name", "description", "local_mssip_domain"], emptyIsUnset: ["local_mssip_domain", "description"])
            let what = what(object)
            for field in ["transcoding_location", "overflow_location1", "overflow_location2"] {
                if let entry = reference(object, field, to: .systemLocation, what: what) { entries.append(entry) }
            }
            return .map(entries, at: object.location)
        }

        mutating func workerVM(_ object: Object) -> YAMLTree {
            var entries = copied(
                object, ["name", "description", "hostname", "domain", "address", "netmask", "gateway", "static_nat_address", "alternative_fqdn", "maintenance_mode"],
                emptyIsUnset: ["description", "hostname", "domain", "netmask", "gateway", "static_nat_address", "alternative_fqdn"])
            let what = what(object)
            if let entry = reference(object, "system_location", to: .systemLocation, what: what) { entries.append(entry) }
            if let entry = object.entry("node_type") {
                entries.append(entry)
            } else if let transcoding = object.value("transcoding") {
                // The deprecated boolean of older versions: a node that does not transcode is a Proxying Edge Node.
                // [P1 worker_vm_model.go] [P2 resource_infinity_worker_vm.go]
                let proxying = ["false", "0", "no"].contains(transcoding.text?.lowercased() ?? "")
                entries.append(YAMLTree.Entry("node_type", .text(proxying ? "proxying" : "conferencing", at: transcoding.location), label: object.label("transcoding")))
            }
            return .map(entries, at: object.location)
        }

        mutating func managementVM() -> YAMLTree? {
            let all = objects[.managementVM] ?? []
            guard let chosen = all.first(where: { $0.text("primary")?.lowercased() == "true" }) ?? all.first else { return nil }
            if all.count > 1 {
                sections.warning("the export holds \(all.count) management_vm objects; the analyzer uses \(what(chosen))\(chosen.text("primary")?.lowercased() == "true" ? " (primary)" : "")", at: chosen.location, check: .exportIgnored)
            }
            return .map(copied(chosen, ["name", "address"]), at: chosen.location)
        }

        mutating func conferences(_ conferences: [Object]) -> [YAMLTree] {
            // conference_alias objects by the id of their conference.
            var separate: [Int: [Object]] = [:]
            let conferenceIDs = Set(conferences.compactMap(\.id))
            for alias in objects[.conferenceAlias] ?? [] {
                guard let value = alias.value("conference"), let uri = value.text,
                    let (resource, id) = PexipResource.parse(uri: uri), resource == PexipResource.conference.rawValue
                else {
                    sections.error("conference_alias \(alias.path): \(alias.label("conference")) must be a conference resource URI", at: alias.value("conference")?.location ?? alias.location)
                    continue
                }
                guard conferenceIDs.contains(id) else {
                    let name = alias.text("alias").map { "'\($0)'" } ?? alias.path
                    let advice = incomplete.contains(.conference) ? "pages of conference are missing: \(Reader.exportEveryPage)" : "export the conference resource too"
                    sections.error("conference_alias \(name) belongs to conference \(id), which is not in the export (\(advice))", at: value.location)
                    continue
                }
                separate[id, default: []].append(alias)
            }
            return conferences.map { conference in
                var entries = copied(conference, ["name", "description", "service_type"], emptyIsUnset: ["description"])
                var aliases: [YAMLTree] = []
                var ids: Set<Int> = []
                var texts: Set<String> = []
                func add(_ alias: YAMLTree, text: String, id: Int?, label: String) {
                    if let id, !ids.insert(id).inserted { return }
                    guard texts.insert(text).inserted else { return }
                    aliases.append(.map([YAMLTree.Entry("alias", .text(text, at: alias.location), label: label)], at: alias.location))
                }
                if let inline = conference.value("aliases") {
                    if case .sequence(let items, _) = inline {
                        for (index, item) in items.enumerated() {
                            let path = conference.label("aliases") + "[\(index)]"
                            switch item {
                            case .scalar(let text, false, _):
                                add(item, text: text, id: nil, label: path)
                            case .mapping:
                                reportUnknownFields(of: item, resource: .conferenceAlias, path: path)
                                guard let value = item["alias"], let text = value.text else {
                                    sections.error("\(what(conference)): \(path) has no 'alias'", at: item.location)
                                    continue
                                }
                                add(value, text: text, id: item["id"]?.text.flatMap { Int($0) }, label: path + ".alias")
                            default:
                                sections.error("\(what(conference)): \(path) must be an alias object or text, not \(item.kindName)", at: item.location)
                            }
                        }
                    } else {
                        sections.error("\(what(conference)): \(conference.label("aliases")) must be a JSON array, not \(inline.kindName)", at: inline.location)
                    }
                }
                for alias in (conference.id.flatMap { separate[$0] } ?? []).sorted(by: { ($0.id ?? 0) < ($1.id ?? 0) }) {
                    guard let value = alias.value("alias"), let text = value.text else {
                        sections.error("conference_alias \(alias.path) has no 'alias'", at: alias.location)
                        continue
                    }
                    add(value, text: text, id: alias.id, label: alias.label("alias"))
                }
                if !aliases.isEmpty { entries.append(YAMLTree.Entry("aliases", .list(aliases, at: aliases[0].location))) }
                return .map(entries, at: conference.location)
            }
        }

        mutating func gatewayRule(_ object: Object) -> YAMLTree {
            var entries = copied(object, [
                "name", "description", "priority", "enable", "match_string", "match_string_full", "replace_string",
                "called_device_type", "outgoing_protocol", "call_type", "match_incoming_calls", "match_outgoing_calls",
                "match_incoming_sip", "match_incoming_h323", "match_incoming_mssip", "match_incoming_webrtc",
                "match_incoming_teams", "match_incoming_only_if_registered", "treat_as_trusted", "tag",
            ], emptyIsUnset: ["description", "tag"])
            let what = what(object)
            for field in ["match_source_location", "outgoing_location"] {
                if let entry = reference(object, field, to: .systemLocation, what: what) { entries.append(entry) }
            }
            // Proxies by name where the export holds them; their URI otherwise (the simulation does not use them).
            for (field, resource) in [("sip_proxy", PexipResource.sipProxy), ("mssip_proxy", .mssipProxy), ("teams_proxy", .teamsProxy)] {
                guard let value = object.value(field), let uri = value.text, !uri.isEmpty else { continue }
                if objects[resource]?.isEmpty == false {
                    if let entry = reference(object, field, to: resource, what: what) { entries.append(entry) }
                } else {
                    entries.append(YAMLTree.Entry(field, value, label: object.label(field)))
                }
            }
            return .map(entries, at: object.location)
        }
    }
}
