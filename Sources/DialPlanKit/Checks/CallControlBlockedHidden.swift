/// A broken call-control leg that simulated calls use, where each call's verdict names another problem first: a
/// mesh-broken node, endpoints that cannot reach the node, or another landing's leg (`VerdictRule` decides one
/// blame per call). Fixing the named problem would leave these calls blocked here, so the leg is reported too: the
/// call's whole path, every cause. [PX-port_usage]
///
/// One error per cause (firewall rule or default, NAT, missing path), at the place responsible, with each leg as a
/// note.
enum CallControlBlockedHidden: PlanCheck {
    static let id = CheckID.callControlBlocked

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation, let network = simulation.network else { return [] }
        var order: [PathCause] = []
        var groups: [PathCause: (failure: PathFailure, verdicts: Set<Verdict>, notes: [String])] = [:]
        for leg in simulation.hiddenCallControl {
            guard let checks = network.callControlLeg(leg.sender, node: leg.node) else { continue }
            // Every problem of every direction and place of the leg, each under its own cause.
            for check in checks where check.status != .ok {
                for failure in check.failures {
                    let cause = failure.cause
                    if groups[cause] == nil {
                        order.append(cause)
                        groups[cause] = (failure, [], [])
                    }
                    let note = "\(check.from) → \(check.to): \(failure) (\(leg.calls) call\(leg.calls == 1 ? "" : "s"))"
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
                "calls whose verdict (\(verdicts)) names another problem also cannot be handed to their landing node by the call control: \(group.failure); fixing the problem their verdict names leaves them blocked here",
                at: cause.source, check: id, notes: group.notes)
        }
    }
}
