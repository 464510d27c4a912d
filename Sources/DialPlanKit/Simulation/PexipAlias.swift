/// How Pexip sees a dialled alias.
public enum PexipAlias {
    /// URI schemes removed before matching. [PX-configuring_gateway_rules]
    static let schemes = ["sip:", "sips:", "h323:", "tel:", "mssip:", "im:", "pres:"]

    /// The parsed alias: the URI scheme, URI parameters (`;…`) and headers (`?…`) removed, so that
    /// `sip:alice@example.com;transport=tls` is matched as `alice@example.com`. [PX-configuring_gateway_rules]
    public static func parse(_ alias: String) -> String {
        var text = Substring(alias)
        let lowered = alias.lowercased()
        for scheme in schemes where lowered.hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
            break
        }
        if let cut = text.firstIndex(where: { $0 == ";" || $0 == "?" }) { text = text[..<cut] }
        return String(text)
    }

    /// The domain of an alias (the host part after `@`, without a port or parameters), lower-cased.
    public static func domain(of alias: String) -> String? {
        let parsed = parse(alias)
        guard let at = parsed.lastIndex(of: "@") else { return nil }
        var host = parsed[parsed.index(after: at)...]
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = host[host.index(after: host.startIndex)..<close] }
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        return host.isEmpty ? nil : host.lowercased()
    }

    /// Whether the alias is a dialled IP address (with or without a user part), as `any_ip_address` search rules
    /// match. [VCS "Search rules"]
    public static func isIPAddress(_ alias: String) -> Bool {
        let parsed = parse(alias)
        let host = parsed.lastIndex(of: "@").map { String(parsed[parsed.index(after: $0)...]) } ?? parsed
        var candidate = host
        if candidate.hasPrefix("["), let close = candidate.firstIndex(of: "]") {
            candidate = String(candidate[candidate.index(after: candidate.startIndex)..<close])
        } else if candidate.filter({ $0 == ":" }).count == 1, let colon = candidate.firstIndex(of: ":") {
            candidate = String(candidate[..<colon])
        }
        return PlanBuilder.isIPAddress(candidate)
    }
}
