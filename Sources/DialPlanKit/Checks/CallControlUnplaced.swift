/// A call-control cluster or Skype for Business pool that hands simulated calls to Pexip nodes, in a plan with a
/// network that places none of it: its signalling leg (SIP, H.323 and H.245, both ways [PX-port_usage]) cannot be
/// checked, so its calls are judged as if the leg were open. (One placed in part is checked from the addresses that
/// are placed; a name beside them is most often a placed peer's own FQDN.)
///
/// One warning per cluster or pool, at its definition, naming the addresses and the nodes it hands calls to.
enum CallControlUnplaced: PlanCheck {
    static let id = CheckID.callControlUnplaced

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation else { return [] }
        let plan = context.plan
        return simulation.unplacedCallControl.map { unplaced in
            let (addresses, label, source) = NetworkAnalysis.identity(of: unplaced.sender, plan: plan)
            let kind = if case .cluster = unplaced.sender { "cluster" } else { "Skype for Business pool" }
            let problem = addresses.isEmpty
                ? "it has no addresses, so the network does not place it and its signalling to them is not checked"
                : "the network does not place it (none of \(unplaced.addresses.joined(separator: ", ")) is an IP address in a segment, directly or through DNS), so its signalling to them is not checked"
            let nodes = unplaced.nodes.map { plan.nodes[$0].name }
            let shown = nodes.count > 6 ? nodes.prefix(6).joined(separator: ", ") + " and \(nodes.count - 6) more" : nodes.joined(separator: ", ")
            return Diagnostic(
                .warning, "\(kind) '\(label)' hands simulated calls to \(nodes.count == 1 ? "node" : "nodes") \(shown), but \(problem)",
                at: source, check: id,
                notes: ["give IP addresses or DNS records, or place it with a network call_control entry: \(unplaced.sender.entryTemplate(plan: plan))"])
        }
    }
}
