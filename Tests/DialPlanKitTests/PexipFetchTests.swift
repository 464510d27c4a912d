@testable import DialPlanKit
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

/// `dialplan fetch pexip` against a Management API served inside the test, on 127.0.0.1, from
/// Fixtures/exports/pexip-api: two objects a page (so that `meta.next` is followed), basic authentication, and the
/// failures a real Management Node (or what stands in front of it) gives.
@Suite struct PexipFetchTests {
    static let fixtures = TestPlans.path("Fixtures/exports/pexip-api")
    static let user = "admin"
    static let password = "s3cret:pässword"
    static var credentials: PexipFetcher.Credentials { PexipFetcher.Credentials(user: user, password: password) }

    /// Objects and pages per resource in the fixtures.
    static let expected: [PexipFetcher.ResourceSummary] = [
        .init(resource: "system_location", objects: 2, pages: 1), .init(resource: "worker_vm", objects: 4, pages: 2),
        .init(resource: "management_vm", objects: 1, pages: 1), .init(resource: "conference", objects: 3, pages: 2),
        .init(resource: "conference_alias", objects: 5, pages: 3), .init(resource: "gateway_routing_rule", objects: 1, pages: 1),
        .init(resource: "sip_proxy", objects: 1, pages: 1), .init(resource: "mssip_proxy", objects: 0, pages: 1),
        .init(resource: "teams_proxy", objects: 1, pages: 1),
    ]

    static func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// A fresh directory under the system's temporary directory, removed by `body`'s end.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("pexip-fetch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    static func fetch(_ server: FixtureManagementAPI, into out: String, credentials: PexipFetcher.Credentials = credentials, insecure: Bool = false, force: Bool = false, events: EventLog? = nil) async throws(PexipFetchError) -> PexipFetcher.Summary {
        let fetcher = try PexipFetcher(address: server.address, outputDirectory: out, insecure: insecure, force: force, pageSize: 2)
        return try await fetcher.fetch(as: credentials) { events?.append($0) }
    }

    @Test func fetchesEveryResourceAndPageByteForByte() async throws {
        let server = try await FixtureManagementAPI.start()
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let out = (directory as NSString).appendingPathComponent("exports/pexip")
            let events = EventLog()
            let summary = try await Self.fetch(server, into: out, events: events)
            #expect(summary.resources == Self.expected)
            #expect(summary.objects == 18)
            #expect(summary.skipped.isEmpty && summary.warnings.isEmpty)
            #expect(events.resources == Self.expected)
            // Every page, named as the importer expects, and exactly the bytes served.
            let names = try Self.fixtureNames()
            #expect(names.count == 13)
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == names)
            #expect(summary.files == names.map { (out as NSString).appendingPathComponent($0) })
            for name in names {
                let served = try Data(contentsOf: URL(fileURLWithPath: (Self.fixtures as NSString).appendingPathComponent(name)))
                let written = try Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent(name)))
                #expect(written == served, "\(name) differs from the page served")
            }
            // GETs only, every one with the credentials, the pages in meta.next order.
            let requests = server.requests
            #expect(requests.count == 13)
            #expect(requests.allSatisfy { $0.method == "GET" })
            let basic = "Basic " + Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
            #expect(requests.allSatisfy { $0.authorization == basic })
            let api = PexipResource.apiPath
            #expect(requests.filter { $0.uri.hasPrefix(api + "conference_alias/") }.map(\.uri) == [0, 2, 4].map { "\(api)conference_alias/?limit=2&offset=\($0)" })
        }
    }

    @Test func wrongPasswordIsTheCredentialsError() async throws {
        let server = try await FixtureManagementAPI.start()
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let out = (directory as NSString).appendingPathComponent("out")
            let wrong = PexipFetcher.Credentials(user: Self.user, password: "not-the-password")
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: out, credentials: wrong) }
            #expect(error == .credentialsRejected(host: "127.0.0.1:\(server.port)", user: "admin"))
            #expect(error?.description.contains("not-the-password") == false)
            #expect(error?.description.contains("HTTP 401") == true)
            // Nothing is left behind: the directory the fetch created is removed again.
            #expect(!FileManager.default.fileExists(atPath: out))
            #expect(server.requests.count == 1)
        }
    }

    @Test func missingResourceIsSkippedWithAWarning() async throws {
        let server = try await FixtureManagementAPI.start(missing: ["teams_proxy"])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let events = EventLog()
            let summary = try await Self.fetch(server, into: directory, events: events)
            #expect(summary.skipped == ["teams_proxy"])
            #expect(summary.resources.map(\.resource) == Self.expected.map(\.resource).filter { $0 != "teams_proxy" })
            #expect(summary.warnings.count == 1 && summary.warnings[0].hasPrefix("teams_proxy:") && summary.warnings[0].contains("404"))
            #expect(events.warnings == summary.warnings)
            #expect(!FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("teams_proxy.json")))
        }
    }

    @Test func everyResourceMissingIsNotAManagementNode() async throws {
        let server = try await FixtureManagementAPI.start(missing: Set(PexipFetcher.resources))
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: directory) }
            #expect(error == .notManagementAPI(host: "127.0.0.1:\(server.port)"))
        }
    }

    @Test func bodyThatIsNotJSONIsAnError() async throws {
        let login = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Single sign-on</body></html>\n"
        let server = try await FixtureManagementAPI.start(overrides: ["conference": .init(status: .ok, contentType: "text/html", body: Data(login.utf8))])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let out = (directory as NSString).appendingPathComponent("out")
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: out) }
            guard case .notAListEnvelope(let path, let reason) = error else {
                Issue.record("expected notAListEnvelope, got \(String(describing: error))")
                return
            }
            #expect(path == PexipResource.apiPath + "conference/?limit=2&offset=0")
            #expect(reason == "it is not JSON (it starts '<!DOCTYPE html>')")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func jsonThatIsNotAListIsAnError() async throws {
        let server = try await FixtureManagementAPI.start(overrides: ["worker_vm": .init(status: .ok, contentType: "application/json", body: Data(#"[{"id":1}]"#.utf8))])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: directory) }
            #expect(error == .notAListEnvelope(path: PexipResource.apiPath + "worker_vm/?limit=2&offset=0", reason: "it is a JSON array"))
        }
    }

    @Test func otherStatusesGiveTheFirstLineOfTheBody() async throws {
        let body = Data("\n  Service Unavailable: the database is starting\nRetry later\n".utf8)
        let server = try await FixtureManagementAPI.start(overrides: ["management_vm": .init(status: .serviceUnavailable, contentType: "text/plain", body: body)])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: directory) }
            #expect(error?.description == "127.0.0.1:\(server.port) answered GET \(PexipResource.apiPath)management_vm/?limit=2&offset=0 with HTTP 503: Service Unavailable: the database is starting")
        }
    }

    @Test func bodyThatStopsArrivingTimesOut() async throws {
        let page = try Data(contentsOf: URL(fileURLWithPath: (Self.fixtures as NSString).appendingPathComponent("system_location.json")))
        let server = try await FixtureManagementAPI.start(overrides: ["system_location": .init(status: .ok, contentType: "application/json", body: page, stall: true)])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            var fetcher = try PexipFetcher(address: server.address, outputDirectory: directory, pageSize: 2)
            fetcher.requestTimeout = 1
            let error = await #expect(throws: PexipFetchError.self) { try await fetcher.fetch(as: Self.credentials) { _ in } }
            #expect(error == .timeout(host: "127.0.0.1:\(server.port)", path: PexipResource.apiPath + "system_location/?limit=2&offset=0", seconds: 1))
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let elsewhere = "https://sso.example.com/login"
        let server = try await FixtureManagementAPI.start(overrides: ["system_location": .init(status: .found, contentType: "text/html", body: Data(), location: elsewhere)])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: directory) }
            #expect(error == .redirected(host: "127.0.0.1:\(server.port)", status: 302, location: elsewhere))
            #expect(server.requests.count == 1)
        }
    }

    @Test func forbiddenNamesTheResource() async throws {
        let server = try await FixtureManagementAPI.start(overrides: ["gateway_routing_rule": .init(status: .forbidden, contentType: "text/plain", body: Data())])
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: directory) }
            #expect(error == .forbidden(host: "127.0.0.1:\(server.port)", user: "admin", resource: "gateway_routing_rule"))
        }
    }

    @Test func refusesANonEmptyDirectoryUnlessForced() async throws {
        let server = try await FixtureManagementAPI.start()
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            let notes = (directory as NSString).appendingPathComponent("notes.txt")
            let stale = (directory as NSString).appendingPathComponent("conference.500.json")
            try Data("kept".utf8).write(to: URL(fileURLWithPath: notes))
            try Data("{}".utf8).write(to: URL(fileURLWithPath: stale))
            #expect(throws: PexipFetchError.outputDirectoryNotEmpty(path: directory)) {
                _ = try PexipFetcher(address: server.address, outputDirectory: directory)
            }
            #expect(server.requests.isEmpty)
            // --force: the resource files of an earlier fetch go (the stale page too), other files stay.
            _ = try await Self.fetch(server, into: directory, force: true)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(names == (try Self.fixtureNames() + ["notes.txt"]).sorted())
            #expect(try String(contentsOfFile: notes, encoding: .utf8) == "kept")
        }
    }

    @Test func fetchedDirectoryImportsAndSimulates() async throws {
        let server = try await FixtureManagementAPI.start()
        defer { server.stop() }
        try await Self.withTemporaryDirectory { directory in
            _ = try await Self.fetch(server, into: (directory as NSString).appendingPathComponent("exports/pexip"))
            let planFile = (directory as NSString).appendingPathComponent("plan.yaml")
            // The minimal plan's call control and sites, its Pexip side fetched.
            let plan = try PlanLoader.load(files: [(planFile, "imports: {pexip: exports/pexip}\ncall_control:" + TestPlans.minimal.components(separatedBy: "call_control:")[1])], name: planFile)
            // (In the importer's file order: worker_vm.2.json sorts before worker_vm.json.)
            #expect(plan.nodes.map(\.name).sorted() == ["osl1", "osl2", "sin1", "sin2"])
            let alice = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example")
            #expect(alice.verdict == .local)
            #expect(TestPlans.nodes(alice, in: plan) == ["sin1", "sin2"])
            // An alias only on the second conference_alias page.
            #expect(TestPlans.call(plan, from: "Oslo Office", "1002").verdict == .local)
            #expect(TestPlans.call(plan, from: "Oslo Office", "lecture.all-hands@vc.example").verdict == .local)
        }
    }

    @Test func certificateVerificationAndInsecure() async throws {
        let server = try await FixtureManagementAPI.start(tls: true)
        defer { server.stop() }
        #expect(server.address.hasPrefix("https://"))
        try await Self.withTemporaryDirectory { directory in
            let out = (directory as NSString).appendingPathComponent("out")
            let error = await #expect(throws: PexipFetchError.self) { try await Self.fetch(server, into: out) }
            guard case .certificateVerification(let host, _) = error else {
                Issue.record("expected certificateVerification, got \(String(describing: error))")
                return
            }
            #expect(host == "127.0.0.1:\(server.port)")
            #expect(error?.description.contains("--insecure") == true)
            #expect(server.requests.isEmpty)
            let summary = try await Self.fetch(server, into: out, insecure: true)
            #expect(summary.objects == 18)
        }
    }

    @Test func refusedConnectionNamesTheHost() async throws {
        // A port that was just free: bind, note it, close.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        try await Self.withTemporaryDirectory { directory in
            let fetcher = try PexipFetcher(address: "http://127.0.0.1:\(port)", outputDirectory: directory)
            let error = await #expect(throws: PexipFetchError.self) { try await fetcher.fetch(as: Self.credentials) { _ in } }
            guard case .connection(let host, let reason) = error else {
                Issue.record("expected a connection error, got \(String(describing: error))")
                return
            }
            #expect(host == "127.0.0.1:\(port)")
            #expect(reason.contains("refused"))
        }
    }

    @Test(arguments: [
        ("mgr.example.com", "https", "mgr.example.com", nil, "mgr.example.com:443"),
        ("https://mgr.example.com/", "https", "mgr.example.com", nil, "mgr.example.com:443"),
        ("mgr.example.com:8443", "https", "mgr.example.com", 8443, "mgr.example.com:8443"),
        ("http://10.0.0.5", "http", "10.0.0.5", nil, "10.0.0.5:80"),
        ("[fd00::5]:8443", "https", "fd00::5", 8443, "[fd00::5]:8443"),
        ("HTTPS://MGR.example.com/api/admin/configuration/v1/conference/?limit=20", "https", "MGR.example.com", nil, "MGR.example.com:443"),
    ] as [(String, String, String, Int?, String)])
    func addresses(text: String, scheme: String, host: String, port: Int?, server: String) throws {
        let address = try ManagementNodeAddress(parsing: text)
        #expect(address.scheme == scheme && address.host == host && address.port == port)
        #expect(address.hostAndPort == server)
        let authority = host.contains(":") ? "[\(host)]" : host
        #expect(address.firstPage(of: "conference", limit: 500).absoluteString == "\(scheme)://\(authority)\(port.map { ":\($0)" } ?? "")/api/admin/configuration/v1/conference/?limit=500&offset=0")
    }

    @Test func addressWithCredentialsIsRefusedWithoutRepeatingThem() {
        let error = #expect(throws: PexipFetchError.self) { _ = try ManagementNodeAddress(parsing: "https://admin:hunter2@mgr.example.com") }
        #expect(error?.description.contains("hunter2") == false)
        #expect(throws: PexipFetchError.self) { _ = try ManagementNodeAddress(parsing: "ftp://mgr.example.com") }
        #expect(throws: PexipFetchError.self) { _ = try ManagementNodeAddress(parsing: "https://mgr.example.com/admin") }
    }

    @Test func nextPagesKeepTheGivenServer() throws {
        let address = try ManagementNodeAddress(parsing: "mgr.example.com:8443")
        let next = "/api/admin/configuration/v1/conference/?limit=500&offset=500"
        #expect(address.page(named: next)?.absoluteString == "https://mgr.example.com:8443" + next)
        // An absolute next URI (a proxy's internal name) is not followed to its host.
        #expect(address.page(named: "http://internal:8080" + next)?.absoluteString == "https://mgr.example.com:8443" + next)
        #expect(address.page(named: "/somewhere/else/") == nil)
    }

    @Test(arguments: [
        ("conference.json", true), ("conference.500.json", true), ("conference_alias.1000.json", true),
        ("teams_proxy.json", true), ("notes.json", false), ("conference.old.json", false), ("conference.json.bak", false),
        ("conference..json", false), ("pexip-conference.json", false),
    ])
    func resourceFiles(name: String, ours: Bool) {
        #expect(ExportDirectory.isResourceFile(name) == ours)
    }

    @Test func credentialsNeverShowThePassword() {
        let credentials = PexipFetcher.Credentials(user: "admin", password: "hunter2")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), dumped, "\(credentials)"] {
            #expect(!text.contains("hunter2"), "\(text)")
            #expect(text.contains("admin"))
        }
    }
}

/// The events a fetch reported.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PexipFetcher.Event] = []

    func append(_ event: PexipFetcher.Event) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [PexipFetcher.Event] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    var resources: [PexipFetcher.ResourceSummary] {
        all.compactMap { if case .resource(let summary) = $0 { return summary } else { return nil } }
    }

    var warnings: [String] {
        all.compactMap { if case .warning(let text) = $0 { return text } else { return nil } }
    }
}

/// A Management Node's configuration API for the tests: GET `/api/admin/configuration/v1/<resource>/?limit=2&offset=N`
/// answers the fixture page `<resource>.json` (N = 0) or `<resource>.<N>.json`, after checking basic authentication;
/// `missing` resources answer 404, `overrides` answer what they say. Over TLS with a self-signed certificate
/// (Fixtures/exports/pexip-api/tls, for tests only) when asked.
final class FixtureManagementAPI: @unchecked Sendable {
    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: Data
        /// Send the head and the first half of the body, then nothing more.
        var stall = false
        var location: String?
    }

    struct Request: Sendable {
        var method: String
        var uri: String
        var authorization: String?
    }

    let port: Int
    let address: String
    private let channel: any Channel
    private let expectedAuthorization: String
    private let missing: Set<String>
    private let overrides: [String: Answer]
    private let lock = NSLock()
    private var received: [Request] = []

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    private init(channel: any Channel, tls: Bool, missing: Set<String>, overrides: [String: Answer], expectedAuthorization: String) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.address = "\(tls ? "https" : "http")://127.0.0.1:\(port)"
        self.missing = missing
        self.overrides = overrides
        self.expectedAuthorization = expectedAuthorization
    }

    static func start(missing: Set<String> = [], overrides: [String: Answer] = [:], tls: Bool = false) async throws -> FixtureManagementAPI {
        let context: NIOSSLContext?
        if tls {
            let directory = (PexipFetchTests.fixtures as NSString).appendingPathComponent("tls")
            let certificates = try NIOSSLCertificate.fromPEMFile((directory as NSString).appendingPathComponent("self-signed.cert.pem"))
            let key = try NIOSSLPrivateKey(file: (directory as NSString).appendingPathComponent("self-signed.key.pem"), format: .pem)
            context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key)))
        } else {
            context = nil
        }
        let authorization = "Basic " + Data("\(PexipFetchTests.user):\(PexipFetchTests.password)".utf8).base64EncodedString()
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = FixtureManagementAPI(channel: channel, tls: tls, missing: missing, overrides: overrides, expectedAuthorization: authorization)
        box.server = server
        return server
    }

    func stop() {
        channel.close(promise: nil)
    }

    /// The answer to one request.
    func answer(method: String, uri: String, authorization: String?) -> Answer {
        lock.lock()
        received.append(Request(method: method, uri: uri, authorization: authorization))
        lock.unlock()
        func text(_ status: HTTPResponseStatus, _ body: String) -> Answer { Answer(status: status, contentType: "text/plain", body: Data(body.utf8)) }
        guard method == "GET" else { return text(.methodNotAllowed, "GET only") }
        guard authorization == expectedAuthorization else { return Answer(status: .unauthorized, contentType: "text/html", body: Data()) }
        let parts = uri.split(separator: "?", maxSplits: 1).map(String.init)
        guard parts[0].hasPrefix(PexipResource.apiPath) else { return text(.notFound, "Not Found") }
        let resource = String(parts[0].dropFirst(PexipResource.apiPath.count).dropLast())
        if let answer = overrides[resource] { return answer }
        if missing.contains(resource) { return text(.notFound, "") }
        let query = Dictionary(uniqueKeysWithValues: (parts.count > 1 ? parts[1] : "").split(separator: "&").map { pair in
            let field = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (field[0], field.count > 1 ? field[1] : "")
        })
        guard query["limit"] == "2", let offset = query["offset"].flatMap({ Int($0) }) else { return text(.badRequest, "the fixtures are pages of 2") }
        let name = offset == 0 ? "\(resource).json" : "\(resource).\(offset).json"
        guard let body = FileManager.default.contents(atPath: (PexipFetchTests.fixtures as NSString).appendingPathComponent(name)) else {
            return text(.notFound, "")
        }
        return Answer(status: .ok, contentType: "application/json", body: body)
    }

    /// Hands the server to connections accepted before `start` returns (none are: nothing connects before).
    final class ServerBox: @unchecked Sendable {
        var server: FixtureManagementAPI?
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: ServerBox
        var head: HTTPRequestHead?

        init(server: ServerBox) {
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
            case .body:
                break
            case .end:
                guard let head, let server = server.server else { return }
                let answer = server.answer(method: head.method.rawValue, uri: head.uri, authorization: head.headers.first(name: "Authorization"))
                var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", String(answer.body.count))])
                if answer.status == .unauthorized { headers.add(name: "WWW-Authenticate", value: "Basic realm=\"Pexip\"") }
                if let location = answer.location { headers.add(name: "Location", value: location) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: answer.status, headers: headers))), promise: nil)
                let body = answer.stall ? answer.body.prefix(answer.body.count / 2) : answer.body
                var buffer = context.channel.allocator.buffer(capacity: body.count)
                buffer.writeBytes(body)
                if answer.stall {
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    return
                }
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
