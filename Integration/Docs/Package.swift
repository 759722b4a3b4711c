// swift-tools-version:6.0
import PackageDescription

// Builds the DocC documentation of ClaudeTrace: `bash Integration/Docs/run.sh`. A package of its
// own, so that the library's manifest keeps zero dependencies (swift-docc-plugin is only needed
// by whoever builds the documentation). The catalog itself lives beside the code it documents,
// in Sources/ClaudeTrace/ClaudeTrace.docc.
let package = Package(
    name: "claude-trace-docs",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` makes "claude-trace" the name `.product(package:)` uses below, whatever the
        // checkout's folder is called (a path dependency's identity is its last path component).
        .package(name: "claude-trace", path: "../.."),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Only there so the plugin sees the library's targets: it documents the targets of this
        // package and those of the products they depend on directly (`--target ClaudeTrace`).
        .target(
            name: "ClaudeTraceDocs",
            dependencies: [
                .product(name: "ClaudeTrace", package: "claude-trace"),
                .product(name: "ClaudeTraceCore", package: "claude-trace"),
                .product(name: "ClaudeTraceOTLP", package: "claude-trace"),
                .product(name: "ClaudeTraceReport", package: "claude-trace"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
