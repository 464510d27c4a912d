/// The records of a Cisco VCS / Expressway `xConfiguration` export, in file order, with the problems met reading them.
///
/// A record is `*c xConfiguration <path words> [<index>] <key words>: <value>`, the value double-quoted
/// (`Priority: "15"`, numbers and enums too), bare, or empty (`Pattern Replace: `, or with the space trimmed by an
/// editor). Records are found by their `*c xConfiguration` token, not by line: pasted into documents, several end up
/// on one line and a label may precede the first (`Expressway-E *c xConfiguration Zones Zone 7 Name: "…" *c
/// xConfiguration Zones Zone 7 …`). [C1] Values print raw, without escapes (INFERRED in EXPORTS.md §2.1), so a quoted
/// value runs to the last quote before the next record or the line's end. Everything else a CLI transcript holds
/// (the echoed command, `OK`, prompts, `*s`/`*r` lines) is not a record and is ignored; real-world parsers read only
/// the `*c` lines too. [C5] [C6] A line that begins `*c` but is no record, or a record that does not parse, is an
/// error at its position. One pass over the bytes: linear in the file's size whatever it holds.
struct XConfiguration {
    /// One setting.
    struct Record: Sendable {
        /// The path and key words as the export spells them: `Zones`, `Zone`, `7`, `Name`.
        var words: [String]
        /// The words lower-cased, for matching: the CLI takes any case, and Cisco's own examples mix `SubZone` and
        /// `Subzone`. [X15REF ≈318k]
        var matchWords: [String]
        /// The column of each word, on the record's line.
        var wordColumns: [Int]
        var value: String
        /// Where the value's first character is (inside the quotes), or where the record starts when it is empty.
        var valueLocation: SourceLocation
        /// Where the record's `*c` is.
        var start: SourceLocation

        /// The key as the export spells it, with single spaces: `Zones Zone 7 Name`.
        var key: String { words.joined(separator: " ") }

        /// Where word number `index` is.
        func location(ofWord index: Int) -> SourceLocation {
            SourceLocation(file: start.file, line: start.line, column: wordColumns[index])
        }
    }

    private(set) var records: [Record] = []
    private(set) var diagnostics: [Diagnostic] = []

    /// Errors past this many are summed up in one, so that a file of garbage gives a readable answer.
    static let errorLimit = 50
    private var errorCount = 0

    init(parsing file: ExportFile) {
        let bytes = Array(file.text.utf8)
        var cursor = PositionCursor(bytes: bytes, file: file.path)
        for token in Self.tokens(in: bytes) {
            switch token {
            case .record(let start, let keyStart, let end):
                read(bytes, start: start, keyStart: keyStart, end: end, cursor: &cursor)
            case .strayMarker(let start, let end):
                let at = cursor.location(at: start)
                error("'\(Self.excerpt(bytes, start, end))' begins with *c but is not an xConfiguration record (*c xConfiguration <path> <key>: <value>)", at: at)
            }
        }
        if errorCount > Self.errorLimit {
            diagnostics.append(Diagnostic(.error, "\(errorCount - Self.errorLimit) more xConfiguration records do not parse", at: SourceLocation(file: file.path, line: 1, column: 1)))
        }
    }

    private mutating func error(_ message: String, at location: SourceLocation) {
        errorCount += 1
        if errorCount <= Self.errorLimit { diagnostics.append(Diagnostic(.error, message, at: location)) }
    }

    // MARK: Finding records

    private enum Token {
        /// A record: its `*c`, the first byte after `xConfiguration`, and where it ends (the next record or the
        /// line's end).
        case record(start: Int, keyStart: Int, end: Int)
        /// A line that begins `*c` without being a record, up to the line's end.
        case strayMarker(start: Int, end: Int)
    }

    private static let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A
    private static let quote: UInt8 = 0x22, colon: UInt8 = 0x3A, star: UInt8 = 0x2A, letterC: UInt8 = 0x63
    private static let keyword = Array("xconfiguration".utf8)

    /// The length of the blank at `index`: a space, a tab, or a no-break space (U+00A0, which documents and web
    /// pages paste between words); 0 for anything else.
    private static func blank(_ bytes: [UInt8], at index: Int, before end: Int) -> Int {
        guard index < end else { return 0 }
        if bytes[index] == space || bytes[index] == tab { return 1 }
        return bytes[index] == 0xC2 && index + 1 < end && bytes[index + 1] == 0xA0 ? 2 : 0
    }

    /// The length of the blank that ends just before `index` (not before `start`), or 0.
    private static func blank(_ bytes: [UInt8], endingAt index: Int, after start: Int) -> Int {
        guard index > start else { return 0 }
        if bytes[index - 1] == space || bytes[index - 1] == tab { return 1 }
        return index - 2 >= start && bytes[index - 2] == 0xC2 && bytes[index - 1] == 0xA0 ? 2 : 0
    }

    private static func skipBlanks(_ bytes: [UInt8], from index: Int, before end: Int) -> Int {
        var index = index
        while case let length = blank(bytes, at: index, before: end), length > 0 { index += length }
        return index
    }

    /// Every record and stray `*c` line, in file order, each ending before the next begins.
    private static func tokens(in bytes: [UInt8]) -> [Token] {
        var starts: [(start: Int, keyStart: Int?)] = []
        var lineHasText = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline {
                lineHasText = false
            } else if byte == star, index + 1 < bytes.count, bytes[index + 1] == letterC,
                index == 0 || bytes[index - 1] == newline || blank(bytes, endingAt: index, after: 0) > 0
            {
                if let keyStart = recordKeyStart(bytes, markerAt: index) {
                    starts.append((index, keyStart))
                    lineHasText = true
                    index = keyStart
                    continue
                } else if !lineHasText {
                    starts.append((index, nil))
                }
                lineHasText = true
            } else if case let length = blank(bytes, at: index, before: bytes.count), length > 0 {
                index += length
                continue
            } else {
                lineHasText = true
            }
            index += 1
        }
        // Each ends at the line's end or where the next record starts, whichever is first. The scan for the line's
        // end stops at the next start, so that every byte is looked at once.
        var tokens: [Token] = []
        tokens.reserveCapacity(starts.count)
        for (number, item) in starts.enumerated() {
            let limit = number + 1 < starts.count ? starts[number + 1].start : bytes.count
            var end = item.keyStart ?? item.start
            while end < limit && bytes[end] != newline { end += 1 }
            if let keyStart = item.keyStart {
                tokens.append(.record(start: item.start, keyStart: keyStart, end: end))
            } else {
                tokens.append(.strayMarker(start: item.start, end: end))
            }
        }
        return tokens
    }

    /// For a `*c` at `index` followed by blanks and `xConfiguration` (any case) and then a blank, a colon or the
    /// line's end: the index after the keyword.
    private static func recordKeyStart(_ bytes: [UInt8], markerAt index: Int) -> Int? {
        var position = index + 2
        guard blank(bytes, at: position, before: bytes.count) > 0 else { return nil }
        position = skipBlanks(bytes, from: position, before: bytes.count)
        guard position + keyword.count <= bytes.count else { return nil }
        for (offset, letter) in keyword.enumerated() where bytes[position + offset] | 0x20 != letter { return nil }
        position += keyword.count
        guard position == bytes.count || bytes[position] == newline || bytes[position] == colon
            || blank(bytes, at: position, before: bytes.count) > 0
        else { return nil }
        return position
    }

    // MARK: Reading one record

    private mutating func read(_ bytes: [UInt8], start: Int, keyStart: Int, end: Int, cursor: inout PositionCursor) {
        let recordAt = cursor.location(at: start)
        var words: [String] = []
        var columns: [Int] = []
        var position = keyStart
        while true {
            position = Self.skipBlanks(bytes, from: position, before: end)
            if position == end {
                error("the xConfiguration record '\(Self.excerpt(bytes, start, end))' has no ':' between its key and its value", at: recordAt)
                return
            }
            if bytes[position] == Self.colon { break }
            let wordStart = position
            while position < end && bytes[position] != Self.colon && Self.blank(bytes, at: position, before: end) == 0 { position += 1 }
            words.append(Self.string(bytes, wordStart, position))
            columns.append(cursor.location(at: wordStart).column)
        }
        guard !words.isEmpty else {
            error("the xConfiguration record '\(Self.excerpt(bytes, start, end))' has no key before its ':'", at: recordAt)
            return
        }
        position += 1  // the colon
        position = Self.skipBlanks(bytes, from: position, before: end)
        var valueStart = position
        var valueEnd = end
        if position < end && bytes[position] == Self.quote {
            // Raw text to the last quote of the record: what follows it (a `<-- note` pasted into a document) is
            // not part of the value.
            var closing = end - 1
            while closing > position && bytes[closing] != Self.quote { closing -= 1 }
            guard closing > position else {
                let key = words.joined(separator: " ")
                error("\(key): the value \(Self.excerpt(bytes, position, end)) has no closing quote", at: cursor.location(at: position))
                return
            }
            valueStart = position + 1
            valueEnd = closing
        } else {
            while case let length = Self.blank(bytes, endingAt: valueEnd, after: valueStart), length > 0 { valueEnd -= length }
        }
        let valueAt = valueEnd > valueStart ? cursor.location(at: valueStart) : recordAt
        records.append(Record(
            words: words, matchWords: words.map { $0.lowercased() }, wordColumns: columns,
            value: Self.string(bytes, valueStart, valueEnd), valueLocation: valueAt, start: recordAt))
    }

    private static func string(_ bytes: [UInt8], _ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    /// The text from `from` to `to`, blanks at the end dropped, shortened for a message.
    private static func excerpt(_ bytes: [UInt8], _ from: Int, _ to: Int) -> String {
        var to = to
        while case let length = blank(bytes, endingAt: to, after: from), length > 0 { to -= length }
        let limit = 100
        guard to - from > limit else { return string(bytes, from, to) }
        // Cut at a character boundary.
        var cut = from + limit
        while cut > from && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return string(bytes, from, cut) + "…"
    }
}

/// Line and column of byte offsets asked for in increasing order, counted once: columns count Unicode scalars, as
/// the YAML plan's do (`ExportFile.position`).
private struct PositionCursor {
    let bytes: [UInt8]
    let file: String
    private var offset = 0
    private var line = 1
    private var column = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func location(at target: Int) -> SourceLocation {
        if target < offset {
            // Offsets come in order; should one not, counting again from the start keeps the answer right.
            (offset, line, column) = (0, 1, 1)
        }
        while offset < target && offset < bytes.count {
            let byte = bytes[offset]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
