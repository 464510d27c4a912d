/// A JSON file read as the YAML it is (JSON is YAML's flow style), so that every node keeps its line and column.
///
/// libyaml rejects one thing JSON allows: a character outside the Basic Multilingual Plane written as a UTF-16
/// surrogate pair (`"\ud83d\ude00"`, what Python's `json.dumps` writes for an emoji). Such pairs are rewritten as
/// YAML's `\U0001F600` first, and the columns after each on its line moved back to the file's.
enum JSONDocument {
    static func parse(_ file: ExportFile) throws(PlanLoadError) -> YAMLTree {
        if let problem = lexicalProblem(file.text) {
            throw PlanLoadError([Diagnostic(.error, "not JSON: \(problem.message)", at: SourceLocation(file: file.path, line: problem.line, column: problem.column))])
        }
        let (text, shifts) = joiningSurrogatePairs(file.text)
        let documents = try YAMLTree.parse(text, file: file.path, language: "JSON")
        guard documents.count == 1, let document = documents.first, !document.isNull else {
            let message = documents.count > 1 ? "a JSON export holds one document, not \(documents.count)" : "the JSON export is empty"
            throw PlanLoadError([Diagnostic(.error, message, at: SourceLocation(file: file.path, line: 1, column: 1))])
        }
        guard !shifts.isEmpty else { return document }
        return document.relocated { location in
            guard let line = shifts[location.line] else { return location }
            let before = line.filter { $0 <= location.column }.count
            return SourceLocation(file: location.file, line: location.line, column: location.column + 2 * before)
        }
    }

    /// The first thing outside a string that JSON does not have: YAML's anchors, aliases, tags, comments, block
    /// style and single quotes would otherwise be read as YAML (an alias bomb expands without bound), and a file of
    /// another kind would get a YAML message. Checked before libyaml sees the text; one pass, no allocation.
    static func lexicalProblem(_ text: String) -> (message: String, line: Int, column: Int)? {
        var line = 1
        var column = 0
        var inString = false
        var escaped = false
        var started = false
        var word: [UInt8] = []
        var wordColumn = 0
        func endWord() -> String? {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return nil }
            let spelled = String(decoding: word, as: UTF8.self)
            return ["true", "false", "null"].contains(spelled) ? nil : spelled
        }
        for byte in text.utf8 {
            // Columns count characters: UTF-8 continuation bytes do not start one.
            if byte & 0xC0 != 0x80 { column += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                if byte == UInt8(ascii: "\n") { return ("a line break inside a string", line, column) }
                continue
            }
            let isWordByte = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte >= 0x80 || byte == UInt8(ascii: "_")
            if isWordByte {
                if word.isEmpty { wordColumn = column }
                if word.count < 64 { word.append(byte) }
                if !started {
                    return ("it starts with '\(String(decoding: text.utf8.prefix(while: { $0 != 10 && $0 != 13 }).prefix(20), as: UTF8.self))', not '{' or '['", line, column)
                }
                continue
            }
            if word.first.map({ !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) && $0 != UInt8(ascii: "-") }) ?? false, let bare = endWord() {
                return ("'\(bare)' is not quoted (JSON strings are in double quotes)", line, wordColumn)
            }
            word.removeAll(keepingCapacity: true)
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                column = 0
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\""):
                inString = true
                started = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                started = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"):
                guard started else { return ("it starts with '\(UnicodeScalar(byte))', not '{' or '['", line, column) }
            default:
                let character = byte < 0x20 ? String(format: "\\x%02X", byte) : String(UnicodeScalar(byte))
                let what: String
                switch byte {
                case UInt8(ascii: "&"), UInt8(ascii: "*"): what = " (JSON has no anchors or aliases)"
                case UInt8(ascii: "!"): what = " (JSON has no tags)"
                case UInt8(ascii: "#"), UInt8(ascii: "/"): what = " (JSON has no comments)"
                case UInt8(ascii: "'"): what = " (JSON strings are in double quotes)"
                default: what = ""
                }
                return ("'\(character)' outside a string\(what)", line, column)
            }
        }
        if let bare = word.first.map({ !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) && $0 != UInt8(ascii: "-") }) ?? false ? endWord() : nil {
            return ("'\(bare)' is not quoted (JSON strings are in double quotes)", line, wordColumn)
        }
        return nil
    }

    /// `text` with every `\uD8xx\uDCxx` escape pair written as one `\UXXXXXXXX` escape, and per line the (rewritten)
    /// columns after which two characters were taken out.
    static func joiningSurrogatePairs(_ text: String) -> (String, [Int: [Int]]) {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "\\")) else { return (text, [:]) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var shifts: [Int: [Int]] = [:]
        var line = 1
        var column = 1
        var index = 0
        func hex(at start: Int) -> Int? {
            guard start + 4 <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + 4)] {
                guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else { return nil }
                value = value * 16 + digit
            }
            return value
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "u"), let high = hex(at: index + 2), (0xD800...0xDBFF).contains(high),
                    index + 11 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"), bytes[index + 7] == UInt8(ascii: "u"),
                    let low = hex(at: index + 8), (0xDC00...0xDFFF).contains(low)
                {
                    let scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    let digits = String(scalar, radix: 16, uppercase: true)
                    let escape = "\\U" + String(repeating: "0", count: 8 - digits.count) + digits
                    output += Array(escape.utf8)
                    column += escape.utf8.count
                    shifts[line, default: []].append(column)
                    index += 12
                    continue
                }
                // Any other escape is copied whole, so that `\\u…` is not taken for a `\u` escape.
                output += [byte, bytes[index + 1]]
                column += 2
                index += 2
                continue
            }
            output.append(byte)
            if byte == 10 {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (String(decoding: output, as: UTF8.self), shifts)
    }
}
