/// The first matching static route wins, so a later route whose domains an earlier one covers never applies. [MS]
enum SfBRouteShadowed: PlanCheck {
    static let id = CheckID.sfbRouteShadowed

    static func run(_ context: CheckContext) -> [Diagnostic] {
        StaticRouteVisit.all(context).compactMap { visit in
            let routes = visit.configuration.routes
            guard visit.route.enabled,
                let earlier = routes[..<visit.ref.route.index].first(where: { $0.enabled && visit.route.isCovered(by: $0) && (!$0.matchOnlyPhoneURI || visit.route.matchOnlyPhoneURI) })
            else { return nil }
            return Diagnostic(.warning, "\(visit.name) is shadowed by the earlier route '\(earlier.matchURI)' (\(earlier.source)), which matches every domain it does", at: visit.route.source, check: id)
        }
    }
}
