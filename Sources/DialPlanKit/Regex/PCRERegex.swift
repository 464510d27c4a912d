import PatternAutomata
import CPCRE2

/// A Perl-style regular expression compiled once by PCRE2 (JIT where available) and matched against whole aliases.
///
/// Pexip documents its patterns as "case-insensitive Perl-style" that must match the whole alias, and real
/// VCS/Expressway plans use Perl constructs (`\d`, lookahead, `\1`) even though Cisco documents POSIX; so both are
/// compiled caseless, anchored at both ends (PCRE2_ANCHORED | PCRE2_ENDANCHORED), in UTF mode.
/// [PX-regex_reference] [VCS "Regular expressions"] [PCRE2 pcre2api]
///
/// The compiled code is read-only after JIT compilation and is shared across threads; every thread brings its own
/// `RegexScratch` (match data), as PCRE2's MULTITHREADING section requires.
public final class PCRERegex: @unchecked Sendable {
    /// The pattern as written.
    public let pattern: String
    /// Number of capturing groups.
    public let captureCount: Int
    /// Named groups, name → number.
    public let groupNames: [String: Int]
    /// Whether PCRE2's JIT compiled the pattern (the interpreter gives the same results when it did not).
    public let isJITCompiled: Bool

    let code: OpaquePointer

    /// Where a match must sit in the subject.
    public enum Anchoring: Sendable {
        /// The whole subject (the dial-plan rule for regexes).
        case whole
        /// A prefix of the subject.
        case start
        /// A suffix of the subject.
        case end
    }

    /// Compiles `pattern` (a literal string when `literal`). Throws `RegexCompileError` with the column inside the
    /// pattern where PCRE2 stopped.
    public init(_ pattern: String, anchoring: Anchoring = .whole, caseInsensitive: Bool = true, literal: Bool = false)
        throws(RegexCompileError)
    {
        self.pattern = pattern
        // PCRE2_LITERAL refuses PCRE2_UCP; caseless UTF matching folds non-ASCII case without it.
        var options: UInt32 = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP)
        if caseInsensitive { options |= PCRE2_CASELESS }
        switch anchoring {
        case .whole: options |= PCRE2_ANCHORED | PCRE2_ENDANCHORED
        case .start: options |= PCRE2_ANCHORED
        case .end: options |= PCRE2_ENDANCHORED
        }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, nil)
        } ?? {
            var copy = Array(pattern.utf8)
            return pcre2_compile_8(&copy, copy.count, options, &errorCode, &errorOffset, nil)
        }()
        guard let compiled else {
            throw RegexCompileError(
                pattern: pattern,
                message: PCRERegex.errorMessage(errorCode),
                column: PCRERegex.column(ofByteOffset: errorOffset, in: pattern))
        }
        code = compiled
        isJITCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0

        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        groupNames = PCRERegex.readNameTable(compiled)
    }

    deinit { pcre2_code_free_8(code) }

    /// Matches the whole of `subject` (UTF-8 bytes). The match offsets stay in `scratch` until its next use.
    @inline(__always)
    public func match(_ subject: UnsafeBufferPointer<UInt8>, scratch: RegexScratch) -> RegexMatchStatus {
        let rc = pcre2_match_8(
            code, subject.baseAddress ?? RegexScratch.emptySubject, subject.count, 0, PCRE2_NO_UTF_CHECK,
            scratch.matchData, RegexLimits.shared.context)
        if rc >= 0 { return .matched }
        if rc == PCRE2_ERROR_NOMATCH { return .noMatch }
        return .limitExceeded(PCRERegex.errorMessage(rc))
    }

    /// Matches the whole of `subject`.
    public func match(_ subject: String, scratch: RegexScratch) -> RegexMatchStatus {
        var subject = subject
        return subject.withUTF8 { match($0, scratch: scratch) }
    }

    /// PCRE2's text for an error code, in lower case as our messages are.
    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }

    /// 1-based column, in characters, of a UTF-8 byte offset inside `text`.
    /// An offset inside a character (a letter and its combining mark) counts as that character.
    static func column(ofByteOffset offset: Int, in text: String) -> Int {
        column(ofOffset: offset, in: text) { $0.utf8.count }
    }

    /// 1-based column, in characters, of an offset counted in units of `width` (bytes, scalars…).
    static func column(ofOffset offset: Int, in text: String, width: (Character) -> Int) -> Int {
        var column = 1
        var consumed = 0
        for character in text {
            let characterWidth = width(character)
            if consumed + characterWidth > offset { return column }
            consumed += characterWidth
            column += 1
        }
        return column
    }

    private static func readNameTable(_ code: OpaquePointer) -> [String: Int] {
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard nameCount > 0, let table else { return [:] }
        var names: [String: Int] = [:]
        for entry in 0..<Int(nameCount) {
            // Each entry: the group number (2 bytes, most significant first), then the NUL-terminated name.
            let base = table + entry * Int(entrySize)
            let number = Int(base[0]) << 8 | Int(base[1])
            let name = String(cString: base + 2)
            names[name] = number
        }
        return names
    }
}

/// The outcome of one match attempt.
public enum RegexMatchStatus: Equatable, Sendable {
    case matched
    case noMatch
    /// The match or depth limit was hit (a pathological pattern); carries PCRE2's message.
    case limitExceeded(String)
}

/// A pattern that PCRE2 refused, with the 1-based column inside the pattern where it stopped.
public struct RegexCompileError: Error, Equatable, Sendable {
    public let pattern: String
    public let message: String
    public let column: Int
}

/// Per-thread match data. Create one per worker thread; never share one between threads.
public final class RegexScratch {
    nonisolated(unsafe) static let emptySubject: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    let matchData: OpaquePointer
    let pairs: Int

    /// `maxCaptures`: the largest capture count of the patterns this scratch will be used with.
    public init(maxCaptures: Int = 99) {
        pairs = maxCaptures + 1
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)
    }

    deinit { pcre2_match_data_free_8(matchData) }

    /// Byte range of group `number` in the last subject, or nil when the group did not take part.
    @inline(__always)
    public func range(ofGroup number: Int) -> Range<Int>? {
        guard number >= 0, number < pairs else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let start = ovector[2 * number]
        let end = ovector[2 * number + 1]
        // PCRE2_UNSET is ~(size_t)0, which Swift (not importing the macro) sees as -1.
        if start < 0 || end < start { return nil }
        return start..<end
    }
}

/// Match and depth limits that bound a pathological pattern (catastrophic backtracking) so that it ends in a
/// finding instead of a hang. [PCRE2 pcre2_set_match_limit, pcre2_set_depth_limit]
public final class RegexLimits: @unchecked Sendable {
    /// Limits used by every match in this process.
    public static let shared = RegexLimits(matchLimit: 200_000, depthLimit: 10_000)

    public let matchLimit: UInt32
    public let depthLimit: UInt32
    let context: OpaquePointer

    public init(matchLimit: UInt32, depthLimit: UInt32) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        // A match context is only read during matching, so one is shared by all threads.
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
    }

    deinit { pcre2_match_context_free_8(context) }
}

extension RegexDialect {
    /// How the PCRE2 library this binary links reads the quantifier forms its versions disagree on, asked once.
    static let pcre2 = RegexDialect(
        acceptsOpenLowerBound: quantifierProbe("x{,2}"), acceptsSpacedBraces: quantifierProbe("x{ 2 }"))

    /// Whether PCRE2 reads `pattern` as two x's rather than as literal text.
    private static func quantifierProbe(_ pattern: String) -> Bool {
        guard let probe = try? PCRERegex(pattern) else { return false }
        return probe.match("xx", scratch: RegexScratch()) == .matched
    }
}
