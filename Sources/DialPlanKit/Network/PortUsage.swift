/// Pexip Infinity's port usage: every protocol and port the analyzer checks, in one table. Flows between nodes
/// (IPsec), flows from endpoints to a Conferencing Node for each call protocol, and the firewall presets are all
/// read from here, so a port is named in exactly one place.
///
/// Source: [PX-port_usage] https://docs.pexip.com/admin/port_usage.htm and [PX-gs_server_network]
/// https://docs.pexip.com/admin/gs_server_network.htm (DOMAIN.md §3):
/// - between all nodes: UDP 500 (IKE) and IP protocol 50 (ESP), both ways;
/// - to a Conferencing Node: SIP TCP 5060 / TLS 5061, H.323 Q.931 TCP 1720, RAS UDP 1719, H.245 TCP
///   33000–39999, media UDP 40000–49999, and HTTPS TCP 443 for Infinity Connect (WebRTC) clients.
///
/// And [VCS-ports] the Cisco VCS Administrator Guide's "VCS port reference" (D14049.05): a VCS/Expressway listens
/// for H.323 on TCP 1720 and UDP 1719, and uses its "H.225 and H.245 call signaling port range", TCP 15000–19999
/// by default, inbound and outbound, once a call is established.
///
/// Model: clients send from an ephemeral port (`PortSet.ephemeral`); IKE is sent from port 500 to port 500; WebRTC
/// clients (a site's `webrtc` protocol) reach the nodes of their site's local locations; SIP over UDP 5060 is
/// checked on the call-control leg of a zone whose `sip_transport` (or DNS SRV record) says UDP.
public enum PortUsage {
    /// IKE between nodes: UDP from port 500 to port 500.
    public static let ike = FlowSpec(ipProtocol: .udp, ports: PortSet(500), sourcePorts: PortSet(500), purpose: "IKE")
    /// ESP (IP protocol 50) between nodes.
    public static let esp = FlowSpec(ipProtocol: .esp, ports: nil, sourcePorts: nil, purpose: "ESP")
    /// SIP over TLS to a node.
    public static let sipTLS = FlowSpec(ipProtocol: .tcp, ports: PortSet(5061), sourcePorts: .ephemeral, purpose: "SIP TLS")
    /// SIP over UDP to a node (where a zone sends SIP over UDP).
    public static let sipUDP = FlowSpec(ipProtocol: .udp, ports: PortSet(5060), sourcePorts: .ephemeral, purpose: "SIP UDP")
    /// SIP over TCP to a node.
    public static let sipTCP = FlowSpec(ipProtocol: .tcp, ports: PortSet(5060), sourcePorts: .ephemeral, purpose: "SIP TCP")
    /// H.323 call signalling (H.225/Q.931) to a node.
    public static let h323 = FlowSpec(ipProtocol: .tcp, ports: PortSet(1720), sourcePorts: .ephemeral, purpose: "H.323 call signalling")
    /// H.323 RAS (H.225 registration, admission and status) to a node.
    public static let ras = FlowSpec(ipProtocol: .udp, ports: PortSet(1719), sourcePorts: .ephemeral, purpose: "H.323 RAS")
    /// H.245 (H.323 call control) to a node.
    public static let h245 = FlowSpec(ipProtocol: .tcp, ports: PortSet([33000...39999]), sourcePorts: .ephemeral, purpose: "H.245")
    /// H.245 to a VCS/Expressway: its call signalling port range, where a node opens H.245 to the VCS. [VCS-ports]
    public static let vcsH245 = FlowSpec(ipProtocol: .tcp, ports: PortSet([15000...19999]), sourcePorts: .ephemeral, purpose: "H.245 to the VCS")
    /// Media (RTP/RTCP) to a node.
    public static let media = FlowSpec(ipProtocol: .udp, ports: PortSet([40000...49999]), sourcePorts: .ephemeral, purpose: "media")
    /// HTTPS to a node: Infinity Connect (WebRTC) clients' signalling.
    public static let https = FlowSpec(ipProtocol: .tcp, ports: PortSet(443), sourcePorts: .ephemeral, purpose: "HTTPS")

    /// Every flow in the table.
    static let all: [FlowSpec] = [ike, esp, sipTLS, sipTCP, sipUDP, h323, ras, h245, vcsH245, media, https]

    /// What one path must carry: each flow with its group; flows of one group are alternatives, and every group
    /// must have one that passes.
    public typealias Requirement = (flow: FlowSpec, group: Int)

    /// Between two Pexip nodes, each way: IKE and ESP, both needed. [PX-gs_server_network]
    public static let mesh: [Requirement] = [(ike, 0), (esp, 1)]

    /// "UDP 500 and ESP": the mesh's flows, for messages and help.
    public static var meshFlows: String { mesh.map(\.flow.description).joined(separator: " and ") }

    /// From a site's endpoints to the node a call of `callProtocol` lands on: SIP over TLS 5061 or TCP 5060
    /// (alternatives); H.323 needs call signalling, RAS and H.245; Skype for Business (MS-SIP) TLS 5061; every call
    /// needs media.
    public static func endpointToNode(_ callProtocol: CallProtocol) -> [Requirement] {
        switch callProtocol {
        case .sip: [(sipTLS, 0), (sipTCP, 0), (media, 1)]
        case .h323: [(h323, 0), (ras, 1), (h245, 2), (media, 3)]
        case .mssip: [(sipTLS, 0), (media, 1)]
        }
    }

    /// From the call control that hands a call to a node to the node: SIP over the zone's transport (TLS 5061, TCP
    /// 5060 or UDP 5060); H.323 call signalling TCP 1720, RAS UDP 1719 and H.245 TCP 33000–39999 (a VCS stays in
    /// the H.323 signalling path, H.245 included, so it opens H.245 to the node); a Skype for Business pool's SIP
    /// over TLS 5061. [PX-port_usage]
    public static func callControlToNode(_ callProtocol: CallProtocol, transport: SIPTransport) -> [Requirement] {
        switch callProtocol {
        case .h323: [(h323, 0), (ras, 1), (h245, 2)]
        case .mssip: [(sipTLS, 0)]
        case .sip: [(sip(transport), 0)]
        }
    }

    /// From a node back to the call control that handed it a call: the same SIP, H.323 call signalling and RAS,
    /// and H.245 to the VCS's call signalling range, TCP 15000–19999. [PX-port_usage] [VCS-ports]
    public static func nodeToCallControl(_ callProtocol: CallProtocol, transport: SIPTransport) -> [Requirement] {
        switch callProtocol {
        case .h323: [(h323, 0), (ras, 1), (vcsH245, 2)]
        case .mssip, .sip: callControlToNode(callProtocol, transport: transport)
        }
    }

    /// SIP over `transport`.
    static func sip(_ transport: SIPTransport) -> FlowSpec {
        switch transport {
        case .tls: sipTLS
        case .tcp: sipTCP
        case .udp: sipUDP
        }
    }

    /// From a site's WebRTC (Infinity Connect) clients to a node: HTTPS and media.
    public static let webRTC: [Requirement] = [(https, 0), (media, 1)]

    /// The flows of a firewall rule preset, merged per protocol (`sip` is one rule for TCP 5060–5061).
    static func presetComponents(_ flows: [FlowSpec]) -> [(IPProtocol, PortSet?)] {
        var result: [(IPProtocol, PortSet?)] = []
        for flow in flows {
            if let index = result.firstIndex(where: { $0.0 == flow.ipProtocol }) {
                if let ports = flow.ports { result[index].1 = PortSet((result[index].1?.ranges ?? []) + ports.ranges) }
            } else {
                result.append((flow.ipProtocol, flow.ports))
            }
        }
        return result
    }
}
