import Foundation

/// Findings a team has accepted, by stable fingerprint, so that `check --baseline` fails only on new ones.
///
/// A fingerprint is the check, the file relative to the plan root and the message with its numbers taken out
/// ("304 calls from 2 sites" and "310 calls from 3 sites" are the same finding): it survives lines moving and call
/// counts changing, and changes when the rule, zone or alias the finding names does.
public struct FindingBaseline: Sendable, Equatable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String>) {
        self.fingerprints = fingerprints
    }

    /// The fingerprint of `diagnostic`, its file taken relative to `root`.
    public static func fingerprint(_ diagnostic: Diagnostic, root: String) -> String {
        var text = diagnostic.check?.rawValue ?? "-"
        text += "\u{1F}" + (diagnostic.location.map { PlanPaths.relative($0.file, to: root) } ?? "")
        text += "\u{1F}"
        // Places named inside the message (`(plans/x/pexip.yaml:94:7)`) depend on how the plan's path was spelled:
        // they are left out, with the numbers.
        let words = diagnostic.message.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            let parts = word.split(separator: ":")
            return parts.count >= 3 && parts.suffix(2).allSatisfy({ $0.allSatisfy { $0.isNumber || $0 == ")" || $0 == "," } }) ? "@" : word
        }
        var inNumber = false
        for scalar in words.joined(separator: " ").unicodeScalars {
            let digit = ("0"..."9").contains(scalar)
            if digit {
                if !inNumber { text += "#" }
            } else {
                text.unicodeScalars.append(scalar)
            }
            inNumber = digit
        }
        // FNV-1a, 64 bits: stable across runs and machines (Swift's Hasher is seeded per process).
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public func contains(_ diagnostic: Diagnostic, root: String) -> Bool {
        fingerprints.contains(Self.fingerprint(diagnostic, root: root))
    }

    /// The baseline file for `report`'s findings and groups: JSON, one entry per finding with its fingerprint and,
    /// for people reading the file in review, its check, file and message.
    public static func document(for report: CheckReport, root: String) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("dialplanBaseline", 1)
        json.key("findings")
        json.beginArray()
        var seen: Set<String> = []
        for diagnostic in report.allDiagnostics {
            let fingerprint = Self.fingerprint(diagnostic, root: root)
            guard seen.insert(fingerprint).inserted else { continue }
            json.beginObject()
            json.field("fingerprint", fingerprint)
            json.field("check", diagnostic.check?.rawValue)
            json.field("file", diagnostic.location.map { PlanPaths.relative($0.file, to: root) })
            json.field("message", diagnostic.message)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.flush() + "\n"
    }

    /// Reads a baseline file written by `check --write-baseline`; a file that is not one is a load error at its
    /// position.
    public init(path: String) throws(PlanLoadError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PlanLoadError([Diagnostic(.error, "no such baseline file: \(path) (write one with check --write-baseline FILE)", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        let file = try ExportFile.read(path)
        let tree = try JSONDocument.parse(file)
        let at = SourceLocation(file: path, line: 1, column: 1)
        guard tree["dialplanBaseline"] != nil, case .sequence(let items, _)? = tree["findings"] else {
            throw PlanLoadError([Diagnostic(.error, "not a dialplan baseline (write one with check --write-baseline FILE)", at: tree.location.line > 0 ? tree.location : at)])
        }
        var fingerprints: Set<String> = []
        for item in items {
            guard let fingerprint = item["fingerprint"]?.text, fingerprint.count == 16, fingerprint.allSatisfy(\.isHexDigit) else {
                throw PlanLoadError([Diagnostic(.error, "a baseline finding needs its 16-digit 'fingerprint'", at: item.location)])
            }
            fingerprints.insert(fingerprint)
        }
        self.fingerprints = fingerprints
    }
}

/// Paths of the plan's files as reports show them.
public enum PlanPaths {
    /// The directory a plan argument names: the directory itself, or the directory of a plan file.
    public static func root(ofPlan path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return path }
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// The plan directories an output must stay out of: a directory plan's (a file plan's file is an input).
    public static func protectedDirectories(ofPlan path: String) -> [String] {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? [path] : []
    }

    /// `file` relative to `root` when it lies inside it (`pexip.yaml`), else as given; `/` separated.
    public static func relative(_ file: String, to root: String) -> String {
        let base = standardized(root)
        let full = standardized(file)
        if base == "." { return full }
        if full.hasPrefix(base + "/") { return String(full.dropFirst(base.count + 1)) }
        return full
    }

    private static func standardized(_ path: String) -> String {
        var result = (path as NSString).standardizingPath
        while result.hasPrefix("./") { result.removeFirst(2) }
        return result.isEmpty ? "." : result
    }
}
