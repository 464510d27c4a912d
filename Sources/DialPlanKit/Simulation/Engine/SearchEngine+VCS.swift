/// The VCS / Expressway search: pre-search transforms, search rules by priority level, zones, hops between
/// clusters, hop counts and loop detection. [VCS "Call routing process", "Search rules", "Hop counts"]
extension SearchEngine {
    // MARK: Cluster search

    mutating func search(cluster: Int, alias: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int, state: CallState) -> Int32 {
        let key = StateKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source, hops: Int16(hops), state: state.code)
        let loopKey = LoopKey(cluster: Int32(cluster), alias: alias, protocolIndex: callProtocol.index, source: source)
        if !Recorder.isRecording && hops < SearchEngine.initialHops, let hit = memo.value(for: key, hash: key.fastHash) {
            let row = results[Int(hit)]
            let visited = Int(row.visitedStart)..<Int(row.visitedStart + row.visitedCount)
            if !stack.contains(where: { visitedPool[visited].contains($0) }) {
                visiting.append(contentsOf: visitedPool[visited])
                searchCount += Int(row.searches)
                return hit
            }
        }
        searchCount += 1
        if searchCount > LimitHit.searchBudget {
            // Over the call's budget: stop here (see `LimitHit.searchBudget`); `simulate` turns the call into a limit hit.
            return store(ResultRow(landingStart: Int32(landingPool.count)))
        }
        if let ancestor = stack.firstIndex(of: loopKey) {
            visiting.append(loopKey)
            // VCS loop detection: the same alias, protocol and source searched again. [VCS "Hop counts", loop detection]
            minTouched = min(minTouched, ancestor)
            recorder.record(.loopDetected(cluster: ClusterID(cluster), alias: text(alias), protocol: callProtocol, source: source))
            var row = ResultRow(landingStart: Int32(landingPool.count))
            row.loop = FailureRow(route: routes.route(HopRow(cluster: Int32(cluster), transform: -1, rule: -1), then: -1), alias: alias, cycleLength: Int32(stack.count - ancestor))
            return store(row)
        }
        let ownDepth = stack.count
        let visitStart = visiting.count
        let countStart = searchCount - 1
        visiting.append(loopKey)
        stack.append(loopKey)
        let savedMin = minTouched
        minTouched = Int.max
        var row = searchCluster(cluster, alias: alias, protocol: callProtocol, source: source, hops: hops, state: state)
        let touched = minTouched
        minTouched = min(savedMin, touched)
        stack.removeLast()
        // A search that starts at an endpoint's cluster (full hop budget) is never asked for again in this epoch:
        // other searches arrive through zones with fewer hops. Only those are worth remembering.
        // (Nor a result cut short by the budget.)
        let remember = !Recorder.isRecording && touched >= ownDepth && hops < SearchEngine.initialHops && searchCount <= LimitHit.searchBudget
        if remember {
            row.searches = Int32(searchCount - countStart)
            row.visitedStart = Int32(visitedPool.count)
            row.visitedCount = Int32(visiting.count - visitStart)
            visitedPool.append(contentsOf: visiting[visitStart...])
        }
        let index = store(row)
        if remember { memo.insert(key, hash: key.fastHash, value: index) }
        return index
    }

    private mutating func searchCluster(_ clusterIndex: Int, alias incoming: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int, state: CallState) -> ResultRow {
        let clusterID = ClusterID(clusterIndex)
        recorder.record(.search(cluster: clusterID, alias: text(incoming), protocol: callProtocol, source: source, hopsLeft: hops < SearchEngine.initialHops ? hops : nil))
        recorder.enter()
        defer { recorder.leave() }

        var row = ResultRow(landingStart: 0)
        let transformed = applyTransforms(clusterIndex, alias: incoming, limit: &row.limit)
        let alias = transformed.alias
        // Call Policy: after the transforms, before the search. [VCS "Call Policy"]
        if policyCount[clusterIndex] > 0, let rejecting = applyCallPolicy(clusterIndex, alias: alias, state: state, limit: &row.limit) {
            row.landingStart = Int32(landingPool.count)
            row.rejected = FailureRow(route: routes.route(.policy(cluster: Int32(clusterIndex), transform: transformed.transform, rule: Int32(rejecting)), then: -1), alias: alias)
            return row
        }
        var anyMatched = false
        let ruleBase = ruleBase[clusterIndex]
        let frameStart = collecting.count
        var found = false
        let fromSubzone: Bool
        if case .subzone = source { fromSubzone = true } else { fromSubzone = false }

        // The rules this source may use, level by level (`RoutingTables.applicableRules`). A recording search
        // walks every rule instead, to say why the others were skipped; the decision is the same `admits`.
        let sourceRow = applicableRows[applicableRow(cluster: clusterIndex, source: source)]
        let levelCount = Recorder.isRecording ? tables.levels[clusterIndex].count : Int(sourceRow.levelCount)
        levels: for levelNumber in 0..<levelCount {
            var stoppedBy = -1
            let level: Range<Int>
            if Recorder.isRecording {
                level = tables.levels[clusterIndex][levelNumber]
            } else {
                let levelStart = Int(sourceRow.levelStart)
                let start = levelNumber == 0 ? 0 : Int(applicableLevels[levelStart + levelNumber - 1])
                level = (Int(sourceRow.ruleStart) + start)..<(Int(sourceRow.ruleStart) + Int(applicableLevels[levelStart + levelNumber]))
            }
            for position in level {
                let ruleIndex = Recorder.isRecording ? position : Int(applicable[position])
                let rule = ruleRows[ruleBase + ruleIndex]
                let ref = SearchRuleRef(cluster: clusterID, rule: SearchRuleID(ruleIndex))
                if Recorder.isRecording {
                    guard rule.enabled else {
                        recorder.record(.searchRuleSkipped(ref, alias: text(alias), reason: .disabled))
                        continue
                    }
                    guard RoutingTables.admits(mode: rule.sourceMode, named: rule.namedSource, source: source) else {
                        recorder.record(.searchRuleSkipped(ref, alias: text(alias), reason: .source(source)))
                        continue
                    }
                }
                guard rule.callProtocol.admits(callProtocol) else {
                    recorder.record(.searchRuleSkipped(ref, alias: text(alias), reason: .protocolMismatch(rule: rule.callProtocol, call: callProtocol)))
                    continue
                }
                let target: Int32
                switch rule.mode {
                case .anyAlias, .anyIPAddress:
                    guard rule.mode.takes(isIPAddress: aliases.withBytes(alias, PexipAlias.isIPAddress)) == true else {
                        recorder.record(.searchRuleSkipped(ref, alias: text(alias), reason: .mode(rule.mode)))
                        continue
                    }
                    target = alias
                case .aliasPatternMatch:
                    let hit = match(ruleMatcher[ruleBase + ruleIndex], alias: alias)
                    if hit == SearchEngine.noMatch {
                        recorder.record(.searchRuleNotMatched(ref, alias: text(alias)))
                        continue
                    }
                    if hit == SearchEngine.limitHit {
                        if row.limit < 0 { row.limit = limit(.searchRule(ref), alias: alias) }
                        recorder.record(.searchRuleLimit(ref, alias: text(alias)))
                        continue
                    }
                    target = hit
                }
                // "Request must be authenticated". [VCS "Search rules"]
                if rule.requiresAuthentication && !state.authenticated {
                    recorder.record(.searchRuleSkipped(ref, alias: text(alias), reason: .unauthenticated))
                    if !Recorder.isRecording {
                        if fromSubzone { sourceUnauthenticated[coverageSlot + position] = true } else { coverage.unauthenticated[ruleBase + ruleIndex] = true }
                    }
                    continue
                }
                anyMatched = true
                if !Recorder.isRecording {
                    if fromSubzone { sourceCoverage[coverageSlot + position] = true } else { coverage.rules[ruleBase + ruleIndex] = true }
                }
                if rule.stop { stoppedBy = ruleIndex }
                recorder.record(.searchRuleMatched(ref, alias: text(alias), sent: text(target)))
                let hop = HopRow(cluster: Int32(clusterIndex), transform: transformed.transform, rule: Int32(ruleIndex))
                queryZone(clusterIndex, zone: rule.zone, hop: hop, alias: target, protocol: callProtocol, source: source, hops: hops, state: state, levelStart: frameStart, into: &row)
            }
            if collecting.count > frameStart {
                found = true
                recorder.record(.levelFound(cluster: clusterID, priority: Int(ruleRows[ruleBase + levelFirstRule(clusterIndex, level)].priority)))
                break levels
            }
            if stoppedBy >= 0 {
                recorder.record(.levelStopped(cluster: clusterID, priority: Int(ruleRows[ruleBase + stoppedBy].priority), by: SearchRuleRef(cluster: clusterID, rule: SearchRuleID(stoppedBy))))
                break levels
            }
        }
        if found {
            keepLandings(from: frameStart, in: &row)
        } else {
            row.landingStart = Int32(landingPool.count)
            // A hop with no rule records which transform (if any) shaped the alias that the search ended with;
            // a more specific failure met on the way (a zone with no usable peer) is kept instead.
            if !row.unrouted.isPresent {
                let hop = HopRow(cluster: Int32(clusterIndex), transform: transformed.transform, rule: -1)
                row.unrouted = FailureRow(route: routes.route(hop, then: -1), alias: alias)
            }
            recorder.record(.notFound(cluster: clusterID, alias: text(alias), protocol: callProtocol, source: source, anyRuleMatched: anyMatched))
        }
        return row
    }

    /// The administrator's Call Policy rules, in order: the first whose destination pattern matches the alias and
    /// whose source pattern matches the caller (a blank one: any unauthenticated caller) decides; a call no rule
    /// matches is allowed. Returns the rejecting rule, or nil when the call may go on. A rule whose source decides
    /// for a site that gives no caller alias makes the outcome unknown (a limit), and the search goes on as if
    /// allowed, so that the trace shows what else it does. [VCS X5 "Call Policy"; X7.0 "Configuring Call Policy
    /// rules using the web interface"]
    private mutating func applyCallPolicy(_ clusterIndex: Int, alias: Int32, state: CallState, limit limitIndex: inout Int32) -> Int? {
        let base = policyBase[clusterIndex]
        let caller = state.caller >= 0 ? callerID(state.caller) : -1
        // Only a trace words the caller: the fast path makes no string.
        let callerText = Recorder.isRecording && caller >= 0 ? text(caller) : nil
        for index in 0..<policyCount[clusterIndex] {
            let policy = policyRows[base + index]
            let ref = CallPolicyRuleRef(cluster: ClusterID(clusterIndex), rule: CallPolicyRuleID(index))
            // A pattern that does not match passes the rule by; one that hits PCRE2's limit makes the call undecided.
            func passes(_ matcher: Int32, _ subject: Int32, otherwise step: CallPolicyStep) -> Bool {
                let result = match(matcher, alias: subject)
                if result == SearchEngine.noMatch {
                    recorder.record(.callPolicy(ref, alias: text(alias), caller: callerText, step: step))
                    return false
                }
                if result == SearchEngine.limitHit {
                    if limitIndex < 0 { limitIndex = limit(.callPolicy(ref), alias: subject) }
                    recorder.record(.callPolicy(ref, alias: text(alias), caller: callerText, step: .limit))
                    return false
                }
                return true
            }
            guard passes(policy.destinationMatcher, alias, otherwise: .destinationNotMatched) else { continue }
            if policy.sourceMatcher < 0 {
                // A blank source pattern: unauthenticated callers only.
                if state.authenticated {
                    recorder.record(.callPolicy(ref, alias: text(alias), caller: callerText, step: .authenticatedCaller))
                    continue
                }
            } else if !policy.sourceMatchesEveryone {
                guard caller >= 0 else {
                    if limitIndex < 0 { limitIndex = limit(.callerUnknown(ref), alias: alias) }
                    recorder.record(.callPolicy(ref, alias: text(alias), caller: nil, step: .callerUnknown))
                    return nil
                }
                guard passes(policy.sourceMatcher, caller, otherwise: .sourceNotMatched) else { continue }
            }
            recorder.record(.callPolicy(ref, alias: text(alias), caller: callerText, step: policy.rejects ? .rejected : .allowed))
            return policy.rejects ? index : nil
        }
        recorder.record(.callPolicyNoMatch(cluster: ClusterID(clusterIndex), alias: text(alias)))
        return nil
    }

    /// The first rule of a level, for its priority.
    private func levelFirstRule(_ cluster: Int, _ level: Range<Int>) -> Int {
        Recorder.isRecording ? level.lowerBound : Int(applicable[level.lowerBound])
    }

    // MARK: Transforms

    /// Only the first enabled transform that matches is applied. [VCS "Pre-search transforms"]
    mutating func applyTransforms(_ clusterIndex: Int, alias: Int32, limit limitIndex: inout Int32) -> TransformHit {
        let slot = Int(alias) * clusterCount + clusterIndex
        if !Recorder.isRecording, transformCache[slot].epoch == epoch {
            let hit = transformCache[slot].value
            if hit.limitedTransform >= 0, limitIndex < 0 {
                limitIndex = limit(.transform(TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(rawValue: hit.limitedTransform))), alias: alias)
            }
            return hit
        }
        let count = transformCount[clusterIndex]
        let base = transformBase[clusterIndex]
        var hit = TransformHit(transform: -1, alias: alias, limitedTransform: -1)
        for index in 0..<count {
            let ref = TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(index))
            guard transformEnabled[base + index] else {
                recorder.record(.transformDisabled(ref, alias: text(alias)))
                continue
            }
            let result = match(transformMatcher[base + index], alias: alias)
            if result == SearchEngine.noMatch {
                recorder.record(.transformNotMatched(ref, alias: text(alias)))
                continue
            }
            if result == SearchEngine.limitHit {
                if hit.limitedTransform < 0 { hit.limitedTransform = Int32(index) }
                if limitIndex < 0 { limitIndex = limit(.transform(ref), alias: alias) }
                recorder.record(.transformLimit(ref, alias: text(alias)))
                continue
            }
            hit = TransformHit(transform: Int32(index), alias: result, limitedTransform: hit.limitedTransform)
            recorder.record(.transformApplied(ref, before: text(alias), after: text(result)))
            break
        }
        if hit.transform < 0 && count > 0 {
            recorder.record(.noTransform(cluster: ClusterID(clusterIndex), alias: text(alias)))
        }
        // `match` may have grown the cache; `slot` still names this alias's entry (ids only grow).
        transformCache[slot] = Stamped(epoch: epoch, value: hit)
        if hit.transform >= 0 && !Recorder.isRecording { coverage.transforms[base + Int(hit.transform)] = true }
        return hit
    }

    // MARK: Zones

    /// Appends what the zone (-1: the Local Zone) finds to `collecting` (deduplicated within the current level,
    /// which starts at `levelStart`) and records failures in `row`. The zone is searched in the call's protocol
    /// when it speaks it; when that finds nothing (or it does not speak it), it is searched again in the other
    /// protocol if the cluster's interworking mode allows it for a call from `source`. [VCS D14049.08
    /// "Interworking": "the VCS uses the protocol of the incoming call when searching a zone … If the search is
    /// unsuccessful the VCS may then search the same zone again using the alternative protocol"]
    private mutating func queryZone(
        _ clusterIndex: Int, zone: Int32, hop: HopRow, alias: Int32, protocol callProtocol: CallProtocol, source: CallSource, hops: Int, state: CallState,
        levelStart: Int, into row: inout ResultRow
    ) {
        let clusterID = ClusterID(clusterIndex)
        guard zone >= 0 else {
            if zone == RoutingTables.RuleRow.policyService {
                notSimulated(hop: hop, alias: alias, into: &row)
            } else {
                recorder.record(.localZone(cluster: clusterID, alias: text(alias)))
            }
            return
        }
        let zoneRef = ZoneRef(cluster: clusterID, zone: ZoneID(rawValue: zone))
        let globalZone = zoneBase[clusterIndex] + Int(zone)
        if !Recorder.isRecording { coverage.zones[globalZone] = true }
        if zoneRows[globalZone].isENUM {
            notSimulated(hop: hop, alias: alias, into: &row)
            return
        }
        let before = offeredLandings
        let native = zoneSpeaks(globalZone, callProtocol)
        if native {
            searchZone(clusterIndex, zone: zone, hop: hop, alias: alias, protocol: callProtocol, hops: hops, state: state, levelStart: levelStart, into: &row)
        } else {
            recorder.record(.zoneProtocolOff(zoneRef, alias: text(alias), protocol: callProtocol))
        }
        guard offeredLandings == before, callProtocol != .mssip else { return }
        let other = callProtocol.interworked
        guard zoneSpeaks(globalZone, other) else {
            if !native {
                recorder.record(.zoneProtocolOff(zoneRef, alias: text(alias), protocol: other))
                if !row.unrouted.isPresent { row.unrouted = FailureRow(route: routes.route(hop, then: -1), alias: alias) }
            }
            return
        }
        guard interworking[clusterIndex].interworks(from: source) else {
            // Only a zone that does not speak the call's protocol makes this the reason the call fails here.
            if !native {
                recorder.record(.notInterworked(zoneRef, alias: text(alias), mode: interworking[clusterIndex], source: source))
                if !row.unrouted.isPresent { row.unrouted = FailureRow(route: routes.route(hop, then: -1), alias: alias) }
            }
            return
        }
        recorder.record(.interworking(zoneRef, alias: text(alias), from: callProtocol, to: other))
        var interworkedHop = hop
        interworkedHop.interworkedTo = other.index
        searchZone(clusterIndex, zone: zone, hop: interworkedHop, alias: alias, protocol: other, hops: hops, state: state, levelStart: levelStart, into: &row)
    }

    /// Whether zone `globalZone` is searched in `callProtocol` (its SIP mode or H.323 mode). [VCS "Zones"]
    @inline(__always)
    private func zoneSpeaks(_ globalZone: Int, _ callProtocol: CallProtocol) -> Bool {
        callProtocol.isSpoken(sipMode: zoneModes[globalZone].sip, h323Mode: zoneModes[globalZone].h323)
    }

    /// Searches zone `zone` of a cluster in `callProtocol`: its Pexip nodes, DNS, or the clusters behind it.
    private mutating func searchZone(
        _ clusterIndex: Int, zone: Int32, hop: HopRow, alias: Int32, protocol callProtocol: CallProtocol, hops: Int, state: CallState,
        levelStart: Int, into row: inout ResultRow
    ) {
        let clusterID = ClusterID(clusterIndex)
        let zoneRef = ZoneRef(cluster: clusterID, zone: ZoneID(rawValue: zone))
        let globalZone = zoneBase[clusterIndex] + Int(zone)
        let target = zoneRows[globalZone]
        let hopRoute = routes.route(hop, then: -1)
        recorder.enter()
        defer { recorder.leave() }

        var nodes = zoneNodePool[Int(target.nodeStart)..<Int(target.nodeStart + target.nodeCount)]
        var transport = zoneModes[globalZone].transport
        var clusters = zoneClusterPool[Int(target.clusterStart)..<Int(target.clusterStart + target.clusterCount)]
        if target.isDNS {
            guard let domain = PexipAlias.domain(of: text(alias)) else {
                recorder.record(.dnsNoDomain(zoneRef, alias: text(alias)))
                if !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: alias) }
                return
            }
            let answer = resolveDNS(domain, protocol: callProtocol)
            if let found = answer.transport { transport = found }
            nodes = answer.nodes[...]
            clusters = answer.clusters[...]
            recorder.record(.dnsLookup(zoneRef, alias: text(alias), domain: domain, answers: answer.records, found: !nodes.isEmpty || !clusters.isEmpty))
        } else {
            recorder.record(.zoneQueried(zoneRef, alias: text(alias)))
        }

        let reachedNode = offer(nodes, alias: alias, protocol: callProtocol, leg: hasNetwork ? SignallingLeg.cluster(clusterIndex, protocol: callProtocol, transport: transport) : -1, route: hopRoute, levelStart: levelStart, into: &row)
        if !nodes.isEmpty && !reachedNode && clusters.isEmpty && !row.unrouted.isPresent {
            row.unrouted = FailureRow(route: hopRoute, alias: alias)
        }

        let zoneHopCount = Int(target.hopCount)
        for next in clusters {
            // The hop count of the zone caps the search it sends; each cluster passed uses one. [VCS "Hop counts"]
            let budget = min(hops, zoneHopCount)
            guard budget > 0 else {
                recorder.record(.hopCountExhausted(zoneRef, alias: text(alias), next: ClusterID(rawValue: next)))
                if !row.loop.isPresent { row.loop = FailureRow(route: hopRoute, alias: alias, hopLimit: true) }
                continue
            }
            let source = sourceFrom[Int(next)][clusterIndex]
            recorder.record(.passedOn(zoneRef, alias: text(alias), next: ClusterID(rawValue: next), hopsLeft: budget - 1, seenFrom: source))
            let nextState = authenticationMatters ? tables.stateAfter(sendingZone: globalZone, next: Int(next), source: source, state: state, protocol: callProtocol) : state
            let found = search(cluster: Int(next), alias: alias, protocol: callProtocol, source: source, hops: budget - 1, state: nextState)
            let sub = results[Int(found)]
            for offset in 0..<Int(sub.landingCount) {
                var landing = landingPool[Int(sub.landingStart) + offset]
                landing.route = routes.route(hop, then: landing.route)
                appendLanding(landing, levelStart: levelStart)
            }
            if sub.rejected.isPresent && !row.rejected.isPresent { row.rejected = sub.rejected.prefixed(routes.route(hop, then: sub.rejected.route)) }
            if sub.loop.isPresent && !row.loop.isPresent { row.loop = sub.loop.prefixed(routes.route(hop, then: sub.loop.route)) }
            if sub.unrouted.isPresent && !row.unrouted.isPresent { row.unrouted = sub.unrouted.prefixed(routes.route(hop, then: sub.unrouted.route)) }
            if sub.limit >= 0 && row.limit < 0 { row.limit = sub.limit }
        }
        if nodes.isEmpty && clusters.isEmpty {
            if !target.isDNS { recorder.record(.zoneUnknownPeers(zoneRef, alias: text(alias))) }
            if !row.unrouted.isPresent { row.unrouted = FailureRow(route: hopRoute, alias: alias) }
        }
    }

    /// A target whose answer the simulation does not know (a policy service, an ENUM zone): the call's outcome
    /// cannot be decided, like a regex limit's. The search goes on, so that the trace shows what else it tries.
    private mutating func notSimulated(hop: HopRow, alias: Int32, into row: inout ResultRow) {
        let ref = SearchRuleRef(cluster: ClusterID(rawValue: hop.cluster), rule: SearchRuleID(rawValue: hop.rule))
        recorder.record(.targetNotSimulated(ref, alias: text(alias)))
        if row.limit < 0 { row.limit = limit(.notSimulated(ref), alias: alias) }
    }

    /// Nodes and clusters a DNS zone reaches for `domain`: the first SRV name that has records, its lowest
    /// priority value's targets; else the domain's own A records. [VCS "DNS zones"]
    private mutating func resolveDNS(_ domain: String, protocol callProtocol: CallProtocol) -> DNSAnswer {
        let key = domain + "|" + callProtocol.rawValue
        if let cached = dnsCache[key] { return cached }
        var nodes: [Int32] = []
        var clusters: [Int32] = []
        var records: [String] = []
        var transport: SIPTransport?
        for name in RoutingTables.srvNames(for: domain, protocol: callProtocol) {
            let targets = tables.directory.srv(name)
            guard let best = targets.first?.priority else { continue }
            let chosen = targets.filter { $0.priority == best }
            for srv in chosen {
                nodes += tables.directory.nodes(for: srv.target).map(\.rawValue).filter { !nodes.contains($0) }
                clusters += tables.directory.clusters(for: srv.target).map(\.rawValue).filter { !clusters.contains($0) }
            }
            records.append("SRV \(name) → \(chosen.map { "\($0.target):\($0.port)" }.joined(separator: ", "))")
            transport = RoutingTables.sipTransport(ofSRVName: name)
            break
        }
        if records.isEmpty && tables.directory.hasRecords(domain) {
            nodes = tables.directory.nodes(for: domain).map(\.rawValue)
            clusters = tables.directory.clusters(for: domain).map(\.rawValue)
            records.append("A \(domain) → \(tables.directory.addresses(for: domain).dropFirst().joined(separator: ", "))")
        }
        let answer = DNSAnswer(nodes: nodes, clusters: clusters, records: records, transport: transport)
        dnsCache[key] = answer
        return answer
    }
}
