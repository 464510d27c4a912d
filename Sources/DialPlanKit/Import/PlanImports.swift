import Foundation

/// The `imports` section of a plan: the vendors' exports it reads, unedited, beside its YAML.
///
///     imports:
///       pexip: exports/pexip/                    # Management API JSON: a directory (every *.json) or files
///       call_control:                            # one VCS/Expressway cluster per xConfiguration file
///         - exports/exp-lon.txt                  # the name from the export (Alternates Cluster Name, SystemUnit Name)
///         - {file: exports/exp-sin.txt, name: vcs-apac, call_policy: [...]}   # Call Policy rules, not exported
///       skype_for_business: [exports/static-routes.txt, exports/trusted-pools.txt]
///
/// Paths are relative to the file that names them. What the exports hold becomes plan sections in the native
/// schema, located in the export files, and merges with the YAML as YAML files merge.
enum PlanImports {
    /// Reads every export `tree` names and imports it.
    static func read(_ tree: YAMLTree) -> (sections: ImportedSections, files: [ExportFile]) {
        let sink = DiagnosticSink()
        var sections = ImportedSections()
        var files: [ExportFile] = []
        guard var fields = FieldReader(tree, what: "imports", sink: sink) else {
            sections.diagnostics = sink.diagnostics
            return (sections, files)
        }
        // Pexip and Skype: every file named, and every file of every directory named, read as one export each.
        var pexipFiles: [ExportFile] = []
        for (path, location) in fields.strings("pexip") {
            do { pexipFiles += try exportFiles(.pexip, at: resolve(path, namedIn: location), namedAt: location) } catch { sink.append(error.diagnostics) }
        }
        files += pexipFiles
        if !pexipFiles.isEmpty { sections.append(PexipExport.read(pexipFiles)) }

        for item in fields.list("call_control") {
            var path: (String, SourceLocation)?
            var name: (String, SourceLocation)?
            var callPolicy: YAMLTree.Entry?
            switch item {
            case .scalar(let text, false, let location):
                path = (text, location)
            case .mapping:
                guard var itemFields = FieldReader(item, what: "imports call_control entry", sink: sink) else { continue }
                if let file = itemFields.requiredString("file") { path = (file, itemFields.location(of: "file")) }
                if let given = itemFields.string("name") { name = (given, itemFields.location(of: "name")) }
                callPolicy = itemFields.entry("call_policy")
                itemFields.reportUnknownKeys(alsoKnown: ["call_policy"])
            default:
                sink.error("imports: a call_control entry is an xConfiguration file or {file: …, name: …, call_policy: […]}, not \(item.kindName)", at: item.location)
            }
            guard let (text, location) = path else { continue }
            do {
                let export = try exportFiles(.vcs, at: resolve(text, namedIn: location), namedAt: location)[0]
                files.append(export)
                sections.append(VCSExport.read(export, name: name?.0, nameAt: name?.1, callPolicy: callPolicy))
            } catch { sink.append(error.diagnostics) }
        }

        var skypeFiles: [ExportFile] = []
        for (path, location) in fields.strings("skype_for_business") {
            do { skypeFiles += try exportFiles(.sfb, at: resolve(path, namedIn: location), namedAt: location) } catch { sink.append(error.diagnostics) }
        }
        files += skypeFiles
        if !skypeFiles.isEmpty { sections.append(SfBExport.read(skypeFiles)) }
        fields.reportUnknownKeys()
        sections.diagnostics = sink.diagnostics + sections.diagnostics
        return (sections, files)
    }

    /// The export files at `path`: the file, or a directory's files (`*.json` for Pexip, every file for Skype
    /// transcripts; a VCS export is one file).
    static func exportFiles(_ kind: ExportKind, at path: String, namedAt location: SourceLocation?) throws(PlanLoadError) -> [ExportFile] {
        guard isDirectory(path) else { return [try ExportFile.read(path, namedAt: location)] }
        let at = location ?? SourceLocation(file: path, line: 1, column: 1)
        switch kind {
        case .vcs:
            throw PlanLoadError([Diagnostic(.error, "\(path) is a directory; an xConfiguration export is one file per cluster", at: at)])
        case .pexip, .sfb:
            var files: [ExportFile] = []
            for file in try ExportFile.files(in: path, extensions: kind == .pexip ? ["json"] : [], namedAt: at) {
                files.append(try ExportFile.read(file, namedAt: location))
            }
            return files
        }
    }

    /// `path` as named in the file of `location`: relative paths start at that file's directory.
    static func resolve(_ path: String, namedIn location: SourceLocation) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        let directory = (location.file as NSString).deletingLastPathComponent
        return directory.isEmpty ? expanded : (directory as NSString).appendingPathComponent(expanded)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
