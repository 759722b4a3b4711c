// swift-tools-version:6.2
import PackageDescription

// The library depends on the Swift toolchain alone: apps that already pin NIO, gRPC and
// friends can add us without a version conflict. Benchmarks and bridges to other packages
// live under Integration/, each with a Package.swift of its own.
let package = Package(
    name: "claude-trace",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ClaudeTrace", targets: ["ClaudeTrace"]),
        .library(name: "ClaudeTraceCore", targets: ["ClaudeTraceCore"]),
        .library(name: "ClaudeTraceOTLP", targets: ["ClaudeTraceOTLP"]),
        .library(name: "ClaudeTraceReport", targets: ["ClaudeTraceReport"]),
        .executable(name: "claude-trace", targets: ["claude-trace"]),
    ],
    targets: [
        .target(name: "ClaudeTraceCore"),
        .target(name: "ClaudeTraceOTLP", dependencies: ["ClaudeTraceCore"]),
        .target(name: "ClaudeTrace", dependencies: ["ClaudeTraceCore", "ClaudeTraceOTLP"]),
        .target(name: "ClaudeTraceReport", dependencies: ["ClaudeTrace"]),
        .executableTarget(name: "claude-trace", dependencies: ["ClaudeTrace", "ClaudeTraceReport"]),
        // Drives the library from the integration suite (Integration/tests); not a product.
        .executableTarget(name: "integration-probe", dependencies: ["ClaudeTrace"], path: "Integration/Probe"),
        .testTarget(name: "ClaudeTraceCoreTests", dependencies: ["ClaudeTraceCore"]),
        // Telemetry, which builds the OTLP pipeline from its configuration, lives in ClaudeTrace.
        .testTarget(name: "ClaudeTraceOTLPTests", dependencies: ["ClaudeTraceOTLP", "ClaudeTrace"]),
        .testTarget(name: "ClaudeTraceTests", dependencies: ["ClaudeTrace"]),
        .testTarget(name: "ClaudeTraceReportTests", dependencies: ["ClaudeTraceReport"]),
    ],
    swiftLanguageModes: [.v6]
)
