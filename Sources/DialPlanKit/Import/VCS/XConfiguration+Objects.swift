extension XConfiguration {
    /// The records of an export looked up by key, each key once, and grouped into numbered objects (`Zones Zone 3`,
    /// `Transform 12`). Keys match in any case, as the CLI takes them.
    struct Settings {
        let records: [Record]
        private let byKey: [String: Int]

        /// A repeated key (an export pasted twice, or two transcripts of a system whose configuration changed in
        /// between) keeps its first value; a different later value is a warning.
        init(_ records: [Record], into sections: inout ImportedSections) {
            var kept: [Record] = []
            var byKey: [String: Int] = [:]
            kept.reserveCapacity(records.count)
            for record in records {
                let key = record.matchWords.joined(separator: " ")
                if let first = byKey[key] {
                    let original = kept[first]
                    if original.value != record.value {
                        sections.warning("\(record.key): \(XConfiguration.quoted(record.value)) repeats the key given at line \(original.start.line) with \(XConfiguration.quoted(original.value)); the first is used", at: record.valueLocation, check: .exportIgnored)
                    }
                    continue
                }
                byKey[key] = kept.count
                kept.append(record)
            }
            self.records = kept
            self.byKey = byKey
        }

        /// The record of `key` (`SystemUnit Name`).
        func record(_ key: String) -> Record? {
            byKey[key.lowercased()].map { records[$0] }
        }

        /// The record of `key` when its value is not blank.
        func nonEmpty(_ key: String) -> Record? {
            guard let record = record(key), !record.value.isBlank else { return nil }
            return record
        }

        /// The objects numbered under `path` (`Zones Zone`), in index order. An index outside `range` is an error.
        func objects(_ path: String, in range: ClosedRange<Int>, into sections: inout ImportedSections) -> [Object] {
            Object.group(records.map { Member(record: $0, depth: 0) }, path: path, in: range, into: &sections)
        }
    }

    /// A record and how many of its words the objects around it took.
    struct Member {
        var record: Record
        var depth: Int
    }

    /// The records of one numbered object: `Zones Zone 3 …`, or inside it `Neighbor Peer 2 …`.
    struct Object {
        let index: Int
        /// The object's path with its index, as its first record spells it: `Zones Zone 3`.
        let path: String
        /// Where its first record starts.
        let location: SourceLocation
        private let members: [Member]
        private let byKey: [String: Record]

        private init(index: Int, members: [Member]) {
            self.index = index
            let first = members[0]
            self.path = first.record.words[0..<first.depth].joined(separator: " ")
            self.location = first.record.start
            self.members = members
            var byKey: [String: Record] = [:]
            for member in members {
                let key = member.record.matchWords[member.depth...].joined(separator: " ")
                if byKey[key] == nil { byKey[key] = member.record }
            }
            self.byKey = byKey
        }

        /// The record of `key` within the object (`Neighbor SIP Port`).
        func record(_ key: String) -> Record? { byKey[key.lowercased()] }

        /// The record of `key` when its value is not blank.
        func nonEmpty(_ key: String) -> Record? {
            guard let record = record(key), !record.value.isBlank else { return nil }
            return record
        }

        /// How the export names `key` of this object: `Zones Zone 3 HopCount`.
        func label(_ key: String) -> String { "\(path) \(key)" }

        /// The objects numbered under `path` inside this one.
        func objects(_ path: String, in range: ClosedRange<Int>, into sections: inout ImportedSections) -> [Object] {
            Object.group(members, path: path, in: range, into: &sections)
        }

        /// The native entry `nativeKey` for the record of `key`, when the export has it: its value as text,
        /// located at the value, named as the export names it.
        func entry(_ nativeKey: String, _ key: String) -> YAMLTree.Entry? {
            record(key).map { .imported(nativeKey, $0) }
        }

        static func group(_ members: [Member], path: String, in range: ClosedRange<Int>, into sections: inout ImportedSections) -> [Object] {
            let pathWords = path.lowercased().split(separator: " ").map(String.init)
            var byIndex: [Int: [Member]] = [:]
            var reported: Set<String> = []
            for member in members {
                let words = member.record.matchWords
                let indexAt = member.depth + pathWords.count
                // The path, an index, and at least one key word.
                guard words.count > indexAt + 1, words[member.depth..<indexAt].elementsEqual(pathWords) else { continue }
                let indexWord = words[indexAt]
                // Words after the path that are not numbers are other settings (`Zones Zone` has none, but a
                // path may share its first words with one).
                guard indexWord.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
                guard let index = Int(indexWord), range.contains(index) else {
                    if reported.insert(indexWord).inserted {
                        let record = member.record
                        let spelled = record.words[member.depth..<indexAt].joined(separator: " ")
                        sections.error("\(record.key): \(XConfiguration.quoted(record.value)): \(spelled) \(record.words[indexAt]) is out of range (\(spelled) \(range.lowerBound)..\(range.upperBound))", at: record.location(ofWord: indexAt))
                    }
                    continue
                }
                byIndex[index, default: []].append(Member(record: member.record, depth: indexAt + 1))
            }
            return byIndex.keys.sorted().map { Object(index: $0, members: byIndex[$0]!) }
        }
    }
}

extension YAMLTree.Entry {
    /// The native entry `key` for an xConfiguration record: its value as text, located at the value, named as the
    /// export names it.
    static func imported(_ key: String, _ record: XConfiguration.Record) -> YAMLTree.Entry {
        YAMLTree.Entry(key, .text(record.value, at: record.valueLocation), label: record.key)
    }
}

extension XConfiguration {
    /// A value as a message shows it: in the export's double quotes.
    static func quoted(_ value: String) -> String { "\"\(value)\"" }
}
