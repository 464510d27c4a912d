import Foundation

/// Collects the diagnostics of one load, so that every error in a plan is reported at once.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []
    /// Elements dropped because of an error at them, by kind and name: a later reference to one is a consequence
    /// of that error, not a mistake of its own, and is not reported again (the root cause stands alone).
    private var dropped: Set<String> = []

    func drop(_ kind: String, _ name: String) {
        dropped.insert(kind + "\u{1F}" + name)
    }

    func wasDropped(_ kind: String, _ name: String) -> Bool {
        dropped.contains(kind + "\u{1F}" + name)
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.error, message, at: location))
    }

    func warning(_ message: String, at location: SourceLocation, check: CheckID? = nil) {
        diagnostics.append(Diagnostic(.warning, message, at: location, check: check))
    }

    func note(_ message: String, at location: SourceLocation, check: CheckID? = nil) {
        diagnostics.append(Diagnostic(.note, message, at: location, check: check))
    }

    func append(_ more: [Diagnostic]) {
        diagnostics += more
    }
}

/// Reads the fields of one YAML mapping with typed accessors. Every problem (a missing key, a wrong type, a
/// misspelt enum value, an unknown key) becomes a diagnostic at the exact position, with a did-you-mean.
public struct FieldReader {
    let entries: [YAMLTree.Entry]
    let location: SourceLocation
    /// What the mapping is, for messages: "search rule 'Pexip Oslo'".
    var what: String
    let sink: DiagnosticSink
    private var known: [String] = []

    /// A reader for `tree`, or nil (with an error) when it is not a mapping.
    init?(_ tree: YAMLTree, what: String, sink: DiagnosticSink) {
        guard case .mapping(let entries, let location) = tree else {
            sink.error("\(what) must be a mapping, not \(tree.kindName)", at: tree.location)
            return nil
        }
        self.entries = entries
        self.location = location
        self.what = what
        self.sink = sink
    }

    func entry(_ key: String) -> YAMLTree.Entry? {
        entries.first { $0.key == key }
    }

    /// How messages name `key`: as the export it was imported from spells it (`Zones Zone 3 HopCount`,
    /// `objects[2].priority`), else as the plan's YAML does.
    func spelled(_ key: String) -> String {
        entry(key)?.label ?? key
    }

    /// The value node under `key`, when present and not null.
    mutating func node(_ key: String) -> YAMLTree? {
        known.append(key)
        guard let entry = entry(key), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// Where `key`'s value is, or the mapping when the key is absent.
    func location(of key: String) -> SourceLocation {
        entry(key)?.value.location ?? location
    }

    mutating func string(_ key: String) -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let text, _, _) = value else {
            sink.error("\(what): '\(spelled(key))' must be a single value, not \(value.kindName)", at: value.location)
            return nil
        }
        return text
    }

    mutating func requiredString(_ key: String) -> String? {
        guard let text = string(key) else {
            if entry(key) == nil || entry(key)!.value.isNull {
                sink.error("\(what) has no '\(spelled(key))'", at: entry(key)?.keyLocation ?? location)
            }
            return nil
        }
        guard !text.isBlank else {
            sink.error("\(what): '\(spelled(key))' is empty", at: location(of: key))
            return nil
        }
        return text
    }

    mutating func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let text = string(key) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            sink.error("\(what): '\(spelled(key))' must be true or false, not '\(text)'", at: location(of: key))
            return defaultValue
        }
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int?) -> Int? {
        guard let text = string(key) else { return defaultValue }
        guard let value = Int(text.trimmingSpaces) else {
            sink.error("\(what): '\(spelled(key))' must be a whole number, not '\(text)'", at: location(of: key))
            return defaultValue
        }
        guard range.contains(value) else {
            sink.error("\(what): '\(spelled(key))' must be between \(range.lowerBound) and \(range.upperBound), not \(value)", at: location(of: key))
            return defaultValue
        }
        return value
    }

    /// An enum value, compared without case, `_` or `-` so that the VCS spellings (`AliasPatternMatch`) and ours
    /// (`alias_pattern_match`) both work.
    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type, default defaultValue: E?)
        -> E? where E.RawValue == String
    {
        guard let text = string(key) else { return defaultValue }
        if let value = FieldReader.parseEnum(text, as: type) { return value }
        let names = E.allCases.map(\.rawValue)
        sink.error("\(what): '\(spelled(key))' must be one of \(names.joined(separator: ", ")), not '\(text)'\(FieldReader.didYouMean(text, in: names))", at: location(of: key))
        return defaultValue
    }

    static func parseEnum<E: RawRepresentable & CaseIterable>(_ text: String, as type: E.Type) -> E? where E.RawValue == String {
        let wanted = normalize(text)
        return E.allCases.first { normalize($0.rawValue) == wanted }
    }

    static func normalize(_ text: String) -> String {
        String(text.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
    }

    /// A list of values under `key`; a single scalar counts as a list of one.
    mutating func list(_ key: String) -> [YAMLTree] {
        guard let value = node(key) else { return [] }
        switch value {
        case .sequence(let items, _): return items
        case .scalar: return [value]
        case .mapping:
            sink.error("\(what): '\(spelled(key))' must be a list, not a mapping", at: value.location)
            return []
        }
    }

    /// A list of strings under `key`.
    mutating func strings(_ key: String) -> [(String, SourceLocation)] {
        list(key).compactMap { item in
            guard case .scalar(let text, let isNull, let location) = item, !isNull else {
                sink.error("\(what): every item of '\(spelled(key))' must be a single value, not \(item.kindName)", at: item.location)
                return nil
            }
            return (text, location)
        }
    }

    /// Reports keys this reader was never asked for, with a did-you-mean. Call after reading every field.
    func reportUnknownKeys(alsoKnown: [String] = []) {
        let all = known + alsoKnown
        for entry in entries where !all.contains(entry.key) {
            sink.error("\(what): unknown key '\(entry.key)'\(FieldReader.didYouMean(entry.key, in: all))", at: entry.keyLocation)
        }
    }

    /// "; did you mean 'x'?" when a candidate is close to `text`, else "".
    public static func didYouMean(_ text: String, in candidates: [String]) -> String {
        guard let best = closest(text, in: candidates) else { return "" }
        return "; did you mean '\(best)'?"
    }

    static func closest(_ text: String, in candidates: [String]) -> String? {
        let wanted = normalize(text)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(wanted, normalize(candidate))
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = max(2, wanted.count / 3)
        return best.1 <= limit ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
