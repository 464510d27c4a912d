/// The path between every two segments: the explicit route when the plan gives one, else the shortest path over
/// links (fewest links; ties go to the link written first, so that the answer never changes between runs).
struct SegmentPaths: Sendable {
    /// One link crossed, in the direction of travel.
    struct Hop: Sendable, Hashable {
        var link: Int
        var from: Int
        var to: Int
    }

    /// `paths[a][b]`: the hops from segment a to segment b; nil when there is no path.
    private let paths: [[[Hop]?]]

    init(network: Network) {
        let count = network.segments.count
        var neighbours = [[(link: Int, segment: Int)]](repeating: [], count: count)
        for (index, link) in network.links.enumerated() {
            neighbours[link.ends[0]].append((index, link.ends[1]))
            neighbours[link.ends[1]].append((index, link.ends[0]))
        }
        var paths = [[[Hop]?]](repeating: [[Hop]?](repeating: nil, count: count), count: count)
        for start in 0..<count {
            // Breadth-first: the first time a segment is reached is over the fewest links.
            var previous = [Hop?](repeating: nil, count: count)
            var seen = [Bool](repeating: false, count: count)
            seen[start] = true
            var queue = [start]
            var head = 0
            while head < queue.count {
                let segment = queue[head]
                head += 1
                for (link, next) in neighbours[segment] where !seen[next] {
                    seen[next] = true
                    previous[next] = Hop(link: link, from: segment, to: next)
                    queue.append(next)
                }
            }
            for end in 0..<count where seen[end] {
                var hops: [Hop] = []
                var at = end
                while let hop = previous[at] {
                    hops.append(hop)
                    at = hop.from
                }
                paths[start][end] = hops.reversed()
            }
        }
        for route in network.routes {
            let segments = [route.from] + route.via + [route.to]
            var hops: [Hop] = []
            for (a, b) in zip(segments, segments.dropFirst()) {
                guard let link = network.links.firstIndex(where: { Set($0.ends) == [a, b] }) else { continue }
                hops.append(Hop(link: link, from: a, to: b))
            }
            paths[route.from][route.to] = hops
            if route.bothWays {
                paths[route.to][route.from] = hops.reversed().map { Hop(link: $0.link, from: $0.to, to: $0.from) }
            }
        }
        self.paths = paths
    }

    func path(from: Int, to: Int) -> [Hop]? { paths[from][to] }
}
