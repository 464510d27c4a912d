/// One thing a simulated call did, as data: the search records these as it runs (see `TraceRecorder`), and
/// `TraceFormatter` words them for text and JSON. Aliases are given as they were at that step.
public enum TraceEvent: Sendable, Hashable {
    // MARK: The call

    /// The site places the call (for `mssip`, a Skype for Business user homed on the site's pool).
    case dialled(site: SiteID, alias: String, protocol: CallProtocol)

    // MARK: VCS / Expressway

    /// A search starts at a cluster; `hopsLeft` is nil at the endpoint's own cluster.
    case search(cluster: ClusterID, alias: String, protocol: CallProtocol, source: CallSource, hopsLeft: Int?)
    case transformDisabled(TransformRef, alias: String)
    case transformNotMatched(TransformRef, alias: String)
    case transformLimit(TransformRef, alias: String)
    /// The first matching transform rewrote the alias; later transforms are not tried.
    case transformApplied(TransformRef, before: String, after: String)
    /// No transform of a cluster that has some applies.
    case noTransform(cluster: ClusterID, alias: String)
    /// A Call Policy rule was tried on the alias (after transforms, before the search). [VCS "Call Policy"]
    case callPolicy(CallPolicyRuleRef, alias: String, caller: String?, step: CallPolicyStep)
    /// No Call Policy rule of a cluster that has some matched: the call is allowed.
    case callPolicyNoMatch(cluster: ClusterID, alias: String)
    case searchRuleSkipped(SearchRuleRef, alias: String, reason: RuleSkipReason)
    case searchRuleNotMatched(SearchRuleRef, alias: String)
    case searchRuleLimit(SearchRuleRef, alias: String)
    /// A rule took the alias and sends `sent` (its rewrite, or the alias itself) to its target.
    case searchRuleMatched(SearchRuleRef, alias: String, sent: String)
    /// A target of the rules at `priority` found the alias: the search at the cluster ends.
    case levelFound(cluster: ClusterID, priority: Int)
    /// Nothing was found at `priority`, and a matching rule there says stop.
    case levelStopped(cluster: ClusterID, priority: Int, by: SearchRuleRef)
    /// The search at a cluster ends without finding the alias.
    case notFound(cluster: ClusterID, alias: String, protocol: CallProtocol, source: CallSource, anyRuleMatched: Bool)
    /// A rule targets the Local Zone (registered endpoints, which the plan does not model).
    case localZone(cluster: ClusterID, alias: String)
    case zoneQueried(ZoneRef, alias: String)
    /// The zone does not speak the call's protocol (its SIP or H.323 mode is off), so it is not searched natively.
    case zoneProtocolOff(ZoneRef, alias: String, protocol: CallProtocol)
    /// The zone found nothing in the call's protocol (or does not speak it), and the cluster's interworking mode
    /// allows it: the zone is searched again in `to`. [VCS "Interworking"]
    case interworking(ZoneRef, alias: String, from: CallProtocol, to: CallProtocol)
    /// The zone found nothing in the call's protocol (or does not speak it), and the cluster's interworking mode
    /// does not allow searching it in the other for a call from `source`.
    case notInterworked(ZoneRef, alias: String, mode: InterworkingMode, source: CallSource)
    /// The zone's peers are neither Pexip nodes nor clusters of the plan.
    case zoneUnknownPeers(ZoneRef, alias: String)
    case dnsNoDomain(ZoneRef, alias: String)
    /// A DNS zone looked the domain up; `answers` are the records used.
    case dnsLookup(ZoneRef, alias: String, domain: String, answers: [String], found: Bool)
    case hopCountExhausted(ZoneRef, alias: String, next: ClusterID)
    /// A zone passes the search to another cluster, which sees the call as coming from `seenFrom`.
    case passedOn(ZoneRef, alias: String, next: ClusterID, hopsLeft: Int, seenFrom: CallSource)
    /// The cluster is already searching this alias from this source: VCS loop detection fails the search.
    case loopDetected(cluster: ClusterID, alias: String, protocol: CallProtocol, source: CallSource)
    /// The call's search made more cluster searches than the budget allows: it is undecidable.
    case searchBudgetExhausted(cluster: ClusterID, alias: String, searches: Int)
    /// A rule sent the call to a target the simulation does not model (a policy service, an ENUM zone).
    case targetNotSimulated(SearchRuleRef, alias: String)

    // MARK: Pexip Infinity

    case nodeInMaintenance(NodeID, alias: String)
    case nodeOffered(NodeID, alias: String)
    /// A node decides as an earlier node of its location did (the decision depends on the location only).
    case nodeDecidesAsEarlier(NodeID, alias: String, earlier: NodeID, accepted: Bool)
    /// Pexip removes the scheme, URI parameters and headers before matching.
    case pexipParses(alias: String, parsed: String)
    case serviceAlias(ServiceID, alias: String)
    /// A Call Routing Rule would also match, but a service alias wins.
    case gatewayRuleShadowed(GatewayRuleID, alias: String)
    case gatewayRuleSkipped(GatewayRuleID, reason: GatewayRuleSkipReason)
    case gatewayRuleNotMatched(GatewayRuleID, alias: String)
    case gatewayRuleLimit(GatewayRuleID, alias: String)
    /// The first matching Call Routing Rule takes the call and dials out.
    case gatewayRuleApplied(GatewayRuleID, alias: String, outgoing: OutgoingCall)
    case pexipRejects(alias: String)

    // MARK: Skype for Business

    case sfbNoConfiguration(alias: String)
    case sfbConfiguration(RoutingConfigurationID, pool: PoolID, alias: String)
    case staticRouteDisabled(StaticRouteRef, alias: String)
    case staticRoutePhoneOnly(StaticRouteRef, alias: String)
    case staticRouteNotMatched(StaticRouteRef, alias: String, domain: String?)
    case staticRouteMatched(StaticRouteRef, alias: String, domain: String)
    /// How the route's destination resolves (to Pexip nodes, or not).
    case staticRouteResolved(StaticRouteRef, alias: String, found: Bool, resolution: String)
    case sfbNoRoute(RoutingConfigurationID, alias: String, domain: String?)
    /// `ReplaceHostInRequestUri`: Pexip receives `received`.
    case hostReplaced(StaticRouteRef, alias: String, received: String)

    // MARK: What the call does

    case landing(Landing)
    /// The node reaches every node it must, and they reach it (UDP 500 and ESP, no NAT).
    case meshHealthy(NodeID)
    /// The node's IPsec mesh is broken by `cause` (a firewall rule or default, a NAT, no route) on these pairs.
    case meshBroken(NodeID, cause: String, source: SourceLocation?, pairs: [MeshPair])
    /// The site's endpoints reach, or cannot reach, a landing node (signalling and media, with replies).
    case reachability(site: SiteID, node: NodeID, check: PathCheck)
    /// The call control that handed the call to a landing node and the node reach each other, or do not, on the
    /// signalling ports (one event per direction).
    case callControlPath(SignallingSender, node: NodeID, check: PathCheck)
    case verdict(VerdictDecision)
}

/// Why a search rule was not tried for a call.
public enum RuleSkipReason: Sendable, Hashable {
    case disabled
    /// The rule is for another protocol.
    case protocolMismatch(rule: RuleProtocol, call: CallProtocol)
    /// The rule's source setting does not admit where the call comes from.
    case source(CallSource)
    /// The rule is Any IP address and the alias is not one, or Any alias and the alias is an IP address.
    case mode(SearchMode)
    /// The rule takes the alias but requires an authenticated request, and the call is not authenticated.
    case unauthenticated
}

/// What a Call Policy rule did with a call. [VCS "Call Policy"]
public enum CallPolicyStep: Sendable, Hashable {
    /// The destination pattern does not match the alias.
    case destinationNotMatched
    /// The source pattern does not match the caller's alias.
    case sourceNotMatched
    /// A blank source pattern applies to unauthenticated callers only, and this call is authenticated.
    case authenticatedCaller
    /// The source pattern decides, and the site gives no caller alias: the outcome depends on the caller.
    case callerUnknown
    /// A pattern hit PCRE2's limit.
    case limit
    /// The rule matched: the call is allowed or rejected.
    case allowed
    case rejected
}

/// Why a Call Routing Rule did not apply to a call. [PX-configuring_gateway_rules]
public enum GatewayRuleSkipReason: Sendable, Hashable {
    case disabled
    case notForIncomingCalls
    case protocolOff(CallProtocol)
    case registeredCallersOnly
    case otherSourceLocation(rule: LocationID, call: LocationID)
}
