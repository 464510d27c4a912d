/// Prints a `TestRun`: text for people, JSON for tools, JUnit XML for CI servers (GitLab, Jenkins).
public enum TestRunFormatter {
    /// Each failing case alias with every failing call (expected vs actual, and the route), then a summary.
    /// With `coverage`, the summary is followed by the coverage counts and a note per unused rule.
    public static func text<Out: TextOutputStream>(_ run: TestRun, style: TextStyle, coverage: Bool = false, to out: inout Out) {
        defer {
            if coverage {
                let simulation = run.simulation
                out.write("\ncoverage: " + simulation.coverage.counts.map { "\($0.used)/\($0.total) \($0.kind)" }.joined(separator: ", ") + "\n")
                for note in simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount) { out.write(style.diagnostic(note)) }
            }
        }
        var byCase: [(String, [TestRun.AliasResult])] = []
        for result in run.results {
            let key = result.suite + "\u{0}" + result.caseName
            if let index = byCase.firstIndex(where: { $0.0 == key }) { byCase[index].1.append(result) } else { byCase.append((key, [result])) }
        }
        for (_, results) in byCase {
            let first = results[0]
            let failed = results.filter { !$0.passed }
            let calls = results.reduce(0) { $0 + $1.calls.count }
            if failed.isEmpty {
                out.write("\(style.green("PASS")) \(first.caseName) (\(results.count) alias\(results.count == 1 ? "" : "es"), \(calls) calls)\n")
                continue
            }
            out.write(style.bold("\(first.caseSource):") + " \(style.red("FAIL")) \(first.caseName): \(failed.count) of \(results.count) alias\(results.count == 1 ? "" : "es") failed\n")
            for result in failed.prefix(5) {
                if result.calls.isEmpty {
                    out.write("    \(result.alias.isEmpty ? "" : style.cyan(result.alias) + ": ")no call was placed, so nothing was tested: \(result.noCallReason)\n")
                    continue
                }
                out.write("    \(result.isNearMiss ? "near miss " : "")\(style.cyan(result.alias)): \(result.failedCalls.count) of \(result.calls.count) calls failed\n")
                for call in result.failedCalls.prefix(6) {
                    out.write("      " + call.summary + "\n")
                }
                if result.failedCalls.count > 6 { out.write("      … and \(result.failedCalls.count - 6) more calls\n") }
            }
            if failed.count > 5 {
                out.write("    … and \(failed.count - 5) more aliases: \(failed.dropFirst(5).prefix(8).map(\.alias).joined(separator: ", "))\(failed.count > 13 ? ", …" : "")\n")
            }
        }
        let passedCount = run.results.count - run.failedCount
        out.write("\n" + style.bold("\(run.results.count) tests (\(run.callCount) calls)") + ": \(passedCount) passed, \(run.failedCount) failed — " + (run.passed ? style.green("PASS") : style.red("FAIL")) + "\n")
    }

    /// A JSON object: summary and every result with its failing calls.
    public static func json<Out: TextOutputStream>(_ run: TestRun, coverage: Bool = false, to out: inout Out) {
        var json = JSONWriter()
        json.beginObject()
        json.field("pass", run.passed)
        if coverage {
            let simulation = run.simulation
            json.key("coverage")
            json.beginObject()
            for count in simulation.coverage.counts {
                json.key(count.kind)
                json.beginObject()
                json.field("used", count.used)
                json.field("total", count.total)
                json.endObject()
            }
            json.key("unused")
            json.beginArray()
            for note in simulation.coverage.unused(in: simulation.tables, calls: simulation.callCount) { CheckFormatter.writeDiagnostic(note, to: &json) }
            json.endArray()
            json.endObject()
        }
        json.field("tests", run.results.count)
        json.field("failed", run.failedCount)
        json.field("calls", run.callCount)
        json.key("results")
        json.beginArray()
        for result in run.results {
            json.beginObject()
            json.field("suite", result.suite)
            json.field("case", result.caseName)
            json.field("alias", result.alias)
            json.field("nearMiss", result.isNearMiss)
            json.field("pass", result.passed)
            json.field("calls", result.calls.count)
            json.key("failures")
            json.beginArray()
            for call in result.failedCalls {
                call.facts.writeJSON(&json) { json in json.field("failures", strings: call.failures) }
            }
            json.endArray()
            json.endObject()
            if json.text.utf8.count > 1 << 16 { out.write(json.flush()) }
        }
        json.endArray()
        json.endObject()
        out.write(json.flush() + "\n")
    }

    /// JUnit XML: a test suite per cases file, a test case per case and alias (unique names), the failing calls in
    /// the failure's body. No timestamps or durations, so the report is the same on every run.
    public static func junit<Out: TextOutputStream>(_ run: TestRun, to out: inout Out) {
        var suites: [(name: String, file: String, results: [TestRun.AliasResult])] = []
        for result in run.results {
            if let index = suites.firstIndex(where: { $0.file == result.suiteFile }) {
                suites[index].results.append(result)
            } else {
                suites.append((result.suite, result.suiteFile, [result]))
            }
        }
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write("<testsuites name=\"dialplan\" tests=\"\(run.results.count)\" failures=\"\(run.failedCount)\" errors=\"0\">\n")
        for suite in suites {
            let failures = suite.results.filter { !$0.passed }.count
            out.write("  <testsuite name=\"\(xml(suite.name))\" tests=\"\(suite.results.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n")
            for result in suite.results {
                out.write("    <testcase classname=\"\(xml(suite.name))\" name=\"\(xml(result.testName))\" file=\"\(xml(result.caseSource.file))\" line=\"\(result.caseSource.line)\"")
                if result.passed {
                    out.write("/>\n")
                    continue
                }
                let failed = result.failedCalls
                let message = failed.isEmpty ? "no call was placed, so nothing was tested: \(result.noCallReason)" : "\(failed.count) of \(result.calls.count) calls failed: \(failed[0].summary)"
                out.write(">\n      <failure type=\"expectation\" message=\"\(xml(message))\">")
                out.write(xml(failed.map(\.summary).joined(separator: "\n")))
                out.write("</failure>\n    </testcase>\n")
            }
            out.write("  </testsuite>\n")
        }
        out.write("</testsuites>\n")
    }

    /// Escapes text for XML attributes and content; control characters XML 1.0 forbids become spaces.
    static func xml(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
