/// A static route whose destination resolves, but not to Pexip nodes: the calls go somewhere else.
/// [MS New-CsStaticRoute] [PX-sfb/dmz_infinity_config]
enum SfBDestinationNotPexip: PlanCheck {
    static let id = CheckID.sfbDestinationNotPexip

    static func run(_ context: CheckContext) -> [Diagnostic] {
        StaticRouteVisit.all(context).compactMap { visit in
            guard case .notPexip(let addresses) = visit.target.problem else { return nil }
            return Diagnostic(.error, "\(visit.name): \(visit.route.destination) resolves to \(addresses.joined(separator: ", ")), which \(addresses.count == 1 ? "is" : "are") no Pexip node", at: visit.route.source, check: id)
        }
    }
}
