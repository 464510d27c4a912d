import DialPlanKit
import Foundation

// The benchmark of `dialplan check` against the regex floor, on a plan from `dialplan generate`:
//   swift run -c release dialplan-bench [--sites N] [--vmrs M] [--seed S] [--faults K] [--network]
//                                       [--distinct-site-rules] [--jobs N] [--no-scaling]
//   swift run -c release dialplan-bench --rules N
// Defaults: 200 sites × 50,000 VMRs (100,000 aliases, both protocols: 40 million calls). It measures, in one run:
// - the floor: bare PCRE2-JIT matching of every distinct pattern of the plan against every alias, on all cores;
// - `dialplan check` end to end (the binary beside this one, as a child process: loading, simulation, report),
//   its wall time and peak RSS, at 1×, 2× and 4× a quarter of the sites;
// each the best of three runs (the machine may be shared);
// - load, simulate and report in this process, for where the time goes.
// With --rules N, the rule analysis instead: the plan checks (shadowed rules, pattern checks) on one cluster of N/4,
// N/2 and N regex search rules and Call Routing Rules, in this process, best of three, to show how they scale.

struct Arguments {
    var sites = 200
    var vmrs = 50_000
    var seed: UInt64 = 1
    var faults = 0
    var network = false
    var distinctSiteRules = false
    var jobs: Int?
    var scaling = true
    var rules: Int?

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--sites": sites = iterator.next().flatMap(Int.init) ?? sites
            case "--vmrs": vmrs = iterator.next().flatMap(Int.init) ?? vmrs
            case "--seed": seed = iterator.next().flatMap(UInt64.init) ?? seed
            case "--faults": faults = iterator.next().flatMap(Int.init) ?? faults
            case "--jobs": jobs = iterator.next().flatMap(Int.init)
            case "--network": network = true
            case "--distinct-site-rules": distinctSiteRules = true
            case "--no-scaling": scaling = false
            case "--rules":
                guard let count = iterator.next().flatMap(Int.init), count > 0 else {
                    FileHandle.standardError.write(Data("dialplan-bench: --rules takes a number of rules above 0\n".utf8))
                    exit(2)
                }
                rules = count
            default:
                FileHandle.standardError.write(Data("dialplan-bench: unknown argument '\(argument)'\n".utf8))
                exit(2)
            }
        }
    }
}

func seconds(since start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
        out.append(character)
    }
    return out
}

/// Runs `dialplan check PLAN` as a child process: wall seconds, CPU seconds (user + system), peak RSS in MB, exit
/// status.
func runCheck(_ plan: String, jobs: Int?) -> (seconds: Double, cpu: Double, megabytes: Double, status: Int32) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("dialplan").path
    var arguments = ["dialplan", "check", plan, "--color", "never"]
    if let jobs { arguments += ["--jobs", String(jobs)] }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let start = DispatchTime.now()
    guard posix_spawn(&pid, binary, &actions, nil, &argv, environ) == 0 else {
        FileHandle.standardError.write(Data("dialplan-bench: cannot run \(binary); build it first (swift build -c release)\n".utf8))
        exit(2)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = seconds(since: start)
    posix_spawn_file_actions_destroy(&actions)
    return (elapsed, cpuSeconds(usage), Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xff)
}

func cpuSeconds(_ usage: rusage) -> Double {
    Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// This process's CPU seconds so far.
func ownCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return cpuSeconds(usage)
}

/// A text stream that counts what it is given and keeps nothing.
struct Discard: TextOutputStream {
    var bytes = 0
    mutating func write(_ string: String) { bytes += string.utf8.count }
}

let arguments = Arguments()
let cores = ProcessInfo.processInfo.activeProcessorCount
let workers = arguments.jobs ?? cores

/// A plan of one cluster with `count` regex search rules (Stop, each a site's meeting rooms) and up to 200 Call
/// Routing Rules: distinct patterns, few shadows, as a large real dial plan has.
func rulePlan(_ count: Int) -> String {
    var lines = ["pexip:", "  system_locations: [{name: Oslo}]", "  worker_vms: [{name: osl1, address: 10.1.0.1, system_location: Oslo}]",
                 "  conferences: [{name: Alice, aliases: [meet.alice@vc.example]}]", "  gateway_routing_rules:"]
    for index in 0..<min(count, 200) { lines.append("    - {name: G\(index), priority: \(index + 1), match_string: '9\(index)(\\d{4,})@(pstn|gw)\\.site\(index)\\.example'}") }
    lines += ["call_control:", "  - name: vcs", "    addresses: [10.0.0.2]", "    subzones: [SZ]", "    zones: [{name: Pexip-Oslo, peers: [10.1.0.1]}]", "    search_rules:"]
    for index in 0..<count {
        lines.append("      - {name: R\(index), priority: \(index + 1), pattern_type: regex, pattern_string: '(room|desk)\(index)-(\\d+)@(\\w+\\.)?site\(index)\\.example', progress: stop, target: Pexip-Oslo}")
    }
    lines += ["sites: [{name: Site, registers_to: vcs, subzone: SZ, local_locations: [Oslo]}]"]
    return lines.joined(separator: "\n") + "\n"
}

if let count = arguments.rules {
    print("dialplan-bench --rules \(count): plan checks on one cluster (in process, best of 3)")
    print("\n  rules   checks    per rule")
    for rules in NSOrderedSet(array: [max(1, count / 4), max(1, count / 2), count]).compactMap({ $0 as? Int }) {
        let plan = try PlanLoader.load(files: [(path: "rules.yaml", text: rulePlan(rules))], name: "rules")
        let tables = RoutingTables(plan: plan)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now()
            _ = PlanChecks.run(tables)
            best = min(best, seconds(since: start))
        }
        print(String(format: "%7d %7.2f s %8.2f ms", rules + min(rules, 200), best, best * 1000 / Double(rules + min(rules, 200))))
    }
    exit(0)
}
let root = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-bench-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: root) }

func generate(sites: Int) throws -> (path: String, generator: PlanGenerator) {
    let generator = PlanGenerator(PlanGenerator.Options(sites: sites, vmrs: arguments.vmrs, seed: arguments.seed, faults: arguments.faults, network: arguments.network, distinctSiteRules: arguments.distinctSiteRules))
    let path = (root as NSString).appendingPathComponent("plan-\(sites)")
    try generator.write(to: path)
    return (path, generator)
}

let full = try generate(sites: arguments.sites)
print("dialplan-bench: dialplan generate --sites \(arguments.sites) --vmrs \(arguments.vmrs) --seed \(arguments.seed)\(arguments.faults > 0 ? " --faults \(arguments.faults)" : "")\(arguments.network ? " --network" : "")\(arguments.distinctSiteRules ? " --distinct-site-rules" : ""): \(grouped(full.generator.callCount)) calls; \(workers) worker\(workers == 1 ? "" : "s") on \(cores) core\(cores == 1 ? "" : "s")")

// Where the time goes, in this process.
var start = DispatchTime.now()
let plan = try PlanLoader.load(path: full.path)
let load = seconds(since: start)
start = DispatchTime.now()
let simulation = Simulation(plan: plan, workers: workers)
let simulate = seconds(since: start)
start = DispatchTime.now()
let report = CheckReport(simulation: simulation)
var sink = Discard()
CheckFormatter.text(report, style: .plain, to: &sink)
let reporting = seconds(since: start)
let aliases = simulation.aliases.map(\.alias)
print(String(format: "phases:    load %.2f s, simulate %.2f s, report %.2f s (in process; %@ calls: %@ local%@)",
             load, simulate, reporting, grouped(simulation.callCount), grouped(report.counts[.local] ?? 0),
             report.passes() ? ", PASS" : ", FAIL"))

// The machine may be shared: the floor and `dialplan check` on the full plan are measured in turns, three times,
// and the best of each is kept, so that a noisy moment inflates neither side. CPU time (user + system) is less
// disturbed by other tenants than wall time, and is shown beside it.
var floorRuns: [(seconds: Double, cpu: Double, matches: Int, patterns: Int)] = []
var fullRuns: [(seconds: Double, cpu: Double, megabytes: Double, status: Int32)] = []
for _ in 0..<3 {
    let before = ownCPU()
    let floor = RegexFloor.measure(simulation.tables, aliases: aliases, workers: workers)
    floorRuns.append((floor.seconds, ownCPU() - before, floor.matches, floor.patterns))
    fullRuns.append(runCheck(full.path, jobs: arguments.jobs))
}
let floor = floorRuns.min { $0.seconds < $1.seconds }!
let floorCPU = floorRuns.map(\.cpu).min()!
print(String(format: "floor:     %6.2f s (%.2f s CPU)   %d distinct patterns × %@ aliases = %@ PCRE2-JIT matches (%@ matched)",
             floor.seconds, floorCPU, floor.patterns, grouped(aliases.count), grouped(floor.patterns * aliases.count), grouped(floor.matches)))

// `dialplan check` end to end, at 1×, 2× and 4× a quarter of the sites.
print("\n  sites        calls   dialplan check (CPU)        peak RSS      calls/s   total ÷ floor (CPU ÷ floor CPU)")
var scales = arguments.scaling ? [max(1, arguments.sites / 4), max(1, arguments.sites / 2), arguments.sites] : [arguments.sites]
scales = Array(NSOrderedSet(array: scales)).compactMap { $0 as? Int }
for sites in scales {
    let runs = sites == arguments.sites ? fullRuns : try { () throws -> [(seconds: Double, cpu: Double, megabytes: Double, status: Int32)] in
        let run = try generate(sites: sites)
        return (0..<3).map { _ in runCheck(run.path, jobs: arguments.jobs) }
    }()
    let check = runs.min { $0.seconds < $1.seconds }!
    let cpu = runs.map(\.cpu).min()!
    let calls = PlanGenerator(PlanGenerator.Options(sites: sites, vmrs: arguments.vmrs, seed: arguments.seed, faults: arguments.faults, network: arguments.network, distinctSiteRules: arguments.distinctSiteRules)).callCount
    print(String(format: "%7d %12@   %7.2f s (%6.2f s)%@   %6.0f MB   %8.2f M/s   %9.1f× (%.1f×)",
                 sites, grouped(calls), check.seconds, cpu, check.status == 0 ? "  " : "!\(check.status)", check.megabytes,
                 Double(calls) / check.seconds / 1e6, check.seconds / floor.seconds, cpu / floorCPU))
}
print("\n(best of 3 runs each; total ÷ floor: `dialplan check`'s wall time over the floor's, the floor measured on the full plan's aliases.)")
