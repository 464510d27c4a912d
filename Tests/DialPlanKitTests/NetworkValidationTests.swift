@testable import DialPlanKit
import Testing

/// Validation of the `network:` section: every mistake is an error at its exact line and column, with a
/// did-you-mean where a name or value is close to a valid one.
@Suite struct NetworkValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// The network section (or a replacement of part of the default one).
        var network: String
        var message: String
        /// Where the error points: the first occurrence of this text.
        var at: String
        var occurrence: Int = 1
        /// Columns right of `at`.
        var offset: Int = 0
        /// The message names another place as `{at}`: the first occurrence of this text.
        var refersTo: String? = nil
        var testDescription: String { message }
    }

    /// Oslo and Singapore segments, a WAN, two links and a firewall, with one mistake each.
    static func network(segments: [String] = ["{name: oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"],
                        links: [String] = ["{name: oslo-wan, between: [oslo, wan], firewall: wan-fw}", "{name: sin-wan, between: [singapore, wan]}"],
                        rules: [String] = ["{preset: ipsec}"], firewall: String = "", routes: [String] = [], endpoints: [String] = []) -> String {
        var yaml = "network:\n  segments:\n" + segments.map { "    - \($0)\n" }.joined()
        yaml += "  firewalls:\n    - name: wan-fw\n\(firewall)      rules:\n" + rules.map { "        - \($0)\n" }.joined()
        yaml += "  links:\n" + links.map { "    - \($0)\n" }.joined()
        if !routes.isEmpty { yaml += "  routes:\n" + routes.map { "    - \($0)\n" }.joined() }
        if !endpoints.isEmpty { yaml += "  endpoints:\n" + endpoints.map { "    - \($0)\n" }.joined() }
        return yaml
    }

    static let cases: [Case] = [
        // Segments and ranges.
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [10.1.128.0/17]}"]),
              message: "segment 'wan': range 10.1.128.0/17 overlaps segment 'oslo' (10.1.0.0/16 at {at}); segments must not overlap", at: "10.1.128.0/17", refersTo: "10.1.0.0/16"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/16, 10.1.2.0/24]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo': range 10.1.2.0/24 overlaps another range of this segment (10.1.0.0/16 at {at}); segments must not overlap", at: "10.1.2.0/24", refersTo: "10.1.0.0/16"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.1/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo': '10.1.0.1/16' has host bits set; did you mean '10.1.0.0/16'?", at: "10.1.0.1/16"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/33]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo': '10.1.0.0/33': the prefix length must be between 0 and 32", at: "10.1.0.0/33"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.256/24]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo': '10.1.0.256/24' is not an IP address, a CIDR prefix (10.10.0.0/16) or a range (10.10.0.1-10.10.0.9)", at: "10.1.0.256/24"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.9-10.1.0.1]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo': '10.1.0.9-10.1.0.1': the range ends before it starts", at: "10.1.0.9-10.1.0.1"),
        .init(network: network(segments: ["{name: oslo}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"]),
              message: "segment 'oslo' has no 'ranges' (CIDR prefixes such as 10.10.0.0/16), and is not the default segment", at: "{name: oslo}"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}", "{name: internet, default: true}", "{name: internet2, default: true}"]),
              message: "segment 'internet2': segment 'internet' is already the default segment (at {at}); there can be only one", at: "true", occurrence: 2, refersTo: "{name: internet,"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, default: true, ranges: [172.16.0.0/16]}"]),
              message: "segment 'wan': the default segment holds every address outside the other segments, so it takes no 'ranges'", at: "[172.16.0.0/16]"),
        .init(network: network(segments: ["{name: oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16], rnages: []}"]),
              message: "segment 'wan': unknown key 'rnages'; did you mean 'ranges'?", at: "rnages"),
        // Links.
        .init(network: network(links: ["{name: oslo-wan, between: [olso, wan]}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan': no segment named 'olso'; did you mean 'oslo'?", at: "olso"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], firewall: wan-fww}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan': no firewall named 'wan-fww'; did you mean 'wan-fw'?", at: "wan-fww"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, oslo]}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' joins segment 'oslo' to itself", at: "[oslo, oslo]"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan]}", "{name: sin-wan, between: [singapore, wan]}", "{name: backup, between: [wan, oslo]}"]),
              message: "link 'backup': segments 'wan' and 'oslo' are already joined by link 'oslo-wan' (at {at}); model parallel paths as separate segments", at: "[wan, oslo]", refersTo: "{name: oslo-wan"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo]}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan': 'between' takes exactly two segments, not 1", at: "[oslo]"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: singapore}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'inside' must be one of the link's segments (oslo or wan), not 'singapore'", at: "singapore}"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masqerade, inside: oslo}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'type' must be one of static, dynamic, masquerade, not 'masqerade'; did you mean 'masquerade'?", at: "masqerade"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: static, inside: oslo}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: no 'map', and no node in segment 'oslo' has a static_nat_address to map", at: "{type: static"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: static, inside: oslo, map: {10.1.0.0/24: 203.0.113.0/25}}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: '10.1.0.0/24' (10.1.0.0/24) and '203.0.113.0/25' are not the same size; static NAT maps addresses 1:1", at: "203.0.113.0/25"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, map: {osl1: 203.0.113.1}}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: masquerade NAT translates every inside source; 'map' is for static NAT", at: "map:"),
        // A NAT's scope: address ranges or segment names; `except_to` must exempt something and not everything.
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, except_to: [singapor]}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat except_to: 'singapor' is not an address, a prefix or the name of a segment; did you mean 'singapore'?", at: "singapor]"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: [203.0.113.0/33]}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat only_to: '203.0.113.0/33': the prefix length must be between 0 and 32", at: "203.0.113.0/33"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: [203.0.113.1/24]}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat only_to: '203.0.113.1/24' has host bits set; did you mean '203.0.113.0/24'?", at: "203.0.113.1/24"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: []}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'only_to' is empty; list address ranges or segment names, or leave it out", at: "[]}}"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: [203.0.113.0/24], except_to: [singapore]}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'except_to' (singapore) exempts nothing: none of it is in 'only_to' (203.0.113.0/24)", at: "[singapore]}}"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, only_to: [singapore], except_to: [10.0.0.0/8]}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'except_to' (10.0.0.0/8) exempts every address of 'only_to', so the NAT never translates; remove the NAT instead", at: "[10.0.0.0/8]}}"),
        .init(network: network(links: ["{name: oslo-wan, between: [oslo, wan], nat: {type: masquerade, inside: oslo, except_to: [0.0.0.0/0, '::/0']}}", "{name: sin-wan, between: [singapore, wan]}"]),
              message: "link 'oslo-wan' nat: 'except_to' (0.0.0.0/0, ::/0) exempts every address, so the NAT never translates; remove the NAT instead", at: "[0.0.0.0/0"),
        // Firewall rules.
        .init(network: network(rules: ["{action: allow, protocol: udp, ports: 70000}"]),
              message: "firewall 'wan-fw' rule 1: port 70000 is out of range; ports are 1–65535", at: "70000"),
        .init(network: network(rules: ["{action: allow, protocol: udp, ports: [500, 49999-40000]}"]),
              message: "firewall 'wan-fw' rule 1: the port range '49999-40000' ends before it starts", at: "49999-40000"),
        .init(network: network(rules: ["{action: allow, protocol: udp, ports: five}"]),
              message: "firewall 'wan-fw' rule 1: 'five' is not a port (1–65535) or a port range (40000-49999)", at: "five"),
        .init(network: network(rules: ["{action: allow, protocol: esp, ports: 50}"]),
              message: "firewall 'wan-fw' rule 1: esp has no ports; 'ports' applies to udp and tcp only", at: "ports:"),
        .init(network: network(rules: ["{action: allow, protocol: upd, ports: 500}"]),
              message: "firewall 'wan-fw' rule 1: 'protocol' must be one of udp, tcp, esp, icmp, any, not 'upd'; did you mean 'udp'?", at: "upd"),
        .init(network: network(rules: ["{action: permit, protocol: udp}"]),
              message: "firewall 'wan-fw' rule 1: 'action' must be one of allow, deny, not 'permit'", at: "permit"),
        .init(network: network(rules: ["{preset: ipsek}"]),
              message: "firewall 'wan-fw' rule 1: 'preset' must be one of ipsec, sip, h323, vcs-h323, media, not 'ipsek'; did you mean 'ipsec'?", at: "ipsek"),
        .init(network: network(rules: ["{preset: ipsec, ports: 500}"]),
              message: "firewall 'wan-fw' rule 1: the preset sets the protocol and ports; remove 'ports'", at: "ports:"),
        .init(network: network(rules: ["{protocol: udp}"]),
              message: "firewall 'wan-fw' rule 1 has no 'action' (allow or deny)", at: "{protocol: udp}"),
        .init(network: network(rules: ["{action: allow}"]),
              message: "firewall 'wan-fw' rule 1 has no 'protocol' (udp, tcp, esp, icmp, any) and no 'preset' (ipsec, sip, h323, vcs-h323, media)", at: "{action: allow}"),
        .init(network: network(rules: ["{preset: ipsec}", "{name: Nodes, preset: ipsec, from: singapur, to: oslo}"]),
              message: "firewall 'wan-fw' rule 2 'Nodes' from: 'singapur' is not an address, a prefix or the name of a segment, location, node, site; did you mean 'singapore'?", at: "singapur"),
        .init(network: network(rules: ["{preset: ipsec, between: [oslo]}"]),
              message: "firewall 'wan-fw' rule 1: 'between' takes two ends, [A, B], each an address, prefix, segment, location, node or site (or a list of them)", at: "[oslo]"),
        .init(network: network(rules: ["{preset: ipsec, between: [oslo, wan], to: wan}"]),
              message: "firewall 'wan-fw' rule 1: give either 'between' (both directions) or 'from'/'to' (one direction), not both", at: "to: wan"),
        .init(network: network(segments: ["{name: Oslo, ranges: [10.1.0.0/16]}", "{name: singapore, ranges: [10.2.0.0/16]}", "{name: wan, ranges: [172.16.0.0/16]}"],
                               links: ["{name: oslo-wan, between: [Oslo, wan], firewall: wan-fw}", "{name: sin-wan, between: [singapore, wan]}"],
                               rules: ["{preset: ipsec, from: Oslo}"]),
              message: "firewall 'wan-fw' rule 1 from: 'Oslo' names a segment and a location; write 'segment:Oslo' or 'location:Oslo'", at: "from: Oslo", offset: 6),
        .init(network: network(rules: ["{preset: ipsec, frm: oslo}"]),
              message: "firewall 'wan-fw' rule 1: unknown key 'frm'; did you mean 'from'?", at: "frm"),
        .init(network: network(firewall: "      default: reject\n"),
              message: "firewall 'wan-fw': 'default' must be one of allow, deny, not 'reject'", at: "reject"),
        // Routes.
        .init(network: network(routes: ["{from: oslo, to: singapore, via: [wan]}", "{from: oslo, to: singapore, via: [wan]}"]),
              message: "route from 'oslo' to 'singapore' is already given at {at}", at: "{from: oslo", occurrence: 2, refersTo: "{from: oslo"),
        .init(network: network(routes: ["{from: oslo, to: singapore}"]),
              message: "route from 'oslo' to 'singapore': segments 'oslo' and 'singapore' are not joined by a link", at: "singapore}"),
        .init(network: network(routes: ["{from: oslo, to: singapore, via: [wann]}"]),
              message: "route: no segment named 'wann'; did you mean 'wan'?", at: "wann"),
        // Endpoints.
        .init(network: network(endpoints: ["{site: Oslo Ofice, subnets: [10.1.9.0/24]}"]),
              message: "endpoints: no site named 'Oslo Ofice'; did you mean 'Oslo Office'?", at: "Oslo Ofice"),
        .init(network: network(endpoints: ["{site: Oslo Office, subnets: [10.9.0.0/24]}"]),
              message: "endpoints of site 'Oslo Office': 10.9.0.0/24 is not entirely in the network's segments; add a segment that holds it (or a default segment)", at: "10.9.0.0/24"),
        .init(network: network(endpoints: ["{site: Oslo Office, subnets: [osloo]}"]),
              message: "endpoints of site 'Oslo Office': 'osloo' is not an address, a prefix or the name of a segment; did you mean 'oslo'?", at: "osloo"),
        .init(network: network(endpoints: ["{site: Oslo Office, subnets: [oslo]}", "{site: Oslo Office, subnets: [wan]}"]),
              message: "endpoints of site 'Oslo Office' are already given at {at}", at: "Oslo Office", occurrence: 3, refersTo: "{site: Oslo Office"),
        .init(network: network(rules: ["{preset: ipsec, from: Oslo Office}"]),
              message: "firewall 'wan-fw' rule 1 from: site 'Oslo Office' has no entry in network endpoints, so its addresses are unknown", at: "Oslo Office}"),
    ]

    @Test(arguments: cases)
    func aMistakeInTheNetworkIsAnErrorAtItsPosition(_ example: Case) {
        let text = NetworkPlans.text(example.network)
        let errors = TestPlans.errors(text)
        let message = example.refersTo.map { example.message.replacingOccurrences(of: "{at}", with: NetworkPlans.position(of: $0, in: text).description) } ?? example.message
        let matching = errors.filter { $0.message == message }
        #expect(matching.count == 1, "'\(message)' among \(errors.map(\.description))")
        var expected = NetworkPlans.position(of: example.at, occurrence: example.occurrence, in: text)
        expected.column += example.offset
        #expect(matching.first?.location == expected, "\(errors.map(\.description))")
    }

    @Test func everyMistakeIsReportedAtOnce() {
        let text = NetworkPlans.text(Self.network(links: ["{name: oslo-wan, between: [olso, wan]}", "{name: sin-wan, between: [singapore, wann]}"], rules: ["{action: allow, protocol: upd}", "{preset: ipsek}"]))
        #expect(TestPlans.errors(text).count == 4)
    }

    @Test func anUnknownSectionSuggestsNetwork() {
        let text = TestPlans.minimal + "\nnetwrok:\n  segments: []\n"
        let errors = TestPlans.errors(text)
        #expect(errors.contains { $0.message.hasPrefix("unknown section 'netwrok' (a plan has ") && $0.message.hasSuffix("; did you mean 'network'?") })
    }

    @Test func aNetworkWithoutSegmentsIsAnError() {
        let errors = TestPlans.errors(NetworkPlans.text("network:\n  links: []\n"))
        #expect(errors.map(\.message) == ["network has no segments (each with the address ranges it holds)"])
    }

    @Test func malformedNetworkInputNeverCrashes() {
        // Wrong shapes everywhere: each is an error, none a crash.
        let shapes = [
            "network: 5", "network: [a, b]", "network:\n  segments: x", "network:\n  segments: [5]",
            "network:\n  segments: [{name: a, ranges: {x: 1}}]", "network:\n  segments: [{name: a, ranges: [10.0.0.0/8]}]\n  links: [{between: [[a], a]}]",
            "network:\n  segments: [{name: a, ranges: [10.0.0.0/8]}]\n  firewalls: [{name: f, rules: [5, [x], {action: allow, protocol: any, from: {a: 1}}]}]",
            "network:\n  segments: [{name: a, ranges: [10.0.0.0/8]}]\n  links: [{between: [a, b], firewall: [x], nat: 5}]",
            "network:\n  segments: [{name: a, ranges: ['::/0']}, {name: b, ranges: [0.0.0.0/0]}]",
            "network:\n  segments: [{name: a, ranges: [10.0.0.0/8]}]\n  routes: [{between: [a, a]}, {from: a}, 5]",
            "network:\n  segments: [{name: a, ranges: [10.0.0.0/8]}]\n  endpoints: [{site: Oslo Office, subnets: {a: b}}, 7]",
            "network:\n  segments: [{name: a, ranges: [10.0.0.0/8, 2001:db8::/129, '10.0.0.1-2001:db8::1', 10.0.0.0/-1]}]",
        ]
        for shape in shapes {
            let errors = TestPlans.errors(NetworkPlans.text(shape))
            #expect(!errors.isEmpty, "\(shape)")
            #expect(errors.allSatisfy { $0.location != nil }, "\(shape)")
        }
    }

    @Test func aValidNetworkLoadsWithEverySpelling() throws {
        let text = NetworkPlans.text("""
            network:
              segments:
                - {name: oslo, ranges: [10.1.0.0/16, 2001:db8:1::/48]}
                - {name: singapore, ranges: ['10.2.0.0-10.2.255.255']}
                - {name: internet, default: true}
              endpoints:
                - {site: Oslo Office, subnets: [10.1.200.0/24]}
              firewalls:
                - name: fw
                  default: Deny
                  stateful: no
                  rules:
                    - {name: a, action: ALLOW, protocol: UDP, ports: [500, 4500-4501], source_ports: any, from: [node:osl1, location:Singapore], to: pexip-nodes}
                    - {action: deny, protocol: any, between: [site:Oslo Office, segment:internet], stateful: yes}
                    - {preset: [sip, h323, media], to: sin1}
              links:
                - {between: [oslo, singapore], firewall: fw}
                - {between: [oslo, internet], nat: {type: dynamic, inside: oslo, address: 203.0.113.1}}
              routes:
                - {between: [singapore, internet], via: [oslo]}
            """)
        let plan = try TestPlans.load(text)
        let network = try #require(plan.network)
        #expect(network.segments.map(\.name) == ["oslo", "singapore", "internet"])
        #expect(network.links.map(\.name) == ["oslo — singapore", "oslo — internet"])
        let rules = network.firewalls[0].rules
        #expect(rules.count == 1 + 2 + 4)
        #expect(rules[0].ports == PortSet([500...500, 4500...4501]))
        #expect(rules[0].stateful == false)
        #expect(rules[1].stateful == true)
        #expect(rules[1].number == 2 && rules[2].number == 2)
        #expect(network.firewalls[0].defaultAction == .deny)
        #expect(network.routes.first?.bothWays == true)
        #expect(network.segments[2].ranges.contains(IPAddressValue("8.8.8.8")!))
        #expect(!network.segments[2].ranges.contains(IPAddressValue("2001:db8:1::5")!))
    }
}
