import ArgumentParser
import DialPlanKit
import Foundation

/// Standard output as a `TextOutputStream` (reports hand it large chunks).
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardOutput.write(Data(string.utf8))
    }
}

/// Terminal helpers: colour decisions and error printing.
enum Terminal {
    /// Colour only when standard output is a terminal and NO_COLOR is not set, unless `--color` says otherwise.
    static func style(_ choice: ColorChoice) -> TextStyle {
        switch choice {
        case .always: return TextStyle(colored: true)
        case .never: return .plain
        case .auto: return TextStyle(colored: isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        }
    }

    /// Prints a note to standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("dialplan: note: \(text)\n".utf8))
    }

    /// Prints load errors, one line each, to standard error.
    static func printErrors(_ diagnostics: [Diagnostic]) {
        let text = diagnostics.map(\.description).joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}
