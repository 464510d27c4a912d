// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dialplan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dialplan", targets: ["dialplan"]),
        .library(name: "DialPlanKit", targets: ["DialPlanKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // PCRE2 (8-bit code units) from the system: `apt-get install libpcre2-dev pkg-config`.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(
            name: "DialPlanKit",
            dependencies: ["CPCRE2", .product(name: "Yams", package: "Yams")],
            // DialPlans/acme, linked file by file, compiled into the binary (see BundledSample.swift).
            resources: [.embedInCode("Samples")]
        ),
        .executableTarget(
            name: "dialplan",
            dependencies: ["DialPlanKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Speed and memory figures on a synthetic global plan: `swift run -c release dialplan-bench`.
        .executableTarget(
            name: "dialplan-bench",
            dependencies: ["DialPlanKit"],
            path: "Benchmarks/DialPlanBenchmarks"
        ),
        .testTarget(
            name: "DialPlanKitTests",
            dependencies: ["DialPlanKit"]
        ),
    ]
)
