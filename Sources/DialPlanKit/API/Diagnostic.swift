/// A position in one of the plan's files (1-based line and column).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, Codable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A message about the plan: a load error, a lint, or a group of misrouted calls. Printed in the compiler's format,
/// `file:line:col: error: [check] message`, so editors and CI logs link it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation?
    /// The check that produced it; printed as its kebab-case name (e.g. `remote`, `gateway-rule-overlaps-alias`).
    public var check: CheckID?
    public var message: String
    /// Further lines, printed indented under the message.
    public var notes: [String]
    /// An alias that shows the finding (the alias a shadowed rule matches and an earlier rule takes, the alias an
    /// unescaped dot lets through), also in the message; for JSON and SARIF readers.
    public var witness: String?

    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation? = nil, check: CheckID? = nil,
        witness: String? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.location = location
        self.check = check
        self.message = message
        self.witness = witness
        self.notes = notes
    }

    /// The one-line form: `file:line:col: severity: [check] message`.
    public var description: String {
        var line = ""
        if let location { line += "\(location): " }
        line += "\(severity.rawValue): "
        if let check { line += "[\(check)] " }
        return line + Diagnostic.displayed(message)
    }

    /// Names quoted in a message longer than this are shortened when printed.
    static let longestShownName = 80

    /// `text` as a terminal shows it safely: control characters and line or paragraph separators escaped
    /// (`\u{2028}`), so that one diagnostic stays one line; a quoted name longer than `longestShownName` cut short
    /// with `…`, so that a hostile name cannot bury the rest of the message. JSON and SARIF carry the text as is.
    public static func displayed(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let opensQuote = scalar == "'" && (index == 0 || " ([:".unicodeScalars.contains(scalars[index - 1]))
            if opensQuote, let close = scalars[(index + 1)...].firstIndex(of: "'"), close - index - 1 > longestShownName {
                result.append("'")
                for inner in scalars[(index + 1)..<(index + 1 + longestShownName - 1)] { append(inner, to: &result) }
                result.append("…")
                result.append("'")
                index = close + 1
                continue
            }
            append(scalar, to: &result)
            index += 1
        }
        return String(result)
    }

    private static func append(_ scalar: Unicode.Scalar, to result: inout String.UnicodeScalarView) {
        switch scalar.value {
        case 0x09: result.append(scalar)
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029:
            result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
        default: result.append(scalar)
        }
    }
}

/// A plan that cannot be loaded: every error found, in file order.
public struct PlanLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
