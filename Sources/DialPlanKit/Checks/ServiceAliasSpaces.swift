/// A service alias with spaces around it is stored with them, and no endpoint dials them: it is never matched as
/// its owner meant. [PX-about_aliases: an alias is stored exactly as received]
enum ServiceAliasSpaces: PlanCheck {
    static let id = CheckID.serviceAliasSpaces

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        return plan.services.enumerated().flatMap { serviceIndex, service in
            service.aliases.compactMap { alias -> Diagnostic? in
                // Only an alias that starts or ends with white space is trimmed (Foundation's trimming is slow on
                // 100,000 aliases).
                guard let first = alias.alias.unicodeScalars.first, let last = alias.alias.unicodeScalars.last,
                    first.properties.isWhitespace || last.properties.isWhitespace
                else { return nil }
                let trimmed = alias.alias.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed != alias.alias else { return nil }
                return Diagnostic(
                    .warning,
                    "alias '\(alias.alias)' of \(plan.describe(ServiceRef.service(ServiceID(serviceIndex)))) has spaces around it, which no dialled alias has: calls to '\(trimmed)' do not match it",
                    at: alias.source, check: id, witness: trimmed,
                    notes: ["remove the spaces"])
            }
        }
    }
}
