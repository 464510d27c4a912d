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
        subcommands: [Check.self, Trace.self, Matrix.self, Mesh.self, TestCommand.self, Diff.self, RegexCommand.self, Generate.self, Import.self, Fetch.self],
        defaultSubcommand: Check.self)

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as PlanLoadError {
            Terminal.printErrors(error.diagnostics)
            Foundation.exit(ExitStatus.badInput)
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("dialplan: error: \(error.message)\n".utf8))
            Foundation.exit(ExitStatus.badInput)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message.isEmpty ? "\(error)" : message).utf8 + [10]))
            // Usage errors exit 2, not ArgumentParser's 64: our contract is 0 / 1 / 2.
            Foundation.exit(ExitStatus.badInput)
        }
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
