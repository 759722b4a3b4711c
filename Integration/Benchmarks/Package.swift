// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so the library keeps zero dependencies.
// Run: swift run -c release benchmarks [--spans N] [--json FILE]
let package = Package(
    name: "claude-trace-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "claude-trace", path: "../..")],
    targets: [
        .executableTarget(
            name: "benchmarks",
            dependencies: [.product(name: "ClaudeTraceCore", package: "claude-trace")],
            path: "Sources/Benchmarks"),
    ],
    swiftLanguageModes: [.v6]
)
