import Yams

/// A YAML value with the file position of every node, independent of Yams so that several files can be merged.
indirect enum YAMLTree: Sendable {
    case scalar(String, isNull: Bool, SourceLocation)
    case mapping([Entry], SourceLocation)
    case sequence([YAMLTree], SourceLocation)

    struct Entry: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: YAMLTree
    }

    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let location), .mapping(_, let location), .sequence(_, let location): location
        }
    }

    /// A short name of the node's kind, for messages.
    var kindName: String {
        switch self {
        case .scalar(_, let isNull, _): isNull ? "nothing" : "a value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    var isNull: Bool {
        if case .scalar(_, true, _) = self { return true }
        return false
    }

    /// Parses every document of `text`. Errors carry the file, line and column.
    static func parse(_ text: String, file: String) throws(PlanLoadError) -> [YAMLTree] {
        do {
            var trees: [YAMLTree] = []
            for node in try Yams.compose_all(yaml: text) {
                trees.append(try convert(node, file: file))
            }
            return trees
        } catch let error as PlanLoadError {
            throw error
        } catch let error as YamlError {
            throw PlanLoadError([describe(error, file: file)])
        } catch {
            throw PlanLoadError([Diagnostic(.error, "cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
    }

    private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) throws -> YAMLTree {
        switch node {
        case .scalar(let scalar):
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            return .scalar(isNull ? "" : scalar.string, isNull: isNull, location(scalar.mark, file))
        case .sequence(let sequence):
            return .sequence(try sequence.map { try convert($0, file: file) }, location(sequence.mark, file))
        case .mapping(let mapping):
            var entries: [Entry] = []
            var seen: [String: SourceLocation] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw PlanLoadError([Diagnostic(.error, "a mapping key must be a plain name", at: location(key.mark, file))])
                }
                let keyLocation = location(keyScalar.mark, file)
                if let first = seen[keyScalar.string] {
                    throw PlanLoadError([Diagnostic(
                        .error, "duplicate key '\(keyScalar.string)' (first at line \(first.line))", at: keyLocation)])
                }
                seen[keyScalar.string] = keyLocation
                entries.append(Entry(key: keyScalar.string, keyLocation: keyLocation, value: try convert(value, file: file)))
            }
            return .mapping(entries, location(mapping.mark, file))
        case .alias(let alias):
            throw PlanLoadError([Diagnostic(.error, "YAML aliases (*\(alias.anchor)) are not supported; write the value out", at: location(alias.mark, file))])
        }
    }

    private static func describe(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return Diagnostic(.error, message, at: location(mark, file))
        case .reader(let problem, let offset, _, let yaml):
            var line = 1
            var column = 1
            if let offset {
                for character in yaml.prefix(offset) {
                    if character == "\n" { line += 1; column = 1 } else { column += 1 }
                }
            }
            return Diagnostic(.error, "cannot read YAML: \(problem)", at: SourceLocation(file: file, line: line, column: column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(.error, "duplicate key '\(duplicates.joined(separator: "', '"))'", at: location(context.mark, file))
        default:
            return Diagnostic(.error, "cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Merges top-level mappings of several files: lists under the same key are concatenated, mappings are merged
    /// key by key, and a key given two scalar values is an error naming both places.
    static func merge(_ trees: [YAMLTree]) throws(PlanLoadError) -> [Entry] {
        var merged: [Entry] = []
        var diagnostics: [Diagnostic] = []
        for tree in trees {
            switch tree {
            case .mapping(let entries, _):
                merge(entries, into: &merged, diagnostics: &diagnostics)
            case .scalar(_, true, _):
                continue  // an empty file or document
            default:
                diagnostics.append(Diagnostic(.error, "a plan file must be a mapping of sections (pexip, call_control, dns, sites, probes), not \(tree.kindName)", at: tree.location))
            }
        }
        if !diagnostics.isEmpty { throw PlanLoadError(diagnostics) }
        return merged
    }

    private static func merge(_ entries: [Entry], into merged: inout [Entry], diagnostics: inout [Diagnostic]) {
        for entry in entries {
            guard let index = merged.firstIndex(where: { $0.key == entry.key }) else {
                merged.append(entry)
                continue
            }
            switch (merged[index].value, entry.value) {
            case (.sequence(let first, let location), .sequence(let second, _)):
                merged[index].value = .sequence(first + second, location)
            case (.mapping(var first, let location), .mapping(let second, _)):
                merge(second, into: &first, diagnostics: &diagnostics)
                merged[index].value = .mapping(first, location)
            case (_, _) where entry.value.isNull:
                continue
            case (let existing, _) where existing.isNull:
                merged[index] = entry
            default:
                diagnostics.append(Diagnostic(.error, "'\(entry.key)' is already given at \(merged[index].keyLocation)", at: entry.keyLocation))
            }
        }
    }
}
