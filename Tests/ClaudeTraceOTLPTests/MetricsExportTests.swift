import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

private let scope = InstrumentationScope(name: "claude-trace.claude", version: "0.1.0")

/// A provider holding one counter, one scaled counter and one histogram with known values.
private func sampleProvider() -> MeterProvider {
    let provider = MeterProvider(resource: Resource(attributes: ["service.name": "metrics-tests"]))
    let attributes = MetricAttributes(["gen_ai.request.model": "claude-sonnet-4-6", "server.port": 443])
    provider.counter("claude.client.errors", unit: "{error}", description: "Failed calls.", scope: scope).add(3, attributes: attributes)
    provider.counter("claude.client.cost", unit: "USD", scope: scope, scale: 1e-12).add(1_500_000_000, attributes: attributes)
    let histogram = provider.histogram("gen_ai.client.operation.duration", unit: "s", description: "GenAI operation duration.", boundaries: [0.01, 0.02, 0.04], scope: scope)
    for value in [0.005, 0.02, 0.5] { histogram.record(value, attributes: attributes) }
    return provider
}

/// Fields of one protobuf message: number → values (varints as UInt64, fixed64 as UInt64,
/// length-delimited as bytes), in order.
private func fields(_ bytes: ArraySlice<UInt8>) throws -> [UInt32: [Any]] {
    var result: [UInt32: [Any]] = [:]
    var index = bytes.startIndex
    func varint() throws -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex else { throw ProtobufDecodingError(description: "truncated varint") }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
    while index < bytes.endIndex {
        let tag = try varint()
        let field = UInt32(tag >> 3)
        switch tag & 7 {
        case 0: result[field, default: []].append(try varint())
        case 1:
            guard bytes.endIndex - index >= 8 else { throw ProtobufDecodingError(description: "truncated fixed64") }
            var value: UInt64 = 0
            for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
            index += 8
            result[field, default: []].append(value)
        case 2:
            let length = Int(try varint())
            guard bytes.endIndex - index >= length else { throw ProtobufDecodingError(description: "truncated bytes") }
            result[field, default: []].append(bytes[index..<(index + length)])
            index += length
        default: throw ProtobufDecodingError(description: "unexpected wire type \(tag & 7)")
        }
    }
    return result
}

private func message(_ value: Any?) throws -> [UInt32: [Any]] {
    try fields(try #require(value as? ArraySlice<UInt8>))
}

private func string(_ value: Any?) -> String? {
    (value as? ArraySlice<UInt8>).map { String(decoding: $0, as: UTF8.self) }
}

private func packedFixed64(_ value: Any?) -> [UInt64] {
    guard let bytes = value as? ArraySlice<UInt8> else { return [] }
    return stride(from: bytes.startIndex, to: bytes.endIndex, by: 8).map { start in
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) }
    }
}

@Suite("Metrics export")
struct MetricsExportTests {
    @Test("the protobuf encoding has opentelemetry-proto's field numbers and types")
    func protobufFields() throws {
        let batch = sampleProvider().collect()
        let request = try fields(OTLPProtobufEncoder().encode(batch)[...])
        let resourceMetrics = try message(request[1]?.first)
        let resource = try message(resourceMetrics[1]?.first)
        #expect(resource[1]?.count == 1, "one resource attribute")
        let scopeMetrics = try message(resourceMetrics[2]?.first)
        let scopeMessage = try message(scopeMetrics[1]?.first)
        #expect(string(scopeMessage[1]?.first) == "claude-trace.claude" && string(scopeMessage[2]?.first) == "0.1.0")
        let metrics = try (scopeMetrics[2] ?? []).map { try message($0) }
        #expect(metrics.compactMap { string($0[1]?.first) } == ["claude.client.errors", "claude.client.cost", "gen_ai.client.operation.duration"])

        let errors = try message(metrics[0][7]?.first)  // Metric.sum = 7
        #expect(string(metrics[0][2]?.first) == "Failed calls." && string(metrics[0][3]?.first) == "{error}")
        #expect(errors[2]?.first as? UInt64 == 2, "cumulative")
        #expect(errors[3]?.first as? UInt64 == 1, "monotonic")
        let errorPoint = try message(errors[1]?.first)
        #expect(errorPoint[6]?.first as? UInt64 == 3, "as_int = 6, sfixed64")
        #expect(errorPoint[7]?.count == 2, "attributes = 7")
        #expect((errorPoint[3]?.first as? UInt64 ?? 0) >= (errorPoint[2]?.first as? UInt64 ?? .max))

        let costPoint = try message(try message(metrics[1][7]?.first)[1]?.first)
        #expect((costPoint[4]?.first as? UInt64).map { Double(bitPattern: $0) } == 1_500_000_000 * 1e-12, "as_double = 4")

        let histogram = try message(metrics[2][9]?.first)  // Metric.histogram = 9
        #expect(histogram[2]?.first as? UInt64 == 2)
        let point = try message(histogram[1]?.first)
        #expect(point[4]?.first as? UInt64 == 3, "count = 4, fixed64")
        #expect((point[5]?.first as? UInt64).map { Double(bitPattern: $0) } == 0.525, "sum = 5")
        #expect(packedFixed64(point[6]?.first) == [1, 1, 0, 1], "bucket_counts = 6, packed fixed64")
        #expect(packedFixed64(point[7]?.first).map { Double(bitPattern: $0) } == [0.01, 0.02, 0.04], "explicit_bounds = 7, packed double")
        #expect(point[9]?.count == 2, "attributes = 9")
        #expect((point[11]?.first as? UInt64).map { Double(bitPattern: $0) } == 0.005, "min = 11")
        #expect((point[12]?.first as? UInt64).map { Double(bitPattern: $0) } == 0.5, "max = 12")
    }

    @Test("the JSON encoding writes timestamps as strings, counts as numbers (rotel reads nothing else), the temporality as an integer")
    func json() throws {
        let object = try parseObject(OTLPJSONEncoder().encode(sampleProvider().collect()))
        let metrics = object.array("resourceMetrics").first?.array("scopeMetrics").first?.array("metrics") ?? []
        #expect(metrics.count == 3)
        let errors = try #require(metrics.first?.object("sum"))
        #expect(errors["aggregationTemporality"] as? Int == 2 && errors["isMonotonic"] as? Bool == true)
        #expect(errors.array("dataPoints").first?["asInt"] as? Int == 3)
        #expect(errors.array("dataPoints").first?["timeUnixNano"] is String)
        let point = try #require(metrics.last?.object("histogram")?.array("dataPoints").first)
        #expect(point["count"] as? Int == 3)
        #expect(point["bucketCounts"] as? [Int] == [1, 1, 0, 1])
        #expect(exactDouble((point["explicitBounds"] as? [Any])?.last) == 0.04)
        #expect(exactDouble(point["max"]) == 0.5)
        #expect(metrics[1].object("sum")?.array("dataPoints").first.map { exactDouble($0["asDouble"]) } == 1_500_000_000 * 1e-12)
    }

    @Test("metrics are POSTed to /v1/metrics, and a 503 is retried like a span export")
    func httpExport() async throws {
        let server = try TestHTTPServer { _, index in index == 0 ? .respond(.init(status: 503)) : .respond(.ok) }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = OTLPMetricExporter(configuration: OTLPHTTPExporterConfiguration(
            endpoint: "http://127.0.0.1:\(server.port)/v1/metrics", headers: ["x-tenant": "t"], timeout: .seconds(3600), protocol: .httpJSON,
            retry: OTLPRetryPolicy(initialBackoff: .seconds(1), jitter: 0)), clock: clock)
        let batch = sampleProvider().collect()
        async let result = exporter.export(batch)
        await clock.waitForSleeper(until: start + .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(await result == .success)
        #expect(server.requests.count == 2)
        let request = try #require(server.requests.last)
        #expect(request.path == "/v1/metrics" && request.headers["content-type"] == "application/json")
        #expect(request.headers["x-tenant"] == "t")
        #expect(request.body == OTLPJSONEncoder().encode(batch))
        #expect(exporter.statistics.retries == 1 && exporter.statistics.exportedSpans == batch.pointCount)
        await exporter.shutdown()
    }

    @Test("with the collector down, exports fail without throwing, the failed data points are counted, and the next export carries the totals")
    func collectorDown() async throws {
        let provider = sampleProvider()
        // Two attempts, the second at once (a first refused connection is resent without a
        // wait); the clock never moves, so a loaded machine cannot time them out.
        let exporter = OTLPMetricExporter(configuration: OTLPHTTPExporterConfiguration(
            endpoint: "http://127.0.0.1:\(TestHTTPServer.closedPort())/v1/metrics", timeout: .seconds(10),
            retry: OTLPRetryPolicy(maxAttempts: 2, initialBackoff: .seconds(1))), clock: ManualClock())
        let reader = PeriodicMetricReader(provider: provider, exporter: exporter, configuration: .init(interval: .seconds(3600)))
        #expect(await reader.forceFlush() == .failure)
        #expect(await reader.forceFlush() == .failure)
        #expect(reader.statistics.failedExports == 2)
        #expect(reader.statistics.failedDataPoints == 2 * provider.collect().pointCount)
        #expect(exporter.statistics.failedSpans == 2 * provider.collect().pointCount)
        await reader.shutdown()
    }

    @Test("the metrics endpoint and settings come from OTEL_EXPORTER_OTLP_METRICS_* over OTEL_EXPORTER_OTLP_*")
    func environment() {
        let base = OTLPMetricExporter.configurationFromEnvironment(EnvironmentReader([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
        ]))
        #expect(base.endpoint == "http://collector:4318/v1/metrics" && base.protocol == .httpJSON)
        let specific = OTLPMetricExporter.configurationFromEnvironment(EnvironmentReader([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://m:9000/custom",
            "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT": "1500", "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "api-key=k",
        ]))
        #expect(specific.endpoint == "http://m:9000/custom" && specific.timeout == .milliseconds(1500))
        #expect(specific.headers == ["api-key": "k"])
        #expect(OTLPMetricExporter.configurationFromEnvironment(EnvironmentReader([:])).endpoint == OTLPMetricExporter.defaultEndpoint)
        #expect(OTLPMetricExporter.temporalityFromEnvironment(EnvironmentReader([:])) == .cumulative)
        #expect(OTLPMetricExporter.temporalityFromEnvironment(EnvironmentReader(["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "Delta"])) == .delta)
    }

    @Test("bootstrap wires metrics when an OTLP endpoint is set, and not otherwise")
    func bootstrapWiring() throws {
        let off = try telemetry(["OTEL_TRACES_EXPORTER": "none"])
        #expect(off.meterProvider == nil && off.metricReaders.isEmpty)
        let on = try telemetry(["OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"])
        #expect(on.meterProvider != nil)
        #expect((on.metricReaders.first?.exporter as? OTLPMetricExporter)?.configuration.endpoint == "http://127.0.0.1:1/v1/metrics")
        let fromCode = try telemetry([:]) { $0.exporters = [.otlp(endpoint: "http://127.0.0.1:1/v1/traces")] }
        #expect((fromCode.metricReaders.first?.exporter as? OTLPMetricExporter)?.configuration.endpoint == "http://127.0.0.1:1/v1/metrics")
        let none = try telemetry(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_METRICS_EXPORTER": "none"])
        #expect(none.meterProvider == nil)
        let interval = try telemetry(["OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "otlp", "OTEL_METRIC_EXPORT_INTERVAL": "250"])
        #expect(interval.metricReaders.first?.configuration.interval == .milliseconds(250))
    }

    @Test("the metrics file exporter writes one ExportMetricsServiceRequest per line")
    func fileExport() async throws {
        let path = try temporaryDirectory() + "/metrics.jsonl"
        let provider = sampleProvider()
        let reader = PeriodicMetricReader(provider: provider, exporter: OTLPFileExporter(path: path), configuration: .init(interval: .seconds(3600)))
        #expect(await reader.forceFlush() == .success)
        await reader.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try parseObject(Array(lines[0].utf8))
        #expect(first.array("resourceMetrics").first?.array("scopeMetrics").first?.array("metrics").count == 3)
    }
}
