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
        /// For an entry imported from a vendor's export: the export's own name for it (a JSON path, an
        /// xConfiguration key), which messages use instead of `key`.
        var label: String?

        init(key: String, keyLocation: SourceLocation, value: YAMLTree, label: String? = nil) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
            self.label = label
        }
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

    /// The same tree with every location moved by `move`.
    func relocated(_ move: (SourceLocation) -> SourceLocation) -> YAMLTree {
        switch self {
        case .scalar(let text, let isNull, let location):
            return .scalar(text, isNull: isNull, move(location))
        case .sequence(let items, let location):
            return .sequence(items.map { $0.relocated(move) }, move(location))
        case .mapping(let entries, let location):
            return .mapping(entries.map { Entry(key: $0.key, keyLocation: move($0.keyLocation), value: $0.value.relocated(move), label: $0.label) }, move(location))
        }
    }

    /// Nodes that aliases (`*name`) and merge keys (`<<: *name`) may repeat, per node the document writes out, beyond
    /// `minimumRepeats`: a plan repeats a few defaults, an alias bomb (a billion-laughs document, chained
    /// `<<: [*b, *b]` merges) multiplies them without bound. Counting while the tree is built keeps time and memory
    /// a small multiple of what the file writes out, however it is padded.
    static let repeatsPerNode = 4
    static let minimumRepeats = 100_000

    /// Parses every document of `text` (`language` names the format in messages: JSON is read as the YAML it is).
    /// Errors carry the file, line and column.
    static func parse(_ text: String, file: String, language: String = "YAML") throws(PlanLoadError) -> [YAMLTree] {
        do {
            var trees: [YAMLTree] = []
            // Yams's document sequence keeps a parse error in `error` instead of throwing it.
            // Tags are not resolved (every scalar is text; nulls and merge keys are read here), which also keeps
            // Yams's duplicate-key check cheap.
            // An alias as a mapping key makes the YAML library hash the whole aliased tree, for every key, which an
            // alias bomb makes exponential before a node is built here; a plan's keys are plain names anyway.
            if let location = aliasInKeyPosition(text, file: file) {
                throw PlanLoadError([Diagnostic(.error, "a mapping key must be a plain name, not an alias (*name)", at: location)])
            }
            var documents = try Yams.compose_all(yaml: text, .basic)
            var converter = Converter(file: file, text: text)
            while let node = documents.next() {
                trees.append(try converter.convert(node))
            }
            if let error = documents.error { throw error }
            return trees
        } catch let error as PlanLoadError {
            throw error
        } catch let error as YamlError {
            var diagnostic = describe(error, file: file, text: text)
            if language != "YAML" { diagnostic.message = diagnostic.message.replacingOccurrences(of: "YAML", with: language) }
            throw PlanLoadError([diagnostic])
        } catch {
            throw PlanLoadError([Diagnostic(.error, "cannot read \(language): \(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
    }

    /// libyaml's positions as the plan's: libyaml also breaks lines at U+0085, U+2028 and U+2029 (YAML 1.1), where
    /// only `\n`, `\r\n` and `\r` do here (and in editors), and it may point one line past a last line without a line
    /// break. Every position is moved onto the file's own lines, inside the file.
    struct Positions {
        /// Per libyaml line (1-based, index 0 unused): the file's line and the column it starts at.
        private var lines: [(line: Int, column: Int)] = []
        /// The file's lines: their lengths in characters.
        private var lengths: [Int] = []

        init(_ text: String) {
            var ownLine = 1
            var column = 1
            lines = [(0, 0), (1, 1)]
            var previousCR = false
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x0A where previousCR:
                    previousCR = false
                    continue
                case 0x0A, 0x0D:
                    lengths.append(column - 1)
                    ownLine += 1
                    column = 1
                    lines.append((ownLine, 1))
                    previousCR = scalar.value == 0x0D
                    continue
                case 0x85, 0x2028, 0x2029:
                    // A line break to libyaml only: its next line starts after this character on the same line.
                    column += 1
                    lines.append((ownLine, column))
                default:
                    column += 1
                }
                previousCR = false
            }
            lengths.append(column - 1)
        }

        func location(_ mark: Mark?, _ file: String) -> SourceLocation {
            location(line: mark?.line ?? 1, column: mark?.column ?? 1, file)
        }

        func location(line: Int, column: Int, _ file: String) -> SourceLocation {
            guard line >= 1, line < lines.count else {
                // Past the end: the end of the last line.
                return SourceLocation(file: file, line: lengths.count, column: (lengths.last ?? 0) + 1)
            }
            let start = lines[line]
            let own = start.line
            let length = own <= lengths.count ? lengths[own - 1] : 0
            return SourceLocation(file: file, line: own, column: min(start.column + max(column, 1) - 1, length + 1))
        }
    }

    /// Builds the tree of one file's documents, refusing one whose aliases repeat far more nodes than it writes.
    private struct Converter {
        let file: String
        let text: String
        let positions: Positions
        /// Nodes built again through an alias or a merge.
        var repeats = 0
        /// Nodes already built, by position: a node met again is an alias's (or a merge's) repetition.
        var built: Set<Int64> = []
        /// How often each node was repeated, by position.
        var repeated: [Int64: Int] = [:]

        init(file: String, text: String) {
            self.file = file
            self.text = text
            positions = Positions(text)
        }

        private func key(_ mark: Mark?) -> Int64 {
            Int64(mark?.line ?? 0) << 32 | Int64(mark?.column ?? 0)
        }

        /// Counts one node; past the repeats allowed, the error names the anchor repeated most.
        private mutating func spend(_ mark: Mark?) throws(PlanLoadError) {
            let position = key(mark)
            guard !built.insert(position).inserted else { return }
            repeated[position, default: 0] += 1
            repeats += 1
            guard repeats > YAMLTree.minimumRepeats + YAMLTree.repeatsPerNode * built.count else { return }
            // Ties go to the earliest position, so that the message is the same on every run.
            let worst = repeated.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? position
            let at = SourceLocation(file: file, line: Int(worst >> 32), column: Int(worst & 0xFFFF_FFFF))
            let anchor = YAMLTree.anchorName(before: at, in: text).map { " '&\($0)'" } ?? ""
            throw PlanLoadError([Diagnostic(
                .error,
                "the document's aliases repeat the anchor\(anchor) at line \(at.line), column \(at.column) so often that the document would expand past \(repeats) repeated nodes while it writes out only \(built.count); write the repeated parts out or use fewer aliases",
                at: at)])
        }

        mutating func convert(_ node: Node) throws(PlanLoadError) -> YAMLTree {
            switch node {
            case .scalar(let scalar):
                try spend(scalar.mark)
                let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
                return .scalar(isNull ? "" : scalar.string, isNull: isNull, positions.location(scalar.mark, file))
            case .sequence(let sequence):
                try spend(sequence.mark)
                var items: [YAMLTree] = []
                items.reserveCapacity(sequence.count)
                for item in sequence { items.append(try convert(item)) }
                return .sequence(items, positions.location(sequence.mark, file))
            case .mapping(let mapping):
                try spend(mapping.mark)
                var entries: [Entry] = []
                var keys: Set<String> = []
                var merged: [Entry] = []
                var mergedKeys: Set<String> = []
                for (key, value) in mapping {
                    guard case .scalar(let keyScalar) = key else {
                        throw PlanLoadError([Diagnostic(.error, "a mapping key must be a plain name", at: positions.location(key.mark, file))])
                    }
                    let keyLocation = positions.location(keyScalar.mark, file)
                    // YAML merge keys (`<<: *defaults`) bring in the keys of another mapping that are not set here.
                    if keyScalar.string == "<<" && keyScalar.style == .plain {
                        let sources: [Node]
                        switch value {
                        case .mapping: sources = [value]
                        case .sequence(let sequence): sources = Array(sequence)
                        default:
                            throw PlanLoadError([Diagnostic(.error, "a merge key (<<) takes a mapping or a list of mappings", at: keyLocation)])
                        }
                        for source in sources {
                            guard case .mapping(let entriesOfSource, _) = try convert(source) else {
                                throw PlanLoadError([Diagnostic(.error, "a merge key (<<) takes a mapping or a list of mappings", at: keyLocation)])
                            }
                            for entry in entriesOfSource where mergedKeys.insert(entry.key).inserted { merged.append(entry) }
                        }
                        continue
                    }
                    keys.insert(keyScalar.string)
                    entries.append(Entry(key: keyScalar.string, keyLocation: keyLocation, value: try convert(value)))
                }
                entries += merged.filter { !keys.contains($0.key) }
                return .mapping(entries, positions.location(mapping.mark, file))
            case .alias(let alias):
                // Yams resolves aliases to the anchored node; this case is kept for completeness.
                throw PlanLoadError([Diagnostic(.error, "cannot resolve the YAML alias *\(alias.anchor)", at: positions.location(alias.mark, file))])
            }
        }
    }

    /// Where an alias (`*name`) stands as a mapping key (`*a: x`, `[*a]: x`, `? *a`), outside quotes and comments;
    /// one pass over the text.
    static func aliasInKeyPosition(_ text: String, file: String) -> SourceLocation? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        let scalars = Array(text.unicodeScalars)
        var line = 1
        var lineStart = 0
        var index = 0
        var previous: Unicode.Scalar = " "  // the last character outside quotes and comments that is not a space
        let separators = " \t\r\n,[]{}".unicodeScalars
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\n":
                line += 1
                lineStart = index + 1
            case "#" where index == lineStart || " \t".unicodeScalars.contains(scalars[index - 1]):
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            case "'", "\"":
                // A quoted scalar: skip to its closing quote (`''` and `\"` escape).
                guard previous == " " || "[{,:-?".unicodeScalars.contains(previous) || index == lineStart else { break }
                let quote = scalar
                index += 1
                while index < scalars.count {
                    let inner = scalars[index]
                    if inner == "\n" {
                        line += 1
                        lineStart = index + 1
                    }
                    if quote == "\"", inner == "\\" { index += 2; continue }
                    if inner == quote {
                        if quote == "'", index + 1 < scalars.count, scalars[index + 1] == "'" { index += 2; continue }
                        break
                    }
                    index += 1
                }
                previous = "x"
            case "|", ">" where previous == ":" || previous == "-":
                // A block scalar: its lines, indented deeper than the line that opens it, are text.
                var end = index + 1
                while end < scalars.count, "+-0123456789".unicodeScalars.contains(scalars[end]) { end += 1 }
                while end < scalars.count, scalars[end] == " " || scalars[end] == "\t" { end += 1 }
                guard end == scalars.count || scalars[end] == "\n" || scalars[end] == "#" else { break }
                let indent = scalars[lineStart...].prefix { $0 == " " }.count
                while end < scalars.count, scalars[end] != "\n" { end += 1 }
                while end < scalars.count {
                    let next = end + 1
                    let spaces = scalars[next...].prefix { $0 == " " }.count
                    let blank = next + spaces >= scalars.count || scalars[next + spaces] == "\n"
                    guard blank || spaces > indent else { break }
                    end = next
                    while end < scalars.count, scalars[end] != "\n" { end += 1 }
                    line += 1
                    lineStart = next
                }
                index = end
                previous = "x"
                continue
            case "*" where index == lineStart || separators.contains(scalars[index - 1]):
                let start = index
                let explicitKey = previous == "?"
                index += 1
                // libyaml's anchor names: letters, digits, '-' and '_'.
                while index < scalars.count, scalars[index].isASCII,
                    scalars[index].properties.isAlphabetic || ("0"..."9").contains(scalars[index]) || scalars[index] == "-" || scalars[index] == "_"
                {
                    index += 1
                }
                var next = index
                while next < scalars.count, " \t]}".unicodeScalars.contains(scalars[next]) { next += 1 }
                let colon = next < scalars.count && scalars[next] == ":"
                    && (next + 1 == scalars.count || " \t\r\n,]}".unicodeScalars.contains(scalars[next + 1]))
                if explicitKey || colon {
                    return SourceLocation(file: file, line: line, column: start - lineStart + 1)
                }
                previous = "x"
                continue
            default:
                break
            }
            if !" \t\r\n".unicodeScalars.contains(scalar) { previous = scalar }
            index += 1
        }
        return nil
    }

    /// The anchor (`&name`) of the node at `location`: the last one written on its line at or before it.
    static func anchorName(before location: SourceLocation, in text: String) -> String? {
        let lines = text.split(separator: "\n", maxSplits: location.line, omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return nil }
        let scalars = Array(lines[location.line - 1].unicodeScalars)
        let limit = min(max(location.column - 1, 0), scalars.count - 1)
        guard limit >= 0, let ampersand = scalars[...limit].lastIndex(of: "&") else { return nil }
        let name = scalars[(ampersand + 1)...].prefix { !" \t[]{},".unicodeScalars.contains($0) }.prefix(80)
        return name.isEmpty ? nil : String(String.UnicodeScalarView(name))
    }

    private static func describe(_ error: YamlError, file: String, text: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            let positions = Positions(text)
            if problem.contains("yaml_set_max_nest_level") {
                return Diagnostic(.error, "invalid YAML: lists and mappings nest deeper than 1000 levels", at: positions.location(mark, file))
            }
            if let context { message += " (\(context.text) at line \(positions.location(context.mark, file).line))" }
            return Diagnostic(.error, message, at: positions.location(mark, file))
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
            // Yams gives the first occurrence; point at the repeat, which is the one to remove or rename.
            let first = Positions(text).location(context.mark, file)
            let key = duplicates.first ?? ""
            let repeat_ = repeatedKey(key, after: first, in: text, file: file)
            return Diagnostic(.error, "duplicate key '\(key)' (first given at line \(first.line), column \(first.column))", at: repeat_ ?? first)
        default:
            return Diagnostic(.error, "cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Where `key` is given again after its first occurrence: the next `key:` at the same column (block mapping)
    /// or on the same line (flow mapping).
    private static func repeatedKey(_ key: String, after first: SourceLocation, in text: String, file: String) -> SourceLocation? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let pattern = Array(key.unicodeScalars)
        // The key plain or quoted (`"key":`, as JSON writes it).
        func keyAt(_ line: Int, _ column: Int) -> Bool {
            let characters = lines[line]
            guard column < characters.count else { return false }
            let quote: Unicode.Scalar? = characters[column] == "\"" || characters[column] == "'" ? characters[column] : nil
            let start = quote == nil ? column : column + 1
            guard start + pattern.count <= characters.count, Array(characters[start..<(start + pattern.count)]) == pattern else { return false }
            var next = start + pattern.count
            if let quote {
                guard next < characters.count, characters[next] == quote else { return false }
                next += 1
            }
            while next < characters.count && characters[next] == " " { next += 1 }
            let before = column == 0 ? " " : characters[column - 1]
            return next < characters.count && characters[next] == ":" && (before == " " || before == "{" || before == ",")
        }
        let firstLine = first.line - 1
        guard firstLine < lines.count else { return nil }
        for column in first.column..<max(lines[firstLine].count, first.column) where keyAt(firstLine, column) {
            return SourceLocation(file: file, line: first.line, column: column + 1)
        }
        for line in (firstLine + 1)..<lines.count where lines[line].count >= first.column && keyAt(line, first.column - 1) {
            let indent = lines[line].prefix { $0 == " " || $0 == "-" }.count
            if indent <= first.column - 1 { return SourceLocation(file: file, line: line + 1, column: first.column) }
        }
        return nil
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
                diagnostics.append(Diagnostic(.error, "a plan file must be a mapping of sections (\(PlanLoader.sections.joined(separator: ", "))), not \(tree.kindName)", at: tree.location))
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
