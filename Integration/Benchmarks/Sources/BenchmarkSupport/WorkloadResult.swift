import Foundation

/// What one workload measured for one library: printed by the workload's process as a line
/// `RESULT {json}` and gathered by the driver.
public struct WorkloadResult: Codable, Sendable {
    /// `W1`, `W2a`, … or `floor`.
    public var workload: String
    /// `claude-trace`, `swift-otel`, `floor`, `foundation` or `collector`.
    public var library: String
    /// Figures by name, e.g. `ns_per_span`, `dropped`, `peak_rss_mb`.
    public var metrics: [String: Double]
    /// Anything a reader of the figures needs to know.
    public var notes: [String]

    public init(workload: String, library: String, metrics: [String: Double] = [:], notes: [String] = []) {
        self.workload = workload
        self.library = library
        self.metrics = metrics
        self.notes = notes
    }

    public static let linePrefix = "RESULT "

    /// Prints the result line the driver reads (stdout, flushed).
    public func emit() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        // Each line is written whole with one call, so a crash later cannot cut it short.
        FileHandle.standardOutput.write(Data((Self.linePrefix + String(decoding: data, as: UTF8.self) + "\n").utf8))
    }

    public static func parse(line: Substring) -> WorkloadResult? {
        guard line.hasPrefix(linePrefix) else { return nil }
        return try? JSONDecoder().decode(WorkloadResult.self, from: Data(line.dropFirst(linePrefix.count).utf8))
    }
}

/// Command-line options: `--name value` pairs and bare `--flags`.
public struct Options: Sendable {
    public let arguments: [String]

    public init(_ arguments: [String]) { self.arguments = arguments }

    public func string(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    public func int(_ name: String, default value: Int) -> Int { string(name).flatMap { Int($0) } ?? value }
    public func double(_ name: String, default value: Double) -> Double { string(name).flatMap { Double($0) } ?? value }
    public func flag(_ name: String) -> Bool { arguments.contains(name) }
}

/// Where the collector for the W2 workloads listens and where it logs what it received.
public struct CollectorTarget: Sendable {
    /// `http://127.0.0.1:PORT/v1/traces`.
    public var endpoint: String
    /// The collector's log, which has one "Received traces … spans=N" line per batch it passed on.
    public var log: CollectorLog

    public init?(_ options: Options) {
        guard let endpoint = options.string("--collector"), let log = options.string("--collector-log") else { return nil }
        self.endpoint = endpoint
        self.log = CollectorLog(path: log)
    }

    /// Host and port of the endpoint (it is always `http://127.0.0.1:PORT/...` here).
    public var hostAndPort: (host: String, port: Int, path: String)? {
        guard let url = URL(string: endpoint), let host = url.host, let port = url.port else { return nil }
        return (host, port, url.path.isEmpty ? "/" : url.path)
    }
}
