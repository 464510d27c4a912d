/// One hop of a walked packet, for `trace`: what the link's firewall and NAT did.
struct WalkEvent: Sendable, Hashable {
    var status: TraceStep.Status
    var name: String?
    var detail: String
    var source: SourceLocation?
}

/// Walks one packet hop by hop along the path between two segments, through each link's firewall and NAT, then
/// walks its replies back, the way a firewall administrator traces a flow. Packets are concrete (one address and
/// port each way); `NetworkEngine` reduces ranges of endpoints and ports to such packets.
///
/// Model choices: a firewall on a link filters packets in both directions with one rule list (rules say their
/// direction with `from`/`to`); it sees the inside (untranslated) addresses of a NAT on the same link, as ASA and
/// most firewalls since do; replies follow the request's path backwards; a stateful rule (or a stateful
/// firewall's default allow) lets the replies of what it allowed through that firewall, and replies of a stateless
/// one need a rule of their own.
struct FlowWalker: Sendable {
    let network: Network
    let paths: SegmentPaths

    /// The address `sender` in `sourceSegment` uses to reach `address` in `destinationSegment`: the outside
    /// address of each static NAT on the way in whose scope holds the sender as that NAT sees it (translated by
    /// the NATs it left through before, as `walk` translates it), as an endpoint on the Internet dials a node's
    /// static NAT address.
    func dialledAddress(_ address: IPAddressValue, by sender: IPAddressValue, from sourceSegment: Int, to destinationSegment: Int) -> IPAddressValue {
        guard let hops = paths.path(from: sourceSegment, to: destinationSegment) else { return address }
        // A scoped NAT on the way out may translate the sender or not depending on the address dialled, which
        // depends on the translated sender: start from the sender untranslated, and settle it in a pass or two.
        var dialled = self.dialled(address, along: hops, sources: Array(repeating: sender, count: hops.count))
        for _ in 0..<2 {
            let next = self.dialled(address, along: hops, sources: sources(of: sender, to: dialled, along: hops))
            if next == dialled { break }
            dialled = next
        }
        return dialled
    }

    /// `address` mapped onto the outside address of each static NAT on `hops` that would translate it back for a
    /// packet from `sources[n]`, the source as the link of `hops[n]` receives it, from the last NAT on the way in
    /// outwards.
    private func dialled(_ address: IPAddressValue, along hops: [SegmentPaths.Hop], sources: [IPAddressValue]) -> IPAddressValue {
        var address = address
        for (number, hop) in hops.enumerated().reversed() {
            if let nat = network.links[hop.link].nat, nat.inside == hop.to, let outside = nat.outside(of: address),
                case .to = nat.inbound(destination: outside, source: sources[number]) {
                address = outside
            }
        }
        return address
    }

    /// The source of a packet from `sender` to `destination` as the link of each of `hops` receives it: translated
    /// by the NATs before (NAT allowed, as on the way from endpoints to a node).
    private func sources(of sender: IPAddressValue, to destination: IPAddressValue, along hops: [SegmentPaths.Hop]) -> [IPAddressValue] {
        var source = sender
        var destination = destination
        var result: [IPAddressValue] = []
        for hop in hops {
            result.append(source)
            guard let nat = network.links[hop.link].nat else { continue }
            if nat.inside == hop.to, case .to(let inside) = nat.inbound(destination: destination, source: source) { destination = inside }
            if nat.inside == hop.from, case .to(let translated) = nat.outbound(source: source, destination: destination) { source = translated }
        }
        return result
    }

    /// Every failure of `packet` on its way from its source's segment to `destinationSegment` and back, in the
    /// order met (empty when it and its replies get through). The walk goes on past a problem as if that hop were
    /// fixed, so that nothing behind it is hidden: a denied packet as if the firewall allowed it (statefully when
    /// the firewall is stateful by default, as a rule added to it would be), a forbidden NAT as if it did not
    /// translate. Only a missing path ends the walk. `events`, when given, collects every hop.
    func walk(
        _ packet: Packet, flow: FlowSpec, from sourceSegment: Int, to destinationSegment: Int, natAllowed: Bool,
        events: inout [WalkEvent]?
    ) -> [PathFailure] {
        let segments = network.segments
        var failures: [PathFailure] = []
        func fail(_ kind: PathFailure.Kind, hop: Int?, link: Int?, firewall: Int? = nil, rule: String? = nil, isReturn: Bool = false, reason: String, source: SourceLocation?) {
            failures.append(PathFailure(
                kind: kind, flow: flow, link: link.map { network.links[$0].name }, firewall: firewall.map { network.firewalls[$0].name },
                rule: rule, isReturnTraffic: isReturn, reason: reason, source: source, part: nil, hop: hop))
        }
        guard let hops = paths.path(from: sourceSegment, to: destinationSegment) else {
            let reason = "no path from segment '\(segments[sourceSegment].name)' to segment '\(segments[destinationSegment].name)': no links or routes join them"
            events?.append(WalkEvent(status: .notFound, name: segments[sourceSegment].name, detail: reason, source: segments[sourceSegment].source))
            fail(.noRoute, hop: nil, link: nil, reason: reason, source: segments[sourceSegment].source)
            return failures
        }
        events?.append(WalkEvent(status: .info, name: segments[sourceSegment].name, detail: "leaves \(describe(packet)) in segment '\(segments[sourceSegment].name)'", source: segments[sourceSegment].source))
        var packet = packet
        // What each link's firewall saw, whether it denied the request (walked on as if allowed), whether its NAT
        // translated the request (or was found where no NAT may be), and the firewalls holding state.
        var views: [Packet] = []
        var deniedRequest: [Bool] = []
        var translatedRequest: [Bool] = []
        var natFailed: [Bool] = []
        var stateFirewalls: Set<Int> = []
        for (number, hop) in hops.enumerated() {
            let link = network.links[hop.link]
            let crossing = "hop \(number + 1): \(segments[hop.from].name) → \(segments[hop.to].name) over link '\(link.name)'"
            var notes: [String] = []
            var translated = false
            var denied = false
            var rejected = false
            var failedNAT = false
            // After a rejection (its own event), the hop's event goes on from there.
            var shownFrom = 0
            // Inbound through a NAT: the destination is translated before the firewall sees it, when the sender is
            // in the NAT's scope.
            if let nat = link.nat, nat.inside == hop.to {
                switch nat.inbound(destination: packet.destination, source: packet.source) {
                case .none: break
                case .outOfScope: notes.append("static NAT does not translate packets from \(packet.source) (\(nat.scopeText ?? ""))")
                case .to(let inside):
                    let note = "static NAT translates the destination \(packet.destination) → \(inside)"
                    if natAllowed {
                        translated = true
                        packet.destination = inside
                        notes.append(note)
                    } else {
                        events?.append(WalkEvent(status: .rejected, name: link.name, detail: "\(crossing): \(note)", source: nat.source))
                        fail(.nat, hop: number, link: hop.link, reason: "static NAT on link '\(link.name)'\(scoped(nat)) translates the destination; there must be no NAT between Pexip nodes", source: nat.source)
                        rejected = true
                        shownFrom = notes.count
                        failedNAT = true
                        notes.append("walked on as if it did not translate")
                    }
                }
            }
            let view = packet
            var ruleSource: SourceLocation?
            if let firewallIndex = link.firewall {
                let firewall = network.firewalls[firewallIndex]
                let decision = decide(firewall, view)
                ruleSource = decision.rule.map { firewall.rules[$0].source } ?? firewall.defaultSource
                let by = decision.rule.map { firewall.rules[$0].label } ?? "default \(firewall.defaultAction.rawValue) (no rule matches)"
                if decision.allowed {
                    if decision.stateful { stateFirewalls.insert(firewallIndex) }
                    notes.append("firewall '\(firewall.name)' \(by) allows \(flow)\(decision.stateful ? " (stateful)" : " (stateless)")")
                } else {
                    events?.append(WalkEvent(status: .rejected, name: link.name, detail: "\(crossing): firewall '\(firewall.name)' \(by) denies \(flow)", source: ruleSource))
                    fail(.blocked, hop: number, link: hop.link, firewall: firewallIndex, rule: decision.rule.map { firewall.rules[$0].label },
                        reason: "denied by firewall '\(firewall.name)' \(by) on link '\(link.name)'", source: ruleSource)
                    rejected = true
                    denied = true
                    shownFrom = notes.count
                    // As if a rule allowed it, with the firewall's own default state.
                    if firewall.stateful { stateFirewalls.insert(firewallIndex) }
                    notes.append("walked on as if firewall '\(firewall.name)' allowed it")
                }
            } else {
                notes.append("no firewall")
            }
            // Outbound through a NAT: the source is translated after the firewall, when the destination is in the
            // NAT's scope.
            if let nat = link.nat, nat.inside == hop.from {
                switch nat.outbound(source: packet.source, destination: packet.destination) {
                case .none: break
                case .outOfScope: notes.append("\(nat.kind.rawValue) NAT does not translate packets to \(packet.destination) (\(nat.scopeText ?? ""))")
                case .to(let translatedSource):
                    let note = "\(nat.kind.rawValue) NAT translates the source \(packet.source) → \(nat.kind == .static || nat.address != nil ? translatedSource.description : "the device's address")"
                    if natAllowed {
                        translated = true
                        packet.source = translatedSource
                        notes.append(note)
                    } else {
                        events?.append(WalkEvent(status: .rejected, name: link.name, detail: "\(crossing): \(notes.joined(separator: "; ")); \(note)", source: nat.source))
                        fail(.nat, hop: number, link: hop.link, reason: "\(nat.kind.rawValue) NAT on link '\(link.name)'\(scoped(nat)) translates the source of packets leaving segment '\(segments[nat.inside].name)'; there must be no NAT between Pexip nodes", source: nat.source)
                        rejected = true
                        shownFrom = notes.count
                        failedNAT = true
                        notes.append("walked on as if it did not translate")
                    }
                }
            }
            let status: TraceStep.Status = rejected || link.firewall == nil ? .info : .accepted
            events?.append(WalkEvent(status: status, name: link.name, detail: "\(crossing): \(notes[shownFrom...].joined(separator: "; "))", source: ruleSource ?? link.source))
            views.append(view)
            deniedRequest.append(denied)
            translatedRequest.append(translated)
            natFailed.append(failedNAT)
        }
        events?.append(WalkEvent(status: .found, name: segments[destinationSegment].name, detail: "arrives at \(packet.destination) in segment '\(segments[destinationSegment].name)'", source: nil))
        // Replies, back along the same links.
        for (number, hop) in hops.enumerated().reversed() {
            let link = network.links[hop.link]
            let reply = views[number].reply
            let crossing = "reply hop \(number + 1): \(segments[hop.to].name) → \(segments[hop.from].name) over link '\(link.name)'"
            if let nat = link.nat, nat.kind == .static, nat.inside == hop.to, !translatedRequest[number], !natFailed[number],
                case .to = nat.outbound(source: reply.source, destination: reply.destination) {
                // The request reached the host's real address, but its replies leave with the mapped one.
                let reason = "static NAT on link '\(link.name)'\(scoped(nat)) translates the source of the replies from \(reply.source); there must be no NAT between Pexip nodes"
                events?.append(WalkEvent(status: .rejected, name: link.name, detail: "\(crossing): \(reason)", source: nat.source))
                fail(.nat, hop: number, link: hop.link, isReturn: true, reason: reason, source: nat.source)
            }
            guard let firewallIndex = link.firewall else { continue }
            let firewall = network.firewalls[firewallIndex]
            if stateFirewalls.contains(firewallIndex) {
                events?.append(WalkEvent(status: .accepted, name: link.name, detail: "\(crossing): firewall '\(firewall.name)' lets the replies through (state of the request)", source: nil))
                continue
            }
            let decision = decide(firewall, reply)
            let by = decision.rule.map { firewall.rules[$0].label } ?? "default \(firewall.defaultAction.rawValue) (no rule matches)"
            let source = decision.rule.map { firewall.rules[$0].source } ?? firewall.defaultSource
            guard decision.allowed else {
                // The request was allowed statelessly, or denied here and walked on as if a rule allowed it with the
                // firewall's default, stateless.
                let detail = deniedRequest[number]
                    ? "the request was denied here (walked on as if a stateless rule allowed it), and firewall '\(firewall.name)' \(by) denies the replies too"
                    : "the request was allowed statelessly and firewall '\(firewall.name)' \(by) denies the replies"
                events?.append(WalkEvent(status: .rejected, name: link.name, detail: "\(crossing): \(detail)", source: source))
                // The same reason either way: the cause stays one when a stateless rule for the request is added.
                fail(.blocked, hop: number, link: hop.link, firewall: firewallIndex, rule: decision.rule.map { firewall.rules[$0].label }, isReturn: true,
                    reason: "denied by firewall '\(firewall.name)' \(by) on link '\(link.name)'; the request is not allowed statefully", source: source)
                continue
            }
            events?.append(WalkEvent(status: .accepted, name: link.name, detail: "\(crossing): firewall '\(firewall.name)' \(by) allows the replies", source: source))
        }
        return failures
    }

    /// " (only to internet)": a scoped NAT's scope, for messages.
    private func scoped(_ nat: NetworkNAT) -> String { nat.scopeText.map { " (\($0))" } ?? "" }

    /// The first rule of `firewall` that matches `packet`, or its default action.
    func decide(_ firewall: Firewall, _ packet: Packet) -> (allowed: Bool, rule: Int?, stateful: Bool) {
        for (index, rule) in firewall.rules.enumerated() where matches(rule, packet) {
            return (rule.action == .allow, index, rule.stateful)
        }
        return (firewall.defaultAction == .allow, nil, firewall.stateful)
    }

    private func matches(_ rule: FirewallRule, _ packet: Packet) -> Bool {
        (rule.ipProtocol == .any || rule.ipProtocol == packet.ipProtocol)
            && rule.sources.contains(packet.source) && rule.destinations.contains(packet.destination)
            && (rule.ports?.contains(packet.destinationPort) ?? true)
            && (rule.sourcePorts?.contains(packet.sourcePort) ?? true)
    }

    private func describe(_ packet: Packet) -> String {
        guard packet.ipProtocol.hasPorts else { return "\(packet.ipProtocol.label) \(packet.source) → \(packet.destination)" }
        func endpoint(_ address: IPAddressValue, _ port: Int) -> String { address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)" }
        return "\(packet.ipProtocol.label) \(endpoint(packet.source, packet.sourcePort)) → \(endpoint(packet.destination, packet.destinationPort))"
    }
}
