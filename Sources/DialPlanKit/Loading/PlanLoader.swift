import Foundation

/// Loads a dial plan: a directory of YAML files (every `*.yaml`/`*.yml` in it, merged by top-level key) or a single
/// YAML file, validated as a whole. Every problem is reported at once as `file:line:column: error: message`.
/// The loader only reads its inputs.
public enum PlanLoader {
    /// Top-level sections of a plan.
    static let sections = ["imports", "pexip", "call_control", "dns", "skype_for_business", "sites", "probes", "network"]

    /// Whether `path` is a plan rather than a cases file: a directory, or a YAML file with a plan section at the top
    /// level (`pexip:`, `call_control:`, …) in its first 64 KB (read through a bounded descriptor, so a huge or
    /// endless file costs nothing).
    public static func looksLikePlan(path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { return true }
        guard !path.lowercased().hasSuffix(".csv"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 64 << 10) else { return false }
        return String(decoding: head, as: UTF8.self).split(separator: "\n").contains { line in sections.contains { line.hasPrefix($0 + ":") } }
    }

    /// Loads the plan at `path` (a directory or a file).
    public static func load(path: String) throws(PlanLoadError) -> DialPlan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanLoadError([Diagnostic(.error, "no such plan file or directory", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        var paths: [String]
        if isDirectory.boolValue {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw PlanLoadError([Diagnostic(.error, "cannot list the plan directory: \(error.localizedDescription)", at: SourceLocation(file: path, line: 1, column: 1))])
            }
            // Hidden files (editor backups, macOS `._` files) are not part of the plan.
            paths = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !paths.isEmpty else {
                throw PlanLoadError([Diagnostic(.error, "the plan directory has no *.yaml files", at: SourceLocation(file: path, line: 1, column: 1))])
            }
        } else {
            paths = [path]
        }
        var files: [(path: String, text: String)] = []
        for file in paths {
            let data = try InputFile.read(file, unreadable: "cannot read the file", at: SourceLocation(file: file, line: 1, column: 1))
            guard let text = String(data: data, encoding: .utf8) else {
                throw PlanLoadError([Diagnostic(.error, "the file is not UTF-8 text", at: SourceLocation(file: file, line: 1, column: 1))])
            }
            files.append((file, text))
        }
        return try load(files: files, name: path)
    }

    /// Loads a plan from file contents already in memory; `path` of each is used in messages.
    public static func load(files: [(path: String, text: String)], name: String) throws(PlanLoadError) -> DialPlan {
        // A byte order mark and Windows line endings change nothing in YAML, but they would shift the columns and
        // lines this loader computes from the text, so both are normalised first (line numbers stay the same).
        let files = files.map { file -> (path: String, text: String) in
            var text = file.text
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if text.utf8.contains(13) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
            return (file.path, text)
        }
        var trees: [YAMLTree] = []
        var diagnostics: [Diagnostic] = []
        for file in files {
            do { trees += try YAMLTree.parse(file.text, file: file.path) } catch { diagnostics += error.diagnostics }
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        var entries = try YAMLTree.merge(trees)
        // The exports the plan imports come first, so that a name the YAML defines again is reported in the YAML.
        var imported = ImportedSections()
        var exportFiles: [ExportFile] = []
        if let index = entries.firstIndex(where: { $0.key == "imports" }) {
            (imported, exportFiles) = PlanImports.read(entries[index].value)
            entries.remove(at: index)
            if imported.hasErrors { throw PlanLoadError(sorted(imported.diagnostics.filter { $0.severity == .error })) }
            let first = entries.first?.keyLocation ?? SourceLocation(file: name, line: 1, column: 1)
            entries = try YAMLTree.merge([.map(imported.entries, at: first), .map(entries, at: first)])
        }
        let builder = PlanBuilder(files: files + exportFiles.map { ($0.path, $0.text) })
        builder.sink.append(imported.diagnostics)
        let plan = builder.build(entries, name: name)
        let errors = builder.sink.diagnostics.filter { $0.severity == .error }
        guard let plan, errors.isEmpty else { throw PlanLoadError(sorted(errors)) }
        return plan
    }

    /// Diagnostics in file position order.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { ($0.location ?? .init(file: "", line: 0, column: 0)) < ($1.location ?? .init(file: "", line: 0, column: 0)) }
    }
}

/// The mutable state of one load: the diagnostics and the files' lines (to point into patterns).
final class PlanBuilder {
    let sink = DiagnosticSink()
    private let lines: [String: [Substring]]

    init(files: [(path: String, text: String)]) {
        var lines: [String: [Substring]] = [:]
        for file in files { lines[file.path] = file.text.split(separator: "\n", omittingEmptySubsequences: false) }
        self.lines = lines
    }

    func build(_ entries: [YAMLTree.Entry], name: String) -> DialPlan? {
        var sections: [String: YAMLTree] = [:]
        for entry in entries {
            guard PlanLoader.sections.contains(entry.key) else {
                sink.error("unknown section '\(entry.key)' (a plan has \(PlanLoader.sections.joined(separator: ", ")))\(FieldReader.didYouMean(entry.key, in: PlanLoader.sections))", at: entry.keyLocation)
                continue
            }
            sections[entry.key] = entry.value
        }
        let files = Array(lines.keys).sorted()
        var plan = DialPlan(
            name: name, files: files, managementNode: nil, locations: [], nodes: [], services: [], gatewayRules: [],
            clusters: [], dnsRecords: [], sites: [], probes: [], warnings: [], network: nil)
        guard let pexipTree = sections["pexip"] else {
            sink.error("the plan has no 'pexip' section", at: entries.first?.keyLocation ?? SourceLocation(file: files.first ?? name, line: 1, column: 1))
            return nil
        }
        readPexip(pexipTree, into: &plan)
        if let tree = sections["dns"] { plan.dnsRecords = readDNS(tree) }
        if let tree = sections["call_control"] { plan.clusters = readCallControl(tree, plan: plan) }
        if let tree = sections["skype_for_business"] { plan.skypeForBusiness = readSkypeForBusiness(tree) }
        if let tree = sections["sites"] { plan.sites = readSites(tree, plan: plan) }
        if let tree = sections["network"] { plan.network = readNetwork(tree, plan: plan) }
        if let tree = sections["probes"] { plan.probes = readProbes(tree) }
        if plan.sites.isEmpty && !sink.hasErrors {
            sink.warning("the plan has no sites, so no call is simulated (add a 'sites' section)", at: sections["sites"]?.location ?? SourceLocation(file: files.first ?? name, line: 1, column: 1), check: .noSites)
        }
        crossCheck(&plan)
        plan.warnings = sink.diagnostics.filter { $0.severity != .error }
        return plan
    }

    // MARK: Shared helpers

    /// Reads a list section, handing each item's reader to `read`.
    func items(_ tree: YAMLTree, section: String) -> [YAMLTree] {
        switch tree {
        case .sequence(let items, _): return items
        case .scalar(_, true, _): return []
        default:
            sink.error("'\(section)' must be a list, not \(tree.kindName)", at: tree.location)
            return []
        }
    }

    /// Reports names used twice, each at its second use.
    func requireUniqueNames(_ names: [(String, SourceLocation)], kind: String, caseInsensitive: Bool = false) {
        var seen: [String: SourceLocation] = [:]
        for (name, location) in names {
            let key = caseInsensitive ? name.lowercased() : name
            if let first = seen[key] {
                sink.error("\(kind) '\(name)' is defined twice (first at \(first))", at: location)
            } else {
                seen[key] = location
            }
        }
    }

    /// Resolves `name` among `names`, reporting an unknown one with a did-you-mean.
    func resolve(_ name: String, among names: [String], kind: String, what: String, at location: SourceLocation) -> Int? {
        if let index = names.firstIndex(of: name) { return index }
        // The element exists but was dropped for an error of its own, which is reported there.
        if sink.wasDropped(kind, name) { return nil }
        let hint = FieldReader.didYouMean(name, in: names)
        sink.error("\(what): no \(kind) named '\(name)'\(hint)", at: location)
        return nil
    }

    /// Compiles a pattern and its replace string; a compile error points at the exact character of the pattern
    /// when the file spells the pattern literally, else at the value.
    func compileMatcher(
        type: PatternType, string: String, behavior: PatternBehavior, replace: String, syntax: ReplacementTemplate.Syntax = .vcs,
        patternAt patternLocation: SourceLocation, replaceAt replaceLocation: SourceLocation, what: String
    ) -> AliasMatcher? {
        do {
            return try AliasMatcher(type: type, string: string, behavior: behavior, replace: replace, syntax: syntax)
        } catch {
            switch error {
            case .pattern(let error):
                sink.error("\(what): pattern does not compile at column \(error.column) of the pattern: \(error.message)", at: pointInto(patternLocation, text: string, column: error.column))
            case .replacement(let error):
                sink.error("\(what): replace string \(error.message) (column \(error.column) of the replace string)", at: pointInto(replaceLocation, text: replace, column: error.column))
            }
            return nil
        }
    }

    /// The file position of the `column`-th character of `text`, given where the YAML scalar holding it starts.
    /// Follows single-quoted (`''` is a quote) and double-quoted (`\\`, `\"`) spellings; falls back to the scalar's
    /// position when the file spells `text` some other way (other escapes, folded or multi-line values).
    func pointInto(_ location: SourceLocation, text: String, column: Int) -> SourceLocation {
        // libyaml counts columns in Unicode scalars, so the arithmetic is done in scalars too.
        guard let fileLines = lines[location.file], location.line - 1 < fileLines.count else { return location }
        let line = Array(fileLines[location.line - 1].unicodeScalars)
        var position = location.column - 1
        guard position >= 0, position < line.count else { return location }
        let quote: Unicode.Scalar? = line[position] == "'" || line[position] == "\"" ? line[position] : nil
        if quote != nil { position += 1 }
        for scalar in text.prefix(max(column - 1, 0)).unicodeScalars {
            guard position < line.count else { return location }
            if quote == "'" && scalar == "'" {
                guard position + 1 < line.count, line[position] == "'", line[position + 1] == "'" else { return location }
                position += 2
            } else if quote == "\"" && (scalar == "\\" || scalar == "\"") {
                guard position + 1 < line.count, line[position] == "\\", line[position + 1] == scalar else { return location }
                position += 2
            } else {
                guard line[position] == scalar else { return location }
                position += 1
            }
        }
        return SourceLocation(file: location.file, line: location.line, column: position + 1)
    }
}
