/// Text gathered from one or more places in a file (a value wrapped over several lines, a command continued after
/// `>>` prompts) that still knows the file position of each of its characters.
struct LocatedText: Sendable {
    /// The text as UTF-8.
    private(set) var bytes: [UInt8] = []
    /// Where each piece starts: its offset in `bytes` and its position in the file.
    private var pieces: [Piece] = []
    let file: String

    private struct Piece: Sendable {
        var offset: Int
        var line: Int
        var column: Int
    }

    init(file: String) {
        self.file = file
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    var isEmpty: Bool { bytes.isEmpty }

    /// Where the text starts (where it would start, when it is empty).
    var location: SourceLocation {
        guard let first = pieces.first else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: first.line, column: first.column)
    }

    /// Adds `source[range]`, which starts at `line`:`column` of the file.
    mutating func append(_ source: [UInt8], _ range: Range<Int>, line: Int, column: Int) {
        if pieces.isEmpty || !range.isEmpty {
            pieces.append(Piece(offset: bytes.count, line: line, column: column))
        }
        bytes += source[range]
    }

    /// Adds text that is in no file position of its own (a separator): it takes the position after the last piece.
    mutating func appendSeparator(_ separator: UInt8) {
        bytes.append(separator)
    }

    /// Drops spaces and tabs at the end.
    mutating func trimTrailingWhitespace() {
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        while pieces.count > 1, let last = pieces.last, last.offset >= bytes.count { pieces.removeLast() }
    }

    /// The file position of the character at UTF-8 offset `offset`.
    func location(of offset: Int) -> SourceLocation {
        locations(of: [offset])[0]
    }

    /// The file positions of the characters at the UTF-8 offsets `offsets` (ascending), found in one pass.
    func locations(of offsets: [Int]) -> [SourceLocation] {
        guard !pieces.isEmpty else { return offsets.map { _ in location } }
        var result: [SourceLocation] = []
        result.reserveCapacity(offsets.count)
        var piece = 0
        var cursor = pieces[0].offset
        var column = pieces[0].column
        for wanted in offsets {
            let target = min(max(wanted, 0), bytes.count)
            if target < cursor {
                // Offsets out of order: start again (never the case for callers that sort them).
                piece = 0
                cursor = pieces[0].offset
                column = pieces[0].column
            }
            // Move to the last piece that starts at or before the target (offsets only grow, so this is one pass).
            while piece + 1 < pieces.count, pieces[piece + 1].offset <= target {
                piece += 1
                cursor = pieces[piece].offset
                column = pieces[piece].column
            }
            // Columns count Unicode scalars, as ExportFile.position and libyaml do.
            while cursor < target {
                if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
                cursor += 1
            }
            result.append(SourceLocation(file: file, line: pieces[piece].line, column: column))
        }
        return result
    }
}
