import BenchmarkSupport
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing
import TracingWorkloads

/// What swift-otel's diagnostic log said: it reports dropped spans only there (a warning with
/// `dropped_count` per export cycle) and failed exports likewise.
final class DiagnosticTally: Sendable {
    private let counts = Mutex((dropped: 0, failedBatches: 0, failedSpans: 0, messages: [String]()))

    var dropped: Int { counts.withLock { $0.dropped } }
    var failedBatches: Int { counts.withLock { $0.failedBatches } }
    var failedSpans: Int { counts.withLock { $0.failedSpans } }
    /// The distinct warning and error messages, for the notes.
    var messages: [String] { counts.withLock { $0.messages } }

    func record(_ message: String, metadata: Logger.Metadata) {
        counts.withLock { counts in
            if let dropped = metadata["dropped_count"].flatMap({ Int("\($0)") }) { counts.dropped += dropped }
            if message.contains("Failed to export") {
                counts.failedBatches += 1
                counts.failedSpans += metadata["batch_size"].flatMap { Int("\($0)") } ?? 0
            }
            let line = String((message + (metadata["error"].map { ": \($0)" } ?? "")).prefix(200))
            if !counts.messages.contains(line) && counts.messages.count < 8 { counts.messages.append(line) }
        }
    }
}

/// A log handler that feeds a ``DiagnosticTally`` and prints nothing.
struct TallyingLogHandler: LogHandler {
    let tally: DiagnosticTally
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        tally.record(event.message.description, metadata: merged)
    }
}

/// swift-otel's tracer, bootstrapped the documented way (`OTel.makeTracingBackend`) and run
/// in a `ServiceGroup`, as an application would.
struct SwiftOTelSetup {
    enum Export {
        /// `exporter: .none`: batches go nowhere (the discarding case).
        case discard
        /// OTLP/HTTP to `endpoint`, protobuf or JSON.
        case otlp(endpoint: String, json: Bool)
    }

    static func configuration(sampled: Bool, export: Export, queue: Int = 2048, tally: DiagnosticTally) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "benchmark"
        configuration.diagnosticLogger = .custom(Logger(label: "swift-otel") { _ in TallyingLogHandler(tally: tally) })
        configuration.diagnosticLogLevel = .warning
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.sampler = sampled ? .alwaysOn : .alwaysOff
        configuration.traces.batchSpanProcessor.maxQueueSize = queue
        switch export {
        case .discard:
            configuration.traces.exporter = .none
        case .otlp(let endpoint, let json):
            configuration.traces.exporter = .otlp
            configuration.traces.otlpExporter.endpoint = endpoint
            configuration.traces.otlpExporter.protocol = json ? .httpJSON : .httpProtobuf
        }
        return configuration
    }

    /// Runs `workload` with a tracer whose background service is running, then shuts the
    /// service down gracefully (which flushes the batch processor) and waits for it to finish.
    /// The workload gets the tracer's concrete type, so no existential stands in its way.
    static func run<W: TracerWorkload>(
        _ workload: W, sampled: Bool = true, export: Export = .discard, queue: Int = 2048, tally: DiagnosticTally
    ) async -> W.Output {
        let configuration = configuration(sampled: sampled, export: export, queue: queue, tally: tally)
        guard let backend = try? OTel.makeTracingBackend(configuration: configuration) else {
            fatalError("swift-otel did not bootstrap")
        }
        let group = ServiceGroup(services: [backend.service], logger: Logger(label: "benchmark") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        let result = await workload.run(backend.factory)
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        return result
    }
}
