/// One kind of traffic a path must carry: a protocol and, for UDP and TCP, the destination ports.
public struct FlowSpec: Sendable, Hashable, CustomStringConvertible {
    public var ipProtocol: IPProtocol
    /// Destination ports; nil for protocols without ports.
    public var ports: PortSet?
    /// The ports the sender sends from.
    public var sourcePorts: PortSet?
    /// What the traffic is for: "IKE", "ESP", "SIP TLS", "media".
    public var purpose: String

    /// "UDP 500", "ESP", "UDP 40000–49999".
    public var description: String {
        guard let ports else { return ipProtocol.label }
        return "\(ipProtocol.label) \(ports)"
    }
}

/// Why a flow does not get through.
public struct PathFailure: Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, as `mesh` and `check` name it.
    public enum Kind: String, Sendable, Hashable, Codable {
        case noRoute = "no-route", blocked, nat
    }

    public var kind: Kind
    public var flow: FlowSpec
    /// The link where the flow is blocked or translated.
    public var link: String?
    /// The firewall that blocks it.
    public var firewall: String?
    /// The rule that denies it ("rule 3 'No ESP'"), or nil when the firewall's default action does.
    public var rule: String?
    /// Whether it is the replies that fail (the request got through).
    public var isReturnTraffic: Bool
    /// What happened, without the flow: "denied by firewall 'wan-fw' default deny on link 'oslo-wan'".
    public var reason: String
    /// The rule, firewall default, NAT or node responsible.
    public var source: SourceLocation?
    /// When only part of the flow fails: the endpoints' addresses or ports that do ("from 10.50.0.128/25").
    public var part: String?
    /// Where on the path it happens: the position of the link (0 for the first link from the sender), nil when
    /// there is no path. Orders a path's problems from the sender on.
    public var hop: Int?

    /// "ESP: denied by firewall 'wan-fw' default deny on link 'oslo-wan'".
    public var description: String {
        var text = "\(flow)"
        if isReturnTraffic { text += " replies" }
        if let part { text += " (\(part))" }
        return text + ": " + reason
    }

    /// What is responsible, whichever flow it fails.
    public var cause: PathCause {
        PathCause(kind: kind, link: link, firewall: firewall, rule: rule, isReturnTraffic: isReturnTraffic, reason: reason, source: source)
    }

    /// Path order: by the link's position from the sender, the request before its replies (a problem met first
    /// on the way out comes first).
    static func pathOrder(_ a: PathFailure, _ b: PathFailure) -> Bool {
        (a.hop ?? -1, a.isReturnTraffic ? 1 : 0) < (b.hop ?? -1, b.isReturnTraffic ? 1 : 0)
    }

    /// `failures` sorted in path order, stably: in their given order where the path does not tell them apart.
    static func inPathOrder(_ failures: [PathFailure]) -> [PathFailure] {
        failures.enumerated().sorted { a, b in
            pathOrder(a.element, b.element) || !pathOrder(b.element, a.element) && a.offset < b.offset
        }.map(\.element)
    }
}

/// What breaks a path, whichever flows it breaks: one firewall rule or default (for requests or for replies), one
/// NAT, or a missing path. One cause is one fix: a broken pair of nodes is listed under each of its causes.
public struct PathCause: Sendable, Hashable, CustomStringConvertible {
    public var kind: PathFailure.Kind
    /// The link where packets are blocked or translated.
    public var link: String?
    /// The firewall that blocks them.
    public var firewall: String?
    /// The rule that denies them, or nil when the firewall's default action does.
    public var rule: String?
    /// Whether it is the replies that fail.
    public var isReturnTraffic: Bool
    /// What happens: "denied by firewall 'wan-fw' default deny on link 'oslo-wan'".
    public var reason: String
    /// The rule, firewall default, NAT or node responsible.
    public var source: SourceLocation?

    /// "replies denied by firewall …", "denied by firewall …".
    public var description: String { (isReturnTraffic ? "replies " : "") + reason }

    /// "UDP 500, ESP: denied by firewall 'wan-fw' default deny (no rule matches) on link 'oslo-wan'".
    public func description(failing flows: [FlowSpec]) -> String {
        flows.map(\.description).joined(separator: ", ") + (isReturnTraffic ? " replies" : "") + ": " + reason
    }
}

/// The check of one flow on one path.
public struct FlowCheck: Sendable, Hashable, CustomStringConvertible {
    public var flow: FlowSpec
    public var status: PathCheck.Status
    /// Every problem on the flow's path, in path order (empty when ok); the walk goes on past each one as if it
    /// were fixed, so fixing the first never reveals one that is not listed.
    public var failures: [PathFailure]
    /// Flows with the same group are alternatives: one that passes satisfies the group (SIP over TLS or TCP).
    public var group: Int
    /// A packet that shows the result (the first failing part), re-walked for `traceSteps`.
    var witness: Packet

    /// The first problem on the path.
    public var failure: PathFailure? { failures.first }

    public var description: String { failure?.description ?? "\(flow): ok" }
}

/// Whether traffic gets from one place to another: the path and, per flow, ok or the hop that fails it.
public struct PathCheck: Sendable, Hashable, CustomStringConvertible {
    /// The outcome of a check.
    public enum Status: String, Sendable, Hashable, Codable, Comparable {
        case ok, noRoute = "no-route", blocked, nat

        init(_ kind: PathFailure.Kind) {
            switch kind {
            case .noRoute: self = .noRoute
            case .blocked: self = .blocked
            case .nat: self = .nat
            }
        }

        private var rank: Int {
            switch self {
            case .ok: 0
            case .blocked: 1
            case .nat: 2
            case .noRoute: 3
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// Who sends: "osl-px01 (10.10.1.11)" or "Oslo HQ endpoints (10.50.0.0/24)".
    public var from: String
    /// Who receives.
    public var to: String
    public var status: Status
    /// Every flow checked, in order.
    public var flows: [FlowCheck]
    /// Segment names along the path (empty when there is none).
    public var segments: [String]
    /// Whether translation is allowed on the path (sites to nodes) or not (between nodes).
    var natAllowed: Bool
    var sourceSegment: Int?
    var destinationSegment: Int?

    /// Every problem that breaks the path, in path order (empty when ok): `PathCheck.breaking(flows)`.
    public internal(set) var failures: [PathFailure]

    /// The problems that break a path with `flows`, in path order: the failures of each group of flows that has
    /// no passing flow (of its first flow, for a group of alternatives such as SIP over TLS or TCP).
    static func breaking(_ flows: [FlowCheck]) -> [PathFailure] {
        var result: [PathFailure] = []
        var seen: Set<Int> = []
        var satisfied: Set<Int> = []
        for flow in flows where flow.status == .ok { satisfied.insert(flow.group) }
        for flow in flows where !satisfied.contains(flow.group) && seen.insert(flow.group).inserted {
            result += flow.failures
        }
        return PathFailure.inPathOrder(result)
    }

    /// The first problem on the path, which decides the status (nil when ok).
    public var failure: PathFailure? { status == .ok ? nil : failures.first }

    /// The distinct causes of `failures`, in path order: what must be fixed for the path to work.
    public var causes: [PathCause] {
        var result: [PathCause] = []
        for failure in failures where !result.contains(failure.cause) { result.append(failure.cause) }
        return result
    }

    /// The flows `cause` fails on this path, in flow order.
    public func flows(failing cause: PathCause) -> [FlowSpec] {
        flows.map(\.flow).filter { flow in failures.contains { $0.flow == flow && $0.cause == cause } }
    }

    /// Each cause with the flows it fails: "UDP 500, ESP: denied by …", in path order.
    public var causeDescriptions: [String] { causes.map { $0.description(failing: flows(failing: $0)) } }

    /// "osl-px01 (10.10.1.11) → sin-px01 (10.40.1.11): blocked: ESP: denied by firewall 'wan-fw' default deny on
    /// link 'oslo-wan'".
    public var description: String {
        "\(from) → \(to): " + (failure.map { "\(status.rawValue): \($0)" } ?? "ok (\(flows.filter { $0.status == .ok }.map(\.flow.description).joined(separator: ", ")))")
    }
}

/// One end of a mesh pair: the Management Node or a Conferencing Node.
public enum MeshEnd: Sendable, Hashable, Comparable {
    case management
    case node(NodeID)

    public static func < (lhs: MeshEnd, rhs: MeshEnd) -> Bool {
        switch (lhs, rhs) {
        case (.management, .node): true
        case (.node(let a), .node(let b)): a < b
        default: false
        }
    }
}

/// An ordered pair of Pexip nodes that must reach each other, and whether they do: UDP 500 (IKE) and ESP from
/// `from` to `to` with their replies, no NAT on the way. [PX-gs_server_network] [PX-port_usage]
public struct MeshPair: Sendable, Hashable, CustomStringConvertible {
    public var from: MeshEnd
    public var to: MeshEnd
    public var check: PathCheck

    public var status: PathCheck.Status { check.status }
    /// IKE (UDP 500).
    public var ike: FlowCheck { check.flows[0] }
    /// ESP.
    public var esp: FlowCheck { check.flows[1] }

    public var description: String { check.description }
}

/// A packet at one point of a path: addresses and, for UDP and TCP, ports (0 otherwise).
struct Packet: Sendable, Hashable {
    var ipProtocol: IPProtocol
    var source: IPAddressValue
    var destination: IPAddressValue
    var sourcePort: Int
    var destinationPort: Int

    var reply: Packet {
        Packet(ipProtocol: ipProtocol, source: destination, destination: source, sourcePort: destinationPort, destinationPort: sourcePort)
    }
}
