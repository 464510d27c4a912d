import ArgumentParser
import DialPlanKit
import Foundation

/// `dialplan fetch pexip URL --user U --out DIR`: a live system's configuration, as the export files a plan imports.
struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a live system's configuration into export files a plan imports.",
        subcommands: [Pexip.self])

    /// The environment variable that holds the Management Node password.
    static let passwordVariable = "DIALPLAN_PEXIP_PASSWORD"

    struct Pexip: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pexip",
            abstract: "Read a Pexip Infinity Management Node's configuration API into the JSON exports a plan imports.",
            discussion: """
                GETs every resource the importer reads (\(PexipFetcher.resources.joined(separator: ", "))) from \
                URL/api/admin/configuration/v1/, \(PexipFetcher.defaultPageSize) objects a page, following meta.next, \
                and writes each page as received: <resource>.json, then <resource>.<offset>.json. Nothing on the \
                server is changed. A resource the server does not have (an older Infinity without teams_proxy) is \
                skipped with a warning. The files are written only when every page has arrived.

                The password is read from \(Fetch.passwordVariable), else asked on the terminal (not echoed).

                Examples:
                  dialplan fetch pexip mgr.example.com --user admin --out exports/pexip
                  \(Fetch.passwordVariable)=… dialplan fetch pexip https://mgr.lab:8443 --user admin --out lab --insecure --force
                """)

        @Argument(help: "The Management Node: mgr.example.com or https://mgr.example.com:8443 (https unless http:// is written).")
        var url: String

        @Option(name: .long, help: "A Management Node user that may read the configuration API.")
        var user: String

        @Option(name: .long, help: "The directory to write (created when missing; it must be empty unless --force).")
        var out: String

        @Flag(name: .long, help: "Do not verify the server's TLS certificate (lab systems with self-signed certificates only).")
        var insecure = false

        @Flag(name: .long, help: "Write into a non-empty directory: the resource files (*.json) of an earlier fetch are replaced, other files kept.")
        var force = false

        func validate() throws {
            guard !user.isEmpty else { throw ValidationError("--user must name a Management Node user") }
        }

        func run() throws {
            let fetcher: PexipFetcher
            do { fetcher = try PexipFetcher(address: url, outputDirectory: out, insecure: insecure, force: force) } catch {
                throw UsageError(message: error.description)
            }
            let credentials = PexipFetcher.Credentials(user: user, password: try Fetch.password(user: user, server: fetcher.server))
            if insecure { Fetch.warn("--insecure: the certificate of \(fetcher.server) is not verified") }
            if !fetcher.encrypted { Fetch.warn("http://: the password goes to \(fetcher.server) unencrypted") }
            let printer = ProgressPrinter()
            let outcome = Fetch.wait { () async throws(PexipFetchError) -> PexipFetcher.Summary in
                try await fetcher.fetch(as: credentials, progress: printer.report)
            }
            printer.clear()
            let summary: PexipFetcher.Summary
            switch outcome {
            case .success(let value): summary = value
            case .failure(let error): throw UsageError(message: error.description)
            }
            var output = StandardOutput()
            let count = summary.resources.count
            let skipped = summary.skipped.isEmpty ? "" : " (skipped: \(summary.skipped.joined(separator: ", ")))"
            output.write("wrote \(out): \(count) resource\(count == 1 ? "" : "s"), \(Fetch.counted(summary.objects, "object"))\(skipped)\n")
            output.write("name it in a plan: imports: {pexip: \(out)}\n")
        }
    }

    /// The password: the environment variable, else a prompt on the terminal that does not echo.
    static func password(user: String, server: String) throws -> String {
        if let value = ProcessInfo.processInfo.environment[passwordVariable], !value.isEmpty { return value }
        guard isatty(STDIN_FILENO) != 0 else {
            throw UsageError(message: "no password: set \(passwordVariable) (standard input is not a terminal to ask on)")
        }
        let prompt = "Password for \(user) at \(server): "
        #if canImport(Darwin)
        var buffer = [CChar](repeating: 0, count: 1024)
        defer { buffer.withUnsafeMutableBufferPointer { _ = memset($0.baseAddress, 0, $0.count) } }
        guard let read = readpassphrase(prompt, &buffer, buffer.count, RPP_REQUIRE_TTY) else {
            throw UsageError(message: "cannot read the password from the terminal; set \(passwordVariable)")
        }
        let password = String(cString: read)
        #else
        guard let read = getpass(prompt) else {
            throw UsageError(message: "cannot read the password from the terminal; set \(passwordVariable)")
        }
        let password = String(cString: read)
        memset(read, 0, strlen(read))
        #endif
        guard !password.isEmpty else { throw UsageError(message: "no password given") }
        return password
    }

    /// Runs `body` to the end on the concurrency pool while this (synchronous) command waits.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws(PexipFetchError) -> T) -> Result<T, PexipFetchError> {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do throws(PexipFetchError) { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.result!
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("dialplan: warning: \(text)\n".utf8))
    }

    /// `1,204`.
    static func grouped(_ value: Int) -> String {
        var digits = ""
        for (index, digit) in String(value).reversed().enumerated() {
            if index > 0, index % 3 == 0 { digits.append(",") }
            digits.append(digit)
        }
        return String(digits.reversed())
    }

    /// `1,204 objects`, `1 page`.
    static func counted(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }
}

/// The result of the fetch task, handed to the waiting thread (the semaphore orders the accesses).
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, PexipFetchError>?
}

/// Prints the fetch's events on standard error: a line per resource, warnings, and on a terminal a transient line
/// while a many-page resource arrives.
private final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal = isatty(STDERR_FILENO) != 0
    private var transient = false

    func report(_ event: PexipFetcher.Event) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .page(let resource, let pages, let objects, let total):
            guard terminal, total.map({ $0 > objects }) ?? true else { return }
            let of = total.map { " of \(Fetch.grouped($0))" } ?? ""
            write("\r\(resource): \(Fetch.grouped(objects))\(of) objects, \(Fetch.counted(pages, "page"))…\u{1B}[K")
            transient = true
        case .resource(let fetched):
            clearLine()
            write("\(fetched.resource): \(Fetch.counted(fetched.objects, "object")) in \(Fetch.counted(fetched.pages, "page"))\n")
        case .warning(let text):
            clearLine()
            write("dialplan: warning: \(text)\n")
        }
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        clearLine()
    }

    private func clearLine() {
        if transient { write("\r\u{1B}[K") }
        transient = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
