import Foundation

/// The IPsec mesh as an SVG picture, drawn by the tool (no Graphviz): one box per system location with its nodes
/// (the Management Node in a box of its own), the boxes on a circle; a thin green line between two boxes whose
/// pairs are all healthy; a red dashed line per cause that breaks pairs between them, with arrowheads for the
/// directions it breaks, a numbered badge (the cause's number in the list beside the picture) and the cause and
/// pairs on hover (`<title>`). Node names are shown with a ✓ or ✗ so that colour is never the only signal.
enum MeshSVG {
    /// Estimated width of `text` at the picture's 12 px sans-serif font (generous, so that labels never overflow
    /// their boxes).
    static func textWidth(_ text: String, size: Double = 12) -> Double { Double(text.count) * size * 0.62 }

    struct Box {
        var title: String
        var members: [MeshEnd]
        var width: Double
        var height: Double
        var x = 0.0
        var y = 0.0
    }

    static let lineHeight = 18.0
    static let padding = 10.0

    /// `pairsShown`: the broken pairs a line's hover text names.
    static func svg(_ mesh: HTMLReport.Mesh, pairsShown: Int) -> String {
        let analysis = mesh.analysis
        let plan = analysis.plan
        let ends = analysis.ends
        // The ends of some broken pair, as `brokenPairs(involving:)` has them (every pair of the Management Node
        // is a pair of a node too).
        var brokenEnds = Set<MeshEnd>()
        for node in plan.nodes.ids {
            for pair in analysis.brokenPairs(involving: node) { brokenEnds.formUnion([pair.from, pair.to]) }
        }
        // Groups: the Management Node, then each location with nodes (as `mesh --format dot` draws them).
        var boxes: [Box] = []
        func label(_ end: MeshEnd) -> String {
            (brokenEnds.contains(end) ? "✗ " : "✓ ") + analysis.name(of: end) + "  " + analysis.address(of: end)
        }
        func makeBox(_ title: String, _ members: [MeshEnd]) -> Box {
            let width = max(textWidth(title, size: 13), members.map { textWidth(label($0)) }.max() ?? 0) + 2 * padding
            let height = lineHeight * Double(members.count + 1) + 2 * padding
            return Box(title: title, members: members, width: width, height: height)
        }
        if ends.contains(.management) { boxes.append(makeBox("Management Node", [.management])) }
        for location in plan.locations.ids {
            let members = plan.nodes.ids.filter { plan.nodes[$0].location == location }.map { MeshEnd.node($0) }
            guard !members.isEmpty else { continue }
            let proxying = members.contains { if case .node(let n) = $0 { plan.nodes[n].nodeType == .proxying } else { false } }
            boxes.append(makeBox(plan.locations[location].name + (proxying ? " (proxying edge)" : ""), members))
        }
        guard !boxes.isEmpty else { return "" }

        // The boxes on an ellipse wide enough that neighbours do not touch.
        let count = boxes.count
        let widest = boxes.map(\.width).max()!
        let tallest = boxes.map(\.height).max()!
        let margin = 30.0
        var rx = 0.0
        var ry = 0.0
        if count > 1 {
            let step = Double.pi / Double(count)
            let needX = (widest + 40) / (2 * sin(step))
            let needY = (tallest + 40) / (2 * sin(step))
            rx = max(needX, count == 2 ? widest / 2 + 60 : 0, 160)
            ry = count == 2 ? 0 : max(needY, 120)
        }
        let width = 2 * rx + widest + 2 * margin
        let height = 2 * ry + tallest + 2 * margin
        let cx = width / 2
        let cy = height / 2
        for index in boxes.indices {
            let angle = count == 2 ? Double.pi * Double(index) + Double.pi : -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(count)
            boxes[index].x = cx + rx * cos(angle)
            boxes[index].y = cy + ry * sin(angle)
        }
        let boxOf = Dictionary(uniqueKeysWithValues: boxes.enumerated().flatMap { index, box in box.members.map { ($0, index) } })

        // Where a line from the centre of `box` towards (dx, dy) leaves it.
        func border(_ box: Box, _ dx: Double, _ dy: Double) -> (Double, Double) {
            let hw = box.width / 2 + 4
            let hh = box.height / 2 + 4
            let scale = min(dx == 0 ? .infinity : hw / abs(dx), dy == 0 ? .infinity : hh / abs(dy))
            return (box.x + dx * scale, box.y + dy * scale)
        }
        func format(_ value: Double) -> String { String(format: "%.1f", value) }

        var edges = ""
        var badges = ""
        var placed: [(Double, Double)] = []
        // A cause's number is its place in the list (the network's groups, in their order).
        var inside = [Int: [Int: Int]]()  // box → cause number → broken pairs within the box
        // Pairs between two boxes (the lower-numbered first), both directions, by cause; in one pass.
        struct Between {
            var forward: [Int: [MeshPair]] = [:]
            var backward: [Int: [MeshPair]] = [:]
            var healthy = 0
        }
        var between: [[Int]: Between] = [:]
        for pair in analysis.pairs {
            guard let from = boxOf[pair.from], let to = boxOf[pair.to] else { continue }
            // Every cause of the pair; a broken pair that no mesh finding words (a node no segment holds: its lint
            // says so) is not drawn.
            let numbers = pair.status == .ok ? [] : analysis.groupIndices(of: pair).map { $0 + 1 }
            guard from != to else {
                for number in numbers { inside[from, default: [:]][number, default: 0] += 1 }
                continue
            }
            let key = [min(from, to), max(from, to)]
            guard pair.status != .ok else { between[key, default: Between()].healthy += 1; continue }
            for number in numbers {
                if from < to { between[key, default: Between()].forward[number, default: []].append(pair) } else { between[key, default: Between()].backward[number, default: []].append(pair) }
            }
        }
        for a in boxes.indices {
            for b in boxes.indices where a < b {
                guard let found = between[[a, b]] else { continue }
                let (forward, backward, healthy) = (found.forward, found.backward, found.healthy)
                let dx = boxes[b].x - boxes[a].x
                let dy = boxes[b].y - boxes[a].y
                let length = max(1, (dx * dx + dy * dy).squareRoot())
                let (x1, y1) = border(boxes[a], dx, dy)
                let (x2, y2) = border(boxes[b], -dx, -dy)
                let numbers = Set(forward.keys).union(backward.keys).sorted()
                if numbers.isEmpty {
                    guard healthy > 0 else { continue }
                    let title = "\(boxes[a].title) ↔ \(boxes[b].title): IPsec ok, \(healthy) pair\(healthy == 1 ? "" : "s")"
                    edges += "<line class=\"ok\" x1=\"\(format(x1))\" y1=\"\(format(y1))\" x2=\"\(format(x2))\" y2=\"\(format(y2))\"><title>\(HTML.escape(title))</title></line>\n"
                    continue
                }
                // Several causes between the same boxes: parallel lines, side by side.
                let nx = -dy / length
                let ny = dx / length
                for (slot, number) in numbers.enumerated() {
                    let offset = (Double(slot) - Double(numbers.count - 1) / 2) * 12
                    let there = forward[number] ?? []
                    let back = backward[number] ?? []
                    let cause = mesh.causes[number - 1]
                    let kind = cause.cause.kind == .nat ? "nat" : "broken"
                    let pairs = (there + back).prefix(pairsShown).map { "\(analysis.name(of: $0.from)) → \(analysis.name(of: $0.to))" }
                    let total = there.count + back.count
                    let title = "\(number). \(cause.description) — \(total) broken pair\(total == 1 ? "" : "s") between \(boxes[a].title) and \(boxes[b].title): \(pairs.joined(separator: ", "))\(total > pairs.count ? ", …" : "")"
                    let markers = (there.isEmpty ? "" : " marker-end=\"url(#mesh-arrow)\"") + (back.isEmpty ? "" : " marker-start=\"url(#mesh-arrow-back)\"")
                    let (sx, sy, ex, ey) = (x1 + nx * offset, y1 + ny * offset, x2 + nx * offset, y2 + ny * offset)
                    edges += "<line class=\"\(kind)\" x1=\"\(format(sx))\" y1=\"\(format(sy))\" x2=\"\(format(ex))\" y2=\"\(format(ey))\"\(markers)><title>\(HTML.escape(title))</title></line>\n"
                    // The badge at the middle, or along the line where it meets no other badge (lines that cross
                    // at the middle, parallel lines between the same boxes).
                    var (bx, by) = (sx + (ex - sx) * 0.5, sy + (ey - sy) * 0.5)
                    for t in [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8] {
                        let (px, py) = (sx + (ex - sx) * t, sy + (ey - sy) * t)
                        if placed.allSatisfy({ ($0.0 - px) * ($0.0 - px) + ($0.1 - py) * ($0.1 - py) >= 26 * 26 }) { (bx, by) = (px, py); break }
                    }
                    placed.append((bx, by))
                    badges += "<g class=\"badge \(kind)\"><title>\(HTML.escape(title))</title><circle cx=\"\(format(bx))\" cy=\"\(format(by))\" r=\"10\"/><text x=\"\(format(bx))\" y=\"\(format(by + 4))\" text-anchor=\"middle\">\(number)</text></g>\n"
                }
            }
        }

        var shapes = ""
        for (index, box) in boxes.enumerated() {
            let left = box.x - box.width / 2
            let top = box.y - box.height / 2
            let within = inside[index] ?? [:]
            shapes += "<g class=\"location\"><title>\(HTML.escape(box.title)): \(box.members.count) node\(box.members.count == 1 ? "" : "s")</title>"
            shapes += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(box.width))\" height=\"\(format(box.height))\" rx=\"8\"\(within.isEmpty ? "" : " class=\"has-broken\"")/>"
            shapes += "<text class=\"title\" x=\"\(format(left + padding))\" y=\"\(format(top + padding + 12))\">\(HTML.escape(box.title))</text>"
            for (row, member) in box.members.enumerated() {
                let broken = brokenEnds.contains(member)
                shapes += "<text class=\"\(broken ? "node broken" : "node")\" x=\"\(format(left + padding))\" y=\"\(format(top + padding + 12 + lineHeight * Double(row + 1)))\">\(HTML.escape(label(member)))</text>"
            }
            shapes += "</g>\n"
            if !within.isEmpty {
                let text = within.keys.sorted().map { "\($0)" }.joined(separator: ", ")
                badges += "<g class=\"badge broken\"><title>\(HTML.escape("Broken pairs inside \(box.title): causes \(text)"))</title><circle cx=\"\(format(left + box.width - 12))\" cy=\"\(format(top + 12))\" r=\"10\"/><text x=\"\(format(left + box.width - 12))\" y=\"\(format(top + 16))\" text-anchor=\"middle\">\(within.count == 1 ? text : "!")</text></g>\n"
            }
        }
        let broken = analysis.pairs.filter { $0.status != .ok }.count
        let description = "IPsec mesh of \(plan.name): \(boxes.count) groups of nodes; \(analysis.pairs.count - broken) of \(analysis.pairs.count) ordered pairs ok, \(broken) broken"
        var svg = "<svg class=\"mesh\" role=\"img\" aria-labelledby=\"mesh-svg-title\" viewBox=\"0 0 \(format(width)) \(format(height))\" width=\"\(format(width))\" height=\"\(format(height))\">\n"
        svg += "<title id=\"mesh-svg-title\">\(HTML.escape(description))</title>\n"
        svg += "<defs><marker id=\"mesh-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrow\"/></marker>"
        svg += "<marker id=\"mesh-arrow-back\" viewBox=\"0 0 10 10\" refX=\"1\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M10,0 L0,5 L10,10 z\" class=\"arrow\"/></marker></defs>\n"
        svg += "<g class=\"edges\">\n" + edges + "</g>\n<g class=\"boxes\">\n" + shapes + "</g>\n<g class=\"badges\">\n" + badges + "</g>\n</svg>"
        return svg
    }
}
