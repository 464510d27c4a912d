import Foundation

/// Where a Management Node's API is: a scheme (`https` unless `http://` is written), a host and a port.
///
/// Every URL the fetcher requests is built from these three, including the `meta.next` pages: their path and query
/// are taken, never their host, so the credentials go nowhere but the address the user gave.
struct ManagementNodeAddress: Equatable, Sendable {
    var scheme: String
    var host: String
    var port: Int?

    /// `mgr.example.com`, `mgr.example.com:8443`, `https://mgr.example.com/`, `http://10.0.0.5`, `[fd00::5]`; a
    /// path under `/api/` (an API URL pasted whole) is ignored.
    init(parsing text: String) throws(PexipFetchError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidAddress("is empty") }
        let written = trimmed.contains("://") ? trimmed : "https://" + trimmed
        guard let components = URLComponents(string: written) else {
            throw .invalidAddress("'\(trimmed)' is not a URL or host name")
        }
        // Not repeated in the message: it holds a password.
        guard components.user == nil, components.password == nil else {
            throw .invalidAddress("must not hold a user or password: give the user with --user and the password in DIALPLAN_PEXIP_PASSWORD")
        }
        guard let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw .invalidAddress("'\(trimmed)' must be https:// (the default) or http://")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidAddress("'\(trimmed)' names no host") }
        let path = components.percentEncodedPath
        guard path.isEmpty || path == "/" || path.hasPrefix("/api/") else {
            throw .invalidAddress("'\(trimmed)' has the path \(path): give the Management Node's address alone (https://mgr.example.com)")
        }
        self.scheme = scheme
        // An IPv6 literal without its brackets (Foundation keeps them in `host` on some platforms).
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port
    }

    /// `mgr.example.com:443`, as messages name the server.
    var hostAndPort: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "\(name):\(port ?? (scheme == "https" ? 443 : 80))"
    }

    /// The first page of `resource`.
    func firstPage(of resource: String, limit: Int) -> URL {
        url(path: PexipResource.apiPath + resource + "/", query: "limit=\(limit)&offset=0")!
    }

    /// The page a `meta.next` URI names (relative, as the API writes it; an absolute one has its host ignored), or
    /// nil when it is not a configuration API path.
    func page(named next: String) -> URL? {
        guard let reference = URLComponents(string: next), reference.percentEncodedPath.hasPrefix(PexipResource.apiPath) else { return nil }
        return url(path: reference.percentEncodedPath, query: reference.percentEncodedQuery)
    }

    /// `/api/admin/configuration/v1/conference/?limit=500&offset=0`, as messages name a request.
    func pathAndQuery(of url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    private func url(path: String, query: String?) -> URL? {
        var components = URLComponents()
        components.scheme = scheme
        if host.contains(":") { components.percentEncodedHost = "[\(host)]" } else { components.host = host }
        components.port = port
        components.percentEncodedPath = path
        components.percentEncodedQuery = query
        return components.url
    }
}
