/// Cisco VCS / Expressway `xConfiguration` exports, one `call_control` cluster each, in the native schema.
///
/// What a cluster is made of, and the keys it is read from (../shared/EXPORTS.md §2, corrected by the research
/// report's keys [X15REF]):
/// - `name`: the import's `name:`, else `Alternates Cluster Name`, else `SystemUnit Name` [X15REF ≈181.5k, ≈296k];
///   `system_name` (what `%systemname%` stands for): `SystemUnit Name`.
/// - `addresses`: `Alternates Peer [1..6] Address`, `Ethernet [1..2] IP V4 Address` / `IP V6 Address` and
///   `<IP DNS Hostname>.<IP DNS Domain Name>`, each once. [C5] [C6] [X15REF]
/// - `sip_domains`: `SIP Domain [1..200] Name` (X8 and later) and `SIP Domains Domain [n] Name` (older). [X15REF ≈281k] [C4]
/// - `subzones` with their membership rules, `policy_services`, `transforms`, `zones` and `search_rules`
///   (VCSExport+Routing.swift).
///
/// Every entry is the record's value as text, located at the value and named by the record's key, so the plan
/// builder's messages point into the export and speak its language. Enum values pass through as the export spells
/// them (the builder compares them without case, spaces, `_` or `-`); only values whose native spelling differs
/// (zone and target types, Yes/No) are mapped. Pattern variables (`%localdomains%`, `%systemname%`, …) are left for
/// the builder to expand. Keys the analyzer does not use (hundreds per zone) are ignored.
enum VCSExport {
    /// `callPolicy`: the cluster's Call Policy rules as the plan gives them (its imports entry's `call_policy`), which
    /// xConfiguration does not print.
    static func read(_ file: ExportFile, name: String?, nameAt: SourceLocation?, callPolicy: YAMLTree.Entry? = nil) -> ImportedSections {
        var sections = ImportedSections()
        let parsed = XConfiguration(parsing: file)
        sections.diagnostics += parsed.diagnostics
        guard !parsed.records.isEmpty else {
            if !sections.hasErrors {
                sections.error("\(file.path) holds no xConfiguration records (lines '*c xConfiguration <path> <key>: <value>'); export the cluster's configuration with the CLI command xConfiguration", at: SourceLocation(file: file.path, line: 1, column: 1))
            }
            return sections
        }
        let settings = XConfiguration.Settings(parsed.records, into: &sections)
        var reader = Reader(settings: settings, sections: sections)
        if let cluster = reader.cluster(name: name, at: nameAt, callPolicy: callPolicy) {
            reader.sections.entries.append(YAMLTree.Entry("call_control", .list([cluster], at: cluster.location)))
        }
        return reader.sections
    }

    /// Builds the cluster from the settings, collecting the problems met.
    struct Reader {
        let settings: XConfiguration.Settings
        var sections: ImportedSections
        /// The SIP domains' indexes in the export and their positions in `sip_domains`, which differ after an
        /// empty slot (VCSExport+Domains.swift).
        var domainPositions: [Int: Int] = [:]
        var highestDomainIndex = 0

        /// Where the export starts: the place of anything that has no record of its own.
        var start: SourceLocation { settings.records[0].start }

        mutating func cluster(name given: String?, at givenAt: SourceLocation?, callPolicy: YAMLTree.Entry?) -> YAMLTree? {
            var entries: [YAMLTree.Entry] = []
            if let given {
                entries.append(YAMLTree.Entry("name", .text(given, at: givenAt ?? start)))
            } else if let record = settings.nonEmpty("Alternates Cluster Name") ?? settings.nonEmpty("SystemUnit Name") {
                entries.append(.imported("name", record))
            } else {
                sections.error("\(start.file) names no cluster (its Alternates Cluster Name and SystemUnit Name are empty or missing); give it one in the plan: imports: {call_control: [{file: …, name: …}]}", at: start)
                return nil
            }
            if let system = settings.nonEmpty("SystemUnit Name") { entries.append(.imported("system_name", system)) }
            // Call Policy: Local CPL is the rules configured on the VCS or an uploaded CPL script, and a policy service
            // is external. The rules are not in the export: given with the import (`call_policy`), they are
            // simulated; otherwise the plan says the policy is not (`cpl`). [VCS "Call Policy"]
            if let mode = settings.nonEmpty("Policy AdministratorPolicy Mode") {
                let normalized = FieldReader.normalize(mode.value)
                if normalized == "policyservice" || normalized == "localcpl" && callPolicy == nil {
                    entries.append(YAMLTree.Entry("cpl", .text("true", at: mode.valueLocation), label: mode.key))
                }
            }
            if let callPolicy { entries.append(callPolicy) }
            // H.323 <-> SIP interworking and the Default Zone's authentication policy. [VCS "Interworking";
            // "Authentication policy"] [EXPORTS §2.2 Default Zone]
            if let mode = settings.nonEmpty("Interworking Mode") { entries.append(.imported("interworking", mode)) }
            if let mode = settings.nonEmpty("Zones DefaultZone Authentication Mode") { entries.append(.imported("default_zone_authentication_mode", mode)) }
            if let addresses = addresses() { entries.append(addresses) }
            if let domains = sipDomains() { entries.append(domains) }
            let subzones = subzones()
            if !subzones.isEmpty { entries.append(YAMLTree.Entry("subzones", .list(subzones.map(\.tree), at: subzones[0].tree.location))) }
            let services = policyServices()
            if !services.isEmpty { entries.append(YAMLTree.Entry("policy_services", .list(services.map(\.tree), at: services[0].tree.location))) }
            let transforms = transforms()
            if !transforms.isEmpty { entries.append(YAMLTree.Entry("transforms", .list(transforms, at: transforms[0].location))) }
            let zones = zones()
            if !zones.isEmpty { entries.append(YAMLTree.Entry("zones", .list(zones.map(\.tree), at: zones[0].tree.location))) }
            let rules = searchRules(zones: Set(zones.map(\.name)), subzones: Set(subzones.map(\.name)))
            if !rules.isEmpty { entries.append(YAMLTree.Entry("search_rules", .list(rules, at: rules[0].location))) }
            return .map(entries, at: start)
        }

        /// How other clusters' zones reach this one: the cluster peers, the LAN addresses and the FQDN, each once
        /// (compared without case, as DNS names are), in that order.
        mutating func addresses() -> YAMLTree.Entry? {
            var items: [YAMLTree] = []
            var label: String?
            var seen: Set<String> = []
            func add(_ text: String, at location: SourceLocation, key: String) {
                guard seen.insert(text.lowercased()).inserted else { return }
                items.append(.text(text, at: location))
                label = label ?? key
            }
            for peer in settings.objects("Alternates Peer", in: 1...6, into: &sections) {
                if let address = peer.nonEmpty("Address") { add(address.value, at: address.valueLocation, key: address.key) }
            }
            for lan in settings.objects("Ethernet", in: 1...2, into: &sections) {
                for key in ["IP V4 Address", "IP V6 Address"] {
                    if let address = lan.nonEmpty(key) { add(address.value, at: address.valueLocation, key: address.key) }
                }
            }
            if let host = settings.nonEmpty("IP DNS Hostname"), let domain = settings.nonEmpty("IP DNS Domain Name") {
                add("\(host.value).\(domain.value)", at: host.valueLocation, key: "\(host.key) + \(domain.key)")
            }
            guard let label, !items.isEmpty else { return nil }
            return YAMLTree.Entry("addresses", .list(items, at: items[0].location), label: label)
        }

        /// The SIP domains in index order, under either spelling; empty slots are not domains, and the positions
        /// of the others are kept for `%localdomain<n>%`.
        mutating func sipDomains() -> YAMLTree.Entry? {
            var slots: [(index: Int, record: XConfiguration.Record)] = []
            for path in ["SIP Domains Domain", "SIP Domain"] {
                for domain in settings.objects(path, in: 1...200, into: &sections) {
                    if let name = domain.nonEmpty("Name") { slots.append((domain.index, name)) }
                }
            }
            // Stable, so the older spelling comes first at an index both give.
            let ordered = slots.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }.map(\.element.record)
            var seen: Set<String> = []
            let domains = ordered.filter { seen.insert($0.value.lowercased()).inserted }
            var positions: [String: Int] = [:]
            for (offset, domain) in domains.enumerated() { positions[domain.value.lowercased()] = offset + 1 }
            for slot in slots where domainPositions[slot.index] == nil {
                domainPositions[slot.index] = positions[slot.record.value.lowercased()]
            }
            highestDomainIndex = slots.map(\.index).max() ?? 0
            guard let first = domains.first else { return nil }
            return YAMLTree.Entry("sip_domains", .list(domains.map { .text($0.value, at: $0.valueLocation) }, at: first.valueLocation), label: first.key)
        }

        /// The object's `Name` record. An object without one is an incomplete export (an error); one whose name is
        /// empty is an unused slot, left out with a note.
        mutating func name(of object: XConfiguration.Object, what: String) -> XConfiguration.Record? {
            guard let record = object.record("Name") else {
                sections.error("\(object.path) has no Name record, so the \(what) cannot be read; export the whole configuration (xConfiguration)", at: object.location)
                return nil
            }
            guard !record.value.isBlank else {
                sections.note("\(record.key) is empty: an unused \(what) slot, left out", at: record.valueLocation, check: .exportIgnored)
                return nil
            }
            return record
        }

        /// Subzones with their membership rules, kept as information (the simulation places sites by their
        /// `subzone`). [X15REF ≈314k–318k] [C5]
        mutating func subzones() -> [(name: String, tree: YAMLTree)] {
            let rules = settings.objects("Zones LocalZone SubZones MembershipRules Rule", in: 1...3000, into: &sections)
            var bySubzone: [String: [XConfiguration.Object]] = [:]
            for rule in rules {
                if let target = rule.record("SubZoneName") { bySubzone[target.value, default: []].append(rule) }
            }
            var result: [(name: String, tree: YAMLTree)] = []
            // The Default Subzone has no name record, only its settings. [EXPORTS §2.2 Local Zone]
            if let mode = settings.nonEmpty("Zones LocalZone DefaultSubZone Authentication Mode") {
                let name = YAMLTree.Entry("name", .text(PlanBuilder.defaultSubzone, at: mode.start), label: mode.key)
                result.append((PlanBuilder.defaultSubzone, .map([name, .imported("authentication_mode", mode)], at: mode.start)))
            }
            var placed: Set<Int> = []
            for subzone in settings.objects("Zones LocalZone SubZones SubZone", in: 1...1000, into: &sections) {
                guard let name = name(of: subzone, what: "subzone") else { continue }
                var entries: [YAMLTree.Entry] = [.imported("name", name)]
                if let entry = subzone.entry("authentication_mode", "Authentication Mode") { entries.append(entry) }
                let members = bySubzone[name.value] ?? []
                if !members.isEmpty {
                    let trees = members.map { rule -> YAMLTree in
                        placed.insert(rule.index)
                        let fields = [
                            ("name", "Name"), ("priority", "Priority"), ("type", "Type"), ("subnet_address", "Subnet Address"),
                            ("subnet_prefix_length", "Subnet PrefixLength"), ("pattern_type", "Pattern Type"),
                            ("pattern_string", "Pattern String"), ("state", "State"),
                        ]
                        return .map(fields.compactMap { rule.entry($0.0, $0.1) }, at: rule.location)
                    }
                    entries.append(YAMLTree.Entry("membership_rules", .list(trees, at: trees[0].location), label: members[0].label("SubZoneName")))
                }
                result.append((name.value, .map(entries, at: subzone.location)))
            }
            for rule in rules where !placed.contains(rule.index) {
                let target = rule.record("SubZoneName")
                let message = target.map { "\($0.key): \(XConfiguration.quoted($0.value)) names no subzone of the export" }
                    ?? "\(rule.path) has no SubZoneName"
                sections.warning("\(message); the membership rule is left out", at: target?.valueLocation ?? rule.location, check: .exportIgnored)
            }
            return result
        }

        /// Policy services by name: search rules may target them. [X15REF ≈258k]
        mutating func policyServices() -> [(name: String, tree: YAMLTree)] {
            settings.objects("Policy Services Service", in: 1...20, into: &sections).compactMap { service in
                guard let name = name(of: service, what: "policy service") else { return nil }
                return (name.value, .map([.imported("name", name)], at: service.location))
            }
        }
    }
}
