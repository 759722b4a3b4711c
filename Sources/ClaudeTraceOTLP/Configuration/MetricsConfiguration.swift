import ClaudeTraceCore

/// How `Telemetry` (module ClaudeTrace) sets up metrics: where they go, how often, and how many series each
/// instrument keeps.
///
/// Metrics are on when an exporter is chosen in code or by `OTEL_METRICS_EXPORTER`, and
/// otherwise by default whenever an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, or a trace exporter `.otlp(endpoint:)` in code,
/// whose `/v1/traces` becomes `/v1/metrics`). With no exporter and no Prometheus listener no
/// meter provider is made, and Claude calls record nothing.
public struct MetricsConfiguration: Sendable {
    /// Where metrics go. `OTEL_METRICS_EXPORTER` (see ``MetricExporterChoice``); default as
    /// described above.
    public var exporters: [MetricExporterChoice]?
    /// Export interval and timeout. `OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_METRIC_EXPORT_TIMEOUT`
    /// (milliseconds); default 60 s and 30 s.
    public var reader: PeriodicMetricReader.Configuration?
    /// The most series one instrument keeps, its overflow series included. Code only; default
    /// 2000 (the specification's default).
    public var cardinalityLimit: Int
    /// A Prometheus `/metrics` listener on `127.0.0.1` at this port (0 picks a free one; see
    /// `Telemetry.prometheusListener`). `OTEL_METRICS_EXPORTER=prometheus` turns it on at
    /// `OTEL_EXPORTER_PROMETHEUS_PORT` (default 9464). Default off.
    public var prometheusPort: Int?

    /// A configuration; what is left nil comes from the environment.
    public init(
        exporters: [MetricExporterChoice]? = nil, reader: PeriodicMetricReader.Configuration? = nil,
        cardinalityLimit: Int = 2000, prometheusPort: Int? = nil
    ) {
        self.exporters = exporters
        self.reader = reader
        self.cardinalityLimit = cardinalityLimit
        self.prometheusPort = prometheusPort
    }
}

/// One metrics exporter for `Telemetry` to build, with a periodic reader in front.
///
/// From the environment, `OTEL_METRICS_EXPORTER` is a comma-separated list of:
///
/// | value | exporter |
/// |---|---|
/// | `otlp` | ``OTLPMetricExporter``, configured by `OTEL_EXPORTER_OTLP_METRICS_*` and `OTEL_EXPORTER_OTLP_*` |
/// | `otlp/file` | JSON Lines appended to `OTEL_EXPORTER_OTLP_METRICS_FILE_PATH` (default `metrics.jsonl`); our own name |
/// | `prometheus` | the `/metrics` listener on 127.0.0.1, port `OTEL_EXPORTER_PROMETHEUS_PORT` (default 9464) |
/// | `none` | no metrics |
public struct MetricExporterChoice: Sendable {
    package enum Kind: Sendable {
        case otlp(endpoint: String?, protocol: OTLPProtocol?, temporality: AggregationTemporality?, headers: [String: String]?)
        case file(String)
        case prometheus(port: Int)
        case none
        case custom(any MetricExporter)
    }

    package let kind: Kind

    /// OTLP/HTTP to `/v1/metrics`; each argument left nil comes from the environment.
    /// - Parameters:
    ///   - endpoint: the full metrics URL, e.g. `http://collector:4318/v1/metrics`.
    ///   - protocol: `.httpProtobuf` or `.httpJSON`.
    ///   - temporality: cumulative or delta sums and histograms.
    ///   - headers: extra HTTP headers, such as an authorization header.
    public static func otlp(
        endpoint: String? = nil, protocol: OTLPProtocol? = nil, temporality: AggregationTemporality? = nil,
        headers: [String: String]? = nil
    ) -> MetricExporterChoice {
        MetricExporterChoice(kind: .otlp(endpoint: endpoint, protocol: `protocol`, temporality: temporality, headers: headers))
    }

    /// OTLP-JSON Lines appended to the file at `path`, one `ExportMetricsServiceRequest` a line.
    public static func file(_ path: String) -> MetricExporterChoice { MetricExporterChoice(kind: .file(path)) }

    /// The Prometheus `/metrics` listener on 127.0.0.1 at `port`.
    public static func prometheus(port: Int = 9464) -> MetricExporterChoice { MetricExporterChoice(kind: .prometheus(port: port)) }

    /// No metrics.
    public static let none = MetricExporterChoice(kind: .none)

    /// An exporter of your own, behind a periodic reader.
    public static func custom(_ exporter: any MetricExporter) -> MetricExporterChoice { MetricExporterChoice(kind: .custom(exporter)) }

    /// The exporters `OTEL_METRICS_EXPORTER` names; nil when it is unset or names nothing usable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> [MetricExporterChoice]? {
        let variable = "OTEL_METRICS_EXPORTER"
        guard let raw = environment.string(variable) else { return nil }
        var choices: [MetricExporterChoice] = []
        var seen: Set<String> = []
        for item in raw.split(separator: ",") {
            let name = item.filter { $0 != " " && $0 != "\t" }.lowercased()
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            switch name {
            case "otlp": choices.append(.otlp())
            case "otlp/file": choices.append(.file(environment.string("OTEL_EXPORTER_OTLP_METRICS_FILE_PATH") ?? "metrics.jsonl"))
            case "prometheus": choices.append(.prometheus(port: environment.integer("OTEL_EXPORTER_PROMETHEUS_PORT") ?? 9464))
            case "none": return [.none]
            default:
                environment.invalid(variable, raw, "unknown metrics exporter \(name) (expected otlp, otlp/file, prometheus or none); ignoring it")
            }
        }
        return choices.isEmpty ? nil : choices
    }
}
