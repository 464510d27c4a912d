/// VCS / Expressway pattern variables in transform and search rule patterns and replace strings, expanded from the
/// cluster's settings. [X15REF "Pattern variables"] [TAC222176] [X14DP] (see ../shared/EXPORTS.md §2 and the
/// research notes cited there)
///
/// - `%localdomains%`: any of the cluster's SIP domains (pattern only); `%localdomain1%`…`%localdomain200%`: the
///   domain at that index (pattern and replace).
/// - `%ip%`: any of the cluster's IPv4 and IPv6 addresses (all peers; pattern only); `%ipv4%` / `%ipv6%`: any of
///   that family's. `%ipv4_1%`, `%ipv4_2%`, `%ipv6_1%`, `%ipv6_2%`: a LAN's address; in a pattern any of the
///   cluster's addresses of that family (the plan does not tell LAN 1 from LAN 2), in a replace string the first.
/// - `%systemname%`: the System Name (pattern and replace).
///
/// In a regex pattern a variable with several values becomes `(?:a|b)`, each value escaped, so group numbers stay as
/// written; one with none never matches. An exact, prefix or suffix pattern with several values becomes the regex
/// that means the same (the behavior and replace string rewritten alike); variable names compare without case.
struct PatternVariables {
    let sipDomains: [String]
    let addresses: [String]
    let systemName: String

    /// A pattern (type, string, behavior, replace) with its variables expanded.
    struct Expanded: Equatable {
        var type: PatternType
        var string: String
        var behavior: PatternBehavior
        var replace: String
    }

    enum Failure: Error, Equatable {
        /// `%name%` is no pattern variable.
        case unknown(String, inReplace: Bool)
        /// A variable with several values in a replace string.
        case patternOnly(String)
        /// `%localdomain<n>%` beyond the configured domains.
        case noSuchDomain(Int, count: Int)
        /// A variable that stands for nothing on this cluster (no SIP domains, no addresses of that family): the
        /// pattern could never match.
        case empty(String)

        var message: String {
            switch self {
            case .unknown(let name, let inReplace):
                "\(inReplace ? "replace string" : "pattern") uses %\(name)%, which is no VCS pattern variable (they are %localdomains%, %localdomain1%…%localdomain200%, %ip%, %ipv4%, %ipv6%, %ipv4_1%, %ipv4_2%, %ipv6_1%, %ipv6_2%, %systemname%)"
            case .patternOnly(let name):
                "replace string uses %\(name)%, which stands for several values and can only be used in a pattern"
            case .noSuchDomain(let index, let count):
                "%localdomain\(index)% names SIP domain \(index), but the cluster has \(count == 0 ? "none (sip_domains)" : "\(count) (sip_domains)")"
            case .empty(let name):
                "pattern uses %\(name)%, which stands for nothing on this cluster (\(name.lowercased() == "localdomains" ? "it has no SIP domains: sip_domains" : "it has no such addresses: addresses")), so the pattern never matches"
            }
        }
    }

    private enum Part {
        case literal(String)
        case values([String], name: String)
    }

    /// Whether `text` uses a variable at all (`%` followed by a letter, up to the next `%`).
    static func mentions(_ text: String) -> Bool {
        guard text.contains("%") else { return false }
        return !PatternVariables.tokens(text).allSatisfy { if case .text = $0 { return true } else { return false } }
    }

    private enum Token {
        case text(String)
        case variable(String)
    }

    /// `text` split into plain text and `%name%` variables (a name starts with a letter and has letters, digits and
    /// underscores).
    private static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var plain = ""
        var rest = Substring(text)
        while let start = rest.firstIndex(of: "%") {
            let after = rest.index(after: start)
            if let end = rest[after...].firstIndex(of: "%"), after < end {
                let name = rest[after..<end]
                if let first = name.first, first.isASCII && first.isLetter,
                    name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
                {
                    plain += rest[..<start]
                    if !plain.isEmpty { tokens.append(.text(plain)) }
                    plain = ""
                    tokens.append(.variable(String(name)))
                    rest = rest[rest.index(after: end)...]
                    continue
                }
            }
            plain += rest[...start]
            rest = rest[after...]
        }
        plain += rest
        if !plain.isEmpty { tokens.append(.text(plain)) }
        return tokens
    }

    private var ipv4: [String] { addresses.filter { $0.contains(".") && !$0.contains(":") && PlanBuilder.isIPAddress($0) } }
    private var ipv6: [String] { addresses.filter { $0.contains(":") && PlanBuilder.isIPAddress($0) } }

    /// The values of variable `name` (nil: no such variable), and whether it stands for one value only.
    private func values(of name: String) throws(Failure) -> (values: [String], single: Bool)? {
        let lower = name.lowercased()
        switch lower {
        case "localdomains": return (sipDomains, false)
        case "ip": return (ipv4 + ipv6, false)
        case "ipv4": return (ipv4, false)
        case "ipv6": return (ipv6, false)
        case "ipv4_1", "ipv4_2": return (ipv4, true)
        case "ipv6_1", "ipv6_2": return (ipv6, true)
        case "systemname": return ([systemName], true)
        default:
            guard lower.hasPrefix("localdomain"), let index = Int(lower.dropFirst("localdomain".count)), (1...200).contains(index) else { return nil }
            guard index <= sipDomains.count else { throw .noSuchDomain(index, count: sipDomains.count) }
            return ([sipDomains[index - 1]], true)
        }
    }

    private func parts(_ text: String, inReplace: Bool) throws(Failure) -> [Part] {
        var parts: [Part] = []
        for token in PatternVariables.tokens(text) {
            switch token {
            case .text(let plain):
                parts.append(.literal(plain))
            case .variable(let name):
                guard let (values, single) = try values(of: name) else { throw .unknown(name, inReplace: inReplace) }
                guard !values.isEmpty else { throw .empty(name) }
                if inReplace {
                    guard single || values.count == 1 else { throw .patternOnly(name) }
                    parts.append(.literal(values.first ?? ""))
                } else {
                    // In a pattern, a LAN's variable stands for that family's addresses of every peer.
                    parts.append(.values(values, name: name))
                }
            }
        }
        return parts
    }

    /// Expands the variables of a pattern and its replace string.
    func expand(type: PatternType, string: String, behavior: PatternBehavior, replace: String) throws(Failure) -> Expanded {
        let replaced = PatternVariables.mentions(replace)
            ? try parts(replace, inReplace: true).map { part -> String in
                if case .literal(let text) = part { return text }
                return ""
            }.joined()
            : replace
        guard PatternVariables.mentions(string) else { return Expanded(type: type, string: string, behavior: behavior, replace: replaced) }
        let parts = try parts(string, inReplace: false)
        // A literal pattern whose variables have one value each stays literal.
        if type != .regex, parts.allSatisfy({ if case .values(let values, _) = $0 { return values.count == 1 } else { return true } }) {
            let text = parts.map { part -> String in
                switch part {
                case .literal(let text): return text
                case .values(let values, _): return values[0]
                }
            }.joined()
            return Expanded(type: type, string: text, behavior: behavior, replace: replaced)
        }
        // As a regex: literal text escaped (unless the pattern is a regex already), values as alternatives.
        let body = parts.map { part -> String in
            switch part {
            case .literal(let text): return type == .regex ? text : PatternVariables.escape(text)
            case .values(let values, _):
                let alternatives = values.map(PatternVariables.escape)
                return alternatives.count == 1 ? alternatives[0] : "(?:" + alternatives.joined(separator: "|") + ")"
            }
        }.joined()
        // Literal patterns as the regex that means the same: the matched prefix or suffix is a group of its own, so
        // that strip and replace keep the rest. AddPrefix and AddSuffix add to the whole alias either way.
        switch (type, behavior) {
        case (.regex, _), (.exact, _), (_, .leave), (_, .addprefix), (_, .addsuffix):
            let regex = type == .prefix ? body + ".*" : type == .suffix ? ".*" + body : body
            return Expanded(type: .regex, string: regex, behavior: behavior, replace: replaced)
        case (.prefix, .strip): return Expanded(type: .regex, string: "(?:\(body))(.*)", behavior: .replace, replace: "\\g<1>")
        case (.prefix, _): return Expanded(type: .regex, string: "(?:\(body))(.*)", behavior: .replace, replace: replaced + "\\g<1>")
        case (.suffix, .strip): return Expanded(type: .regex, string: "(.*)(?:\(body))", behavior: .replace, replace: "\\g<1>")
        case (.suffix, _): return Expanded(type: .regex, string: "(.*)(?:\(body))", behavior: .replace, replace: "\\g<1>" + replaced)
        }
    }

    /// `text` as a PCRE2 pattern that matches it literally.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\^$.|?*+()[]{}/-#".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
