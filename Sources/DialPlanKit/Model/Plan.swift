/// A DNS record that the simulation resolves (A, AAAA, SRV or CNAME).
public struct DNSRecord: Sendable, Hashable {
    public enum RecordType: String, Sendable, CaseIterable, Codable {
        case a, aaaa, srv, cname
    }

    public var name: String
    public var type: RecordType
    public var values: [String]
    public var source: SourceLocation
}

/// Where endpoints are: the call-control cluster they register to, their subzone, and where their calls must land.
public struct Site: Sendable, Hashable {
    public var name: String
    /// The cluster the site's endpoints register to (or, for callers outside the enterprise, whose zone or
    /// Default Zone their calls arrive at).
    public var registersTo: ClusterID
    /// Where the site's calls enter that cluster: the subzone its endpoints register in, or, for callers from
    /// outside, the zone their calls arrive through or the Default Zone (unregistered callers).
    public var entry: CallSource
    /// The subzone, for a site whose endpoints register.
    public var subzone: SubzoneID? {
        if case .subzone(let subzone) = entry { return subzone }
        return nil
    }
    public var protocols: [CallProtocol]
    /// Locations where this site's calls must land (signalling and media).
    public var localLocations: [LocationID]
    /// The Skype for Business pool the site's Skype users are homed on.
    public var sfbPool: PoolID?
    /// Whether the site's calls carry credentials the cluster verifies, where its subzone or zone checks them
    /// (`credentials`; default: yes for endpoints that register, since a subzone that checks credentials refuses
    /// unauthenticated registrations, no for callers from outside). [VCS "Authentication policy"]
    public var presentsCredentials: Bool = true
    /// What the site's endpoints present as the caller's alias (`caller_alias`), for Call Policy source patterns.
    public var callerAlias: String?
    /// Whether the site has WebRTC (Infinity Connect) clients (`webrtc` among its `protocols`): they connect to
    /// the nodes of its local locations over HTTPS, which the network check verifies; no call is simulated for them.
    public var webRTC: Bool = false
    public var source: SourceLocation
}

/// An extra alias dialled from every site besides the service aliases.
public struct Probe: Sendable, Hashable {
    public var alias: String
    public var source: SourceLocation
}

/// A loaded, validated dial plan: every reference resolved to an index.
public struct DialPlan: Sendable {
    /// A display name: the directory or file the plan was loaded from.
    public var name: String
    /// The files the plan was read from.
    public var files: [String]
    public var managementNode: ManagementNode?
    public var locations: [SystemLocation]
    public var nodes: [ConferencingNode]
    public var services: [Service]
    /// Call Routing Rules in the order Pexip checks them (priority, then file order).
    public var gatewayRules: [GatewayRoutingRule]
    public var clusters: [CallControlCluster]
    public var dnsRecords: [DNSRecord]
    public var sites: [Site]
    public var probes: [Probe]
    /// Skype for Business static routing, when the plan has it.
    public var skypeForBusiness: SkypeForBusiness?
    /// Warnings found while loading (unknown peers, replace strings that do nothing, …).
    public var warnings: [Diagnostic]
    /// The network between nodes and sites (`network:`), when the plan describes it.
    public var network: Network?

    /// The location where media for a call signalled in `location` is handled: its `transcoding_location`, or
    /// itself when unset (model). [PX-handling_media_signaling]
    public func mediaLocation(of location: LocationID) -> LocationID {
        locations[location].transcodingLocation ?? location
    }

    /// The location called `name`.
    public func locationIndex(named name: String) -> LocationID? {
        locations.firstIndex { $0.name == name }.map(LocationID.init)
    }

    /// The site called `name` (exact, then case-insensitive).
    public func siteIndex(named name: String) -> SiteID? {
        (sites.firstIndex { $0.name == name } ?? sites.firstIndex { $0.name.lowercased() == name.lowercased() }).map(SiteID.init)
    }
}
