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

/// `--output FILE`: where a command's report goes instead of standard output.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Write the report to this file (whole, or not at all) instead of standard output.")
    var output: String?

    /// The destination, checked before any work: never over one of `inputs` (plan paths: their files count) and
    /// never inside a plan directory.
    func destination(plans: [String?], inputs more: [String] = []) throws -> ReportDestination {
        guard let output else { return ReportDestination(file: nil) }
        let given = plans.compactMap { $0 }
        let file = try OutputFile.checked(
            output, option: "--output", inputs: given.flatMap(OutputFile.planFiles) + more,
            protectedDirectories: given.flatMap(PlanPaths.protectedDirectories(ofPlan:)))
        return ReportDestination(file: file)
    }
}

/// A report as it is written: straight to standard output, or gathered and written to `--output`'s file at the end.
struct ReportDestination: TextOutputStream {
    let file: OutputFile?
    private var buffer = ""

    init(file: OutputFile?) {
        self.file = file
    }

    mutating func write(_ string: String) {
        if file == nil { FileHandle.standardOutput.write(Data(string.utf8)) } else { buffer += string }
    }

    /// Colours only on a terminal, never in a file.
    func style(_ choice: ColorChoice) -> TextStyle {
        file == nil ? Terminal.style(choice) : .plain
    }

    /// Writes the file, if any; a file that cannot be written is a usage error.
    func finish() throws {
        try file?.writeOrFail(buffer)
    }
}
