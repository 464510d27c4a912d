extension StringProtocol {
    /// Whether the text is empty or only spaces and tabs (Unicode white space other than line breaks), without
    /// bridging to `NSString` (the loader asks this of every name and alias).
    var isBlank: Bool { unicodeScalars.allSatisfy(Self.isSpace) }

    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isSpace($0) }), let last = scalars.lastIndex(where: { !Self.isSpace($0) }) else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace && scalar != "\n" && scalar != "\r" && scalar.value != 0x0B && scalar.value != 0x0C
            && scalar.value != 0x85 && scalar.value != 0x2028 && scalar.value != 0x2029
    }
}
