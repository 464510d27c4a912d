import ArgumentParser
import DialPlanKit

/// `dialplan regex PATTERN ALIAS`: one pattern against one alias, like VCS "Check pattern".
struct RegexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex",
        abstract: "Check one pattern against one alias, as VCS 'Check pattern' does: matched or not, groups, result.",
        discussion: """
            Regexes are case-insensitive and must match the whole alias; replace strings take \\1, \\g<1> and \
            \\g<name>. With --syntax pexip the replace string expands as a Pexip Call Routing Rule's does (Python's \
            re: \\10 is group 10, \\0 an octal escape). Exit 0 when the pattern matches, 1 when it does not, 2 \
            when it does not compile.

            Examples:
              dialplan regex 'meet\\.(.+)@vc\\.acme\\.example' meet.bob@vc.acme.example --replace '\\1'
              dialplan regex --type prefix --behavior strip 9 90012345
            """)

    @Argument(help: "The pattern string.")
    var pattern: String

    @Argument(help: "The alias to test.")
    var alias: String

    @Option(name: .long, help: "The replace string (implies --behavior replace for a regex).")
    var replace: String?

    @Option(name: .long, help: "Pattern type: exact, prefix, suffix or regex.")
    var type: PatternType = .regex

    @Option(name: .long, help: "Pattern behavior: leave, strip, replace, addprefix or addsuffix.")
    var behavior: PatternBehavior?

    @Option(name: .long, help: "Replace-string syntax: vcs (transforms and search rules) or pexip (Call Routing Rules, as Python's re).")
    var syntax: ReplaceSyntax = .vcs

    @Option(name: .long, help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @Option(name: .long, help: "Colour: auto, always or never.")
    var color: ColorChoice = .auto

    func run() throws {
        let behavior = self.behavior ?? (replace == nil ? .leave : .replace)
        let check: PatternCheck
        do {
            check = try PatternCheck(pattern: pattern, alias: alias, type: type, behavior: behavior, replace: replace ?? "", syntax: syntax == .pexip ? .python : .vcs)
        } catch {
            switch error {
            case .pattern(let error):
                throw UsageError(message: "the pattern does not compile at column \(error.column): \(error.message)\n  \(pattern)\n  \(String(repeating: " ", count: max(error.column - 1, 0)))^")
            case .replacement(let error):
                throw UsageError(message: "the replace string \(error.message) (column \(error.column))\n  \(error.template)\n  \(String(repeating: " ", count: max(error.column - 1, 0)))^")
            }
        }
        var out = StandardOutput()
        switch format {
        case .text: out.write(check.text(style: Terminal.style(color)))
        case .json: out.write(check.json())
        }
        if check.limit != nil || !check.matched { throw ExitCode(ExitStatus.findings) }
    }
}

extension PatternType: ExpressibleByArgument {}

enum ReplaceSyntax: String, ExpressibleByArgument, CaseIterable {
    case vcs, pexip
}
extension PatternBehavior: ExpressibleByArgument {}
