/// A Pexip Infinity system location (`system_location`). [PX-API]
public struct SystemLocation: Sendable, Hashable {
    public var name: String
    /// Where media for calls signalled here is transcoded; nil means this location itself (model).
    public var transcodingLocation: LocationID?
    public var overflowLocation1: LocationID?
    public var overflowLocation2: LocationID?
    /// The Skype for Business domain served by this location.
    public var localMSSIPDomain: String?
    public var source: SourceLocation
}

/// A Conferencing Node's role. [PX-distributed_edge]
public enum NodeType: String, Sendable, CaseIterable, Codable {
    /// A transcoding Conferencing Node.
    case conferencing
    /// A Proxying Edge Node: handles signalling and the endpoint's media, transcodes elsewhere.
    case proxying
}

/// A Conferencing Node (`worker_vm`). [PX-API]
public struct ConferencingNode: Sendable, Hashable {
    public var name: String
    public var address: String
    public var location: LocationID
    public var nodeType: NodeType
    public var staticNATAddress: String?
    /// The SIP TLS FQDN, required for nodes that talk to Skype for Business.
    public var alternativeFQDN: String?
    /// A node in maintenance mode accepts no new calls.
    public var maintenanceMode: Bool
    public var source: SourceLocation
}

/// The Management Node (`management_vm`): carries no calls. [PX-API]
public struct ManagementNode: Sendable, Hashable {
    public var name: String
    public var address: String
    public var source: SourceLocation
}

/// The kind of a Pexip service. [PX-dial_plan]
public enum ServiceType: String, Sendable, CaseIterable, Codable {
    case conference, lecture
    case twoStageDialing = "two_stage_dialing"
    case testCall = "test_call"
    case mediaPlayback = "media_playback"
}

/// One alias of a service, as Pexip stores it.
public struct ServiceAlias: Sendable, Hashable {
    public var alias: String
    public var source: SourceLocation
}

/// A Pexip service (`conference`): a VMR, Virtual Auditorium, Virtual Reception, test call or media playback
/// service, with its aliases. [PX-API]
public struct Service: Sendable, Hashable {
    public var name: String
    public var serviceType: ServiceType
    public var aliases: [ServiceAlias]
    public var source: SourceLocation
}

/// A Call Routing Rule (`gateway_routing_rule`), with the Pexip API's field names and defaults.
/// [PX-configuring_gateway_rules] [PX-API]
public struct GatewayRoutingRule: Sendable {
    public var name: String
    public var priority: Int
    public var enable: Bool
    public var matchIncomingCalls: Bool
    public var matchIncomingSIP: Bool
    public var matchIncomingH323: Bool
    public var matchIncomingMSSIP: Bool
    public var matchIncomingWebRTC: Bool
    public var matchIncomingTeams: Bool
    public var matchIncomingOnlyIfRegistered: Bool
    /// nil = any location.
    public var matchSourceLocation: LocationID?
    public var matchString: String
    public var matchStringFull: Bool
    public var replaceString: String
    public var calledDeviceType: String
    public var outgoingProtocol: String
    /// nil = automatic.
    public var outgoingLocation: LocationID?
    /// `match_string` compiled, with `replace_string` as its replacement.
    public var matcher: AliasMatcher
    public var source: SourceLocation
    /// Where `match_string` is written, for pattern errors and findings.
    public var matchStringSource: SourceLocation

    /// Whether the rule's protocol flag admits a call of `callProtocol`.
    public func admits(_ callProtocol: CallProtocol) -> Bool {
        switch callProtocol {
        case .sip: matchIncomingSIP
        case .h323: matchIncomingH323
        case .mssip: matchIncomingMSSIP
        }
    }
}

/// The signalling protocol of a simulated call.
public enum CallProtocol: String, Sendable, CaseIterable, Codable, Comparable {
    case sip, h323, mssip

    public static func < (lhs: CallProtocol, rhs: CallProtocol) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
