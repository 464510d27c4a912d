import ArgumentParser
import DialPlanKit
import Foundation

/// The `dialplan` command: parses arguments, calls DialPlanKit, maps results to exit codes
/// (0 clean, 1 findings, 2 usage error or a plan that cannot be loaded).
@main
struct Dialplan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialplan",
        abstract: "Simulate every call of a Pexip Infinity dial plan and prove where it lands.",
        discussion: """
            A plan is a directory of YAML files (or one file) describing Pexip locations, nodes and services, the \
            VCS/Expressway call control in front of them, and the sites where endpoints are. Without a PLAN, the \
            bundled sample (DialPlans/acme) is used.

            Exit codes: 0 every call lands locally and no errors; 1 findings; 2 usage error or a plan that cannot \
            be loaded.
            """,
        subcommands: [Check.self, Trace.self, Matrix.self, Mesh.self, TestCommand.self, Diff.self, Report.self, RegexCommand.self, Generate.self, Import.self, Fetch.self],
        defaultSubcommand: Check.self)

    static func main() {
        var commandType: ParsableCommand.Type = Dialplan.self
        do {
            var command = try parseAsRoot()
            commandType = type(of: command)
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as PlanLoadError {
            Terminal.printErrors(error.diagnostics)
            Foundation.exit(ExitStatus.badInput)
        } catch let error as UsageError {
            usageError(error.message, usage: usageString(for: commandType), command: commandType)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            // ArgumentParser's "Error: …", its "Help:" lines and its usage, in our one style (exit 2, not 64).
            var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let first = lines.isEmpty ? "\(error)" : lines.removeFirst()
            let text = first.hasPrefix("Error: ") ? String(first.dropFirst("Error: ".count)) : first
            let usage = lines.drop { !$0.hasPrefix("Usage: ") }.first { $0.hasPrefix("Usage: ") }.map { String($0.dropFirst("Usage: ".count)) }
            usageError(text.isEmpty ? "\(error)" : text, usage: usage, command: nil)
        }
    }

    /// One usage error: `dialplan: error: message`, the usage line, where to read more; exit 2.
    static func usageError(_ message: String, usage: String?, command: ParsableCommand.Type?) -> Never {
        var text = "dialplan: error: \(message)\n"
        if let usage, !usage.isEmpty {
            text += "usage: \(usage.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            let name = usage.split(separator: " ").prefix { !$0.hasPrefix("<") && !$0.hasPrefix("[") && !$0.hasPrefix("-") }.joined(separator: " ")
            if !name.isEmpty { text += "see '\(name) --help'\n" }
        }
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(ExitStatus.badInput)
    }
}

/// Exit codes.
enum ExitStatus {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let badInput: Int32 = 2
}

/// A mistake in the command line that ArgumentParser cannot see (an unknown site, say).
struct UsageError: Error {
    var message: String
}
