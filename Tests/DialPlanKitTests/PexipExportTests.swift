@testable import DialPlanKit
import Foundation
import Testing

/// Pexip Infinity Management API exports read as the plan's `pexip` section (issue 9). Sources: [P1] Pexip's Go SDK
/// read models (field names), [P3] pexshell (bare arrays after following meta.next), [P4] Tastypie (the envelope and
/// its pagination), [P5] Pexip's "Retrieving, paginating, filtering and ordering resource details", [P7] a
/// real-shaped API mock (inline alias objects). See ../shared/EXPORTS.md §1.
@Suite struct PexipExportTests {
    static let api = "/api/admin/configuration/v1/"

    /// A temporary directory with the given files, and a plan file in it that imports `exports/` (the JSON files) and
    /// adds `yaml` (call control and sites by default).
    struct Export {
        let directory: URL

        init(_ files: [String: String], yaml: String = Export.callControl) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pexip-export-\(UUID().uuidString)")
            let exports = directory.appendingPathComponent("exports")
            try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
            for (name, text) in files { try text.write(to: exports.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            try ("imports:\n  pexip: exports/\n" + yaml).write(to: directory.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        }

        func path(_ name: String) -> String { directory.appendingPathComponent("exports/\(name)").path }
        var planFile: String { directory.appendingPathComponent("plan.yaml").path }

        func load() throws(PlanLoadError) -> DialPlan { try PlanLoader.load(path: directory.path) }

        func errors() -> [Diagnostic] {
            do {
                _ = try load()
                return []
            } catch { return error.diagnostics }
        }

        static let callControl = """
            call_control:
              - name: vcs
                addresses: [10.0.0.2]
                subzones: [SZ]
                zones:
                  - {name: Pexip-Oslo, peers: [10.1.0.1]}
                  - {name: Pexip-Singapore, peers: [10.2.0.1]}
                search_rules:
                  - {name: To Oslo, priority: 10, mode: any_alias, target: Pexip-Oslo}
            sites:
              - {name: Oslo Office, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}

            """
    }

    static func envelope(_ resource: String, _ objects: [String], offset: Int = 0, limit: Int? = nil, total: Int? = nil, next: String? = nil) -> String {
        let limit = limit ?? max(objects.count, 1)
        let nextText = next.map { "\"\($0)\"" } ?? "null"
        return #"{"meta":{"limit":\#(limit),"next":\#(nextText),"offset":\#(offset),"previous":null,"total_count":\#(total ?? objects.count)},"objects":[\#(objects.joined(separator: ","))]}"#
    }

    static func location(_ id: Int, _ name: String, extra: String = "") -> String {
        #"{"description":"","id":\#(id),"local_mssip_domain":"","name":"\#(name)","overflow_location1":null,"resource_uri":"\#(api)system_location/\#(id)/","transcoding_location":null\#(extra)}"#
    }

    static func node(_ id: Int, _ name: String, _ address: String, location: Int, extra: String = #","node_type":"CONFERENCING""#) -> String {
        #"{"address":"\#(address)","alternative_fqdn":"","id":\#(id),"maintenance_mode":false,"name":"\#(name)","resource_uri":"\#(api)worker_vm/\#(id)/","static_nat_address":"","system_location":"\#(api)system_location/\#(location)/"\#(extra)}"#
    }

    static func conference(_ id: Int, _ name: String, aliases: [(Int, String)] = [], extra: String = "") -> String {
        let inline = aliases.map { #"{"alias":"\#($0.1)","conference":"\#(api)conference/\#(id)/","creation_time":"2025-03-14T09:26:53.589793","description":"","id":\#($0.0)}"# }
        return #"{"aliases":[\#(inline.joined(separator: ","))],"id":\#(id),"name":"\#(name)","resource_uri":"\#(api)conference/\#(id)/","service_type":"conference"\#(extra)}"#
    }

    static func alias(_ id: Int, _ alias: String, conference: Int) -> String {
        #"{"alias":"\#(alias)","conference":"\#(api)conference/\#(conference)/","creation_time":"2025-03-14T09:26:53.589793","description":"","id":\#(id),"resource_uri":"\#(api)conference_alias/\#(id)/"}"#
    }

    /// Oslo (id 1) and Singapore (id 4: ids have gaps), a node in each, a VMR with two inline aliases.
    static var basic: [String: String] {
        [
            "system_location.json": envelope("system_location", [location(1, "Oslo"), location(4, "Singapore")]),
            "worker_vm.json": envelope("worker_vm", [node(1, "osl1", "10.1.0.1", location: 1), node(7, "sin1", "10.2.0.1", location: 4)]),
            "conference.json": envelope("conference", [conference(3, "Alice", aliases: [(10, "meet.alice@vc.example"), (11, "1001@vc.example")])]),
        ]
    }

    // [P5] [P4] The list envelope as the API sends it (keys sorted, one line); related objects are resource URIs,
    // resolved by the id in the URI (ids have gaps). [P1] node_type CONFERENCING/PROXYING in the API's spelling.
    @Test func theListEnvelopeIsReadAndURIsResolveByID() throws {
        let plan = try Export(Self.basic).load()
        #expect(plan.locations.map(\.name) == ["Oslo", "Singapore"])
        #expect(plan.nodes.map(\.name) == ["osl1", "sin1"])
        #expect(plan.nodes.map { plan.locations[$0.location].name } == ["Oslo", "Singapore"])
        #expect(plan.nodes.allSatisfy { $0.nodeType == .conferencing && $0.alternativeFQDN == nil && $0.staticNATAddress == nil })
        #expect(plan.services.map(\.name) == ["Alice"])
        #expect(plan.services[0].aliases.map(\.alias) == ["meet.alice@vc.example", "1001@vc.example"])
        #expect(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example").verdict == .local)
        // Every imported thing is located in the export file.
        #expect(plan.nodes[1].source.file.hasSuffix("exports/worker_vm.json"))
        #expect(plan.nodes[1].source.line == 1)
    }

    // [P3] pexshell prints a bare JSON array of every object; a detail GET one object.
    @Test func aBareArrayAndASingleObjectAreReadToo() throws {
        var files = Self.basic
        files["worker_vm.json"] = "[\n  " + Self.node(1, "osl1", "10.1.0.1", location: 1) + ",\n  " + Self.node(7, "sin1", "10.2.0.1", location: 4) + "\n]\n"
        files["conference.json"] = Self.conference(3, "Alice", aliases: [(10, "meet.alice@vc.example")])
        let plan = try Export(files).load()
        #expect(plan.nodes.map(\.name) == ["osl1", "sin1"])
        #expect(plan.nodes[1].source.line == 3)
        #expect(plan.services.map(\.name) == ["Alice"])
    }

    // [P1] The deprecated `transcoding` boolean of older versions: false is a Proxying Edge Node; `node_type` wins
    // when both are there. `alternative_fqdn: ""` and `static_nat_address: ""` are unset; values are kept.
    @Test func nodeTypeTranscodingAndEmptyFields() throws {
        var files = Self.basic
        files["worker_vm.json"] = Self.envelope("worker_vm", [
            Self.node(1, "osl1", "10.1.0.1", location: 1, extra: #","transcoding":true"#),
            Self.node(7, "sin1", "10.2.0.1", location: 4, extra: #","transcoding":false"#),
            Self.node(8, "sin2", "10.2.0.2", location: 4, extra: #","node_type":"PROXYING","transcoding":true"#)
                .replacingOccurrences(of: #""alternative_fqdn":"""#, with: #""alternative_fqdn":"sin2.vc.example""#)
                .replacingOccurrences(of: #""static_nat_address":"""#, with: #""static_nat_address":"198.51.100.2""#),
        ])
        let plan = try Export(files).load()
        #expect(plan.nodes.map(\.nodeType) == [.conferencing, .proxying, .proxying])
        #expect(plan.nodes[2].alternativeFQDN == "sin2.vc.example")
        #expect(plan.nodes[2].staticNATAddress == "198.51.100.2")
    }

    // [P4] Pages of one resource split over files are joined; objects of overlapping pages are taken once. [P7]
    // `conference.aliases` and `conference_alias` objects are the same aliases (by alias id), each taken once.
    @Test func pagesAreJoinedAndAliasesTakenOnce() throws {
        var files = Self.basic
        files["conference.json"] = Self.envelope("conference", [Self.conference(3, "Alice", aliases: [(10, "meet.alice@vc.example")])], limit: 1, total: 2, next: "\(Self.api)conference/?limit=1&offset=1")
        files["conference.1.json"] = Self.envelope("conference", [Self.conference(5, "Bob"), Self.conference(3, "Alice")], offset: 1, limit: 2, total: 2)
        files["conference_alias.json"] = Self.envelope("conference_alias", [
            Self.alias(10, "meet.alice@vc.example", conference: 3), Self.alias(11, "1001@vc.example", conference: 3), Self.alias(12, "meet.bob@vc.example", conference: 5),
        ])
        let export = try Export(files)
        let plan = try export.load()
        #expect(plan.services.map(\.name) == ["Alice", "Bob"])
        #expect(plan.services[0].aliases.map(\.alias) == ["meet.alice@vc.example", "1001@vc.example"])
        #expect(plan.services[1].aliases.map(\.alias) == ["meet.bob@vc.example"])
        #expect(!plan.warnings.contains { $0.check == .missingExportPage })
    }

    // [P4] A `meta.next` naming a page no file holds is a warning at meta.next, with total_count and the number read.
    @Test func aMissingPageIsAWarningWithTheCounts() throws {
        var files = Self.basic
        files["conference.json"] = Self.envelope("conference", [Self.conference(3, "Alice", aliases: [(10, "meet.alice@vc.example")])], limit: 1, total: 57, next: "\(Self.api)conference/?limit=1&offset=1")
        let export = try Export(files)
        let plan = try export.load()
        let warning = try #require(plan.warnings.first { $0.check == .missingExportPage })
        #expect(warning.message == "conference: meta.next names the page at offset 1, which no export file holds; 1 of 57 objects (meta.total_count) read; export every page (dialplan fetch pexip, pexshell, or limit and offset up to meta.total_count)")
        let text = try String(contentsOfFile: export.path("conference.json"), encoding: .utf8)
        #expect(warning.location == SourceLocation(file: export.path("conference.json"), line: 1, column: Self.column(of: "\"\(Self.api)conference/?limit", in: text)))
        // limit=0 exports have no meta.next at all: a total_count above the objects read still warns.
        files["conference.json"] = Self.envelope("conference", [Self.conference(3, "Alice")], limit: 0, total: 2)
        let counted = try Export(files).load()
        #expect(counted.warnings.contains { $0.check == .missingExportPage && $0.message == "conference: meta.total_count is 2 but the export files hold 1 objects; export every page (dialplan fetch pexip, pexshell, or limit and offset up to meta.total_count)" })
    }

    // Unknown fields of the objects read are a warning (once per resource and field), never an error; unrelated
    // fields of the API are ignored. [P1]
    @Test func unknownFieldsAreOneWarningPerResourceAndField() throws {
        var files = Self.basic
        files["worker_vm.json"] = Self.envelope("worker_vm", [
            Self.node(1, "osl1", "10.1.0.1", location: 1, extra: #","node_type":"CONFERENCING","vm_cpu_count":8,"colour":"red""#),
            Self.node(7, "sin1", "10.2.0.1", location: 4, extra: #","node_type":"CONFERENCING","colour":"blue""#),
        ])
        let export = try Export(files)
        let plan = try export.load()
        let warnings = plan.warnings.filter { $0.check == .unknownExportField }
        #expect(warnings.map(\.message) == ["worker_vm objects[0]: 'colour' is not a field of the Management API's worker_vm; ignored (reported once per resource)"])
        let text = try String(contentsOfFile: export.path("worker_vm.json"), encoding: .utf8)
        #expect(warnings.first?.location?.column == Self.column(of: "\"colour\"", in: text))
    }

    // The file's resource is its objects' resource_uri; the file name only when none has one.
    @Test func theResourceComesFromResourceURIElseTheFileName() throws {
        var files = Self.basic
        let withoutURI = Self.node(1, "osl1", "10.1.0.1", location: 1).replacingOccurrences(of: #""resource_uri":"\#(Self.api)worker_vm/1/","#, with: "")
        files.removeValue(forKey: "worker_vm.json")
        files["nodes-export.json"] = Self.envelope("worker_vm", [Self.node(1, "osl1", "10.1.0.1", location: 1)])
        files["worker_vm-2.json"] = "[" + withoutURI.replacingOccurrences(of: "osl1", with: "osl9").replacingOccurrences(of: "\"id\":1", with: "\"id\":9").replacingOccurrences(of: "10.1.0.1", with: "10.1.0.9") + "]"
        let plan = try Export(files).load()
        #expect(Set(plan.nodes.map(\.name)) == ["osl1", "osl9"])
        // Objects with neither: an error naming the resources read.
        files["export.json"] = "[" + withoutURI + "]"
        let errors = try Export(files).errors()
        #expect(errors.contains { $0.message.hasPrefix("cannot tell which Management API resource these objects are") })
        // Other resources are ignored with a note.
        files.removeValue(forKey: "export.json")
        files["dns_server.json"] = Self.envelope("dns_server", [#"{"address":"10.0.0.53","id":1,"resource_uri":"\#(Self.api)dns_server/1/"}"#])
        let noted = try Export(files).load()
        #expect(noted.warnings.contains { $0.check == .exportIgnored && $0.message.contains("holds dns_server objects, which the analyzer does not read") })
    }

    // A URI naming an object no export file holds is an error at the value, with the JSON path and the ids read.
    @Test func aURIToAMissingObjectIsAnErrorAtTheValue() throws {
        var files = Self.basic
        files["worker_vm.json"] = Self.envelope("worker_vm", [Self.node(1, "osl1", "10.1.0.1", location: 1), Self.node(7, "sin1", "10.2.0.1", location: 3)])
        let export = try Export(files)
        let errors = export.errors()
        #expect(errors.map(\.message) == ["worker_vm 'sin1': objects[1].system_location names system_location 3, which is not in the export (the exports hold system_location ids 1, 4)"])
        let text = try String(contentsOfFile: export.path("worker_vm.json"), encoding: .utf8)
        #expect(errors.first?.location == SourceLocation(file: export.path("worker_vm.json"), line: 1, column: Self.column(of: "\"\(Self.api)system_location/3/\"", in: text)))
        // A conference_alias of a conference the export lacks.
        files = Self.basic
        files["conference_alias.json"] = Self.envelope("conference_alias", [Self.alias(20, "lost@vc.example", conference: 99)])
        #expect(try Export(files).errors().map(\.message) == ["conference_alias 'lost@vc.example' belongs to conference 99, which is not in the export (export the conference resource too)"])
    }

    // Values the builder rejects are named as the export spells them: the JSON path, at the value's line and column.
    @Test func aBadValueIsNamedByItsJSONPath() throws {
        var files = Self.basic
        files["gateway_routing_rule.json"] = Self.envelope("gateway_routing_rule", [
            #"{"enable":true,"id":2,"match_string":"9(\\d+)@vc\\.example","name":"PSTN","priority":"first","replace_string":"","resource_uri":"\#(Self.api)gateway_routing_rule/2/"}"#
        ])
        let export = try Export(files)
        let errors = export.errors()
        #expect(errors.map(\.message) == ["gateway_routing_rule 'PSTN': 'objects[0].priority' must be a whole number, not 'first'"])
        let text = try String(contentsOfFile: export.path("gateway_routing_rule.json"), encoding: .utf8)
        #expect(errors.first?.location?.column == Self.column(of: "\"first\"", in: text))
    }

    // Malformed JSON: one error with the file, line and column, in JSON's words.
    @Test func malformedJSONIsAnErrorAtItsPosition() throws {
        var files = Self.basic
        files["worker_vm.json"] = "{\"meta\": {\"limit\": 20},\n \"objects\": [{\"name\": \"osl1\",, }]}"
        let errors = try Export(files).errors()
        #expect(errors.count == 1)
        #expect(errors.first?.message.hasPrefix("invalid JSON:") == true, "\(errors)")
        #expect(errors.first?.location?.line == 2)
        files["worker_vm.json"] = ""
        #expect(try Export(files).errors().map(\.message) == ["the JSON export is empty"])
    }

    /// JSON is read by a YAML parser for its positions, so what YAML has and JSON has not is refused first, with
    /// its position: an alias bomb never expands, and another kind of file says what it is not.
    @Test func whatIsNotJSONIsRefusedBeforeItIsParsed() throws {
        var files = Self.basic
        let bomb = "{\"a\": &a [\"x\",\"x\"], \"b\": &b [*a,*a,*a], \"c\": [*b,*b]}"
        let cases: [(text: String, message: String, column: Int)] = [
            (bomb, "not JSON: '&' outside a string (JSON has no anchors or aliases)", 7),
            ("*c xConfiguration SystemUnit Name: \"vcs\"\n", "not JSON: '*' outside a string (JSON has no anchors or aliases)", 1),
            ("objects:\n  - id: 1\n", "not JSON: it starts with 'objects:', not '{' or '['", 1),
            ("{\"objects\": [{\"id\": 1, \"name\": osl1}]}", "not JSON: 'osl1' is not quoted (JSON strings are in double quotes)", 32),
            ("{'objects': []}", "not JSON: ''' outside a string (JSON strings are in double quotes)", 2),
            ("[] # note", "not JSON: '#' outside a string (JSON has no comments)", 4),
            ("{\"objects\": [], \"x\": !!str 1}", "not JSON: '!' outside a string (JSON has no tags)", 22),
        ]
        for item in cases {
            files["worker_vm.json"] = item.text
            let export = try Export(files)
            let errors = export.errors()
            #expect(errors.map(\.message) == [item.message], "\(item.text)")
            #expect(errors.first?.location == SourceLocation(file: export.path("worker_vm.json"), line: 1, column: item.column), "\(item.text)")
        }
        // Words JSON has, numbers and every escape stay accepted.
        files["worker_vm.json"] = Self.envelope("worker_vm", [Self.node(1, "osl1", "10.1.0.1", location: 1, extra: #","node_type":"CONFERENCING","description":null,"media_priority_weight":-1.5e0,"x":"a\\\"b""#)])
        let accepted = try Export(files).errors()
        #expect(accepted.isEmpty, "\(accepted)")
        // A key given twice is named at its repeat, quoted as JSON writes it.
        let twice = #"[{"id":1,"name":"osl1","name":"osl2"}]"#
        files["worker_vm.json"] = twice
        let export = try Export(files)
        #expect(export.errors().map(\.location) == [SourceLocation(file: export.path("worker_vm.json"), line: 1, column: 24)])
    }

    /// A page of conference missing and conference_alias objects naming its conferences: the error says the pages
    /// are incomplete, not that the resource was not exported.
    @Test func aReferenceIntoAnIncompleteResourceSaysPagesAreMissing() throws {
        var files = Self.basic
        files["conference.json"] = Self.envelope("conference", [Self.conference(3, "Alice")], limit: 1, total: 2, next: "\(Self.api)conference/?limit=1&offset=1")
        files["conference_alias.json"] = Self.envelope("conference_alias", [Self.alias(11, "bob@vc.example", conference: 4)])
        #expect(try Export(files).errors().map(\.message) == ["conference_alias 'bob@vc.example' belongs to conference 4, which is not in the export (pages of conference are missing: export every page (dialplan fetch pexip, pexshell, or limit and offset up to meta.total_count))"])
    }

    // Python's json.dumps (what the API uses) writes characters outside the BMP as surrogate pairs, which libyaml
    // does not read: they are joined, and positions after them stay those of the file.
    @Test func surrogatePairsAreReadAndPositionsKept() throws {
        var files = Self.basic
        files["system_location.json"] = Self.envelope("system_location", [Self.location(1, #"Oslo \ud83c\udf32"#), Self.location(4, "Singapore")])
        files["worker_vm.json"] = Self.envelope("worker_vm", [Self.node(1, "osl1", "10.1.0.1", location: 1), Self.node(7, "sin1", "10.2.0.1", location: 9)])
        let export = try Export(files, yaml: Export.callControl.replacingOccurrences(of: "[Oslo]", with: "['Oslo 🌲']"))
        let errors = export.errors()
        #expect(errors.count == 1)
        let text = try String(contentsOfFile: export.path("worker_vm.json"), encoding: .utf8)
        #expect(errors.first?.location?.column == Self.column(of: "\"\(Self.api)system_location/9/\"", in: text))
        files["worker_vm.json"] = Self.basic["worker_vm.json"]
        let plan = try Export(files, yaml: Export.callControl.replacingOccurrences(of: "[Oslo]", with: "['Oslo 🌲']")).load()
        #expect(plan.locations.first?.name == "Oslo 🌲")
    }

    // One resource per file: a file mixing two is an error at the object that differs.
    @Test func aFileMixingResourcesIsAnError() throws {
        var files = Self.basic
        files["worker_vm.json"] = Self.envelope("worker_vm", [Self.node(1, "osl1", "10.1.0.1", location: 1), Self.location(9, "Tokyo")])
        #expect(try Export(files).errors().map(\.message) == ["this file holds worker_vm objects, and this one is a system_location (its resource_uri); export one resource per file"])
    }

    // A name the export defines and the YAML defines again is an error at the YAML, naming the export's place.
    @Test func aNameInTheExportAndTheYAMLIsAnErrorNamingBoth() throws {
        let yaml = Export.callControl + "pexip:\n  conferences:\n    - {name: Alice, aliases: [alice@vc.example]}\n"
        let export = try Export(Self.basic, yaml: yaml)
        let errors = export.errors()
        #expect(errors.count == 1)
        #expect(errors.first?.message.hasPrefix("conference 'Alice' is defined twice (first at \(export.path("conference.json")):1:") == true, "\(errors)")
        #expect(errors.first?.location?.file == export.planFile)
        // YAML adds to the export: more conferences merge in.
        let more = try Export(Self.basic, yaml: Export.callControl + "pexip:\n  conferences:\n    - {name: Bob, aliases: [bob@vc.example]}\n").load()
        #expect(more.services.map(\.name) == ["Alice", "Bob"])
    }

    // Several management_vm objects: the primary one is used, with a warning.
    @Test func thePrimaryManagementNodeIsUsed() throws {
        var files = Self.basic
        files["management_vm.json"] = Self.envelope("management_vm", [
            #"{"address":"10.0.0.6","id":1,"name":"mgr-standby","primary":false,"resource_uri":"\#(Self.api)management_vm/1/"}"#,
            #"{"address":"10.0.0.5","id":2,"name":"mgr","primary":true,"resource_uri":"\#(Self.api)management_vm/2/"}"#,
        ])
        let plan = try Export(files).load()
        #expect(plan.managementNode?.name == "mgr")
        #expect(plan.warnings.contains { $0.message == "the export holds 2 management_vm objects; the analyzer uses management_vm 'mgr' (primary)" })
    }

    // A missing export file or directory is an error at the line of the plan that names it.
    @Test func aMissingExportIsAnErrorAtThePlan() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pexip-missing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "imports:\n  pexip: [exports/none.json]\n\(Export.callControl)".write(to: directory.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try PlanLoader.load(path: directory.path)
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["\(directory.path)/plan.yaml:2:11: error: no such export file: \(directory.path)/exports/none.json"])
        }
    }

    // No input crashes or hangs the reader: random bytes, and the sample's exports cut and spliced at random places,
    // give diagnostics or sections, never a trap.
    @Test func randomAndMangledInputNeverCrashes() throws {
        var random = SplitMix64(seed: 9)
        let sample = try String(contentsOfFile: TestPlans.path("DialPlans/acme-exports/exports/pexip/worker_vm.json"), encoding: .utf8)
        let alphabet = Array(#"{}[]":,\u0123456789abcdefABCDEF null true false resource_uri /api/admin/configuration/v1/worker_vm/ "#.utf8)
        for round in 0..<300 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0: bytes = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: bytes = (0..<Int(random.next() % 300)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            default:
                var utf8 = Array(sample.utf8)
                let cut = Int(random.next() % UInt64(utf8.count))
                let length = min(Int(random.next() % 40), utf8.count - cut)
                utf8.replaceSubrange(cut..<(cut + length), with: alphabet.shuffled().prefix(Int(random.next() % 8)))
                bytes = utf8
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let sections = PexipExport.read([ExportFile(path: "random-\(round).json", text: text)])
            #expect(sections.hasErrors || sections.entries.count <= 1)
        }
    }

    /// The 1-based column (in Unicode scalars, as libyaml counts) of the first occurrence of `needle` in one-line `text`.
    static func column(of needle: String, in text: String) -> Int {
        guard let range = text.range(of: needle) else { return -1 }
        return text.unicodeScalars[..<range.lowerBound].count + 1
    }
}
