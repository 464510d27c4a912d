import Foundation

/// The `imports` section of a plan: the vendors' exports it reads, unedited, beside its YAML.
///
///     imports:
///       pexip: exports/pexip/                    # Management API JSON: a directory (every *.json) or files
///       call_control:                            # one VCS/Expressway cluster per xConfiguration file
///         - exports/exp-lon.txt                  # the name from the export (Alternates Cluster Name, SystemUnit Name)
///         - {file: exports/exp-sin.txt, name: vcs-apac}
///       skype_for_business: [exports/static-routes.txt, exports/trusted-pools.txt]
///
/// Paths are relative to the file that names them. What the exports hold becomes plan sections in the native
/// schema, located in the export files, and merges with the YAML as YAML files merge.
enum PlanImports {
    static let keys = ["pexip", "call_control", "skype_for_business"]

    /// Reads every export `tree` names and imports it.
    static func read(_ tree: YAMLTree) -> (sections: ImportedSections, files: [ExportFile]) {
        let sink = DiagnosticSink()
        var sections = ImportedSections()
        var files: [ExportFile] = []
        func load(_ path: String, at location: SourceLocation) -> ExportFile? {
            do {
                let file = try ExportFile.read(path, namedAt: location)
                files.append(file)
                return file
            } catch {
                sink.append(error.diagnostics)
                return nil
            }
        }
        guard var fields = FieldReader(tree, what: "imports", sink: sink) else {
            sections.diagnostics = sink.diagnostics
            return (sections, files)
        }
        // Pexip: every file of every directory named, then the files named, read as one export.
        var pexipFiles: [ExportFile] = []
        for (path, location) in fields.strings("pexip") {
            let resolved = resolve(path, namedIn: location)
            if isDirectory(resolved) {
                do {
                    for file in try ExportFile.files(in: resolved, extensions: ["json"], namedAt: location) {
                        if let export = load(file, at: location) { pexipFiles.append(export) }
                    }
                } catch { sink.append(error.diagnostics) }
            } else if let export = load(resolved, at: location) {
                pexipFiles.append(export)
            }
        }
        if !pexipFiles.isEmpty { sections.append(PexipExport.read(pexipFiles)) }

        for item in fields.list("call_control") {
            var path: (String, SourceLocation)?
            var name: (String, SourceLocation)?
            switch item {
            case .scalar(let text, false, let location):
                path = (text, location)
            case .mapping:
                guard var itemFields = FieldReader(item, what: "imports call_control entry", sink: sink) else { continue }
                if let file = itemFields.requiredString("file") { path = (file, itemFields.location(of: "file")) }
                if let given = itemFields.string("name") { name = (given, itemFields.location(of: "name")) }
                itemFields.reportUnknownKeys()
            default:
                sink.error("imports: a call_control entry is an xConfiguration file or {file: …, name: …}, not \(item.kindName)", at: item.location)
            }
            guard let (text, location) = path, let export = load(resolve(text, namedIn: location), at: location) else { continue }
            sections.append(VCSExport.read(export, name: name?.0, nameAt: name?.1))
        }

        var skypeFiles: [ExportFile] = []
        for (path, location) in fields.strings("skype_for_business") {
            let resolved = resolve(path, namedIn: location)
            if isDirectory(resolved) {
                do {
                    for file in try ExportFile.files(in: resolved, extensions: [], namedAt: location) {
                        if let export = load(file, at: location) { skypeFiles.append(export) }
                    }
                } catch { sink.append(error.diagnostics) }
            } else if let export = load(resolved, at: location) {
                skypeFiles.append(export)
            }
        }
        if !skypeFiles.isEmpty { sections.append(SfBExport.read(skypeFiles)) }
        fields.reportUnknownKeys()
        sections.diagnostics = sink.diagnostics + sections.diagnostics
        return (sections, files)
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
