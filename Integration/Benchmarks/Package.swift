// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so the library keeps zero dependencies. They compare
// ClaudeTrace with swift-otel, the best Swift peer, on the same workloads in the same run.
// Run everything (builds in release, starts a collector): ./run.sh
// Or one workload: swift run -c release benchmarks workload W1 --library claude-trace
let package = Package(
    name: "claude-trace-benchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "benchmarks", targets: ["benchmarks"]),
        // Preloaded (LD_PRELOAD) into the refcount steps only: counts swift_retain and
        // swift_release in front of the Swift runtime.
        .library(name: "RefCountCounter", type: .dynamic, targets: ["RefCountCounter"]),
    ],
    dependencies: [
        .package(name: "claude-trace", path: "../.."),
        // ClaudeTrace as a swift-distributed-tracing backend (W1b-sdt).
        .package(name: "claude-trace-tracing", path: "../Tracing"),
        // The peer, at the version the figures in docs/benchmarks.md were taken with. Only its
        // OTLP/HTTP exporter is built (the gRPC one is not compared).
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // For swift-otel's bootstrap: its service runs in a ServiceGroup, its diagnostics (where
        // it reports dropped spans) go to a swift-log handler.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "RefCountCounter", path: "Sources/RefCountCounter"),
        // malloc, calloc, realloc and friends, counted, in front of glibc's allocator.
        .target(name: "CountingAllocator", path: "Sources/CountingAllocator"),
        // Timing, memory, the result format, a minimal HTTP client and the discarding exporter.
        .target(name: "BenchmarkSupport", dependencies: ["CountingAllocator"], path: "Sources/BenchmarkSupport"),
        // The workloads written against swift-distributed-tracing, run by both backends.
        .target(
            name: "TracingWorkloads",
            dependencies: ["BenchmarkSupport", .product(name: "Tracing", package: "swift-distributed-tracing")],
            path: "Sources/TracingWorkloads"),
        .target(
            name: "ClaudeTraceWorkloads",
            dependencies: [
                "BenchmarkSupport",
                "TracingWorkloads",
                .product(name: "ClaudeTrace", package: "claude-trace"),
                .product(name: "ClaudeTraceTracing", package: "claude-trace-tracing"),
            ],
            path: "Sources/ClaudeTraceWorkloads"),
        .target(
            name: "SwiftOTelWorkloads",
            dependencies: [
                "BenchmarkSupport",
                "TracingWorkloads",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/SwiftOTelWorkloads"),
        .executableTarget(
            name: "benchmarks",
            dependencies: ["BenchmarkSupport", "ClaudeTraceWorkloads", "SwiftOTelWorkloads"],
            path: "Sources/Benchmarks"),
    ],
    swiftLanguageModes: [.v6]
)
