import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

private let scope = InstrumentationScope(name: "claude-trace.claude", version: "0.1.0")

@Suite("Prometheus exposition")
struct PrometheusTests {
    private func provider() -> MeterProvider {
        let provider = MeterProvider(resource: Resource(attributes: ["service.name": "bot"]))
        let attributes = MetricAttributes(["gen_ai.request.model": "claude-\"x\"\nmodel", "server.port": 443])
        provider.counter("claude.client.errors", unit: "{error}", description: "Failed calls.", scope: scope).add(2, attributes: attributes)
        provider.counter("claude.client.cost", unit: "USD", scope: scope, scale: 1e-12).add(250_000_000_000, attributes: attributes)
        let histogram = provider.histogram("gen_ai.client.operation.duration", unit: "s", boundaries: [0.1, 1], scope: scope)
        for value in [0.05, 0.5, 0.7, 3] { histogram.record(value, attributes: attributes) }
        return provider
    }

    @Test("names follow the OpenTelemetry Prometheus rules: dots to underscores, unit suffixes, _total for counters")
    func names() {
        #expect(PrometheusText.metricName("gen_ai.client.operation.duration", unit: "s") == "gen_ai_client_operation_duration_seconds")
        #expect(PrometheusText.metricName("gen_ai.client.token.usage", unit: "{token}") == "gen_ai_client_token_usage")
        #expect(PrometheusText.metricName("claude.client.cost", unit: "USD") == "claude_client_cost_USD")
        let text = provider().prometheusText()
        #expect(text.contains("# TYPE claude_client_errors_total counter\n"))
        #expect(text.contains("# TYPE claude_client_cost_USD_total counter\n"))
        #expect(text.contains("# TYPE gen_ai_client_operation_duration_seconds histogram\n"))
        #expect(text.contains("# HELP claude_client_errors_total Failed calls.\n"))
    }

    @Test("histogram buckets are cumulative up to +Inf, with _sum and _count; label values are escaped")
    func histogram() {
        let text = provider().prometheusText()
        let labels = #"gen_ai_request_model="claude-\"x\"\nmodel",server_port="443",otel_scope_name="claude-trace.claude",otel_scope_version="0.1.0""#
        #expect(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"0.1\"} 1\n"))
        #expect(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"1.0\"} 3\n"))
        #expect(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"+Inf\"} 4\n"))
        #expect(text.contains("gen_ai_client_operation_duration_seconds_count{\(labels)} 4\n"))
        #expect(text.contains("gen_ai_client_operation_duration_seconds_sum{\(labels)} 4.25\n"))
        #expect(text.contains("claude_client_cost_USD_total{\(labels)} 0.25\n"))
        #expect(text.contains("target_info{service_name=\"bot\"} 1\n"))
    }

    @Test("the listener serves GET /metrics on 127.0.0.1 and answers 404 otherwise")
    func listener() async throws {
        let provider = provider()
        let listener = try PrometheusListener(provider: provider, port: 0)
        defer { listener.stop() }
        #expect(listener.url.hasPrefix("http://127.0.0.1:"))
        let (body, response) = try await URLSession.shared.data(from: URL(string: listener.url)!)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type") == PrometheusText.contentType)
        #expect(String(decoding: body, as: UTF8.self).contains("claude_client_errors_total"))
        let (_, missing) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listener.port)/other")!)
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)
    }

    @Test("Telemetry starts the listener when asked, on its meter provider, and shutdown stops it")
    func telemetryListener() async throws {
        let instance = try telemetry(["OTEL_TRACES_EXPORTER": "none"]) { $0.metrics = MetricsConfiguration(prometheusPort: 0) }
        let listener = try #require(instance.prometheusListener)
        let meters = try #require(instance.meterProvider)
        meters.counter("app.calls", unit: "{call}", scope: scope).add(7, attributes: .empty)
        let (body, _) = try await URLSession.shared.data(from: URL(string: listener.url)!)
        #expect(String(decoding: body, as: UTF8.self).contains("app_calls_total{otel_scope_name=\"claude-trace.claude\",otel_scope_version=\"0.1.0\"} 7\n"))
        #expect(await instance.shutdown())
        let fromEnvironment = try telemetry(["OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "0"])
        #expect(fromEnvironment.prometheusListener != nil && fromEnvironment.metricReaders.isEmpty)
        #expect(await fromEnvironment.shutdown())
    }
}
