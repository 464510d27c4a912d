extension VCSExport.Reader {
    /// A pattern or replace string as a native entry, its `%localdomain<n>%` variables renumbered for the plan.
    ///
    /// `%localdomain<n>%` is the SIP domain at index n of the export [X15REF ≈59.7k], while the plan's `sip_domains`
    /// holds the configured domains only, without the empty slots: after an empty slot, the variable is rewritten to
    /// name the same domain by its position in the list. A variable naming an empty slot (below a configured one) is
    /// an error: what VCS makes of it is not documented. Other variables pass through, for the builder to expand.
    mutating func patternEntry(_ key: String, _ exportKey: String, of object: XConfiguration.Object) -> YAMLTree.Entry? {
        guard let record = object.record(exportKey) else { return nil }
        guard let text = renumberingDomains(in: record) else { return .imported(key, record) }
        return YAMLTree.Entry(key, .text(text, at: record.valueLocation), label: record.key)
    }

    /// `record`'s value with its `%localdomain<n>%` renumbered, when one needs it.
    private mutating func renumberingDomains(in record: XConfiguration.Record) -> String? {
        let bytes = Array(record.value.utf8)
        let prefix = Array("%localdomain".utf8)
        var output: [UInt8] = []
        var changed = false
        var index = 0
        while index < bytes.count {
            // `%`, `localdomain` in any case, digits, `%`.
            if bytes[index] == prefix[0], index + prefix.count < bytes.count,
                (0..<prefix.count).allSatisfy({ bytes[index + $0] | 0x20 == prefix[$0] | 0x20 })
            {
                var end = index + prefix.count
                while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39 { end += 1 }
                if end > index + prefix.count, end < bytes.count, bytes[end] == prefix[0],
                    let number = Int(String(decoding: bytes[(index + prefix.count)..<end], as: UTF8.self))
                {
                    if let position = domainPositions[number], position != number {
                        output += bytes[index..<(index + prefix.count)] + Array(String(position).utf8) + [prefix[0]]
                        changed = true
                        index = end + 1
                        continue
                    }
                    if domainPositions[number] == nil, number < highestDomainIndex {
                        let variable = String(decoding: bytes[index...end], as: UTF8.self)
                        sections.error("\(record.key): \(XConfiguration.quoted(record.value)): \(variable) names SIP domain \(number), which is empty in the export", at: record.valueLocation)
                    }
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : nil
    }
}
