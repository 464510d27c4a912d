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
public final class AliasMatcher: Sendable {
    public let type: PatternType
    public let string: String
    public let behavior: PatternBehavior
    public let replace: String
    /// How the replace string references groups (VCS, or Python for Pexip Call Routing Rules).
    public let syntax: ReplacementTemplate.Syntax
    /// The compiled regex, for `type == .regex`.
    public let regex: PCRERegex?
    /// For exact/prefix/suffix: the pattern as a caseless PCRE2 literal, used when the alias or pattern is not
    /// ASCII so that literal and regex patterns fold case the same way (PCRE2's Unicode case folding).
    let literalRegex: PCRERegex?
    let template: ReplacementTemplate?
    let foldedPattern: [UInt8]
    let replaceBytes: [UInt8]
    let patternIsASCII: Bool

    /// Compiles the pattern and, for a regex, the replace string against it (in the VCS or Python syntax, see
    /// `ReplacementTemplate`).
    public init(type: PatternType, string: String, behavior: PatternBehavior = .leave, replace: String = "", syntax: ReplacementTemplate.Syntax = .vcs)
        throws(AliasMatcherError)
    {
        self.type = type
        self.string = string
        self.behavior = behavior
        self.replace = replace
        self.syntax = syntax
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
                        replace, captureCount: compiled.captureCount, groupNames: compiled.groupNames, syntax: syntax)
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

    /// What makes two matchers behave the same: equal keys match and rewrite every alias alike.
    public var identity: Identity { Identity(type: type, string: string, behavior: behavior, replace: replace, syntax: syntax) }

    /// See `identity`.
    public struct Identity: Hashable, Sendable {
        var type: PatternType
        var string: String
        var behavior: PatternBehavior
        var replace: String
        var syntax: ReplacementTemplate.Syntax
    }

    /// Compares `alias` with the pattern and applies the behavior.
    public func evaluate(_ alias: String, scratch: RegexScratch) -> AliasMatchResult {
        var text = alias
        var output: [UInt8] = []
        let outcome = text.withUTF8 { evaluate($0, scratch: scratch, into: &output) }
        switch outcome {
        case .noMatch: return .noMatch
        case .unchanged: return .matched(rewritten: nil)
        case .rewritten: return .matched(rewritten: String(decoding: output, as: UTF8.self))
        case .limitExceeded(let message): return .limitExceeded(message)
        }
    }

    /// Compares the alias `bytes` (UTF-8) with the pattern and applies the behavior; a rewritten alias replaces the
    /// contents of `output`. The simulation's hot path: no `String` is made.
    @inline(__always)
    func evaluate(_ bytes: UnsafeBufferPointer<UInt8>, scratch: RegexScratch, into output: inout [UInt8]) -> MatchOutcome {
        switch type {
        case .regex:
            switch regex!.match(bytes, scratch: scratch) {
            case .noMatch: return .noMatch
            case .limitExceeded(let message): return .limitExceeded(message)
            case .matched:
                switch behavior {
                case .leave: return .unchanged
                case .replace:
                    // An empty replace string leaves the alias unchanged. [PX-configuring_gateway_rules]
                    guard let template, !template.isEmpty else { return .unchanged }
                    output.removeAll(keepingCapacity: true)
                    template.expand(subject: bytes, scratch: scratch, into: &output)
                    return .rewritten
                case .strip:
                    // The whole alias matched: nothing is left.
                    output.removeAll(keepingCapacity: true)
                    return .rewritten
                case .addprefix:
                    output.removeAll(keepingCapacity: true)
                    output.append(contentsOf: replaceBytes)
                    output.append(contentsOf: bytes)
                    return .rewritten
                case .addsuffix:
                    output.removeAll(keepingCapacity: true)
                    output.append(contentsOf: bytes)
                    output.append(contentsOf: replaceBytes)
                    return .rewritten
                }
            }
        case .exact, .prefix, .suffix:
            guard let matched = literalMatch(bytes, scratch: scratch) else { return .noMatch }
            return rewriteLiteral(bytes, matched: matched, into: &output)
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

    private func rewriteLiteral(_ bytes: UnsafeBufferPointer<UInt8>, matched: Range<Int>, into output: inout [UInt8]) -> MatchOutcome {
        guard behavior != .leave else { return .unchanged }
        output.removeAll(keepingCapacity: true)
        switch behavior {
        case .leave:
            break
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
        return .rewritten
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

/// The byte-level result of `AliasMatcher.evaluate(_:scratch:into:)`.
enum MatchOutcome: Equatable {
    case noMatch
    /// Matched; the behavior leaves the alias as it is.
    case unchanged
    /// Matched; the new alias is in the output buffer.
    case rewritten
    case limitExceeded(String)
}

/// Why a pattern or its replace string cannot be compiled.
public enum AliasMatcherError: Error, Equatable, Sendable {
    case pattern(RegexCompileError)
    case replacement(ReplacementError)
}
