/// One pattern checked against one alias, like the VCS "Check pattern" tool and Pexip's Regular Expression Tester.
public struct PatternCheck: Sendable {
    /// A capture group's number, name, and what it captured (nil when it did not take part).
    public struct Group: Sendable, Hashable {
        public var number: Int
        public var name: String?
        public var value: String?
    }

    public var type: PatternType
    public var pattern: String
    public var behavior: PatternBehavior
    public var replace: String
    public var alias: String
    public var matched: Bool
    /// For a regex that matched: group 0 (the whole alias) and each capture group.
    public var groups: [Group]
    /// The alias after the behavior is applied (the alias itself when it does not match or nothing changes).
    public var result: String
    /// Set when PCRE2 hit its match or depth limit.
    public var limit: String?

    /// `syntax`: how the replace string references groups (`.python` as a Pexip Call Routing Rule expands it).
    public init(pattern: String, alias: String, type: PatternType = .regex, behavior: PatternBehavior = .leave, replace: String = "", syntax: ReplacementTemplate.Syntax = .vcs)
        throws(AliasMatcherError)
    {
        let matcher = try AliasMatcher(type: type, string: pattern, behavior: behavior, replace: replace, syntax: syntax)
        let scratch = RegexScratch(maxCaptures: max(matcher.regex?.captureCount ?? 0, 1))
        self.type = type
        self.pattern = pattern
        self.behavior = behavior
        self.replace = replace
        self.alias = alias
        groups = []
        limit = nil
        switch matcher.evaluate(alias, scratch: scratch) {
        case .noMatch:
            matched = false
            result = alias
        case .limitExceeded(let message):
            matched = false
            result = alias
            limit = message
        case .matched(let rewritten):
            matched = true
            result = rewritten ?? alias
            if let regex = matcher.regex, case .matched = regex.match(alias, scratch: scratch) {
                let names = Dictionary(regex.groupNames.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
                let bytes = Array(alias.utf8)
                for number in 0...regex.captureCount {
                    let value = scratch.range(ofGroup: number).map { String(decoding: bytes[$0], as: UTF8.self) }
                    groups.append(Group(number: number, name: names[number], value: value))
                }
            }
        }
    }

    /// The report, as text.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        lines.append("\(type.rawValue) pattern '\(pattern)' against '\(alias)': " + (matched ? style.green("matched") : limit != nil ? style.red("limit") : style.yellow("not matched")))
        if let limit { lines.append("  PCRE2 stopped: \(limit); the pattern backtracks too much for this alias") }
        for group in groups {
            let label = group.number == 0 ? "whole match" : "group \(group.number)" + (group.name.map { " <\($0)>" } ?? "")
            lines.append("  \(label): " + (group.value.map { "'\($0)'" } ?? "(did not take part)"))
        }
        if matched {
            lines.append("  \(behavior.rawValue)" + (replace.isEmpty ? "" : " with '\(replace)'") + ": '\(alias)' → '\(result)'")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report, as JSON.
    public func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", type.rawValue)
        json.field("pattern", pattern)
        json.field("alias", alias)
        json.field("matched", matched)
        json.key("groups")
        json.beginArray()
        for group in groups {
            json.beginObject()
            json.field("number", group.number)
            json.field("name", group.name)
            json.field("value", group.value)
            json.endObject()
        }
        json.endArray()
        json.field("behavior", behavior.rawValue)
        json.field("replace", replace)
        json.field("result", result)
        json.field("limit", limit)
        json.endObject()
        return json.flush() + "\n"
    }
}
