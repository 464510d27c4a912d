import Foundation

/// PowerShell console output as a saved transcript (`Start-Transcript`) or a copy of the console holds it: the
/// commands echoed after prompts, and the `Format-List` records each printed.
///
/// Format-List prints each object as `Name : Value` lines, the names padded to one width so that the colons line up,
/// objects separated by blank lines. A value too long for the console continues on the following lines, indented to
/// the value column; with word wrap the break comes after a space, else anywhere in a word, so the pieces are joined as
/// they are. A collection prints as `{a, b, c}`, cut short after `$FormatEnumerationLimit` (default 4) items with
/// `...` (Windows PowerShell) or `…` (PowerShell 7). [PowerShell ListWriter.cs, StringManipulationHelper.cs]
/// (../shared/EXPORTS.md §3)
///
/// Prompts: `PS C:\Users\admin> command`, `PS>command`, a remote session's `[server]: PS C:\> command`, and `>> …`
/// continuation lines after them (the Lync Server Management Shell is a PowerShell console with the same prompt).
/// Transcript headers and footers (a line of asterisks, `Windows PowerShell transcript start`, `Start time: …`, …, a
/// line of asterisks) are skipped. The parse never fails: lines it cannot place are text, which ends a record.
/// It takes time linear in the size of the file.
struct PowerShellTranscript: Sendable {
    /// A command echoed after a prompt.
    struct Command: Sendable {
        var text: LocatedText
        /// Its place among the file's commands.
        var index: Int
        var location: SourceLocation { text.location }
    }

    /// One `Name : Value` of a record.
    struct Property: Sendable {
        var name: String
        var nameLocation: SourceLocation
        /// The value, its continuation lines joined, spaces at its end dropped.
        var value: LocatedText
        var text: String
        /// Where the value starts (after `Name : `).
        var location: SourceLocation { value.location }
    }

    /// One object printed by Format-List.
    struct Record: Sendable {
        var properties: [Property]
        /// The index of the command that printed it, when the file echoes commands.
        var command: Int?
        var location: SourceLocation { properties.first?.nameLocation ?? SourceLocation(file: "", line: 1, column: 1) }

        /// The property `name` (compared without case, as PowerShell does).
        subscript(name: String) -> Property? {
            let wanted = name.lowercased()
            return properties.first { $0.name.lowercased() == wanted }
        }
    }

    /// A Format-Table header (`Identity   Pool` over `--------   ----`).
    struct Table: Sendable {
        var columns: [String]
        var location: SourceLocation
        var command: Int?
    }

    /// An error PowerShell printed (`Get-CsPool : message` then `At line:1 char:1`, or `PS>TerminatingError(…)`).
    struct Failure: Sendable {
        /// What failed, as the error names it (`Get-CsPool`).
        var source: String
        var message: String
        var location: SourceLocation
        var command: Int?
    }

    var file: String
    var commands: [Command] = []
    var records: [Record] = []
    var tables: [Table] = []
    var failures: [Failure] = []

    static func parse(_ file: ExportFile) -> PowerShellTranscript {
        var parser = Parser(file: file.path)
        let bytes = Array(file.text.utf8)
        var start = 0
        var line = 1
        while true {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            parser.line(bytes, start..<end, number: line)
            guard end < bytes.count else { break }
            start = end + 1
            line += 1
        }
        parser.finishRecord()
        return parser.transcript
    }
}

// MARK: Collections

extension PowerShellTranscript.Property {
    /// A collection value as Format-List prints it: `{a, b, c}`, `{}`, or cut short, `{a, b, c, d...}`.
    struct Collection: Sendable {
        var items: [(text: String, location: SourceLocation)]
        /// Whether PowerShell left items out (`$FormatEnumerationLimit`).
        var isTruncated: Bool
    }

    /// The value read as a collection; nil when it is not one (`{…}`).
    var collection: Collection? {
        let bytes = value.bytes
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        guard end - start >= 2, bytes[start] == UInt8(ascii: "{"), bytes[end - 1] == UInt8(ascii: "}") else { return nil }
        start += 1
        end -= 1
        var isTruncated = false
        var innerEnd = end
        while innerEnd > start, bytes[innerEnd - 1] == 32 { innerEnd -= 1 }
        if innerEnd - start >= 3, bytes[innerEnd - 3] == 46, bytes[innerEnd - 2] == 46, bytes[innerEnd - 1] == 46 {
            isTruncated = true
            innerEnd -= 3
        } else if innerEnd - start >= 3, bytes[innerEnd - 3] == 0xE2, bytes[innerEnd - 2] == 0x80, bytes[innerEnd - 1] == 0xA6 {
            isTruncated = true
            innerEnd -= 3
        }
        var ranges: [Range<Int>] = []
        var itemStart = start
        var index = start
        while index <= innerEnd {
            if index == innerEnd || bytes[index] == UInt8(ascii: ",") {
                var from = itemStart
                var to = index
                while from < to, bytes[from] == 32 || bytes[from] == 9 { from += 1 }
                while to > from, bytes[to - 1] == 32 || bytes[to - 1] == 9 { to -= 1 }
                if from < to { ranges.append(from..<to) }
                itemStart = index + 1
            }
            index += 1
        }
        let locations = value.locations(of: ranges.map(\.lowerBound))
        let items = zip(ranges, locations).map { range, location in (String(decoding: bytes[range], as: UTF8.self), location) }
        return Collection(items: items, isTruncated: isTruncated)
    }
}

// MARK: Parsing

private struct Parser {
    var transcript: PowerShellTranscript
    let file: String
    var current: [PowerShellTranscript.Property] = []
    /// The record being read has a line of plain text in it, so it is no Format-List record.
    var currentIsText = false
    var currentCommand: Int?
    /// Inside a transcript header or footer (between lines of asterisks), and for how many lines.
    var inHeader = false
    var headerLines = 0
    /// The previous line was a prompt or a `>>` continuation of one.
    var promptContinues = false
    /// The previous line, when it was text (a table header, perhaps).
    var previousText: (text: String, location: SourceLocation)?

    /// Longer than any transcript header PowerShell writes (PowerShell 5.1's has 18 lines): a line of asterisks that
    /// is not a header's does not hide the rest of the file.
    static let maximumHeaderLines = 40

    init(file: String) {
        self.file = file
        transcript = PowerShellTranscript(file: file)
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }

    /// The 1-based column of `index` in the line starting at `start`.
    static func column(_ bytes: [UInt8], from start: Int, to index: Int) -> Int {
        var column = 1
        var cursor = start
        while cursor < index {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return column
    }

    mutating func line(_ bytes: [UInt8], _ range: Range<Int>, number: Int) {
        let start = range.lowerBound
        var last = range.upperBound
        while last > start, Self.isSpace(bytes[last - 1]) { last -= 1 }
        guard last > start else {
            finishRecord()
            previousText = nil
            promptContinues = false
            return
        }
        if last - start >= 10, bytes[start..<last].allSatisfy({ $0 == UInt8(ascii: "*") }) {
            finishRecord()
            inHeader.toggle()
            headerLines = 0
            previousText = nil
            promptContinues = false
            return
        }
        if let commandStart = Self.promptEnd(bytes, start..<last) {
            inHeader = false
            finishRecord()
            previousText = nil
            prompt(bytes, commandStart..<last, line: number, lineStart: start)
            return
        }
        if inHeader {
            headerLines += 1
            if headerLines <= Self.maximumHeaderLines { return }
            inHeader = false
        }
        if promptContinues, last - start >= 2, bytes[start] == UInt8(ascii: ">"), bytes[start + 1] == UInt8(ascii: ">") {
            var from = start + 2
            while from < last, Self.isSpace(bytes[from]) { from += 1 }
            if let index = currentCommand, index < transcript.commands.count {
                transcript.commands[index].text.appendSeparator(32)
                transcript.commands[index].text.append(bytes, from..<last, line: number, column: Self.column(bytes, from: start, to: from))
            }
            return
        }
        promptContinues = false
        if Self.isSpace(bytes[start]) {
            // A continuation of the last value (indented to the value column), else noise (an error's details).
            guard !current.isEmpty else { return }
            var from = start
            while from < last, Self.isSpace(bytes[from]) { from += 1 }
            current[current.count - 1].value.append(bytes, from..<range.upperBound, line: number, column: Self.column(bytes, from: start, to: from))
            return
        }
        if let separator = Self.separator(bytes, start..<last) {
            if currentIsText { dropRecord() }
            var nameEnd = separator
            while nameEnd > start, Self.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            var valueStart = min(separator + 2, last)
            while valueStart < last, Self.isSpace(bytes[valueStart]) { valueStart += 1 }
            var value = LocatedText(file: file)
            value.append(bytes, valueStart..<range.upperBound, line: number, column: Self.column(bytes, from: start, to: valueStart))
            current.append(PowerShellTranscript.Property(
                name: String(decoding: bytes[start..<nameEnd], as: UTF8.self), nameLocation: SourceLocation(file: file, line: number, column: 1),
                value: value, text: ""))
            previousText = nil
            return
        }
        // Text. After a lone `Name : value` line it may be an error message going on (`Get-CsPool : The term … is not
        // recognized as the name of a cmdlet, function, script file, or operable` / `program. Check …` / `At line:1
        // char:1`): the position line makes it the error it is; anything else, not a record at all.
        let text = String(decoding: bytes[start..<last], as: UTF8.self)
        if current.count == 1 {
            if text.hasPrefix("At line:") || (text.hasPrefix("At ") && text.contains(" char:")) {
                var property = current[0]
                property.value.trimTrailingWhitespace()
                transcript.failures.append(PowerShellTranscript.Failure(
                    source: property.name, message: property.value.text, location: property.nameLocation, command: currentCommand))
                dropRecord()
                previousText = nil
                return
            }
            current[0].value.appendSeparator(32)
            current[0].value.append(bytes, start..<last, line: number, column: 1)
            currentIsText = true
            return
        }
        finishRecord()
        if let header = previousText, bytes[start] == UInt8(ascii: "-"), bytes[start..<last].allSatisfy({ $0 == UInt8(ascii: "-") || $0 == 32 }) {
            let columns = header.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            transcript.tables.append(PowerShellTranscript.Table(columns: columns, location: header.location, command: currentCommand))
            previousText = nil
            return
        }
        previousText = (text, SourceLocation(file: file, line: number, column: 1))
    }

    /// A prompt's command (or a `TerminatingError(…)` line, which PowerShell 5.1 transcripts write after a prompt).
    mutating func prompt(_ bytes: [UInt8], _ range: Range<Int>, line: Int, lineStart: Int) {
        var from = range.lowerBound
        while from < range.upperBound, Self.isSpace(bytes[from]) { from += 1 }
        var text = LocatedText(file: file)
        text.append(bytes, from..<range.upperBound, line: line, column: Self.column(bytes, from: lineStart, to: from))
        let command = text.text
        if command.hasPrefix("TerminatingError(") {
            let source = command.dropFirst("TerminatingError(".count).prefix { $0 != ")" }
            let message = command.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: [" ", "\""])
            transcript.failures.append(PowerShellTranscript.Failure(source: String(source), message: message, location: text.location, command: currentCommand))
            promptContinues = false
            return
        }
        guard !command.isEmpty else {
            currentCommand = nil
            promptContinues = false
            return
        }
        currentCommand = transcript.commands.count
        transcript.commands.append(PowerShellTranscript.Command(text: text, index: transcript.commands.count))
        promptContinues = true
    }

    mutating func dropRecord() {
        current = []
        currentIsText = false
    }

    mutating func finishRecord() {
        if currentIsText { dropRecord() }
        guard !current.isEmpty else { return }
        for index in current.indices {
            current[index].value.trimTrailingWhitespace()
            current[index].text = current[index].value.text
        }
        transcript.records.append(PowerShellTranscript.Record(properties: current, command: currentCommand))
        current = []
    }

    /// Where a prompt ends (after its `>`), when the line starts with one: `PS>`, `PS <path>>`, `[host]: PS <path>>`.
    static func promptEnd(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let end = range.upperBound
        if bytes[index] == UInt8(ascii: "[") {
            var close = index + 1
            while close < end, bytes[close] != UInt8(ascii: "]") { close += 1 }
            guard close + 2 < end, bytes[close + 1] == UInt8(ascii: ":"), bytes[close + 2] == 32 else { return nil }
            index = close + 3
        }
        guard end - index >= 3 else { return nil }  // "PS>" at least
        guard bytes[index] == UInt8(ascii: "P"), bytes[index + 1] == UInt8(ascii: "S") else { return nil }
        index += 2
        if bytes[index] == UInt8(ascii: ">") { return index + 1 }
        guard bytes[index] == 32 else { return nil }
        var cursor = index
        while cursor < end, bytes[cursor] != UInt8(ascii: ">") {
            // "PS : value" is a property named PS, not a prompt.
            if bytes[cursor] == 32, cursor + 1 < end, bytes[cursor + 1] == UInt8(ascii: ":"), cursor + 2 == end || bytes[cursor + 2] == 32 { return nil }
            cursor += 1
        }
        guard cursor < end, cursor > index + 1 else { return nil }
        return cursor + 1
    }

    /// Where a property line's ` : ` (or a final ` :`, for an empty value) is.
    static func separator(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var index = range.lowerBound + 1
        while index + 1 < range.upperBound {
            if bytes[index] == 32, bytes[index + 1] == UInt8(ascii: ":"), index + 2 == range.upperBound || bytes[index + 2] == 32 || bytes[index + 2] == 9 {
                return index + 1
            }
            index += 1
        }
        return nil
    }
}
