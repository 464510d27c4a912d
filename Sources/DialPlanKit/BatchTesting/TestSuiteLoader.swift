import Foundation

/// A cases file, read but not yet checked against a plan.
public struct UnresolvedTestSuite: Sendable {
    public var file: String
    /// The plan the file names (`plan:`, relative to the file), if any.
    public var planPath: String?
    let defaultSeed: UInt64
    let cases: [RawCase]
    let text: String

    /// A value as written, with its position.
    struct Value: Sendable {
        var text: String
        var location: SourceLocation
    }

    struct RawCase: Sendable {
        var name: String
        var location: SourceLocation
        var from: [Value]?
        var alias: Value?
        var pattern: Value?
        var samples: Int
        var nearMisses: Int
        var seed: UInt64?
        var protocols: [Value]?
        /// Expectation key (`verdict`, `not_location`, …) → values.
        var expect: [String: [Value]]
        var nearMissExpect: [String: [Value]]
    }
}

/// A cases file checked against its plan: every site, location, node and service it names exists.
public struct TestSuite: Sendable {
    public var file: String
    /// The file name without its extension, for reports (the JUnit class name).
    public var name: String
    public var cases: [TestCase]
}

/// Reads cases files: YAML (`cases:` list) or CSV (a header row, one case a row).
public enum TestSuiteLoader {
    /// Expectation keys; each takes a value or a list, and `not_<key>` forbids.
    static let expectationKeys = ["verdict", "location", "reached_location", "media_location", "node", "service", "final_alias", "outgoing_alias", "outgoing_location"]

    /// Reads `path` (`.csv` as CSV, anything else as YAML).
    public static func load(path: String) throws(PlanLoadError) -> UnresolvedTestSuite {
        let data = try InputFile.read(path, unreadable: "no such cases file", at: SourceLocation(file: path, line: 1, column: 1))
        guard var text = String(data: data, encoding: .utf8) else {
            throw PlanLoadError([Diagnostic(.error, "the cases file is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(13) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        return path.lowercased().hasSuffix(".csv") ? try loadCSV(text, file: path) : try loadYAML(text, file: path)
    }

    // MARK: YAML

    static func loadYAML(_ text: String, file: String) throws(PlanLoadError) -> UnresolvedTestSuite {
        let trees = try YAMLTree.parse(text, file: file)
        let sink = DiagnosticSink()
        guard let tree = trees.first, var fields = FieldReader(tree, what: "the cases file", sink: sink) else {
            throw PlanLoadError(sink.diagnostics.isEmpty
                ? [Diagnostic(.error, "the cases file is empty; it needs a 'cases:' list", at: SourceLocation(file: file, line: 1, column: 1))]
                : sink.diagnostics)
        }
        let planPath = fields.string("plan").map { relative -> String in
            relative.hasPrefix("/") ? relative : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(relative)
        }
        let seed = UInt64(fields.int("seed", in: 0...Int.max, default: 1) ?? 1)
        var cases: [UnresolvedTestSuite.RawCase] = []
        if let list = fields.node("cases") {
            guard case .sequence(let items, _) = list else {
                throw PlanLoadError([Diagnostic(.error, "'cases' must be a list", at: list.location)])
            }
            for item in items {
                if let raw = readCase(item, sink: sink) { cases.append(raw) }
            }
        } else {
            sink.error("the cases file has no 'cases:' list", at: fields.location)
        }
        fields.reportUnknownKeys(alsoKnown: ["description"])
        let errors = sink.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw PlanLoadError(errors) }
        return UnresolvedTestSuite(file: file, planPath: planPath, defaultSeed: seed, cases: cases, text: text)
    }

    private static func readCase(_ tree: YAMLTree, sink: DiagnosticSink) -> UnresolvedTestSuite.RawCase? {
        guard var fields = FieldReader(tree, what: "case", sink: sink) else { return nil }
        let name = fields.requiredString("name")
        if let name { fields.what = "case '\(name)'" }
        func values(_ key: String) -> [UnresolvedTestSuite.Value]? {
            guard fields.entry(key) != nil else { return nil }
            return fields.strings(key).map { UnresolvedTestSuite.Value(text: $0.0, location: $0.1) }
        }
        let from = values("from")
        let alias = fields.string("alias").map { UnresolvedTestSuite.Value(text: $0, location: fields.location(of: "alias")) }
        let pattern = fields.string("pattern").map { UnresolvedTestSuite.Value(text: $0, location: fields.location(of: "pattern")) }
        let samples = fields.int("samples", in: 1...100_000, default: 10) ?? 10
        let nearMisses = fields.int("near_misses", in: 0...100_000, default: 0) ?? 0
        let seed = fields.int("seed", in: 0...Int.max, default: nil).map(UInt64.init)
        let protocols = values("protocols")
        let expect = readExpectation(&fields, key: "expect", sink: sink)
        let nearMissExpect = readExpectation(&fields, key: "near_miss_expect", sink: sink)
        fields.reportUnknownKeys(alsoKnown: ["description"])
        guard let name else { return nil }
        return UnresolvedTestSuite.RawCase(
            name: name, location: fields.location, from: from, alias: alias, pattern: pattern, samples: samples,
            nearMisses: nearMisses, seed: seed, protocols: protocols, expect: expect, nearMissExpect: nearMissExpect)
    }

    private static func readExpectation(_ fields: inout FieldReader, key: String, sink: DiagnosticSink) -> [String: [UnresolvedTestSuite.Value]] {
        var result: [String: [UnresolvedTestSuite.Value]] = [:]
        guard let node = fields.node(key), var expectation = FieldReader(node, what: "\(fields.what) \(key)", sink: sink) else { return result }
        let keys = expectationKeys + expectationKeys.map { "not_" + $0 }
        for name in keys where expectation.entry(name) != nil {
            result[name] = expectation.strings(name).map { UnresolvedTestSuite.Value(text: $0.0, location: $0.1) }
        }
        expectation.reportUnknownKeys(alsoKnown: keys)
        return result
    }

    // MARK: CSV

    /// Columns of a cases CSV; lists inside a cell are separated by `;`. (Near misses, which need their own
    /// expectation, are a YAML feature.)
    static let csvColumns = ["name", "from", "alias", "pattern", "samples", "seed", "protocols"]
        + expectationKeys + expectationKeys.map { "not_" + $0 }

    static func loadCSV(_ text: String, file: String) throws(PlanLoadError) -> UnresolvedTestSuite {
        let table = try CSVTable.parse(text, file: file)
        var diagnostics: [Diagnostic] = []
        var columns: [String: Int] = [:]
        for (index, field) in table.header.enumerated() {
            let key = field.text.trimmingSpaces.lowercased()
            guard csvColumns.contains(key) else {
                diagnostics.append(Diagnostic(.error, "unknown column '\(field.text)'\(FieldReader.didYouMean(key, in: csvColumns)); columns are \(csvColumns.joined(separator: ", "))", at: field.location))
                continue
            }
            columns[key] = index
        }
        if columns["name"] == nil {
            diagnostics.append(Diagnostic(.error, "the header has no 'name' column", at: table.header.first?.location ?? SourceLocation(file: file, line: 1, column: 1)))
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        var cases: [UnresolvedTestSuite.RawCase] = []
        for row in table.rows {
            func cell(_ key: String) -> CSVTable.Field? {
                guard let index = columns[key], index < row.count else { return nil }
                let field = row[index]
                return field.text.isBlank ? nil : field
            }
            func list(_ key: String) -> [UnresolvedTestSuite.Value]? {
                guard let field = cell(key) else { return nil }
                return field.text.split(separator: ";").map { UnresolvedTestSuite.Value(text: $0.trimmingSpaces, location: field.location) }
            }
            func number(_ key: String, _ range: ClosedRange<Int>) -> Int? {
                guard let field = cell(key) else { return nil }
                guard let value = Int(field.text.trimmingSpaces), range.contains(value) else {
                    diagnostics.append(Diagnostic(.error, "'\(key)' must be a whole number between \(range.lowerBound) and \(range.upperBound), not '\(field.text)'", at: field.location))
                    return nil
                }
                return value
            }
            let location = row.first?.location ?? SourceLocation(file: file, line: 1, column: 1)
            guard let name = cell("name") else {
                diagnostics.append(Diagnostic(.error, "the case has no name", at: location))
                continue
            }
            var expect: [String: [UnresolvedTestSuite.Value]] = [:]
            for key in expectationKeys + expectationKeys.map({ "not_" + $0 }) {
                if let values = list(key) { expect[key] = values }
            }
            let value = { (key: String) in cell(key).map { UnresolvedTestSuite.Value(text: $0.text, location: $0.location) } }
            cases.append(UnresolvedTestSuite.RawCase(
                name: name.text, location: name.location, from: list("from"), alias: value("alias"), pattern: value("pattern"),
                samples: number("samples", 1...100_000) ?? 10, nearMisses: 0,
                seed: number("seed", 0...Int.max).map(UInt64.init), protocols: list("protocols"), expect: expect, nearMissExpect: [:]))
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        return UnresolvedTestSuite(file: file, planPath: nil, defaultSeed: 1, cases: cases, text: text)
    }
}

extension UnresolvedTestSuite {
    /// Checks every name against `plan` and turns the cases into `TestCase`s; every problem is reported at once.
    public func resolve(against plan: DialPlan) throws(PlanLoadError) -> TestSuite {
        var diagnostics: [Diagnostic] = []
        var resolved: [TestCase] = []
        let siteNames = plan.sites.map(\.name)
        let locationNames = plan.locations.map(\.name)
        let nodeNames = plan.nodes.map(\.name)
        let serviceNames = plan.services.map(\.name) + plan.gatewayRules.map(\.name) + ServiceType.allCases.map(\.rawValue) + ["gateway_rule"]
        var seenNames: [String: Int] = [:]

        func check(_ values: [Value]?, among names: [String], kind: String) -> [String]? {
            guard let values else { return nil }
            return values.compactMap { value in
                if let match = names.first(where: { $0.lowercased() == value.text.lowercased() }) { return match }
                diagnostics.append(Diagnostic(.error, "no \(kind) named '\(value.text)' in \(plan.name)\(FieldReader.didYouMean(value.text, in: names))", at: value.location))
                return nil
            }
        }
        func verdicts(_ values: [Value]?) -> [Verdict]? {
            guard let values else { return nil }
            return values.compactMap { value in
                if let verdict = FieldReader.parseEnum(value.text, as: Verdict.self) { return verdict }
                diagnostics.append(Diagnostic(.error, "'\(value.text)' is no verdict; verdicts are \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))\(FieldReader.didYouMean(value.text, in: Verdict.allCases.map(\.rawValue)))", at: value.location))
                return nil
            }
        }
        func expectation(_ raw: [String: [Value]]) -> Expectation {
            var result = Expectation()
            result.verdicts = verdicts(raw["verdict"])
            result.notVerdicts = verdicts(raw["not_verdict"])
            result.locations = check(raw["location"], among: locationNames, kind: "system location")
            result.notLocations = check(raw["not_location"], among: locationNames, kind: "system location")
            result.reachedLocations = check(raw["reached_location"], among: locationNames, kind: "system location")
            result.notReachedLocations = check(raw["not_reached_location"], among: locationNames, kind: "system location")
            result.mediaLocations = check(raw["media_location"], among: locationNames, kind: "system location")
            result.notMediaLocations = check(raw["not_media_location"], among: locationNames, kind: "system location")
            result.nodes = check(raw["node"], among: nodeNames, kind: "worker_vm")
            result.notNodes = check(raw["not_node"], among: nodeNames, kind: "worker_vm")
            result.services = check(raw["service"], among: serviceNames, kind: "service, Call Routing Rule or service kind")
            result.notServices = check(raw["not_service"], among: serviceNames, kind: "service, Call Routing Rule or service kind")
            result.finalAliases = raw["final_alias"]?.map(\.text)
            result.notFinalAliases = raw["not_final_alias"]?.map(\.text)
            result.outgoingAliases = raw["outgoing_alias"]?.map(\.text)
            result.notOutgoingAliases = raw["not_outgoing_alias"]?.map(\.text)
            result.outgoingLocations = check(raw["outgoing_location"], among: locationNames, kind: "system location")
            result.notOutgoingLocations = check(raw["not_outgoing_location"], among: locationNames, kind: "system location")
            return result
        }

        for raw in cases {
            var name = raw.name
            if let count = seenNames[raw.name] {
                // JUnit needs unique names; a repeated one gets a number, as a spreadsheet copy would.
                seenNames[raw.name] = count + 1
                name = "\(raw.name) #\(count + 1)"
            } else {
                seenNames[raw.name] = 1
            }
            var sites: [SiteID] = plan.sites.ids
            let everySite = raw.from.map { $0.count == 1 && $0[0].text.lowercased() == "all" } ?? true
            if let from = raw.from, !everySite {
                sites = (check(from, among: siteNames, kind: "site") ?? []).compactMap { name in siteNames.firstIndex(of: name).map(SiteID.init) }
            }
            let target: TestCase.Target
            switch (raw.alias, raw.pattern) {
            case (let alias?, nil):
                target = .alias(alias.text)
            case (nil, let pattern?):
                do {
                    _ = try PatternSampler(pattern: pattern.text)
                } catch {
                    let builder = PlanBuilder(files: [(file, text)])
                    diagnostics.append(Diagnostic(.error, "case '\(raw.name)': cannot generate aliases from the pattern (column \(error.column)): \(error.message)", at: builder.pointInto(pattern.location, text: pattern.text, column: error.column)))
                }
                target = .pattern(pattern.text, samples: raw.samples, nearMisses: raw.nearMisses, seed: raw.seed ?? defaultSeed)
            case (_?, _?):
                diagnostics.append(Diagnostic(.error, "case '\(raw.name)' has both 'alias' and 'pattern'; give one", at: raw.location))
                continue
            case (nil, nil):
                diagnostics.append(Diagnostic(.error, "case '\(raw.name)' has neither 'alias' nor 'pattern'", at: raw.location))
                continue
            }
            var protocols: [CallProtocol]?
            if let values = raw.protocols {
                protocols = values.compactMap { value in
                    if let parsed = FieldReader.parseEnum(value.text, as: CallProtocol.self) { return parsed }
                    diagnostics.append(Diagnostic(.error, "'\(value.text)' is no protocol; protocols are \(CallProtocol.allCases.map(\.rawValue).joined(separator: ", "))", at: value.location))
                    return nil
                }
                // With every site, those that do not place a protocol simply place no such call; a site named
                // explicitly must place it.
                if everySite {
                    sites = sites.filter { site in (protocols ?? []).contains { plan.sites[site].protocols.contains($0) } }
                }
                for site in sites where !everySite {
                    for callProtocol in protocols ?? [] where !plan.sites[site].protocols.contains(callProtocol) {
                        diagnostics.append(Diagnostic(.error, "case '\(raw.name)': site '\(plan.sites[site].name)' does not place \(callProtocol.rawValue) calls (it uses \(plan.sites[site].protocols.map(\.rawValue).joined(separator: ", ")))", at: values[0].location))
                    }
                }
            }
            let expect = expectation(raw.expect)
            let nearMissExpect = expectation(raw.nearMissExpect)
            if expect.isEmpty && raw.expect.isEmpty {
                diagnostics.append(Diagnostic(.error, "case '\(raw.name)' expects nothing; give 'expect' (verdict, location, node, service, final_alias, outgoing_alias, outgoing_location, or not_…)", at: raw.location))
            }
            if case .pattern(_, _, let nearMisses, _) = target, nearMisses > 0, raw.nearMissExpect.isEmpty {
                diagnostics.append(Diagnostic(.error, "case '\(raw.name)' asks for near misses but has no 'near_miss_expect'", at: raw.location))
            }
            resolved.append(TestCase(
                name: name, sites: sites, target: target, protocols: protocols, expect: expect,
                nearMissExpect: nearMissExpect, source: raw.location))
        }
        if cases.isEmpty {
            diagnostics.append(Diagnostic(.error, "the cases file has no cases", at: SourceLocation(file: file, line: 1, column: 1)))
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return TestSuite(file: file, name: base, cases: resolved)
    }
}
