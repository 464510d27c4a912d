/// Every kind of finding the analyzer reports, typed; the raw value is the stable kebab-case name printed in
/// `[brackets]`, in JSON, SARIF and JUnit.
public enum CheckID: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    // Calls that are not local, grouped by cause (one per verdict).
    case remote, ambiguous, rejected, loop, unrouted, error
    case meshBroken = "mesh-broken"
    case blocked
    // Calls whose landings reach different services.
    case serviceAmbiguous = "service-ambiguous"

    // Plan checks (`Checks/`).
    case gatewayRuleOverlapsAlias = "gateway-rule-overlaps-alias"
    case zoneSpansLocations = "zone-spans-locations"
    case sfbTLSRouteToAddress = "sfb-tls-route-to-address"
    case sfbDestinationUnresolved = "sfb-destination-unresolved"
    case sfbDestinationNotPexip = "sfb-destination-not-pexip"
    case sfbTLSPort = "sfb-tls-port"
    case sfbDomainNotLocal = "sfb-domain-not-local"
    case sfbRouteShadowed = "sfb-route-shadowed"
    case sfbNodeWithoutFQDN = "sfb-node-without-fqdn"
    // Rule analysis: rules that never apply, patterns that mean something other than they say.
    case shadowedTransform = "shadowed-transform"
    case shadowedSearchRule = "shadowed-search-rule"
    case shadowedGatewayRule = "shadowed-gateway-rule"
    case patternUnescapedDot = "pattern-unescaped-dot"
    case patternAnchorInAlternation = "pattern-anchor-in-alternation"
    case patternAlternationScope = "pattern-alternation-scope"
    case patternMatchesEmpty = "pattern-matches-empty"
    case patternNestedQuantifier = "pattern-nested-quantifier"
    case serviceAliasSpaces = "service-alias-spaces"
    case locationChainCycle = "location-chain-cycle"
    case zonePeerInMaintenance = "zone-peer-in-maintenance"
    case serviceAliasUnreachable = "service-alias-unreachable"
    case callPolicyNotSimulated = "call-policy-not-simulated"
    case searchRuleUnauthenticated = "search-rule-unauthenticated"

    // Loading.
    case aliasNeverMatches = "alias-never-matches"
    case emptyReplace = "empty-replace"
    case unknownPeer = "unknown-peer"
    case redundantProbe = "redundant-probe"
    case probeDiffersInCase = "probe-differs-in-case"
    case noSites = "no-sites"
    case unusedFirewall = "unused-firewall"
    case traversalZoneUnpaired = "traversal-zone-unpaired"
    case sfbPoolWithoutSites = "sfb-pool-without-sites"

    // Importing exports.
    case unknownExportField = "unknown-export-field"
    case missingExportPage = "missing-export-page"
    case exportIgnored = "export-ignored"

    // The network.
    case meshBlocked = "mesh-blocked"
    case meshNAT = "mesh-nat"
    case meshNoRoute = "mesh-no-route"
    case webRTCBlocked = "webrtc-blocked"
    case callControlUnplaced = "call-control-unplaced"
    case callControlBlocked = "call-control-blocked"
    case endpointsBlocked = "endpoints-blocked"
    case locationMixesStaticNAT = "location-mixes-static-nat"
    case locationMixesNodeTypes = "location-mixes-node-types"
    case duplicateAddress = "duplicate-address"
    case addressOutsideSegments = "address-outside-segments"
    case staticNATMismatch = "static-nat-mismatch"

    // Coverage.
    case unusedTransform = "unused-transform"
    case unusedSearchRule = "unused-search-rule"
    case unusedZone = "unused-zone"
    case unusedStaticRoute = "unused-static-route"
    case unusedGatewayRule = "unused-gateway-rule"

    public var description: String { rawValue }

    /// The check that groups calls of a verdict (nil for `local`).
    public init?(verdict: Verdict) {
        switch verdict {
        case .local: return nil
        case .remote: self = .remote
        case .ambiguous: self = .ambiguous
        case .rejected: self = .rejected
        case .loop: self = .loop
        case .unrouted: self = .unrouted
        case .error: self = .error
        case .meshBroken: self = .meshBroken
        case .blocked: self = .blocked
        }
    }
}
