import DialPlanKit
import Foundation

#if FUZZING
// Built by scripts/fuzz with -sanitize=fuzzer: libFuzzer calls this with every input it tries.
private let selected: @Sendable (Data) -> Void = {
    let name = ProcessInfo.processInfo.environment["DIALPLAN_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set DIALPLAN_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    selected(Data(bytes: bytes, count: count))
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; here it hands over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("dialplan_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in fuzzOne(bytes, size) }
}
#else
/// `dialplan-fuzz TARGET FILE…`: replays inputs through a fuzz target (a crash found by `scripts/fuzz`, say).
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("usage: dialplan-fuzz TARGET FILE… (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("dialplan-fuzz: cannot read \(path)\n".utf8))
                exit(2)
            }
            target(data)
        }
        print("\(name): \(arguments.count - 1) inputs, no crash")
    }
}
#endif
