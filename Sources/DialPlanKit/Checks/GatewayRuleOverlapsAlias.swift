import Dispatch
import Foundation

/// A Call Routing Rule whose pattern matches a service alias never applies to it, because Pexip matches service
/// aliases first: usually a pattern wider than meant, or an alias that should not exist.
/// [PX-dial_plan] [PX-configuring_gateway_rules]
///
/// Linear in rules plus aliases and parallel: every alias is parsed once, every distinct pattern matched once per
/// alias, on every core.
enum GatewayRuleOverlapsAlias: PlanCheck {
    static let id = CheckID.gatewayRuleOverlapsAlias
    /// Aliases named per finding.
    static let shown = 5

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        let tables = context.tables
        // Rules that match the same subject with the same pattern share one match per alias.
        struct Probe: Hashable {
            var matcher: Int32
            var full: Bool
        }
        var probes: [Probe] = []
        var probeOfRule: [Int: Int] = [:]
        for (index, rule) in plan.gatewayRules.enumerated() where rule.enable && rule.matchIncomingCalls {
            let probe = Probe(matcher: tables.gatewayMatcher[index], full: rule.matchStringFull)
            if let known = probes.firstIndex(of: probe) { probeOfRule[index] = known } else {
                probeOfRule[index] = probes.count
                probes.append(probe)
            }
        }
        guard !probes.isEmpty else { return [] }
        let matchers = probes.map { tables.matchers[Int($0.matcher)] }
        let full = probes.map(\.full)
        let aliases = plan.services.enumerated().flatMap { service in service.element.aliases.map { (service: service.offset, alias: $0.alias) } }
        // Per chunk of aliases, per probe: how many matched and the first few (in alias order).
        let chunkSize = 2048
        let chunks = (aliases.count + chunkSize - 1) / chunkSize
        let results = ChunkResults(count: chunks)
        let queue = WorkQueue()
        Parallel.run(workers: min(ProcessInfo.processInfo.activeProcessorCount, chunks)) { _ in
            let scratch = RegexScratch(maxCaptures: max(tables.maxCaptures, 1))
            var output: [UInt8] = []
            while true {
                let chunk = queue.take()
                guard chunk < chunks else { break }
                var counts = [Int](repeating: 0, count: matchers.count)
                var firsts = [[Int]](repeating: [], count: matchers.count)
                for index in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, aliases.count) {
                    var text = aliases[index].alias
                    text.withUTF8 { whole in
                        let range = PexipAlias.parsedRange(whole)
                        // A stored alias with a scheme or parameters is never matched (`alias-never-matches`), so no
                        // rule is kept from it either.
                        guard range.count == whole.count else { return }
                        let parsed = UnsafeBufferPointer(rebasing: whole[range])
                        for number in matchers.indices {
                            switch matchers[number].evaluate(full[number] ? whole : parsed, scratch: scratch, into: &output) {
                            case .unchanged, .rewritten:
                                counts[number] += 1
                                if firsts[number].count < shown { firsts[number].append(index) }
                            case .noMatch, .limitExceeded:
                                break
                            }
                        }
                    }
                }
                results.set(chunk, counts: counts, firsts: firsts)
            }
        }
        var counts = [Int](repeating: 0, count: probes.count)
        var firsts = [[Int]](repeating: [], count: probes.count)
        for chunk in 0..<chunks {
            let (chunkCounts, chunkFirsts) = results.get(chunk)
            for probe in probes.indices {
                counts[probe] += chunkCounts[probe]
                firsts[probe] += chunkFirsts[probe].prefix(shown - firsts[probe].count)
            }
        }
        return probeOfRule.keys.sorted().compactMap { index in
            let probe = probeOfRule[index]!
            guard counts[probe] > 0 else { return nil }
            let rule = plan.gatewayRules[index]
            let listed = firsts[probe].map { "'\(aliases[$0].alias)' (\(plan.services[aliases[$0].service].name))" }
            return Diagnostic(.warning, .overlapsAliases(rule: rule, count: counts[probe], listed: listed), at: rule.matchStringSource, check: id)
        }
    }
}

/// The chunks' results, written by the workers (each to its own slot).
private final class ChunkResults: @unchecked Sendable {
    private var counts: [[Int]]
    private var firsts: [[[Int]]]
    private let lock = NSLock()

    init(count: Int) {
        counts = Array(repeating: [], count: count)
        firsts = Array(repeating: [], count: count)
    }

    func set(_ chunk: Int, counts: [Int], firsts: [[Int]]) {
        lock.withLock {
            self.counts[chunk] = counts
            self.firsts[chunk] = firsts
        }
    }

    func get(_ chunk: Int) -> ([Int], [[Int]]) { (counts[chunk], firsts[chunk]) }
}

extension String {
    fileprivate static func overlapsAliases(rule: GatewayRoutingRule, count: Int, listed: [String]) -> String {
        let more = count > listed.count ? " and \(count - listed.count) more" : ""
        return "Call Routing Rule '\(rule.name)' (priority \(rule.priority)) matches \(count) service alias\(count == 1 ? "" : "es"): \(listed.joined(separator: ", "))\(more); Pexip matches service aliases first, so the rule never applies to them"
    }
}
