import PatternAutomata

/// The automata's character membership decided by PCRE2 itself: each literal and set of a pattern is compiled as a
/// one-character regex with the options dial-plan regexes get (caseless, UTF, UCP) and matched against the
/// characters the alphabet examines. PCRE2's Unicode tables (POSIX classes under UCP, `\w` as this PCRE2 version
/// defines it, caseless sets such as k/K/K and s/S/ſ) then shape the classes, not an approximation of them.
final class PCRE2Membership: CharacterMembership {
    private var compiled: [CharacterPredicate: PCRERegex?] = [:]
    private let scratch = RegexScratch(maxCaptures: 1)
    private let fallback = UnicodePropertyMembership()

    func matches(_ predicate: CharacterPredicate, _ scalar: Unicode.Scalar) -> Bool {
        let regex: PCRERegex?
        if let known = compiled[predicate] {
            regex = known
        } else {
            regex = try? PCRERegex(predicate.pcre2Pattern)
            compiled[predicate] = regex
        }
        guard let regex else { return fallback.matches(predicate, scalar) }
        var text = String()
        text.unicodeScalars.append(scalar)
        if case .matched = regex.match(text, scratch: scratch) { return true }
        return false
    }
}
