import Foundation
import Testing

/// The corpus of hostile and broken plans under `Fixtures/invalid/`: each directory is a plan (and the exports it
/// imports) with `expected.txt`, the first line `check` must print. Every one is one clear line naming file, line
/// and column, exit 2, nothing on standard output, within bounded time, and the inputs untouched.
@Suite struct InvalidInputTests {
    static let corpus = TestPlans.path("Fixtures/invalid")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Every file of a case with its bytes, to prove nothing was written.
    static func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            let full = (directory as NSString).appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: full)
            }
        }
        return files
    }

    @Test func theCorpusIsLarge() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func eachCaseIsOneClearLine(_ name: String) throws {
        let directory = (Self.corpus as NSString).appendingPathComponent(name)
        let expected = try String(contentsOfFile: directory + "/expected.txt", encoding: .utf8).trimmingCharacters(in: .newlines)
        let before = Self.snapshot(directory)
        let started = Date()
        let run = try EndToEndTests.run(["check", name], in: URL(fileURLWithPath: Self.corpus))
        #expect(Date().timeIntervalSince(started) < 20, "\(name) took \(Date().timeIntervalSince(started)) s")
        #expect(run.status == 2, "\(name): exit \(run.status)")
        #expect(run.stdout.isEmpty, "\(name): \(run.stdout)")
        let first = run.stderr.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        #expect(first == expected, "\(name)")
        // file:line:column: error: — always inside the named file.
        let parts = first.split(separator: ":", maxSplits: 3)
        #expect(parts.count == 4 && Int(parts[1]) != nil && Int(parts[2]) != nil && parts[3].hasPrefix(" error: "), "\(name): \(first)")
        if parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]) {
            let file = (Self.corpus as NSString).appendingPathComponent(String(parts[0]))
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue {
                let data = FileManager.default.contents(atPath: file) ?? Data()
                let text = String(decoding: data, as: UTF8.self)
                // Only \n, \r\n and \r break lines.
                let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).flatMap { $0.split(separator: "\r", omittingEmptySubsequences: false) }
                #expect(line >= 1 && line <= max(lines.count, 1), "\(name): line \(line) of \(lines.count)")
                if line >= 1 && line <= lines.count {
                    #expect(column >= 1 && column <= lines[line - 1].unicodeScalars.count + 1, "\(name): column \(column)")
                }
            }
        }
        #expect(Self.snapshot(directory) == before, "\(name): an input was modified")
    }
}
