/// Pexip Infinity's side of a call: the nodes a zone offers it to, and each node's decision (a service alias, else
/// the first Call Routing Rule that applies, else a rejection). [PX-dial_plan] [PX-configuring_gateway_rules]
extension SearchEngine {
    /// Offers the call to Pexip nodes: each that is not in maintenance decides; takers become landings in the
    /// current level, rejecters the first rejection. Returns whether any node could be offered the call.
    mutating func offer<Nodes: Collection<Int32>>(_ nodes: Nodes, alias: Int32, protocol callProtocol: CallProtocol, leg: Int32, route hopRoute: Int32, levelStart: Int, into row: inout ResultRow) -> Bool {
        let rejectedStart = nodePool.count
        var reachedNode = false
        // A node's decision depends only on its location: a recording search says so for the second node of one.
        var decidedIn: [Int32: (node: Int32, accepted: Bool)] = [:]
        for node in nodes {
            let nodeID = NodeID(rawValue: node)
            guard !nodeInMaintenance[Int(node)] else {
                recorder.record(.nodeInMaintenance(nodeID, alias: text(alias)))
                continue
            }
            reachedNode = true
            let location = nodeLocation[Int(node)]
            if Recorder.isRecording, let earlier = decidedIn[location] {
                recorder.record(.nodeDecidesAsEarlier(nodeID, alias: text(alias), earlier: NodeID(rawValue: earlier.node), accepted: earlier.accepted))
            } else {
                recorder.record(.nodeOffered(nodeID, alias: text(alias)))
            }
            let cell = Recorder.isRecording && decidedIn[location] != nil
                ? pexipCache[pexipSlot(alias: alias, location: Int(location), protocol: callProtocol)].value
                : pexipDecision(alias: alias, location: Int(location), protocol: callProtocol)
            if Recorder.isRecording && decidedIn[location] == nil { decidedIn[location] = (node, !cell.decision.isRejected) }
            if cell.limit >= 0, row.limit < 0 { row.limit = cell.limit }
            if cell.decision.isRejected {
                nodePool.append(node)
            } else {
                appendLanding(
                    LandingRow(node: node, alias: alias, decision: cell.decision, outgoing: cell.outgoing, outgoingLocation: cell.outgoingLocation, leg: leg, route: hopRoute),
                    levelStart: levelStart)
            }
        }
        if nodePool.count > rejectedStart {
            if !row.rejected.isPresent {
                row.rejected = FailureRow(route: hopRoute, alias: alias, nodeStart: Int32(rejectedStart), nodeCount: Int32(nodePool.count - rejectedStart))
            } else {
                nodePool.removeSubrange(rejectedStart...)
            }
        }
        return reachedNode
    }

    /// Adds a landing to the current level unless the level already has the node doing the same thing: two rules
    /// of one level that reach a node with the same result are one landing.
    @inline(__always)
    mutating func appendLanding(_ landing: LandingRow, levelStart: Int) {
        offeredLandings += 1
        var index = levelStart
        while index < collecting.count {
            let other = collecting[index]
            if other.node == landing.node && other.decision == landing.decision && other.outgoing == landing.outgoing && other.leg == landing.leg { return }
            index += 1
        }
        collecting.append(landing)
    }

    /// Makes the landings collected since `start` the result's, and forgets what failed on the way: it no longer
    /// matters once the alias is found.
    mutating func keepLandings(from start: Int, in row: inout ResultRow) {
        row.rejected = .absent
        row.loop = .absent
        row.unrouted = .absent
        row.landingStart = Int32(landingPool.count)
        row.landingCount = Int32(collecting.count - start)
        for index in start..<collecting.count { landingPool.append(collecting[index]) }
        collecting.removeLast(collecting.count - start)
    }

    @inline(__always)
    func pexipSlot(alias: Int32, location: Int, protocol callProtocol: CallProtocol) -> Int {
        (Int(alias) * locationCount + location) * SearchEngine.protocolCount + Int(callProtocol.index)
    }

    /// Service aliases first, then Call Routing Rules in priority order; the first that applies takes the call.
    /// [PX-dial_plan] [PX-configuring_gateway_rules]
    mutating func pexipDecision(alias: Int32, location: Int, protocol callProtocol: CallProtocol) -> PexipCell {
        let slot = pexipSlot(alias: alias, location: location, protocol: callProtocol)
        if !Recorder.isRecording, pexipCache[slot].epoch == epoch { return pexipCache[slot].value }
        let parsed = parsedAlias(alias)
        recorder.enter()
        defer { recorder.leave() }
        if parsed != alias { recorder.record(.pexipParses(alias: text(alias), parsed: text(parsed))) }
        var cell = PexipCell(decision: .rejected, outgoing: -1, outgoingLocation: -1, limit: -1)
        if let service = service(of: alias) {
            cell.decision = .service(service)
            recorder.record(.serviceAlias(ServiceID(service), alias: text(parsed)))
            if Recorder.isRecording {
                for index in plan.gatewayRules.indices {
                    var limitIndex: Int32 = -1
                    if gatewayRule(index, full: alias, parsed: parsed, location: location, protocol: callProtocol, quiet: true, limit: &limitIndex) != nil {
                        recorder.record(.gatewayRuleShadowed(GatewayRuleID(index), alias: text(parsed)))
                    }
                }
            }
        } else {
            for (index, rule) in plan.gatewayRules.enumerated() {
                guard let outgoing = gatewayRule(index, full: alias, parsed: parsed, location: location, protocol: callProtocol, quiet: false, limit: &cell.limit) else { continue }
                cell.decision = .gatewayRule(index)
                cell.outgoing = outgoing
                // Automatic: the call is placed from the location that handles the incoming call's media.
                cell.outgoingLocation = rule.outgoingLocation?.rawValue ?? plan.mediaLocation(of: LocationID(location)).rawValue
                if !Recorder.isRecording { coverage.gatewayRules[index] = true }
                recorder.record(.gatewayRuleApplied(
                    GatewayRuleID(index), alias: text(rule.matchStringFull ? alias : parsed),
                    outgoing: OutgoingCall(
                        alias: text(outgoing), callProtocol: rule.outgoingProtocol, location: LocationID(rawValue: cell.outgoingLocation),
                        isAutomaticLocation: rule.outgoingLocation == nil, calledDeviceType: rule.calledDeviceType)))
                break
            }
            if cell.decision.isRejected { recorder.record(.pexipRejects(alias: text(parsed))) }
        }
        pexipCache[slot] = Stamped(epoch: epoch, value: cell)
        return cell
    }

    /// The service whose alias `alias` is, once parsed and case-folded; cached per alias and epoch.
    mutating func service(of alias: Int32) -> Int? {
        if serviceCache[Int(alias)].epoch != epoch {
            let service = aliases.withBytes(alias) { serviceIndex[PexipAlias.serviceKey($0)] } ?? -1
            serviceCache[Int(alias)] = Stamped(epoch: epoch, value: service)
        }
        let value = serviceCache[Int(alias)].value
        return value >= 0 ? Int(value) : nil
    }

    /// The alias as Pexip parses it (scheme, URI parameters and headers removed), as an id; once per alias and epoch.
    private mutating func parsedAlias(_ alias: Int32) -> Int32 {
        if parsedCache[Int(alias)].epoch == epoch { return parsedCache[Int(alias)].value }
        let range = aliases.range(alias)
        let parsed = aliases.withBytes(alias) { PexipAlias.parsedRange($0) }
        var id = alias
        if parsed.count != range.count {
            output.removeAll(keepingCapacity: true)
            output.append(contentsOf: aliases.bytes[(range.lowerBound + parsed.lowerBound)..<(range.lowerBound + parsed.upperBound)])
            id = internOutput()
        }
        parsedCache[Int(alias)] = Stamped(epoch: epoch, value: id)
        return id
    }

    /// The alias Call Routing Rule `index` dials out when it applies to this call, else nil.
    private mutating func gatewayRule(_ index: Int, full: Int32, parsed: Int32, location: Int, protocol callProtocol: CallProtocol, quiet: Bool, limit limitIndex: inout Int32) -> Int32? {
        let rule = plan.gatewayRules[index]
        let id = GatewayRuleID(index)
        func skip(_ reason: GatewayRuleSkipReason) -> Int32? {
            if !quiet { recorder.record(.gatewayRuleSkipped(id, reason: reason)) }
            return nil
        }
        guard rule.enable else { return skip(.disabled) }
        guard rule.matchIncomingCalls else { return skip(.notForIncomingCalls) }
        guard rule.admits(callProtocol) else { return skip(.protocolOff(callProtocol)) }
        // Callers arriving through call control are not registered to Pexip. [PX-configuring_gateway_rules]
        guard !rule.matchIncomingOnlyIfRegistered else { return skip(.registeredCallersOnly) }
        if let source = rule.matchSourceLocation, source.index != location {
            return skip(.otherSourceLocation(rule: source, call: LocationID(location)))
        }
        let subject = rule.matchStringFull ? full : parsed
        let result = match(gatewayMatcher[index], alias: subject)
        if result == SearchEngine.noMatch {
            if !quiet { recorder.record(.gatewayRuleNotMatched(id, alias: text(subject))) }
            return nil
        }
        if result == SearchEngine.limitHit {
            if !quiet {
                recorder.record(.gatewayRuleLimit(id, alias: text(subject)))
                if limitIndex < 0 { limitIndex = limit(.gatewayRule(id), alias: subject) }
            }
            return nil
        }
        return result
    }
}
