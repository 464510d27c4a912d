import Foundation

/// Rule presets: the port sets Pexip documents, so that the common rules are one line.
/// [PX-gs_server_network] [PX-port_usage]
enum FirewallPreset: String, CaseIterable {
    /// IKE and ESP: what every pair of Pexip nodes needs, both ways.
    case ipsec
    /// SIP over TCP and TLS to a node.
    case sip
    /// H.323 to a node: call signalling, RAS and H.245.
    case h323
    /// H.323 to a VCS/Expressway: call signalling, RAS and its call signalling range, where nodes open H.245.
    case vcsH323 = "vcs-h323"
    /// Media (RTP/RTCP) to a node.
    case media

    /// The protocols and ports it allows, from Pexip's port usage table (`PortUsage`).
    var components: [(IPProtocol, PortSet?)] {
        switch self {
        case .ipsec: PortUsage.presetComponents([PortUsage.ike, PortUsage.esp])
        case .sip: PortUsage.presetComponents([PortUsage.sipTCP, PortUsage.sipTLS])
        case .h323: PortUsage.presetComponents([PortUsage.h323, PortUsage.h245, PortUsage.ras])
        case .vcsH323: PortUsage.presetComponents([PortUsage.h323, PortUsage.vcsH245, PortUsage.ras])
        case .media: PortUsage.presetComponents([PortUsage.media])
        }
    }
}

extension PlanBuilder {
    /// Reads the `network:` section. Needs the nodes, locations and sites, which rules and endpoints may name.
    func readNetwork(_ tree: YAMLTree, plan: DialPlan) -> Network? {
        guard var fields = FieldReader(tree, what: "network", sink: sink) else { return nil }
        var network = Network(segments: [], links: [], firewalls: [], routes: [], endpoints: [], warnings: [], source: fields.location)
        network.segments = fields.node("segments").map(readSegments) ?? []
        if case .sequence(let items, _)? = fields.entry("segments")?.value, !items.isEmpty {
            // Segments with errors are reported on their own.
        } else {
            sink.error("network has no segments (each with the address ranges it holds)", at: fields.location(of: "segments"))
        }
        var resolver = NetworkNameResolver(plan: plan, segments: network.segments, builder: self)
        network.endpoints = fields.node("endpoints").map { readEndpoints($0, plan: plan, resolver: resolver) } ?? []
        resolver.endpoints = network.endpoints
        network.callControl = fields.node("call_control").map { readCallControlPlacements($0, plan: plan, resolver: resolver) } ?? []
        var firewallUses: [Int] = []
        network.firewalls = fields.node("firewalls").map { tree in
            items(tree, section: "network firewalls").compactMap { readFirewall($0, defaultName: nil, resolver: resolver) }
        } ?? []
        requireUniqueNames(network.firewalls.map { ($0.name, $0.source) }, kind: "firewall")
        network.links = fields.node("links").map { readLinks($0, network: &network, resolver: resolver, firewallUses: &firewallUses) } ?? []
        network.routes = fields.node("routes").map { readRoutes($0, network: network) } ?? []
        fields.reportUnknownKeys(alsoKnown: ["description"])
        for (index, firewall) in network.firewalls.enumerated() where !firewallUses.contains(index) {
            network.warnings.append(Diagnostic(
                .warning, "firewall '\(firewall.name)' is on no link, so it filters nothing", at: firewall.source, check: .unusedFirewall))
        }
        return network
    }

    // MARK: Segments

    private func readSegments(_ tree: YAMLTree) -> [NetworkSegment] {
        var segments: [NetworkSegment] = []
        // Each range with where it is written, to point an overlap at the second of the two.
        var written: [(range: AddressRange, segment: String, location: SourceLocation)] = []
        var defaultSegment: NetworkSegment?
        for item in items(tree, section: "network segments") {
            guard var fields = FieldReader(item, what: "segment", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "segment '\(name)'" }
            let isDefault = fields.bool("default", default: false)
            var ranges = AddressSet()
            let texts = fields.strings("ranges")
            for (text, location) in texts {
                guard let range = parseRange(text, what: fields.what, at: location) else { continue }
                if let other = written.first(where: { AddressSet([$0.range]).overlaps(AddressSet([range])) }) {
                    let whose = other.segment == name ? "another range of this segment" : "segment '\(other.segment)'"
                    sink.error("\(fields.what): range \(text) overlaps \(whose) (\(other.range) at \(other.location)); segments must not overlap", at: location)
                    continue
                }
                written.append((range, name ?? "?", location))
                ranges.insert(range)
            }
            if isDefault && !texts.isEmpty {
                sink.error("\(fields.what): the default segment holds every address outside the other segments, so it takes no 'ranges'", at: fields.location(of: "ranges"))
            } else if !isDefault && fields.entry("ranges") == nil {
                sink.error("\(fields.what) has no 'ranges' (CIDR prefixes such as 10.10.0.0/16), and is not the default segment", at: fields.location)
            }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard let name else { continue }
            let segment = NetworkSegment(name: name, ranges: ranges, isDefault: isDefault, source: fields.location)
            if isDefault {
                if let first = defaultSegment {
                    sink.error("\(fields.what): segment '\(first.name)' is already the default segment (at \(first.source)); there can be only one", at: fields.location(of: "default"))
                    continue
                }
                defaultSegment = segment
            }
            segments.append(segment)
        }
        requireUniqueNames(segments.map { ($0.name, $0.source) }, kind: "segment")
        // The default segment holds what no other segment does.
        let taken = segments.filter { !$0.isDefault }.reduce(AddressSet()) { $0.union($1.ranges) }
        for index in segments.indices where segments[index].isDefault {
            segments[index].ranges = taken.complement
        }
        return segments
    }

    /// Parses an address, CIDR prefix or range, reporting what is wrong with it.
    func parseRange(_ text: String, what: String, at location: SourceLocation) -> AddressRange? {
        switch AddressRange.parse(text) {
        case .success(let range): return range
        case .failure(let error):
            let message: String
            switch error {
            case .notAnAddress: message = "'\(text)' is not an IP address, a CIDR prefix (10.10.0.0/16) or a range (10.10.0.1-10.10.0.9)"
            case .badPrefixLength(let bits): message = "'\(text)': the prefix length must be between 0 and \(bits)"
            case .hostBitsSet(let suggestion): message = "'\(text)' has host bits set; did you mean '\(suggestion)'?"
            case .reversed: message = "'\(text)': the range ends before it starts"
            case .mixedFamilies: message = "'\(text)': a range cannot mix IPv4 and IPv6"
            }
            sink.error("\(what): \(message)", at: location)
            return nil
        }
    }

    // MARK: Endpoints

    private func readEndpoints(_ tree: YAMLTree, plan: DialPlan, resolver: NetworkNameResolver) -> [SiteEndpoints] {
        var result: [SiteEndpoints] = []
        let siteNames = plan.sites.map(\.name)
        for item in items(tree, section: "network endpoints") {
            guard var fields = FieldReader(item, what: "endpoints", sink: sink) else { continue }
            let siteName = fields.requiredString("site")
            let site = siteName.flatMap { resolve($0, among: siteNames, kind: "site", what: "endpoints", at: fields.location(of: "site")) }
            if let siteName { fields.what = "endpoints of site '\(siteName)'" }
            let (addresses, text) = readSubnets(&fields, plural: true, resolver: resolver)
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard let site else { continue }
            if let other = result.first(where: { $0.site == SiteID(site) }) {
                sink.error("\(fields.what) are already given at \(other.source)", at: fields.location(of: "site"))
                continue
            }
            result.append(SiteEndpoints(site: SiteID(site), addresses: addresses, text: text, source: fields.location))
        }
        return result
    }

    /// An entry's `subnets`: addresses, prefixes, ranges or segment names, all within the network's segments.
    private func readSubnets(_ fields: inout FieldReader, plural: Bool, resolver: NetworkNameResolver) -> (AddressSet, String) {
        let subnets = fields.strings("subnets")
        if fields.entry("subnets") == nil {
            sink.error("\(fields.what) \(plural ? "have" : "has") no 'subnets' (CIDR prefixes, or a segment name such as the Internet's)", at: fields.location)
        } else if subnets.isEmpty, case .sequence? = fields.entry("subnets")?.value {
            sink.error("\(fields.what): 'subnets' is empty; give CIDR prefixes, or a segment name such as the Internet's", at: fields.location(of: "subnets"))
        }
        var addresses = AddressSet()
        let segmented = resolver.segments.reduce(AddressSet()) { $0.union($1.ranges) }
        for (text, location) in subnets {
            guard let set = resolver.resolveSubnet(text, what: fields.what, at: location) else { continue }
            // Addresses the network cannot place have no path to check.
            if !resolver.segments.isEmpty, !set.subtracting(segmented).isEmpty {
                sink.error("\(fields.what): \(text) is not entirely in the network's segments; add a segment that holds it (or a default segment)", at: location)
            }
            addresses = addresses.union(set)
        }
        return (addresses, subnets.map(\.0).joined(separator: ", "))
    }

    /// The `call_control` entries: `{cluster: NAME, subnets: [...]}` or `{pool: FQDN, subnets: [...]}`.
    private func readCallControlPlacements(_ tree: YAMLTree, plan: DialPlan, resolver: NetworkNameResolver) -> [CallControlPlacement] {
        var result: [CallControlPlacement] = []
        let clusterNames = plan.clusters.map(\.name)
        let poolNames = plan.skypeForBusiness?.pools.map(\.fqdn) ?? []
        for item in items(tree, section: "network call_control") {
            guard var fields = FieldReader(item, what: "network call_control entry", sink: sink) else { continue }
            var sender: CallControlPlacement.Sender?
            var keyLocation = fields.location
            switch (fields.string("cluster"), fields.string("pool")) {
            case (let name?, nil):
                fields.what = "network call_control of cluster '\(name)'"
                keyLocation = fields.location(of: "cluster")
                sender = resolve(name, among: clusterNames, kind: "cluster", what: "network call_control", at: keyLocation).map { .cluster(ClusterID($0)) }
            case (nil, let fqdn?):
                fields.what = "network call_control of pool '\(fqdn)'"
                keyLocation = fields.location(of: "pool")
                let index = plan.skypeForBusiness?.poolIndex(fqdn: fqdn)
                sender = index.map { .pool(PoolID($0)) } ?? resolve(fqdn, among: poolNames, kind: "skype_for_business pool", what: "network call_control", at: keyLocation).map { .pool(PoolID($0)) }
            case (.some, .some):
                sink.error("network call_control entry gives both 'cluster' and 'pool'; an entry places one of them", at: fields.location(of: "pool"))
            case (nil, nil):
                sink.error("network call_control entry has no 'cluster' (a call-control cluster's name) or 'pool' (a Skype for Business pool's FQDN)", at: fields.location)
            }
            let (addresses, _) = readSubnets(&fields, plural: false, resolver: resolver)
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard let sender else { continue }
            if let other = result.first(where: { $0.sender == sender }) {
                sink.error("\(fields.what) is already given at \(other.source)", at: keyLocation)
                continue
            }
            result.append(CallControlPlacement(sender: sender, addresses: addresses, source: fields.location))
        }
        return result
    }

    // MARK: Firewalls

    private func readFirewall(_ tree: YAMLTree, defaultName: String?, resolver: NetworkNameResolver) -> Firewall? {
        guard var fields = FieldReader(tree, what: "firewall", sink: sink) else { return nil }
        let name = defaultName == nil ? fields.requiredString("name") : (fields.string("name") ?? defaultName)
        if let name { fields.what = "firewall '\(name)'" }
        let defaultAction = fields.enumValue("default", as: FirewallAction.self, default: .deny) ?? .deny
        let stateful = fields.bool("stateful", default: true)
        var rules: [FirewallRule] = []
        for (index, item) in fields.list("rules").enumerated() {
            rules += readRule(item, number: index + 1, firewall: fields.what, stateful: stateful, resolver: resolver)
        }
        let defaultSource = fields.entry("default")?.value.location ?? fields.location
        fields.reportUnknownKeys(alsoKnown: ["description", "vendor"])
        guard let name else { return nil }
        return Firewall(name: name, defaultAction: defaultAction, stateful: stateful, rules: rules, source: fields.location, defaultSource: defaultSource)
    }

    private func readRule(_ tree: YAMLTree, number: Int, firewall: String, stateful defaultStateful: Bool, resolver: NetworkNameResolver) -> [FirewallRule] {
        guard var fields = FieldReader(tree, what: "\(firewall) rule \(number)", sink: sink) else { return [] }
        let name = fields.string("name")
        if let name { fields.what = "\(firewall) rule \(number) '\(name)'" }
        // One preset or a list of them: `preset: [sip, h323, media]` is one rule for everything an endpoint needs.
        var presets: [FirewallPreset] = []
        var presetsOK = true
        for (text, location) in fields.strings("preset") {
            if let preset = FieldReader.parseEnum(text, as: FirewallPreset.self) {
                presets.append(preset)
            } else {
                let names = FirewallPreset.allCases.map(\.rawValue)
                sink.error("\(fields.what): 'preset' must be one of \(names.joined(separator: ", ")), not '\(text)'\(FieldReader.didYouMean(text, in: names))", at: location)
                presetsOK = false
            }
        }
        let hasPreset = fields.entry("preset") != nil
        let action = fields.enumValue("action", as: FirewallAction.self, default: hasPreset ? .allow : nil)
        if fields.entry("action") == nil && !hasPreset {
            sink.error("\(fields.what) has no 'action' (allow or deny)", at: fields.location)
        }
        let ipProtocol = fields.enumValue("protocol", as: IPProtocol.self, default: nil)
        let ports = fields.entry("ports").flatMap { _ in readPorts(&fields, key: "ports") }
        let sourcePorts = fields.entry("source_ports").flatMap { _ in readPorts(&fields, key: "source_ports") }
        if hasPreset {
            for key in ["protocol", "ports"] where fields.entry(key) != nil {
                sink.error("\(fields.what): the preset sets the protocol and ports; remove '\(key)'", at: fields.entry(key)!.keyLocation)
            }
        } else if fields.entry("protocol") == nil {
            sink.error("\(fields.what) has no 'protocol' (\(IPProtocol.allCases.map(\.rawValue).joined(separator: ", "))) and no 'preset' (\(FirewallPreset.allCases.map(\.rawValue).joined(separator: ", ")))", at: fields.location)
        } else if let ipProtocol, !ipProtocol.hasPorts {
            for key in ["ports", "source_ports"] where fields.entry(key) != nil {
                sink.error("\(fields.what): \(ipProtocol.rawValue) has no ports; '\(key)' applies to udp and tcp only", at: fields.entry(key)!.keyLocation)
            }
        }
        let stateful = fields.bool("stateful", default: defaultStateful)
        // Direction: `from`/`to` for one direction, `between` for both.
        var directions: [(AddressSet, String, AddressSet, String)] = []
        if let betweenNode = fields.node("between") {
            for key in ["from", "to"] where fields.entry(key) != nil {
                sink.error("\(fields.what): give either 'between' (both directions) or 'from'/'to' (one direction), not both", at: fields.entry(key)!.keyLocation)
            }
            _ = fields.node("from")
            _ = fields.node("to")
            if case .sequence(let ends, _) = betweenNode, ends.count == 2 {
                let resolved = ends.map { resolver.resolveEndpoint($0, what: fields.what + " between") }
                if let a = resolved[0], let b = resolved[1] {
                    directions = [(a.0, a.1, b.0, b.1), (b.0, b.1, a.0, a.1)]
                }
            } else {
                sink.error("\(fields.what): 'between' takes two ends, [A, B], each an address, prefix, segment, location, node or site (or a list of them)", at: betweenNode.location)
            }
        } else {
            let from = fields.node("from").map { resolver.resolveEndpoint($0, what: fields.what + " from") } ?? (AddressSet.all, "any")
            let to = fields.node("to").map { resolver.resolveEndpoint($0, what: fields.what + " to") } ?? (AddressSet.all, "any")
            if let from, let to { directions = [(from.0, from.1, to.0, to.1)] }
        }
        fields.reportUnknownKeys(alsoKnown: ["description", "comment"])
        guard let action, presetsOK else { return [] }
        let components: [(IPProtocol, PortSet?)]
        if hasPreset {
            components = presets.flatMap(\.components)
        } else if let ipProtocol {
            components = [(ipProtocol, ipProtocol.hasPorts ? ports : nil)]
        } else {
            return []
        }
        var rules: [FirewallRule] = []
        for (sources, sourcesText, destinations, destinationsText) in directions {
            for (ipProtocol, ports) in components {
                rules.append(FirewallRule(
                    number: number, name: name, preset: presets.isEmpty ? nil : presets.map(\.rawValue).joined(separator: ", "), action: action, ipProtocol: ipProtocol,
                    sources: sources, destinations: destinations, sourcesText: sourcesText,
                    destinationsText: destinationsText, ports: ports,
                    sourcePorts: ipProtocol.hasPorts ? sourcePorts : nil, stateful: stateful, source: fields.location))
            }
        }
        return rules
    }

    /// Ports: `500`, `5060-5061`, a list of them, or `any`.
    private func readPorts(_ fields: inout FieldReader, key: String) -> PortSet? {
        var ranges: [ClosedRange<Int>] = []
        var ok = true
        for (text, location) in fields.strings(key) {
            let trimmed = text.trimmingSpaces
            if trimmed.lowercased() == "any" { return nil }
            let separator: Character = trimmed.contains("–") ? "–" : "-"
            let parts = trimmed.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            let numbers = parts.compactMap { Int($0) }
            guard (1...2).contains(parts.count), numbers.count == parts.count else {
                sink.error("\(fields.what): '\(text)' is not a port (1–65535) or a port range (40000-49999)", at: location)
                ok = false
                continue
            }
            guard numbers.allSatisfy({ (1...65535).contains($0) }) else {
                sink.error("\(fields.what): port \(numbers.first { !(1...65535).contains($0) }!) is out of range; ports are 1–65535", at: location)
                ok = false
                continue
            }
            guard numbers[0] <= numbers[numbers.count - 1] else {
                sink.error("\(fields.what): the port range '\(text)' ends before it starts", at: location)
                ok = false
                continue
            }
            ranges.append(numbers[0]...numbers[numbers.count - 1])
        }
        return ok && !ranges.isEmpty ? PortSet(ranges) : nil
    }

    // MARK: Links

    private func readLinks(_ tree: YAMLTree, network: inout Network, resolver: NetworkNameResolver, firewallUses: inout [Int]) -> [NetworkLink] {
        var links: [NetworkLink] = []
        let segmentNames = network.segments.map(\.name)
        var named: [(String, SourceLocation)] = []
        for item in items(tree, section: "network links") {
            guard var fields = FieldReader(item, what: "link", sink: sink) else { continue }
            let givenName = fields.string("name")
            if let givenName { fields.what = "link '\(givenName)'" }
            var ends: [Int] = []
            let endTexts = fields.strings("between")
            let name = givenName ?? (endTexts.count == 2 ? "\(endTexts[0].0) — \(endTexts[1].0)" : "link \(links.count + 1)")
            if givenName == nil { fields.what = "link '\(name)'" } else { named.append((name, fields.location(of: "name"))) }
            if fields.entry("between") == nil {
                sink.error("\(fields.what) has no 'between' (the two segments it joins)", at: fields.location)
            } else if endTexts.count != 2 {
                sink.error("\(fields.what): 'between' takes exactly two segments, not \(endTexts.count)", at: fields.location(of: "between"))
            } else {
                for (text, location) in endTexts {
                    if let index = resolve(text, among: segmentNames, kind: "segment", what: fields.what, at: location) { ends.append(index) }
                }
                if ends.count == 2 && ends[0] == ends[1] {
                    sink.error("\(fields.what) joins segment '\(segmentNames[ends[0]])' to itself", at: fields.location(of: "between"))
                    ends = []
                }
            }
            var firewall: Int?
            if let firewallNode = fields.node("firewall") {
                switch firewallNode {
                case .scalar(let text, _, let location):
                    firewall = resolve(text, among: network.firewalls.map(\.name), kind: "firewall", what: fields.what, at: location)
                case .mapping:
                    if let inline = readFirewall(firewallNode, defaultName: "\(name) firewall", resolver: resolver) {
                        if let other = network.firewalls.first(where: { $0.name == inline.name }) {
                            sink.error("firewall '\(inline.name)' is defined twice (first at \(other.source))", at: inline.source)
                        }
                        network.firewalls.append(inline)
                        firewall = network.firewalls.count - 1
                    }
                case .sequence:
                    sink.error("\(fields.what): 'firewall' is the name of a firewall or a firewall ({name, default, rules}), not a list", at: firewallNode.location)
                }
            }
            if let firewall { firewallUses.append(firewall) }
            let nat = fields.node("nat").flatMap { readNAT($0, link: fields.what, ends: ends, network: network, resolver: resolver) }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard ends.count == 2 else { continue }
            if let other = links.first(where: { Set($0.ends) == Set(ends) }) {
                sink.error("\(fields.what): segments '\(segmentNames[ends[0]])' and '\(segmentNames[ends[1]])' are already joined by link '\(other.name)' (at \(other.source)); model parallel paths as separate segments", at: fields.location(of: "between"))
                continue
            }
            links.append(NetworkLink(name: name, ends: ends, firewall: firewall, nat: nat, source: fields.location))
        }
        requireUniqueNames(named, kind: "link")
        return links
    }

    private func readNAT(_ tree: YAMLTree, link: String, ends: [Int], network: Network, resolver: NetworkNameResolver) -> NetworkNAT? {
        guard var fields = FieldReader(tree, what: "\(link) nat", sink: sink) else { return nil }
        let kind = fields.enumValue("type", as: NetworkNAT.Kind.self, default: nil)
        if fields.entry("type") == nil {
            sink.error("\(fields.what) has no 'type' (static, dynamic or masquerade)", at: fields.location)
        }
        let segmentNames = network.segments.map(\.name)
        var inside: Int?
        if let text = fields.requiredString("inside") {
            let candidates = ends.map { segmentNames[$0] }
            if let index = ends.first(where: { segmentNames[$0] == text }) {
                inside = index
            } else if !ends.isEmpty {
                sink.error("\(fields.what): 'inside' must be one of the link's segments (\(candidates.joined(separator: " or "))), not '\(text)'\(FieldReader.didYouMean(text, in: candidates))", at: fields.location(of: "inside"))
            }
        }
        var address: IPAddressValue?
        if let text = fields.string("address") {
            address = IPAddressValue(text)
            if address == nil { sink.error("\(fields.what): address '\(text)' is not an IP address", at: fields.location(of: "address")) }
        }
        var mappings: [NetworkNAT.Mapping] = []
        if let mapNode = fields.node("map") {
            if case .mapping(let entries, _) = mapNode {
                for entry in entries {
                    let insideRange = resolver.resolveMappedInside(entry.key, what: fields.what, at: entry.keyLocation)
                    guard case .scalar(let outsideText, false, let outsideLocation) = entry.value else {
                        sink.error("\(fields.what): map '\(entry.key)' to one outside address or prefix", at: entry.value.location)
                        continue
                    }
                    guard let insideRange, let outsideRange = parseRange(outsideText, what: fields.what, at: outsideLocation) else { continue }
                    let insideSize = AddressRange(.zero, insideRange.upper.shifted(from: insideRange.lower, to: .zero))
                    let outsideSize = AddressRange(.zero, outsideRange.upper.shifted(from: outsideRange.lower, to: .zero))
                    guard insideSize == outsideSize else {
                        sink.error("\(fields.what): '\(entry.key)' (\(insideRange)) and '\(outsideText)' are not the same size; static NAT maps addresses 1:1", at: outsideLocation)
                        continue
                    }
                    mappings.append(.init(inside: insideRange, outside: outsideRange, source: entry.keyLocation))
                }
            } else {
                sink.error("\(fields.what): 'map' is a mapping of inside addresses to outside ones ({192.0.2.21: 198.51.100.21})", at: mapNode.location)
            }
        }
        // The scope: the far-side addresses it translates for. `except_to` alone exempts destinations; with
        // `only_to` it carves them out of it.
        func readScope(_ key: String) -> (set: AddressSet, text: String, location: SourceLocation)? {
            guard let entry = fields.entry(key) else { return nil }
            let texts = fields.strings(key)
            guard !texts.isEmpty else {
                // A mapping is already reported as not a list.
                if case .mapping = entry.value { return nil }
                sink.error("\(fields.what): '\(key)' is empty; list address ranges or segment names, or leave it out", at: entry.value.location)
                return nil
            }
            var set = AddressSet()
            var ok = true
            for (text, location) in texts {
                if let resolved = resolver.resolveNATScope(text, what: "\(fields.what) \(key)", at: location) { set = set.union(resolved) } else { ok = false }
            }
            return ok ? (set, texts.map(\.0).joined(separator: ", "), entry.value.location) : nil
        }
        let onlyTo = readScope("only_to")
        let exceptTo = readScope("except_to")
        var scope = onlyTo?.set ?? .all
        var scopeText: [String] = []
        if let onlyTo {
            scopeText.append("only to \(onlyTo.text)")
            // A segment without ranges (or only such) would turn the NAT off without a word.
            if onlyTo.set.isEmpty {
                sink.error("\(fields.what): 'only_to' (\(onlyTo.text)) holds no address, so the NAT never translates; name ranges or segments with ranges", at: onlyTo.location)
            }
        }
        if let exceptTo {
            scopeText.append("except to \(exceptTo.text)")
            if let onlyTo, !onlyTo.set.overlaps(exceptTo.set) {
                sink.error("\(fields.what): 'except_to' (\(exceptTo.text)) exempts nothing: none of it is in 'only_to' (\(onlyTo.text))", at: exceptTo.location)
            } else if scope.subtracting(exceptTo.set).isEmpty {
                sink.error("\(fields.what): 'except_to' (\(exceptTo.text)) exempts every address\(onlyTo == nil ? "" : " of 'only_to'"), so the NAT never translates; remove the NAT instead", at: exceptTo.location)
            }
            scope = scope.subtracting(exceptTo.set)
        }
        fields.reportUnknownKeys(alsoKnown: ["description"])
        guard let kind, let inside else { return nil }
        switch kind {
        case .static:
            if fields.entry("address") != nil {
                sink.error("\(fields.what): static NAT maps addresses with 'map'; 'address' is for dynamic NAT and masquerade", at: fields.entry("address")!.keyLocation)
            }
            if fields.entry("map") == nil {
                // Without a map, the nodes' own static NAT addresses are the mappings: what Pexip is told is what
                // the NAT device does. [PX-public_dmz_configuration]
                for node in resolver.plan.nodes {
                    guard let nat = node.staticNATAddress, let real = IPAddressValue(node.address), let outside = IPAddressValue(nat),
                        network.segment(containing: real) == inside
                    else { continue }
                    mappings.append(.init(inside: AddressRange(real), outside: AddressRange(outside), source: node.source))
                }
                if mappings.isEmpty {
                    sink.error("\(fields.what): no 'map', and no node in segment '\(segmentNames[inside])' has a static_nat_address to map", at: fields.location)
                }
            }
        case .dynamic, .masquerade:
            if fields.entry("map") != nil {
                sink.error("\(fields.what): \(kind.rawValue) NAT translates every inside source; 'map' is for static NAT", at: fields.entry("map")!.keyLocation)
            }
        }
        return NetworkNAT(
            kind: kind, inside: inside, mappings: mappings, address: address, scope: scope,
            scopeText: scopeText.isEmpty ? nil : scopeText.joined(separator: ", "), source: fields.location)
    }

    // MARK: Routes

    private func readRoutes(_ tree: YAMLTree, network: Network) -> [NetworkRoute] {
        var routes: [NetworkRoute] = []
        let segmentNames = network.segments.map(\.name)
        func linked(_ a: Int, _ b: Int) -> Bool { network.links.contains { Set($0.ends) == [a, b] } }
        for item in items(tree, section: "network routes") {
            guard var fields = FieldReader(item, what: "route", sink: sink) else { continue }
            func segment(_ text: String, _ location: SourceLocation) -> Int? {
                resolve(text, among: segmentNames, kind: "segment", what: fields.what, at: location)
            }
            var ends: [(Int, SourceLocation)] = []
            var bothWays = false
            if fields.entry("between") != nil {
                bothWays = true
                let texts = fields.strings("between")
                if texts.count != 2 {
                    sink.error("route: 'between' takes exactly two segments, not \(texts.count)", at: fields.location(of: "between"))
                } else {
                    ends = texts.compactMap { text, location in segment(text, location).map { ($0, location) } }
                }
                for key in ["from", "to"] where fields.entry(key) != nil {
                    sink.error("route: give either 'between' (both directions) or 'from' and 'to', not both", at: fields.entry(key)!.keyLocation)
                }
            } else {
                let from = fields.requiredString("from").flatMap { segment($0, fields.location(of: "from")) }
                let to = fields.requiredString("to").flatMap { segment($0, fields.location(of: "to")) }
                if let from, let to { ends = [(from, fields.location(of: "from")), (to, fields.location(of: "to"))] }
            }
            _ = fields.node("from")
            _ = fields.node("to")
            var via: [(Int, SourceLocation)] = []
            var viaOK = true
            for (text, location) in fields.strings("via") {
                if let index = segment(text, location) { via.append((index, location)) } else { viaOK = false }
            }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard ends.count == 2, viaOK else { continue }
            let hops = [ends[0]] + via + [ends[1]]
            guard Set(hops.map(\.0)).count == hops.count else {
                sink.error("route from '\(segmentNames[ends[0].0])' to '\(segmentNames[ends[1].0])' passes through a segment twice", at: fields.location)
                continue
            }
            var ok = true
            for (a, b) in zip(hops, hops.dropFirst()) where !linked(a.0, b.0) {
                sink.error("route from '\(segmentNames[ends[0].0])' to '\(segmentNames[ends[1].0])': segments '\(segmentNames[a.0])' and '\(segmentNames[b.0])' are not joined by a link", at: b.1)
                ok = false
            }
            guard ok else { continue }
            let route = NetworkRoute(from: ends[0].0, to: ends[1].0, via: via.map(\.0), bothWays: bothWays, source: fields.location)
            let covers: (NetworkRoute, Int, Int) -> Bool = { r, a, b in (r.from == a && r.to == b) || (r.bothWays && r.from == b && r.to == a) }
            if let other = routes.first(where: { covers($0, route.from, route.to) || (route.bothWays && covers($0, route.to, route.from)) }) {
                sink.error("route from '\(segmentNames[route.from])' to '\(segmentNames[route.to])' is already given at \(other.source)", at: fields.location)
                continue
            }
            routes.append(route)
        }
        return routes
    }
}

/// Resolves the names a firewall rule, an endpoints entry or a NAT map may use for addresses: `any`,
/// `pexip-nodes`, an address, prefix or range, or the name of a segment, system location, node or site
/// (optionally prefixed `segment:`, `location:`, `node:`, `site:` when a name is ambiguous).
struct NetworkNameResolver {
    let plan: DialPlan
    let segments: [NetworkSegment]
    let builder: PlanBuilder
    var endpoints: [SiteEndpoints] = []

    init(plan: DialPlan, segments: [NetworkSegment], builder: PlanBuilder) {
        self.plan = plan
        self.segments = segments
        self.builder = builder
    }

    private var sink: DiagnosticSink { builder.sink }

    enum Kind: String, CaseIterable {
        case segment, location, node, site
    }

    /// Node names with their addresses, the Management Node included.
    private var nodes: [(name: String, address: String)] {
        (plan.managementNode.map { [($0.name, $0.address)] } ?? []) + plan.nodes.map { ($0.name, $0.address) }
    }

    private func names(of kind: Kind) -> [String] {
        switch kind {
        case .segment: segments.map(\.name)
        case .location: plan.locations.map(\.name)
        case .node: nodes.map(\.name)
        case .site: plan.sites.map(\.name)
        }
    }

    /// One end of a rule: a token or a list of tokens; nil (with errors) when one does not resolve.
    func resolveEndpoint(_ tree: YAMLTree, what: String) -> (AddressSet, String)? {
        let tokens: [YAMLTree]
        switch tree {
        case .sequence(let items, _): tokens = items
        case .scalar: tokens = [tree]
        case .mapping:
            sink.error("\(what): give an address, prefix, segment, location, node or site, or a list of them, not a mapping", at: tree.location)
            return nil
        }
        var set = AddressSet()
        var texts: [String] = []
        var ok = true
        for token in tokens {
            guard case .scalar(let text, false, let location) = token else {
                sink.error("\(what): every item must be a single value, not \(token.kindName)", at: token.location)
                ok = false
                continue
            }
            if let resolved = resolve(text, what: what, at: location, kinds: Kind.allCases) {
                set = set.union(resolved)
                texts.append(text)
            } else {
                ok = false
            }
        }
        guard ok, !texts.isEmpty else {
            if ok { sink.error("\(what) is empty", at: tree.location) }
            return nil
        }
        return (set, texts.joined(separator: ", "))
    }

    /// A site's subnet: an address, prefix or range, or a segment's name (endpoints anywhere in it).
    func resolveSubnet(_ text: String, what: String, at location: SourceLocation) -> AddressSet? {
        resolve(text, what: what, at: location, kinds: [.segment])
    }

    /// An entry of a NAT's `only_to` or `except_to`: an address, prefix or range, or a segment's name.
    func resolveNATScope(_ text: String, what: String, at location: SourceLocation) -> AddressSet? {
        resolve(text, what: what, at: location, kinds: [.segment])
    }

    /// The inside of a static NAT mapping: an address, prefix, range or a node's name.
    func resolveMappedInside(_ text: String, what: String, at location: SourceLocation) -> AddressRange? {
        guard let set = resolve(text, what: what, at: location, kinds: [.node]) else { return nil }
        guard set.ranges.count == 1 else {
            sink.error("\(what): '\(text)' is not one address or prefix", at: location)
            return nil
        }
        return set.ranges[0]
    }

    private func resolve(_ text: String, what: String, at location: SourceLocation, kinds: [Kind]) -> AddressSet? {
        let trimmed = text.trimmingSpaces
        if kinds.count > 1 {
            if trimmed.lowercased() == "any" { return .all }
            if trimmed.lowercased() == "pexip-nodes" {
                return AddressSet(nodes.compactMap { IPAddressValue($0.address).map { AddressRange($0) } })
            }
        }
        var kinds = kinds
        var name = trimmed
        for kind in Kind.allCases where trimmed.lowercased().hasPrefix(kind.rawValue + ":") {
            guard kinds.contains(kind) else {
                sink.error("\(what): a \(kind.rawValue) cannot be used here; give \(kinds.map(\.rawValue).joined(separator: ", ")) or an address", at: location)
                return nil
            }
            kinds = [kind]
            name = String(trimmed.dropFirst(kind.rawValue.count + 1)).trimmingSpaces
        }
        if name == trimmed && AddressRange.looksLikeAddress(trimmed) {
            return builder.parseRange(trimmed, what: what, at: location).map { AddressSet([$0]) }
        }
        let matches = kinds.filter { names(of: $0).contains(name) }
        guard let kind = matches.first else {
            let all = kinds.flatMap(names(of:))
            let described = kinds.map(\.rawValue).joined(separator: ", ")
            sink.error("\(what): '\(name)' is not an address, a prefix or the name of a \(described)\(FieldReader.didYouMean(name, in: all))", at: location)
            return nil
        }
        guard matches.count == 1 else {
            sink.error("\(what): '\(name)' names a \(matches.map(\.rawValue).joined(separator: " and a ")); write \(matches.map { "'\($0.rawValue):\(name)'" }.joined(separator: " or "))", at: location)
            return nil
        }
        switch kind {
        case .segment:
            return segments.first { $0.name == name }!.ranges
        case .location:
            let index = plan.locations.firstIndex { $0.name == name }!
            return AddressSet(plan.nodes.filter { $0.location == LocationID(index) }.compactMap { IPAddressValue($0.address).map { AddressRange($0) } })
        case .node:
            let node = nodes.first { $0.name == name }!
            guard let address = IPAddressValue(node.address) else {
                sink.error("\(what): node '\(name)' has no IP address ('\(node.address)')", at: location)
                return nil
            }
            return AddressSet([AddressRange(address)])
        case .site:
            let index = plan.sites.firstIndex { $0.name == name }!
            guard let entry = endpoints.first(where: { $0.site == SiteID(index) }) else {
                sink.error("\(what): site '\(name)' has no entry in network endpoints, so its addresses are unknown", at: location)
                return nil
            }
            return entry.addresses
        }
    }
}
