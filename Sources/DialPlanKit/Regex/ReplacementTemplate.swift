/// A replace string compiled against its pattern: literal text and references to capture groups.
///
/// Pexip and VCS replace strings reference groups as `\1`; we also accept `\g<1>` and `\g<name>` (model, DOMAIN.md
/// §1). PCRE2 10.42's `pcre2_substitute` knows only `$1`, so the expansion is done here from the ovector.
/// `\0` and `\g<0>` are the whole match; `\\` is a backslash; any other backslash is kept as written. A reference to
/// a group the pattern does not have is an error, reported with its column in the replace string.
public struct ReplacementTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal([UInt8])
        case group(Int)
    }

    /// The replace string as written.
    public let source: String
    let parts: [Part]

    /// Whether the template is empty (Pexip: an empty replace string leaves the alias unchanged).
    public var isEmpty: Bool { source.isEmpty }

    /// Compiles `source` for a pattern with `captureCount` groups and the given named groups.
    public init(_ source: String, captureCount: Int, groupNames: [String: Int] = [:]) throws(ReplacementError) {
        self.source = source
        var parts: [Part] = []
        var literal: [UInt8] = []
        let bytes = Array(source.utf8)
        var i = 0

        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)); literal.removeAll() }
        }
        func reference(_ number: Int, at start: Int) throws(ReplacementError) {
            guard number <= captureCount else {
                throw ReplacementError(
                    template: source,
                    message: "refers to group \(number) but the pattern has "
                        + (captureCount == 1 ? "1 group" : "\(captureCount) groups"),
                    column: PCRERegex.column(ofByteOffset: start, in: source))
            }
            flush()
            parts.append(.group(number))
        }

        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                literal.append(byte); i += 1; continue
            }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "\\") {
                literal.append(next); i += 2
            } else if let digit = ReplacementTemplate.digit(next) {
                // Two digits when that group exists (\12 with 12 groups), else one (\12 with 3 groups = \1 then "2").
                if i + 2 < bytes.count, let second = ReplacementTemplate.digit(bytes[i + 2]),
                    digit * 10 + second <= captureCount, digit != 0
                {
                    try reference(digit * 10 + second, at: i); i += 3
                } else {
                    try reference(digit, at: i); i += 2
                }
            } else if next == UInt8(ascii: "g"), i + 2 < bytes.count, bytes[i + 2] == UInt8(ascii: "<") {
                guard let close = bytes[(i + 3)...].firstIndex(of: UInt8(ascii: ">")) else {
                    throw ReplacementError(
                        template: source, message: "\\g< has no closing >",
                        column: PCRERegex.column(ofByteOffset: i, in: source))
                }
                let name = String(decoding: bytes[(i + 3)..<close], as: UTF8.self)
                if !name.isEmpty, name.utf8.allSatisfy({ ReplacementTemplate.digit($0) != nil }), let number = Int(name) {
                    try reference(number, at: i)
                } else if let number = groupNames[name] {
                    try reference(number, at: i)
                } else if name.hasPrefix("-") || name.hasPrefix("+") {
                    throw ReplacementError(
                        template: source, message: "relative group references such as \\g<\(name)> are not supported; use the group's number",
                        column: PCRERegex.column(ofByteOffset: i, in: source))
                } else {
                    throw ReplacementError(
                        template: source, message: "refers to group '\(name)', which the pattern does not name",
                        column: PCRERegex.column(ofByteOffset: i, in: source))
                }
                i = close + 1
            } else {
                literal.append(byte); i += 1
            }
        }
        flush()
        self.parts = parts
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

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

/// A replace string that cannot be used with its pattern, with the 1-based column inside the replace string.
public struct ReplacementError: Error, Equatable, Sendable {
    public let template: String
    public let message: String
    public let column: Int
}
