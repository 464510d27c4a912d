/// The network between Pexip nodes and sites (the plan's `network:` section): segments with their address ranges,
/// links between segments with an optional firewall and NAT, explicit routes, and where each site's endpoints are.
/// Pexip needs a NAT-free path that lets UDP 500 and ESP through in both directions between every pair of nodes.
/// [PX-gs_server_network] [PX-port_usage]
public struct Network: Sendable {
    public var segments: [NetworkSegment]
    public var links: [NetworkLink]
    public var firewalls: [Firewall]
    public var routes: [NetworkRoute]
    /// Where the endpoints of sites are; sites without an entry are not checked.
    public var endpoints: [SiteEndpoints]
    /// Where call-control clusters and Skype for Business pools are, when given (`call_control`); others are placed
    /// by their addresses.
    public var callControl: [CallControlPlacement] = []
    /// Warnings found while reading the section (rules that can never match, …); reported by
    /// `NetworkAnalysis.findings`, not with the plan's load warnings.
    public var warnings: [Diagnostic]
    public var source: SourceLocation

    /// Index of the segment holding `address`: the one whose ranges contain it, else the default segment.
    public func segment(containing address: IPAddressValue) -> Int? {
        segments.firstIndex { !$0.isDefault && $0.ranges.contains(address) } ?? segments.firstIndex(where: \.isDefault)
    }

    /// The endpoints entry of site index `site`.
    public func endpoints(ofSite site: SiteID) -> SiteEndpoints? {
        endpoints.first { $0.site == site }
    }

    /// The `call_control` entry of a cluster or pool.
    public func placement(of sender: CallControlPlacement.Sender) -> CallControlPlacement? {
        callControl.first { $0.sender == sender }
    }
}

/// A network segment: a subnet or a group of subnets with no filtering or translation inside it (a data centre
/// LAN, a DMZ, a WAN, the Internet).
public struct NetworkSegment: Sendable, Hashable {
    public var name: String
    /// The addresses in the segment; for the default segment, every address outside the other segments.
    public var ranges: AddressSet
    /// The segment that holds every address no other segment holds (the Internet, usually). At most one.
    public var isDefault: Bool
    public var source: SourceLocation
}

/// A link between two segments: a router, a firewall or a NAT device. Packets cross it in both directions.
public struct NetworkLink: Sendable, Hashable {
    public var name: String
    /// The two segments it joins.
    public var ends: [Int]
    /// The firewall that filters packets crossing the link, in either direction.
    public var firewall: Int?
    public var nat: NetworkNAT?
    public var source: SourceLocation

    /// The end of the link that is not `segment`.
    public func otherEnd(_ segment: Int) -> Int { ends[0] == segment ? ends[1] : ends[0] }
}

/// Whether a firewall rule lets a packet through.
public enum FirewallAction: String, Sendable, CaseIterable, Codable {
    case allow, deny
}

/// The IP protocol a firewall rule or a flow is about.
public enum IPProtocol: String, Sendable, CaseIterable, Codable {
    case udp, tcp, esp, icmp, any

    /// "UDP", "ESP": how network engineers write them.
    public var label: String { self == .any ? "any protocol" : rawValue.uppercased() }

    /// Whether the protocol has ports.
    public var hasPorts: Bool { self == .udp || self == .tcp }
}

/// A firewall: an ordered rule list, first match wins, and a default action for packets no rule matches. Rules
/// say their direction with `from`/`to` (source and destination addresses); `between` is both directions.
public struct Firewall: Sendable, Hashable {
    public var name: String
    public var defaultAction: FirewallAction
    /// Whether a packet allowed by the default action opens state for its replies (as `stateful` on rules).
    public var stateful: Bool
    /// Rules as written, with `between` and presets expanded; equal `number`s came from one written rule.
    public var rules: [FirewallRule]
    public var source: SourceLocation
    /// Where `default` is written (the firewall itself when it is left to its default).
    public var defaultSource: SourceLocation
}

/// One (expanded) firewall rule.
public struct FirewallRule: Sendable, Hashable {
    /// The position of the written rule in its firewall (1-based), as firewall consoles number them.
    public var number: Int
    public var name: String?
    /// The preset it came from (`ipsec`, `sip`, `h323`, `media`).
    public var preset: String?
    public var action: FirewallAction
    public var ipProtocol: IPProtocol
    public var sources: AddressSet
    public var destinations: AddressSet
    /// How `from` and `to` are written, for messages.
    public var sourcesText: String
    public var destinationsText: String
    /// Destination ports; nil for any (and for protocols without ports).
    public var ports: PortSet?
    /// Source ports; nil for any.
    public var sourcePorts: PortSet?
    /// Whether replies to a packet it allows are let through without a rule of their own.
    public var stateful: Bool
    public var source: SourceLocation

    /// "rule 3 'Endpoints to edge'" or "rule 3 (ipsec)".
    public var label: String {
        var text = "rule \(number)"
        if let name { text += " '\(name)'" } else if let preset { text += " (\(preset))" }
        return text
    }
}

/// NAT on a link. Static NAT maps inside addresses 1:1 onto outside ones and translates every packet of a mapped
/// host; dynamic NAT and masquerade translate the source of connections opened from the inside (their replies are
/// translated back). Between two Pexip nodes neither is allowed; between endpoints and nodes both are.
/// [PX-gs_server_network] [PX-public_dmz_configuration]
public struct NetworkNAT: Sendable, Hashable {
    /// The kind of translation.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case `static`, dynamic, masquerade
    }

    /// One static mapping: `inside` onto `outside`, ranges of the same size.
    public struct Mapping: Sendable, Hashable {
        public var inside: AddressRange
        public var outside: AddressRange
        public var source: SourceLocation
    }

    public var kind: Kind
    /// The segment on the inside (private) side; one of the link's ends.
    public var inside: Int
    public var mappings: [Mapping]
    /// The address dynamic NAT or masquerade translates sources to (nil: the device's own, unnamed).
    public var address: IPAddressValue?
    /// The far-side addresses it translates for (`only_to` less `except_to`; every address when neither is
    /// given): a packet leaving the inside is translated only when its destination is in the scope, and one
    /// entering a static mapping only when its source is; replies follow their request. Real firewalls exempt
    /// destinations this way ("NAT to the Internet, not to the MPLS core"; ASA twice NAT / identity NAT, Linux
    /// `-d`/`! -d` on a MASQUERADE rule) (model).
    public var scope: AddressSet = .all
    /// `only_to` and `except_to` as written, for messages ("except to wan"); nil when the NAT is not scoped.
    public var scopeText: String?
    public var source: SourceLocation

    /// Whether a packet between an inside host and `remote` (the far side's address) is translated.
    func translates(remote: IPAddressValue) -> Bool { scope.contains(remote) }

    /// The outside address of `address` under a static mapping.
    func outside(of address: IPAddressValue) -> IPAddressValue? {
        guard kind == .static, let mapping = mappings.first(where: { $0.inside.contains(address) }) else { return nil }
        return address.shifted(from: mapping.inside.lower, to: mapping.outside.lower)
    }

    /// The inside address of an outside `address` under a static mapping.
    func inside(of address: IPAddressValue) -> IPAddressValue? {
        guard kind == .static, let mapping = mappings.first(where: { $0.outside.contains(address) }) else { return nil }
        return address.shifted(from: mapping.outside.lower, to: mapping.inside.lower)
    }

    /// What the NAT does to one address of a packet crossing it.
    enum Translation: Sendable, Hashable {
        /// Nothing: the address is not one the NAT maps (a static NAT's unmapped host or outside address).
        case none
        /// It would translate the address, but the far side's address is outside its scope.
        case outOfScope
        /// It translates the address to this one.
        case to(IPAddressValue)
    }

    /// What the NAT does to the source of a packet leaving its inside from `source` to `destination` (as the
    /// destination reaches it): dynamic NAT and masquerade translate every source, to `address` (or to the
    /// device's own, unnamed, kept as `source`), static NAT its mapped hosts onto their outside addresses; only
    /// for destinations in the scope. The one decision for `FlowWalker`'s walk and for the address an endpoint dials.
    func outbound(source: IPAddressValue, destination: IPAddressValue) -> Translation {
        guard let translated = kind == .static ? outside(of: source) : address ?? source else { return .none }
        return translates(remote: destination) ? .to(translated) : .outOfScope
    }

    /// What the NAT does to the destination of a packet entering its inside from `source` (as the source reaches
    /// it): a static mapping's outside address becomes its inside one, for sources in the scope.
    func inbound(destination: IPAddressValue, source: IPAddressValue) -> Translation {
        guard let translated = inside(of: destination) else { return .none }
        return translates(remote: source) ? .to(translated) : .outOfScope
    }
}

/// An explicit route: traffic from one segment to another goes through `via`, in order, instead of the shortest
/// path over links.
public struct NetworkRoute: Sendable, Hashable {
    public var from: Int
    public var to: Int
    /// Segments in between, in order.
    public var via: [Int]
    /// Whether the route also holds from `to` to `from` (through `via` reversed): written with `between`.
    public var bothWays: Bool
    public var source: SourceLocation
}

/// Where a call-control cluster or a Skype for Business pool is (the network section's `call_control`): addresses
/// or whole segments, for senders whose addresses are names without DNS records, or to say where they are outright.
/// It takes the place of the sender's own addresses.
public struct CallControlPlacement: Sendable, Hashable {
    public enum Sender: Sendable, Hashable {
        case cluster(ClusterID)
        case pool(PoolID)
    }

    public var sender: Sender
    public var addresses: AddressSet
    public var source: SourceLocation
}

/// Where a site's endpoints are: addresses, possibly a whole segment such as the Internet.
public struct SiteEndpoints: Sendable, Hashable {
    public var site: SiteID
    public var addresses: AddressSet
    /// As written, for messages.
    public var text: String
    public var source: SourceLocation
}
