import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Reads a live Pexip Infinity Management Node's configuration API and writes the export files a plan's
/// `imports: {pexip: DIR}` reads: every resource the importer knows (`PexipResource`), every page, each page's body
/// exactly as received, `<resource>.json` for the first page and `<resource>.<offset>.json` for later ones.
///
/// Only GET requests, with HTTP basic authentication; `meta.next` is followed until null. Pages of
/// `defaultPageSize` objects: few requests for large deployments, each well under Tastypie's default `max_limit` of
/// 1000 and a few megabytes (a server that caps the limit lower still works, its `meta.next` says where to go on).
/// [P4] [P5] (../shared/EXPORTS.md §1.1)
public struct PexipFetcher: Sendable {
    /// The Management Node user, and the password (never shown: not in descriptions, dumps or messages).
    public struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public var user: String
        var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        public var description: String { "user '\(user)' (password not shown)" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["user": user]) }
    }

    /// What the fetch has done so far, as it happens.
    public enum Event: Sendable, Equatable {
        /// A page arrived: `pages` pages and `objects` objects of `resource` so far, of `totalCount` (the server's
        /// `meta.total_count`).
        case page(resource: String, pages: Int, objects: Int, totalCount: Int?)
        /// Every page of a resource arrived.
        case resource(ResourceSummary)
        /// Something the user should know that does not stop the fetch: a resource this Infinity does not have
        /// (skipped), or pages that disagree with their `total_count`.
        case warning(String)
    }

    /// One resource fetched.
    public struct ResourceSummary: Sendable, Equatable {
        public var resource: String
        public var objects: Int
        public var pages: Int
    }

    /// A finished fetch.
    public struct Summary: Sendable, Equatable {
        /// The output directory.
        public var directory: String
        /// The resources fetched, in the importer's order.
        public var resources: [ResourceSummary]
        /// Resources the server does not have (HTTP 404), not written.
        public var skipped: [String]
        /// The warnings the events reported.
        public var warnings: [String]
        /// The files written, in name order.
        public var files: [String]

        public var objects: Int { resources.reduce(0) { $0 + $1.objects } }
    }

    /// The resources fetched, in order: those the importer reads.
    public static let resources = PexipResource.allCases.map(\.rawValue)
    public static let defaultPageSize = 500
    static let connectTimeoutSeconds = 10
    static let requestTimeoutSeconds = 60
    /// A page above this is refused (500 conferences are a few megabytes).
    static let maximumPageBytes = 64 * 1_048_576

    let address: ManagementNodeAddress
    public let outputDirectory: String
    public let insecure: Bool
    public let force: Bool
    public let pageSize: Int
    /// Seconds for each request, head and body (shorter in tests).
    var requestTimeout = PexipFetcher.requestTimeoutSeconds

    /// A fetcher for the Management Node at `address` (`mgr.example.com` means https; `http://` only when written)
    /// into `outputDirectory`. Checks both before anything is asked or sent: a bad address, or an existing
    /// non-empty directory without `force` (then only the resource files a fetch writes are replaced), is an error.
    /// `insecure` skips TLS certificate verification (lab systems with self-signed certificates).
    public init(address: String, outputDirectory: String, insecure: Bool = false, force: Bool = false, pageSize: Int = PexipFetcher.defaultPageSize) throws(PexipFetchError) {
        self.address = try ManagementNodeAddress(parsing: address)
        self.outputDirectory = outputDirectory
        self.insecure = insecure
        self.force = force
        self.pageSize = max(1, pageSize)
        try ExportDirectory.check(path: outputDirectory, force: force)
    }

    /// The server as messages name it: `mgr.example.com:443`.
    public var server: String { address.hostAndPort }

    /// Whether the requests go over TLS (not for an `http://` address).
    public var encrypted: Bool { address.scheme == "https" }

    /// Fetches every resource, reporting through `progress`, and writes the files only when all have arrived.
    public func fetch(as credentials: Credentials, progress: @Sendable (Event) -> Void) async throws(PexipFetchError) -> Summary {
        let directory = try ExportDirectory(path: outputDirectory, force: force)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration())
        let result: Result<Summary, PexipFetchError>
        do {
            result = .success(try await fetchAll(into: directory, client: client, credentials: credentials, progress: progress))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        switch result {
        case .success(var summary):
            do { summary.files = try directory.commit() } catch {
                directory.abandon()
                throw error
            }
            return summary
        case .failure(let error):
            directory.abandon()
            throw error
        }
    }

    private func clientConfiguration() -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure { tls.certificateVerification = .none }
        // A redirect is reported, not followed: the credentials go only to the address the user gave.
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(Self.connectTimeoutSeconds)), read: .seconds(Int64(requestTimeout))))
        // Fail on the first refused or unresolvable connection instead of retrying until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    private func fetchAll(into directory: ExportDirectory, client: HTTPClient, credentials: Credentials, progress: @Sendable (Event) -> Void) async throws(PexipFetchError) -> Summary {
        var summary = Summary(directory: outputDirectory, resources: [], skipped: [], warnings: [], files: [])
        for resource in PexipResource.allCases.map(\.rawValue) {
            guard let fetched = try await fetch(resource, into: directory, client: client, credentials: credentials, progress: progress) else {
                let warning = "\(resource): the Management Node has no such resource (HTTP 404: an Infinity version without it); skipped"
                summary.skipped.append(resource)
                summary.warnings.append(warning)
                progress(.warning(warning))
                continue
            }
            summary.resources.append(fetched.summary)
            if let warning = fetched.warning {
                summary.warnings.append(warning)
                progress(.warning(warning))
            }
            progress(.resource(fetched.summary))
        }
        if summary.resources.isEmpty { throw .notManagementAPI(host: server) }
        return summary
    }

    /// Every page of `resource`, staged in `directory`; nil when the server does not have the resource.
    private func fetch(_ resource: String, into directory: ExportDirectory, client: HTTPClient, credentials: Credentials, progress: @Sendable (Event) -> Void) async throws(PexipFetchError) -> (summary: ResourceSummary, warning: String?)? {
        var url = address.firstPage(of: resource, limit: pageSize)
        var pages = 0
        var objects = 0
        var totalCount: Int?
        var names: Set<String> = []
        var followed: Set<String> = []
        while true {
            let path = address.pathAndQuery(of: url)
            let answer = try await get(url, path: path, client: client, credentials: credentials)
            switch answer.status {
            case 200:
                break
            case 401:
                throw .credentialsRejected(host: server, user: credentials.user)
            case 403:
                throw .forbidden(host: server, user: credentials.user, resource: resource)
            case 404 where pages == 0:
                return nil
            case 300..<400:
                throw .redirected(host: server, status: answer.status, location: answer.location)
            default:
                throw .httpStatus(host: server, status: answer.status, path: path, firstLine: ManagementAPIPage.firstLine(of: answer.body))
            }
            let page = try ManagementAPIPage(parsing: answer.body, path: path)
            let name = ExportDirectory.fileName(resource: resource, offset: pages == 0 ? nil : page.offset ?? objects)
            guard names.insert(name).inserted else {
                throw .pagination(resource: resource, reason: "two pages at offset \(page.offset ?? objects) (\(path)); the server's paging is inconsistent")
            }
            try directory.write(answer.body, named: name)
            pages += 1
            objects += page.objectCount
            if pages == 1 { totalCount = page.totalCount }
            progress(.page(resource: resource, pages: pages, objects: objects, totalCount: totalCount))
            guard let next = page.next else { break }
            guard page.objectCount > 0 else {
                throw .pagination(resource: resource, reason: "the page \(path) has no objects but names a next page (\(next)); the server's paging is inconsistent")
            }
            guard followed.insert(next).inserted else {
                throw .pagination(resource: resource, reason: "meta.next names \(next) again; the server's paging loops")
            }
            guard let nextURL = address.page(named: next) else {
                throw .pagination(resource: resource, reason: "meta.next '\(next)' is not a path of the configuration API (\(PexipResource.apiPath))")
            }
            url = nextURL
        }
        var warning: String?
        if let totalCount, totalCount != objects {
            warning = "\(resource): meta.total_count is \(totalCount), but the pages held \(objects) objects (did the configuration change during the fetch? fetch again)"
        }
        return (ResourceSummary(resource: resource, objects: objects, pages: pages), warning)
    }

    private struct Answer: Sendable {
        var status: Int
        var location: String?
        var body: Data
    }

    /// One GET, head and body within the request timeout.
    private func get(_ url: URL, path: String, client: HTTPClient, credentials: Credentials) async throws(PexipFetchError) -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.setBasicAuth(username: credentials.user, password: credentials.password)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dialplan")
        let prepared = request
        let timeout = requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Answer?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .seconds(Int64(timeout)))
                    let body = try await response.body.collect(upTo: Self.maximumPageBytes)
                    return Answer(status: Int(response.status.code), location: response.headers.first(name: "Location"), body: Data(body.readableBytesView))
                }
                // The client's deadline covers the head; this covers the body too.
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let answer = first else { throw HTTPClientError.deadlineExceeded }
                return answer
            }
        } catch {
            throw PexipFetchError.classify(error, host: server, path: path, timeout: timeout)
        }
    }
}
