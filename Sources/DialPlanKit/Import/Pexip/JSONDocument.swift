/// A JSON file read as the YAML it is (JSON is YAML's flow style), so that every node keeps its line and column.
///
/// libyaml rejects one thing JSON allows: a character outside the Basic Multilingual Plane written as a UTF-16
/// surrogate pair (`"\ud83d\ude00"`, what Python's `json.dumps` writes for an emoji). Such pairs are rewritten as
/// YAML's `\U0001F600` first, and the columns after each on its line moved back to the file's.
enum JSONDocument {
    static func parse(_ file: ExportFile) throws(PlanLoadError) -> YAMLTree {
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
