import Foundation

/// An IPv4 or IPv6 address as one 128-bit number, so that both families share one set arithmetic: IPv4 addresses
/// are IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`), as the sockets API spells them.
public struct IPAddressValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    static let zero = IPAddressValue(high: 0, low: 0)
    static let max = IPAddressValue(high: .max, low: .max)
    private static let v4Prefix: UInt64 = 0x0000_FFFF_0000_0000

    /// Parses an IPv4 or IPv6 address; nil for anything else.
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(high: 0, low: IPAddressValue.v4Prefix | UInt64(UInt32(bigEndian: v4.s_addr)))
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            var high: UInt64 = 0
            var low: UInt64 = 0
            for byte in bytes[0..<8] { high = high << 8 | UInt64(byte) }
            for byte in bytes[8..<16] { low = low << 8 | UInt64(byte) }
            self.init(high: high, low: low)
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address (IPv4-mapped).
    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// Bits in the address as written: 32 for IPv4, 128 for IPv6.
    var familyBits: Int { isIPv4 ? 32 : 128 }

    public var description: String {
        if isIPv4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { raw in
            for index in 0..<8 {
                raw[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
                raw[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(cString: buffer)
    }

    public static func < (lhs: IPAddressValue, rhs: IPAddressValue) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The next address, or nil after the last one.
    var successor: IPAddressValue? {
        if low != .max { return IPAddressValue(high: high, low: low + 1) }
        if high != .max { return IPAddressValue(high: high + 1, low: 0) }
        return nil
    }

    /// The previous address, or nil before the first one.
    var predecessor: IPAddressValue? {
        if low != 0 { return IPAddressValue(high: high, low: low - 1) }
        if high != 0 { return IPAddressValue(high: high - 1, low: .max) }
        return nil
    }

    /// `self + offset - base`, for static NAT of a range onto a range of the same size.
    func shifted(from base: IPAddressValue, to target: IPAddressValue) -> IPAddressValue {
        let (lowDelta, borrow) = low.subtractingReportingOverflow(base.low)
        let highDelta = high &- base.high &- (borrow ? 1 : 0)
        let (newLow, carry) = target.low.addingReportingOverflow(lowDelta)
        return IPAddressValue(high: target.high &+ highDelta &+ (carry ? 1 : 0), low: newLow)
    }

    /// A mask of the `bits` low-order bits (the host part of a prefix).
    static func hostMask(bits: Int) -> IPAddressValue {
        if bits <= 0 { return .zero }
        if bits >= 128 { return .max }
        if bits > 64 { return IPAddressValue(high: (UInt64(1) << (bits - 64)) - 1, low: .max) }
        if bits == 64 { return IPAddressValue(high: 0, low: .max) }
        return IPAddressValue(high: 0, low: (UInt64(1) << bits) - 1)
    }

    func or(_ other: IPAddressValue) -> IPAddressValue { IPAddressValue(high: high | other.high, low: low | other.low) }
    func and(_ other: IPAddressValue) -> IPAddressValue { IPAddressValue(high: high & other.high, low: low & other.low) }
    var inverted: IPAddressValue { IPAddressValue(high: ~high, low: ~low) }
}

/// An inclusive range of addresses: a CIDR prefix, `a-b`, or one address.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public var lower: IPAddressValue
    public var upper: IPAddressValue

    public init(_ lower: IPAddressValue, _ upper: IPAddressValue) {
        self.lower = lower
        self.upper = upper
    }

    public init(_ address: IPAddressValue) { self.init(address, address) }

    /// How a range text fails to parse, for a precise message (and a did-you-mean for host bits).
    enum ParseError: Error, Equatable {
        case notAnAddress
        case badPrefixLength(Int)
        case hostBitsSet(suggestion: String)
        case reversed
        case mixedFamilies
    }

    /// Parses `10.0.0.0/8`, `2001:db8::/32`, `10.0.0.1-10.0.0.9` or a single address.
    static func parse(_ text: String) -> Result<AddressRange, ParseError> {
        let text = text.trimmingSpaces
        if let slash = text.firstIndex(of: "/") {
            guard let base = IPAddressValue(String(text[..<slash])) else { return .failure(.notAnAddress) }
            let lengthText = text[text.index(after: slash)...]
            guard let length = Int(lengthText), length >= 0, length <= base.familyBits else {
                return .failure(.badPrefixLength(base.familyBits))
            }
            let mask = IPAddressValue.hostMask(bits: base.familyBits - length)
            let network = base.and(mask.inverted)
            guard network == base else { return .failure(.hostBitsSet(suggestion: "\(network)/\(length)")) }
            return .success(AddressRange(network, base.or(mask)))
        }
        // IPv6 addresses have no dashes, so a dash always separates the ends of a range.
        let separator = text.contains("–") ? "–" : "-"
        if text.contains(separator) {
            let parts = text.components(separatedBy: separator).map { $0.trimmingSpaces }
            guard parts.count == 2, let lower = IPAddressValue(parts[0]), let upper = IPAddressValue(parts[1]) else {
                return .failure(.notAnAddress)
            }
            guard lower.isIPv4 == upper.isIPv4 else { return .failure(.mixedFamilies) }
            guard lower <= upper else { return .failure(.reversed) }
            return .success(AddressRange(lower, upper))
        }
        guard let address = IPAddressValue(text) else { return .failure(.notAnAddress) }
        return .success(AddressRange(address))
    }

    /// Whether `text` looks like an attempt at an address or range rather than a name.
    static func looksLikeAddress(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return CharacterSet.decimalDigits.contains(first) && text.contains(".") || text.contains("/") || text.contains("::")
    }

    public func contains(_ address: IPAddressValue) -> Bool { lower <= address && address <= upper }

    /// `10.0.0.0/8` when the range is a prefix, else `a–b` (one address: just it).
    public var description: String {
        if lower == upper { return lower.description }
        let bits = lower.familyBits
        for length in 0...bits {
            let mask = IPAddressValue.hostMask(bits: bits - length)
            if lower.and(mask) == .zero, lower.or(mask) == upper, lower.and(mask.inverted) == lower {
                return "\(lower)/\(length)"
            }
        }
        return "\(lower)–\(upper)"
    }
}

/// A set of addresses as sorted, disjoint, non-adjacent ranges: firewall rule sources and destinations, segment
/// ranges, site subnets. Both families share it (IPv4 is mapped into IPv6).
public struct AddressSet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var ranges: [AddressRange]

    public init(_ ranges: [AddressRange] = []) {
        self.ranges = []
        for range in ranges { insert(range) }
    }

    public static let all = AddressSet([AddressRange(.zero, .max)])
    public static let empty = AddressSet()

    public var isEmpty: Bool { ranges.isEmpty }
    public var isAll: Bool { self == .all }

    public mutating func insert(_ range: AddressRange) {
        var merged = range
        var kept: [AddressRange] = []
        for existing in ranges {
            let touchesBelow = existing.upper.successor.map { $0 >= merged.lower } ?? true
            let touchesAbove = merged.upper.successor.map { $0 >= existing.lower } ?? true
            if touchesBelow && touchesAbove {
                merged = AddressRange(min(existing.lower, merged.lower), max(existing.upper, merged.upper))
            } else {
                kept.append(existing)
            }
        }
        kept.append(merged)
        ranges = kept.sorted { $0.lower < $1.lower }
    }

    public func union(_ other: AddressSet) -> AddressSet {
        var result = self
        for range in other.ranges { result.insert(range) }
        return result
    }

    public func contains(_ address: IPAddressValue) -> Bool {
        // Binary search: sets from large plans have many ranges and this runs for every rule of every hop.
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if address < ranges[middle].lower {
                high = middle - 1
            } else if address > ranges[middle].upper {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    public func intersection(_ other: AddressSet) -> AddressSet {
        var result: [AddressRange] = []
        var i = 0
        var j = 0
        while i < ranges.count && j < other.ranges.count {
            let lower = max(ranges[i].lower, other.ranges[j].lower)
            let upper = min(ranges[i].upper, other.ranges[j].upper)
            if lower <= upper { result.append(AddressRange(lower, upper)) }
            if ranges[i].upper < other.ranges[j].upper { i += 1 } else { j += 1 }
        }
        return AddressSet(result)
    }

    /// Every address not in the set.
    public var complement: AddressSet {
        var result: [AddressRange] = []
        var next: IPAddressValue? = .zero
        for range in ranges {
            if let start = next, start < range.lower, let end = range.lower.predecessor {
                result.append(AddressRange(start, end))
            }
            next = range.upper.successor
        }
        if let start = next { result.append(AddressRange(start, .max)) }
        return AddressSet(result)
    }

    public func subtracting(_ other: AddressSet) -> AddressSet { intersection(other.complement) }

    public func overlaps(_ other: AddressSet) -> Bool { !intersection(other).isEmpty }

    /// The lowest address, for a representative of a set that every rule treats alike.
    var first: IPAddressValue? { ranges.first?.lower }

    public var description: String {
        if isAll { return "any" }
        if isEmpty { return "none" }
        return ranges.map(\.description).joined(separator: ", ")
    }
}

/// A set of TCP/UDP ports as sorted, disjoint ranges.
public struct PortSet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int>]

    public init(_ ranges: [ClosedRange<Int>]) {
        var sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int>] = []
        while !sorted.isEmpty {
            let range = sorted.removeFirst()
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    public init(_ port: Int) { self.init([port...port]) }

    public static let all = PortSet([0...65535])
    /// Ports a client picks for its side of a connection (model: the IANA ephemeral range and the registered
    /// ports below it that operating systems also hand out).
    public static let ephemeral = PortSet([1024...65535])

    public func contains(_ port: Int) -> Bool { ranges.contains { $0.contains(port) } }

    public var description: String {
        if self == .all { return "any" }
        return ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")
    }
}
