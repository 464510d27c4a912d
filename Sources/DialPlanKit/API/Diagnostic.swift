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
        return line + message
    }
}

/// A plan that cannot be loaded: every error found, in file order.
public struct PlanLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
