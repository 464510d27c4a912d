@testable import DialPlanKit
import Foundation
import Testing

/// A place in a file (Testing has a SourceLocation of its own).
typealias Location = DialPlanKit.SourceLocation

/// Helpers for reading xConfiguration text and the native trees made of it.
enum VCSText {
    /// `*c xConfiguration <key>: "<value>"` lines (a nil value prints as the export prints an empty one, `key: `).
    static func records(_ pairs: [(String, String?)]) -> String {
        pairs.map { key, value in value.map { "*c xConfiguration \(key): \"\($0)\"" } ?? "*c xConfiguration \(key): " }
            .joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String, file: String = "exp.txt") -> XConfiguration {
        XConfiguration(parsing: ExportFile(path: file, text: text))
    }

    static func read(_ text: String, file: String = "exp.txt", name: String? = nil, nameAt: Location? = nil) -> ImportedSections {
        VCSExport.read(ExportFile(path: file, text: text), name: name, nameAt: nameAt)
    }

    static func fixturePath(_ name: String) -> String { TestPlans.path("Fixtures/exports/vcs/\(name)") }

    static func readFixture(_ name: String) throws -> ImportedSections {
        VCSExport.read(try ExportFile.read(fixturePath(name)), name: nil, nameAt: nil)
    }

    /// The one cluster the import made.
    static func cluster(_ sections: ImportedSections) -> YAMLTree? {
        guard let list = sections.entries.first(where: { $0.key == "call_control" })?.value,
            case .sequence(let clusters, _) = list
        else { return nil }
        return clusters.first
    }

    static func items(_ tree: YAMLTree?) -> [YAMLTree] {
        guard case .sequence(let items, _)? = tree else { return [] }
        return items
    }

    static func entry(_ tree: YAMLTree?, _ key: String) -> YAMLTree.Entry? {
        guard case .mapping(let entries, _)? = tree else { return nil }
        return entries.first { $0.key == key }
    }

    static func keys(_ tree: YAMLTree?) -> [String] {
        guard case .mapping(let entries, _)? = tree else { return [] }
        return entries.map(\.key)
    }

    static func texts(_ tree: YAMLTree?) -> [String] { items(tree).compactMap(\.text) }

    /// The item of the cluster's `list` whose name is `name`.
    static func named(_ name: String, in list: String, of sections: ImportedSections) -> YAMLTree? {
        items(cluster(sections)?[list]).first { $0["name"]?.text == name }
    }

    /// The first item of the cluster's `list`.
    static func first(_ list: String, of sections: ImportedSections) -> YAMLTree? {
        items(cluster(sections)?[list]).first
    }

    static func errors(_ sections: ImportedSections) -> [String] {
        sections.diagnostics.filter { $0.severity == .error }.map(\.description)
    }
}

/// The xConfiguration record parser. Sources: [C1] real output (TAC doc 212475: joined records, labels before
/// records, empty values, `{cipher}`), [C5] [C6] real-world parsers, EXPORTS.md §2.1.
@Suite struct XConfigurationParserTests {
    // [C1]: pasted records share lines, and a label may precede the first.
    @Test func recordsAreSplitOnTheirTokenNotOnLines() {
        let text = #"Expressway-E *c xConfiguration Zones Zone 7 Name: "Hybrid" *c xConfiguration Zones Zone 7 Type: "TraversalServer""# + "\n"
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.records.map(\.key) == ["Zones Zone 7 Name", "Zones Zone 7 Type"])
        #expect(parsed.records.map(\.value) == ["Hybrid", "TraversalServer"])
        #expect(parsed.records[0].start == Location(file: "exp.txt", line: 1, column: 14))
        #expect(parsed.records[0].valueLocation == Location(file: "exp.txt", line: 1, column: 52))
        #expect(parsed.records[1].start.column == 60)
        #expect(parsed.records[1].words == ["Zones", "Zone", "7", "Type"])
        #expect(parsed.records[1].wordColumns == [78, 84, 89, 91])
    }

    // [C1] and EXPORTS.md §2.1: values are quoted (numbers and enums too) or bare; an empty value is the key, the
    // colon and a space, or without the space when an editor trimmed it.
    @Test func valuesAreQuotedBareOrEmpty() {
        let text = """
            *c xConfiguration A: "quoted value"
            *c xConfiguration B: bare value\t\u{20}
            *c xConfiguration C Pattern Replace:\u{20}
            *c xConfiguration D Pattern Replace:
            *c xConfiguration E: ""
            *c xConfiguration F: 2001:db8::1

            """
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.records.map(\.value) == ["quoted value", "bare value", "", "", "", "2001:db8::1"])
        // The value's first character (inside the quotes), or the record's start when the value is empty.
        #expect(parsed.records.map(\.valueLocation.column) == [23, 22, 1, 1, 1, 22])
        #expect(parsed.records.map(\.valueLocation.line) == [1, 2, 3, 4, 5, 6])
        #expect(parsed.records[2].words == ["C", "Pattern", "Replace"])
    }

    // EXPORTS.md §2.1 (INFERRED): values print raw, so a quoted value runs to the record's last quote; a note
    // pasted after it ([C1] "<-- Possible Suspect Value") is not part of it.
    @Test func aQuotedValueRunsToTheRecordsLastQuote() {
        let text = """
            *c xConfiguration Zones Zone 1 Name: "say "hi" twice" *c xConfiguration Zones Zone 1 SIP Port: "7003"   <-- Possible Suspect Value
            *c xConfiguration Transform 1 Pattern String: "([^@]+)@(.*)\\.example"

            """
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.records.map(\.value) == [#"say "hi" twice"#, "7003", #"([^@]+)@(.*)\.example"#])
    }

    // EXPORTS.md §2.1 (INFERRED): a CLI transcript carries prompts, the echoed command, `OK`, status lines and
    // Windows line endings; only the records count.
    @Test func transcriptNoiseIsIgnored() {
        let text = [
            "login as: admin", "", "expc-lon1> xConfiguration", "xconfiguration Zones",
            #"*c xConfiguration SystemUnit Name: "expc-lon1""#, "*s SystemUnit Uptime: 1234", "*r Result (status=OK):",
            "   ", #"*c xConfiguration IP DNS Hostname: "expc-lon1""#, "OK", "expc-lon1> ",
        ].joined(separator: "\r\n")
        let parsed = XConfiguration(parsing: ExportFile(path: "exp.txt", text: text))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.records.map(\.key) == ["SystemUnit Name", "IP DNS Hostname"])
        #expect(parsed.records.map(\.value) == ["expc-lon1", "expc-lon1"])
        #expect(parsed.records.map(\.valueLocation.line) == [5, 9])
        #expect(parsed.records[1].valueLocation.column == 37)
    }

    // Pasted from a web page ([C1] is one), words may be separated by no-break spaces.
    @Test func noBreakSpacesSeparateWordsAsSpacesDo() {
        let text = "Expressway-C\u{A0}*c\u{A0}xConfiguration\u{A0}Zones Zone\u{A0}6 Name:\u{A0}\"Hybrid\u{A0}Call\"\u{A0}\n"
            + "*c xConfiguration Zones Zone 6 Type: TraversalClient\u{A0}\u{A0}\n"
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.records.map(\.words) == [["Zones", "Zone", "6", "Name"], ["Zones", "Zone", "6", "Type"]])
        #expect(parsed.records.map(\.value) == ["Hybrid\u{A0}Call", "TraversalClient"])
        #expect(parsed.records[0].start.column == 14)
        #expect(parsed.records[0].valueLocation.column == 52)
    }

    // Columns count Unicode scalars, as the YAML plan's do, so positions agree across files.
    @Test func columnsCountCharactersNotBytes() {
        let parsed = VCSText.parse(#"Zürich-ÆØÅ *c xConfiguration Zones Zone 1 Name: "Oslo-Ø""#)
        #expect(parsed.records[0].start.column == 12)
        #expect(parsed.records[0].valueLocation.column == 50)
        #expect(parsed.records[0].value == "Oslo-Ø")
    }

    // The CLI takes keys in any case; Cisco's own examples write `Subzone` for `SubZone` [X15REF ≈318k].
    @Test func keysMatchInAnyCase() {
        let sections = VCSText.read(VCSText.records([
            ("Alternates Cluster Name", "c"),
            ("zones localzone subzones Subzone 1 Name", "Oslo-HQ"),
        ]))
        #expect(VCSText.items(VCSText.cluster(sections)?["subzones"]).compactMap { $0["name"]?.text } == ["Oslo-HQ"])
        #expect(VCSText.entry(VCSText.items(VCSText.cluster(sections)?["subzones"]).first, "name")?.label == "zones localzone subzones Subzone 1 Name")
    }

    // A line that begins *c but is no record, and records that do not parse, are errors at their position that
    // quote the record.
    @Test func malformedRecordsAreErrorsAtTheirPosition() {
        let text = """
            *c
            *c xStatus Zones
              *c xConfiguration Zones Zone 3 Name "Oslo"
            label *c xConfiguration : "x"
            *c xConfiguration Zones Zone 3 Type: "Neighbor
            *c xConfiguration Zones Zone 3 HopCount: "15"
            text with *c in it, and *cxConfiguration too, is not a record

            """
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.map(\.description) == [
            "exp.txt:1:1: error: '*c' begins with *c but is not an xConfiguration record (*c xConfiguration <path> <key>: <value>)",
            "exp.txt:2:1: error: '*c xStatus Zones' begins with *c but is not an xConfiguration record (*c xConfiguration <path> <key>: <value>)",
            #"exp.txt:3:3: error: the xConfiguration record '*c xConfiguration Zones Zone 3 Name "Oslo"' has no ':' between its key and its value"#,
            #"exp.txt:4:7: error: the xConfiguration record '*c xConfiguration : "x"' has no key before its ':'"#,
            #"exp.txt:5:38: error: Zones Zone 3 Type: the value "Neighbor has no closing quote"#,
        ])
        #expect(parsed.records.map(\.key) == ["Zones Zone 3 HopCount"])
    }

    // A file of garbage gives a readable answer: the first errors, then their count.
    @Test func parseErrorsPastALimitAreSummedUp() {
        let text = String(repeating: "*c xConfiguration broken\n", count: XConfiguration.errorLimit + 7)
        let parsed = VCSText.parse(text)
        #expect(parsed.diagnostics.count == XConfiguration.errorLimit + 1)
        #expect(parsed.diagnostics.last?.message == "7 more xConfiguration records do not parse")
    }

    // Robustness: random bytes, random record-like text, a huge joined line and a lone *c never crash or hang.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func anyInputIsReadInBoundedTime(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let pieces = ["*c", " xConfiguration", " Zones Zone ", "\"", ":", " ", "\n", "\r\n", "\r", "7", "Name", "\t", "é", "\u{0}", "*"]
        var text = ""
        for _ in 0..<20_000 {
            if Bool.random(using: &generator) {
                text += pieces.randomElement(using: &generator)!
            } else {
                text.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0...255, using: &generator)))
            }
        }
        let bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            _ = VCSText.read(text)
            _ = VCSText.read(String(decoding: bytes, as: UTF8.self))
        }
        #expect(elapsed < .seconds(20))
    }

    @Test func hugeJoinedLinesAndLoneMarkersAreReadInLinearTime() {
        let record = #"*c xConfiguration Zones Policy SearchRules Rule 7 Description: "a rule with a description" "#
        let huge = String(repeating: record, count: 20_000)
        let unclosed = #"*c xConfiguration A: ""# + String(repeating: "x", count: 500_000)
        let markers = String(repeating: "*c ", count: 200_000)
        let clock = ContinuousClock()
        var parsed: [XConfiguration] = []
        let elapsed = clock.measure {
            parsed = [VCSText.parse(huge), VCSText.parse(unclosed), VCSText.parse(markers), VCSText.parse("*c"), VCSText.parse("*"), VCSText.parse("")]
        }
        #expect(elapsed < .seconds(30))
        #expect(parsed[0].records.count == 20_000)
        #expect(parsed[0].diagnostics.isEmpty)
        #expect(parsed[1].diagnostics.count == 1)
        #expect(parsed[2].diagnostics.count == 1)  // one line beginning *c
        #expect(parsed[3].diagnostics.count == 1)
        #expect(parsed[4].diagnostics.isEmpty && parsed[5].diagnostics.isEmpty)
    }
}

/// The VCS/Expressway reader: xConfiguration settings as one native `call_control` cluster. Sources: [C1] real
/// output, [X15REF] the X15 command reference, [C2] zones, [C3] [C4] older VCS guides, [C5] [C6] real-world parsers
/// (EXPORTS.md §2 and the VCS research report).
@Suite struct VCSExportReaderTests {
    typealias T = VCSText

    // MARK: The cluster

    // PlanImports: the import's name wins; else Alternates Cluster Name [X15REF ≈181.5k]; else SystemUnit Name.
    @Test func theClusterIsNamedByTheImportThenItsClusterNameThenItsSystemName() {
        let both = T.records([("Alternates Cluster Name", "expc-lon.acme.example"), ("SystemUnit Name", "expc-lon1")])
        let given = Location(file: "plan.yaml", line: 3, column: 9)
        let named = T.read(both, name: "vcs-emea", nameAt: given)
        #expect(T.cluster(named)?["name"]?.text == "vcs-emea")
        #expect(T.cluster(named)?["name"]?.location == given)
        #expect(T.entry(T.cluster(named), "name")?.label == nil)

        let fromCluster = T.read(both)
        #expect(T.cluster(fromCluster)?["name"]?.text == "expc-lon.acme.example")
        #expect(T.entry(T.cluster(fromCluster), "name")?.label == "Alternates Cluster Name")
        #expect(T.cluster(fromCluster)?["name"]?.location == Location(file: "exp.txt", line: 1, column: 45))

        let emptyClusterName = T.read(T.records([("Alternates Cluster Name", nil), ("SystemUnit Name", "expc-lon1")]))
        #expect(T.cluster(emptyClusterName)?["name"]?.text == "expc-lon1")
        #expect(T.entry(T.cluster(emptyClusterName), "name")?.label == "SystemUnit Name")
        #expect(emptyClusterName.diagnostics.isEmpty)
    }

    @Test func aClusterWithoutANameIsAnErrorThatSaysToGiveOne() {
        let sections = T.read(T.records([("Alternates Cluster Name", nil), ("IP DNS Hostname", "expc-lon1")]))
        #expect(T.errors(sections) == [
            "exp.txt:1:1: error: exp.txt names no cluster (its Alternates Cluster Name and SystemUnit Name are empty or missing); give it one in the plan: imports: {call_control: [{file: …, name: …}]}",
        ])
        #expect(sections.entries.isEmpty)
    }

    @Test func anExportWithoutRecordsIsAnError() {
        let sections = T.read("expc-lon1> xConfiguration\nOK\n")
        #expect(T.errors(sections) == [
            "exp.txt:1:1: error: exp.txt holds no xConfiguration records (lines '*c xConfiguration <path> <key>: <value>'); export the cluster's configuration with the CLI command xConfiguration",
        ])
    }

    // [X15REF ≈296k]: %systemname% is the System Name, which is not replicated across cluster peers.
    @Test func theSystemNameIsTheSystemUnitName() {
        let sections = T.read(T.records([("Alternates Cluster Name", "c"), ("SystemUnit Name", "expc-lon1")]))
        let entry = T.entry(T.cluster(sections), "system_name")
        #expect(entry?.value.text == "expc-lon1")
        #expect(entry?.label == "SystemUnit Name")
        #expect(entry?.value.location == Location(file: "exp.txt", line: 2, column: 37))
        #expect(T.entry(T.cluster(T.read(T.records([("Alternates Cluster Name", "c"), ("SystemUnit Name", nil)]))), "system_name") == nil)
    }

    // [C5] [C6] [X15REF]: the cluster peers, then each LAN's IPv4 and IPv6 address, then the FQDN; each once.
    @Test func addressesAreTheClusterPeersThenTheLANAddressesThenTheFQDNEachOnce() {
        let sections = T.read(T.records([
            ("Alternates Cluster Name", "c"),
            ("Alternates Peer 1 Address", "10.10.0.2"), ("Alternates Peer 2 Address", "EXPC-LON2.acme.example"),
            ("Alternates Peer 3 Address", nil), ("Alternates Peer 4 Address", nil),
            ("Ethernet 1 IP V4 Address", "10.10.0.2"), ("Ethernet 1 IP V6 Address", "2001:db8::2"),
            ("Ethernet 2 IP V4 Address", "172.16.0.2"), ("Ethernet 2 IP V6 Address", nil),
            ("IP DNS Domain Name", "acme.example"), ("IP DNS Hostname", "expc-lon2"),
        ]))
        let entry = T.entry(T.cluster(sections), "addresses")
        #expect(T.texts(entry?.value) == ["10.10.0.2", "EXPC-LON2.acme.example", "2001:db8::2", "172.16.0.2"])
        #expect(entry?.label == "Alternates Peer 1 Address")
        #expect(T.items(entry?.value).map(\.location.line) == [2, 3, 7, 8])

        let lanOnly = T.read(T.records([
            ("SystemUnit Name", "e"), ("Ethernet 1 IP V4 Address", "192.0.2.10"), ("IP DNS Domain Name", "acme.example"),
            ("IP DNS Hostname", "expe-lon1"),
        ]))
        #expect(T.texts(T.cluster(lanOnly)?["addresses"]) == ["192.0.2.10", "expe-lon1.acme.example"])
        // Without a domain there is no FQDN.
        let hostOnly = T.read(T.records([("SystemUnit Name", "e"), ("IP DNS Hostname", "expe-lon1")]))
        #expect(T.cluster(hostOnly)?["addresses"] == nil)
    }

    // [X15REF ≈281k] `SIP Domain [1..200] Name`; [C4] older `SIP Domains Domain [1..20] Name`.
    @Test func sipDomainsUnderEitherSpellingComeInIndexOrderWithoutEmptySlots() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"),
            ("SIP Domain 10 Name", "ten.example"), ("SIP Domain 2 Name", "two.example"), ("SIP Domain 3 Name", nil),
            ("SIP Domain 2 Sip", "On"), ("SIP Domains Domain 1 Name", "one.example"), ("SIP Domains Domain 4 Name", "TWO.example"),
        ]))
        let entry = T.entry(T.cluster(sections), "sip_domains")
        #expect(T.texts(entry?.value) == ["one.example", "two.example", "ten.example"])
        #expect(entry?.label == "SIP Domains Domain 1 Name")
        #expect(T.items(entry?.value).map(\.location.line) == [6, 3, 2])
        #expect(sections.diagnostics.isEmpty)
    }

    // [X15REF ≈314k–318k] [C5]: subzones by name, their membership rules (`SubZoneName`) kept as information.
    @Test func subzonesKeepTheirMembershipRules() {
        let rule = "Zones LocalZone SubZones MembershipRules Rule"
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"),
            ("\(rule) 1 Description", "Office"), ("\(rule) 1 Name", "Oslo LAN"), ("\(rule) 1 Pattern String", nil),
            ("\(rule) 1 Pattern Type", "Prefix"), ("\(rule) 1 Priority", "100"), ("\(rule) 1 State", "Enabled"),
            ("\(rule) 1 SubZoneName", "Oslo-HQ"), ("\(rule) 1 Subnet Address", "10.20.0.0"),
            ("\(rule) 1 Subnet PrefixLength", "16"), ("\(rule) 1 Type", "Subnet"),
            ("\(rule) 2 Name", "Lost"), ("\(rule) 2 SubZoneName", "Nowhere"),
            ("\(rule) 3 Name", "Soft clients"), ("\(rule) 3 SubZoneName", "Oslo-HQ"), ("\(rule) 3 Type", "AliasPatternMatch"),
            ("Zones LocalZone SubZones SubZone 1 Name", "Oslo-HQ"), ("Zones LocalZone SubZones SubZone 1 Registrations", "Allow"),
            ("Zones LocalZone SubZones SubZone 2 Name", "London"),
        ]))
        let subzones = T.items(T.cluster(sections)?["subzones"])
        #expect(subzones.compactMap { $0["name"]?.text } == ["Oslo-HQ", "London"])
        let rules = T.items(subzones[0]["membership_rules"])
        #expect(rules.compactMap { $0["name"]?.text } == ["Oslo LAN", "Soft clients"])
        #expect(T.keys(rules[0]) == ["name", "priority", "type", "subnet_address", "subnet_prefix_length", "pattern_type", "pattern_string", "state"])
        #expect(rules[0]["subnet_prefix_length"]?.text == "16")
        #expect(T.entry(rules[0], "subnet_prefix_length")?.label == "\(rule) 1 Subnet PrefixLength")
        #expect(subzones[1]["membership_rules"] == nil)
        #expect(sections.diagnostics.map(\.description) == [
            #"exp.txt:13:81: warning: [export-ignored] Zones LocalZone SubZones MembershipRules Rule 2 SubZoneName: "Nowhere" names no subzone of the export; the membership rule is left out"#,
        ])
    }

    // [X15REF ≈258k]: search rules may target policy services by name.
    @Test func policyServicesAreReadByName() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("Policy Services Service 1 Name", "CPL server"),
            ("Policy Services Service 1 Server 1 Address", "policy.acme.example"), ("Policy Services Service 2 Name", "Second"),
        ]))
        let services = T.items(T.cluster(sections)?["policy_services"])
        #expect(services.compactMap { $0["name"]?.text } == ["CPL server", "Second"])
        #expect(T.keys(services[0]) == ["name"])
        #expect(T.entry(services[1], "name")?.label == "Policy Services Service 2 Name")
    }

    // MARK: Transforms

    // [X15REF ≈297k] [C5]: transforms have no name: the description names one, else its path.
    @Test func transformsAreNamedByTheirDescriptionElseTheirPath() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"),
            ("Transform 1 Description", "Add video domain"), ("Transform 1 Pattern Behavior", "Replace"),
            ("Transform 1 Pattern Replace", #"\1@vc.acme.example"#), ("Transform 1 Pattern String", "([^@]+)"),
            ("Transform 1 Pattern Type", "Regex"), ("Transform 1 Priority", "10"), ("Transform 1 State", "Enabled"),
            ("Transform 3 Description", nil), ("Transform 3 Pattern Behavior", "AddPrefix"), ("Transform 3 Pattern Replace", "sip:"),
            ("Transform 3 Pattern String", "@"), ("Transform 3 Priority", "20"),
        ]))
        let transforms = T.items(T.cluster(sections)?["transforms"])
        #expect(transforms.compactMap { $0["name"]?.text } == ["Add video domain", "Transform 3"])
        #expect(T.keys(transforms[0]) == ["name", "priority", "pattern_type", "pattern_string", "pattern_behavior", "replace_string", "state", "description"])
        #expect(transforms[0]["replace_string"]?.text == #"\1@vc.acme.example"#)
        #expect(T.entry(transforms[0], "replace_string")?.label == "Transform 1 Pattern Replace")
        #expect(T.entry(transforms[0], "name")?.label == "Transform 1 Description")
        #expect(T.entry(transforms[1], "name")?.label == "Transform 3")
        #expect(transforms[1]["name"]?.location == Location(file: "exp.txt", line: 9, column: 1))
        #expect(transforms[1]["pattern_behavior"]?.text == "AddPrefix")
        #expect(transforms[1]["description"]?.text == "")
    }

    // [X15REF ≈297k] [C3 p.262]: a transform's Pattern Behavior defaults to Strip, where the native schema has no
    // default. A search rule's missing keys take the plan's defaults, one table for exports and YAML alike (the web
    // interface's: Alias pattern match, Leave [C3 p.235]; the CLI reference lists AnyAlias/Strip for commands that
    // create rules [X15REF ≈328k–330k], but an export prints every key, so only a trimmed export lacks them).
    @Test func vcsDefaultsFillKeysTheExportLacks() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"),
            ("Transform 1 Pattern String", "sip:"), ("Transform 1 Priority", "1"),
            ("Zones Policy SearchRules Rule 1 Name", "No mode"), ("Zones Policy SearchRules Rule 1 Pattern String", "x"),
            ("Zones Policy SearchRules Rule 1 Target Name", "LocalZone"),
            ("Zones Policy SearchRules Rule 2 Mode", "AliasPatternMatch"), ("Zones Policy SearchRules Rule 2 Name", "No behavior"),
            ("Zones Policy SearchRules Rule 2 Pattern String", "x"), ("Zones Policy SearchRules Rule 2 Target Name", "LocalZone"),
        ]))
        let transform = T.items(T.cluster(sections)?["transforms"]).first
        #expect(transform?["pattern_behavior"]?.text == "Strip")
        #expect(T.entry(transform, "pattern_behavior")?.label == "Transform 1 Pattern Behavior")
        #expect(transform?["pattern_behavior"]?.location == Location(file: "exp.txt", line: 2, column: 1))
        let noMode = T.named("No mode", in: "search_rules", of: sections)
        #expect(noMode?["mode"] == nil)
        #expect(noMode?["pattern_string"]?.text == "x")
        #expect(T.named("No behavior", in: "search_rules", of: sections)?["pattern_behavior"] == nil)
    }

    // MARK: Zones

    // [X15REF ≈382.4k]: exactly these five zone types.
    @Test(arguments: [
        ("Neighbor", "neighbor"), ("TraversalClient", "traversal_client"), ("TraversalServer", "traversal_server"),
        ("DNS", "dns"), ("ENUM", "enum"), ("traversalclient", "traversal_client"),
    ])
    func zoneTypesBecomeNativeTypes(vcs: String, native: String) {
        let sections = T.read(T.records([("SystemUnit Name", "vcs"), ("Zones Zone 1 Name", "Z"), ("Zones Zone 1 Type", vcs)]))
        let type = T.entry(T.items(T.cluster(sections)?["zones"]).first, "type")
        #expect(type?.value.text == native)
        #expect(type?.label == "Zones Zone 1 Type")
        #expect(type?.value.location == Location(file: "exp.txt", line: 3, column: 39))
    }

    @Test func anUnknownZoneTypeIsAnErrorAtItsValue() {
        let text = T.records([("SystemUnit Name", "vcs"), ("Zones Zone 3 Name", "GW"), ("Zones Zone 3 Type", "Gateway")])
        let sections = T.read(text)
        #expect(T.errors(sections) == [
            #"exp.txt:3:39: error: Zones Zone 3 Type: "Gateway" is not a zone type (Neighbor, TraversalClient, TraversalServer, DNS, ENUM)"#,
        ])
        #expect(T.cluster(sections)?["zones"] == nil)
    }

    // [C1 zones 6 and 7] [X15REF ≈340k–382k]: a zone's keys are prefixed by its type; all six peers are printed,
    // unused ones empty; a traversal server zone has no peer addresses (the client connects in).
    @Test func zonesTakeThePeersUserNameAndPortOfTheirType() {
        var pairs: [(String, String?)] = [("SystemUnit Name", "vcs")]
        pairs += [("Zones Zone 1 HopCount", "10"), ("Zones Zone 1 Name", "Pexip-Oslo")]
        pairs += (1...6).map { ("Zones Zone 1 Neighbor Peer \($0) Address", $0 <= 2 ? "10.10.1.1\($0)" : nil) }
        pairs += [("Zones Zone 1 TraversalClient Peer 1 Address", "stale.example"), ("Zones Zone 1 Type", "Neighbor")]
        pairs += [
            ("Zones Zone 2 Name", "To-E"), ("Zones Zone 2 TraversalClient Authentication Password", "{cipher}qeh8eq+fuVY1GHG="),
            ("Zones Zone 2 TraversalClient Authentication UserName", "traversal-lon"),
            ("Zones Zone 2 TraversalClient Peer 1 Address", "expe-lon1.acme.example"), ("Zones Zone 2 TraversalClient Peer 2 Address", nil),
            ("Zones Zone 2 TraversalClient SIP Port", "7001"), ("Zones Zone 2 Type", "TraversalClient"),
        ]
        pairs += [
            ("Zones Zone 3 Name", "From-C"), ("Zones Zone 3 TraversalServer Authentication UserName", "traversal-lon"),
            ("Zones Zone 3 TraversalServer SIP Port", "7001"), ("Zones Zone 3 Type", "TraversalServer"),
        ]
        pairs += [("Zones Zone 4 DNS IncludeAddressRecord", "On"), ("Zones Zone 4 Name", "Internet"), ("Zones Zone 4 Type", "DNS")]
        pairs += [("Zones Zone 5 ENUM DNSSuffix", "e164.arpa"), ("Zones Zone 5 Name", "ENUM"), ("Zones Zone 5 Type", "ENUM")]
        let sections = T.read(T.records(pairs))
        #expect(sections.diagnostics.isEmpty)
        let zones = T.items(T.cluster(sections)?["zones"])
        #expect(zones.compactMap { $0["name"]?.text } == ["Pexip-Oslo", "To-E", "From-C", "Internet", "ENUM"])
        #expect(T.keys(zones[0]) == ["name", "type", "peers", "hop_count"])
        #expect(T.texts(zones[0]["peers"]) == ["10.10.1.11", "10.10.1.12"])
        #expect(T.entry(zones[0], "peers")?.label == "Zones Zone 1 Neighbor Peer 1 Address")
        #expect(T.entry(zones[0], "hop_count")?.label == "Zones Zone 1 HopCount")
        #expect(T.keys(zones[1]) == ["name", "type", "peers", "username", "sip_port"])
        #expect(T.texts(zones[1]["peers"]) == ["expe-lon1.acme.example"])
        #expect(zones[1]["username"]?.text == "traversal-lon")
        #expect(T.entry(zones[1], "sip_port")?.label == "Zones Zone 2 TraversalClient SIP Port")
        #expect(T.keys(zones[2]) == ["name", "type", "username", "sip_port"])
        #expect(T.entry(zones[2], "username")?.label == "Zones Zone 3 TraversalServer Authentication UserName")
        #expect(T.keys(zones[3]) == ["name", "type"])
        #expect(T.keys(zones[4]) == ["name", "type"])
    }

    // MARK: Search rules

    static let rule = "Zones Policy SearchRules Rule"

    /// Search rule 3 of [C1], every key as the export prints it, with `mode` and the target as given.
    static func c1Rule(_ index: Int = 3, name: String = "Webex Hybrid", mode: String = "AnyAlias", target: String = "Hybrid Call Service Traversal", targetType: String = "Zone", generated: String = "No") -> [(String, String?)] {
        let p = "\(rule) \(index)"
        return [
            ("\(p) Authentication", "No"), ("\(p) Description", "Calls to VCS-C"), ("\(p) Mode", mode), ("\(p) Name", name),
            ("\(p) Pattern Behavior", "Strip"), ("\(p) Pattern Replace", nil), ("\(p) Pattern String", nil),
            ("\(p) Pattern Type", "Prefix"), ("\(p) Priority", "15"), ("\(p) Progress", "Stop"), ("\(p) Protocol", "SIP"),
            ("\(p) SIPTrafficType", "Any"), ("\(p) Source Mode", "Named"), ("\(p) Source Name", "Hybrid Call Services DNS"),
            ("\(p) State", "Enabled"), ("\(p) SystemGenerated", generated), ("\(p) Target Name", target),
            ("\(p) Target SIPVariant", "Any"), ("\(p) Target Type", targetType),
        ]
    }

    // [C1 rule 3] [X15REF ≈328k–335k]: every key a rule has, labelled by the export's key and located at its value.
    @Test func searchRulesCarryEveryKeyLabelledByTheExport() throws {
        let sections = T.read(T.records([("SystemUnit Name", "vcs")] + Self.c1Rule(mode: "AliasPatternMatch")))
        #expect(sections.diagnostics.isEmpty)
        let rule = try #require(T.first("search_rules", of: sections))
        #expect(T.keys(rule) == [
            "name", "description", "priority", "protocol", "source_mode", "source_name", "mode", "pattern_type",
            "pattern_string", "pattern_behavior", "replace_string", "progress", "target_type", "target", "state",
            "authentication", "system_generated",
        ])
        let expected: [String: (String, String)] = [
            "name": ("Webex Hybrid", "Name"), "description": ("Calls to VCS-C", "Description"), "priority": ("15", "Priority"),
            "protocol": ("SIP", "Protocol"), "source_mode": ("Named", "Source Mode"), "source_name": ("Hybrid Call Services DNS", "Source Name"),
            "mode": ("AliasPatternMatch", "Mode"), "pattern_type": ("Prefix", "Pattern Type"), "pattern_string": ("", "Pattern String"),
            "pattern_behavior": ("Strip", "Pattern Behavior"), "replace_string": ("", "Pattern Replace"), "progress": ("Stop", "Progress"),
            "target_type": ("zone", "Target Type"), "target": ("Hybrid Call Service Traversal", "Target Name"), "state": ("Enabled", "State"),
            "authentication": ("false", "Authentication"), "system_generated": ("false", "SystemGenerated"),
        ]
        for (key, (value, exportKey)) in expected {
            #expect(rule[key]?.text == value, "\(key)")
            #expect(T.entry(rule, key)?.label == "Zones Policy SearchRules Rule 3 \(exportKey)", "\(key)")
        }
        // Priority is the 10th record (line 10 after SystemUnit Name); its value starts after the quote.
        #expect(rule["priority"]?.location == Location(file: "exp.txt", line: 10, column: 62))
        // The rule is located at its first record; an empty value at its record's start.
        #expect(rule.location == Location(file: "exp.txt", line: 2, column: 1))
        #expect(rule["pattern_string"]?.location == Location(file: "exp.txt", line: 8, column: 1))
    }

    // [X15REF ≈330k]: pattern keys apply to Alias Pattern Match mode only, but the export prints them anyway.
    @Test(arguments: ["AnyAlias", "AnyIPAddress"])
    func patternKeysAreLeftOutUnlessTheModeIsAliasPatternMatch(mode: String) throws {
        let sections = T.read(T.records([("SystemUnit Name", "vcs")] + Self.c1Rule(mode: mode)))
        let rule = try #require(T.first("search_rules", of: sections))
        #expect(rule["mode"]?.text == mode)
        for key in ["pattern_type", "pattern_string", "pattern_behavior", "replace_string"] { #expect(rule[key] == nil, "\(key)") }
    }

    // [X15REF ≈330k] "Source Name: The name of the source (Sub)Zone" applies to a Named source only; the export
    // prints the last one given whatever the mode.
    @Test func theSourceNameIsLeftOutUnlessTheSourceModeIsNamed() throws {
        let anyZone = Self.c1Rule().map { key, value in key.hasSuffix("Source Mode") ? (key, "AllZones") : (key, value) }
        let rule = try #require(T.first("search_rules", of: T.read(T.records([("SystemUnit Name", "vcs")] + anyZone))))
        #expect(rule["source_mode"]?.text == "AllZones")
        #expect(rule["source_name"] == nil)
        let named = try #require(T.first("search_rules", of: T.read(T.records([("SystemUnit Name", "vcs")] + Self.c1Rule()))))
        #expect(named["source_name"]?.text == "Hybrid Call Services DNS")
    }

    // [X15REF ≈330k] Target Type Zone/PolicyService; Authentication and SystemGenerated Yes/No.
    @Test func targetTypesAndYesNoBecomeNativeValues() throws {
        let sections = T.read(T.records(
            [("SystemUnit Name", "vcs")] + Self.c1Rule(target: "CPL", targetType: "PolicyService")
                + [("\(Self.rule) 3 Authentication", "Yes")]))
        let rule = try #require(T.first("search_rules", of: sections))
        #expect(rule["target_type"]?.text == "policy_service")
        #expect(rule["target"]?.text == "CPL")
        // The first of the repeated Authentication is used, with a warning.
        #expect(rule["authentication"]?.text == "false")
        #expect(sections.diagnostics.map(\.message) == [
            #"Zones Policy SearchRules Rule 3 Authentication: "Yes" repeats the key given at line 2 with "No"; the first is used"#,
        ])
    }

    @Test func valuesOutsideTheMappedSetsAreErrorsAtTheirValue() {
        let sections = T.read(T.records(
            [("SystemUnit Name", "vcs")] + Self.c1Rule(targetType: "Gateway").map { key, value in
                key.hasSuffix("Authentication") ? (key, "Maybe") : (key, value)
            }))
        #expect(Set(T.errors(sections)) == [
            #"exp.txt:2:68: error: Zones Policy SearchRules Rule 3 Authentication: "Maybe" is neither Yes nor No"#,
            #"exp.txt:20:65: error: Zones Policy SearchRules Rule 3 Target Type: "Gateway" is not a search rule target type (Zone, PolicyService)"#,
        ])
        #expect(T.cluster(sections)?["search_rules"] == nil)
    }

    // [C1] SystemGenerated; [C2] Expressway creates zones for Unified CM nodes (MRA) that xConfiguration does not
    // list: their generated rules are left out with a warning; other generated rules are kept and marked.
    @Test func systemGeneratedRulesAreKeptAndMarkedUnlessTheirZoneIsAutomatic() throws {
        let sections = T.read(T.records(
            [("SystemUnit Name", "vcs"), ("Zones Zone 1 Name", "CUCM"), ("Zones Zone 1 Neighbor Peer 1 Address", "cucm.example")]
                + Self.c1Rule(1, name: "Unified CM", target: "CUCM", generated: "Yes").filter { !$0.0.hasSuffix("Source Mode") }
                + Self.c1Rule(2, name: "CEtls-cucm-pub", target: "CEtls-cucm-pub", generated: "Yes").filter { !$0.0.hasSuffix("Source Mode") }
                + Self.c1Rule(4, name: "Inbound", target: "CEtcp-cucm-pub", generated: "Yes")
                + Self.c1Rule(5, name: "Mine", target: "Typo-zone")))
        let rules = T.items(T.cluster(sections)?["search_rules"])
        #expect(rules.compactMap { $0["name"]?.text } == ["Unified CM", "Mine"])
        #expect(rules[0]["system_generated"]?.text == "true")
        #expect(rules[1]["system_generated"]?.text == "false")
        let warnings = sections.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.check) == [CheckID.exportIgnored, .exportIgnored])
        #expect(warnings.map(\.description) == [
            "exp.txt:37:65: warning: [export-ignored] Zones Policy SearchRules Rule 2 'CEtls-cucm-pub' is system-generated and names the zone 'CEtls-cucm-pub' (Zones Policy SearchRules Rule 2 Target Name), which the export does not hold: Expressway creates such zones itself (Unified CM nodes for MRA) and xConfiguration does not list them; the rule is left out",
            "exp.txt:56:65: warning: [export-ignored] Zones Policy SearchRules Rule 4 'Inbound' is system-generated and names the zone 'CEtcp-cucm-pub' (Zones Policy SearchRules Rule 4 Target Name), which the export does not hold: Expressway creates such zones itself (Unified CM nodes for MRA) and xConfiguration does not list them; the rule is left out",
        ])
    }

    // MARK: Objects, indexes and keys

    // Items come in index order (Rule 1, 2, 10), not in file order or the order of their text.
    @Test func objectsComeInIndexOrder() {
        var pairs: [(String, String?)] = [("SystemUnit Name", "vcs")]
        for index in [10, 2, 1] {
            pairs += [("\(Self.rule) \(index) Name", "Rule \(index)"), ("\(Self.rule) \(index) Target Name", "LocalZone")]
            pairs += [("Transform \(index) Pattern String", "p\(index)"), ("Transform \(index) Priority", "\(index)")]
            pairs += [("Zones Zone \(index) Name", "Zone \(index)"), ("Zones Zone \(index) Type", "DNS")]
        }
        let cluster = T.cluster(T.read(T.records(pairs)))
        #expect(T.items(cluster?["search_rules"]).compactMap { $0["name"]?.text } == ["Rule 1", "Rule 2", "Rule 10"])
        #expect(T.items(cluster?["transforms"]).compactMap { $0["name"]?.text } == ["Transform 1", "Transform 2", "Transform 10"])
        #expect(T.items(cluster?["zones"]).compactMap { $0["name"]?.text } == ["Zone 1", "Zone 2", "Zone 10"])
    }

    // [X15REF]: Transform [1..100], Zones Zone [1..1000], SearchRules Rule [1..2000]; once per object.
    @Test func indexesOutOfRangeAreErrorsAtTheIndex() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("Transform 0 Priority", "10"), ("Transform 0 Pattern String", "x"),
            ("\(Self.rule) 2001 Name", "Too far"), ("Zones Zone 99999999999999999999999 Name", "Huge"),
        ]))
        #expect(Set(T.errors(sections)) == [
            #"exp.txt:2:29: error: Transform 0 Priority: "10": Transform 0 is out of range (Transform 1..100)"#,
            #"exp.txt:4:49: error: Zones Policy SearchRules Rule 2001 Name: "Too far": Zones Policy SearchRules Rule 2001 is out of range (Zones Policy SearchRules Rule 1..2000)"#,
            #"exp.txt:5:30: error: Zones Zone 99999999999999999999999 Name: "Huge": Zones Zone 99999999999999999999999 is out of range (Zones Zone 1..1000)"#,
        ])
    }

    // An object without its Name is an incomplete export; an empty name is an unused slot.
    @Test func anObjectWithoutANameIsAnErrorAndAnEmptyNameAnUnusedSlot() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("Zones Zone 7 TraversalServer SIP Port", "7003"), ("Zones Zone 7 Type", "TraversalServer"),
            ("Zones Zone 8 Name", nil), ("Zones Zone 8 Type", "DNS"),
        ]))
        #expect(sections.diagnostics.map(\.description) == [
            "exp.txt:2:1: error: Zones Zone 7 has no Name record, so the zone cannot be read; export the whole configuration (xConfiguration)",
            "exp.txt:4:1: note: [export-ignored] Zones Zone 8 Name is empty: an unused zone slot, left out",
        ])
    }

    // [X15REF ≈59.7k]: pattern variables are the builder's to expand.
    @Test func patternVariablesPassThroughUnexpanded() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("\(Self.rule) 1 Mode", "AliasPatternMatch"), ("\(Self.rule) 1 Name", "Local domains"),
            ("\(Self.rule) 1 Pattern Replace", #"\1@%localdomain1%"#), ("\(Self.rule) 1 Pattern String", "(.+)@%localdomains%"),
            ("\(Self.rule) 1 Target Name", "LocalZone"), ("Transform 1 Pattern String", "%systemname%"), ("Transform 1 Priority", "1"),
        ]))
        let rule = T.named("Local domains", in: "search_rules", of: sections)
        #expect(rule?["pattern_string"]?.text == "(.+)@%localdomains%")
        #expect(rule?["replace_string"]?.text == #"\1@%localdomain1%"#)
        #expect(T.items(T.cluster(sections)?["transforms"]).first?["pattern_string"]?.text == "%systemname%")
    }

    // [X15REF ≈59.7k] %localdomain<n>% is the domain at index n; the plan's sip_domains skip the empty slots, so after
    // one the variable is renumbered to name the same domain; one naming an empty slot is an error.
    @Test func localDomainVariablesKeepNamingTheirDomainPastEmptySlots() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("SIP Domain 1 Name", "one.example"), ("SIP Domain 2 Name", nil),
            ("SIP Domain 3 Name", "three.example"),
            ("Transform 1 Pattern Replace", #"\1@%LocalDomain3%"#), ("Transform 1 Pattern String", "(.+)@%localdomain1%|%localdomains%"),
            ("Transform 1 Priority", "1"), ("Transform 1 Pattern Type", "Regex"), ("Transform 1 Pattern Behavior", "Replace"),
            ("\(Self.rule) 1 Mode", "AliasPatternMatch"), ("\(Self.rule) 1 Name", "Third"),
            ("\(Self.rule) 1 Pattern String", "x@%localdomain3%%localdomain9%"), ("\(Self.rule) 1 Target Name", "LocalZone"),
            ("\(Self.rule) 2 Mode", "AliasPatternMatch"), ("\(Self.rule) 2 Name", "Second"),
            ("\(Self.rule) 2 Pattern String", "x@%localdomain2%"), ("\(Self.rule) 2 Target Name", "LocalZone"),
        ]))
        #expect(T.texts(T.cluster(sections)?["sip_domains"]) == ["one.example", "three.example"])
        let transform = T.first("transforms", of: sections)
        #expect(transform?["replace_string"]?.text == #"\1@%LocalDomain2%"#)
        #expect(transform?["pattern_string"]?.text == "(.+)@%localdomain1%|%localdomains%")
        #expect(T.entry(transform, "replace_string")?.label == "Transform 1 Pattern Replace")
        #expect(T.named("Third", in: "search_rules", of: sections)?["pattern_string"]?.text == "x@%localdomain2%%localdomain9%")
        #expect(T.errors(sections) == [
            #"exp.txt:16:68: error: Zones Policy SearchRules Rule 2 Pattern String: "x@%localdomain2%": %localdomain2% names SIP domain 2, which is empty in the export"#,
        ])
    }

    // Exports have hundreds of keys per zone: those the analyzer does not read say nothing.
    @Test func unknownKeysAreIgnoredSilently() {
        let sections = T.read(T.records([
            ("SystemUnit Name", "vcs"), ("Administration HTTPS Mode", "On"), ("Zones Zone 1 Name", "Z"),
            ("Zones Zone 1 Neighbor SIP Media Encryption Mode", "Auto"), ("Zones Zone 1 Neighbor Peer 1 Address", "10.0.0.9"),
            ("Zones Zone 1 Neighbor ZoneProfile", "Default"), ("Zones Zone 1 Frobnicate", "Yes"), ("Login Remote LDAP VCS BindPassword", "{cipher}x=="),
            ("Zones Zone Default Name", "not an object"),
        ]))
        #expect(sections.diagnostics.isEmpty)
        #expect(T.keys(T.items(T.cluster(sections)?["zones"]).first) == ["name", "peers"])
    }

    // Every entry carries the key its record has in the export and the place of its value.
    @Test func everyEntryIsLabelledAndLocatedAtItsRecord() throws {
        let file = try ExportFile.read(T.fixturePath("expressway-c.txt"))
        let records = XConfiguration(parsing: file).records
        let byLabel = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let sections = VCSExport.read(file, name: nil, nameAt: nil)
        var checked = 0
        func walk(_ tree: YAMLTree) {
            switch tree {
            case .mapping(let entries, _):
                for entry in entries {
                    if case .scalar(let text, _, let location) = entry.value, let label = entry.label, let record = byLabel[label] {
                        #expect(location == record.valueLocation || location == record.start, "\(label)")
                        if !["type", "target_type", "authentication", "system_generated"].contains(entry.key) {
                            #expect(text == record.value, "\(label)")
                        }
                        checked += 1
                    } else if case .scalar = entry.value {
                        // Only defaults and derived values have a label that is no record: a path or a key the
                        // export lacks.
                        #expect(entry.label != nil, "\(entry.key)")
                    }
                    walk(entry.value)
                }
            case .sequence(let items, _):
                items.forEach(walk)
            case .scalar:
                break
            }
        }
        walk(try #require(T.cluster(sections)))
        #expect(checked > 300)
    }
}

/// The fixture exports (Fixtures/exports/vcs/), written from the documented formats [C1] [X15REF] [C4] [C5], read
/// whole, and a trimmed one loaded as a plan and simulated.
@Suite struct VCSExportFixtureTests {
    typealias T = VCSText

    // An Expressway-C transcript with CRLF line endings, joined records, labels, empty values with and without the
    // space, {cipher} secrets and hundreds of keys the analyzer does not read.
    @Test func anExpresswayCExportBecomesOneCluster() throws {
        let sections = try T.readFixture("expressway-c.txt")
        let cluster = try #require(T.cluster(sections))
        #expect(cluster["name"]?.text == "expc-lon.acme.example")
        #expect(cluster["system_name"]?.text == "expc-lon1")
        #expect(T.texts(cluster["addresses"]) == ["10.10.0.2", "10.10.0.3", "expc-lon1.acme.example"])
        #expect(T.texts(cluster["sip_domains"]) == ["acme.example", "vc.acme.example"])
        let subzones = T.items(cluster["subzones"])
        #expect(subzones.compactMap { $0["name"]?.text } == ["Oslo-HQ", "London-Office"])
        #expect(T.items(subzones[0]["membership_rules"]).compactMap { $0["name"]?.text } == ["Oslo HQ LAN", "Oslo soft clients"])
        #expect(T.items(cluster["policy_services"]).compactMap { $0["name"]?.text } == ["Call Policy Server"])
        #expect(T.items(cluster["transforms"]).compactMap { $0["name"]?.text } == ["Strip sip scheme", "Add video domain", "Transform 3", "Old lab domain"])
        let zones = T.items(cluster["zones"])
        #expect(zones.compactMap { $0["name"]?.text } == ["Pexip-Oslo", "Pexip-London", "Traversal-to-E", "Internet-DNS", "ENUM e164", "CUCM-LON"])
        #expect(zones.compactMap { $0["type"]?.text } == ["neighbor", "neighbor", "traversal_client", "dns", "enum", "neighbor"])
        #expect(T.texts(zones[2]["peers"]) == ["expe-lon1.acme.example"])
        #expect(zones[2]["sip_port"]?.text == "7001")
        // Zone 6's first records follow a label on a line they share.
        #expect(zones[5]["hop_count"]?.text == "15")
        #expect(T.texts(zones[5]["peers"]) == ["cucm-pub.acme.example", "cucm-sub1.acme.example"])

        let rules = T.items(cluster["search_rules"])
        #expect(rules.count == 21)
        #expect(rules.compactMap { $0["name"]?.text }.prefix(4) == ["LocalZoneMatch", "Oslo HQ to Pexip Oslo", "London to Pexip London", "Default to Pexip Oslo"])
        // Rule 3's records are joined on two lines.
        let london = try #require(T.named("London to Pexip London", in: "search_rules", of: sections))
        #expect(london["state"]?.text == "Enabled")
        #expect(london["system_generated"]?.text == "false")
        #expect(london["target"]?.text == "Pexip-London")
        #expect(T.named("Partner calls by policy", in: "search_rules", of: sections)?["target_type"]?.text == "policy_service")
        #expect(T.named("Unified CM neighbor", in: "search_rules", of: sections)?["system_generated"]?.text == "true")
        #expect(T.named("Strip dial prefix", in: "search_rules", of: sections)?["replace_string"]?.text == "44")
        #expect(T.named("Meeting numbers", in: "search_rules", of: sections)?["replace_string"]?.text == "")
        #expect(T.named("IP dialling", in: "search_rules", of: sections)?["pattern_string"] == nil)

        #expect(sections.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(sections.diagnostics.map(\.message) == [
            "Zones Policy SearchRules Rule 19 'CEtcp-cucm-pub' is system-generated and names the zone 'CEtcp-cucm-pub' (Zones Policy SearchRules Rule 19 Target Name), which the export does not hold: Expressway creates such zones itself (Unified CM nodes for MRA) and xConfiguration does not list them; the rule is left out",
            "Zones Policy SearchRules Rule 20 'CEtls-cucm-pub' is system-generated and names the zone 'CEtls-cucm-pub' (Zones Policy SearchRules Rule 20 Target Name), which the export does not hold: Expressway creates such zones itself (Unified CM nodes for MRA) and xConfiguration does not list them; the rule is left out",
        ])
    }

    // [C1] [X15REF ≈371k–382k]: an Expressway-E's traversal server zone has no peers, but the user name and port that
    // pair it with the client zone; its cluster name is empty, so the system name names it.
    @Test func anExpresswayEExportHasATraversalServerZoneWithoutPeers() throws {
        let sections = try T.readFixture("expressway-e.txt")
        #expect(sections.diagnostics.isEmpty)
        let cluster = try #require(T.cluster(sections))
        #expect(cluster["name"]?.text == "expe-lon1")
        #expect(T.texts(cluster["addresses"]) == ["192.0.2.10", "2001:db8::10", "172.16.2.2", "expe-lon1.acme.example"])
        let server = try #require(T.named("Traversal-from-C", in: "zones", of: sections))
        #expect(T.keys(server) == ["name", "type", "hop_count", "authentication_mode", "sip_transport", "username", "sip_port"])
        #expect(server["authentication_mode"]?.text == "DoNotCheckCredentials")
        #expect(server["username"]?.text == "traversal-lon")
        #expect(server["sip_port"]?.text == "7001")
        #expect(T.items(cluster["search_rules"]).compactMap { $0["source_name"]?.text } == ["DefaultZone", "Traversal-from-C"])
    }

    // [C4] older VCS: `SIP Domains Domain <n> Name`, `Alternates ConfigurationMaster`, no cluster name.
    @Test func anOldVCSExportReadsTheOlderSpellings() throws {
        let sections = try T.readFixture("vcs-x7.txt")
        #expect(sections.diagnostics.isEmpty)
        let cluster = try #require(T.cluster(sections))
        #expect(cluster["name"]?.text == "vcs-control")
        #expect(T.texts(cluster["sip_domains"]) == ["acme.example", "video.acme.example"])
        #expect(T.texts(cluster["addresses"]) == ["10.50.0.2", "10.50.0.3"])
        #expect(T.items(cluster["search_rules"]).compactMap { $0["name"]?.text } == ["LocalZoneMatch", "Video to Pexip"])
    }

    // MARK: Whole plans

    static let pexip = """
        pexip:
          system_locations: [{name: Oslo}, {name: Singapore}]
          worker_vms:
            - {name: osl1, address: 10.1.0.1, system_location: Oslo}
            - {name: osl2, address: 10.1.0.2, system_location: Oslo}
            - {name: sin1, address: 10.2.0.1, system_location: Singapore}
            - {name: sin2, address: 10.2.0.2, system_location: Singapore}
          conferences:
            - {name: Alice, aliases: [meet.alice@vc.example, "1001@vc.example"]}
        """

    /// A plan beside the fixtures that imports `imports` and has a site per subzone of `cluster`.
    static func plan(importing imports: String, cluster: String = "vcs-emea") throws(PlanLoadError) -> DialPlan {
        let yaml = """
            imports:
              call_control: [\(imports)]
            \(pexip)
            sites:
              - {name: Oslo Office, registers_to: \(cluster), subzone: OsloSZ, local_locations: [Oslo]}
              - {name: Singapore Office, registers_to: \(cluster), subzone: SingaporeSZ, local_locations: [Singapore]}

            """
        return try PlanLoader.load(files: [(T.fixturePath("plan.yaml"), yaml)], name: "plan.yaml")
    }

    // PlanImports + the builder: the export's cluster routes calls like its YAML twin (transform, subzone search
    // rules, neighbor zones to the Pexip locations).
    @Test func aTrimmedExportLoadsAsAPlanAndRoutesCalls() throws {
        let plan = try Self.plan(importing: "vcs-emea-trimmed.txt")
        #expect(plan.clusters.map(\.name) == ["vcs-emea"])
        #expect(plan.clusters[0].addresses == ["10.0.0.2", "10.0.0.3", "vcs-emea1.vc.example"])
        #expect(plan.clusters[0].searchRules.map(\.name) == ["LocalZoneMatch", "Oslo", "Singapore"])
        #expect(plan.warnings.isEmpty)
        let oslo = TestPlans.call(plan, from: "Oslo Office", "1001")
        #expect(InlinePlan.landingLocations(oslo, in: plan) == ["Oslo"])
        #expect(InlinePlan.landingAliases(oslo) == ["1001@vc.example"])
        #expect(oslo.verdict == .local)
        let singapore = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example")
        #expect(InlinePlan.landingLocations(singapore, in: plan) == ["Singapore"])
        #expect(singapore.verdict == .local)
    }

    // The Expressway-C and Expressway-E exports as one plan: the E's traversal server zone pairs with the C's client
    // zone (same user name and SIP port), pattern variables expand from the C's SIP domains, and a policy-service
    // target leaves its calls undecided.
    @Test func anExpresswayPairLoadsAsAPlanAndRoutesCalls() throws {
        let yaml = """
            imports:
              call_control: [expressway-c.txt, expressway-e.txt]
            pexip:
              system_locations: [{name: Oslo}, {name: London}]
              worker_vms:
                - {name: osl1, address: 10.10.1.11, system_location: Oslo}
                - {name: osl2, address: 10.10.1.12, system_location: Oslo}
                - {name: lon1, address: 10.20.1.11, system_location: London, alternative_fqdn: pexip-lon1.acme.example}
              conferences:
                - {name: Alice, aliases: [meet.alice@vc.acme.example, "8001@vc.acme.example"]}
            sites:
              - {name: Oslo HQ, registers_to: expc-lon.acme.example, subzone: Oslo-HQ, local_locations: [Oslo]}
              - {name: London, registers_to: expc-lon.acme.example, subzone: London-Office, local_locations: [London]}
              - {name: Internet, registers_to: expe-lon1, source: DefaultZone, local_locations: [Oslo]}

            """
        let plan = try PlanLoader.load(files: [(T.fixturePath("plan.yaml"), yaml)], name: "plan.yaml")
        #expect(plan.clusters.map(\.name) == ["expc-lon.acme.example", "expe-lon1"])
        let server = try #require(plan.clusters[1].zones.first { $0.name == "Traversal-from-C" })
        #expect(server.peersInferred)
        #expect(server.peers == ["10.10.0.2"])
        #expect(plan.clusters[0].sipDomains == ["acme.example", "vc.acme.example"])
        #expect(plan.clusters[0].policyServices == ["Call Policy Server"])
        // The two automatic-zone rules are left out; the other warnings are about peers the plan does not hold.
        #expect(plan.warnings.filter { $0.check == .exportIgnored }.count == 2)

        let oslo = TestPlans.call(plan, from: "Oslo HQ", "meet.alice@vc.acme.example")
        #expect(InlinePlan.landingLocations(oslo, in: plan) == ["Oslo"])
        #expect(oslo.verdict == .local)
        let london = TestPlans.call(plan, from: "London", "8001")
        #expect(InlinePlan.landingAliases(london) == ["8001@vc.acme.example"])
        #expect(InlinePlan.landingLocations(london, in: plan) == ["London"])
        #expect(london.verdict == .local)
        let outside = TestPlans.call(plan, from: "Internet", "meet.alice@vc.acme.example")
        #expect(InlinePlan.landingLocations(outside, in: plan) == ["Oslo"])
        #expect(outside.verdict == .local)
        let partner = TestPlans.call(plan, from: "Oslo HQ", "bob@partner.example")
        #expect(partner.verdict == .error)
    }

    // PlanImports: `{file: …, name: …}` names the cluster whatever the export calls it.
    @Test func theImportsNameNamesTheLoadedCluster() throws {
        let plan = try Self.plan(importing: "{file: vcs-emea-trimmed.txt, name: emea}", cluster: "emea")
        #expect(plan.clusters.map(\.name) == ["emea"])
    }

    // The builder validates the imported tree and names each key as the export spells it, at its place in the export.
    @Test func theBuildersMessagesNameTheExportsKeysAndPointIntoIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vcs-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOfFile: T.fixturePath("vcs-emea-trimmed.txt"), encoding: .utf8)
        let broken = original
            .replacingOccurrences(of: #"Zones Zone 1 HopCount: "15""#, with: #"Zones Zone 1 HopCount: "300""#)
            .replacingOccurrences(of: #"Rule 2 Pattern String: ".+@vc\.example""#, with: #"Rule 2 Pattern String: ".+@vc\.(example""#)
        let export = directory.appendingPathComponent("vcs.txt").path
        try broken.write(toFile: export, atomically: true, encoding: .utf8)
        let lines = broken.split(separator: "\n", omittingEmptySubsequences: false)
        /// Where `value` is on the line that holds `needle`, `offset` characters on.
        func place(_ needle: String, _ value: String, offset: Int = 0) -> String {
            let line = lines.firstIndex { $0.contains(needle) }!
            let column = lines[line].distance(from: lines[line].startIndex, to: lines[line].range(of: value)!.lowerBound) + 1
            return "\(export):\(line + 1):\(column + offset)"
        }
        do {
            _ = try Self.plan(importing: export)
            Issue.record("the plan loaded")
        } catch {
            // PCRE2 finds the missing parenthesis at the pattern's end (column 16, just past its 15 characters).
            #expect(error.diagnostics.map(\.description) == [
                "\(place("Rule 2 Pattern String", #".+@vc\.(example"#, offset: 15)): error: cluster 'vcs-emea' search rule 'Oslo': pattern does not compile at column 16 of the pattern: missing closing parenthesis",
                "\(place("Zones Zone 1 HopCount", "300")): error: cluster 'vcs-emea' zone 'Pexip-Oslo': 'Zones Zone 1 HopCount' must be between 1 and 255, not 300",
            ])
        }
    }
}

/// The sample's call control as xConfiguration exports (DialPlans/acme-exports/exports/vcs/), read through a plan's
/// `imports:` section, beside the sample's other YAML.
@Suite struct VCSExportSampleTests {
    // The three clusters' exports route every call as the sample's call-control.yaml does.
    @Test func theSamplesExportsRouteAsItsYAMLDoes() throws {
        let exports = ["vcs-emea", "vcs-amer", "vcs-apac"].map { "exports/vcs/\($0).txt" }
        var files = [(path: TestPlans.path("DialPlans/acme-exports/imports.yaml"), text: "imports:\n  call_control: [\(exports.joined(separator: ", "))]\n")]
        for name in ["pexip", "dns", "network", "sites", "skype"] {
            files.append((path: "acme/\(name).yaml", text: try String(contentsOfFile: TestPlans.path("DialPlans/acme/\(name).yaml"), encoding: .utf8)))
        }
        let imported = try PlanLoader.load(files: files, name: "imported")
        let sample = try PlanLoader.load(path: TestPlans.path("DialPlans/acme"))
        #expect(imported.clusters.map(\.name) == sample.clusters.map(\.name))
        #expect(imported.clusters.map { $0.searchRules.map(\.name) } == sample.clusters.map { $0.searchRules.map(\.name) })
        #expect(ExportImportTests.matrix(imported) == ExportImportTests.matrix(sample))
    }
}
