import Foundation

/// Checks flows between ranges of addresses and ports, fast. Every address range a segment, rule, NAT mapping or
/// site names cuts the address space into atoms, and every port range cuts the ports into pieces: all addresses
/// of one atom (and ports of one piece) meet the same rules, segments and translations, so one concrete packet per
/// (atom, atom, piece, piece) decides for all of them. Results are memoised on that key, so a plan with hundreds
/// of nodes in a few subnets checks a few hundred distinct packets, not every pair of addresses.
final class NetworkEngine: @unchecked Sendable {
    let network: Network
    let walker: FlowWalker
    /// Sorted starts of address atoms (after the first, which starts at ::).
    private let addressCuts: [IPAddressValue]
    /// Sorted starts of port pieces.
    private let portCuts: [Int]
    // The memo is filled lazily from any thread (call verdicts are computed in parallel), hence the lock.
    private let lock = NSLock()
    private var memo: [MemoKey: [PathFailure]] = [:]

    private struct MemoKey: Hashable {
        var ipProtocol: IPProtocol
        var source: Int
        var destination: Int
        var sourcePort: Int
        var destinationPort: Int
        var sourceSegment: Int
        var destinationSegment: Int
        var natAllowed: Bool
    }

    init(network: Network) {
        self.network = network
        walker = FlowWalker(network: network, paths: SegmentPaths(network: network))
        var cuts = Set<IPAddressValue>()
        func cut(_ range: AddressRange) {
            cuts.insert(range.lower)
            if let next = range.upper.successor { cuts.insert(next) }
        }
        var ports = Set<Int>()
        func cut(_ set: PortSet?) {
            for range in set?.ranges ?? [] {
                ports.insert(range.lowerBound)
                ports.insert(range.upperBound + 1)
            }
        }
        for segment in network.segments { segment.ranges.ranges.forEach(cut) }
        for endpoints in network.endpoints { endpoints.addresses.ranges.forEach(cut) }
        for firewall in network.firewalls {
            for rule in firewall.rules {
                rule.sources.ranges.forEach(cut)
                rule.destinations.ranges.forEach(cut)
                cut(rule.ports)
                cut(rule.sourcePorts)
            }
        }
        var mappings: [NetworkNAT.Mapping] = []
        for link in network.links {
            guard let nat = link.nat else { continue }
            if let address = nat.address { cut(AddressRange(address)) }
            nat.scope.ranges.forEach(cut)
            for mapping in nat.mappings {
                cut(mapping.inside)
                cut(mapping.outside)
                mappings.append(mapping)
            }
        }
        // A range mapped onto another carries the cuts of each side to the other, so that an atom translates into
        // one atom.
        for mapping in mappings where mapping.inside.lower != mapping.inside.upper {
            for point in cuts {
                if mapping.inside.contains(point) { cuts.insert(point.shifted(from: mapping.inside.lower, to: mapping.outside.lower)) }
                if mapping.outside.contains(point) { cuts.insert(point.shifted(from: mapping.outside.lower, to: mapping.inside.lower)) }
            }
        }
        for flow in PortUsage.all {
            cut(flow.ports)
            cut(flow.sourcePorts)
        }
        addressCuts = cuts.sorted()
        portCuts = ports.sorted()
    }

    /// The atom holding `address`: addresses with one atom meet the same rules, segments and translations.
    func atom(_ address: IPAddressValue) -> Int {
        var low = 0
        var high = addressCuts.count
        while low < high {
            let middle = (low + high) / 2
            if addressCuts[middle] <= address { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func piece(_ port: Int) -> Int {
        var low = 0
        var high = portCuts.count
        while low < high {
            let middle = (low + high) / 2
            if portCuts[middle] <= port { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Splits `set` at atom boundaries.
    func atoms(of set: AddressSet) -> [AddressRange] {
        var result: [AddressRange] = []
        for range in set.ranges {
            var start = range.lower
            let first = atom(start)
            var index = first
            while index < addressCuts.count, addressCuts[index] <= range.upper {
                if let end = addressCuts[index].predecessor, end >= start { result.append(AddressRange(start, end)) }
                start = addressCuts[index]
                index += 1
            }
            result.append(AddressRange(start, range.upper))
        }
        return result
    }

    /// Splits `set` at piece boundaries (nil: the one port 0 of ESP).
    func pieces(of set: PortSet?) -> [ClosedRange<Int>] {
        guard let set else { return [0...0] }
        var result: [ClosedRange<Int>] = []
        for range in set.ranges {
            var start = range.lowerBound
            for cut in portCuts where cut > start && cut <= range.upperBound {
                result.append(start...(cut - 1))
                start = cut
            }
            result.append(start...range.upperBound)
        }
        return result
    }

    /// The memoised walk of one packet: every failure on its path, in the order met.
    func failures(of packet: Packet, flow: FlowSpec, from sourceSegment: Int, to destinationSegment: Int, natAllowed: Bool) -> [PathFailure] {
        let key = MemoKey(
            ipProtocol: packet.ipProtocol, source: atom(packet.source), destination: atom(packet.destination),
            sourcePort: piece(packet.sourcePort), destinationPort: piece(packet.destinationPort),
            sourceSegment: sourceSegment, destinationSegment: destinationSegment, natAllowed: natAllowed)
        lock.lock()
        let known = memo[key]
        lock.unlock()
        if let known {
            return known.map { var failure = $0; failure.flow = flow; return failure }
        }
        var events: [WalkEvent]? = nil
        let result = walker.walk(packet, flow: flow, from: sourceSegment, to: destinationSegment, natAllowed: natAllowed, events: &events)
        lock.lock()
        memo[key] = result
        lock.unlock()
        return result
    }

    /// Checks `flow` from every address of `sources` (all in the plan's segments) to every address of
    /// `destinations` (all in `destinationSegment`; usually one), reporting every problem met, each with the part
    /// that meets it: which addresses at either end and which ports, when not all of them do. Problems are in path
    /// order, and the witness packet is the first to meet the first one.
    func check(
        _ flow: FlowSpec, group: Int, from sources: AddressSet, to destinations: AddressSet, destinationSegment: Int,
        natAllowed: Bool
    ) -> FlowCheck {
        let sourceAtoms = atoms(of: sources)
        let destinationAtoms = atoms(of: destinations)
        let sourcePorts = pieces(of: flow.sourcePorts)
        let destinationPorts = pieces(of: flow.ports)
        // Each distinct failure with the sources, destinations and ports that meet it.
        var found: [(failure: PathFailure, packet: Packet, sources: AddressSet, destinations: AddressSet, ports: [ClosedRange<Int>])] = []
        var index: [PathFailure: Int] = [:]
        var witness: Packet?
        // A host address of the piece for the packet (x.x.x.1 rather than a subnet's .0), any address of the atom
        // giving the same answer; the largest IPv4 piece shows a passing flow in `trace`.
        func representative(_ range: AddressRange) -> IPAddressValue {
            range.lower == range.upper ? range.lower : range.lower.successor ?? range.lower
        }
        let shown = sourceAtoms.filter { $0.lower.isIPv4 }.max { $0.upper.shifted(from: $0.lower, to: .zero) < $1.upper.shifted(from: $1.lower, to: .zero) }
        // Likewise an IPv4 destination, when a range of them (a whole segment) is the destination.
        let shownDestination = destinationAtoms.first { $0.lower.isIPv4 } ?? destinationAtoms.first
        for sourceRange in sourceAtoms {
            guard let sourceSegment = network.segment(containing: sourceRange.lower) else { continue }
            let source = representative(sourceRange)
            for destinationRange in destinationAtoms {
                let destination = representative(destinationRange)
                // Endpoints dial a node's public address through static NAT; Pexip nodes use each other's own
                // addresses, which is why NAT between them breaks IPsec. [PX-public_dmz_configuration]
                let dialled = natAllowed ? walker.dialledAddress(destination, by: source, from: sourceSegment, to: destinationSegment) : destination
                for sourcePort in sourcePorts {
                    for destinationPort in destinationPorts {
                        let packet = Packet(
                            ipProtocol: flow.ipProtocol, source: source, destination: dialled,
                            sourcePort: sourcePort.lowerBound, destinationPort: destinationPort.lowerBound)
                        let isShown = sourceRange == shown && destinationRange == shownDestination
                        if witness == nil || isShown && (witness!.source != packet.source || witness!.destination != packet.destination) { witness = packet }
                        let failures = failures(of: packet, flow: flow, from: sourceSegment, to: destinationSegment, natAllowed: natAllowed)
                        guard !failures.isEmpty else { continue }
                        // Parts that fail for the same reason are reported together.
                        for failure in failures {
                            // The same problem met at another position (from another segment) is the same.
                            var key = failure
                            key.hop = nil
                            let at = index[key] ?? {
                                index[key] = found.count
                                found.append((failure, packet, AddressSet(), AddressSet(), []))
                                return found.count - 1
                            }()
                            found[at].sources.insert(sourceRange)
                            found[at].destinations.insert(destinationRange)
                            if !found[at].ports.contains(destinationPort) { found[at].ports.append(destinationPort) }
                        }
                    }
                }
            }
        }
        guard !found.isEmpty else {
            let fallback = Packet(ipProtocol: flow.ipProtocol, source: sources.first ?? .zero, destination: destinations.first ?? .zero, sourcePort: 0, destinationPort: 0)
            return FlowCheck(flow: flow, status: .ok, failures: [], group: group, witness: witness ?? fallback)
        }
        let failures = found.map { entry -> PathFailure in
            var failure = entry.failure
            var parts: [String] = []
            if entry.sources != sources, sources.ranges.count > 0 { parts.append("from \(entry.sources)") }
            if entry.destinations != destinations { parts.append("to \(entry.destinations)") }
            let failingPortSet = PortSet(entry.ports)
            if let ports = flow.ports, failingPortSet != ports { parts.append("\(flow.ipProtocol.label) \(failingPortSet)") }
            failure.part = parts.isEmpty ? nil : parts.joined(separator: ", ")
            return failure
        }
        let ordered = PathFailure.inPathOrder(failures)
        // The packet that first meets the first problem shows it in `trace`.
        let packet = found[failures.firstIndex(of: ordered[0])!].packet
        return FlowCheck(flow: flow, status: PathCheck.Status(ordered[0].kind), failures: ordered, group: group, witness: packet)
    }
}
