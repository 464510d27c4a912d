import Foundation

/// The directory a fetch writes: pages are staged in a hidden directory inside it and moved into place only when
/// every resource has been read, so that a failed or interrupted fetch leaves the directory as it was (the importer
/// skips hidden entries, and a later fetch clears stale staging directories).
struct ExportDirectory {
    let path: String
    let staging: String
    /// Whether the fetch created `path` (and so removes it again when it fails).
    let created: Bool

    static let stagingPrefix = ".dialplan-fetch-"

    /// Checks `path` without changing anything: a directory, or nothing yet. An existing directory must be empty
    /// (staging left by an interrupted fetch does not count) unless `force`.
    static func check(path: String, force: Bool) throws(PexipFetchError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw .outputDirectory(path: path, reason: "it is a file, not a directory") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw .outputDirectory(path: path, reason: "cannot list it (\(error.localizedDescription))")
        }
        if !force, names.contains(where: { !$0.hasPrefix(Self.stagingPrefix) }) { throw .outputDirectoryNotEmpty(path: path) }
    }

    /// Checks `path` (see `check`), creates it when missing, and a staging directory inside it.
    init(path: String, force: Bool) throws(PexipFetchError) {
        let manager = FileManager.default
        try Self.check(path: path, force: force)
        var created = false
        if !manager.fileExists(atPath: path) {
            do { try manager.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .outputDirectory(path: path, reason: "cannot create it (\(error.localizedDescription))")
            }
            created = true
        }
        let staging = (path as NSString).appendingPathComponent(Self.stagingPrefix + UUID().uuidString)
        do { try manager.createDirectory(atPath: staging, withIntermediateDirectories: false) } catch {
            if created { try? manager.removeItem(atPath: path) }
            throw .outputDirectory(path: path, reason: "cannot create files in it (\(error.localizedDescription))")
        }
        self.path = path
        self.staging = staging
        self.created = created
    }

    /// Stages one page, exactly the bytes received.
    func write(_ data: Data, named name: String) throws(PexipFetchError) {
        let file = (staging as NSString).appendingPathComponent(name)
        do { try data.write(to: URL(fileURLWithPath: file)) } catch {
            throw .outputDirectory(path: path, reason: "cannot write \(name) (\(error.localizedDescription))")
        }
    }

    /// Replaces the resource files of an earlier fetch (and only those) with the staged ones; returns the paths
    /// written, in name order.
    func commit() throws(PexipFetchError) -> [String] {
        let manager = FileManager.default
        do {
            for name in try manager.contentsOfDirectory(atPath: path) where Self.isResourceFile(name) {
                try manager.removeItem(atPath: (path as NSString).appendingPathComponent(name))
            }
            var written: [String] = []
            for name in try manager.contentsOfDirectory(atPath: staging).sorted() {
                let destination = (path as NSString).appendingPathComponent(name)
                try manager.moveItem(atPath: (staging as NSString).appendingPathComponent(name), toPath: destination)
                written.append(destination)
            }
            try manager.removeItem(atPath: staging)
            for name in try manager.contentsOfDirectory(atPath: path) where name.hasPrefix(Self.stagingPrefix) {
                try? manager.removeItem(atPath: (path as NSString).appendingPathComponent(name))
            }
            return written
        } catch {
            throw .outputDirectory(path: path, reason: error.localizedDescription)
        }
    }

    /// Removes what the fetch staged, and the directory itself when the fetch created it.
    func abandon() {
        let manager = FileManager.default
        try? manager.removeItem(atPath: staging)
        if created, (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true { try? manager.removeItem(atPath: path) }
    }

    /// The file name of a page: `<resource>.json` for the first, `<resource>.<offset>.json` for later ones.
    static func fileName(resource: String, offset: Int?) -> String {
        offset.map { "\(resource).\($0).json" } ?? "\(resource).json"
    }

    /// Whether `name` is a page file a fetch writes (of any resource it reads).
    static func isResourceFile(_ name: String) -> Bool {
        guard name.hasSuffix(".json") else { return false }
        let parts = name.dropLast(5).split(separator: ".", omittingEmptySubsequences: false)
        guard let resource = parts.first, PexipResource(rawValue: String(resource)) != nil else { return false }
        switch parts.count {
        case 1: return true
        case 2: return !parts[1].isEmpty && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
        default: return false
        }
    }
}
