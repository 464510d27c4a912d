import PatternAutomata

/// Which aliases a rule matches, for comparing rules with each other.
enum RuleAliases {
    /// Every alias (a search rule's Any alias mode).
    case every
    case pattern(AliasMatcher)

    /// The rule's aliases as a language; nil for a regex outside the regular subset (backreferences, lookaround…).
    var language: PatternLanguage? {
        guard case .pattern(let matcher) = self else { return .anything }
        switch matcher.type {
        case .exact: return .exact(matcher.string)
        case .prefix: return .prefix(matcher.string)
        case .suffix: return .suffix(matcher.string)
        case .regex: return try? .regex(matcher.string, dialect: .pcre2)
        }
    }

    /// Whether the rule matches `alias`, as the simulation decides it (PCRE2 for regexes); a limit hit is no match.
    /// Any alias matches every alias but an IP address. [VCS "Search rules": Mode]
    func matches(_ alias: String, scratch: RegexScratch) -> Bool {
        guard case .pattern(let matcher) = self else { return SearchMode.anyAlias.takes(isIPAddress: PexipAlias.isIPAddress(alias)) == true }
        if case .matched = matcher.evaluate(alias, scratch: scratch) { return true }
        return false
    }

    /// A few aliases the rule matches, checked with PCRE2: generated from the pattern's structure (`PatternSampler`)
    /// and the shortest alias of its automaton; for Any alias, typical aliases.
    func samples(shortest: String?, scratch: RegexScratch) -> [String] {
        var candidates: [String] = []
        switch self {
        case .every:
            return ["alice@example.com", "1001", "x"]
        case .pattern(let matcher):
            switch matcher.type {
            case .exact: candidates = [matcher.string]
            case .prefix: candidates = [matcher.string + "x", matcher.string]
            case .suffix: candidates = ["x" + matcher.string, matcher.string]
            case .regex:
                if let sampler = try? PatternSampler(pattern: matcher.string) {
                    candidates = sampler.samples(count: RuleAliases.sampleCount, seed: 1)
                }
            }
        }
        if let shortest, !shortest.isEmpty { candidates.append(shortest) }
        // IP-address aliases, which Any alias rules do not take: a rule that matches one is not shadowed by them.
        candidates += RuleAliases.addressProbes
        var seen: Set<String> = []
        return candidates.filter { seen.insert($0).inserted && matches($0, scratch: scratch) }
    }

    /// IP-address aliases of each form, tried on every rule.
    static let addressProbes = [
        "192.0.2.10", "alice@192.0.2.10", "sip:192.0.2.10:5060", "h323:192.0.2.10", "2001:db8::10", "[2001:db8::10]",
        "[2001:db8::10]:5061", "alice@[2001:db8::10]", "sip:[2001:db8::10]", "tel:192.0.2.10",
    ]

    /// IP addresses as they are written (dotted quads, hexadecimal groups with colons, bracketed or not, with a
    /// scheme, a user part, a port; parameters left out, so that a witness is a plain address): where the superset's
    /// shortest shared alias is no address, the shortest one shared with these usually is.
    static let addressForms = (try? PatternLanguage.regex(
        #"([a-z0-9]{1,6}:)?(.*@)?((\d{1,3}\.){3}\d{1,3}(:\d+)?|[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}|\[[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\].*)"#,
        dialect: .pcre2)) ?? .anything

    /// Every IP-address alias, and more: what `PexipAlias.isIPAddress` can accept, as a regular language (a bracketed
    /// host may be followed by anything: the address is read up to its `]`).
    static let addressSuperset = (try? PatternLanguage.regex(#"([a-z0-9]{1,6}:)?(.*@)?([0-9a-f.:\[\]]*[.:][0-9a-f.:\[\]]*([;?].*)?|\[.*)"#, dialect: .pcre2)) ?? .anything

    /// Aliases generated per regex: enough for a pattern outside the regular subset to be judged by its samples.
    static let sampleCount = 24
}

/// Rules of one ordered list (a cluster's transforms, its search rules, the Call Routing Rules) that never apply
/// because an earlier rule takes every alias they match.
///
/// Every pair the caller allows is compared: first on the later rule's sample aliases with PCRE2 (one that the earlier
/// rule does not match settles the pair at once, which is how most pairs end), then by language inclusion of the
/// patterns' automata, exact for the regular subset. Where a pattern is outside it, or its automaton too large, the
/// samples decide, and the finding says so.
struct ShadowAnalysis {
    struct Finding {
        let later: Int
        let earlier: Int
        /// An alias the later rule matches and the earlier one takes.
        let witness: String
        /// nil: proven by automata; otherwise the number of generated aliases that the earlier rule all took.
        let sampled: Int?
        /// Only whether the later rule matches an IP address (which an earlier Any alias rule does not take) was
        /// judged on the samples; the rest is proven.
        var addressesJudged = false
    }

    static func run(_ rules: [RuleAliases], membership: PCRE2Membership, mayShadow: (_ earlier: Int, _ later: Int) -> Bool) -> [Finding] {
        guard rules.count > 1 else { return [] }
        let scratch = RegexScratch()
        let languages = rules.map(\.language)
        let present = languages.indices.filter { languages[$0] != nil }
        var slot = [Int?](repeating: nil, count: rules.count)
        for (position, index) in present.enumerated() { slot[index] = position }
        // Two more languages, for Any alias rules, which take no IP address: a regular superset of IP-address
        // aliases, then the forms addresses are written in (where a witness that is an address is looked for).
        let addressSlot = present.count
        var comparison = LanguageComparison(present.map { languages[$0]! } + [RuleAliases.addressSuperset, RuleAliases.addressForms], membership: membership)
        var samples: [[String]?] = Array(repeating: nil, count: rules.count)
        var findings: [Finding] = []
        for later in rules.indices.dropFirst() {
            for earlier in 0..<later where mayShadow(earlier, later) {
                if samples[later] == nil {
                    let shortest = slot[later].flatMap { comparison.shortestMember(of: $0)?.member }
                    samples[later] = rules[later].samples(shortest: shortest, scratch: scratch)
                }
                let aliases = samples[later]!
                guard !aliases.isEmpty, aliases.allSatisfy({ rules[earlier].matches($0, scratch: scratch) }) else { continue }
                var inclusion = Inclusion.undecided
                if let inner = slot[later], let outer = slot[earlier] {
                    inclusion = comparison.inclusion(of: inner, in: outer)
                }
                // Any alias takes every alias but an IP address: the later rule is inside it only if it matches no IP
                // address. Proven where it shares nothing with the superset; a shared alias that is an address
                // disproves it; otherwise the samples (with their address probes) decide.
                var onlyAddressesUndecided = false
                if case .every = rules[earlier], case .included = inclusion, let inner = slot[later] {
                    let shared = comparison.intersection(inner, addressSlot)
                    if !shared.decided || shared.witness != nil {
                        // The superset's shortest shared alias may be no address ('[c]'): look again among the
                        // address forms themselves for one that is.
                        if let witness = shared.witness,
                            PexipAlias.isIPAddress(witness) || comparison.intersection(inner, addressSlot + 1).witness.map(PexipAlias.isIPAddress) == true
                        {
                            continue
                        }
                        inclusion = .undecided
                        onlyAddressesUndecided = true
                    }
                }
                // The automata judge characters beyond ASCII by representatives; before a rule is called dead, aliases
                // with the characters PCRE2's Unicode tables treat specially are tried on both rules.
                if case .notIncluded = inclusion { continue }
                if unicodeCounterexample(aliases, later: rules[later], earlier: rules[earlier], scratch: scratch) != nil { continue }
                switch inclusion {
                case .included:
                    findings.append(Finding(later: later, earlier: earlier, witness: aliases[0], sampled: nil))
                case .notIncluded:
                    continue
                case .undecided:
                    // Where only IP addresses are in doubt, the address probes among the samples decide.
                    guard aliases.count >= RuleAliases.sampleCount / 3 || onlyAddressesUndecided else { continue }
                    findings.append(Finding(later: later, earlier: earlier, witness: aliases[0], sampled: aliases.count, addressesJudged: onlyAddressesUndecided))
                }
                break
            }
        }
        return findings
    }

    /// Characters where PCRE2's caseless Unicode matching differs from simple case mappings or from the Unicode
    /// categories (long s, Kelvin sign, dotless and dotted i, final sigma, superscripts, Roman numerals, marks,
    /// connector punctuation, guillemets, private use, ligatures).
    static let unicodeProbes: [Unicode.Scalar] = [
        0x17F, 0x212A, 0x131, 0x130, 0x3C2, 0x3A3, 0xDF, 0x1E9E, 0xB2, 0x2167, 0x301, 0x903, 0x203F, 0xAB, 0xE000, 0xFB01,
        0x1C5, 0x2B0, 0x660, 0xA0, 0x2028, 0xC5, 0x212B,
    ].compactMap(Unicode.Scalar.init)

    /// An alias the later rule matches and the earlier one does not, made from a sample by putting one probe
    /// character in place of one of its characters (or at its end); nil when none is.
    static func unicodeCounterexample(_ samples: [String], later: RuleAliases, earlier: RuleAliases, scratch: RegexScratch) -> String? {
        for sample in samples.prefix(8) {
            let scalars = Array(sample.unicodeScalars)
            for position in 0...scalars.count {
                for probe in unicodeProbes {
                    var changed = scalars
                    if position < scalars.count { changed[position] = probe } else { changed.append(probe) }
                    var text = String()
                    text.unicodeScalars.append(contentsOf: changed)
                    if later.matches(text, scratch: scratch) && !earlier.matches(text, scratch: scratch) { return text }
                }
            }
        }
        return nil
    }

    /// How a finding was decided, for its message.
    static func proof(_ finding: Finding) -> String {
        guard let sampled = finding.sampled else { return "" }
        if finding.addressesJudged {
            return " (that it matches no IP address, which Any alias does not take, is judged on \(sampled) aliases, IP-address forms among them)"
        }
        return " (judged on \(sampled) aliases generated from its pattern: it is outside what the analyzer can prove)"
    }
}
