import ClaudeTraceCore

/// Everything `Telemetry` (module ClaudeTrace) builds a tracer provider from.
///
/// A property left nil (or empty) takes its value from its `OTEL_*` variable, else the
/// default; a value set in code always wins over the environment. Invalid environment values
/// are reported through ``/ClaudeTraceCore/Diagnostics`` naming the variable, and the default applies.
/// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
public struct TelemetryConfiguration: Sendable {
    /// The `service.name` resource attribute. `OTEL_SERVICE_NAME` (which wins over a
    /// `service.name` in `OTEL_RESOURCE_ATTRIBUTES`); default `unknown_service:<process name>`.
    public var serviceName: String?
    /// More resource attributes; each key wins over the same key from the environment.
    /// `OTEL_RESOURCE_ATTRIBUTES` (`k1=v1,k2=v2`, percent-decoded); default none beyond the
    /// SDK's own `telemetry.sdk.*`.
    public var resourceAttributes: Attributes
    /// Where spans go, each exporter fed by its own processor. `OTEL_TRACES_EXPORTER` (see
    /// ``TraceExporterChoice``); default `[.otlp()]`.
    public var exporters: [TraceExporterChoice]?
    /// Which spans are recorded and exported. `OTEL_TRACES_SAMPLER` and
    /// `OTEL_TRACES_SAMPLER_ARG`; default `parentbased_always_on`.
    public var sampler: (any Sampler)?
    /// Extra processors (a monitor, say), called after the exporters' processors, in order.
    /// Code only; default none.
    public var processors: [any SpanProcessor]
    /// How the batch processors in front of the exporters batch. `OTEL_BSP_SCHEDULE_DELAY`,
    /// `OTEL_BSP_EXPORT_TIMEOUT`, `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`;
    /// default 5 s, 30 s, 2048, 512.
    public var batch: BatchSpanProcessor.Configuration?
    /// Attribute, event and link limits. `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`,
    /// `OTEL_ATTRIBUTE_COUNT_LIMIT`, `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_SPAN_EVENT_COUNT_LIMIT`,
    /// `OTEL_SPAN_LINK_COUNT_LIMIT`, `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`,
    /// `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`; default 128 of each, no length limit.
    public var limits: SpanLimits?
    /// A provider that records nothing (contexts still propagate). `OTEL_SDK_DISABLED` (only
    /// `true` disables); default false.
    public var disabled: Bool?
    /// How long `Telemetry.shutdown(timeout:)` and `Telemetry.forceFlush(timeout:)` wait by
    /// default. Code only; default 30 s.
    public var shutdownTimeout: Duration
    /// Metrics: exporters, interval, cardinality limit, the Prometheus listener. Default: on
    /// when an OTLP endpoint is set or `OTEL_METRICS_EXPORTER` names an exporter (see
    /// ``MetricsConfiguration``).
    public var metrics: MetricsConfiguration
    /// Where `OTEL_*` variables are read from. Default: the process environment; tests pass
    /// their own.
    public var environment: EnvironmentReader

    /// A configuration; each argument left nil (or empty) comes from the environment.
    public init(
        serviceName: String? = nil, resourceAttributes: Attributes = [:],
        exporters: [TraceExporterChoice]? = nil, sampler: (any Sampler)? = nil,
        processors: [any SpanProcessor] = [], batch: BatchSpanProcessor.Configuration? = nil,
        limits: SpanLimits? = nil, disabled: Bool? = nil, shutdownTimeout: Duration = .seconds(30),
        metrics: MetricsConfiguration = MetricsConfiguration(), environment: EnvironmentReader = EnvironmentReader()
    ) {
        self.metrics = metrics
        self.serviceName = serviceName
        self.resourceAttributes = resourceAttributes
        self.exporters = exporters
        self.sampler = sampler
        self.processors = processors
        self.batch = batch
        self.limits = limits
        self.disabled = disabled
        self.shutdownTimeout = shutdownTimeout
        self.environment = environment
    }

    /// The resource: SDK defaults < `OTEL_RESOURCE_ATTRIBUTES` < `OTEL_SERVICE_NAME` < code.
    package func resolvedResource() -> Resource {
        var code = resourceAttributes
        if let serviceName { code["service.name"] = .string(serviceName) }
        return Resource.detect(code: Resource(attributes: code), environment: environment)
    }

    /// The exporters to build: from code, else `OTEL_TRACES_EXPORTER`, else OTLP.
    package func resolvedExporters() -> [TraceExporterChoice] {
        exporters ?? TraceExporterChoice.fromEnvironment(environment) ?? [.otlp()]
    }

    /// The metrics exporters to build: from code, else `OTEL_METRICS_EXPORTER`, else OTLP when
    /// an OTLP endpoint is set (in the environment, or a trace exporter's in code), else none.
    package func resolvedMetricExporters() -> [MetricExporterChoice] {
        if let exporters = metrics.exporters ?? MetricExporterChoice.fromEnvironment(environment) { return exporters }
        for choice in exporters ?? [] {
            switch choice.kind {
            case .otlp(let overrides) where overrides.endpoint != nil:
                return [.otlp(endpoint: Self.metricsEndpoint(forTraces: overrides.endpoint!), protocol: overrides.protocol, headers: overrides.headers)]
            case .otlpConfigured(let configuration):
                return [.otlp(endpoint: Self.metricsEndpoint(forTraces: configuration.endpoint), protocol: configuration.protocol, headers: configuration.headers)]
            default:
                continue
            }
        }
        if environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || environment.string("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") != nil {
            return [.otlp()]
        }
        return []
    }

    /// A traces URL's metrics sibling: `…/v1/traces` → `…/v1/metrics`; any other URL is used
    /// as a base, with `/v1/metrics` after it.
    static func metricsEndpoint(forTraces endpoint: String) -> String {
        if endpoint.hasSuffix("/v1/traces") { return String(endpoint.dropLast("/v1/traces".count)) + "/v1/metrics" }
        return (endpoint.hasSuffix("/") ? endpoint : endpoint + "/") + "v1/metrics"
    }

    package func resolvedDisabled() -> Bool {
        disabled ?? environment.bool("OTEL_SDK_DISABLED") ?? false
    }

    package func resolvedSampler() -> any Sampler {
        sampler ?? samplerFromEnvironment(environment) ?? ParentBasedSampler(root: AlwaysOnSampler())
    }

    package func resolvedBatch() -> BatchSpanProcessor.Configuration {
        batch ?? .fromEnvironment(environment)
    }

    package func resolvedLimits() -> SpanLimits {
        limits ?? .fromEnvironment(environment)
    }
}

/// A setting given in code that cannot work. Environment values never throw: they are
/// reported and replaced by their defaults.
public enum TelemetryConfigurationError: Error, Hashable, CustomStringConvertible {
    /// An OTLP endpoint that is not an `http` or `https` URL with a valid host and port (its
    /// user-info, if any, is cut out).
    case invalidEndpoint(String)
    /// An OTLP header whose name is not an HTTP token or whose value holds a CR, LF or NUL.
    case invalidHeader(name: String)
    /// A file exporter with an empty path.
    case emptyFilePath

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint):
            "the OTLP endpoint \"\(endpoint)\" is not an http or https URL with a valid host and a port from 1 to 65535; pass the full traces URL, e.g. http://localhost:4318/v1/traces"
        case .invalidHeader(let name):
            "the OTLP header \(name.debugDescription) cannot be sent: a name must be an HTTP token and a value must not hold CR, LF or NUL"
        case .emptyFilePath:
            "the file exporter needs a path, e.g. .file(\"traces.jsonl\")"
        }
    }
}
