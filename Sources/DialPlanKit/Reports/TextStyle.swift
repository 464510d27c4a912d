/// ANSI colours for text reports; plain when the output is not a terminal.
public struct TextStyle: Sendable {
    public var colored: Bool

    public init(colored: Bool) { self.colored = colored }

    public static let plain = TextStyle(colored: false)

    private func wrap(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    public func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: bold(red("error"))
        case .warning: bold(yellow("warning"))
        case .note: bold(cyan("note"))
        }
    }

    public func verdict(_ verdict: Verdict) -> String {
        switch verdict {
        case .local: green(verdict.rawValue)
        case .ambiguous, .rejected, .unrouted: yellow(verdict.rawValue)
        case .remote, .loop, .error, .meshBroken, .blocked: red(verdict.rawValue)
        }
    }

    /// A diagnostic in the compiler's format, with its notes indented below.
    public func diagnostic(_ diagnostic: Diagnostic) -> String {
        var line = ""
        if let location = diagnostic.location { line += bold("\(location):") + " " }
        line += severity(diagnostic.severity) + ": "
        if let check = diagnostic.check { line += "[\(check)] " }
        line += Diagnostic.displayed(diagnostic.message) + "\n"
        for note in diagnostic.notes { line += "    " + dim(Diagnostic.displayed(note)) + "\n" }
        return line
    }
}
