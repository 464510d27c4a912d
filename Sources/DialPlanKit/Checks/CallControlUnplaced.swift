/// A call-control cluster or Skype for Business pool that hands simulated calls to Pexip nodes, in a plan with a
/// network that places none of its addresses: its signalling leg to the nodes (SIP, H.323, H.245 both ways
/// [PX-port_usage]) cannot be checked, so its calls are judged as if the leg were open.
///
/// One warning per cluster or pool, at its definition, naming its addresses as written and the nodes it hands calls to.
enum CallControlUnplaced: PlanCheck {
    static let id = CheckID.callControlUnplaced

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation else { return [] }
        let plan = context.plan
        return simulation.unplacedCallControl.map { unplaced in
            let (addresses, label, source) = NetworkAnalysis.identity(of: unplaced.sender, plan: plan)
            let kind = if case .cluster = unplaced.sender { "cluster" } else { "Skype for Business pool" }
            let written = addresses.isEmpty ? "it has no addresses" : "none of \(addresses.joined(separator: ", ")) is an IP address in a segment, directly or through DNS"
            let nodes = unplaced.nodes.map { plan.nodes[$0].name }
            let shown = nodes.count > 6 ? nodes.prefix(6).joined(separator: ", ") + " and \(nodes.count - 6) more" : nodes.joined(separator: ", ")
            return Diagnostic(
                .warning,
                "\(kind) '\(label)' hands simulated calls to \(nodes.count == 1 ? "node" : "nodes") \(shown), but the network does not place it (\(written)), so its signalling to them is not checked",
                at: source, check: id,
                notes: ["place it with a network call_control entry: {\(kind == "cluster" ? "cluster: \(label)" : "pool: \(label)"), subnets: [SEGMENT]}"])
        }
    }
}
