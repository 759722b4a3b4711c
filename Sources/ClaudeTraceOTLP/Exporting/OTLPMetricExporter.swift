import ClaudeTraceCore

/// Sends metrics to an OpenTelemetry collector over OTLP/HTTP: `ExportMetricsServiceRequest`
/// bodies POSTed to `/v1/metrics`, through the same machinery as ``OTLPHTTPExporter`` (its
/// headers, gzip, retries with back-off and `Retry-After`, timeout, partial success and
/// shutdown).
///
/// Configured by `OTEL_EXPORTER_OTLP_METRICS_*` over `OTEL_EXPORTER_OTLP_*`
/// (``OTLPMetricExporter/configurationFromEnvironment(_:)``), with
/// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` choosing the temporality.
public final class OTLPMetricExporter: MetricExporter {
    /// `http://localhost:4318/v1/metrics`.
    public static let defaultEndpoint = "http://localhost:4318/v1/metrics"

    /// The endpoint (the full metrics URL), headers, timeout, compression, protocol and retry policy in use.
    public let configuration: OTLPHTTPExporterConfiguration
    /// The temporality the reader hands points in.
    public let temporality: AggregationTemporality
    private let http: OTLPHTTPExporter
    private let encoding: any OTLPMetricEncoding

    /// An exporter for `configuration` (whose ``OTLPHTTPExporterConfiguration/endpoint`` is the
    /// full metrics URL), by default the one the environment describes. `clock` measures the
    /// timeout and the waits between attempts.
    public init(
        configuration: OTLPHTTPExporterConfiguration = OTLPMetricExporter.configurationFromEnvironment(),
        temporality: AggregationTemporality = .cumulative, clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.configuration = configuration
        self.temporality = temporality
        http = OTLPHTTPExporter(configuration: configuration, clock: clock)
        encoding = configuration.protocol.metricEncoding
    }

    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (as is), else `OTEL_EXPORTER_OTLP_ENDPOINT` +
    /// `v1/metrics`, else ``defaultEndpoint``; headers, timeout, compression and protocol from
    /// `OTEL_EXPORTER_OTLP_METRICS_*`, else `OTEL_EXPORTER_OTLP_*`.
    public static func configurationFromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> OTLPHTTPExporterConfiguration {
        OTLPHTTPExporterConfiguration.fromEnvironment(environment, signal: "METRICS", path: "v1/metrics")
    }

    /// `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`: `cumulative` (the default) or
    /// `delta` (every counter and histogram here is synchronous, so `lowmemory` means delta
    /// too). https://opentelemetry.io/docs/specs/otel/metrics/sdk_exporters/otlp/#additional-environment-variable-configuration
    public static func temporalityFromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> AggregationTemporality {
        switch environment.choice("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", ["cumulative", "delta", "lowmemory"]) {
        case "delta", "lowmemory": .delta
        default: .cumulative
        }
    }

    /// What the exporter has done so far: HTTP requests and retries, and data points (counted
    /// in the span-named fields of ``OTLPHTTPExporter/Statistics``: `exportedSpans` are
    /// exported data points, `rejectedSpans` rejected ones, `failedSpans` failed ones).
    public var statistics: OTLPHTTPExporter.Statistics { http.statistics }

    /// Sends the batch, retrying as the policy says, within the configured timeout.
    public func export(_ batch: MetricBatch) async -> ExportResult {
        guard !batch.metrics.isEmpty else { return .success }
        var body: [UInt8] = []
        encoding.encode(batch, into: &body)
        return await http.send(encoded: body, contentType: encoding.contentType, itemCount: batch.pointCount, noun: "data points")
            ? .success : .failure
    }

    /// Ends retries and requests in flight at once; later exports fail. Idempotent.
    public func shutdown() async {
        await http.shutdown()
    }
}
