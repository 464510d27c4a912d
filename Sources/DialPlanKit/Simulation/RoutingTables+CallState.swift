import PatternAutomata

/// What a call carries from cluster to cluster besides its alias and protocol: whether the VCS treats it as
/// authenticated, and the caller's alias for Call Policy. Part of a search's identity (two calls that differ in it
/// may be searched differently), not of loop detection's.
struct CallState: Hashable {
    var authenticated: Bool
    /// Index into `RoutingTables.callerAliases`; -1 when the site gives none, or no Call Policy rule reads it.
    var caller: Int32

    static let unauthenticated = CallState(authenticated: false, caller: -1)

    /// One integer, for hashing.
    var code: Int32 { caller << 1 | (authenticated ? 1 : 0) }
}

/// The VCS authentication policy, in one place: how a zone or subzone classifies a request it receives.
/// [VCS X7 "Authentication policy configuration options"; "Authentication policy": zone-level, subzone-level]
extension RoutingTables {
    /// Whether a request arriving where `mode` applies is authenticated: Treat as authenticated → always;
    /// Check credentials → when it carries credentials that verify; Do not check credentials → never, except that
    /// with SIP authentication trust a SIP request asserted as authenticated by the system that sent it
    /// (P-Asserted-Identity) stays so.
    static func classifies(
        _ mode: AuthenticationMode, credentials: Bool, asserted: Bool, sipTrust: Bool, protocol callProtocol: CallProtocol
    ) -> Bool {
        switch mode {
        case .treatAsAuthenticated: true
        case .checkCredentials: credentials
        case .doNotCheckCredentials: sipTrust && callProtocol != .h323 && asserted
        }
    }

    /// The state `site`'s calls over `callProtocol` start with at its cluster: classified by its subzone (where its
    /// endpoints register), the zone its calls arrive through, or the Default Zone; the caller is its
    /// `caller_alias`.
    func entryState(site: Site, protocol callProtocol: CallProtocol) -> CallState {
        let cluster = plan.clusters[site.registersTo]
        var state = CallState.unauthenticated
        if authenticationMatters {
            switch site.entry {
            case .subzone(let subzone):
                state.authenticated = RoutingTables.classifies(
                    cluster.subzones[subzone].authentication, credentials: site.presentsCredentials, asserted: false, sipTrust: false, protocol: callProtocol)
            case .zone(let zone):
                let info = cluster.zones[zone]
                state.authenticated = RoutingTables.classifies(
                    info.authentication, credentials: site.presentsCredentials, asserted: site.presentsCredentials,
                    sipTrust: info.sipAuthenticationTrust, protocol: callProtocol)
            case .defaultZone:
                state.authenticated = RoutingTables.classifies(
                    cluster.defaultZoneAuthentication, credentials: site.presentsCredentials, asserted: false, sipTrust: false, protocol: callProtocol)
            }
        }
        if callerMatters, let alias = site.callerAlias, let index = callerAliases.firstIndex(of: alias) { state.caller = Int32(index) }
        return state
    }

    /// The state at cluster `next` of a call that cluster `from` passes on through its zone `sendingZone` (global
    /// numbering), arriving from `source` there: the receiving zone (or the Default Zone) classifies it; the
    /// sending zone presents credentials when it has an authentication user name, and asserts the call's own state.
    @inline(__always)
    func stateAfter(sendingZone: Int, next: Int, source: CallSource, state: CallState, protocol callProtocol: CallProtocol) -> CallState {
        guard authenticationMatters else { return state }
        var after = state
        let credentials = zoneModes[sendingZone].presentsCredentials
        switch source {
        case .zone(let zone):
            let modes = zoneModes[zoneBase[next] + zone.index]
            after.authenticated = RoutingTables.classifies(
                modes.authentication, credentials: credentials, asserted: state.authenticated, sipTrust: modes.sipTrust, protocol: callProtocol)
        case .defaultZone:
            after.authenticated = RoutingTables.classifies(
                plan.clusters[next].defaultZoneAuthentication, credentials: credentials, asserted: state.authenticated, sipTrust: false, protocol: callProtocol)
        case .subzone:
            // A search from another cluster arrives through a zone, never a subzone.
            break
        }
        return after
    }
}

extension RoutingTables {
    /// Whether `matcher` matches every alias, proven by the automata (`.*`, `(.*)`): a Call Policy source pattern
    /// that does needs no caller alias.
    static func matchesEveryAlias(_ matcher: AliasMatcher) -> Bool {
        guard let language = RuleAliases.pattern(matcher).language else { return false }
        var comparison = LanguageComparison([.anything, language], membership: PCRE2Membership())
        return comparison.inclusion(of: 0, in: 1) == .included
    }
}

extension CallProtocol {
    /// The protocol an interworked search uses instead: H.323 for SIP, SIP for H.323. [VCS "Interworking"]
    var interworked: CallProtocol { self == .h323 ? .sip : .h323 }
}
