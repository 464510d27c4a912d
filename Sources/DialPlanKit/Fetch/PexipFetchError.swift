import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why `dialplan fetch pexip` stopped: one case per failure, each with a one-line human message.
///
/// No message holds the password: none is built from the request's headers, and the address is written without
/// user information (the fetcher refuses an address that carries any).
public enum PexipFetchError: Error, Equatable, CustomStringConvertible {
    /// The Management Node's address cannot be used (`reason` says why, without repeating it when it holds
    /// credentials).
    case invalidAddress(String)
    /// The output directory cannot be used or written.
    case outputDirectory(path: String, reason: String)
    /// An existing directory with files in it, and no `force`.
    case outputDirectoryNotEmpty(path: String)
    /// No connection: refused, unreachable, DNS, a timeout, a connection dropped mid-answer.
    case connection(host: String, reason: String)
    /// A connection, but no complete answer within the request timeout.
    case timeout(host: String, path: String, seconds: Int)
    /// The server's certificate did not verify.
    case certificateVerification(host: String, reason: String)
    /// TLS failed for another reason (a plain HTTP port, a protocol mismatch).
    case tls(host: String, reason: String)
    /// HTTP 401: the user or password is wrong.
    case credentialsRejected(host: String, user: String)
    /// HTTP 403: the user may not read the resource.
    case forbidden(host: String, user: String, resource: String)
    /// HTTP 3xx: not followed, so that the credentials go nowhere else.
    case redirected(host: String, status: Int, location: String?)
    /// Any other HTTP status, with the first line of the body.
    case httpStatus(host: String, status: Int, path: String, firstLine: String)
    /// Every resource answered 404: not a Management Node.
    case notManagementAPI(host: String)
    /// A 200 answer that is not a Management API list envelope.
    case notAListEnvelope(path: String, reason: String)
    /// The pages do not chain up (`meta.next` loops, or names another API).
    case pagination(resource: String, reason: String)
    /// A page larger than the fetcher accepts.
    case pageTooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case .invalidAddress(let reason):
            return "the Management Node address \(reason)"
        case .outputDirectory(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .outputDirectoryNotEmpty(let path):
            return "\(path) exists and is not empty; give an empty or new directory, or --force to replace the resource files (*.json) a fetch writes there"
        case .connection(let host, let reason):
            return "cannot reach the Management Node \(host): \(reason)"
        case .timeout(let host, let path, let seconds):
            return "\(host) gave no complete answer to GET \(path) within \(seconds) s (request timeout)"
        case .certificateVerification(let host, let reason):
            return "the TLS certificate of \(host) does not verify (\(reason)); install a certificate the system trusts, or, for a lab system only, use --insecure to skip verification"
        case .tls(let host, let reason):
            return "TLS with \(host) failed: \(reason)"
        case .credentialsRejected(let host, let user):
            return "\(host) rejected the credentials of user '\(user)' (HTTP 401): check the user and the password"
        case .forbidden(let host, let user, let resource):
            return "\(host) does not let user '\(user)' read \(resource) (HTTP 403): the account needs read access to the configuration API"
        case .redirected(let host, let status, let location):
            return "\(host) redirected the request (HTTP \(status)\(location.map { " to \($0)" } ?? "")); redirects are not followed, so that the credentials go only where you say: give the Management Node's own address (https://…)"
        case .httpStatus(let host, let status, let path, let firstLine):
            return "\(host) answered GET \(path) with HTTP \(status)\(firstLine.isEmpty ? "" : ": \(firstLine)")"
        case .notManagementAPI(let host):
            return "\(host) has none of the Management API's configuration resources (HTTP 404 for each): is it the Management Node's address?"
        case .notAListEnvelope(let path, let reason):
            return "GET \(path): the answer is not a Management API list ({\"meta\": …, \"objects\": […]}): \(reason)"
        case .pagination(let resource, let reason):
            return "\(resource): \(reason)"
        case .pageTooLarge(let path, let limit):
            return "GET \(path): the answer is larger than \(limit / 1_048_576) MiB"
        }
    }
}

extension PexipFetchError {
    /// The failure a request to `host` (`mgr.example.com:443`) raised, in our words. `timeout` is the request's bound.
    static func classify(_ error: any Error, host: String, path: String, timeout: Int) -> PexipFetchError {
        if let error = error as? PexipFetchError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return .connection(host: host, reason: "no connection within \(PexipFetcher.connectTimeoutSeconds) s (connect timeout)")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timeout(host: host, path: path, seconds: timeout)
            case .tlsHandshakeTimeout:
                return .connection(host: host, reason: "no TLS handshake within \(PexipFetcher.connectTimeoutSeconds) s")
            case .remoteConnectionClosed:
                return .connection(host: host, reason: "the server closed the connection during GET \(path)")
            default:
                return .connection(host: host, reason: String(describing: error))
            }
        }
        if error is NIOTooManyBytesError { return .pageTooLarge(path: path, limit: PexipFetcher.maximumPageBytes) }
        if let error = error as? NIOConnectionError {
            if let failure = error.connectionErrors.first {
                return classify(failure.error, host: host, path: path, timeout: timeout)
            }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return classify(dns, host: host, path: path, timeout: timeout) }
            return .connection(host: host, reason: "no address to connect to")
        }
        if let error = error as? SocketAddressError.UnknownHost {
            return .connection(host: host, reason: "\(error.host) does not resolve (DNS: \(error.errorDescription.lowercased()))")
        }
        if error is SocketAddressError {
            return .connection(host: host, reason: "the name does not resolve (DNS)")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return .connection(host: host, reason: "connection refused (nothing listens on that port, or a firewall rejects it)")
            case EHOSTUNREACH, ENETUNREACH: return .connection(host: host, reason: "no route to the host")
            case ECONNRESET: return .connection(host: host, reason: "the connection was reset during GET \(path)")
            case ETIMEDOUT: return .connection(host: host, reason: "the connection timed out")
            default: return .connection(host: host, reason: String(describing: error))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .connection(host: host, reason: "no connection within \(PexipFetcher.connectTimeoutSeconds) s (connect timeout)")
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return .certificateVerification(host: host, reason: "the certificate does not name \(host.hostPart)")
        }
        if let error = error as? NIOSSLError {
            let text: String
            if case .handshakeFailed(let inner) = error { text = String(describing: inner) } else { text = String(describing: error) }
            if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
                return .certificateVerification(host: host, reason: "an unknown or self-signed issuer, or an expired certificate")
            }
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
                return .tls(host: host, reason: "the server does not speak TLS on that port (an http:// address?)")
            }
            return .tls(host: host, reason: text)
        }
        return .connection(host: host, reason: String(describing: error))
    }
}

extension String {
    /// `mgr.example.com` of `mgr.example.com:8443`, `fd00::1` of `[fd00::1]:443`.
    fileprivate var hostPart: String {
        if hasPrefix("["), let end = firstIndex(of: "]") { return String(self[index(after: startIndex)..<end]) }
        return split(separator: ":").first.map(String.init) ?? self
    }
}
