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
        fuzzTarget("fuzz-http-response", parsing: "ClaudeTraceOTLP"),
        fuzzTarget("fuzz-sse", parsing: "ClaudeTrace"),
        fuzzTarget("fuzz-otlp-json", parsing: "ClaudeTraceReport"),
        fuzzTarget("fuzz-claude-json", parsing: "ClaudeTrace"),
        fuzzTarget("fuzz-trace-context", parsing: "ClaudeTraceCore"),
        // Writes corpus/ from the library's own output (see its header); not a fuzz target.
        .executableTarget(
            name: "make-seeds",
            dependencies: [.product(name: "ClaudeTrace", package: "claude-trace"), .product(name: "ClaudeTraceOTLP", package: "claude-trace")],
            path: "Sources/make-seeds"),
    ],
    swiftLanguageModes: [.v6]
)

/// A fuzz target in Sources/NAME that reaches its parser through `@testable import PRODUCT`.
func fuzzTarget(_ name: String, parsing product: String) -> Target {
    .executableTarget(
        name: name, dependencies: ["FuzzSupport", .product(name: product, package: "claude-trace")], path: "Sources/\(name)")
}
