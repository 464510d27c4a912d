import ArgumentParser
import DialPlanKit
import Foundation

/// `dialplan import pexip|vcs|sfb FILE… --out DIR`: a vendor's exports as native plan YAML.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a vendor's exports as the plan's native YAML (one file per section), to read or edit a copy.",
        discussion: """
            A plan can read the exports directly (an `imports:` section names them); `import` writes the same data \
            as YAML, each object with a comment naming where in the export it came from.
              pexip   Pexip Infinity Management API JSON: files or directories of *.json (from `dialplan fetch pexip`, \
            curl or pexshell)
              vcs     Cisco VCS / Expressway `xConfiguration` output: one file per cluster
              sfb     Skype for Business / Lync PowerShell transcripts (static routes, trusted application pools)

            Examples:
              dialplan import pexip exports/pexip --out my-plan-yaml
              dialplan import vcs exports/exp-lon.txt --name vcs-emea --out my-plan-yaml --force
            """)

    @Argument(help: "The kind of export: pexip, vcs or sfb.")
    var kind: Kind

    @Argument(help: "Export files (Pexip and Skype: directories too).")
    var paths: [String]

    @Option(name: .long, help: "The directory to write (created when missing).")
    var out: String

    @Option(name: .long, help: "The cluster's name (vcs, one file): else the export's Alternates Cluster Name or SystemUnit Name.")
    var name: String?

    @Flag(name: .long, help: "Write into a directory that already holds files (replacing only this import's files).")
    var force = false

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case pexip, vcs, sfb

        var exportKind: ExportKind {
            switch self {
            case .pexip: .pexip
            case .vcs: .vcs
            case .sfb: .sfb
            }
        }
    }

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one export file") }
        if name != nil && kind != .vcs { throw ValidationError("--name is for vcs exports") }
    }

    func run() throws {
        let result = try ExportImport.convert(kind.exportKind, paths: paths, name: name)
        if !result.diagnostics.isEmpty { Terminal.printErrors(result.diagnostics) }
        do {
            try ExportImport.write(result, to: out, force: force)
        } catch {
            throw UsageError(message: error.message)
        }
        var output = StandardOutput()
        for file in result.files {
            output.write("wrote \((out as NSString).appendingPathComponent(file.name))\n")
        }
    }
}
