import DialPlanKit
import Foundation

// Benchmarks for `dialplan`: generate a synthetic global plan, then measure loading, the full simulation and the
// check report, with peak memory. Run:
//   swift run -c release dialplan-bench [regions] [sites-per-region] [vmrs] [--jobs N] [--network] [--write DIR]
// Defaults: 25 regions × 16 sites (400 sites), 10,000 VMRs (30,000 aliases) → 24 million calls.

var positional: [Int] = []
var jobs: Int?
var withNetwork = false
var writeTo: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--jobs", let value = arguments.next().flatMap(Int.init) {
        jobs = value
    } else if argument == "--write", let value = arguments.next() {
        writeTo = value
    } else if argument == "--network" {
        withNetwork = true
    } else if let number = Int(argument) {
        positional.append(number)
    }
}
let shape = SyntheticPlan(
    regions: positional.count > 0 ? positional[0] : 25,
    sitesPerRegion: positional.count > 1 ? positional[1] : 16,
    vmrs: positional.count > 2 ? positional[2] : 10_000,
    network: withNetwork)

func seconds(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
func peakMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

if let writeTo {
    // Only write the plan (to time the dialplan command itself on it).
    try shape.write(to: URL(fileURLWithPath: writeTo))
    print("wrote \(writeTo)")
    exit(0)
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: directory) }
try shape.write(to: directory)
print("plan: \(shape.regions) regions, \(shape.siteCount) sites, \(shape.vmrs) VMRs (\(shape.aliasCount) aliases)\(withNetwork ? ", with a network" : ""), workers: \(jobs.map(String.init) ?? "all \(ProcessInfo.processInfo.activeProcessorCount) cores")")

var start = DispatchTime.now()
let plan = try PlanLoader.load(path: directory.path)
print(String(format: "load:       %7.2f s", seconds(start)))

start = DispatchTime.now()
let simulation = Simulation(plan: plan, workers: jobs)
let simulateTime = seconds(start)
print(String(format: "simulate:   %7.2f s  %d calls (%.0f ns/call wall)", simulateTime, simulation.callCount, simulateTime * 1e9 / Double(max(simulation.callCount, 1))))

start = DispatchTime.now()
let report = CheckReport(simulation: simulation)
print(String(format: "report:     %7.2f s  %d local of %d", seconds(start), report.counts[.local] ?? 0, report.callCount))
print(String(format: "peak RSS:   %7.0f MB", peakMegabytes()))
if !report.passes() {
    print("unexpected: the synthetic plan should be all local")
    for group in report.groups.prefix(3) { print(group.diagnostic) }
    exit(1)
}
