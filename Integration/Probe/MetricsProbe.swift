import ClaudeTrace
import Foundation

let metricsCommands: [String: ProbeCommand] = ["metrics-serve": runMetricsServe]

/// `metrics-serve [--otlp URL] [--calls N]`: Claude calls to a simulated Claude with metrics on,
/// exported to the OTLP endpoint (if given) and served by the Prometheus listener on a free
/// 127.0.0.1 port; prints `{"url": …}` once the metrics are exported, serves until standard
/// input closes, then shuts down.
@Sendable func runMetricsServe(_ arguments: [String]) async throws {
    var options: [String: String] = [:]
    var index = 0
    while index + 1 < arguments.count {
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    let calls = Int(options["--calls"] ?? "") ?? 8
    let exporters: [MetricExporterChoice] = options["--otlp"].map { [.otlp(endpoint: $0)] } ?? []
    let telemetry = try Telemetry.bootstrap(TelemetryConfiguration(
        serviceName: "metrics-probe", exporters: [.none],
        metrics: MetricsConfiguration(exporters: exporters, prometheusPort: 0), environment: EnvironmentReader([:])))
    guard let listener = telemetry.prometheusListener else { throw OTLPProbeFailure(description: "the Prometheus listener did not start") }
    let simulator = SimulatedClaude(configuration: .init(seed: 3, timeScale: 0))
    let claude = ClaudeClient.simulated(simulator, retryPolicy: .none)
    for call in 0..<calls {
        let request = ClaudeMessageRequest(
            model: call % 3 == 0 ? "claude-haiku-4-5" : "claude-sonnet-4-6", maxTokens: 200, messages: [.user("Question number \(call)")])
        if call % 2 == 0 {
            _ = try await claude.createMessage(request, attribution: .init(feature: "probe"))
        } else {
            _ = try await claude.streamMessage(request, attribution: .init(feature: "probe")).finalMessage()
        }
    }
    simulator.script(.overloaded, model: "claude-sonnet-4-6")
    _ = try? await claude.createMessage(ClaudeMessageRequest(model: "claude-sonnet-4-6", maxTokens: 10, messages: [.user("fails")]))
    await telemetry.forceFlush()
    // Unbuffered, so the test reads the line while the probe waits.
    FileHandle.standardOutput.write(Data("{\"url\": \"\(listener.url)\"}\n".utf8))
    while readLine() != nil {}
    await telemetry.shutdown()
}

