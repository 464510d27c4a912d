@testable import DialPlanKit
import Foundation
import Testing

/// Files beyond the size the loader reads are refused before they are read, with a size message at the file.
@Suite struct InputSizeTests {
    static func sparseFile(named name: String, bytes: UInt64) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-size-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(name)
        #expect(FileManager.default.createFile(atPath: path, contents: Data("probes: []\n".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: bytes)
        try handle.close()
        return path
    }

    @Test func aPlanFileBeyondTheSizeLimitIsRefusedWithASizeMessage() throws {
        let path = try Self.sparseFile(named: "plan.yaml", bytes: UInt64(InputFile.maximumBytes) + 1)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            _ = try PlanLoader.load(path: path)
            Issue.record("a 128 MB plan file loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.description == "\(path):1:1: error: the file is 128 MB; the analyzer reads files of up to 128 MB (a plan of 100,000 aliases is a few MB)")
        }
    }

    @Test func exportsAndCasesFilesAreBoundedToo() throws {
        let path = try Self.sparseFile(named: "export.json", bytes: 4096)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        #expect(throws: PlanLoadError.self) { _ = try InputFile.read(path, unreadable: "x", at: SourceLocation(file: path, line: 1, column: 1), maximumBytes: 1024) }
        let large = try Self.sparseFile(named: "cases.yaml", bytes: UInt64(InputFile.maximumBytes) + 10)
        defer { try? FileManager.default.removeItem(atPath: (large as NSString).deletingLastPathComponent) }
        do {
            _ = try TestSuiteLoader.load(path: large)
            Issue.record("a 128 MB cases file loaded")
        } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("the file is 128 MB; the analyzer reads files of up to 128 MB") == true)
        }
        let export = try Self.sparseFile(named: "pexip.json", bytes: UInt64(InputFile.maximumBytes) + 10)
        defer { try? FileManager.default.removeItem(atPath: (export as NSString).deletingLastPathComponent) }
        #expect(throws: PlanLoadError.self) { _ = try ExportFile.read(export) }
    }
}
