/// A replace string compiled against its pattern: literal text and references to capture groups.
///
/// Two syntaxes, because the two systems that rewrite aliases are built differently:
/// - `.vcs` (VCS/Expressway transforms and search rules): `\1`…`\99` (two digits when that group exists, else one
///   digit followed by a literal digit), `\0` and `\g<0>` for the whole match, `\g<n>` and `\g<name>` (model,
///   DOMAIN.md §1), `\\` for a backslash; any other backslash is kept as written.
/// - `.python` (Pexip Call Routing Rules): exactly as Python's `re` expands a template, since Pexip Infinity applies
///   `re.fullmatch(match_string, alias, re.IGNORECASE).expand(replace_string)`: `\10` is group 10 (an error when
///   the pattern has fewer groups, never `\1` and a `0`), `\0` and three-digit `\NNN` are octal character escapes,
///   `\g<0>` is the whole match, `\a \b \f \n \r \t \v \\` are their characters, a backslash before any other ASCII
///   letter is an error, and a backslash before anything else is kept. [Python `re` docs, `Match.expand` and
///   `re.sub` "repl"; sre_parse.parse_template]
///
/// PCRE2 10.42's `pcre2_substitute` knows only `$1`, so the expansion is done here from the ovector. A group that
/// did not take part in the match expands to nothing (both systems). Errors carry the column in the replace string.
public struct ReplacementTemplate: Sendable, Equatable {
    /// Which system's rules the replace string follows.
    public enum Syntax: String, Sendable, Hashable, CaseIterable {
        case vcs
        case python
    }

    enum Part: Sendable, Equatable {
        case literal([UInt8])
        case group(Int)
    }

    /// The replace string as written.
    public let source: String
    public let syntax: Syntax
    let parts: [Part]

    /// Whether the template is empty (Pexip: an empty replace string leaves the alias unchanged).
    public var isEmpty: Bool { source.isEmpty }

    /// Compiles `source` for a pattern with `captureCount` groups and the given named groups.
    public init(_ source: String, captureCount: Int, groupNames: [String: Int] = [:], syntax: Syntax = .vcs) throws(ReplacementError) {
        self.source = source
        self.syntax = syntax
        var parser = TemplateParser(source: source, captureCount: captureCount, groupNames: groupNames)
        switch syntax {
        case .vcs: try parser.parseVCS()
        case .python: try parser.parsePython()
        }
        parts = parser.finish()
    }

    /// Appends the expansion for the last match held in `scratch` against `subject` to `output`.
    @inline(__always)
    public func expand(subject: UnsafeBufferPointer<UInt8>, scratch: RegexScratch, into output: inout [UInt8]) {
        for part in parts {
            switch part {
            case .literal(let bytes):
                output.append(contentsOf: bytes)
            case .group(let number):
                if let range = scratch.range(ofGroup: number) {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: subject[range]))
                }
            }
        }
    }
}

/// A replace string that cannot be used with its pattern, with the 1-based column inside the replace string.
public struct ReplacementError: Error, Equatable, Sendable {
    public let template: String
    public let message: String
    public let column: Int
}

/// The two template grammars, over the replace string's UTF-8 bytes.
private struct TemplateParser {
    let source: String
    let bytes: [UInt8]
    let captureCount: Int
    let groupNames: [String: Int]
    var parts: [ReplacementTemplate.Part] = []
    var literal: [UInt8] = []
    var i = 0

    init(source: String, captureCount: Int, groupNames: [String: Int]) {
        self.source = source
        bytes = Array(source.utf8)
        self.captureCount = captureCount
        self.groupNames = groupNames
    }

    mutating func finish() -> [ReplacementTemplate.Part] {
        flush()
        return parts
    }

    private mutating func flush() {
        if !literal.isEmpty {
            parts.append(.literal(literal))
            literal.removeAll()
        }
    }

    private func error(_ message: String, at offset: Int) -> ReplacementError {
        ReplacementError(template: source, message: message, column: PCRERegex.column(ofByteOffset: offset, in: source))
    }

    private func missingGroup(_ number: Int, at offset: Int, _ why: String = "") -> ReplacementError {
        error("refers to group \(number) but the pattern has " + (captureCount == 1 ? "1 group" : "\(captureCount) groups") + why, at: offset)
    }

    private mutating func group(_ number: Int, at offset: Int, _ why: String = "") throws(ReplacementError) {
        guard number <= captureCount else { throw missingGroup(number, at: offset, why) }
        flush()
        parts.append(.group(number))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func octal(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    /// `\g<…>` starting at the backslash `start`: the group it names, and the index after the `>`.
    private func namedGroup(at start: Int, python: Bool) throws(ReplacementError) -> (number: Int, end: Int) {
        guard byte(at: start + 2) == UInt8(ascii: "<") else {
            throw error(python ? "has \\g without <name> (Python: missing <)" : "has \\g without <name>", at: start)
        }
        guard let close = bytes[(start + 3)...].firstIndex(of: UInt8(ascii: ">")) else {
            throw error("\\g< has no closing >", at: start)
        }
        let name = String(decoding: bytes[(start + 3)..<close], as: UTF8.self)
        if !name.isEmpty, name.utf8.allSatisfy({ TemplateParser.digit($0) != nil }), let number = Int(name) {
            return (number, close + 1)
        }
        if let number = groupNames[name] { return (number, close + 1) }
        if name.hasPrefix("-") || name.hasPrefix("+") {
            throw error("relative group references such as \\g<\(name)> are not supported; use the group's number", at: start)
        }
        if python && !TemplateParser.isIdentifier(name) {
            throw error("has a bad group name '\(name)' in \\g<\(name)> (Python: a number or an identifier)", at: start)
        }
        throw error("refers to group '\(name)', which the pattern does not name", at: start)
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isXIDStart else { return false }
        return name.unicodeScalars.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
    }

    // MARK: VCS

    mutating func parseVCS() throws(ReplacementError) {
        while i < bytes.count {
            let current = bytes[i]
            guard current == UInt8(ascii: "\\"), let next = byte(at: i + 1) else {
                literal.append(current)
                i += 1
                continue
            }
            if next == UInt8(ascii: "\\") {
                literal.append(next)
                i += 2
            } else if let first = TemplateParser.digit(next) {
                // Two digits when that group exists (\12 with 12 groups), else one (\12 with 3 groups = \1 then "2").
                if let second = byte(at: i + 2).flatMap(TemplateParser.digit), first != 0, first * 10 + second <= captureCount {
                    try group(first * 10 + second, at: i)
                    i += 3
                } else {
                    try group(first, at: i)
                    i += 2
                }
            } else if next == UInt8(ascii: "g"), byte(at: i + 2) == UInt8(ascii: "<") {
                let (number, end) = try namedGroup(at: i, python: false)
                try group(number, at: i)
                i = end
            } else {
                literal.append(current)
                i += 1
            }
        }
    }

    // MARK: Python

    /// Python's `sre_parse.parse_template`, byte for byte.
    mutating func parsePython() throws(ReplacementError) {
        while i < bytes.count {
            let current = bytes[i]
            guard current == UInt8(ascii: "\\") else {
                literal.append(current)
                i += 1
                continue
            }
            guard let next = byte(at: i + 1) else {
                throw error("ends with a lone backslash (Python: bad escape at end of template)", at: i)
            }
            if next == UInt8(ascii: "g") {
                let (number, end) = try namedGroup(at: i, python: true)
                try group(number, at: i)
                i = end
            } else if next == UInt8(ascii: "0") {
                // \0, \0N, \0NN: an octal character escape.
                var value = 0
                var end = i + 2
                while end < i + 4, let digit = byte(at: end).flatMap(TemplateParser.octal) {
                    value = value * 8 + digit
                    end += 1
                }
                appendScalar(value)
                i = end
            } else if let first = TemplateParser.digit(next) {
                if let second = byte(at: i + 2).flatMap(TemplateParser.digit) {
                    // Three octal digits are a character; otherwise two digits are a group number.
                    if TemplateParser.octal(next) != nil, TemplateParser.octal(bytes[i + 2]) != nil,
                        let third = byte(at: i + 3).flatMap(TemplateParser.octal)
                    {
                        let value = first * 64 + second * 8 + third
                        guard value <= 0o377 else {
                            throw error("has the octal escape \\\(first)\(second)\(third), outside the range 0-0o377", at: i)
                        }
                        appendScalar(value)
                        i += 4
                    } else {
                        try group(first * 10 + second, at: i, " (Python's re reads \\\(first)\(second) as group \(first * 10 + second), not \\\(first) then \(second))")
                        i += 3
                    }
                } else {
                    try group(first, at: i)
                    i += 2
                }
            } else if let escaped = TemplateParser.pythonEscape(next) {
                literal.append(escaped)
                i += 2
            } else if (next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z")) || (next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z")) {
                throw error("has the bad escape \\\(Character(Unicode.Scalar(next))) (Python allows \\a \\b \\f \\n \\r \\t \\v \\\\ and group references)", at: i)
            } else {
                // Any other escape stays as written, backslash included.
                literal.append(current)
                i += 1
            }
        }
    }

    private mutating func appendScalar(_ value: Int) {
        literal.append(contentsOf: String(Character(Unicode.Scalar(UInt8(value)))).utf8)
    }

    private static func pythonEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "a"): 0x07
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "v"): 0x0B
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        default: nil
        }
    }
}
