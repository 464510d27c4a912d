/// How a VCS pattern string is compared with an alias. [VCS "Pattern types"]
public enum PatternType: String, Sendable, CaseIterable, Codable {
    case exact, prefix, suffix, regex
}

/// What a matching transform or search rule does to the alias. Transforms use strip, replace, addprefix and
/// addsuffix; search rules use leave, strip and replace. [VCS "Pattern behavior"]
public enum PatternBehavior: String, Sendable, CaseIterable, Codable {
    case leave, strip, replace, addprefix, addsuffix
}

/// The result of comparing an alias with a pattern and applying its behavior.
public enum AliasMatchResult: Equatable, Sendable {
    case noMatch
    /// Matched; `rewritten` is the new alias, or nil when the behavior leaves it unchanged.
    case matched(rewritten: String?)
    /// A regex hit PCRE2's match or depth limit: the outcome is unknown.
    case limitExceeded(String)
}

/// A pattern (type + string) with its behavior and replace string, compiled once and matched many times.
///
/// Exact, prefix and suffix compare case-insensitively; a regex must match the whole alias, case-insensitively
/// (model for VCS, documented for Pexip). Strip removes the matched prefix or suffix; Replace puts the replace
/// string in place of the matched part, and for a regex the whole alias becomes the expanded replacement;
/// AddPrefix/AddSuffix add the replace string. [VCS] [PX-regex_reference]
public struct AliasMatcher: Sendable {
    public let type: PatternType
    public let string: String
    public let behavior: PatternBehavior
    public let replace: String
    /// The compiled regex, for `type == .regex`.
    public let regex: PCRERegex?
    /// For exact/prefix/suffix: the pattern as a caseless PCRE2 literal, used when the alias or pattern is not
    /// ASCII so that literal and regex patterns fold case the same way (PCRE2's Unicode case folding).
    let literalRegex: PCRERegex?
    let template: ReplacementTemplate?
    let foldedPattern: [UInt8]
    let replaceBytes: [UInt8]
    let patternIsASCII: Bool

    /// Compiles the pattern and, for a regex, the replace string against it.
    public init(type: PatternType, string: String, behavior: PatternBehavior = .leave, replace: String = "")
        throws(AliasMatcherError)
    {
        self.type = type
        self.string = string
        self.behavior = behavior
        self.replace = replace
        replaceBytes = Array(replace.utf8)
        patternIsASCII = string.utf8.allSatisfy { $0 < 0x80 }
        foldedPattern = string.utf8.map(AliasMatcher.fold)
        if type == .regex {
            let compiled: PCRERegex
            do { compiled = try PCRERegex(string) } catch { throw .pattern(error) }
            regex = compiled
            if behavior == .replace {
                do {
                    template = try ReplacementTemplate(
                        replace, captureCount: compiled.captureCount, groupNames: compiled.groupNames)
                } catch { throw .replacement(error) }
            } else {
                template = nil
            }
            literalRegex = nil
        } else {
            regex = nil
            template = nil
            let anchoring: PCRERegex.Anchoring = type == .exact ? .whole : type == .prefix ? .start : .end
            do { literalRegex = try PCRERegex(string, anchoring: anchoring, literal: true) } catch { throw .pattern(error) }
        }
    }

    /// Compares `alias` with the pattern and applies the behavior.
    @inline(__always)
    public func evaluate(_ alias: String, scratch: RegexScratch) -> AliasMatchResult {
        var utf8 = alias
        return utf8.withUTF8 { evaluate(utf8: $0, alias: alias, scratch: scratch) }
    }

    @inline(__always)
    func evaluate(utf8 bytes: UnsafeBufferPointer<UInt8>, alias: String, scratch: RegexScratch) -> AliasMatchResult {
        switch type {
        case .regex:
            switch regex!.match(bytes, scratch: scratch) {
            case .noMatch: return .noMatch
            case .limitExceeded(let message): return .limitExceeded(message)
            case .matched:
                switch behavior {
                case .leave: return .matched(rewritten: nil)
                case .replace:
                    // An empty replace string leaves the alias unchanged. [PX-configuring_gateway_rules]
                    guard let template, !template.isEmpty else { return .matched(rewritten: nil) }
                    var output: [UInt8] = []
                    output.reserveCapacity(bytes.count + replaceBytes.count)
                    template.expand(subject: bytes, scratch: scratch, into: &output)
                    return .matched(rewritten: String(decoding: output, as: UTF8.self))
                case .strip:
                    // The whole alias matched: nothing is left.
                    return .matched(rewritten: "")
                case .addprefix: return .matched(rewritten: replace + alias)
                case .addsuffix: return .matched(rewritten: alias + replace)
                }
            }
        case .exact, .prefix, .suffix:
            guard let matched = literalMatch(bytes, scratch: scratch) else { return .noMatch }
            return .matched(rewritten: rewriteLiteral(bytes, matched: matched))
        }
    }

    /// The byte range of `bytes` the literal pattern matched, or nil.
    @inline(__always)
    private func literalMatch(_ bytes: UnsafeBufferPointer<UInt8>, scratch: RegexScratch) -> Range<Int>? {
        let count = foldedPattern.count
        guard patternIsASCII, bytes.allSatisfy({ $0 < 0x80 }) else { return unicodeLiteralMatch(bytes, scratch: scratch) }
        switch type {
        case .exact:
            guard bytes.count == count, equalFolded(bytes, from: 0) else { return nil }
            return 0..<count
        case .prefix:
            guard bytes.count >= count, equalFolded(bytes, from: 0) else { return nil }
            return 0..<count
        case .suffix:
            guard bytes.count >= count, equalFolded(bytes, from: bytes.count - count) else { return nil }
            return (bytes.count - count)..<bytes.count
        case .regex:
            return nil
        }
    }

    @inline(__always)
    private func equalFolded(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var i = 0
        for byte in foldedPattern {
            if AliasMatcher.fold(bytes[start + i]) != byte { return false }
            i += 1
        }
        return true
    }

    /// Case-insensitive literal comparison for non-ASCII text, by PCRE2's Unicode case folding (so that `ſip`
    /// matches `SIP` here as it does in a regex).
    private func unicodeLiteralMatch(_ bytes: UnsafeBufferPointer<UInt8>, scratch: RegexScratch) -> Range<Int>? {
        guard let literalRegex, case .matched = literalRegex.match(bytes, scratch: scratch) else { return nil }
        return scratch.range(ofGroup: 0)
    }

    private func rewriteLiteral(_ bytes: UnsafeBufferPointer<UInt8>, matched: Range<Int>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + replaceBytes.count)
        switch behavior {
        case .leave:
            return nil
        case .strip:
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<matched.lowerBound]))
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[matched.upperBound...]))
        case .replace:
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<matched.lowerBound]))
            output.append(contentsOf: replaceBytes)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[matched.upperBound...]))
        case .addprefix:
            output.append(contentsOf: replaceBytes)
            output.append(contentsOf: bytes)
        case .addsuffix:
            output.append(contentsOf: bytes)
            output.append(contentsOf: replaceBytes)
        }
        return String(decoding: output, as: UTF8.self)
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

/// Why a pattern or its replace string cannot be compiled.
public enum AliasMatcherError: Error, Equatable, Sendable {
    case pattern(RegexCompileError)
    case replacement(ReplacementError)
}
