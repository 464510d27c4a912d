/// What each check finds and what to do about it, in one place: SARIF's rule descriptions and help, JUnit's
/// failure types and the README's list of checks come from here.
extension CheckID {
    /// The severity the check reports at (some checks report a lower one for a milder case).
    public var defaultSeverity: Severity {
        switch self {
        case .remote, .ambiguous, .rejected, .loop, .unrouted, .error, .meshBroken, .blocked,
            .meshBlocked, .meshNAT, .meshNoRoute, .webRTCBlocked, .callControlBlocked, .endpointsBlocked, .sfbTLSRouteToAddress, .sfbDestinationUnresolved,
            .sfbDestinationNotPexip, .staticNATMismatch, .duplicateAddress:
            return .error
        case .unusedTransform, .unusedSearchRule, .unusedZone, .unusedStaticRoute, .unusedGatewayRule, .exportIgnored:
            return .note
        default:
            return .warning
        }
    }

    /// One line: what the check finds.
    public var summary: String {
        switch self {
        case .remote: "Calls that land outside their site's local locations"
        case .ambiguous: "Calls that may land outside their site's local locations"
        case .rejected: "Calls that Pexip rejects: no service alias or Call Routing Rule takes them"
        case .loop: "Calls that loop between call-control clusters"
        case .unrouted: "Calls that no search rule sends to Pexip"
        case .error: "Calls the simulation could not decide"
        case .meshBroken: "Calls that land on nodes whose IPsec mesh is broken"
        case .blocked: "Calls whose site cannot reach the landing nodes through the network"
        case .serviceAmbiguous: "Calls whose landings reach different services"
        case .gatewayRuleOverlapsAlias: "A Call Routing Rule that matches service aliases"
        case .zoneSpansLocations: "A zone whose Pexip peers are in more than one location"
        case .sfbTLSRouteToAddress: "A TLS static route to an IP address"
        case .sfbDestinationUnresolved: "A static route whose destination does not resolve"
        case .sfbDestinationNotPexip: "A static route whose destination is no Pexip node"
        case .sfbTLSPort: "A TLS static route to a port other than \(PortUsage.sipTLS.ports!)"
        case .sfbDomainNotLocal: "A static route for a domain no location takes Skype for Business calls for"
        case .sfbRouteShadowed: "A static route that an earlier route shadows"
        case .sfbNodeWithoutFQDN: "A node that TLS static routes reach without an FQDN"
        case .shadowedTransform: "A pre-search transform that an earlier transform shadows"
        case .shadowedSearchRule: "A search rule that a higher-priority Stop rule makes unreachable"
        case .shadowedGatewayRule: "A Call Routing Rule that an earlier rule shadows"
        case .patternUnescapedDot: "An unescaped '.' in a domain, which matches any character"
        case .patternAnchorInAlternation: "'^' or '$' inside an alternation"
        case .patternAlternationScope: "A top-level '|' that leaves the domain to some branches only"
        case .patternMatchesEmpty: "A pattern that matches the empty alias"
        case .patternNestedQuantifier: "Nested unbounded repetition, prone to catastrophic backtracking"
        case .serviceAliasSpaces: "A service alias with spaces around it"
        case .locationChainCycle: "A location's transcoding or overflow locations that name it or lead back to it"
        case .zonePeerInMaintenance: "A zone whose Pexip peers include nodes in maintenance mode"
        case .serviceAliasUnreachable: "A service alias that no site's calls reach"
        case .callPolicyNotSimulated: "A cluster whose Call Policy (a CPL script or a policy service) is not simulated"
        case .searchRuleUnauthenticated: "A search rule that requires authentication, which no call that reaches it has"
        case .aliasNeverMatches: "A service alias that Pexip never matches as stored"
        case .emptyReplace: "A replace behaviour with an empty replace string"
        case .unknownPeer: "A zone peer that is no node or cluster of the plan"
        case .redundantProbe: "A probe alias that is a service alias already"
        case .probeDiffersInCase: "A probe alias that differs from a service alias only in case"
        case .noSites: "A plan without sites, so no call is simulated"
        case .unusedFirewall: "A firewall on no link"
        case .traversalZoneUnpaired: "A traversal server zone that no traversal client zone pairs with"
        case .sfbPoolWithoutSites: "A Skype for Business pool that no site uses"
        case .unknownExportField: "A field of an export that the analyzer does not know"
        case .missingExportPage: "An export whose pages are incomplete"
        case .exportIgnored: "Export content the analyzer does not read"
        case .meshBlocked: "Pexip node pairs whose IPsec (\(PortUsage.meshFlows)) a firewall blocks"
        case .meshNAT: "Pexip node pairs with NAT between them"
        case .meshNoRoute: "Pexip node pairs with no route between them"
        case .endpointsBlocked: "A site's endpoints that cannot reach a landing node, behind another problem the calls' verdict names"
        case .callControlBlocked: "A broken call-control leg that calls use, behind another problem their verdict names"
        case .callControlUnplaced: "A call-control cluster or Skype for Business pool that hands calls to nodes where the network places none of its addresses, so that leg is not checked"
        case .webRTCBlocked: "A site's WebRTC clients that cannot reach its local nodes (\(PortUsage.webRTC.map(\.flow.description).joined(separator: " and ")))"
        case .locationMixesStaticNAT: "A location whose nodes mix static NAT and none"
        case .locationMixesNodeTypes: "A location that mixes transcoding and proxying nodes"
        case .duplicateAddress: "An address given to two nodes or systems"
        case .addressOutsideSegments: "An address in no network segment"
        case .staticNATMismatch: "A node's static NAT address that the network does not translate to"
        case .unusedTransform: "A transform no simulated call used"
        case .unusedSearchRule: "A search rule no simulated call used"
        case .unusedZone: "A zone no simulated call used"
        case .unusedStaticRoute: "A static route no simulated call used"
        case .unusedGatewayRule: "A Call Routing Rule no simulated call used"
        }
    }

    /// What to do about it, for the rule's help text.
    public var help: String {
        switch self {
        case .remote, .ambiguous:
            "A call from an endpoint to a VMR alias must land on the endpoint's local Conferencing Nodes. Follow the route in the finding (or `dialplan trace`) to the rule, zone or transform named, and fix its priority, pattern or peers."
        case .rejected, .unrouted, .loop, .error, .blocked, .meshBroken, .serviceAmbiguous:
            "Run `dialplan trace PLAN --from SITE ALIAS` on an example call of the finding to see every step; the finding is located at the rule or setting responsible."
        case .shadowedTransform:
            "Only the first enabled transform that matches an alias is applied (VCS pre-search transforms). The witness alias is one this transform matches and the earlier one takes. Reorder the priorities, narrow the earlier pattern, or remove this transform."
        case .shadowedSearchRule:
            "On successful match: Stop ends the search after that priority level, even when the target does not find the alias. Set the earlier rule to Continue, give this one a lower priority number, or narrow the earlier pattern."
        case .shadowedGatewayRule:
            "Pexip applies the first Call Routing Rule that matches. Reorder the priorities or narrow the earlier rule."
        case .patternUnescapedDot:
            "In a regular expression '.' matches any character; write '\\.' for a literal dot. The witness alias is one the pattern matches that its author did not mean."
        case .patternAnchorInAlternation:
            "Anchors bind to one branch of an alternation. Every dial-plan match is of the whole alias: drop the anchors or group the alternation."
        case .patternAlternationScope:
            "A top-level '|' splits the whole pattern. Group the alternatives: '(alice|bob)@example\\.com'."
        case .patternMatchesEmpty:
            "Every part of the pattern is optional, so it matches far more than meant. Make the required part mandatory."
        case .patternNestedQuantifier:
            "A repetition of a repetition can be split in exponentially many ways; an alias that almost matches makes PCRE2 backtrack until its limit. Repeat once, or put a required separator inside the group."
        case .callPolicyNotSimulated:
            "The cluster's Call Policy is an uploaded CPL script or an external policy service, which the analyzer does not run: every call through the cluster is simulated as if the policy allowed it. Check what the policy rejects or redirects before trusting these calls' verdicts."
        case .searchRuleUnauthenticated:
            "'Request must be authenticated' limits the rule to calls the cluster treats as authenticated, which follows the authentication policy of the subzone or zone a call arrives from. Every simulated call the rule would take is unauthenticated: set the policy of the subzones or zones named (check_credentials, treat_as_authenticated), or turn the rule's authentication off."
        case .serviceAliasUnreachable:
            "Every site's call to the alias ends before it reaches the service: no search rule sends it to Pexip, a loop, or a rewrite that Pexip rejects. The finding names where the search ends; fix that rule, or remove the alias if nobody should dial it."
        case .gatewayRuleOverlapsAlias:
            "Pexip matches service aliases before Call Routing Rules, so the rule never applies to them: narrow its pattern or remove the alias."
        case .endpointsBlocked:
            "A call's verdict names one problem; these calls' endpoints also cannot reach a node they land on, over the protocol's ports and media, so fixing the named problem alone leaves them blocked. Fix the firewall rule, NAT or path named too."
        case .callControlBlocked:
            "A call's verdict names one problem; these calls also cross a broken call-control leg (the cluster or pool and the node must reach each other on the signalling ports, both ways), so fixing the named problem alone leaves them blocked. Fix the firewall rule, NAT or path named too."
        case .callControlUnplaced:
            "The call control's signalling to each node it hands calls to is checked from the cluster's or pool's addresses; these are names without DNS records or addresses outside the network's segments. Give IP addresses or DNS records, or place it with a network `call_control` entry, as the finding's note writes it."
        case .webRTCBlocked:
            "Infinity Connect (WebRTC) clients connect to a Conferencing Node of their local locations over HTTPS and send media to it, with no call control in between. Open the firewall rule or default named for the site's endpoints."
        case .meshBlocked, .meshNAT, .meshNoRoute:
            "All Pexip nodes must be fully meshed in both directions over IPsec (\(PortUsage.meshFlows); ESP is IP protocol 50), with no NAT between any two nodes. Fix the firewall rule, NAT or link named."
        case .unusedTransform, .unusedSearchRule, .unusedZone, .unusedStaticRoute, .unusedGatewayRule:
            "No simulated call used it: either it is dead configuration, or the plan lacks the sites or aliases that would use it."
        default:
            summary + "."
        }
    }
}
