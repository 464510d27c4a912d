/// A batch test: calls to place and what must (or must not) happen to them.
public struct TestCase: Sendable {
    /// What is dialled: one alias, or samples generated from a pattern.
    public enum Target: Sendable {
        case alias(String)
        /// `samples` aliases matching `pattern` and `nearMisses` just outside it, from `seed`.
        case pattern(String, samples: Int, nearMisses: Int, seed: UInt64)
    }

    public var name: String
    /// Every site when the case says `all` (or nothing).
    public var sites: [SiteID]
    public var target: Target
    /// Protocols to place the calls over; nil = every protocol each site uses.
    public var protocols: [CallProtocol]?
    public var expect: Expectation
    /// Expectations for near-miss samples.
    public var nearMissExpect: Expectation
    public var source: SourceLocation
}

/// What a call must and must not look like. Every list is "one of these".
public struct Expectation: Sendable, Equatable {
    public var verdicts: [Verdict]?
    public var locations: [String]?
    public var mediaLocations: [String]?
    public var nodes: [String]?
    /// Service names or kinds (`conference`, `lecture`, `two_stage_dialing`, `test_call`, `media_playback`,
    /// `gateway_rule`).
    public var services: [String]?
    public var finalAliases: [String]?
    /// Locations of the nodes the call was offered to, whether they took it or rejected it (for routing tests of
    /// aliases that need not exist).
    public var reachedLocations: [String]?
    public var notVerdicts: [Verdict]?
    public var notReachedLocations: [String]?
    public var notLocations: [String]?
    public var notMediaLocations: [String]?
    public var notNodes: [String]?
    public var notServices: [String]?
    public var notFinalAliases: [String]?
    /// What a Call Routing Rule dials out: the alias, and the location the call is placed from.
    public var outgoingAliases: [String]?
    public var notOutgoingAliases: [String]?
    public var outgoingLocations: [String]?
    public var notOutgoingLocations: [String]?

    public init() {}

    /// Whether the expectation says anything at all.
    public var isEmpty: Bool { self == Expectation() }

    /// What the call does that the expectation forbids, one sentence each (empty: it passes).
    public func failures(of call: CallFacts) -> [String] {
        var failures: [String] = []
        let locations = unique(call.landings.map(\.location))
        let nodes = call.landings.map(\.node)
        let landed = !call.landings.isEmpty
        func list(_ values: [String]) -> String { values.isEmpty ? "nothing" : values.joined(separator: ", ") }
        func sameText(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
        func contains(_ values: [String], _ value: String) -> Bool { values.contains { sameText($0, value) } }

        if let verdicts, !verdicts.contains(call.verdict) {
            failures.append("expected verdict \(verdicts.map(\.rawValue).joined(separator: " or ")), got \(call.verdict.rawValue)")
        }
        if let notVerdicts, notVerdicts.contains(call.verdict) {
            failures.append("expected a verdict other than \(call.verdict.rawValue)")
        }
        if let expected = self.locations, !landed || !locations.allSatisfy({ contains(expected, $0) }) {
            failures.append("expected to land in \(expected.joined(separator: " or ")), landed in \(list(locations))")
        }
        if let forbidden = notLocations, let bad = locations.first(where: { contains(forbidden, $0) }) {
            failures.append("must not land in \(bad), landed in \(list(locations))")
        }
        let reached = unique(call.reached.map(\.location))
        if let expected = reachedLocations, reached.isEmpty || !reached.allSatisfy({ contains(expected, $0) }) {
            failures.append("expected to reach Pexip in \(expected.joined(separator: " or ")), reached \(list(reached))")
        }
        if let forbidden = notReachedLocations, let bad = reached.first(where: { contains(forbidden, $0) }) {
            failures.append("must not reach Pexip in \(bad), reached \(list(reached))")
        }
        if let expected = mediaLocations, call.mediaLocations.isEmpty || !call.mediaLocations.allSatisfy({ contains(expected, $0) }) {
            failures.append("expected media in \(expected.joined(separator: " or ")), media in \(list(call.mediaLocations))")
        }
        if let forbidden = notMediaLocations, let bad = call.mediaLocations.first(where: { contains(forbidden, $0) }) {
            failures.append("must not have media in \(bad)")
        }
        if let expected = self.nodes, !landed || !nodes.allSatisfy({ contains(expected, $0) }) {
            failures.append("expected to land on \(expected.joined(separator: " or ")), landed on \(list(nodes))")
        }
        if let forbidden = notNodes, let bad = nodes.first(where: { contains(forbidden, $0) }) {
            failures.append("must not land on \(bad)")
        }
        // Every service the landings reach must be expected; when they disagree the call gets one of them.
        let service = call.serviceText ?? "no service"
        func matches(_ names: [String], _ taker: (kind: String, name: String)) -> Bool { contains(names, taker.name) || contains(names, taker.kind) }
        if let expected = services, call.services.isEmpty || !call.services.allSatisfy({ matches(expected, $0) }) {
            failures.append("expected service \(expected.joined(separator: " or ")), got \(service)")
        }
        if let forbidden = notServices, let bad = call.services.first(where: { matches(forbidden, $0) }) {
            failures.append("must not be taken by \(bad.kind) '\(bad.name)'" + (call.services.count > 1 ? " (the call reaches \(service))" : ""))
        }
        if let expected = finalAliases, !(call.finalAlias.map { expected.contains($0) } ?? false) {
            failures.append("expected Pexip to receive \(expected.map { "'\($0)'" }.joined(separator: " or ")), got \(call.finalAlias.map { "'\($0)'" } ?? "nothing")")
        }
        if let forbidden = notFinalAliases, let actual = call.finalAlias, forbidden.contains(actual) {
            failures.append("Pexip must not receive '\(actual)'")
        }
        // Every outgoing leg the landings place must be expected (and none forbidden).
        let outgoingAliases = unique(call.outgoingCalls.map(\.alias))
        let outgoingLocations = unique(call.outgoingCalls.map(\.location))
        func quoted(_ values: [String]) -> String { values.isEmpty ? "nothing" : values.map { "'\($0)'" }.joined(separator: ", ") }
        if let expected = self.outgoingAliases, outgoingAliases.isEmpty || !outgoingAliases.allSatisfy({ expected.contains($0) }) {
            failures.append("expected Pexip to dial out \(expected.map { "'\($0)'" }.joined(separator: " or ")), dialled \(quoted(outgoingAliases))")
        }
        if let forbidden = notOutgoingAliases, let bad = outgoingAliases.first(where: { forbidden.contains($0) }) {
            failures.append("Pexip must not dial out '\(bad)'")
        }
        if let expected = self.outgoingLocations, outgoingLocations.isEmpty || !outgoingLocations.allSatisfy({ contains(expected, $0) }) {
            failures.append("expected the outgoing call from \(expected.joined(separator: " or ")), placed from \(list(outgoingLocations))")
        }
        if let forbidden = notOutgoingLocations, let bad = outgoingLocations.first(where: { contains(forbidden, $0) }) {
            failures.append("the outgoing call must not be placed from \(bad)")
        }
        return failures
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
