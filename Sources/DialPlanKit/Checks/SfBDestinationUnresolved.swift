/// A static route's destination that no DNS record, trusted application pool or node names: Skype for Business
/// cannot deliver the calls. [MS New-CsStaticRoute] [PX-sfb/dmz_infinity_config]
enum SfBDestinationUnresolved: PlanCheck {
    static let id = CheckID.sfbDestinationUnresolved

    static func run(_ context: CheckContext) -> [Diagnostic] {
        StaticRouteVisit.all(context).compactMap { visit in
            guard visit.target.problem == .unresolved else { return nil }
            return Diagnostic(.error, "\(visit.name): \(visit.target.resolution)", at: visit.route.source, check: id)
        }
    }
}
