import Foundation

/// What the fetcher needs of one list page, `{"meta": {"limit", "next", "offset", "previous", "total_count"},
/// "objects": […]}`: how many objects it holds and where the next page is. The page is written as received; this
/// only checks it. [P4] [P5] (../shared/EXPORTS.md §1.1)
struct ManagementAPIPage {
    var objectCount: Int
    var offset: Int?
    var totalCount: Int?
    /// `meta.next`: nil on the last page (null, or no key at all when the server's limit is 0).
    var next: String?

    init(parsing data: Data, path: String) throws(PexipFetchError) {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw .notAListEnvelope(path: path, reason: data.isEmpty ? "the body is empty" : "it is not JSON (it starts '\(Self.firstLine(of: data))')")
        }
        guard let envelope = json as? [String: Any] else {
            let kind = json is [Any] ? "a JSON array" : "a single JSON value"
            throw .notAListEnvelope(path: path, reason: "it is \(kind)")
        }
        guard let objects = envelope["objects"] as? [Any], let meta = envelope["meta"] as? [String: Any] else {
            let keys = envelope.keys.sorted().prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            throw .notAListEnvelope(path: path, reason: envelope.isEmpty ? "it is an empty object" : "it has \(keys) but not both 'meta' (an object) and 'objects' (an array)")
        }
        func integer(_ key: String) -> Int? { (meta[key] as? NSNumber)?.intValue }
        objectCount = objects.count
        offset = integer("offset")
        totalCount = integer("total_count")
        switch meta["next"] {
        case nil, is NSNull: next = nil
        case let uri as String: next = uri.isEmpty ? nil : uri
        default: throw .notAListEnvelope(path: path, reason: "its meta.next is neither a URI nor null")
        }
    }

    /// The first line of a body, shortened, for messages (an HTML error page, a proxy's notice).
    static func firstLine(of data: Data, limit: Int = 100) -> String {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? ""
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}
