import ArgumentParser
import DialPlanKit
import Foundation

/// `dialplan generate --sites N --vmrs M --seed S OUT_DIR`: a realistic large plan, for demos and load tests.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic large dial plan (deterministic for a seed), for demos and load tests.",
        discussion: """
            Four regional VCS clusters that hand calls to each other by domain and number range, a Pexip location \
            per data-centre city and a proxying edge location, a subzone and a named-source search rule per site, \
            Local Zone and department prefix rules, the usual transforms, personal VMRs with a URI and a number, \
            and hundreds of Call Routing Rules. Every call is local unless --faults plants typical mistakes:
            \(PlanGenerator.faultKinds.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n"))

            Examples:
              dialplan generate demo --sites 20 --vmrs 200 --faults 6 && dialplan check demo
              dialplan generate big --sites 200 --vmrs 50000      # 40 million calls
            """)

    @Argument(help: "The directory to write (created when missing; existing plan files are replaced).")
    var directory: String

    @Option(name: .long, parsing: .unconditional, help: "Sites (each with its own subzone and search rule).")
    var sites: Int = 200

    @Option(name: .long, parsing: .unconditional, help: "Personal VMRs (two aliases each).")
    var vmrs: Int = 50_000

    @Option(name: .long, parsing: .unconditional, help: "The seed: the same seed writes the same plan.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .unconditional, help: "Typical mistakes to plant (0 to \(PlanGenerator.faultKinds.count)).")
    var faults: Int = 0

    @Flag(name: .long, help: "Also write a network section (data centres, offices, firewalls, the edge DMZ).")
    var network = false

    @Flag(name: .long, help: "Give every site's search rule a pattern of its own, so that no two sites share a search (the simulation's worst case).")
    var distinctSiteRules = false

    func validate() throws {
        guard (1...100_000).contains(sites) else { throw ValidationError("--sites must be between 1 and 100000") }
        guard (1...1_000_000).contains(vmrs) else { throw ValidationError("--vmrs must be between 1 and 1000000") }
        guard (0...PlanGenerator.faultKinds.count).contains(faults) else { throw ValidationError("--faults must be between 0 and \(PlanGenerator.faultKinds.count)") }
    }

    func run() throws {
        let generator = PlanGenerator(PlanGenerator.Options(sites: sites, vmrs: vmrs, seed: seed, faults: faults, network: network, distinctSiteRules: distinctSiteRules))
        do {
            try generator.write(to: directory)
        } catch {
            throw UsageError(message: "cannot write the plan to \(directory): \(error.localizedDescription)")
        }
        var out = StandardOutput()
        let planted = generator.plantedFaults
        out.write("wrote \(directory): \(sites) sites, \(vmrs) VMRs, \(generator.callCount) calls\(planted.isEmpty ? "" : ", \(planted.count) planted fault\(planted.count == 1 ? "" : "s"):")\n")
        for fault in planted { out.write("  - \(fault)\n") }
        for fault in generator.skippedFaults { Terminal.note("not planted, no generated site would show it: \(fault)") }
    }
}
