// swift-tools-version:6.1
import PackageDescription

// ClaudeTrace as a swift-distributed-tracing backend. A package of its own, so that the library
// keeps zero dependencies: apps that trace through swift-distributed-tracing (Hummingbird,
// Vapor, AsyncHTTPClient, PostgresNIO, gRPC Swift) add this one beside ClaudeTrace.
// Hummingbird and AsyncHTTPClient are only for the end-to-end app and its tests: a package that
// uses the ClaudeTraceTracing product does not fetch them.
let package = Package(
    name: "claude-trace-tracing",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ClaudeTraceTracing", targets: ["ClaudeTraceTracing"]),
    ],
    dependencies: [
        .package(name: "claude-trace", path: "../.."),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "ClaudeTraceTracing",
            dependencies: [
                .product(name: "ClaudeTraceCore", package: "claude-trace"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // A Hummingbird 2 app with its TracingMiddleware, a route that calls Claude and makes
        // one AsyncHTTPClient request: Integration/tests/test_distributed_tracing.py drives it.
        .executableTarget(
            name: "tracing-e2e",
            dependencies: [
                "ClaudeTraceTracing",
                .product(name: "ClaudeTrace", package: "claude-trace"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(
            name: "ClaudeTraceTracingTests",
            dependencies: ["ClaudeTraceTracing", .product(name: "ClaudeTrace", package: "claude-trace")]),
    ],
    swiftLanguageModes: [.v6]
)
