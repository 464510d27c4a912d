import Foundation
import Testing

/// `dialplan report` end to end: exit codes as `check`'s, the file written whole and only where allowed, and the
/// page loaded in headless Chromium (issue 11).
@Suite struct ReportCommandTests {
    typealias E2E = EndToEndTests

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func reportExitsAsCheckDoesAndWritesTheFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("r.html").path
        let misrouted = try E2E.run(["report", E2E.path("DialPlans/acme-misrouted"), "--out", page])
        #expect(misrouted.status == 1, "\(misrouted.stderr)")
        #expect(misrouted.stdout.isEmpty && misrouted.stderr.isEmpty)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("data-check=\"mesh-blocked\"") && html.contains("FAIL</p>"))
        // Nothing but the page is left in the directory (written atomically).
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["r.html"])

        let healthy = try E2E.run(["report", E2E.path("DialPlans/acme"), "--out", "-"])
        #expect(healthy.status == 0, "\(healthy.stderr)")
        #expect(healthy.stdout.hasPrefix("<!DOCTYPE html>") && healthy.stdout.contains("PASS</p>"))
        #expect(healthy.stderr.isEmpty)
    }

    @Test func strictFailsOnWarningsAsCheckStrictDoes() throws {
        // DialPlans/acme with one warning and nothing else: a pattern_string that mode any_alias ignores. Every
        // call stays local and no finding is an error, so the plan passes, and fails only with --strict.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = directory.appendingPathComponent("acme").path
        try FileManager.default.copyItem(atPath: E2E.path("DialPlans/acme"), toPath: plan)
        let file = plan + "/call-control.yaml"
        let yaml = try String(contentsOfFile: file, encoding: .utf8)
        let rule = "{name: LocalZoneMatch, priority: 50, mode: any_alias, target: LocalZone}"
        #expect(yaml.contains(rule))
        try yaml.replacingCharacters(in: yaml.range(of: rule)!, with: "{name: LocalZoneMatch, priority: 50, mode: any_alias, pattern_string: ignored, target: LocalZone}")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let check = try E2E.run(["check", plan])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains(" 0 ambiguous, ") && check.stdout.contains("; 0 errors, 1 warning — PASS"), "\(check.stdout.suffix(300))")
        let page = directory.appendingPathComponent("r.html").path
        let report = try E2E.run(["report", plan, "--out", page])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("data-verdict=\"pass\""))
        let strict = try E2E.run(["report", plan, "--strict", "--out", page])
        #expect(strict.status == 1, "\(strict.stderr)")
        #expect(try E2E.run(["check", plan, "--strict"]).status == 1)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("data-verdict=\"fail\"") && html.contains("data-count=\"warnings\">1</td>") && html.contains("data-count=\"errors\">0</td>"))
    }

    @Test func reportWithABaselineShowsTheChange() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("change.html").path
        let run = try E2E.run(["report", E2E.path("DialPlans/acme-misrouted"), "--baseline", E2E.path("DialPlans/acme"), "--out", page])
        #expect(run.status == 1, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<section id=\"change\""))
        let diff = try E2E.run(["diff", E2E.path("DialPlans/acme"), E2E.path("DialPlans/acme-misrouted"), "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        #expect(html.contains("<strong data-count=\"changed\">\(try #require(json["changed"] as? Int))</strong>"))
    }

    @Test func reportRefusesBadOutputsAndMissingPlansWithUsageErrors() throws {
        let missingOut = try E2E.run(["report", E2E.path("DialPlans/acme")])
        #expect(missingOut.status == 2)
        #expect(missingOut.stderr.hasPrefix("dialplan: error: "))
        #expect(missingOut.stderr.contains("--out"))
        // Never into the plan directory (the next load would read it), never over an input.
        let inside = try E2E.run(["report", "DialPlans/acme", "--out", "DialPlans/acme/report.html"], in: TestPlans.root)
        #expect(inside.status == 2)
        #expect(inside.stderr.contains("dialplan: error: --out DialPlans/acme/report.html is inside the plan directory"))
        #expect(!FileManager.default.fileExists(atPath: E2E.path("DialPlans/acme/report.html")))
        let overBaseline = try E2E.run(["report", "DialPlans/acme", "--baseline", "DialPlans/acme-misrouted/pexip.yaml", "--out", "DialPlans/acme-misrouted/pexip.yaml"], in: TestPlans.root)
        #expect(overBaseline.status == 2)
        #expect(overBaseline.stderr.contains("would overwrite an input file") || overBaseline.stderr.contains("inside the plan directory"))
        let missingPlan = try E2E.run(["report", "/nonexistent/plan", "--out", "-"])
        #expect(missingPlan.status == 2)
        #expect(missingPlan.stdout.isEmpty)
        let help = try E2E.run(["report", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--out") && help.stdout.contains("--baseline") && help.stdout.contains("- for standard output"))
    }

    // MARK: Browser

    /// Chromium: `DIALPLAN_CHROMIUM`, else chromium, chromium-browser or google-chrome on the PATH.
    static let chromium: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["DIALPLAN_CHROMIUM"], !given.isEmpty { return FileManager.default.isExecutableFile(atPath: given) ? given : nil }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in path where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") { return "\(directory)/\(name)" }
        }
        return nil
    }()

    /// Under CI (`.ci/run` sets it) a missing Chromium fails the test instead of skipping it.
    static let browserRequired = ProcessInfo.processInfo.environment["DIALPLAN_REQUIRE_BROWSER"] == "1"

    /// Runs `scripts/report-screenshot PAGE PNG` (the command the README's screenshot is made with): the rendered
    /// DOM and Chromium's messages.
    static func loadInBrowser(_ page: String, screenshot: String) throws -> (dom: String, messages: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPlans.path("scripts/report-screenshot"))
        process.arguments = [page, screenshot]
        var environment = ProcessInfo.processInfo.environment
        if let chromium { environment["DIALPLAN_CHROMIUM"] = chromium }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The script stops Chromium after 120 seconds (`timeout`), so the pipes close and the test fails instead of
        // hanging. Both pipes are read at once: Chromium writes much to standard error while the DOM comes on
        // standard output, and reading one to its end first could fill the other and block both sides.
        final class Reader: @unchecked Sendable {
            let handle: FileHandle
            var data = Data()
            init(_ handle: FileHandle) { self.handle = handle }
        }
        let messages = Reader(err.fileHandleForReading)
        let reader = DispatchGroup()
        reader.enter()
        DispatchQueue.global().async {
            messages.data = messages.handle.readDataToEndOfFile()
            reader.leave()
        }
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.wait()
        process.waitUntilExit()
        return (dom, String(decoding: messages.data, as: UTF8.self), process.terminationStatus)
    }

    @Test(.enabled(if: chromium != nil || browserRequired, "no Chromium found: the browser test is skipped"))
    func theScreenshotScriptEncodesTheFileURLAndFailsWithoutAPNG() throws {
        try #require(Self.chromium != nil, "DIALPLAN_REQUIRE_BROWSER=1 but no Chromium was found")
        // A directory whose name needs percent-encoding in a file URL.
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("sp dir#1%?")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let page = directory.appendingPathComponent("r.html").path
        let run = try E2E.run(["report", E2E.path("DialPlans/acme"), "--out", page])
        #expect(run.status == 0)
        let png = directory.appendingPathComponent("r.png").path
        let browser = try Self.loadInBrowser(page, screenshot: png)
        #expect(browser.status == 0, "\(browser.messages)")
        #expect(browser.dom.contains("data-ready=\"true\"") && browser.dom.contains("PASS</p>"), "\(browser.dom.prefix(300))")
        #expect(try Data(contentsOf: URL(fileURLWithPath: png)).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // A screenshot that cannot be written (its directory does not exist): a non-zero exit that says so.
        let nowhere = root.appendingPathComponent("missing/r.png").path
        let failed = try Self.loadInBrowser(page, screenshot: nowhere)
        #expect(failed.status != 0)
        #expect(failed.messages.contains("scripts/report-screenshot: Chromium wrote no screenshot"), "\(failed.messages)")
        #expect(failed.dom.isEmpty)
    }

    @Test(.enabled(
        if: chromium != nil || browserRequired,
        "no Chromium found (apt-get install chromium, or set DIALPLAN_CHROMIUM): the browser test is skipped; .ci/run installs it and sets DIALPLAN_REQUIRE_BROWSER=1"))
    func theReportRendersInHeadlessChromiumWithoutScriptErrors() throws {
        try #require(Self.chromium != nil, "DIALPLAN_REQUIRE_BROWSER=1 but no Chromium was found: apt-get install chromium, or set DIALPLAN_CHROMIUM")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html").path
        let png = directory.appendingPathComponent("report.png").path
        let run = try E2E.run(["report", E2E.path("DialPlans/acme-misrouted"), "--out", page])
        #expect(run.status == 1)
        let browser = try Self.loadInBrowser(page, screenshot: png)
        #expect(browser.status == 0, "scripts/report-screenshot exited \(browser.status): \(browser.messages)")
        let dom = browser.dom
        // The script ran to its end, and no error was caught or logged.
        #expect(dom.contains("data-ready=\"true\""), "the page's script did not finish: \(dom.prefix(300))")
        #expect(!dom.contains("data-script-error=\""), "a script error was caught")
        #expect(!browser.messages.contains("Uncaught"), "\(browser.messages)")
        // The matrix and the findings rendered: a button per non-empty cell, one panel shown, every group.
        #expect(dom.contains("<table class=\"heat\" id=\"heat\">"))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let cells = dom.components(separatedBy: "<button type=\"button\" data-cell=").count - 1
        #expect(cells >= 7 * 2 && cells == html.components(separatedBy: "<button type=\"button\" data-cell=").count - 1)
        #expect(dom.contains("aria-label=\"Singapore Office → Oslo: "))
        #expect(dom.components(separatedBy: "<article class=\"finding group").count - 1 == 9)
        #expect(dom.contains("<ol class=\"steps\" id=\"trace-1\">"))
        #expect(dom.contains("<svg class=\"mesh\""))
        // The screenshot is a PNG of the window.
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(image.count > 20_000)
        #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // 1400 × 1000: the PNG header's width and height.
        let width = image[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = image[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1400 && height == 1000)
    }

    @Test(.enabled(if: chromium != nil || browserRequired, "no Chromium found: the browser test is skipped"))
    func aPageWhoseScriptFailsIsCaughtByTheBrowserTest() throws {
        // The check the browser test relies on: a page whose script throws is seen as such in the dumped DOM.
        try #require(Self.chromium != nil, "DIALPLAN_REQUIRE_BROWSER=1 but no Chromium was found")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("broken.html").path
        let run = try E2E.run(["report", E2E.path("DialPlans/acme"), "--out", page])
        #expect(run.status == 0)
        var html = try String(contentsOfFile: page, encoding: .utf8)
        html = html.replacingOccurrences(of: "var buttons = document.querySelectorAll", with: "undefinedFunction(); var buttons = document.querySelectorAll")
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        let browser = try Self.loadInBrowser(page, screenshot: directory.appendingPathComponent("broken.png").path)
        #expect(browser.dom.contains("data-script-error=\""))
        #expect(!browser.dom.contains("data-ready=\"true\""))
    }
}
