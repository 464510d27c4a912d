/// Skype for Business / Lync Server PowerShell output as the plan's `skype_for_business` section.
///
/// A file is a console transcript (`Start-Transcript`, or output saved with `>`/`Out-File`, UTF-16 or UTF-8) of any
/// number of these commands, in any order, or the JSON of the static route projection (`projection`):
/// - `Get-CsStaticRoutingConfiguration [-Identity X] | Select-Object -ExpandProperty Route`: the routes, with their
///   `Transport` (the only place the next hop is printed [M4]); the configuration is the command's `-Identity`;
/// - `Get-CsStaticRoutingConfiguration`: the configurations (`Identity`, and `Route` without destinations [M4]);
/// - `Get-CsTrustedApplicationPool` (`Identity : TrustedApplicationPool:<fqdn>`, `PoolFqdn` [M6] [M8]) and
///   `Get-CsTrustedApplicationComputer` (`Identity`, `Pool` [M7]): the trusted application pools and their computers;
/// - `Get-CsPool`: the pools whose `Services` include a Registrar, which users are homed on.
/// Records are told apart by their properties, and by the echoed command where there is one; records of other
/// cmdlets are ignored (one note per file). Every native entry is located at its value in the export and named in
/// messages by the property as PowerShell prints it. (../shared/EXPORTS.md §3)
enum SfBExport {
    static func read(_ files: [ExportFile]) -> ImportedSections {
        var reader = Reader()
        for file in files {
            if isJSON(file.text) {
                reader.readJSON(file)
            } else {
                reader.readTranscript(file)
            }
        }
        return reader.finish()
    }

    /// JSON starts with `[` or `{`; a transcript of a remote session may start with `[server]: PS C:\>` instead.
    static func isJSON(_ text: String) -> Bool {
        let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = trimmed.first, first == "[" || first == "{" else { return false }
        let line = trimmed.prefix { $0 != "\n" }
        return !(first == "[" && line.contains("]: PS"))
    }

    /// The PowerShell one-liner whose JSON the reader takes (EXPORTS.md §3.1; the README documents it).
    static let projection = #"Get-CsStaticRoutingConfiguration | % { $i = "$($_.Identity)"; $_.Route | % { [pscustomobject]@{Identity=$i; MatchUri=$_.MatchUri; Transport="$($_.Transport)"; Enabled=$_.Enabled; MatchOnlyPhoneUri=$_.MatchOnlyPhoneUri; ReplaceHostInRequestUri=$_.ReplaceHostInRequestUri} } } | ConvertTo-Json"#

    /// The command that shows one configuration's routes with their destinations.
    static func expandCommand(_ identity: String) -> String {
        "Get-CsStaticRoutingConfiguration -Identity \(identity) | Select-Object -ExpandProperty Route"
    }

    /// The cmdlets read, for messages and for recognising failures and tables.
    static let cmdlets = ["Get-CsStaticRoutingConfiguration", "Get-CsTrustedApplicationPool", "Get-CsTrustedApplicationComputer", "Get-CsPool"]

    /// One value of the export, where it is, and how messages name it.
    struct Field {
        var text: String
        /// The property as the export prints it, for the reader's messages: `Transport`, `-Identity`, `[2].MatchUri`.
        var name: String
        /// How the plan builder's messages name the native entry: the name, or where it is among others
        /// (`Route[2] MatchUri`: the third route's, as PowerShell would index `$configuration.Route[2]`).
        var label: String
        var location: SourceLocation
        /// The position of the character at a UTF-8 offset of `text`.
        var locate: (Int) -> SourceLocation

        init(text: String, name: String, label: String? = nil, location: SourceLocation, locate: ((Int) -> SourceLocation)? = nil) {
            self.text = text
            self.name = name
            self.label = label ?? name
            self.location = location
            self.locate = locate ?? { _ in location }
        }

        init(_ property: PowerShellTranscript.Property, label: String? = nil) {
            let value = property.value
            self.init(text: property.text, name: property.name, label: label, location: value.location, locate: { value.location(of: $0) })
        }

        /// The native entry `key` for this value (or for `text` at `offset` in it).
        func entry(_ key: String, _ text: String? = nil, offset: Int = 0) -> YAMLTree.Entry {
            YAMLTree.Entry(key, .text(text ?? self.text, at: offset == 0 ? location : locate(offset)), label: label)
        }

        /// The value without `prefix` (compared without case), located where the rest starts.
        func removingPrefix(_ prefix: String) -> Field {
            guard text.lowercased().hasPrefix(prefix.lowercased()) else { return self }
            let offset = prefix.utf8.count
            var field = self
            field.text = String(decoding: Array(text.utf8)[offset...], as: UTF8.self)
            let locate = self.locate
            field.location = locate(offset)
            field.locate = { locate(offset + $0) }
            return field
        }
    }

    /// The routes of one configuration as one command (or one JSON file) printed them.
    struct RouteGroup {
        var identity: Field?
        var routes: [YAMLTree]
        var location: SourceLocation
    }

    /// One configuration of the plain `Get-CsStaticRoutingConfiguration` listing.
    struct Listing {
        var identity: Field
        var route: PowerShellTranscript.Property?
        /// The match URIs the listing shows (an empty list for `Route : {}`).
        var matchURIs: [String]
        var isTruncated: Bool
    }

    struct TrustedPool {
        var fqdn: Field
        var computers: PowerShellTranscript.Property?
        var registrar: Field?
        var site: Field?
        var location: SourceLocation
    }

    struct Computer {
        var fqdn: Field
        var pool: Field
        /// Printed by Get-CsTrustedApplicationComputer (or naming a TrustedApplicationPool: service), so its pool is a
        /// trusted application pool even where no pool listing says so. [M7]
        var isTrusted: Bool
    }

    struct RegistrarPool {
        var fqdn: Field
        var site: Field?
        var location: SourceLocation
    }

    struct Reader {
        var sections = ImportedSections()
        var groups: [RouteGroup] = []
        var listings: [Listing] = []
        var trustedPools: [TrustedPool] = []
        var computers: [Computer] = []
        var registrarPools: [RegistrarPool] = []
        /// The `Computers` Get-CsPool shows for trusted application pools (ExternalServer), by lower-case FQDN.
        var poolComputers: [String: PowerShellTranscript.Property] = [:]
    }
}
