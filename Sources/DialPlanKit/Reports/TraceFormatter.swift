/// Words a `CallTrace`'s events: as `TraceStep`s (the data behind text and JSON), as indented text, and as JSON.
public enum TraceFormatter {
    /// Indented steps, one a line, then the verdict.
    public static func text<Out: TextOutputStream>(_ trace: CallTrace, style: TextStyle, to out: inout Out) {
        for step in trace.steps {
            let indent = String(repeating: "  ", count: step.depth)
            let label: String
            switch step.status {
            case .matched, .accepted, .found: label = style.green(step.status.rawValue)
            case .notMatched, .skipped, .disabled, .info: label = style.dim(step.status.rawValue)
            case .notFound, .stopped, .shadowed, .rejected: label = style.yellow(step.status.rawValue)
            case .limit, .loop: label = style.red(step.status.rawValue)
            }
            var line = indent + style.bold(step.kind.rawValue) + (step.status == .info ? "" : " " + label)
            if let name = step.name, step.kind != .verdict { line += " " + style.cyan(name) }
            if let priority = step.priority { line += style.dim(" (priority \(priority))") }
            line += ": " + step.detail
            if step.kind == .verdict { line = indent + style.bold("verdict") + " " + style.verdict(trace.verdict) + ": " + step.detail }
            out.write(line + "\n")
        }
    }

    /// The call's facts (the row `matrix` prints for it) plus `steps`.
    public static func json<Out: TextOutputStream>(_ trace: CallTrace, plan: DialPlan, to out: inout Out) {
        out.write(object(trace, plan: plan) + "\n")
    }

    /// Several traces (one per protocol) as one JSON array.
    public static func json<Out: TextOutputStream>(_ traces: [CallTrace], plan: DialPlan, to out: inout Out) {
        out.write("[" + traces.map { object($0, plan: plan) }.joined(separator: ",") + "]\n")
    }

    private static func object(_ trace: CallTrace, plan: DialPlan) -> String {
        var json = JSONWriter()
        CallFacts(trace, plan: plan).writeJSON(&json) { json in
            json.key("steps")
            json.beginArray()
            for step in trace.steps {
                json.beginObject()
                json.field("depth", step.depth)
                json.field("kind", step.kind.rawValue)
                json.field("status", step.status.rawValue)
                json.field("name", step.name)
                json.field("cluster", step.cluster)
                json.field("priority", step.priority)
                json.field("alias", step.alias)
                json.field("rewrittenAlias", step.rewrittenAlias)
                json.field("detail", step.detail)
                json.field("source", step.source?.description)
                json.endObject()
            }
            json.endArray()
        }
        return json.flush()
    }

    /// Every event of `trace` as a step: what happened, to which rule, zone, node or service, and why.
    public static func steps(_ trace: CallTrace, plan: DialPlan) -> [TraceStep] {
        let wording = EventWording(plan: plan, trace: trace)
        return trace.events.flatMap { wording.steps($0) }
    }
}

extension CallTrace {
    /// The trace's events, worded (see `TraceFormatter`).
    public var steps: [TraceStep] { TraceFormatter.steps(self, plan: tables.plan) }
}

/// The words for each event.
private struct EventWording {
    let plan: DialPlan
    let trace: CallTrace

    func steps(_ traced: TracedEvent) -> [TraceStep] {
        let depth = traced.depth
        func step(
            _ kind: TraceStep.Kind, _ status: TraceStep.Status, name: String? = nil, cluster: ClusterID? = nil, priority: Int? = nil,
            alias: String? = nil, rewritten: String? = nil, source: SourceLocation? = nil, _ detail: String
        ) -> [TraceStep] {
            [TraceStep(depth: depth, kind: kind, status: status, name: name, cluster: cluster.map { plan.clusters[$0].name }, priority: priority,
                       alias: alias, rewrittenAlias: rewritten, detail: detail, source: source)]
        }
        func transformStep(_ ref: TransformRef, _ status: TraceStep.Status, alias: String, rewritten: String? = nil, _ detail: String) -> [TraceStep] {
            let info = plan.clusters[ref.cluster].transforms[ref.transform]
            return step(.transform, status, name: info.name, cluster: ref.cluster, priority: info.priority, alias: alias, rewritten: rewritten, source: info.source, detail)
        }
        func ruleStep(_ ref: SearchRuleRef, _ status: TraceStep.Status, alias: String, rewritten: String? = nil, _ detail: String) -> [TraceStep] {
            let info = plan.clusters[ref.cluster].searchRules[ref.rule]
            return step(.searchRule, status, name: info.name, cluster: ref.cluster, priority: info.priority, alias: alias, rewritten: rewritten, source: info.source, detail)
        }
        func zoneInfo(_ ref: ZoneRef) -> Zone { plan.clusters[ref.cluster].zones[ref.zone] }
        func gatewayStep(_ id: GatewayRuleID, _ status: TraceStep.Status, alias: String? = nil, rewritten: String? = nil, _ detail: String) -> [TraceStep] {
            let rule = plan.gatewayRules[id]
            return step(.gatewayRule, status, name: rule.name, priority: rule.priority, alias: alias, rewritten: rewritten, source: rule.source, detail)
        }
        func routeStep(_ ref: StaticRouteRef, _ status: TraceStep.Status, alias: String, rewritten: String? = nil, _ detail: String) -> [TraceStep] {
            let route = plan.skypeForBusiness!.configurations[ref.configuration].routes[ref.route]
            return step(.staticRoute, status, name: route.matchURI, alias: alias, rewritten: rewritten, source: route.source, detail)
        }
        func nodeStep(_ node: NodeID, _ status: TraceStep.Status, alias: String, _ detail: String) -> [TraceStep] {
            step(.pexipNode, status, name: plan.nodes[node].name, alias: alias, source: plan.nodes[node].source, detail)
        }
        func source(_ source: CallSource, at cluster: ClusterID) -> String { trace.tables.sourceName(source, cluster: cluster) }

        switch traced.event {
        case .dialled(let site, let alias, let callProtocol):
            let info = plan.sites[site]
            let cluster = plan.clusters[info.registersTo]
            let origin: String
            if callProtocol == .mssip {
                let pool = info.sfbPool.flatMap { plan.skypeForBusiness?.pools[$0].fqdn }
                origin = pool.map { "a Skype for Business user homed on \($0)" } ?? "a Skype for Business user, but the site has no sfb_pool"
            } else {
                switch info.entry {
                case .subzone(let subzone): origin = "the endpoint is registered to \(cluster.name) in subzone \(cluster.subzones[subzone].name)"
                case .zone(let zone): origin = "the call arrives at \(cluster.name) through zone \(cluster.zones[zone].name)"
                case .defaultZone: origin = "an unregistered caller's call arrives at \(cluster.name) in its Default Zone"
                }
            }
            return step(.call, .info, name: info.name, cluster: info.registersTo, alias: alias, source: info.source, "\(info.name) dials '\(alias)' over \(callProtocol.rawValue): \(origin)")
        case .search(let cluster, let alias, let callProtocol, let from, let hopsLeft):
            let info = plan.clusters[cluster]
            return step(.cluster, .info, name: info.name, cluster: cluster, alias: alias, source: info.source,
                        "search at \(info.name) for '\(alias)' (\(callProtocol.rawValue)) from \(source(from, at: cluster))" + (hopsLeft.map { ", \($0) hops left" } ?? ""))
        case .transformDisabled(let ref, let alias):
            return transformStep(ref, .disabled, alias: alias, "the transform is disabled")
        case .transformNotMatched(let ref, let alias):
            let matcher = plan.clusters[ref.cluster].transforms[ref.transform].matcher
            return transformStep(ref, .notMatched, alias: alias, "\(matcher.type.rawValue) '\(matcher.string)'")
        case .transformLimit(let ref, let alias):
            return transformStep(ref, .limit, alias: alias, "the regex hit PCRE2's limit")
        case .transformApplied(let ref, let before, let after):
            let matcher = plan.clusters[ref.cluster].transforms[ref.transform].matcher
            return transformStep(ref, .matched, alias: before, rewritten: after,
                                 "\(matcher.type.rawValue) '\(matcher.string)'; \(matcher.behavior.rawValue): '\(before)' → '\(after)'; later transforms are not tried")
        case .noTransform(let cluster, let alias):
            return step(.transform, .info, cluster: cluster, alias: alias, "no transform applies; the alias stays '\(alias)'")
        case .searchRuleSkipped(let ref, let alias, let reason):
            switch reason {
            case .disabled: return ruleStep(ref, .disabled, alias: alias, "the rule is disabled")
            case .protocolMismatch(let rule, let call): return ruleStep(ref, .skipped, alias: alias, "the rule is for \(rule.rawValue) calls, this is \(call.rawValue)")
            case .source(let from):
                return ruleStep(ref, .skipped, alias: alias, "the rule's source is \(describeSource(ref)), the call comes from \(source(from, at: ref.cluster))")
            case .mode(.anyIPAddress): return ruleStep(ref, .notMatched, alias: alias, "the alias is not an IP address")
            case .mode(.anyAlias): return ruleStep(ref, .notMatched, alias: alias, "the alias is an IP address: Any alias matches any alias but an IP address")
            case .mode(let mode): return ruleStep(ref, .notMatched, alias: alias, "the alias does not suit \(mode.rawValue)")
            case .unauthenticated:
                return ruleStep(ref, .skipped, alias: alias, "the rule takes the alias but requires an authenticated request, and this call is not authenticated")
            }
        case .callPolicy(let ref, let alias, let caller, let policyStep):
            let info = plan.clusters[ref.cluster].callPolicy[ref.rule]
            let pattern = "source \(info.sourceDescription), destination '\(info.destinationText)'"
            let callerText = caller.map { "the caller '\($0)'" } ?? "the caller"
            let (status, detail): (TraceStep.Status, String) = switch policyStep {
            case .destinationNotMatched: (.notMatched, "\(pattern): the destination does not match '\(alias)'")
            case .sourceNotMatched: (.notMatched, "\(pattern): \(callerText) does not match the source")
            case .authenticatedCaller: (.skipped, "\(pattern): a blank source applies to unauthenticated callers only, and this call is authenticated")
            case .callerUnknown: (.limit, "\(pattern): the source decides, and the site gives no caller_alias, so the outcome depends on who calls")
            case .limit: (.limit, "\(pattern): the regex hit PCRE2's limit")
            case .allowed: (.accepted, "\(pattern): matches; the call is allowed, later rules are not tried")
            case .rejected: (.rejected, "\(pattern): matches; the call is rejected")
            }
            return step(.callPolicy, status, name: "priority \(info.priority)", cluster: ref.cluster, priority: info.priority, alias: alias, source: info.source, detail)
        case .callPolicyNoMatch(let cluster, let alias):
            return step(.callPolicy, .info, cluster: cluster, alias: alias, "no Call Policy rule matches '\(alias)': the call is allowed")
        case .searchRuleNotMatched(let ref, let alias):
            let matcher = plan.clusters[ref.cluster].searchRules[ref.rule].matcher
            return ruleStep(ref, .notMatched, alias: alias, matcher.map { "\($0.type.rawValue) '\($0.string)'" } ?? "")
        case .searchRuleLimit(let ref, let alias):
            return ruleStep(ref, .limit, alias: alias, "\(plan.describe(LimitHit(reason: .regex(.searchRule(ref)), alias: alias)))")
        case .searchRuleMatched(let ref, let alias, let sent):
            let info = plan.clusters[ref.cluster].searchRules[ref.rule]
            var detail = info.matcher.map { "\($0.type.rawValue) '\($0.string)'" } ?? info.mode.rawValue
            if sent != alias { detail += "; \(info.matcher!.behavior.rawValue): '\(alias)' → '\(sent)'" }
            detail += "; searching \(info.targetName)" + (info.progress == .stop ? " (stop)" : "")
            return ruleStep(ref, .matched, alias: alias, rewritten: sent == alias ? nil : sent, detail)
        case .levelFound(let cluster, let priority):
            return step(.level, .found, cluster: cluster, priority: priority, "found at priority \(priority): the search at \(plan.clusters[cluster].name) ends")
        case .levelStopped(let cluster, let priority, let rule):
            return step(.level, .stopped, cluster: cluster, priority: priority,
                        "not found, and rule '\(plan.clusters[rule.cluster].searchRules[rule.rule].name)' says stop: no lower-priority rule is tried")
        case .notFound(let cluster, let alias, let callProtocol, let from, let anyMatched):
            let name = plan.clusters[cluster].name
            return step(.cluster, .notFound, name: name, cluster: cluster, alias: alias,
                        anyMatched ? "\(name) did not find '\(alias)'" : "no search rule at \(name) matched '\(alias)' (\(callProtocol.rawValue)) from \(source(from, at: cluster))")
        case .localZone(let cluster, let alias):
            return step(.zone, .notFound, name: PlanBuilder.localZone, cluster: cluster, alias: alias,
                        "registered endpoints are not part of the plan, so no Pexip alias is found in the Local Zone")
        case .zoneQueried(let ref, let alias):
            let zone = zoneInfo(ref)
            return step(.zone, .info, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "\(zone.type.rawValue) zone: offers '\(alias)' to \(zone.peers.joined(separator: ", "))" + (zone.peersInferred ? " (the clusters whose traversal client zones connect to it)" : ""))
        case .zoneProtocolOff(let ref, let alias, let callProtocol):
            let zone = zoneInfo(ref)
            return step(.zone, .skipped, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "the zone's \(callProtocol.zoneModeKey) is off: it is not searched in \(callProtocol.rawValue)")
        case .interworking(let ref, let alias, let from, let to):
            let zone = zoneInfo(ref)
            return step(.interworking, .info, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "\(zone.speaks(from) ? "not found in \(from.rawValue)" : "the zone does not speak \(from.rawValue)"): \(plan.clusters[ref.cluster].name) interworks the call (interworking \(plan.clusters[ref.cluster].interworking.rawValue)) and searches the zone in \(to.rawValue)")
        case .notInterworked(let ref, let alias, let mode, let from):
            let zone = zoneInfo(ref)
            let why = mode == .off ? "interworking is off" : "interworking is registered_only and the call comes from \(source(from, at: ref.cluster)), not a registered endpoint"
            return step(.interworking, .notFound, name: zone.name, cluster: ref.cluster, alias: alias, source: plan.clusters[ref.cluster].interworkingSource,
                        "the zone does not speak the call's protocol and \(why): it is not searched")
        case .zoneUnknownPeers(let ref, let alias):
            let zone = zoneInfo(ref)
            return step(.zone, .notFound, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "its peers (\(trace.tables.zoneTargets[ref.cluster.index][ref.zone.index].unknownPeers.joined(separator: ", "))) are not in the plan; nothing is found there")
        case .dnsNoDomain(let ref, let alias):
            let zone = zoneInfo(ref)
            return step(.dns, .notFound, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source, "'\(alias)' has no domain to look up")
        case .dnsLookup(let ref, let alias, let domain, let answers, let found):
            let zone = zoneInfo(ref)
            return step(.dns, found ? .found : .notFound, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        answers.isEmpty ? "no SRV or A record for \(domain)" : answers.joined(separator: "; "))
        case .hopCountExhausted(let ref, let alias, let next):
            let zone = zoneInfo(ref)
            return step(.hop, .loop, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "hop count exhausted: \(zone.name) cannot pass the search to \(plan.clusters[next].name)")
        case .passedOn(let ref, let alias, let next, let hopsLeft, let seenFrom):
            let zone = zoneInfo(ref)
            return step(.hop, .info, name: zone.name, cluster: ref.cluster, alias: alias, source: zone.source,
                        "passed to \(plan.clusters[next].name) (\(hopsLeft) hops left); it sees the call from \(source(seenFrom, at: next))")
        case .loopDetected(let cluster, let alias, let callProtocol, let from):
            return step(.loop, .loop, cluster: cluster, alias: alias,
                        "\(plan.clusters[cluster].name) is already searching '\(alias)' (\(callProtocol.rawValue)) from \(source(from, at: cluster)); the search fails here")
        case .searchBudgetExhausted(let cluster, let alias, let searches):
            return step(.loop, .limit, cluster: cluster, alias: alias,
                        "the search for '\(alias)' branched into more than \(searches) cluster searches (rules of one level rewriting to zones of the same clusters, over and over within the hop counts); the simulation stops and cannot decide the call")
        case .targetNotSimulated(let ref, let alias):
            return ruleStep(ref, .limit, alias: alias, "\(plan.describeTarget(of: ref)) decides the call itself, and the simulation does not model it: the call's outcome is unknown")
        case .nodeInMaintenance(let node, let alias):
            return nodeStep(node, .skipped, alias: alias, "in maintenance mode: accepts no new calls")
        case .nodeOffered(let node, let alias):
            let info = plan.nodes[node]
            return nodeStep(node, .info, alias: alias, "offered to \(info.name) (\(info.nodeType == .proxying ? "proxying edge" : "transcoding") node in \(plan.locations[info.location].name))")
        case .nodeDecidesAsEarlier(let node, let alias, let earlier, let accepted):
            return nodeStep(node, accepted ? .accepted : .rejected, alias: alias,
                            "decides as \(plan.nodes[earlier].name), in the same location (\(plan.locations[plan.nodes[node].location].name))")
        case .pexipParses(let alias, let parsed):
            return step(.pexipNode, .info, alias: alias, rewritten: parsed, "Pexip parses '\(alias)' as '\(parsed)' (scheme, URI parameters and headers removed)")
        case .serviceAlias(let service, let alias):
            let info = plan.services[service]
            return step(.serviceAlias, .accepted, name: info.name, alias: alias, source: info.source,
                        "service alias '\(alias)' → \(info.serviceType.rawValue) '\(info.name)'; Call Routing Rules are not consulted")
        case .gatewayRuleShadowed(let rule, let alias):
            return gatewayStep(rule, .shadowed, alias: alias, "would also match, but a service alias wins")
        case .gatewayRuleSkipped(let rule, let reason):
            switch reason {
            case .disabled: return gatewayStep(rule, .skipped, "disabled")
            case .notForIncomingCalls: return gatewayStep(rule, .skipped, "match_incoming_calls is off")
            case .protocolOff(let callProtocol): return gatewayStep(rule, .skipped, "match_incoming_\(callProtocol.rawValue) is off")
            case .registeredCallersOnly: return gatewayStep(rule, .skipped, "only for callers registered to Pexip; this caller is not")
            case .otherSourceLocation(let ruleLocation, let callLocation):
                return gatewayStep(rule, .skipped, "only for calls received in \(plan.locations[ruleLocation].name), this is \(plan.locations[callLocation].name)")
            }
        case .gatewayRuleNotMatched(let rule, let alias):
            return gatewayStep(rule, .notMatched, alias: alias, "'\(plan.gatewayRules[rule].matchString)'")
        case .gatewayRuleLimit(let rule, let alias):
            return gatewayStep(rule, .limit, alias: alias, "the regex hit PCRE2's limit")
        case .gatewayRuleApplied(let rule, let alias, let outgoing):
            let info = plan.gatewayRules[rule]
            let location = plan.locations[outgoing.location].name + (outgoing.isAutomaticLocation ? " (automatic: where the call's media is)" : "")
            return gatewayStep(rule, .accepted, alias: alias, rewritten: outgoing.alias,
                               "'\(info.matchString)' matches; Pexip dials '\(outgoing.alias)' over \(outgoing.callProtocol) (\(outgoing.calledDeviceType)) from \(location)")
        case .pexipRejects(let alias):
            return step(.pexipNode, .rejected, alias: alias, "no service alias or Call Routing Rule matches '\(alias)': Pexip rejects the call")
        case .sfbNoConfiguration(let alias):
            return step(.sfbConfiguration, .notFound, alias: alias, "no static routing configuration applies to this pool (neither its own nor a global one)")
        case .sfbConfiguration(let configuration, let pool, let alias):
            let info = plan.skypeForBusiness!.configurations[configuration]
            return step(.sfbConfiguration, .info, name: info.identity, alias: alias, source: info.source,
                        "Skype user homed on \(plan.skypeForBusiness!.pools[pool].fqdn): static routing configuration '\(info.identity)' applies" + (info.scope == .global ? " (the pool has none of its own)" : ""))
        case .staticRouteDisabled(let ref, let alias):
            return routeStep(ref, .disabled, alias: alias, "the route is disabled")
        case .staticRoutePhoneOnly(let ref, let alias):
            return routeStep(ref, .skipped, alias: alias, "the route is for phone URIs only")
        case .staticRouteNotMatched(let ref, let alias, let domain):
            let route = plan.skypeForBusiness!.configurations[ref.configuration].routes[ref.route]
            return routeStep(ref, .notMatched, alias: alias, "'\(domain ?? "(no domain)")' is not \(route.matchURI)")
        case .staticRouteMatched(let ref, let alias, let domain):
            let route = plan.skypeForBusiness!.configurations[ref.configuration].routes[ref.route]
            return routeStep(ref, .matched, alias: alias, "\(domain) matches; \(route.transport.rawValue.uppercased()) to \(route.destination):\(route.port); the first matching route is taken")
        case .staticRouteResolved(let ref, let alias, let found, let resolution):
            let route = plan.skypeForBusiness!.configurations[ref.configuration].routes[ref.route]
            return step(.dns, found ? .found : .notFound, name: route.destination, alias: alias, source: route.source, resolution)
        case .sfbNoRoute(let configuration, let alias, let domain):
            let identity = plan.skypeForBusiness!.configurations[configuration].identity
            return step(.sfbConfiguration, .notFound, name: identity, alias: alias, "no route of '\(identity)' matches \(domain.map { "the domain \($0)" } ?? "an alias without a domain")")
        case .hostReplaced(let ref, let alias, let received):
            return routeStep(ref, .info, alias: alias, rewritten: received, "replace_host_in_request_uri: Pexip receives '\(received)'")
        case .landing(let landing):
            let node = plan.nodes[landing.node]
            let taker = landing.decision.taker.map(plan.describe) ?? "?"
            var detail = "lands on \(node.name) in \(plan.locations[node.location].name) (media in \(plan.locations[plan.mediaLocation(of: node.location)].name)) as \(taker), via \(plan.describe(route: landing.route))"
            if let outgoing = landing.decision.outgoing {
                detail += "; Pexip dials '\(outgoing.alias)' over \(outgoing.callProtocol) from \(plan.locations[outgoing.location].name)"
            }
            return step(.landing, .found, name: node.name, alias: landing.alias, source: node.source, detail)
        case .meshHealthy(let node):
            let info = plan.nodes[node]
            return step(.hop, .accepted, name: info.name, source: info.source, "IPsec mesh: \(info.name) reaches every node it must, and they reach it (\(PortUsage.meshFlows), no NAT)")
        case .meshBroken(let node, let cause, let source, let pairs):
            let info = plan.nodes[node]
            guard let network = trace.network else { return [] }
            let names = pairs.prefix(6).map { "\(network.name(of: $0.from)) → \(network.name(of: $0.to))" }.joined(separator: ", ")
            return step(.hop, .rejected, name: info.name, source: source ?? info.source,
                        "IPsec mesh broken: \(cause) (\(pairs.count) pair\(pairs.count == 1 ? "" : "s"): \(names)\(pairs.count > 6 ? ", …" : ""))")
                + network.traceSteps(pairs[0].check, depth: depth + 1)
        case .reachability(_, _, let check), .callControlPath(_, _, let check):
            return trace.network?.traceSteps(check, depth: depth + 1) ?? []
        case .verdict(let decision):
            return step(.verdict, decision.verdict == .local ? .found : .notFound, name: decision.verdict.rawValue, verdictDetail(decision))
        }
    }

    private func describeSource(_ ref: SearchRuleRef) -> String {
        let info = plan.clusters[ref.cluster].searchRules[ref.rule]
        switch info.sourceMode {
        case .any: return "any"
        case .allzones: return "all zones (registered endpoints and neighbor zones)"
        case .localzone: return "the local zone (registered endpoints)"
        case .named: return "'\(info.sourceName ?? "")'"
        }
    }

    private func verdictDetail(_ decision: VerdictDecision) -> String {
        let outcome = trace.outcome
        let local = plan.locationNames(plan.sites[trace.site].localLocations)
        switch decision.verdict {
        case .meshBroken:
            if case .meshBroken(let node) = decision.blame { return "the call lands in \(local), but \(plan.nodes[node].name)'s IPsec mesh is broken" }
            return "the call lands in \(local), but a landing node's IPsec mesh is broken"
        case .blocked:
            if case .unreachable(let node) = decision.blame { return "the call lands in \(local), but the site's endpoints cannot reach \(plan.nodes[node].name)" }
            if case .callControl(let node, let sender) = decision.blame {
                return "the call lands in \(local), but \(plan.describe(sender)) and \(plan.nodes[node].name) cannot reach each other on the signalling ports"
            }
            return "the call lands in \(local), but the site's endpoints cannot reach the landing node"
        case .local: return "every landing is in \(local)"
        case .remote: return "the call lands in \(plan.locationNames(plan.locations(of: outcome))), not in \(local)"
        case .ambiguous: return "the call may land in \(plan.locationNames(plan.locations(of: outcome))); only \(local) is local"
        case .rejected: return "Pexip was reached but no service alias or Call Routing Rule took '\(outcome.finalAlias ?? trace.alias)'"
        case .loop: return "the search came back to a cluster already searching for it, or ran out of hops"
        case .unrouted: return "no search reached a Pexip node that could take the call"
        case .error: return outcome.limit.map(plan.describe) ?? "the simulation could not decide"
        }
    }
}
