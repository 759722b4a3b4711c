// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser that reads bytes from a peer, in a package of their own so
// the library keeps zero dependencies and its own build flags. Each target is a
// `LLVMFuzzerTestOneInput` reaching the library's internal parsers through `@testable import`,
// so it only builds as run.sh builds it (debug, `-enable-testing`, `-sanitize=fuzzer,address`):
//   bash run.sh [seconds per target]
let package = Package(
    name: "claude-trace-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "claude-trace", path: "../.."),
    ],
    targets: [
        // libFuzzer's driver, declared for Swift.
        .target(name: "LibFuzzerDriver", path: "Sources/LibFuzzerDriver"),
        // Starts the driver; splits an input into a byte stream and the sizes of its pieces.
        .target(name: "FuzzSupport", dependencies: ["LibFuzzerDriver"], path: "Sources/FuzzSupport"),
        .executableTarget(
            name: "fuzz-http-response",
            dependencies: ["FuzzSupport", .product(name: "ClaudeTraceOTLP", package: "claude-trace")],
            path: "Sources/fuzz-http-response"),
        .executableTarget(
            name: "fuzz-sse",
            dependencies: ["FuzzSupport", .product(name: "ClaudeTrace", package: "claude-trace")],
            path: "Sources/fuzz-sse"),
        .executableTarget(
            name: "fuzz-otlp-json",
            dependencies: ["FuzzSupport", .product(name: "ClaudeTraceReport", package: "claude-trace")],
            path: "Sources/fuzz-otlp-json"),
        .executableTarget(
            name: "fuzz-claude-json",
            dependencies: ["FuzzSupport", .product(name: "ClaudeTrace", package: "claude-trace")],
            path: "Sources/fuzz-claude-json"),
        .executableTarget(
            name: "fuzz-trace-context",
            dependencies: ["FuzzSupport", .product(name: "ClaudeTraceCore", package: "claude-trace")],
            path: "Sources/fuzz-trace-context"),
        // Writes corpus/ from the library's own output (see its header); not a fuzz target.
        .executableTarget(
            name: "make-seeds",
            dependencies: [.product(name: "ClaudeTrace", package: "claude-trace"), .product(name: "ClaudeTraceOTLP", package: "claude-trace")],
            path: "Sources/make-seeds"),
    ],
    swiftLanguageModes: [.v6]
)
