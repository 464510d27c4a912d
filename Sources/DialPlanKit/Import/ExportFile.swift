import Foundation

/// One export file as read from disk: its path (for messages) and its text, with a byte order mark dropped and
/// Windows line endings made `\n` (line numbers stay those of the file).
public struct ExportFile: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(13) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        self.text = text
    }

    /// Reads the file at `path`. A missing, unreadable or non-UTF-8 file is an error at `reference` (where the plan
    /// names it), else at the file itself.
    public static func read(_ path: String, namedAt reference: SourceLocation? = nil) throws(PlanLoadError) -> ExportFile {
        let at = reference ?? SourceLocation(file: path, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanLoadError([Diagnostic(.error, "no such export file: \(path)", at: at)])
        }
        guard !isDirectory.boolValue else {
            throw PlanLoadError([Diagnostic(.error, "\(path) is a directory; name an export file", at: at)])
        }
        let data = try InputFile.read(path, unreadable: "cannot read the export file \(path)", at: at)
        // PowerShell's Out-File writes UTF-16 by default on Windows PowerShell 5: accept it when it says so.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]), let text = String(data: data, encoding: .utf16) {
            return ExportFile(path: path, text: text)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanLoadError([Diagnostic(.error, "the export file \(path) is neither UTF-8 nor UTF-16 text", at: at)])
        }
        return ExportFile(path: path, text: text)
    }

    /// The files of `directory` whose names end in one of `extensions` (any, when empty), hidden ones left out, in
    /// name order. None is an error at `reference`.
    static func files(in directory: String, extensions: [String], namedAt reference: SourceLocation) throws(PlanLoadError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw PlanLoadError([Diagnostic(.error, "cannot list the export directory \(directory): \(error.localizedDescription)", at: reference)])
        }
        let paths = names.filter { name in
            !name.hasPrefix(".") && (extensions.isEmpty || extensions.contains { name.lowercased().hasSuffix(".\($0)") })
        }.sorted().map { (directory as NSString).appendingPathComponent($0) }
        let regular = paths.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard !regular.isEmpty else {
            let kinds = extensions.map { "*.\($0)" }.joined(separator: " or ")
            throw PlanLoadError([Diagnostic(.error, "the export directory \(directory) has no \(kinds.isEmpty ? "files" : kinds + " files")", at: reference)])
        }
        return regular
    }
}

/// The kinds of export the analyzer reads, and the plan section each fills.
public enum ExportKind: String, Sendable, CaseIterable {
    /// Pexip Infinity Management API JSON (`/api/admin/configuration/v1/…`): the `pexip` section.
    case pexip
    /// Cisco VCS / Expressway `xConfiguration` output: one `call_control` cluster per file.
    case vcs
    /// Skype for Business / Lync PowerShell transcripts: the `skype_for_business` section.
    case sfb

}

/// What one import made of its exports: plan sections in the native schema (every node located in the export, with
/// the export's own name for each key) and the import's diagnostics (errors and warnings).
public struct ImportedSections: Sendable {
    var entries: [YAMLTree.Entry] = []
    public internal(set) var diagnostics: [Diagnostic] = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.error, message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation, check: CheckID) {
        diagnostics.append(Diagnostic(.warning, message, at: location, check: check))
    }

    mutating func note(_ message: String, at location: SourceLocation, check: CheckID) {
        diagnostics.append(Diagnostic(.note, message, at: location, check: check))
    }

    /// Adds `other`'s sections and diagnostics to these.
    mutating func append(_ other: ImportedSections) {
        entries += other.entries
        diagnostics += other.diagnostics
    }
}

// MARK: Building native trees

extension YAMLTree {
    /// A text value located in an export.
    static func text(_ value: String, at location: SourceLocation) -> YAMLTree { .scalar(value, isNull: false, location) }

    /// A mapping of `entries`, located at `location`.
    static func map(_ entries: [Entry], at location: SourceLocation) -> YAMLTree { .mapping(entries, location) }

    /// A list of `items`, located at `location`.
    static func list(_ items: [YAMLTree], at location: SourceLocation) -> YAMLTree { .sequence(items, location) }

    /// The value under `key` of a mapping, when there is one.
    subscript(key: String) -> YAMLTree? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text of a scalar (nil for null, a list or a mapping).
    var text: String? {
        guard case .scalar(let text, false, _) = self else { return nil }
        return text
    }
}

extension YAMLTree.Entry {
    /// An entry for an imported value: located where the value is, named in messages as the export names it.
    init(_ key: String, _ value: YAMLTree, label: String? = nil) {
        self.init(key: key, keyLocation: value.location, value: value, label: label)
    }
}
