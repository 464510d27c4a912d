/// Which search rules a call may use, by where it comes from. [VCS "Search rules" Source]
extension RoutingTables {
    /// Whether a search rule's source setting admits a call from `source`. [VCS "Search rules" Source]
    static func admits(_ rule: SearchRule, source: CallSource) -> Bool {
        admits(mode: rule.sourceMode, named: rule.namedSource, source: source)
    }

    /// The same, from the rule's source mode and resolved source name.
    @inline(__always)
    static func admits(mode: SourceMode, named: CallSource?, source: CallSource) -> Bool {
        switch mode {
        case .any: return true
        case .allzones:
            if case .defaultZone = source { return false }
            return true
        case .localzone:
            if case .subzone = source { return true }
            return false
        case .named: return named == source
        }
    }

    /// Per cluster and source (its subzones, its zones, then the Default Zone): the enabled rules that admit the
    /// source, in search order, with the end of each priority level.
    static func applicableRules(plan: DialPlan, levels: [[Range<Int>]]) -> (rules: [Int32], levels: [Int32], rows: [ApplicableRow], base: [Int]) {
        var rules: [Int32] = []
        var levelEnds: [Int32] = []
        var rows: [ApplicableRow] = []
        var base: [Int] = []
        for (clusterIndex, cluster) in plan.clusters.enumerated() {
            base.append(rows.count)
            let sources = cluster.subzones.ids.map(CallSource.subzone) + cluster.zones.ids.map(CallSource.zone) + [.defaultZone]
            for source in sources {
                var row = ApplicableRow(ruleStart: Int32(rules.count), ruleCount: 0, levelStart: Int32(levelEnds.count), levelCount: 0)
                for level in levels[clusterIndex] {
                    let before = row.ruleCount
                    for rule in level where cluster.searchRules[rule].enabled && admits(cluster.searchRules[rule], source: source) {
                        rules.append(Int32(rule))
                        row.ruleCount += 1
                    }
                    if row.ruleCount > before {
                        levelEnds.append(row.ruleCount)
                        row.levelCount += 1
                    }
                }
                rows.append(row)
            }
        }
        return (rules, levelEnds, rows, base)
    }
}

/// The subzones of one cluster whose searches are one search. Two subzones are in a class when their applicable
/// rules, position by position, match alike (the same pattern, or the same Any alias / Any IP address mode), for
/// the same protocol, send to the same target and stop alike, in the same priority levels, and differ only where
/// each has a rule of its own (a per-site rule `source_mode: named`) at the same place. Every alias then takes
/// the same path from either subzone, landing on the same nodes; only the names of their own rules differ. So the
/// simulation searches once per class (what does not depend on the site is computed once) and renames the
/// representative's own rules to the member's in the routes. `dialplan trace` searches from the member itself,
/// and the differential tests hold the two to the same result.
struct SubzoneClasses: Sendable {
    /// Per subzone: the subzone whose search stands for its own (itself for a representative).
    let representative: [Int32]
    /// Per subzone: the member's own rule for each own rule of its representative (rule indices in the cluster);
    /// empty for a representative.
    let renaming: [[Int32: Int32]]
    /// Per subzone: its applicable rules, in search order (positions line up within a class).
    let rules: [[Int32]]

    init(
        cluster: Int, plan: DialPlan, rows: [RoutingTables.ApplicableRow], base: Int, rules allRules: [Int32], levels: [Int32],
        ruleBase: Int, ruleRows: [RoutingTables.RuleRow], ruleMatcher: [Int32]
    ) {
        let subzones = plan.clusters[cluster].subzones.count
        struct Position: Hashable {
            var matcher: Int32
            var mode: SearchMode
            var callProtocol: RuleProtocol
            var zone: Int32
            var stop: Bool
            var requiresAuthentication: Bool
        }
        struct Signature: Hashable {
            var levels: [Int32]
            var positions: [Position]
        }
        var lists: [[Int32]] = []
        var representative = [Int32](repeating: 0, count: subzones)
        var renaming = [[Int32: Int32]](repeating: [:], count: subzones)
        var candidates: [Signature: [Int]] = [:]
        for subzone in 0..<subzones {
            let row = rows[base + subzone]
            let list = Array(allRules[Int(row.ruleStart)..<Int(row.ruleStart + row.ruleCount)])
            lists.append(list)
            let signature = Signature(
                levels: Array(levels[Int(row.levelStart)..<Int(row.levelStart + row.levelCount)]),
                positions: list.map { rule in
                    let info = ruleRows[ruleBase + Int(rule)]
                    return Position(matcher: ruleMatcher[ruleBase + Int(rule)], mode: info.mode, callProtocol: info.callProtocol, zone: info.zone, stop: info.stop, requiresAuthentication: info.requiresAuthentication)
                })
            // A member must share the representative's shared rules at the same positions, so that renaming the
            // representative's own rules is a one-to-one map.
            var placed = false
            for candidate in candidates[signature] ?? [] {
                let theirs = lists[candidate]
                let theirSet = Set(theirs)
                let mySet = Set(list)
                var map: [Int32: Int32] = [:]
                var fits = true
                for (mine, other) in zip(list, theirs) where mine != other {
                    if theirSet.contains(mine) || mySet.contains(other) {
                        fits = false
                        break
                    }
                    map[other] = mine
                }
                if fits {
                    representative[subzone] = Int32(candidate)
                    renaming[subzone] = map
                    placed = true
                    break
                }
            }
            if !placed {
                representative[subzone] = Int32(subzone)
                candidates[signature, default: []].append(subzone)
            }
        }
        self.representative = representative
        self.renaming = renaming
        self.rules = lists
    }

    /// Whether `subzone` is searched for itself (not through another subzone's search).
    func isRepresentative(_ subzone: Int) -> Bool { representative[subzone] == Int32(subzone) }
}

extension RoutingTables {
    /// The search rules of `cluster` that would take `alias` from `source` over `callProtocol`, in search order:
    /// the rules the source may use (`applicableRules`), for the call's protocol, whose mode or pattern admits the
    /// alias. What a search would use had earlier levels not ended it (for hints and analyses).
    func rulesTaking(_ alias: String, cluster: ClusterID, source: CallSource, protocol callProtocol: CallProtocol) -> [SearchRuleID] {
        let scratch = RegexScratch(maxCaptures: max(maxCaptures, 1))
        let row = applicableRows[applicableRow(cluster: cluster.index, source: source)]
        let base = ruleBase[cluster.index]
        var text = alias
        var output: [UInt8] = []
        return text.withUTF8 { bytes in
            applicable[Int(row.ruleStart)..<Int(row.ruleStart + row.ruleCount)].compactMap { position -> SearchRuleID? in
                let rule = ruleRows[base + Int(position)]
                guard rule.callProtocol.admits(callProtocol) else { return nil }
                switch rule.mode {
                case .anyAlias, .anyIPAddress: return rule.mode.takes(isIPAddress: PexipAlias.isIPAddress(bytes)) == true ? SearchRuleID(Int(position)) : nil
                case .aliasPatternMatch:
                    switch matchers[Int(ruleMatcher[base + Int(position)])].evaluate(bytes, scratch: scratch, into: &output) {
                    case .unchanged, .rewritten: return SearchRuleID(Int(position))
                    case .noMatch, .limitExceeded: return nil
                    }
                }
            }
        }
    }
}
