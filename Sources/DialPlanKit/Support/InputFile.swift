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
        func tooLarge(_ bytes: Int) -> PlanLoadError {
            PlanLoadError([Diagnostic(
                .error, "the file is \(megabytes(bytes)); the analyzer reads files of up to \(megabytes(maximumBytes)) (a plan of 100,000 aliases is a few MB)",
                at: SourceLocation(file: path, line: 1, column: 1))])
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > maximumBytes {
            throw tooLarge(size.intValue)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw PlanLoadError([Diagnostic(.error, unreadable, at: location)]) }
        // A file that grew meanwhile (or a device that reports no size) is measured again once read.
        guard data.count <= maximumBytes else { throw tooLarge(data.count) }
        return data
    }

    private static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / Double(1 << 20)
        return value >= 10 ? "\(Int(value.rounded())) MB" : String(format: "%.1f MB", value)
    }
}
