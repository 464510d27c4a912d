import Foundation

extension PlanBuilder {
    /// The subzone every cluster has for endpoints no membership rule places elsewhere. [VCS "Local Zone and subzones"]
    static let defaultSubzone = "DefaultSubZone"
    /// The source name of unknown systems and unregistered callers. [VCS "Default Zone"]
    static let defaultZone = "DefaultZone"
    /// The built-in target that searches registered endpoints.
    static let localZone = "LocalZone"

    func readCallControl(_ tree: YAMLTree, plan: DialPlan) -> [CallControlCluster] {
        var clusters: [CallControlCluster] = []
        for item in items(tree, section: "call_control") {
            guard var fields = FieldReader(item, what: "call_control cluster", sink: sink) else { continue }
            guard let name = fields.requiredString("name") else { continue }
            fields.what = "cluster '\(name)'"
            let addresses = fields.strings("addresses").map(\.0)
            let systemName = fields.string("system_name").flatMap { $0.isBlank ? nil : $0 } ?? name
            let sipDomains = fields.strings("sip_domains").map(\.0)
            let variables = PatternVariables(sipDomains: sipDomains, addresses: addresses, systemName: systemName)
            var policyServices: [(String, SourceLocation)] = []
            for service in fields.list("policy_services") {
                switch service {
                case .scalar(let text, false, let location):
                    policyServices.append((text, location))
                case .mapping:
                    guard var serviceFields = FieldReader(service, what: "\(fields.what) policy service", sink: sink),
                        let text = serviceFields.requiredString("name")
                    else { continue }
                    serviceFields.reportUnknownKeys(alsoKnown: ["description", "servers", "protocol", "path"])
                    policyServices.append((text, serviceFields.location(of: "name")))
                default:
                    sink.error("\(fields.what): a policy service is a name or {name: …}", at: service.location)
                }
            }
            requireUniqueNames(policyServices, kind: "\(fields.what) policy service")
            var subzones = [Subzone(name: PlanBuilder.defaultSubzone, source: fields.location)]
            for subzone in fields.list("subzones") {
                switch subzone {
                case .scalar(let text, false, let location):
                    if text != PlanBuilder.defaultSubzone { subzones.append(Subzone(name: text, source: location)) }
                case .mapping:
                    guard var subFields = FieldReader(subzone, what: "\(fields.what) subzone", sink: sink),
                        let text = subFields.requiredString("name")
                    else { continue }
                    let mode = subFields.enumValue("authentication_mode", as: AuthenticationMode.self, default: .doNotCheckCredentials) ?? .doNotCheckCredentials
                    subFields.reportUnknownKeys(alsoKnown: ["membership_rules", "description"])
                    // The Default Subzone is listed to give its settings.
                    if text == PlanBuilder.defaultSubzone {
                        subzones[0].authentication = mode
                    } else {
                        subzones.append(Subzone(name: text, authentication: mode, source: subFields.location(of: "name")))
                    }
                default:
                    sink.error("\(fields.what): a subzone must be a name or {name: …}", at: subzone.location)
                }
            }
            requireUniqueNames(subzones.map { ($0.name, $0.source) }, kind: "\(fields.what) subzone")
            let zones = fields.node("zones").map { readZones($0, cluster: fields.what) } ?? []
            let transforms = fields.node("transforms").map { readTransforms($0, cluster: fields.what, variables: variables) } ?? []
            let rules = fields.node("search_rules").map {
                readSearchRules($0, cluster: fields.what, zones: zones, subzones: subzones, policyServices: policyServices.map(\.0), variables: variables)
            } ?? []
            let cpl = fields.bool("cpl", default: false) ? fields.location(of: "cpl") : nil
            let interworking = fields.enumValue("interworking", as: InterworkingMode.self, default: .registeredOnly) ?? .registeredOnly
            let interworkingSource = fields.entry("interworking") == nil ? fields.location : fields.location(of: "interworking")
            let defaultZoneAuthentication = fields.enumValue("default_zone_authentication_mode", as: AuthenticationMode.self, default: .doNotCheckCredentials) ?? .doNotCheckCredentials
            let callPolicy = fields.node("call_policy").map { readCallPolicy($0, cluster: fields.what, variables: variables) } ?? []
            if cpl != nil, !callPolicy.isEmpty {
                sink.warning("\(fields.what): its Call Policy is a CPL script or a policy service (cpl: true), which replaces Call Policy rules; 'call_policy' is not simulated", at: fields.location(of: "call_policy"))
            }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            clusters.append(CallControlCluster(
                name: name, addresses: addresses, subzones: subzones, transforms: transforms, zones: zones,
                searchRules: rules, systemName: systemName, sipDomains: sipDomains, policyServices: policyServices.map(\.0),
                source: fields.location, unsimulatedPolicy: cpl, interworking: interworking, interworkingSource: interworkingSource,
                defaultZoneAuthentication: defaultZoneAuthentication, callPolicy: cpl == nil ? callPolicy : []))
        }
        requireUniqueNames(clusters.map { ($0.name, $0.source) }, kind: "call_control cluster")
        return clusters
    }

    private func readZones(_ tree: YAMLTree, cluster: String) -> [Zone] {
        var zones: [Zone] = []
        for item in items(tree, section: "zones") {
            guard var fields = FieldReader(item, what: "\(cluster) zone", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "\(cluster) zone '\(name)'" }
            let type = fields.enumValue("type", as: ZoneType.self, default: .neighbor) ?? .neighbor
            let peers = fields.strings("peers")
            let hopCount = fields.int("hop_count", in: 1...255, default: 15) ?? 15
            let username = fields.string("username").flatMap { $0.isBlank ? nil : $0 }
            let sipPort = fields.int("sip_port", in: 1...65535, default: nil)
            // VCS's defaults: both protocols on, credentials not checked, no SIP trust. [VCS "Zones"; "Authentication policy"]
            let sipMode = fields.bool("sip_mode", default: true)
            let h323Mode = fields.bool("h323_mode", default: true)
            let authentication = fields.enumValue("authentication_mode", as: AuthenticationMode.self, default: .doNotCheckCredentials) ?? .doNotCheckCredentials
            let trust = fields.bool("sip_authentication_trust", default: false)
            let transport = fields.enumValue("sip_transport", as: SIPTransport.self, default: .tls) ?? .tls
            fields.reportUnknownKeys(alsoKnown: ["description", "h323", "sip", "zone_profile"])
            guard let name else { continue }
            if [PlanBuilder.localZone, PlanBuilder.defaultZone].contains(name) {
                sink.error("\(fields.what): '\(name)' is a built-in zone name", at: fields.location(of: "name"))
            }
            switch type {
            case .dns, .enumZone:
                if !peers.isEmpty { sink.warning("\(fields.what): a\(type == .dns ? " DNS" : "n ENUM") zone has no peers; 'peers' is ignored", at: fields.location(of: "peers")) }
            case .traversalServer where peers.isEmpty:
                // The traversal client connects in; its cluster is found by the client zones that point here.
                break
            default:
                if peers.isEmpty { sink.error("\(fields.what) has no peers", at: fields.location) }
                // VCS/Expressway zones take up to six peer addresses. [VCS "Neighbor zones"]
                if peers.count > 6 { sink.error("\(fields.what) has \(peers.count) peers; a zone takes at most 6", at: fields.location(of: "peers")) }
            }
            let kept = type == .dns || type == .enumZone ? [] : peers.map(\.0)
            if !sipMode && !h323Mode {
                sink.warning("\(fields.what): both sip_mode and h323_mode are off, so no search is sent through it", at: fields.location(of: "sip_mode"))
            }
            zones.append(Zone(
                name: name, type: type, peers: kept, hopCount: hopCount, username: username, sipPort: sipPort, sipMode: sipMode, h323Mode: h323Mode,
                authentication: authentication, sipAuthenticationTrust: trust, sipTransport: transport, source: fields.location))
        }
        requireUniqueNames(zones.map { ($0.name, $0.source) }, kind: "\(cluster) zone")
        return zones
    }

    private func readTransforms(_ tree: YAMLTree, cluster: String, variables: PatternVariables) -> [Transform] {
        var transforms: [Transform] = []
        let list = items(tree, section: "transforms")
        // VCS/Expressway holds up to 100 transforms. [VCS "Pre-search transforms"]
        if list.count > 100 { sink.error("\(cluster) has \(list.count) transforms; VCS allows at most 100", at: tree.location) }
        // "The priority must be unique for each transform": the VCS refuses a second one at a priority.
        // [VCS X14.0.1 "Dial Plan and Call Processing", pre-search transform fields]
        var takenPriorities: [Int: (name: String, location: SourceLocation)] = [:]
        for item in list {
            guard var fields = FieldReader(item, what: "\(cluster) transform", sink: sink) else { continue }
            // The name first, so that every message about the transform names it.
            let writtenName = fields.string("name")
            if let writtenName { fields.what = "\(cluster) transform '\(writtenName)'" }
            let priority = fields.int("priority", in: 1...65534, default: nil)
            if fields.entry("priority") == nil { sink.error("\(fields.what) has no 'priority' (1–65534)", at: fields.location) }
            let name = writtenName ?? "transform \(priority.map(String.init) ?? "?")"
            fields.what = "\(cluster) transform '\(name)'"
            if let priority {
                if let taken = takenPriorities[priority] {
                    sink.error("\(fields.what): priority \(priority) is taken by transform '\(taken.name)' (\(taken.location)); a transform's priority must be unique", at: fields.location(of: "priority"))
                } else {
                    takenPriorities[priority] = (name, fields.location)
                }
            }
            let type = fields.enumValue("pattern_type", as: PatternType.self, default: .prefix) ?? .prefix
            let pattern = fields.requiredString("pattern_string")
            var behavior = fields.enumValue("pattern_behavior", as: PatternBehavior.self, default: nil)
            if fields.entry("pattern_behavior") == nil {
                sink.error("\(fields.what) has no 'pattern_behavior' (strip, replace, addprefix or addsuffix)", at: fields.location)
            }
            if behavior == .leave {
                sink.error("\(fields.what): a transform's pattern_behavior is strip, replace, addprefix or addsuffix, not leave", at: fields.location(of: "pattern_behavior"))
                behavior = nil
            }
            let replace = fields.string("replace_string") ?? ""
            let enabled = readState(&fields)
            fields.reportUnknownKeys(alsoKnown: ["description"])
            // The pattern is compiled even when another field is wrong, so that every problem is reported at once.
            var matcher: AliasMatcher?
            if let pattern, let behavior, checkBehavior(behavior, type: type, replace: replace, fields: fields) {
                matcher = compileMatcher(type: type, string: pattern, behavior: behavior, replace: replace, variables: variables, fields: fields)
            }
            guard let priority, let matcher else { continue }
            transforms.append(Transform(name: name, priority: priority, enabled: enabled, matcher: matcher, source: fields.location))
        }
        // Transforms are compared in priority order. [VCS "Pre-search transforms"]
        return transforms.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    private func readSearchRules(
        _ tree: YAMLTree, cluster: String, zones: [Zone], subzones: [Subzone], policyServices: [String], variables: PatternVariables
    ) -> [SearchRule] {
        var rules: [SearchRule] = []
        for item in items(tree, section: "search_rules") {
            guard var fields = FieldReader(item, what: "\(cluster) search rule", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "\(cluster) search rule '\(name)'" }
            // Defaults are VCS's. [VCS "Search rules"]
            let priority = fields.int("priority", in: 1...65534, default: 100) ?? 100
            let ruleProtocol = fields.enumValue("protocol", as: RuleProtocol.self, default: .any) ?? .any
            let sourceMode = fields.enumValue("source_mode", as: SourceMode.self, default: .any) ?? .any
            let sourceName = fields.string("source_name").flatMap { $0.isEmpty ? nil : $0 }
            let mode = fields.enumValue("mode", as: SearchMode.self, default: .aliasPatternMatch) ?? .aliasPatternMatch
            let type = fields.enumValue("pattern_type", as: PatternType.self, default: .prefix) ?? .prefix
            let pattern = fields.string("pattern_string")
            var behavior = fields.enumValue("pattern_behavior", as: PatternBehavior.self, default: .leave) ?? .leave
            if behavior == .addprefix || behavior == .addsuffix {
                sink.error("\(fields.what): a search rule's pattern_behavior is leave, strip or replace, not \(behavior.rawValue)", at: fields.location(of: "pattern_behavior"))
                behavior = .leave
            }
            let replace = fields.string("replace_string") ?? ""
            let progress = fields.enumValue("progress", as: Progress.self, default: .continue) ?? .continue
            let targetType = fields.enumValue("target_type", as: TargetType.self, default: .zone) ?? .zone
            let targetName = fields.requiredString("target")
            let enabled = readState(&fields)
            let systemGenerated = fields.bool("system_generated", default: false)
            let requiresAuthentication = fields.bool("authentication", default: false)
            fields.reportUnknownKeys(alsoKnown: ["description"])

            var namedSource: CallSource?
            if sourceMode == .named {
                if let sourceName {
                    namedSource = resolveSource(sourceName, zones: zones, subzones: subzones, what: fields.what, key: fields.spelled("source_name"), at: fields.location(of: "source_name"))
                } else {
                    sink.error("\(fields.what): source_mode named needs a source_name (a zone or subzone)", at: fields.location(of: "source_mode"))
                }
            } else if sourceName != nil {
                sink.warning("\(fields.what): source_name is ignored unless source_mode is named", at: fields.location(of: "source_name"))
            }

            var matcher: AliasMatcher?
            var patternOK = true
            if mode == .aliasPatternMatch {
                if let pattern, !pattern.isEmpty {
                    if checkBehavior(behavior, type: type, replace: replace, fields: fields) {
                        matcher = compileMatcher(type: type, string: pattern, behavior: behavior, replace: replace, variables: variables, fields: fields)
                    }
                } else {
                    sink.error("\(fields.what): mode alias_pattern_match needs a pattern_string", at: fields.location)
                }
                patternOK = matcher != nil
            } else if pattern != nil {
                sink.warning("\(fields.what): pattern_string is ignored in mode \(mode.rawValue)", at: fields.location(of: "pattern_string"))
            }

            var target: SearchTarget?
            if let targetName, targetType == .policyService {
                if let index = resolve(targetName, among: policyServices, kind: "policy service", what: fields.what + " " + fields.spelled("target"), at: fields.location(of: "target")) {
                    target = .policyService(policyServices[index])
                }
            } else if let targetName {
                if targetName == PlanBuilder.localZone {
                    target = .localZone
                } else if let zone = resolve(targetName, among: zones.map(\.name) + [PlanBuilder.localZone], kind: "zone", what: fields.what + " " + fields.spelled("target"), at: fields.location(of: "target")) {
                    target = .zone(ZoneID(zone))
                }
            }
            guard let name, let targetName, let target, patternOK else { continue }
            rules.append(SearchRule(
                name: name, priority: priority, enabled: enabled, callProtocol: ruleProtocol, sourceMode: sourceMode,
                sourceName: sourceName, namedSource: namedSource, mode: mode, matcher: matcher, progress: progress,
                target: target, targetName: targetName, systemGenerated: systemGenerated, requiresAuthentication: requiresAuthentication,
                source: fields.location))
        }
        requireUniqueNames(rules.map { ($0.name, $0.source) }, kind: "\(cluster) search rule")
        // Rules are searched in priority order; equal priorities form one level. [VCS "Search rules"]
        return rules.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    /// Call Policy rules: `priority`, `source_pattern` (blank: unauthenticated callers only), `destination_pattern`,
    /// `action`. Both patterns are regexes matched against the whole alias, case-insensitive, like search rules'.
    /// [VCS X7.0 "Configuring Call Policy rules using the web interface"]
    private func readCallPolicy(_ tree: YAMLTree, cluster: String, variables: PatternVariables) -> [CallPolicyRule] {
        var rules: [CallPolicyRule] = []
        // Priorities order the rules, as the list's order does on the VCS: each is unique.
        var taken: [Int: SourceLocation] = [:]
        for item in items(tree, section: "call_policy") {
            guard var fields = FieldReader(item, what: "\(cluster) call_policy rule", sink: sink) else { continue }
            let priority = fields.int("priority", in: 1...65534, default: nil)
            if fields.entry("priority") == nil { sink.error("\(fields.what) has no 'priority' (1–65534)", at: fields.location) }
            if let priority {
                fields.what = "\(cluster) call_policy rule at priority \(priority)"
                if let first = taken[priority] {
                    sink.error("\(fields.what): priority \(priority) is taken by the rule at \(first); each Call Policy rule's priority is unique", at: fields.location(of: "priority"))
                } else {
                    taken[priority] = fields.location
                }
            }
            let sourceText = fields.string("source_pattern") ?? ""
            let destinationText = fields.requiredString("destination_pattern")
            let action = fields.enumValue("action", as: CallPolicyRule.Action.self, default: nil)
            if fields.entry("action") == nil { sink.error("\(fields.what) has no 'action' (allow or reject)", at: fields.location) }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            var sourcePattern: AliasMatcher?
            var sourceOK = true
            if !sourceText.isBlank {
                sourcePattern = compilePolicyPattern(sourceText, key: "source_pattern", fields: fields)
                sourceOK = sourcePattern != nil
            }
            let destination = destinationText.flatMap { compilePolicyPattern($0, key: "destination_pattern", fields: fields) }
            guard let priority, let action, let destination, sourceOK else { continue }
            rules.append(CallPolicyRule(
                priority: priority, sourcePattern: sourcePattern, sourceText: sourceText.isBlank ? "" : sourceText, destinationPattern: destination,
                destinationText: destinationText ?? "", action: action, source: fields.location))
        }
        return rules.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    private func compilePolicyPattern(_ text: String, key: String, fields: FieldReader) -> AliasMatcher? {
        compileMatcher(type: .regex, string: text, behavior: .leave, replace: "", patternAt: fields.location(of: key), replaceAt: fields.location(of: key), what: "\(fields.what) \(key)")
    }

    /// What a search rule's `target` names. [VCS "Search rules" Target Type]
    enum TargetType: String, CaseIterable {
        case zone
        case policyService = "policy_service"
    }

    /// Compiles a transform's or search rule's pattern with the cluster's pattern variables expanded; an unknown
    /// variable is an error at the pattern or replace string.
    private func compileMatcher(type: PatternType, string: String, behavior: PatternBehavior, replace: String, variables: PatternVariables, fields: FieldReader) -> AliasMatcher? {
        let expanded: PatternVariables.Expanded
        do {
            expanded = try variables.expand(type: type, string: string, behavior: behavior, replace: replace)
        } catch {
            let inReplace: Bool
            switch error {
            case .unknown(_, let replace): inReplace = replace
            case .patternOnly: inReplace = true
            case .noSuchDomain, .empty: inReplace = !PatternVariables.mentions(string)
            }
            sink.error("\(fields.what): \(error.message)", at: fields.location(of: inReplace ? "replace_string" : "pattern_string"))
            return nil
        }
        return compileMatcher(
            type: expanded.type, string: expanded.string, behavior: expanded.behavior, replace: expanded.replace,
            patternAt: fields.location(of: "pattern_string"), replaceAt: fields.location(of: "replace_string"), what: fields.what)
    }

    private func resolveSource(_ name: String, zones: [Zone], subzones: [Subzone], what: String, key: String = "source_name", at location: SourceLocation) -> CallSource? {
        if let index = subzones.firstIndex(where: { $0.name == name }) { return .subzone(SubzoneID(index)) }
        if let index = zones.firstIndex(where: { $0.name == name }) { return .zone(ZoneID(index)) }
        if name == PlanBuilder.defaultZone { return .defaultZone }
        let candidates = subzones.map(\.name) + zones.map(\.name) + [PlanBuilder.defaultZone]
        sink.error("\(what): \(key) '\(name)' is no zone or subzone of the cluster\(FieldReader.didYouMean(name, in: candidates))", at: location)
        return nil
    }

    /// `state: enabled|disabled` (VCS) or `enabled: true|false`.
    private func readState(_ fields: inout FieldReader) -> Bool {
        if let state = fields.string("state") {
            switch FieldReader.normalize(state) {
            case "enabled", "enable", "on", "true": return true
            case "disabled", "disable", "off", "false": return false
            default:
                sink.error("\(fields.what): 'state' must be enabled or disabled, not '\(state)'", at: fields.location(of: "state"))
            }
        }
        return fields.bool("enabled", default: true)
    }

    private func checkBehavior(_ behavior: PatternBehavior, type: PatternType, replace: String, fields: FieldReader) -> Bool {
        if behavior == .strip && (type == .exact || type == .regex) {
            sink.error("\(fields.what): strip removes a matched prefix or suffix; use pattern_type prefix or suffix, or replace", at: fields.location(of: "pattern_behavior"))
            return false
        }
        if (behavior == .addprefix || behavior == .addsuffix) && replace.isEmpty {
            sink.error("\(fields.what): \(behavior.rawValue) needs the text to add in replace_string", at: fields.location)
            return false
        }
        if behavior == .replace && replace.isEmpty && type == .regex {
            sink.warning("\(fields.what): replace with an empty replace_string leaves the alias unchanged", at: fields.location(of: "pattern_behavior"), check: .emptyReplace)
        }
        return true
    }
}
