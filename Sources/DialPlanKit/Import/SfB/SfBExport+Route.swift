extension SfBExport.Reader {
    /// The native route for one `SipProxy.Route` (an expanded Format-List record or a projection object), whose
    /// properties `field` gives by their PowerShell names; nil (with errors) when it cannot be read.
    ///
    /// `MatchUri`, `MatchOnlyPhoneUri`, `Enabled` and `ReplaceHostInRequestUri` as printed (`True`/`False`) [M4];
    /// `Transport` gives destination, port and transport (`SfBTransport`). Properties the output leaves out take
    /// New-CsStaticRoute's defaults in the plan builder (Enabled True, the others False; port 5061 for TLS, 5060 for
    /// TCP). [M1] [M5]
    mutating func route(at location: SourceLocation, _ field: (String) -> SfBExport.Field?) -> YAMLTree? {
        var entries: [YAMLTree.Entry] = []
        var readable = true
        if let matchURI = field("MatchUri") { entries.append(matchURI.entry("match_uri")) }
        if let transport = field("Transport") {
            if let parsed = SfBTransport.parse(transport.text) {
                entries.append(transport.entry("destination", parsed.destination, offset: parsed.destinationOffset))
                if let port = parsed.port, let offset = parsed.portOffset {
                    if let number = Int(port), (1...65535).contains(number) {
                        entries.append(transport.entry("port", String(number), offset: offset))
                    } else {
                        sections.error("\(transport.name): the port '\(port)' in '\(transport.text)' is not a port number (1–65535)", at: transport.locate(offset))
                        readable = false
                    }
                }
                entries.append(transport.entry("transport", parsed.kind.rawValue))
            } else {
                sections.error("\(transport.name): '\(transport.text)' is neither \(SfBTransport.forms)", at: transport.location)
                readable = false
            }
        }
        for (property, key) in [("Enabled", "enabled"), ("MatchOnlyPhoneUri", "match_only_phone_uri"), ("ReplaceHostInRequestUri", "replace_host_in_request_uri")] {
            guard let value = field(property), !value.text.isEmpty else { continue }
            switch value.text.lowercased() {
            case "true": entries.append(value.entry(key, "true"))
            case "false": entries.append(value.entry(key, "false"))
            default:
                sections.error("\(value.name): '\(value.text)' is neither True nor False", at: value.location)
                readable = false
            }
        }
        return readable ? .map(entries, at: location) : nil
    }

    /// The error for a collection PowerShell cut short, whose items the analyzer needs.
    mutating func truncated(_ property: PowerShellTranscript.Property, shown: Int, rerun cmdlet: String, what: String) {
        sections.error(
            "\(property.name): the list ends in '...': PowerShell printed only its first \(shown) items ($FormatEnumerationLimit), so \(what) cannot be read; run `$FormatEnumerationLimit = -1` and then \(cmdlet) again",
            at: property.location)
    }
}
