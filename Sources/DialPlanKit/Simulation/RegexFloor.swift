import Dispatch
import Synchronization

/// The floor the simulation is measured against: bare PCRE2-JIT matching of every distinct pattern of a plan
/// (transforms, search rules, Call Routing Rules; exact, prefix and suffix patterns as PCRE2 literals) once against
/// every alias, on every core. No simulation can do less regex work than this, so `total ÷ floor` says how close
/// to the regex engine the whole analysis runs, on any machine.
public enum RegexFloor {
    /// Seconds to match every distinct pattern of `tables` against every alias, and how many matched.
    public static func measure(_ tables: RoutingTables, aliases: [String], workers: Int) -> (seconds: Double, matches: Int, patterns: Int) {
        let patterns = tables.matchers.compactMap { $0.regex ?? $0.literalRegex }
        let subjects = aliases.map { Array($0.utf8) }
        let matched = Counter()
        let queue = WorkQueue()
        let chunk = 1024
        let chunks = (subjects.count + chunk - 1) / chunk
        let start = DispatchTime.now()
        Parallel.run(workers: max(1, min(workers, chunks))) { _ in
            let scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
            var count = 0
            while true {
                let index = queue.take()
                guard index < chunks else { break }
                for subject in subjects[(index * chunk)..<min((index + 1) * chunk, subjects.count)] {
                    subject.withUnsafeBufferPointer { bytes in
                        for pattern in patterns where pattern.match(bytes, scratch: scratch) == .matched { count += 1 }
                    }
                }
            }
            matched.add(count)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return (seconds, matched.value, patterns.count)
    }
}
