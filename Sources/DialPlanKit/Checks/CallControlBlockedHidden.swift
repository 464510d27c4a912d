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
        let paths = simulation.hiddenCallControl.compactMap { leg -> HiddenPaths.Path? in
            guard let checks = network.callControlLeg(leg.sender, node: leg.node) else { return nil }
            let over = switch leg.sender {
            case .cluster(_, .sip, let transport), .pool(_, let transport): "SIP over \(transport.rawValue.uppercased())"
            case .cluster(_, let callProtocol, _): callProtocol == .h323 ? "H.323" : callProtocol.rawValue
            }
            return HiddenPaths.Path(label: over, checks: checks, calls: leg.calls, verdicts: leg.verdicts, alreadyNamed: leg.alreadyNamed)
        }
        return HiddenPaths.findings(paths, check: id) { verdicts, what in
            "the call control and the landing nodes of calls whose verdict (\(verdicts)) names another problem cannot reach each other: \(what); fixing the problem their verdict names leaves them blocked here"
        }
    }
}

/// A site's endpoints that cannot reach a landing node of their calls, where each call's verdict names another
/// problem first (the node's broken mesh, or another node the endpoints cannot reach for other reasons): fixing it
/// would leave these calls blocked here, so the path is reported too. [PX-port_usage]
///
/// One error per cause that the blamed node's path does not share, at the place responsible, with each site's
/// path (protocol, calls) as a note.
enum EndpointsBlockedHidden: PlanCheck {
    static let id = CheckID.endpointsBlocked

    static func run(_ context: CheckContext) -> [Diagnostic] {
        guard let simulation = context.simulation, let network = simulation.network else { return [] }
        let paths = simulation.hiddenEndpoints.compactMap { leg -> HiddenPaths.Path? in
            guard let check = network.reachability(site: leg.site, node: leg.node, protocol: leg.callProtocol) else { return nil }
            return HiddenPaths.Path(label: leg.callProtocol.rawValue, checks: [check], calls: leg.calls, verdicts: leg.verdicts, alreadyNamed: [])
        }
        return HiddenPaths.findings(paths, check: id) { verdicts, what in
            "sites' endpoints cannot reach the landing nodes of calls whose verdict (\(verdicts)) names another problem: \(what); fixing the problem their verdict names leaves them blocked here"
        }
    }
}

/// Paths that calls need but whose verdicts name another problem, grouped into one finding per cause.
enum HiddenPaths {
    struct Path {
        /// What the path carries, for notes: "H.323", "SIP over TLS", "sip".
        var label: String
        var checks: [PathCheck]
        var calls: Int
        var verdicts: Set<Verdict>
        /// Problems the calls' verdicts already name: not reported again.
        var alreadyNamed: Set<HiddenCallControlLeg.Failure>
    }

    static func findings(_ paths: [Path], check: CheckID, message: (_ verdicts: String, _ what: String) -> String) -> [Diagnostic] {
        var order: [PathCause] = []
        var groups: [PathCause: (flows: [FlowSpec], verdicts: Set<Verdict>, notes: [String])] = [:]
        for path in paths {
            for pathCheck in path.checks where pathCheck.status != .ok {
                for failure in pathCheck.failures where !path.alreadyNamed.contains(HiddenCallControlLeg.Failure(cause: failure.cause, flow: failure.flow)) {
                    let cause = failure.cause
                    if groups[cause] == nil {
                        order.append(cause)
                        groups[cause] = ([], [], [])
                    }
                    if !groups[cause]!.flows.contains(failure.flow) { groups[cause]!.flows.append(failure.flow) }
                    let note = "\(path.label): \(pathCheck.from) → \(pathCheck.to): \(failure) (\(path.calls) call\(path.calls == 1 ? "" : "s"))"
                    if !groups[cause]!.notes.contains(note) { groups[cause]!.notes.append(note) }
                    groups[cause]!.verdicts.formUnion(path.verdicts)
                }
            }
        }
        return order.map { cause in
            let group = groups[cause]!
            let verdicts = Verdict.allCases.filter(group.verdicts.contains).map(\.rawValue).joined(separator: ", ")
            return Diagnostic(.error, message(verdicts, cause.description(failing: group.flows)), at: cause.source, check: check, notes: group.notes)
        }
    }
}
