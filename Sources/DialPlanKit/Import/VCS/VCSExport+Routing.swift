extension VCSExport.Reader {
    /// `Zones Zone <n> Type` values and the native zone types. [X15REF ≈382.4k: exactly these five]
    static let zoneTypes: [(vcs: String, native: String)] = [
        ("Neighbor", "neighbor"), ("TraversalClient", "traversal_client"), ("TraversalServer", "traversal_server"),
        ("DNS", "dns"), ("ENUM", "enum"),
    ]

    /// `Zones Policy SearchRules Rule <n> Target Type` values and the native target types. [X15REF ≈330k]
    static let targetTypes: [(vcs: String, native: String)] = [("Zone", "zone"), ("PolicyService", "policy_service")]

    /// The native value for `record`'s, by `table`; an error naming the record and the values it may take when it
    /// has none.
    mutating func mapped(_ record: XConfiguration.Record, by table: [(vcs: String, native: String)], what: String) -> String? {
        let wanted = FieldReader.normalize(record.value)
        if let match = table.first(where: { FieldReader.normalize($0.vcs) == wanted }) { return match.native }
        sections.error("\(record.key): \(XConfiguration.quoted(record.value)) is not \(what) (\(table.map(\.vcs).joined(separator: ", ")))", at: record.valueLocation)
        return nil
    }

    /// A Yes/No record as the native true/false.
    mutating func yesNo(_ record: XConfiguration.Record, as key: String) -> YAMLTree.Entry? {
        let value: String
        switch FieldReader.normalize(record.value) {
        case "yes": value = "true"
        case "no": value = "false"
        default:
            sections.error("\(record.key): \(XConfiguration.quoted(record.value)) is neither Yes nor No", at: record.valueLocation)
            return nil
        }
        return YAMLTree.Entry(key, .text(value, at: record.valueLocation), label: record.key)
    }

    /// A value the export leaves out, where VCS's default differs from the native one: located at the object,
    /// named by the key the export would print.
    func vcsDefault(_ key: String, _ value: String, of object: XConfiguration.Object, exportKey: String) -> YAMLTree.Entry {
        YAMLTree.Entry(key, .text(value, at: object.location), label: object.label(exportKey))
    }

    // MARK: Transforms

    /// Pre-search transforms `Transform [1..100]`, which have no name: the description names one when it has
    /// one, else its path. `Pattern Behavior` defaults to Strip on VCS. [X15REF ≈297k] [C3 p.262] [C5]
    mutating func transforms() -> [YAMLTree] {
        settings.objects("Transform", in: 1...100, into: &sections).map { transform in
            var entries: [YAMLTree.Entry] = []
            if let description = transform.nonEmpty("Description") {
                entries.append(.imported("name", description))
            } else {
                entries.append(YAMLTree.Entry("name", .text(transform.path, at: transform.location), label: transform.path))
            }
            for (key, exportKey) in [("priority", "Priority"), ("pattern_type", "Pattern Type")] {
                if let entry = transform.entry(key, exportKey) { entries.append(entry) }
            }
            if let entry = patternEntry("pattern_string", "Pattern String", of: transform) { entries.append(entry) }
            entries.append(transform.entry("pattern_behavior", "Pattern Behavior")
                ?? vcsDefault("pattern_behavior", "Strip", of: transform, exportKey: "Pattern Behavior"))
            if let entry = patternEntry("replace_string", "Pattern Replace", of: transform) { entries.append(entry) }
            for (key, exportKey) in [("state", "State"), ("description", "Description")] {
                if let entry = transform.entry(key, exportKey) { entries.append(entry) }
            }
            return .map(entries, at: transform.location)
        }
    }

    // MARK: Zones

    /// Zones `Zones Zone [1..1000]`: their type's keys are prefixed by it (`Neighbor Peer 1 Address`,
    /// `TraversalClient SIP Port`). A traversal server zone has no peer addresses, since the client connects in;
    /// DNS and ENUM zones have none either. [X15REF ≈340k–382k] [C1 zones 6 and 7] [C2]
    mutating func zones() -> [(name: String, tree: YAMLTree)] {
        var result: [(name: String, tree: YAMLTree)] = []
        for zone in settings.objects("Zones Zone", in: 1...1000, into: &sections) {
            guard let name = name(of: zone, what: "zone") else { continue }
            var entries: [YAMLTree.Entry] = [.imported("name", name)]
            // The builder's default type is neighbor, as every zone of an export that lacks the key is read.
            var type = "neighbor"
            if let record = zone.record("Type") {
                guard let native = mapped(record, by: Self.zoneTypes, what: "a zone type") else { continue }
                type = native
                entries.append(YAMLTree.Entry("type", .text(native, at: record.valueLocation), label: record.key))
            }
            let prefix: String? = switch type {
            case "neighbor": "Neighbor"
            case "traversal_client": "TraversalClient"
            case "traversal_server": "TraversalServer"
            default: nil
            }
            if let prefix, type != "traversal_server" {
                let peers = zone.objects("\(prefix) Peer", in: 1...6, into: &sections).compactMap { $0.nonEmpty("Address") }
                if let first = peers.first {
                    entries.append(YAMLTree.Entry("peers", .list(peers.map { .text($0.value, at: $0.valueLocation) }, at: first.valueLocation), label: first.key))
                }
            }
            if let hopCount = zone.entry("hop_count", "HopCount") { entries.append(hopCount) }
            // Protocol modes (`Neighbor SIP Mode`, or the type-less `SIP Mode`), the authentication policy and SIP
            // authentication trust. [VCS "Zones"; "Authentication policy"] [EXPORTS §2.2 Zones]
            let modePrefix = prefix ?? (type == "dns" ? "DNS" : nil)
            for (key, exportKey) in [("sip_mode", "SIP Mode"), ("h323_mode", "H323 Mode"), ("authentication_mode", "Authentication Mode"),
                                     ("sip_authentication_trust", "SIP AuthenticationTrust Mode"), ("sip_transport", "SIP Transport")] {
                if let entry = modePrefix.flatMap({ zone.entry(key, "\($0) \(exportKey)") }) ?? zone.entry(key, exportKey) { entries.append(entry) }
            }
            if let prefix, type != "neighbor" {
                // What pairs a client zone with its server zone. [X15REF ≈364k–382k] [C1]
                if let username = zone.nonEmpty("\(prefix) Authentication UserName") { entries.append(.imported("username", username)) }
                if let port = zone.nonEmpty("\(prefix) SIP Port") { entries.append(.imported("sip_port", port)) }
            }
            result.append((name.value, .map(entries, at: zone.location)))
        }
        return result
    }

    // MARK: Search rules

    /// Search rules `Zones Policy SearchRules Rule [1..2000]`, system-generated ones too. Pattern keys are left out
    /// unless the mode is AliasPatternMatch, and the source name unless the source mode is Named (the export prints
    /// them anyway, and the builder would warn that they are ignored). A system-generated rule that names a
    /// zone the export does not hold (Expressway's automatic Unified CM zones, `CEtls-<node>`, are not in
    /// xConfiguration) is left out with a warning. VCS defaults where the export lacks a key: Mode AnyAlias,
    /// Pattern Behavior Strip. [X15REF ≈328k–335k] [C1 rule 3] [C2] [C3 p.235]
    mutating func searchRules(zones: Set<String>, subzones: Set<String>) -> [YAMLTree] {
        var result: [YAMLTree] = []
        for rule in settings.objects("Zones Policy SearchRules Rule", in: 1...2000, into: &sections) {
            guard let name = name(of: rule, what: "search rule") else { continue }
            var entries: [YAMLTree.Entry] = [.imported("name", name)]
            var failed = false
            for (key, exportKey) in [
                ("description", "Description"), ("priority", "Priority"), ("protocol", "Protocol"), ("source_mode", "Source Mode"),
            ] {
                if let entry = rule.entry(key, exportKey) { entries.append(entry) }
            }
            // The source name matters only to a Named source; VCS keeps (and prints) the last one given.
            if let mode = rule.record("Source Mode"), FieldReader.normalize(mode.value) == "named",
                let entry = rule.entry("source_name", "Source Name")
            {
                entries.append(entry)
            }
            // A key the export leaves out takes the plan's default for it, which is VCS's (`PlanBuilder`): one table.
            let mode = rule.record("Mode")
            if let mode { entries.append(.imported("mode", mode)) }
            if mode.map({ FieldReader.normalize($0.value) == "aliaspatternmatch" }) ?? true {
                if let entry = rule.entry("pattern_type", "Pattern Type") { entries.append(entry) }
                if let entry = patternEntry("pattern_string", "Pattern String", of: rule) { entries.append(entry) }
                if let entry = rule.entry("pattern_behavior", "Pattern Behavior") { entries.append(entry) }
                if let entry = patternEntry("replace_string", "Pattern Replace", of: rule) { entries.append(entry) }
            }
            if let entry = rule.entry("progress", "Progress") { entries.append(entry) }
            var targetType = "zone"
            if let record = rule.record("Target Type") {
                if let native = mapped(record, by: Self.targetTypes, what: "a search rule target type") {
                    targetType = native
                    entries.append(YAMLTree.Entry("target_type", .text(native, at: record.valueLocation), label: record.key))
                } else {
                    failed = true
                }
            }
            let target = rule.record("Target Name")
            if let target { entries.append(.imported("target", target)) }
            if let entry = rule.entry("state", "State") { entries.append(entry) }
            if let record = rule.record("Authentication") {
                if let entry = yesNo(record, as: "authentication") { entries.append(entry) } else { failed = true }
            }
            var generated = false
            if let record = rule.record("SystemGenerated") {
                if let entry = yesNo(record, as: "system_generated") {
                    entries.append(entry)
                    generated = entry.value.text == "true"
                } else {
                    failed = true
                }
            }
            guard !failed else { continue }
            if generated, let missing = missingZone(of: rule, targetType: targetType, target: target, zones: zones, subzones: subzones) {
                sections.warning("\(rule.path) '\(name.value)' is system-generated and names the zone '\(missing.value)' (\(missing.key)), which the export does not hold: Expressway creates such zones itself (Unified CM nodes for MRA) and xConfiguration does not list them; the rule is left out", at: missing.valueLocation, check: .exportIgnored)
                continue
            }
            result.append(.map(entries, at: rule.location))
        }
        return result
    }

    /// The record naming a zone that a rule targets or takes calls from, when the export has no such zone.
    private func missingZone(
        of rule: XConfiguration.Object, targetType: String, target: XConfiguration.Record?, zones: Set<String>, subzones: Set<String>
    ) -> XConfiguration.Record? {
        if targetType == "zone", let target, !target.value.isBlank, target.value != PlanBuilder.localZone, !zones.contains(target.value) {
            return target
        }
        if let mode = rule.record("Source Mode"), FieldReader.normalize(mode.value) == "named", let source = rule.nonEmpty("Source Name"),
            !zones.contains(source.value), !subzones.contains(source.value),
            ![PlanBuilder.defaultZone, PlanBuilder.defaultSubzone].contains(source.value)
        {
            return source
        }
        return nil
    }
}
