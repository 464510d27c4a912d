import Foundation

/// `dialplan import`: a vendor's exports as the same data in the plan's native YAML, to read or to edit a copy of.
/// One file per plan section, every object preceded by a comment naming where in the export it came from.
public enum ExportImport {
    /// What an import made: the YAML files (name and text) and the importer's warnings and notes.
    public struct Result: Sendable {
        public var files: [(name: String, text: String)]
        public var diagnostics: [Diagnostic]
    }

    /// Reads the exports of `kind` at `paths` (files, or directories of them for Pexip and Skype) and writes them as
    /// native YAML. `name` names a VCS cluster (one file only). Errors in the exports are thrown, all at once.
    public static func convert(_ kind: ExportKind, paths: [String], name: String? = nil) throws(PlanLoadError) -> Result {
        guard !paths.isEmpty else { throw PlanLoadError([Diagnostic(.error, "name at least one export file", at: nil)]) }
        var files: [ExportFile] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            do { files += try PlanImports.exportFiles(kind, at: path, namedAt: nil) } catch { diagnostics += error.diagnostics }
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        var sections = ImportedSections()
        switch kind {
        case .pexip: sections = PexipExport.read(files)
        case .sfb: sections = SfBExport.read(files)
        case .vcs:
            if name != nil && files.count > 1 {
                throw PlanLoadError([Diagnostic(.error, "--name names one cluster: give one xConfiguration file with it", at: nil)])
            }
            for file in files { sections.append(VCSExport.read(file, name: name, nameAt: nil)) }
        }
        if sections.hasErrors { throw PlanLoadError(PlanLoader.sorted(sections.diagnostics.filter { $0.severity == .error })) }
        guard !sections.entries.isEmpty else {
            let notes = sections.diagnostics.map { "\($0.location.map { "\($0): " } ?? "")\($0.message)" }
            throw PlanLoadError([Diagnostic(
                .error, "the \(kind.rawValue) exports hold nothing the analyzer reads\(notes.isEmpty ? "" : " (\(notes.prefix(3).joined(separator: "; ")))")",
                at: SourceLocation(file: files[0].path, line: 1, column: 1))])
        }
        let merged: [YAMLTree.Entry]
        do { merged = try YAMLTree.merge([.map(sections.entries, at: SourceLocation(file: files[0].path, line: 1, column: 1))]) } catch { throw error }
        let sources = files.map(\.path)
        let output = merged.map { entry in
            (name: fileName(for: entry.key), text: NativeYAMLWriter.document(entry, importedFrom: sources, kind: kind))
        }
        return Result(files: output, diagnostics: sections.diagnostics)
    }

    /// The file a section is written to.
    static func fileName(for section: String) -> String {
        section.replacingOccurrences(of: "_", with: "-") + ".yaml"
    }

    /// Why the files could not be written.
    public struct WriteError: Error, Sendable {
        public var message: String
    }

    /// Writes `result`'s files into `directory` (created when missing). A directory that already holds files is
    /// refused unless `force`, which replaces only the files of this import.
    public static func write(_ result: Result, to directory: String, force: Bool) throws(WriteError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WriteError(message: "\(directory) is a file, not a directory") }
            let existing = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
            if !existing.isEmpty && !force {
                throw WriteError(message: "\(directory) is not empty (\(existing.sorted().prefix(3).joined(separator: ", "))\(existing.count > 3 ? ", …" : "")); use --force to replace this import's files there")
            }
        } else {
            do { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw WriteError(message: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        for file in result.files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do { try file.text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw WriteError(message: "cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}

/// Writes a native plan section as block YAML, every object of a list preceded by a comment naming the place in
/// the export it was read from. Values are quoted only where YAML would read them otherwise (this plan's loader
/// reads every value as text, so `true` and `10` stay plain; empty and null-looking ones are quoted).
enum NativeYAMLWriter {
    static func document(_ section: YAMLTree.Entry, importedFrom sources: [String], kind: ExportKind) -> String {
        let directories = Set(sources.map { ($0 as NSString).deletingLastPathComponent })
        let origin = sources.count == 1 ? sources[0]
            : directories.count == 1 ? "\(directories.first!.isEmpty ? "." : directories.first!)/ (\(sources.count) files)"
            : sources.joined(separator: ", ")
        var text = "# Imported by `dialplan import \(kind.rawValue)` from \(origin).\n"
        text += "# A copy to read or edit: a plan that names the exports under `imports:` reads them directly.\n"
        text += "\(key(section.key)):"
        write(section.value, indent: 0, into: &text)
        return text
    }

    /// Appends `tree` as the value of a key already written (without its newline) at `indent`.
    private static func write(_ tree: YAMLTree, indent: Int, into text: inout String) {
        switch tree {
        case .scalar:
            text += " " + scalar(tree) + "\n"
        case .sequence(let items, _):
            if items.isEmpty {
                text += " []\n"
            } else if items.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) {
                text += " [" + items.map(scalar).joined(separator: ", ") + "]\n"
            } else {
                text += "\n"
                for item in items { writeItem(item, indent: indent + 2, into: &text) }
            }
        case .mapping(let entries, _):
            if entries.isEmpty {
                text += " {}\n"
                return
            }
            text += "\n"
            writeEntries(entries, indent: indent + 2, into: &text)
        }
    }

    private static func writeEntries(_ entries: [YAMLTree.Entry], indent: Int, into text: inout String) {
        for entry in entries {
            text += String(repeating: " ", count: indent) + key(entry.key) + ":"
            write(entry.value, indent: indent, into: &text)
        }
    }

    /// A list item: a comment with its origin, then `- ` and the item.
    private static func writeItem(_ item: YAMLTree, indent: Int, into text: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch item {
        case .mapping(let entries, let location):
            text += pad + "# from \(location.file):\(location.line)\(location.column > 1 ? ":\(location.column)" : "")\n"
            guard let first = entries.first else {
                text += pad + "- {}\n"
                return
            }
            text += pad + "- " + key(first.key) + ":"
            write(first.value, indent: indent + 2, into: &text)
            writeEntries(Array(entries.dropFirst()), indent: indent + 2, into: &text)
        case .sequence:
            text += pad + "-"
            write(item, indent: indent, into: &text)
        case .scalar:
            text += pad + "- " + scalar(item) + "\n"
        }
    }

    private static func key(_ name: String) -> String { plainIsSafe(name) ? name : quoted(name) }

    private static func scalar(_ tree: YAMLTree) -> String {
        guard case .scalar(let value, let isNull, _) = tree else { return "''" }
        if isNull { return "null" }
        return plainIsSafe(value) ? value : quoted(value)
    }

    /// Whether `value` reads back as itself when written plain (in block and flow context alike).
    static func plainIsSafe(_ value: String) -> Bool {
        guard let first = value.first, let last = value.last, first != " ", last != " " else { return false }
        if ["~", "null", "Null", "NULL"].contains(value) { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        if value.contains(where: { ",[]{}".contains($0) }) { return false }
        return value.unicodeScalars.allSatisfy { !needsEscape($0) }
    }

    /// Characters YAML reads as line breaks or drops (C0 and C1 controls, DEL, U+2028, U+2029, the BOM): written
    /// only as escapes in a double-quoted string.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || [0x2028, 0x2029, 0xFEFF].contains(scalar.value)
    }

    /// Single-quoted (a quote doubled), or double-quoted with escapes when the value has control characters.
    static func quoted(_ value: String) -> String {
        if !value.unicodeScalars.contains(where: needsEscape) {
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            default:
                if scalar.value <= 0xFF, needsEscape(scalar) {
                    text += "\\x" + String(format: "%02X", scalar.value)
                } else if needsEscape(scalar) {
                    text += "\\u" + String(format: "%04X", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }
}
