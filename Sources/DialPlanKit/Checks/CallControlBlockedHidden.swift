/// A broken call-control leg that simulated calls use, where each call's verdict names another problem first: its
/// nodes' broken mesh, its endpoints' path, or another landing's leg broken by other problems (`VerdictRule`
/// decides one blame per call). Fixing the named problem would leave these calls blocked here, so the leg is
/// reported too: the call's whole path, every cause. [PX-port_usage]
///
/// One error per cause (firewall rule or default, NAT, missing path) that the calls' verdicts do not already name,
/// at the place responsible, with the flows it fails and each leg (protocol, direction, calls) as a note.
enum CallControlBlockedHidden: PlanCheck {
    static let id = CheckID.callControlBlocked

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation, let network = simulation.network else { return [] }
        var order: [PathCause] = []
        var groups: [PathCause: (flows: [FlowSpec], verdicts: Set<Verdict>, notes: [String])] = [:]
        for leg in simulation.hiddenCallControl {
            guard let checks = network.callControlLeg(leg.sender, node: leg.node) else { continue }
            let over = switch leg.sender {
            case .cluster(_, .sip, let transport), .pool(_, let transport): "SIP over \(transport.rawValue.uppercased())"
            case .cluster(_, let callProtocol, _): callProtocol == .h323 ? "H.323" : callProtocol.rawValue
            }
            for check in checks where check.status != .ok {
                for failure in check.failures where !leg.alreadyNamed.contains(HiddenCallControlLeg.Failure(cause: failure.cause, flow: failure.flow)) {
                    let cause = failure.cause
                    if groups[cause] == nil {
                        order.append(cause)
                        groups[cause] = ([], [], [])
                    }
                    if !groups[cause]!.flows.contains(failure.flow) { groups[cause]!.flows.append(failure.flow) }
                    let note = "\(over): \(check.from) → \(check.to): \(failure) (\(leg.calls) call\(leg.calls == 1 ? "" : "s"))"
                    if !groups[cause]!.notes.contains(note) { groups[cause]!.notes.append(note) }
                    groups[cause]!.verdicts.formUnion(leg.verdicts)
                }
            }
        }
        return order.map { cause in
            let group = groups[cause]!
            let verdicts = Verdict.allCases.filter(group.verdicts.contains).map(\.rawValue).joined(separator: ", ")
            return Diagnostic(
                .error,
                "the call control and the landing nodes of calls whose verdict (\(verdicts)) names another problem cannot reach each other: \(cause.description(failing: group.flows)); fixing the problem their verdict names leaves them blocked here",
                at: cause.source, check: id, notes: group.notes)
        }
    }
}
