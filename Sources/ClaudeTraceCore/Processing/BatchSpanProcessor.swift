
/// Queues sampled spans and exports them in batches from a background task.
///
/// `onEnd` never blocks and never waits for I/O: it appends to a bounded queue under a short
/// lock. When the queue is full the *newest* span is dropped and counted (as Java does; the
/// spec leaves the choice open). Exports are serialized and happen, once the previous export
/// has returned, when the queue holds a full batch, when ``Configuration/scheduleDelay`` has
/// passed since the last export, on ``forceFlush()`` and on ``shutdown()``. Each export sends at
/// most ``Configuration/maxExportBatchSize`` spans and is cancelled after
/// ``Configuration/exportTimeout``. A ``StagedSpanExporter`` (the OTLP/HTTP exporter is one) has
/// each batch prepared while the one before it is sent, on a second thread of the processor's;
/// its sends are still one at a time and in order, each started on that thread as soon as the one
/// before it ends. The thread only waits for sends, so an exporter may block it (the OTLP
/// exporter's socket exchange runs there). While spans flow, the worker wakes by
/// itself (at most twice a batch, at the pace they come) to look for a full batch, rather than
/// being woken by the span that fills it; `end()` still wakes it once one and a half batches
/// wait.
/// https://opentelemetry.io/docs/specs/otel/trace/sdk/#batching-processor
///
/// Memory: at most `maxQueueSize` spans wait in the queue, at most as many more and one batch
/// are being exported (two batches to a staged exporter: the one sent and the one prepared),
/// and at most two exported batches wait for the producers to free them (one span each time
/// they end one, two while both wait; the worker frees what is left once they go quiet).
public final class BatchSpanProcessor: SpanProcessor, SpanStartIgnoring {
    /// How the processor batches. Every field names its environment variable and default.
    public struct Configuration: Sendable, Hashable {
        /// Spans that may wait; beyond it new spans are dropped. `OTEL_BSP_MAX_QUEUE_SIZE`, 2048.
        public var maxQueueSize: Int
        /// Spans per export, at most `maxQueueSize`. `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, 512.
        public var maxExportBatchSize: Int
        /// Longest wait between exports. `OTEL_BSP_SCHEDULE_DELAY` (ms), 5 s.
        public var scheduleDelay: Duration
        /// Longest time one export may take; `.zero` is no limit. `OTEL_BSP_EXPORT_TIMEOUT` (ms), 30 s.
        public var exportTimeout: Duration

        /// A configuration; values out of range are clamped (at least 1 span, a batch no larger than the queue).
        public init(
            maxQueueSize: Int = 2048, maxExportBatchSize: Int = 512,
            scheduleDelay: Duration = .seconds(5), exportTimeout: Duration = .seconds(30)
        ) {
            self.maxQueueSize = max(1, maxQueueSize)
            self.maxExportBatchSize = min(max(1, maxExportBatchSize), self.maxQueueSize)
            self.scheduleDelay = scheduleDelay
            self.exportTimeout = exportTimeout
        }

        /// The defaults, overridden by the `OTEL_BSP_*` variables that are set and valid.
        /// A batch size larger than the queue is clamped to it, with a warning.
        public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> Configuration {
            let queue = environment.integer("OTEL_BSP_MAX_QUEUE_SIZE", minimum: 1) ?? 2048
            var batch = environment.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", minimum: 1) ?? 512
            if batch > queue {
                environment.invalid("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", String(batch), "larger than the queue size \(queue); using \(queue)")
                batch = queue
            }
            return Configuration(
                maxQueueSize: queue, maxExportBatchSize: batch,
                scheduleDelay: environment.milliseconds("OTEL_BSP_SCHEDULE_DELAY") ?? .seconds(5),
                exportTimeout: environment.milliseconds("OTEL_BSP_EXPORT_TIMEOUT") ?? .seconds(30))
        }
    }

    /// What the processor has done with the spans it received.
    public struct Statistics: Sendable, Hashable {
        /// Spans the exporter accepted.
        public var exported: Int
        /// Spans dropped because the queue was full.
        public var dropped: Int
        /// Spans that ended after shutdown and were refused.
        public var refusedAfterShutdown: Int
        /// Spans in batches the exporter failed (or that timed out).
        public var failed: Int
        /// Spans waiting in the queue now.
        public var queued: Int
    }

    /// The batching in use.
    public let configuration: Configuration
    private let engine: Engine
    private let worker: Task<Void, Never>

    /// Starts the processor's worker on a thread of its own (`WorkerThread`).
    ///
    /// `clock` measures the schedule delay and the export timeout; tests pass one they
    /// advance by hand. The worker alone reads it: `onEnd` never does.
    public init(
        exporter: any SpanExporter, configuration: Configuration = Configuration(),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        (self.configuration, engine, worker) = Self.start(exporter, configuration, component: "BatchSpanProcessor", clock: AnyClock(clock))
    }

    init(exporter: any SpanExporter, configuration: Configuration, component: String) {
        (self.configuration, engine, worker) = Self.start(exporter, configuration, component: component, clock: AnyClock(ContinuousClock()))
    }

    private static func start(
        _ exporter: any SpanExporter, _ configuration: Configuration, component: String, clock: AnyClock
    ) -> (Configuration, Engine, Task<Void, Never>) {
        let thread = WorkerThread(name: "ct-span-export")
        let engine = Engine(exporter: exporter, configuration: configuration, component: component, thread: thread, clock: clock)
        let worker = Task.detached(executorPreference: thread) {
            await engine.run()
            engine.sendThread?.stop()
            thread.stop()
        }
        return (configuration, engine, worker)
    }

    /// Queues a sampled span without blocking: dropped and counted when the queue is full,
    /// refused and counted after shutdown.
    public func onEnd(_ span: consuming SpanData) {
        guard span.context.isSampled else { return }
        engine.enqueue(span)
    }

    /// Exports every span that ended before this call, then flushes the exporter.
    /// Returns at once after shutdown.
    public func forceFlush() async {
        await engine.forceFlush()
    }

    /// Exports everything queued, flushes and shuts down the exporter, and refuses later spans.
    /// A second call only waits for the first to finish.
    public func shutdown() async {
        engine.beginShutdown()
        await worker.value
    }

    /// What the processor has done so far.
    public var statistics: Statistics { engine.statistics }

    /// Returns once the worker has exported everything queued, freed the exported spans and
    /// waits for more; for tests.
    func waitUntilIdle() async { await engine.waitUntilIdle() }
}

/// Passes each sampled span to the exporter as soon as it ends, one export at a time.
///
/// `onEnd` is synchronous and exporters are `async`, so spans wait in a bounded queue (2048,
/// newest dropped and counted when full) for a background task that exports them one by one.
public final class SimpleSpanProcessor: SpanProcessor, SpanStartIgnoring {
    private let processor: BatchSpanProcessor

    /// Starts the processor's worker; each export is cancelled after `exportTimeout`.
    public init(exporter: any SpanExporter, exportTimeout: Duration = .seconds(30)) {
        processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(maxQueueSize: 2048, maxExportBatchSize: 1, scheduleDelay: .zero, exportTimeout: exportTimeout),
            component: "SimpleSpanProcessor")
    }

    /// Queues a sampled span without blocking.
    public func onEnd(_ span: consuming SpanData) { processor.onEnd(span) }
    /// Exports every span that ended before this call.
    public func forceFlush() async { await processor.forceFlush() }
    /// Exports what is queued, shuts down the exporter and refuses later spans.
    public func shutdown() async { await processor.shutdown() }
    /// What the processor has done so far.
    public var statistics: BatchSpanProcessor.Statistics { processor.statistics }
}
