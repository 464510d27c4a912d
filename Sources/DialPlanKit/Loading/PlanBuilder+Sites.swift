import Foundation

extension PlanBuilder {
    func readDNS(_ tree: YAMLTree) -> [DNSRecord] {
        var records: [DNSRecord] = []
        for item in items(tree, section: "dns") {
            guard var fields = FieldReader(item, what: "dns record", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "dns record '\(name)'" }
            let type = fields.enumValue("type", as: DNSRecord.RecordType.self, default: nil)
            if fields.entry("type") == nil { sink.error("\(fields.what) has no 'type' (A, AAAA, SRV or CNAME)", at: fields.location) }
            let values = fields.strings("values") + fields.strings("value")
            fields.reportUnknownKeys(alsoKnown: ["ttl"])
            guard let name, let type else { continue }
            if values.isEmpty { sink.error("\(fields.what) has no values", at: fields.location) }
            for (value, location) in values {
                switch type {
                case .a, .aaaa:
                    if !PlanBuilder.isIPAddress(value) { sink.error("\(fields.what): '\(value)' is not an IP address", at: location) }
                case .srv:
                    if SRVTarget(value) == nil {
                        sink.error("\(fields.what): an SRV value is 'priority weight port target', not '\(value)'", at: location)
                    }
                case .cname:
                    break
                }
            }
            records.append(DNSRecord(name: name, type: type, values: values.map(\.0), source: fields.location))
        }
        return records
    }

    func readSites(_ tree: YAMLTree, plan: DialPlan) -> [Site] {
        var sites: [Site] = []
        let clusterNames = plan.clusters.map(\.name)
        let locationNames = plan.locations.map(\.name)
        for item in items(tree, section: "sites") {
            guard var fields = FieldReader(item, what: "site", sink: sink) else { continue }
            let name = fields.requiredString("name")
            if let name { fields.what = "site '\(name)'" }
            let clusterName = fields.requiredString("registers_to")
            let cluster = clusterName.flatMap {
                resolve($0, among: clusterNames, kind: "call_control cluster", what: fields.what + " registers_to", at: fields.location(of: "registers_to"))
            }
            var entry = CallSource.subzone(SubzoneID(0))
            let subzoneName = fields.string("subzone")
            if let subzoneName, let cluster {
                entry = .subzone(SubzoneID(resolve(subzoneName, among: plan.clusters[cluster].subzones.map(\.name), kind: "subzone in cluster '\(plan.clusters[cluster].name)'", what: fields.what, at: fields.location(of: "subzone")) ?? 0))
            }
            // Callers outside the enterprise: their calls arrive through a zone, or unregistered at the Default Zone
            // (e.g. an Expressway-E's, for business-to-business callers). [VCS "Default Zone"]
            if let sourceName = fields.string("source") {
                if subzoneName != nil {
                    sink.error("\(fields.what): give 'subzone' (where its endpoints register) or 'source' (the zone or DefaultZone its calls arrive through), not both", at: fields.location(of: "source"))
                } else if let cluster {
                    let zones = plan.clusters[cluster].zones.map(\.name)
                    if sourceName == PlanBuilder.defaultZone {
                        entry = .defaultZone
                    } else if let zone = resolve(sourceName, among: zones + [PlanBuilder.defaultZone], kind: "zone of cluster '\(plan.clusters[cluster].name)' (or DefaultZone)", what: fields.what + " source", at: fields.location(of: "source")), zone < zones.count {
                        entry = .zone(ZoneID(zone))
                    }
                }
            }
            var protocols: [CallProtocol] = []
            // `webrtc`: the site also has WebRTC clients, which reach their nodes directly (no call control).
            var webRTC = false
            let protocolValues = fields.strings("protocols")
            for (value, location) in protocolValues {
                if value.trimmingSpaces.lowercased() == "webrtc" {
                    webRTC = true
                    continue
                }
                guard let parsed = FieldReader.parseEnum(value, as: CallProtocol.self), parsed != .mssip else {
                    sink.error("\(fields.what): protocols are sip, h323 and webrtc, not '\(value)'\(FieldReader.didYouMean(value, in: ["sip", "h323", "webrtc"]))", at: location)
                    continue
                }
                if !protocols.contains(parsed) { protocols.append(parsed) }
            }
            if fields.entry("protocols") == nil || fields.entry("protocols")!.value.isNull {
                protocols = [.sip, .h323]
            } else if protocolValues.isEmpty {
                sink.error("\(fields.what): 'protocols' is empty; list sip and/or h323, or leave it out for both", at: fields.location(of: "protocols"))
            } else if webRTC && protocols.isEmpty && protocolValues.count == protocolValues.filter({ $0.0.trimmingSpaces.lowercased() == "webrtc" }).count {
                // Calls are simulated for sip and h323 only; webrtc adds the clients' network check.
                sink.error("\(fields.what): 'protocols' has only webrtc; list sip and/or h323 too (webrtc adds the WebRTC clients' network check to the site's calls)", at: fields.location(of: "protocols"))
            }
            var local: [Int] = []
            let localValues = fields.strings("local_locations")
            for (value, location) in localValues {
                if let index = resolve(value, among: locationNames, kind: "system location", what: fields.what + " local_locations", at: location) {
                    local.append(index)
                }
            }
            if fields.entry("local_locations") == nil {
                sink.error("\(fields.what) has no 'local_locations' (where its calls must land)", at: fields.location)
            } else if localValues.isEmpty {
                sink.error("\(fields.what): 'local_locations' is empty; name the locations where its calls must land", at: fields.location(of: "local_locations"))
            }
            var sfbPool: Int?
            if let pool = fields.string("sfb_pool") {
                let pools = plan.skypeForBusiness?.pools.map(\.fqdn) ?? []
                sfbPool = plan.skypeForBusiness?.poolIndex(fqdn: pool)
                if sfbPool == nil {
                    sink.error("\(fields.what): no Skype for Business pool named '\(pool)'\(pools.isEmpty ? " (the plan has no skype_for_business pools)" : FieldReader.didYouMean(pool, in: pools))", at: fields.location(of: "sfb_pool"))
                }
            }
            // Skype users of a site place mssip calls too. [MS]
            if sfbPool != nil { protocols.append(.mssip) }
            let registers = if case .subzone = entry { true } else { false }
            let credentials = fields.bool("credentials", default: registers)
            let callerAlias = fields.string("caller_alias").flatMap { $0.isBlank ? nil : $0 }
            fields.reportUnknownKeys(alsoKnown: ["description"])
            guard let name, let cluster else {
                if let name { sink.drop("site", name) }
                continue
            }
            sites.append(Site(
                name: name, registersTo: ClusterID(cluster), entry: entry, protocols: protocols, localLocations: local.map(LocationID.init),
                sfbPool: sfbPool.map(PoolID.init), presentsCredentials: credentials, callerAlias: callerAlias, webRTC: webRTC, source: fields.location))
        }
        requireUniqueNames(sites.map { ($0.name, $0.source) }, kind: "site")
        return sites
    }

    func readProbes(_ tree: YAMLTree) -> [Probe] {
        var probes: [Probe] = []
        for item in items(tree, section: "probes") {
            switch item {
            case .scalar(let text, false, let location):
                probes.append(Probe(alias: text, source: location))
            case .mapping:
                guard var fields = FieldReader(item, what: "probe", sink: sink), let alias = fields.requiredString("alias") else { continue }
                fields.reportUnknownKeys(alsoKnown: ["description"])
                probes.append(Probe(alias: alias, source: fields.location(of: "alias")))
            default:
                sink.error("a probe is an alias or {alias: …}", at: item.location)
            }
        }
        return probes
    }

    /// Checks that need the whole plan: node addresses, zone peers, probes that repeat service aliases.
    /// A traversal server zone (on an Expressway-E) has no peer addresses: the traversal client (an Expressway-C)
    /// connects in. Its peers are the clusters whose traversal client zones point at this cluster, with the same
    /// authentication user name and SIP port where both zones give them. [VCS "Zones and Neighbors", traversal zones]
    func pairTraversalZones(_ plan: inout DialPlan, directory: PeerDirectory) {
        for serverCluster in plan.clusters.indices {
            for zoneIndex in plan.clusters[serverCluster].zones.indices {
                let zone = plan.clusters[serverCluster].zones[zoneIndex]
                guard zone.type == .traversalServer, zone.peers.isEmpty else { continue }
                var peers: [String] = []
                var clientsWithoutAddress: [String] = []
                for (clientCluster, cluster) in plan.clusters.enumerated() where clientCluster != serverCluster {
                    let pairs = cluster.zones.contains { client in
                        client.type == .traversalClient
                            && client.peers.contains { directory.clusters(for: $0).contains(ClusterID(serverCluster)) }
                            && (client.username == nil || zone.username == nil || client.username!.lowercased() == zone.username!.lowercased())
                            && (client.sipPort == nil || zone.sipPort == nil || client.sipPort == zone.sipPort)
                    }
                    guard pairs else { continue }
                    if let address = cluster.addresses.first { peers.append(address) } else { clientsWithoutAddress.append(cluster.name) }
                }
                let what = "cluster '\(plan.clusters[serverCluster].name)' traversal server zone '\(zone.name)'"
                if !clientsWithoutAddress.isEmpty {
                    sink.warning("\(what): the traversal client cluster\(clientsWithoutAddress.count == 1 ? "" : "s") \(clientsWithoutAddress.joined(separator: ", ")) \(clientsWithoutAddress.count == 1 ? "has" : "have") no addresses, so searches sent to the zone cannot reach \(clientsWithoutAddress.count == 1 ? "it" : "them")", at: zone.source, check: .traversalZoneUnpaired)
                }
                if peers.isEmpty && clientsWithoutAddress.isEmpty {
                    let needs = [zone.username.map { "user name '\($0)'" }, zone.sipPort.map { "SIP port \($0)" }].compactMap { $0 }
                    sink.warning("\(what): no traversal client zone of the plan points at this cluster\(needs.isEmpty ? "" : " with \(needs.joined(separator: " and "))"), so searches sent to it find nothing", at: zone.source, check: .traversalZoneUnpaired)
                }
                plan.clusters[serverCluster].zones[zoneIndex].peers = peers
                plan.clusters[serverCluster].zones[zoneIndex].peersInferred = true
            }
        }
    }

    func crossCheck(_ plan: inout DialPlan) {
        var addresses: [String: String] = [:]
        if let management = plan.managementNode { addresses[PlanBuilder.canonicalAddress(management.address)] = management.name }
        for node in plan.nodes {
            let key = PlanBuilder.canonicalAddress(node.address)
            if let other = addresses[key] {
                sink.error("worker_vm '\(node.name)' has the address \(node.address) of '\(other)'", at: node.source)
            } else {
                addresses[key] = node.name
            }
        }
        let directory = PeerDirectory(plan: plan)
        pairTraversalZones(&plan, directory: directory)
        // A pool only a configuration's identity names, and no site: most likely a misspelt identity.
        if let sfb = plan.skypeForBusiness {
            for (index, pool) in sfb.pools.enumerated() where pool.implied && !plan.sites.contains(where: { $0.sfbPool == PoolID(index) }) {
                let listed = sfb.pools.filter { !$0.implied }.map(\.fqdn)
                sink.warning("static routing configuration 'service:Registrar:\(pool.fqdn)' applies to pool \(pool.fqdn), which no site's sfb_pool names\(FieldReader.didYouMean(pool.fqdn, in: listed + plan.sites.compactMap { $0.sfbPool.map { sfb.pools[$0].fqdn } }))", at: pool.source, check: .sfbPoolWithoutSites)
            }
        }
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            for address in cluster.addresses {
                if let node = directory.nodes(for: address).first {
                    sink.error("cluster '\(cluster.name)' has the address \(address) of worker_vm '\(plan.nodes[node].name)'", at: cluster.source)
                }
                if let other = directory.clusters(for: address).first(where: { $0 != ClusterID(clusterIndex) }) {
                    sink.error("cluster '\(cluster.name)' has the address \(address) of cluster '\(plan.clusters[other].name)'", at: cluster.source)
                }
            }
            for zone in cluster.zones where zone.type != .dns {
                for peer in zone.peers where directory.nodes(for: peer).isEmpty && directory.clusters(for: peer).isEmpty {
                    sink.warning("cluster '\(cluster.name)' zone '\(zone.name)': peer '\(peer)' is neither a Pexip node nor a call_control cluster of this plan; searches sent to it find nothing", at: zone.source, check: .unknownPeer)
                }
            }
        }
        // A probe is dialled exactly as written: only one that repeats a service alias (or an earlier probe) letter
        // for letter is redundant. One that differs only in case is a dial string of its own, kept and noted.
        let serviceAliases = Set(plan.services.flatMap { $0.aliases.map(\.alias) })
        var folded: [String: String] = [:]
        for service in plan.services {
            for alias in service.aliases { folded[alias.alias.lowercased()] = alias.alias }
        }
        var seenProbes = Set<String>()
        plan.probes = plan.probes.filter { probe in
            if serviceAliases.contains(probe.alias) {
                sink.warning("probe '\(probe.alias)' is already a service alias, which is dialled anyway", at: probe.source, check: .redundantProbe)
                return false
            }
            guard seenProbes.insert(probe.alias).inserted else {
                sink.warning("probe '\(probe.alias)' is listed twice", at: probe.source, check: .redundantProbe)
                return false
            }
            if let alias = folded[probe.alias.lowercased()] {
                sink.note("probe '\(probe.alias)' differs from the service alias '\(alias)' only in case; it is dialled as written (Pexip compares aliases case-insensitively, so it reaches the same service unless call control treats it differently)", at: probe.source, check: .probeDiffersInCase)
            }
            return true
        }
    }
}
