/// Text from the plan in HTML: names and aliases are hostile input (`<script>`, quotes, U+2028), so everything the
/// report writes from the plan goes through `HTML.escape`, in element content and in attribute values alike.
enum HTML {
    /// `text` safe in element content and in single- or double-quoted attribute values: `&`, `<`, `>`, `"` and `'`
    /// as character references; U+2028 and U+2029 as references too (so that no raw line or paragraph separator
    /// reaches the file); other control characters shown as `\u{…}`, as the terminal report shows them.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\u{2028}": result += "&#x2028;"
            case "\u{2029}": result += "&#x2029;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
                    result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// An element id from a number: ids never carry plan text.
    static func id(_ prefix: String, _ number: Int) -> String { "\(prefix)-\(number)" }
}
