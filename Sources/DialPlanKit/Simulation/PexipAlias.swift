/// How Pexip sees a dialled alias. Each rule is written once, on UTF-8 bytes (the simulation's hot path); the
/// `String` forms wrap the byte forms.
public enum PexipAlias {
    /// URI schemes removed before matching. [PX-configuring_gateway_rules]
    static let schemes: [[UInt8]] = ["sip:", "sips:", "h323:", "tel:", "mssip:", "im:", "pres:"].map { Array($0.utf8) }

    /// The parsed alias: the URI scheme, URI parameters (`;…`) and headers (`?…`) removed, so that
    /// `sip:alice@example.com;transport=tls` is matched as `alice@example.com`. [PX-configuring_gateway_rules]
    public static func parse(_ alias: String) -> String {
        var text = alias
        return text.withUTF8 { bytes in String(decoding: UnsafeBufferPointer(rebasing: bytes[parsedRange(bytes)]), as: UTF8.self) }
    }

    /// The byte range of the parsed alias inside `bytes` (see `parse`).
    @inline(__always)
    static func parsedRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        // A scheme is at most six letters and a colon: look for the colon first.
        var colon = 0
        while colon < min(bytes.count, 7) && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        if colon < min(bytes.count, 7) {
            for scheme in schemes where scheme.count == colon + 1 {
                var equal = true
                for offset in 0..<colon where AliasMatcher.fold(bytes[offset]) != scheme[offset] {
                    equal = false
                    break
                }
                if equal {
                    start = colon + 1
                    break
                }
            }
        }
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: ";") && bytes[end] != UInt8(ascii: "?") { end += 1 }
        return start..<end
    }

    /// The domain of an alias (the host part after `@`, without a port or parameters), lower-cased.
    public static func domain(of alias: String) -> String? {
        var text = alias
        return text.withUTF8 { bytes in domainRange(bytes).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self).lowercased() } }
    }

    /// The byte range of the alias's domain, or nil when it has none (see `domain(of:)`).
    static func domainRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let parsed = parsedRange(bytes)
        guard let at = parsed.last(where: { bytes[$0] == UInt8(ascii: "@") }) else { return nil }
        var host = (at + 1)..<parsed.upperBound
        if host.first.map({ bytes[$0] == UInt8(ascii: "[") }) == true {
            if let close = host.first(where: { bytes[$0] == UInt8(ascii: "]") }) { host = (host.lowerBound + 1)..<close }
        } else if let colon = host.first(where: { bytes[$0] == UInt8(ascii: ":") }) {
            host = host.lowerBound..<colon
        }
        return host.isEmpty ? nil : host
    }

    /// Whether the alias is a dialled IP address (with or without a user part), as `any_ip_address` search rules
    /// match. [VCS "Search rules"]
    public static func isIPAddress(_ alias: String) -> Bool {
        var text = alias
        return text.withUTF8(isIPAddress)
    }

    /// The same, on bytes.
    static func isIPAddress(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let parsed = parsedRange(bytes)
        let at = parsed.last { bytes[$0] == UInt8(ascii: "@") }
        var host = (at.map { $0 + 1 } ?? parsed.lowerBound)..<parsed.upperBound
        let colons = host.filter { bytes[$0] == UInt8(ascii: ":") }
        if host.first.map({ bytes[$0] == UInt8(ascii: "[") }) == true, let close = host.first(where: { bytes[$0] == UInt8(ascii: "]") }) {
            host = (host.lowerBound + 1)..<close
        } else if colons.count == 1 {
            host = host.lowerBound..<colons[0]
        }
        // Most aliases are names or numbers: a host with a character no address has, or with neither a dot nor a
        // colon, is none, without making a string (Any alias rules ask this of every alias they see).
        var separated = false
        for index in host {
            switch bytes[index] {
            case UInt8(ascii: "."), UInt8(ascii: ":"): separated = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): continue
            default: return false
            }
        }
        guard separated else { return false }
        return PlanBuilder.isIPAddress(String(decoding: UnsafeBufferPointer(rebasing: bytes[host]), as: UTF8.self))
    }

    /// Whether a Skype for Business request URI is a phone URI (`tel:` or `;user=phone`). [MS New-CsStaticRoute]
    static func isPhoneURI(_ alias: String) -> Bool {
        let lowered = alias.lowercased()
        return lowered.hasPrefix("tel:") || lowered.contains(";user=phone")
    }

    /// The key under which a dialled alias is compared with service aliases: the parsed alias, case-folded.
    /// [PX-about_aliases] (model: case-insensitive)
    static func serviceKey(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        folded(UnsafeBufferPointer(rebasing: bytes[parsedRange(bytes)]))
    }

    /// The same, for a dialled alias as text.
    static func serviceKey(_ alias: String) -> [UInt8] {
        var text = alias
        return text.withUTF8(serviceKey)
    }

    /// The key of a stored service alias: the alias as stored (Pexip stores it exactly as it is received, so one
    /// that carries a scheme or parameters is never matched), case-folded.
    static func storedServiceKey(_ alias: String) -> [UInt8] {
        var text = alias
        return text.withUTF8(folded)
    }

    /// Case folding: ASCII by bytes, other text by Unicode lower-casing (as the loader compares aliases for
    /// uniqueness).
    private static func folded(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.map(AliasMatcher.fold) }
        return Array(String(decoding: bytes, as: UTF8.self).lowercased().utf8)
    }
}
