extension SfBExport.Reader {
    /// What a Format-List record is, by its properties (and the command that printed it).
    enum RecordKind {
        /// An expanded `SipProxy.Route`: Transport, MatchUri, … [M4]
        case route
        /// A `RoutingSettings` of the plain listing: Identity, Route. [M2] [M4]
        case configuration
        /// A Get-CsPool `Cluster`: Identity, Services, Computers, Fqdn, …
        case pool
        /// A Get-CsTrustedApplicationPool `DisplayExternalServer`: Identity `TrustedApplicationPool:<fqdn>`, PoolFqdn. [M6]
        case trustedPool
        /// A `DisplayComputer` (Get-CsTrustedApplicationComputer, Get-CsComputer): Identity, Pool. [M7]
        case computer
        case other
    }

    /// `runs` says whether the record's command runs a cmdlet (false when no command is echoed).
    static func kind(of record: PowerShellTranscript.Record, runs: (String) -> Bool) -> RecordKind {
        if record["Transport"] != nil, record["MatchUri"] != nil { return .route }
        guard let identity = record["Identity"] else { return .other }
        if record["Route"] != nil { return .configuration }
        // Get-CsSite prints Services too, under an Identity `Site:<name>`.
        if record["Services"] != nil, !identity.text.lowercased().hasPrefix("site:"),
            runs("Get-CsPool") || record["Computers"] != nil || record["Fqdn"] != nil
        {
            return .pool
        }
        if identity.text.lowercased().hasPrefix("trustedapplicationpool:") { return .trustedPool }
        if record["PoolFqdn"] != nil, runs("Get-CsTrustedApplicationPool") { return .trustedPool }
        if record["Pool"] != nil { return .computer }
        return .other
    }

    /// A property with a value (an empty value is PowerShell's null).
    static func given(_ record: PowerShellTranscript.Record, _ name: String) -> PowerShellTranscript.Property? {
        guard let property = record[name], !property.text.isEmpty else { return nil }
        return property
    }

    mutating func readTranscript(_ file: ExportFile) {
        let transcript = PowerShellTranscript.parse(file)
        // What each command runs, read once (a file may hold many records of one long command).
        let cmdletNames = transcript.commands.map(\.cmdletNames)
        func runs(_ index: Int?, _ cmdlet: String) -> Bool {
            guard let index, index < cmdletNames.count else { return false }
            return cmdletNames[index].contains(cmdlet.lowercased())
        }
        var recognised = 0
        var ignored: [PowerShellTranscript.Record] = []
        var fileListings: [SfBExport.Listing] = []
        // Routes by the command that printed them; records without a command, by run.
        var fileGroups: [(group: SfBExport.RouteGroup, command: PowerShellTranscript.Command?)] = []
        var previousKind: RecordKind?
        var previousCommand: Int?
        var routeIndex = 0
        for record in transcript.records {
            let command = record.command.map { transcript.commands[$0] }
            let kind = Self.kind(of: record) { runs(record.command, $0) }
            defer {
                previousKind = kind
                previousCommand = record.command
            }
            switch kind {
            case .route:
                recognised += 1
                let continues = previousKind == .route && previousCommand == record.command && !fileGroups.isEmpty
                if !continues {
                    fileGroups.append((SfBExport.RouteGroup(identity: nil, routes: [], location: record.location), command))
                    routeIndex = 0
                }
                defer { routeIndex += 1 }
                let index = routeIndex
                guard let route = route(at: record.location, { name in record[name].map { SfBExport.Field($0, label: "Route[\(index)] \($0.name)") } }) else { continue }
                fileGroups[fileGroups.count - 1].group.routes.append(route)
            case .configuration:
                recognised += 1
                guard let identity = Self.given(record, "Identity") else { continue }
                let routes = record["Route"]
                let collection = routes?.collection
                var matchURIs: [String] = []
                if let collection {
                    matchURIs = collection.items.map { item in Self.matchURI(inListedRoute: item.text) }
                } else if let routes, !routes.text.isEmpty {
                    matchURIs = [Self.matchURI(inListedRoute: routes.text)]
                }
                fileListings.append(SfBExport.Listing(identity: SfBExport.Field(identity), route: routes, matchURIs: matchURIs, isTruncated: collection?.isTruncated ?? false))
            case .pool:
                recognised += 1
                readPool(record)
            case .trustedPool:
                recognised += 1
                guard let identity = Self.given(record, "Identity") else { continue }
                let fqdn = Self.given(record, "PoolFqdn").map { SfBExport.Field($0) } ?? SfBExport.Field(identity).removingPrefix("TrustedApplicationPool:")
                trustedPools.append(SfBExport.TrustedPool(
                    fqdn: fqdn, computers: record["Computers"],
                    registrar: Self.given(record, "Registrar").map { SfBExport.Field($0).removingPrefix("Registrar:") },
                    site: (Self.given(record, "Site") ?? Self.given(record, "SiteId")).map { SfBExport.Field($0) },
                    location: record.location))
            case .computer:
                recognised += 1
                guard let identity = Self.given(record, "Identity"), let pool = Self.given(record, "Pool") else { continue }
                let isTrusted = runs(record.command, "Get-CsTrustedApplicationComputer") || pool.text.lowercased().hasPrefix("trustedapplicationpool:")
                computers.append(SfBExport.Computer(fqdn: SfBExport.Field(identity), pool: SfBExport.Field(pool).removingPrefix("TrustedApplicationPool:"), isTrusted: isTrusted))
            case .other:
                ignored.append(record)
            }
        }

        // Each group's configuration: its command's -Identity, else the one configuration the file lists.
        let listed = Self.distinct(fileListings.map(\.identity))
        let listing = listed.isEmpty
            ? "the file has no Get-CsStaticRoutingConfiguration listing to tell"
            : "the file lists \(listed.count) configurations (\(listed.prefix(8).map(\.text).joined(separator: ", "))\(listed.count > 8 ? ", …" : ""))"
        var identities: [Int: (text: String, location: SourceLocation)?] = [:]
        for (group, command) in fileGroups {
            var group = group
            let identity = command.flatMap { command in
                identities[command.index] ?? {
                    let found = command.argument("Identity", of: "Get-CsStaticRoutingConfiguration", positional: true)
                    identities[command.index] = .some(found)
                    return found
                }()
            }
            if let (text, location) = identity {
                group.identity = SfBExport.Field(text: text, name: "-Identity", location: location)
            } else if listed.count == 1 {
                group.identity = listed[0]
            } else {
                let why = command.map { "`\($0.text.text)` names no -Identity" } ?? "no command is echoed before them"
                sections.error(
                    "these routes do not say which static routing configuration they belong to: \(why), and \(listing); run `\(SfBExport.expandCommand("<identity>"))` once per configuration",
                    at: command?.location ?? group.location)
                continue
            }
            groups.append(group)
        }
        listings += fileListings

        for failure in transcript.failures {
            guard SfBExport.cmdlets.contains(where: { failure.source.lowercased().hasSuffix($0.lowercased()) || runs(failure.command, $0) }) else { continue }
            sections.warning("\(failure.source) failed here: \(failure.message); whatever it would have listed is missing", at: failure.location, check: .exportIgnored)
        }
        var tableErrors = 0
        for table in transcript.tables {
            let command = table.command.map { transcript.commands[$0] }
            let columns = Set(table.columns.map { $0.lowercased() })
            let known = SfBExport.cmdlets.contains { runs(table.command, $0) }
                || !columns.isDisjoint(with: ["matchuri", "transport", "poolfqdn"])
                || (columns.contains("identity") && !columns.isDisjoint(with: ["pool", "route", "services"]))
            guard known else { continue }
            tableErrors += 1
            let rerun = command.map { "`\($0.text.text) | Format-List`" } ?? "the command with `| Format-List`"
            sections.error("this output is a table (Format-Table), which cuts long values short and leaves properties out; run \(rerun) and save that instead", at: table.location)
        }

        guard recognised > 0 else {
            if tableErrors == 0 {
                sections.error(
                    "\(file.path) holds no output the analyzer reads. It reads the Format-List output (PowerShell's default for these) of `\(SfBExport.expandCommand("<identity>"))` (the routes of one configuration), `Get-CsStaticRoutingConfiguration`, `Get-CsTrustedApplicationPool`, `Get-CsTrustedApplicationComputer` and `Get-CsPool`, or the JSON of the static route projection (see the README)",
                    at: SourceLocation(file: file.path, line: 1, column: 1))
            }
            return
        }
        if let first = ignored.first {
            var names: [String] = []
            var named: Set<Int> = []
            var seen: Set<String> = []
            for record in ignored {
                guard let index = record.command, named.insert(index).inserted,
                    let name = transcript.commands[index].tokens.first(where: { !$0.isOperator })?.text, seen.insert(name).inserted
                else { continue }
                names.append(name)
            }
            let from = names.isEmpty ? "" : " (from \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : ""))"
            sections.note(
                "\(ignored.count) record\(ignored.count == 1 ? "" : "s")\(from) \(ignored.count == 1 ? "is" : "are") none of what the analyzer reads (static routes, static routing configurations, trusted application pools and computers, Registrar pools); ignored",
                at: first.location, check: .exportIgnored)
        }
    }

    /// A Get-CsPool record: a Registrar pool when its Services include a `Registrar:` service.
    mutating func readPool(_ record: PowerShellTranscript.Record) {
        guard let identity = Self.given(record, "Identity") ?? Self.given(record, "Fqdn"), let services = record["Services"] else { return }
        let items = services.collection.map { $0.items.map(\.text) } ?? [services.text]
        let fqdn = SfBExport.Field(identity)
        if items.contains(where: { $0.lowercased().hasPrefix("registrar:") }) {
            registrarPools.append(SfBExport.RegistrarPool(fqdn: fqdn, site: Self.given(record, "Site").map { SfBExport.Field($0) }, location: record.location))
        } else if services.collection?.isTruncated == true {
            // A Registrar service may be among the items left out (when it is shown, the cut does not matter).
            truncated(services, shown: items.count, rerun: "Get-CsPool", what: "whether '\(fqdn.text)' is a Registrar pool")
        }
        if items.contains(where: { $0.lowercased().hasPrefix("externalserver:") }), let computers = record["Computers"] {
            poolComputers[fqdn.text.lowercased()] = poolComputers[fqdn.text.lowercased()] ?? computers
        }
    }

    /// The MatchUri of a route as the plain listing prints it (`MatchUri=vc.example.com;MatchOnlyPhoneUri=False;…`).
    static func matchURI(inListedRoute text: String) -> String {
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces.lowercased() == "matchuri" { return String(pair[1]).trimmingSpaces }
        }
        return text
    }

    /// The fields with different texts (compared without case), first of each kept.
    static func distinct(_ fields: [SfBExport.Field]) -> [SfBExport.Field] {
        var seen: Set<String> = []
        return fields.filter { seen.insert($0.text.lowercased()).inserted }
    }
}
