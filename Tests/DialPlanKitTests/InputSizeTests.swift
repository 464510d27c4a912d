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
            #expect(error.diagnostics.first?.description == "\(path):1:1: error: the file is 128 MB (134217729 bytes); the analyzer reads files of up to 128 MB (134217728 bytes; a plan of 100,000 aliases is a few MB)")
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
            #expect(error.diagnostics.first?.message.hasPrefix("the file is 128 MB (134217738 bytes); the analyzer reads files of up to 128 MB") == true)
        }
        let export = try Self.sparseFile(named: "pexip.json", bytes: UInt64(InputFile.maximumBytes) + 10)
        defer { try? FileManager.default.removeItem(atPath: (export as NSString).deletingLastPathComponent) }
        #expect(throws: PlanLoadError.self) { _ = try ExportFile.read(export) }
    }

    // A symbolic link is measured as the file it points to; a pipe, which reports no size, is read only up to the
    // limit and then refused.
    @Test func linksAndPipesAreBoundedToo() throws {
        let target = try Self.sparseFile(named: "big.yaml", bytes: UInt64(InputFile.maximumBytes) + 1)
        let directory = (target as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let link = (directory as NSString).appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        do {
            _ = try InputFile.read(link, unreadable: "x", at: SourceLocation(file: link, line: 1, column: 1))
            Issue.record("a link to a 128 MB file was read")
        } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("the file is 128 MB (134217729 bytes)") == true, "\(error.diagnostics)")
        }
        let fifo = (directory as NSString).appendingPathComponent("pipe.yaml")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened read-write, a FIFO blocks no one: its 4 KB wait in the pipe for the reader.
        let writer = open(fifo, O_RDWR)
        #expect(writer >= 0)
        defer { close(writer) }
        let bytes = [UInt8](repeating: 0x61, count: 4096)
        #expect(write(writer, bytes, bytes.count) == bytes.count)
        do {
            _ = try InputFile.read(fifo, unreadable: "x", at: SourceLocation(file: fifo, line: 1, column: 1), maximumBytes: 1024)
            Issue.record("4 KB from a pipe were read past a 1 KB limit")
        } catch {
            #expect(error.diagnostics.first?.message == "the file is more than 1 KB; the analyzer reads files of up to 1 KB (1024 bytes; a plan of 100,000 aliases is a few MB)", "\(error.diagnostics)")
        }
    }

    // `dialplan test PLAN CASES`: a plan is told from a cases file by its sections, reading only the file's start.
    @Test func aPlanIsToldFromACasesFileByItsFirst64KB() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-looks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func file(_ name: String, _ text: String) -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return path
        }
        #expect(PlanLoader.looksLikePlan(path: directory))
        #expect(PlanLoader.looksLikePlan(path: file("a.yaml", "# a plan\ncall_control:\n  - name: vcs\n")))
        #expect(PlanLoader.looksLikePlan(path: file("b.yaml", "pexip:\n  system_locations: []\n")))
        #expect(!PlanLoader.looksLikePlan(path: file("cases.yaml", "plan: acme\ncases:\n  - {from: Oslo HQ, alias: '1001'}\n")))
        #expect(!PlanLoader.looksLikePlan(path: file("cases.csv", "from,alias\npexip:,x\n")))
        #expect(!PlanLoader.looksLikePlan(path: (directory as NSString).appendingPathComponent("missing.yaml")))
    }
}
