/// Reading an echoed command: which cmdlets it runs and the arguments it gives them.
extension PowerShellTranscript.Command {
    /// A word, a quoted string or an operator of the command line.
    struct Token {
        var text: String
        /// UTF-8 offset in the command text (inside the quotes, for a quoted string).
        var offset: Int
        var isQuoted: Bool
        var isOperator: Bool
    }

    /// The command line split as PowerShell would split it, well enough to find cmdlets and their arguments.
    var tokens: [Token] {
        let bytes = text.bytes
        var tokens: [Token] = []
        var index = 0
        let operators: Set<UInt8> = Set("|;(){},".utf8)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 32 || byte == 9 {
                index += 1
            } else if operators.contains(byte) {
                tokens.append(Token(text: String(UnicodeScalar(byte)), offset: index, isQuoted: false, isOperator: true))
                index += 1
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let start = index + 1
                var end = start
                while end < bytes.count, bytes[end] != byte { end += 1 }
                tokens.append(Token(text: String(decoding: bytes[start..<end], as: UTF8.self), offset: start, isQuoted: true, isOperator: false))
                index = end + 1
            } else {
                let start = index
                while index < bytes.count, bytes[index] != 32, bytes[index] != 9, !operators.contains(bytes[index]) { index += 1 }
                tokens.append(Token(text: String(decoding: bytes[start..<index], as: UTF8.self), offset: start, isQuoted: false, isOperator: false))
            }
        }
        return tokens
    }

    /// Whether the command runs `cmdlet` (compared without case; `Module\Cmdlet` too).
    func runs(_ cmdlet: String) -> Bool {
        tokens.contains { Self.names($0, cmdlet) }
    }

    /// The lower-case names of the cmdlets the command may run (its words, without module names), to ask `runs`
    /// of many records without reading the command again for each.
    var cmdletNames: Set<String> {
        Set(tokens.compactMap { token in
            guard !token.isOperator, !token.isQuoted else { return nil }
            let word = token.text.lowercased()
            return word.split(separator: "\\").last.map(String.init) ?? word
        })
    }

    private static func names(_ token: Token, _ cmdlet: String) -> Bool {
        guard !token.isOperator, !token.isQuoted else { return false }
        let word = token.text.lowercased()
        let wanted = cmdlet.lowercased()
        return word == wanted || word.hasSuffix("\\" + wanted)
    }

    /// Switch parameters of the cmdlets read (they take no value).
    private static let switches: Set<String> = ["localstore", "verbose", "debug", "whatif", "confirm", "force"]

    /// The value `cmdlet` gets for `parameter` in this command: `-Identity global`, `-Identity:global`,
    /// `-Identity "global"`, an unambiguous abbreviation (`-Ident`), or, when `positional`, the first argument
    /// without a parameter name (`Get-CsStaticRoutingConfiguration Service:Registrar:pool.example.com`, where
    /// Identity has position 1 [M2]). Nil when not given, or given as a variable or an expression.
    func argument(_ parameter: String, of cmdlet: String, positional: Bool) -> (text: String, location: SourceLocation)? {
        let tokens = self.tokens
        guard let start = tokens.firstIndex(where: { Self.names($0, cmdlet) }) else { return nil }
        func value(_ text: String, at offset: Int) -> (String, SourceLocation)? {
            guard !text.isEmpty, !text.hasPrefix("$"), !text.hasPrefix("@") else { return nil }
            return (text, self.text.location(of: offset))
        }
        let wanted = parameter.lowercased()
        var index = start + 1
        var positionalSeen = false
        while index < tokens.count {
            let token = tokens[index]
            if token.isOperator {
                // The cmdlet's arguments end at the pipe, the statement, or the expression around it.
                if ["|", ";", ")", "}"].contains(token.text) { return nil }
                index += 1
                continue
            }
            if !token.isQuoted, token.text.hasPrefix("-"), token.text.count > 1 {
                var name = String(token.text.dropFirst())
                var inline: String?
                if let colon = name.firstIndex(of: ":") {
                    inline = String(name[name.index(after: colon)...])
                    name = String(name[..<colon])
                }
                let lowered = name.lowercased()
                if lowered.count >= 2, wanted.hasPrefix(lowered) {
                    if let inline {
                        return value(inline, at: token.offset + 1 + name.utf8.count + 1)
                    }
                    guard index + 1 < tokens.count, !tokens[index + 1].isOperator else { return nil }
                    return value(tokens[index + 1].text, at: tokens[index + 1].offset)
                }
                // Another parameter: skip its value, unless it is a switch or the next token is a parameter too.
                let next = index + 1 < tokens.count ? tokens[index + 1] : nil
                if inline == nil, !Self.switches.contains(lowered), let next, !next.isOperator, !(next.text.hasPrefix("-") && !next.isQuoted) {
                    index += 2
                } else {
                    index += 1
                }
                continue
            }
            if positional && !positionalSeen { return value(token.text, at: token.offset) }
            positionalSeen = true
            index += 1
        }
        return nil
    }
}
