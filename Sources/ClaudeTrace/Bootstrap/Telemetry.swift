import ClaudeTraceCore
import ClaudeTraceOTLP
import Synchronization

/// The SDK, set up: a tracer provider built from code and the `OTEL_*` environment, with its
/// exporters and processors; the ``ClaudeMonitor`` of Claude calls; when metrics are on (an
/// OTLP endpoint is set, or ``/ClaudeTraceOTLP/TelemetryConfiguration/metrics`` says so), a meter provider with
/// its readers and the optional Prometheus listener; and the calls that flush and stop them all.
///
/// ```swift
/// let telemetry = try Telemetry.bootstrap(serviceName: "support-bot")  // OTLP/HTTP to :4318
/// // or: exporters: [.file("traces.jsonl")], monitor: ClaudeMonitor(MonitorConfiguration(budget: …))
/// let claude = ClaudeClient(apiKey: key)     // its spans reach telemetry.monitor, which checks budgets
/// …
/// print(telemetry.monitor.snapshot().dashboard())
/// await telemetry.shutdown()   // flushes everything; idempotent; bounded by a timeout
/// ```
///
/// ``bootstrap(_:monitor:)`` also installs it globally: its provider becomes
/// ``/ClaudeTraceCore/TracerProvider/current`` and it becomes ``current``. ``init(_:monitor:)`` builds one
/// without installing it, for tests: run them inside ``withTelemetry(_:isolation:operation:)``.
public final class Telemetry: Sendable {
    /// The provider every tracer comes from.
    public let provider: TracerProvider
    /// The monitor of Claude calls: a processor of ``provider`` (registered once, after the
    /// others), and the budget gate of every ``ClaudeClient`` made without a monitor of its own
    /// while this telemetry is ``current``.
    public let monitor: ClaudeMonitor
    /// The exporters built for ``/ClaudeTraceOTLP/TelemetryConfiguration/exporters``, in order.
    public let exporters: [any SpanExporter]
    /// The meter provider metrics are recorded into; nil when metrics are off (no exporter and
    /// no Prometheus listener, see ``/ClaudeTraceOTLP/MetricsConfiguration``).
    public let meterProvider: MeterProvider?
    /// The readers that export ``meterProvider``'s metrics, one per metrics exporter.
    public let metricReaders: [PeriodicMetricReader]
    /// The Prometheus `/metrics` listener on 127.0.0.1, when one was asked for and could listen.
    public let prometheusListener: PrometheusListener?
    /// The default bound on ``forceFlush(timeout:)`` and ``shutdown(timeout:)``.
    public let shutdownTimeout: Duration

    private let shutdownTask = Mutex<Task<Void, Never>?>(nil)
    /// The processors built for ``exporters``, whose figures a timed-out shutdown reports.
    private let batchProcessors: [BatchSpanProcessor]

    /// Builds the provider `configuration` describes, with `monitor` as its last processor
    /// (also when `configuration.processors` holds it already), without installing it globally.
    /// - Throws: ``/ClaudeTraceOTLP/TelemetryConfigurationError`` for a setting given in code that cannot work.
    ///   Invalid environment values never throw: they are reported and replaced by defaults.
    public init(
        _ configuration: TelemetryConfiguration, monitor: ClaudeMonitor = ClaudeMonitor()
    ) throws(TelemetryConfigurationError) {
        self.monitor = monitor
        shutdownTimeout = configuration.shutdownTimeout
        if let file = configuration.environment.string("OTEL_CONFIG_FILE") {
            // The spec: with OTEL_CONFIG_FILE set, the other variables are ignored in favour of
            // the file. Without a reader for the file, ignoring both would leave nothing.
            configuration.environment.invalid("OTEL_CONFIG_FILE", file, "declarative configuration files are not supported; using the other OTEL_* variables instead")
        }
        let resource = configuration.resolvedResource()
        guard !configuration.resolvedDisabled() else {
            exporters = []
            batchProcessors = []
            provider = TracerProvider(resource: resource, sampler: AlwaysOffSampler(), processors: [], disabled: true)
            meterProvider = nil
            metricReaders = []
            prometheusListener = nil
            return
        }
        let environment = configuration.environment
        let batch = configuration.resolvedBatch()
        var exporters: [any SpanExporter] = []
        var processors: [any SpanProcessor] = []
        for choice in configuration.resolvedExporters() {
            switch choice.kind {
            case .none:
                continue
            case .console:
                let exporter = ConsoleSpanExporter()
                exporters.append(exporter)
                processors.append(SimpleSpanProcessor(exporter: exporter, exportTimeout: batch.exportTimeout))
                continue
            case .otlp(let overrides):
                var otlp = OTLPHTTPExporterConfiguration.fromEnvironment(environment)
                if let endpoint = overrides.endpoint {
                    guard HTTPURL(endpoint) != nil else { throw .invalidEndpoint(HTTPURL.displayed(endpoint)) }
                    otlp.endpoint = endpoint
                }
                if let headers = overrides.headers { otlp.headers = headers }
                if let timeout = overrides.timeout { otlp.timeout = timeout }
                if let compression = overrides.compression { otlp.compression = compression }
                if let `protocol` = overrides.protocol { otlp.protocol = `protocol` }
                if let retry = overrides.retry { otlp.retry = retry }
                try Self.validateHeaders(otlp.headers)
                exporters.append(OTLPHTTPExporter(configuration: otlp))
            case .otlpConfigured(let otlp):
                guard HTTPURL(otlp.endpoint) != nil else { throw .invalidEndpoint(HTTPURL.displayed(otlp.endpoint)) }
                try Self.validateHeaders(otlp.headers)
                exporters.append(OTLPHTTPExporter(configuration: otlp))
            case .file(let file):
                guard !file.path.isEmpty else { throw .emptyFilePath }
                exporters.append(OTLPFileExporter(configuration: file))
            case .standardOutput:
                exporters.append(OTLPFileExporter.standardOutput())
            case .custom(let exporter):
                exporters.append(exporter)
            }
            processors.append(BatchSpanProcessor(exporter: exporters[exporters.count - 1], configuration: batch))
        }
        self.exporters = exporters
        batchProcessors = processors.compactMap { $0 as? BatchSpanProcessor }
        (meterProvider, metricReaders, prometheusListener) = try Self.makeMetrics(configuration, resource: resource)
        provider = TracerProvider(
            resource: resource, sampler: configuration.resolvedSampler(), limits: configuration.resolvedLimits(),
            processors: processors + configuration.processors.filter { ($0 as? ClaudeMonitor) !== monitor } + [monitor])
    }

    /// The meter provider, its readers and the Prometheus listener `configuration` asks for.
    private static func makeMetrics(
        _ configuration: TelemetryConfiguration, resource: Resource
    ) throws(TelemetryConfigurationError) -> (MeterProvider?, [PeriodicMetricReader], PrometheusListener?) {
        let environment = configuration.environment
        var prometheusPort = configuration.metrics.prometheusPort
        var exporters: [any MetricExporter] = []
        for choice in configuration.resolvedMetricExporters() {
            switch choice.kind {
            case .none:
                return (nil, [], nil)
            case .otlp(let endpoint, let `protocol`, let temporality, let headers):
                var otlp = OTLPMetricExporter.configurationFromEnvironment(environment)
                if let endpoint {
                    guard HTTPURL(endpoint) != nil else { throw .invalidEndpoint(HTTPURL.displayed(endpoint)) }
                    otlp.endpoint = endpoint
                }
                if let `protocol` { otlp.protocol = `protocol` }
                if let headers { otlp.headers = headers }
                try validateHeaders(otlp.headers)
                exporters.append(OTLPMetricExporter(
                    configuration: otlp, temporality: temporality ?? OTLPMetricExporter.temporalityFromEnvironment(environment)))
            case .file(let path):
                guard !path.isEmpty else { throw .emptyFilePath }
                exporters.append(OTLPFileExporter(path: path))
            case .prometheus(let port):
                prometheusPort = port
            case .custom(let exporter):
                exporters.append(exporter)
            }
        }
        guard !exporters.isEmpty || prometheusPort != nil else { return (nil, [], nil) }
        let meters = MeterProvider(resource: resource, cardinalityLimit: configuration.metrics.cardinalityLimit)
        let readerConfiguration = configuration.metrics.reader ?? .fromEnvironment(environment)
        let readers = exporters.map { PeriodicMetricReader(provider: meters, exporter: $0, configuration: readerConfiguration) }
        var listener: PrometheusListener?
        if let port = prometheusPort {
            do {
                listener = try PrometheusListener(provider: meters, port: port)
            } catch {
                Diagnostics.report(.error, component: "Telemetry", "the Prometheus listener could not listen on 127.0.0.1:\(port): \(error); metrics are not served for scraping")
            }
        }
        return (meters, readers, listener)
    }

    private static func validateHeaders(_ headers: [String: String]) throws(TelemetryConfigurationError) {
        for (name, value) in headers.sorted(by: { $0.key < $1.key })
        where !HTTPHeaderField.isValidName(name) || !HTTPHeaderField.isValidValue(value) {
            throw .invalidHeader(name: name)
        }
    }

    /// Builds the telemetry `configuration` describes and installs it globally: its tracer and
    /// meter providers become the global ones, and it becomes ``current``.
    @discardableResult
    public static func bootstrap(
        _ configuration: TelemetryConfiguration, monitor: ClaudeMonitor = ClaudeMonitor()
    ) throws(TelemetryConfigurationError) -> Telemetry {
        let telemetry = try Telemetry(configuration, monitor: monitor)
        TracerProvider.setGlobal(telemetry.provider)
        MeterProvider.setGlobal(telemetry.meterProvider)
        bootstrapped.withLock { $0 = telemetry }
        return telemetry
    }

    /// Builds the telemetry from these settings and the `OTEL_*` environment, and installs it
    /// globally. Each argument left nil comes from the environment, else its default; see
    /// ``/ClaudeTraceOTLP/TelemetryConfiguration`` for which variable backs which argument.
    @discardableResult
    public static func bootstrap(
        serviceName: String? = nil, resourceAttributes: Attributes = [:],
        exporters: [TraceExporterChoice]? = nil, sampler: (any Sampler)? = nil,
        processors: [any SpanProcessor] = [], monitor: ClaudeMonitor = ClaudeMonitor(),
        batch: BatchSpanProcessor.Configuration? = nil,
        limits: SpanLimits? = nil, disabled: Bool? = nil, metrics: MetricsConfiguration = MetricsConfiguration(),
        environment: EnvironmentReader = EnvironmentReader(), shutdownTimeout: Duration = .seconds(30)
    ) throws(TelemetryConfigurationError) -> Telemetry {
        try bootstrap(
            TelemetryConfiguration(
                serviceName: serviceName, resourceAttributes: resourceAttributes, exporters: exporters,
                sampler: sampler, processors: processors, batch: batch, limits: limits, disabled: disabled,
                shutdownTimeout: shutdownTimeout, metrics: metrics, environment: environment),
            monitor: monitor)
    }

    private static let bootstrapped = Mutex<Telemetry?>(nil)

    /// The telemetry in force here: the one ``withTelemetry(_:isolation:operation:)`` set for
    /// this task, else the last one bootstrapped; nil before any bootstrap.
    public static var current: Telemetry? {
        TaskLocalTelemetry.value ?? bootstrapped.withLock { $0 }
    }

    /// A tracer for an instrumentation scope (a library or a part of the app).
    public func tracer(_ name: String, version: String? = nil) -> Tracer {
        provider.tracer(name, version: version)
    }

    /// Exports every span ended so far and syncs the exporters, waiting at most `timeout`
    /// (default ``shutdownTimeout``). Returns whether it finished in time.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) async -> Bool {
        let provider = self.provider, meters = meterProvider
        let task = Task {
            await provider.forceFlush()
            await meters?.forceFlush()
        }
        return await waitAtMost(timeout ?? shutdownTimeout, for: task)
    }

    /// Flushes and stops everything, waiting at most `timeout` (default ``shutdownTimeout``).
    /// Returns whether it finished in time; if not, exporters are told to give up at once
    /// (retries and requests in flight end) and the spans still queued are lost. Then, within
    /// about a second more, the processors count those spans as failed, and one diagnostic
    /// sums up what was exported, dropped and lost: the figures are final when this returns,
    /// for a process that exits right after.
    /// Idempotent: a second call waits for the first one's work.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) async -> Bool {
        let provider = self.provider, meters = meterProvider, listener = prometheusListener
        let task = shutdownTask.withLock { task in
            if let task { return task }
            let started = Task {
                await provider.shutdown()
                // After the spans: the metrics of calls that just ended go out in the last export.
                await meters?.shutdown()
                listener?.stop()
            }
            task = started
            return started
        }
        let timeout = timeout ?? shutdownTimeout
        guard await waitAtMost(timeout, for: task) else {
            for exporter in exporters { await exporter.shutdown() }
            for reader in metricReaders { await reader.exporter.shutdown() }
            prometheusListener?.stop()
            // Stopped exporters fail what is left at once; an exporter of the app's own that
            // ignores shutdown leaves its spans counted as still queued.
            _ = await waitAtMost(.seconds(1), for: task)
            Diagnostics.report(.warning, component: "Telemetry", "shutdown did not finish within \(timeout); stopped the exporters: \(summary())")
            return false
        }
        return true
    }

    /// What the batch processors did with their spans, in one line.
    private func summary() -> String {
        var exported = 0, dropped = 0, failed = 0, queued = 0
        for processor in batchProcessors {
            let statistics = processor.statistics
            exported += statistics.exported
            dropped += statistics.dropped + statistics.refusedAfterShutdown
            failed += statistics.failed
            queued += statistics.queued
        }
        var line = "\(exported) spans exported, \(dropped) dropped, \(failed) failed, \(queued) still queued and lost"
        if !metricReaders.isEmpty {
            let failedPoints = metricReaders.reduce(0) { $0 + $1.statistics.failedDataPoints }
            let failedExports = metricReaders.reduce(0) { $0 + $1.statistics.failedExports }
            line += "; \(failedExports) metric exports (\(failedPoints) data points) failed"
        }
        return line
    }
}

enum TaskLocalTelemetry {
    @TaskLocal static var value: Telemetry?
}

/// Runs `operation` with `telemetry` in place of the bootstrapped one, for this task and its
/// children: its provider is ``/ClaudeTraceCore/TracerProvider/current`` and its monitor the budget gate of
/// clients made without one. Lets tests run in parallel, each with its own telemetry.
public func withTelemetry<T>(
    _ telemetry: Telemetry, isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> T
) async rethrows -> T {
    try await TaskLocalTelemetry.$value.withValue(telemetry, operation: {
        try await withTracerProvider(telemetry.provider, operation: operation)
    }, isolation: isolation)
}

/// Waits for `task` at most `timeout`; true when it finished. The task goes on running when
/// the wait gives up (a task group would wait for it; this does not).
func waitAtMost(_ timeout: Duration, for task: Task<Void, Never>) async -> Bool {
    let pending = Mutex<CheckedContinuation<Bool, Never>?>(nil)
    let resume: @Sendable (Bool) -> Void = { finished in
        pending.withLock { continuation in
            defer { continuation = nil }
            return continuation
        }?.resume(returning: finished)
    }
    let timer = Mutex<Task<Void, Never>?>(nil)
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        pending.withLock { $0 = continuation }
        timer.withLock {
            $0 = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                resume(false)
            }
        }
        Task {
            await task.value
            resume(true)
        }
    }
    timer.withLock { $0 }?.cancel()
    return finished
}
