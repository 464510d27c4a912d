import Foundation

extension PlanBuilder {
    func readPexip(_ tree: YAMLTree, into plan: inout DialPlan) {
        guard var fields = FieldReader(tree, what: "pexip", sink: sink) else { return }
        if let node = fields.node("management_vm"), var vm = FieldReader(node, what: "management_vm", sink: sink) {
            let name = vm.requiredString("name") ?? "management"
            let address = vm.requiredString("address") ?? ""
            vm.reportUnknownKeys()
            plan.managementNode = ManagementNode(name: name, address: address, source: vm.location)
        }
        plan.locations = fields.node("system_locations").map(readLocations) ?? []
        let locationNames = plan.locations.map(\.name)
        plan.nodes = fields.node("worker_vms").map { readNodes($0, locations: locationNames) } ?? []
        plan.services = fields.node("conferences").map(readServices) ?? []
        plan.gatewayRules = fields.node("gateway_routing_rules").map { readGatewayRules($0, locations: locationNames) } ?? []
        fields.reportUnknownKeys()
        // Only when none are written: entries with errors are reported on their own.
        func isEmpty(_ key: String) -> Bool {
            guard let value = fields.entry(key)?.value else { return true }
            switch value {
            case .sequence(let items, _): return items.isEmpty
            case .scalar(_, let isNull, _): return isNull
            case .mapping: return false
            }
        }
        if isEmpty("system_locations") { sink.error("pexip has no system_locations", at: fields.location) }
        if isEmpty("worker_vms") { sink.error("pexip has no worker_vms (Conferencing Nodes)", at: fields.location) }
    }

    private func readLocations(_ tree: YAMLTree) -> [SystemLocation] {
        // Names first, so that locations may refer to ones defined after them.
        var readers: [(FieldReader, String)] = []
        for item in items(tree, section: "system_locations") {
            guard var fields = FieldReader(item, what: "system location", sink: sink) else { continue }
            guard let name = fields.requiredString("name") else { continue }
            fields.what = "system location '\(name)'"
            readers.append((fields, name))
        }
        let names = readers.map(\.1)
        requireUniqueNames(readers.map { ($0.1, $0.0.location(of: "name")) }, kind: "system location")
        return readers.map { reader, name in
            var fields = reader
            func reference(_ key: String) -> Int? {
                guard let target = fields.string(key), !target.isEmpty else { return nil }
                return resolve(target, among: names, kind: "system location", what: fields.what + " \(key)", at: fields.location(of: key))
            }
            let location = SystemLocation(
                name: name,
                transcodingLocation: reference("transcoding_location").map(LocationID.init),
                overflowLocation1: reference("overflow_location1").map(LocationID.init),
                overflowLocation2: reference("overflow_location2").map(LocationID.init),
                localMSSIPDomain: fields.string("local_mssip_domain"),
                source: fields.location)
            fields.reportUnknownKeys(alsoKnown: ["name", "description"])
            return location
        }
    }

    private func readNodes(_ tree: YAMLTree, locations: [String]) -> [ConferencingNode] {
        var nodes: [ConferencingNode] = []
        for item in items(tree, section: "worker_vms") {
            guard var fields = FieldReader(item, what: "worker_vm", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "worker_vm '\(name)'" }
            let address = fields.requiredString("address")
            let locationName = fields.requiredString("system_location")
            let location = locationName.flatMap {
                resolve($0, among: locations, kind: "system location", what: fields.what, at: fields.location(of: "system_location"))
            }
            let nodeType = fields.enumValue("node_type", as: NodeType.self, default: .conferencing) ?? .conferencing
            let nat = fields.string("static_nat_address").flatMap { $0.isEmpty ? nil : $0 }
            let fqdn = fields.string("alternative_fqdn").flatMap { $0.isEmpty ? nil : $0 }
            let maintenance = fields.bool("maintenance_mode", default: false)
            fields.reportUnknownKeys(alsoKnown: ["description", "hostname", "domain", "netmask", "gateway"])
            if let address, !PlanBuilder.isIPAddress(address) {
                sink.error("\(fields.what): address '\(address)' is not an IPv4 or IPv6 address", at: fields.location(of: "address"))
            }
            guard let name, let address, let location else {
                if let name { sink.drop("worker_vm", name) }
                continue
            }
            nodes.append(ConferencingNode(
                name: name, address: address, location: LocationID(location), nodeType: nodeType, staticNATAddress: nat,
                alternativeFQDN: fqdn, maintenanceMode: maintenance, source: fields.location))
        }
        requireUniqueNames(nodes.map { ($0.name, $0.source) }, kind: "worker_vm")
        return nodes
    }

    private func readServices(_ tree: YAMLTree) -> [Service] {
        var services: [Service] = []
        for item in items(tree, section: "conferences") {
            guard var fields = FieldReader(item, what: "conference", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "conference '\(name)'" }
            let type = fields.enumValue("service_type", as: ServiceType.self, default: .conference) ?? .conference
            var aliases: [ServiceAlias] = []
            for aliasTree in fields.list("aliases") {
                switch aliasTree {
                case .scalar(let text, false, let location):
                    aliases.append(ServiceAlias(alias: text, source: location))
                case .mapping:
                    guard var aliasFields = FieldReader(aliasTree, what: "\(fields.what) alias", sink: sink),
                        let text = aliasFields.requiredString("alias")
                    else { continue }
                    aliases.append(ServiceAlias(alias: text, source: aliasFields.location(of: "alias")))
                    aliasFields.reportUnknownKeys(alsoKnown: ["description", "conference"])
                default:
                    sink.error("\(fields.what): an alias must be a value or {alias: …}", at: aliasTree.location)
                }
            }
            for alias in aliases where alias.alias.isBlank {
                sink.error("\(fields.what): an alias is empty", at: alias.source)
            }
            // Pexip matches the dialled alias without scheme, URI parameters and headers, so a stored alias that
            // carries them is never matched. (model, DOMAIN.md §1) [PX-configuring_gateway_rules]
            for alias in aliases where PexipAlias.parse(alias.alias) != alias.alias {
                sink.warning("\(fields.what): alias '\(alias.alias)' carries a URI scheme, parameters or headers; calls are matched as '\(PexipAlias.parse(alias.alias))', so this alias never matches", at: alias.source, check: .aliasNeverMatches)
            }
            fields.reportUnknownKeys(alsoKnown: ["description", "pin", "guest_pin", "allow_guests", "tag"])
            guard let name else { continue }
            services.append(Service(name: name, serviceType: type, aliases: aliases, source: fields.location))
        }
        requireUniqueNames(services.map { ($0.name, $0.source) }, kind: "conference")
        // Pexip keeps aliases unique across all services. [PX-about_aliases]
        requireUniqueNames(services.flatMap { $0.aliases.map { ($0.alias, $0.source) } }, kind: "service alias", caseInsensitive: true)
        return services
    }

    private func readGatewayRules(_ tree: YAMLTree, locations: [String]) -> [GatewayRoutingRule] {
        var rules: [GatewayRoutingRule] = []
        for item in items(tree, section: "gateway_routing_rules") {
            guard var fields = FieldReader(item, what: "gateway_routing_rule", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "gateway_routing_rule '\(name)'" }
            // Defaults are the Pexip API's. [PX-API gateway_routing_rule]
            let priority = fields.int("priority", in: 1...200, default: nil)
            if fields.entry("priority") == nil { sink.error("\(fields.what) has no 'priority' (1–200)", at: fields.location) }
            let enable = fields.bool("enable", default: true)
            let incoming = fields.bool("match_incoming_calls", default: true)
            _ = fields.bool("match_outgoing_calls", default: false)
            let sip = fields.bool("match_incoming_sip", default: true)
            let h323 = fields.bool("match_incoming_h323", default: true)
            let mssip = fields.bool("match_incoming_mssip", default: true)
            let webrtc = fields.bool("match_incoming_webrtc", default: true)
            let teams = fields.bool("match_incoming_teams", default: false)
            let registered = fields.bool("match_incoming_only_if_registered", default: false)
            let sourceLocation = fields.string("match_source_location").flatMap { value -> Int? in
                value.isEmpty ? nil : resolve(value, among: locations, kind: "system location", what: fields.what + " match_source_location", at: fields.location(of: "match_source_location"))
            }
            let matchString = fields.requiredString("match_string")
            let full = fields.bool("match_string_full", default: false)
            let replace = fields.string("replace_string") ?? ""
            let deviceType = fields.string("called_device_type") ?? "external"
            let outgoingProtocol = fields.string("outgoing_protocol") ?? "sip"
            let outgoingLocation = fields.string("outgoing_location").flatMap { value -> Int? in
                value.isEmpty ? nil : resolve(value, among: locations, kind: "system location", what: fields.what + " outgoing_location", at: fields.location(of: "outgoing_location"))
            }
            fields.reportUnknownKeys(alsoKnown: ["description", "tag", "id", "resource_uri", "sip_proxy", "h323_gatekeeper", "mssip_proxy", "stun_server", "turn_server", "crypto", "max_pixels_per_second", "max_callrate_in", "max_callrate_out", "call_type", "treat_as_trusted", "ivr_theme", "external_participant_avatar_lookup", "denoise_audio", "live_captions_enabled", "teams_proxy", "gms_access_token", "disabled_codecs", "media_encryption", "match_outgoing_calls"])
            // Compiled even when another field is wrong, so that every problem is reported at once.
            let matcher = matchString.flatMap {
                compileMatcher(
                    // Pexip expands replace strings as Python's re does. [PX-configuring_gateway_rules]
                    type: .regex, string: $0, behavior: .replace, replace: replace, syntax: .python,
                    patternAt: fields.location(of: "match_string"), replaceAt: fields.location(of: "replace_string"), what: fields.what)
            }
            guard let name, let priority, let matchString, let matcher else { continue }
            rules.append(GatewayRoutingRule(
                name: name, priority: priority, enable: enable, matchIncomingCalls: incoming, matchIncomingSIP: sip,
                matchIncomingH323: h323, matchIncomingMSSIP: mssip, matchIncomingWebRTC: webrtc,
                matchIncomingTeams: teams, matchIncomingOnlyIfRegistered: registered,
                matchSourceLocation: sourceLocation.map(LocationID.init), matchString: matchString, matchStringFull: full,
                replaceString: replace, calledDeviceType: deviceType, outgoingProtocol: outgoingProtocol,
                outgoingLocation: outgoingLocation.map(LocationID.init), matcher: matcher, source: fields.location,
                matchStringSource: fields.location(of: "match_string")))
        }
        requireUniqueNames(rules.map { ($0.name, $0.source) }, kind: "gateway_routing_rule")
        // Pexip checks rules in ascending priority; equal priorities keep their file order. [PX-configuring_gateway_rules]
        return rules.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }

    /// One spelling per address: IPv4 and IPv6 in their canonical text form (`2001:DB8:0:0::11` is `2001:db8::11`),
    /// names lower-cased without a trailing dot.
    static func canonicalAddress(_ text: String) -> String {
        var v4 = in_addr()
        var v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if inet_pton(AF_INET, text, &v4) == 1, inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil {
            return PlanBuilder.text(of: buffer)
        }
        if inet_pton(AF_INET6, text, &v6) == 1, inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil {
            return PlanBuilder.text(of: buffer)
        }
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// The text of a NUL-terminated C buffer.
    private static func text(of buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
