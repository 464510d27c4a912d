import Foundation

/// A report written to a file (`--output`, `--junit`, `--write-baseline`): checked before any work is done, written
/// whole or not at all (a temporary file beside it, then a rename), never over an input and never into the plan's
/// directory, where the next load would read it.
public struct OutputFile: Sendable {
    /// The path as the user wrote it, for messages.
    public let path: String
    let resolved: String

    /// Why the file cannot be written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Checks `path` for `option` (`--output`): its directory exists, it is not a directory, not one of `inputs`
    /// and not inside one of `protectedDirectories` (the plan's).
    public init(_ path: String, option: String, inputs: [String], protectedDirectories: [String]) throws(Failure) {
        self.path = path
        resolved = OutputFile.resolved(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(message: "\(option) \(path) is a directory; give a file name")
        }
        let directory = (resolved as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(message: "\(option) \(path): the directory \((path as NSString).deletingLastPathComponent) does not exist")
        }
        if inputs.map(OutputFile.resolved).contains(resolved) {
            throw Failure(message: "\(option) \(path) would overwrite an input file")
        }
        for protected in protectedDirectories.map(OutputFile.resolved) where resolved.hasPrefix(protected + "/") {
            throw Failure(message: "\(option) \(path) is inside the plan directory, whose files the next run would load as the plan; write it elsewhere")
        }
    }

    /// Writes `text`: into a temporary file in the same directory, then renamed over the target, so a reader never
    /// sees half a report and a failed write leaves the old file.
    public func write(_ text: String) throws(Failure) {
        let directory = (resolved as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\((resolved as NSString).lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, resolved) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw Failure(message: "cannot write \(path): \(reason)")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(message: "cannot write \(path): \((error as NSError).localizedFailureReason ?? "permission denied or the disk is full")")
        }
    }

    /// A path made absolute, with `.`/`..` and symbolic links resolved (a file that does not exist yet: its
    /// directory resolved).
    public static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }

    /// The files a plan path stands for (a directory's entries, or the file).
    public static func planFiles(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { (path as NSString).appendingPathComponent($0) }
    }
}
