import Foundation

/// Reading an input file (a plan file, an export, a cases file, a baseline) whole, after checking its size: the
/// loader's time and memory grow linearly with a file (measured: about 4 µs and 14 bytes of memory per byte of a
/// YAML list, through libyaml's tree and the plan's), so a file beyond `maximumBytes` is refused before it is read
/// rather than read until the machine runs out of memory. The largest plan the analyzer targets (hundreds of sites,
/// 100,000 aliases) is a few MB of YAML, and a Management Node's JSON export of it some tens of MB.
enum InputFile {
    static let maximumBytes = 128 << 20

    /// The bytes of the file at `path`; a file that cannot be read is an error `unreadable` at `location`, one
    /// beyond `maximumBytes` an error saying so, at the file itself.
    static func read(_ path: String, unreadable: String, at location: SourceLocation, maximumBytes: Int = maximumBytes) throws(PlanLoadError) -> Data {
        func tooLarge(_ bytes: Int?) -> PlanLoadError {
            let size = bytes.map { "\(megabytes($0)) (\($0) bytes)" } ?? "more than \(megabytes(maximumBytes))"
            return PlanLoadError([Diagnostic(
                .error, "the file is \(size); the analyzer reads files of up to \(megabytes(maximumBytes)) (\(maximumBytes) bytes; a plan of 100,000 aliases is a few MB)",
                at: SourceLocation(file: path, line: 1, column: 1))])
        }
        // One descriptor, so that a symbolic link is measured as what it points to, and a pipe or a device (which
        // report no size) is read up to one byte past the limit, never further.
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PlanLoadError([Diagnostic(.error, unreadable, at: location)]) }
        defer { try? handle.close() }
        var status = stat()
        if fstat(handle.fileDescriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) > maximumBytes {
            throw tooLarge(Int(status.st_size))
        }
        let data: Data
        do { data = try handle.read(upToCount: maximumBytes + 1) ?? Data() } catch { throw PlanLoadError([Diagnostic(.error, unreadable, at: location)]) }
        // A file that grew meanwhile, or a pipe.
        guard data.count <= maximumBytes else { throw tooLarge(nil) }
        return data
    }

    private static func megabytes(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return bytes < 1 << 10 ? "\(bytes) bytes" : "\(bytes >> 10) KB" }
        let value = Double(bytes) / Double(1 << 20)
        return value >= 10 ? "\(Int(value.rounded())) MB" : String(format: "%.1f MB", value)
    }
}
