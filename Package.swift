// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dialplan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dialplan", targets: ["dialplan"]),
        .library(name: "DialPlanKit", targets: ["DialPlanKit"]),
        .library(name: "PatternAutomata", targets: ["PatternAutomata"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `dialplan fetch pexip`: HTTPS to a Management Node; the tests serve its API with NIO's HTTP/1 server.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // PCRE2 (8-bit code units) from the system: `apt-get install libpcre2-dev pkg-config`.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // Dial-plan patterns as automata: the regular subset of PCRE2 parsed, language inclusion with witness aliases.
        // No dependencies, so that rule analysis and symbolic proofs can share it.
        .target(name: "PatternAutomata"),
        .target(
            name: "DialPlanKit",
            dependencies: [
                "CPCRE2", "PatternAutomata", .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
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
        // Fuzzing: `scripts/fuzz TARGET SECONDS` builds it with libFuzzer; built plainly it replays inputs.
        .executableTarget(
            name: "dialplan-fuzz",
            dependencies: ["DialPlanKit"],
            path: "Fuzz"
        ),
        .testTarget(
            name: "DialPlanKitTests",
            dependencies: [
                "DialPlanKit", "PatternAutomata", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
