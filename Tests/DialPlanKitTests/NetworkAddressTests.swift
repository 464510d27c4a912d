@testable import DialPlanKit
import Testing

/// Address arithmetic under the network model: IPv4 and IPv6 in one space, CIDR prefixes, ranges, sets.
@Suite struct NetworkAddressTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0", "10.255.255.255"),
        ("10.1.2.3", "10.1.2.3", "10.1.2.3"),
        ("10.1.2.3/32", "10.1.2.3", "10.1.2.3"),
        ("0.0.0.0/0", "0.0.0.0", "255.255.255.255"),
        ("10.0.0.5-10.0.0.9", "10.0.0.5", "10.0.0.9"),
        ("2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"),
        ("2001:db8::/65", "2001:db8::", "2001:db8::7fff:ffff:ffff:ffff"),
    ])
    func aPrefixOrRangeCoversExactlyItsAddresses(_ text: String, _ first: String, _ last: String) throws {
        let range = try AddressRange.parse(text).get()
        #expect(range.lower.description == first)
        #expect(range.upper.description == last)
    }

    @Test func aRangeIsWrittenAsAPrefixWhenItIsOne() throws {
        #expect(try AddressRange.parse("10.0.0.0-10.0.0.255").get().description == "10.0.0.0/24")
        #expect(try AddressRange.parse("10.0.0.1-10.0.0.2").get().description == "10.0.0.1–10.0.0.2")
        #expect(try AddressRange.parse("2001:db8::/48").get().description == "2001:db8::/48")
    }

    @Test func hostBitsSuggestTheNetwork() {
        #expect(AddressRange.parse("192.168.1.77/24") == .failure(.hostBitsSet(suggestion: "192.168.1.0/24")))
        #expect(AddressRange.parse("2001:db8::1/64") == .failure(.hostBitsSet(suggestion: "2001:db8::/64")))
    }

    @Test func ipv4AndIPv6DoNotOverlap() throws {
        let v4 = AddressSet([try AddressRange.parse("0.0.0.0/0").get()])
        let v6 = AddressSet([try AddressRange.parse("2001:db8::/32").get()])
        #expect(!v4.overlaps(v6))
        #expect(v4.contains(IPAddressValue("192.0.2.1")!))
        #expect(!v4.contains(IPAddressValue("2001:db8::1")!))
    }

    @Test func setsMergeIntersectAndComplement() throws {
        func set(_ texts: String...) throws -> AddressSet { AddressSet(try texts.map { try AddressRange.parse($0).get() }) }
        let merged = try set("10.0.0.0/25", "10.0.0.128/25")
        #expect(merged.ranges.count == 1)
        #expect(merged.description == "10.0.0.0/24")
        #expect(try set("10.0.0.0/24").intersection(set("10.0.0.128/26", "10.1.0.0/16")).description == "10.0.0.128/26")
        #expect(try set("10.0.0.0/24").subtracting(set("10.0.0.0/25")).description == "10.0.0.128/25")
        #expect(AddressSet.all.complement.isEmpty)
        #expect(AddressSet.empty.complement == .all)
        #expect(try set("10.0.0.0/8").complement.complement == set("10.0.0.0/8"))
    }

    @Test func portSetsMergeAndPrint() {
        #expect(PortSet([5060...5060, 5061...5061]).description == "5060–5061")
        #expect(PortSet([40000...49999]).description == "40000–49999")
        #expect(PortSet(500).contains(500) && !PortSet(500).contains(501))
    }
}
