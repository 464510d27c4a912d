extension SfBExport.Reader {
    /// The `skype_for_business` section of everything read, across files.
    mutating func finish() -> ImportedSections {
        var section: [YAMLTree.Entry] = []
        let pools = registrarPoolItems()
        if let first = pools.first { section.append(YAMLTree.Entry("pools", .list(pools, at: first.location))) }
        let configurations = configurationItems()
        if let first = configurations.first {
            section.append(YAMLTree.Entry("static_routing_configurations", .list(configurations, at: first.location)))
        }
        let trusted = trustedPoolItems()
        if let first = trusted.first { section.append(YAMLTree.Entry("trusted_application_pools", .list(trusted, at: first.location))) }
        if let first = section.first {
            sections.entries.append(YAMLTree.Entry("skype_for_business", .map(section, at: first.value.location)))
        }
        return sections
    }

    /// Registrar pools, each once (by FQDN, without case): `{fqdn, site}`.
    func registrarPoolItems() -> [YAMLTree] {
        var seen: Set<String> = []
        return registrarPools.compactMap { pool in
            guard seen.insert(pool.fqdn.text.lowercased()).inserted else { return nil }
            var entries = [pool.fqdn.entry("fqdn")]
            if let site = pool.site { entries.append(site.entry("site")) }
            return .map(entries, at: pool.location)
        }
    }

    /// One configuration per identity (without case): first those whose routes are expanded (named as the first
    /// command or JSON file that expands them names them, and with its routes), then those only the plain listing
    /// shows, which it can give only when they have no routes (`Route : {}`), since it prints no destinations. [M4]
    mutating func configurationItems() -> [YAMLTree] {
        var order: [String] = []
        var identities: [String: SfBExport.Field] = [:]
        var routes: [String: SfBExport.RouteGroup] = [:]
        func meet(_ identity: SfBExport.Field) -> String {
            let key = identity.text.lowercased()
            if identities[key] == nil {
                identities[key] = identity
                order.append(key)
            }
            return key
        }
        for group in groups {
            guard let identity = group.identity else { continue }
            let key = meet(identity)
            if let first = routes[key] {
                sections.note(
                    "the routes of '\(identity.text)' are listed again here (first at \(first.location)); the analyzer reads the first listing; ignored",
                    at: group.location, check: .exportIgnored)
                continue
            }
            routes[key] = group
        }
        var listed: [String: SfBExport.Listing] = [:]
        for listing in listings {
            let key = meet(listing.identity)
            if listed[key] == nil { listed[key] = listing }
        }
        var items: [YAMLTree] = []
        for key in order {
            guard let identity = identities[key] else { continue }
            var entries = [identity.entry("identity")]
            if let group = routes[key] {
                entries.append(YAMLTree.Entry("routes", .list(group.routes, at: group.location), label: "Route"))
            } else if let listing = listed[key], !listing.matchURIs.isEmpty || listing.isTruncated {
                let shown = listing.matchURIs.map { "'\($0)'" }.joined(separator: ", ")
                let count = listing.isTruncated ? "\(listing.matchURIs.count) or more routes" : "\(listing.matchURIs.count) route\(listing.matchURIs.count == 1 ? "" : "s")"
                sections.error(
                    "\(listing.route?.name ?? "Route"): the Get-CsStaticRoutingConfiguration listing shows \(count) of '\(listing.identity.text)' (MatchUri \(shown)\(listing.isTruncated ? ", …" : "")) but not where \(listing.matchURIs.count == 1 && !listing.isTruncated ? "it goes" : "they go"): it prints no destination; run `\(SfBExport.expandCommand(listing.identity.text))` and add its output",
                    at: listing.route?.location ?? listing.identity.location)
                continue
            } else {
                entries.append(YAMLTree.Entry("routes", .list([], at: listed[key]?.route?.location ?? identity.location), label: "Route"))
            }
            items.append(.map(entries, at: identity.location))
        }
        return items
    }

    /// Trusted application pools, each once: from the pool listing, then pools only the computer listing names.
    /// A pool's computers are those Get-CsTrustedApplicationComputer names, else its Computers as the pool listing
    /// or Get-CsPool prints them, else the pool's own FQDN: New-CsTrustedApplicationPool creates a computer of that
    /// name unless -ComputerFqdn is given. [M7]
    mutating func trustedPoolItems() -> [YAMLTree] {
        var pools = trustedPools
        var known = Set(pools.map { $0.fqdn.text.lowercased() })
        for computer in computers where computer.isTrusted {
            guard known.insert(computer.pool.text.lowercased()).inserted else { continue }
            pools.append(SfBExport.TrustedPool(fqdn: computer.pool, computers: nil, registrar: nil, site: nil, location: computer.pool.location))
        }
        var byPool: [String: [SfBExport.Field]] = [:]
        var listedComputers: Set<[String]> = []
        for computer in computers {
            let key = computer.pool.text.lowercased()
            guard listedComputers.insert([key, computer.fqdn.text.lowercased()]).inserted else { continue }
            byPool[key, default: []].append(computer.fqdn)
        }
        var seen: Set<String> = []
        var items: [YAMLTree] = []
        for pool in pools {
            let key = pool.fqdn.text.lowercased()
            guard seen.insert(key).inserted else { continue }
            var entries = [pool.fqdn.entry("fqdn")]
            if let listed = byPool[key], let first = listed.first {
                entries.append(YAMLTree.Entry("computers", .list(listed.map { .text($0.text, at: $0.location) }, at: first.location), label: first.label))
            } else if let property = [pool.computers, poolComputers[key]].compactMap({ $0 }).first(where: { !($0.collection?.items.isEmpty ?? $0.text.isEmpty) }) {
                let collection = property.collection
                let listed = collection?.items ?? [(property.text, property.location)]
                if collection?.isTruncated == true {
                    truncated(property, shown: listed.count, rerun: "Get-CsTrustedApplicationPool (or Get-CsTrustedApplicationComputer)", what: "the computers of '\(pool.fqdn.text)'")
                }
                entries.append(YAMLTree.Entry("computers", .list(listed.map { .text($0.text, at: $0.location) }, at: property.location), label: property.name))
            } else {
                sections.note(
                    "trusted application pool '\(pool.fqdn.text)': the export lists none of its computers (Get-CsTrustedApplicationComputer, or its Computers); the analyzer takes its FQDN as its one computer, which New-CsTrustedApplicationPool creates unless given -ComputerFqdn",
                    at: pool.fqdn.location, check: .exportIgnored)
                entries.append(YAMLTree.Entry("computers", .list([.text(pool.fqdn.text, at: pool.fqdn.location)], at: pool.fqdn.location), label: pool.fqdn.label))
            }
            if let registrar = pool.registrar { entries.append(registrar.entry("registrar")) }
            if let site = pool.site { entries.append(site.entry("site")) }
            items.append(.map(entries, at: pool.location))
        }
        return items
    }
}
