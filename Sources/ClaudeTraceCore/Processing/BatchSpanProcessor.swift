
/// Queues sampled spans and exports them in batches from a background task.
///
/// `onEnd` never blocks and never waits for I/O: it appends to a bounded queue under a short
/// lock. When the queue is full the *newest* span is dropped and counted (as Java does; the
/// spec leaves the choice open). Exports are serialized and happen, once the previous export
/// has returned, when the queue holds a full batch, when ``Configuration/scheduleDelay`` has
/// passed since the last export, on ``forceFlush()`` and on ``shutdown()``. Each export sends at
/// most ``Configuration/maxExportBatchSize`` spans and is cancelled after
/// ``Configuration/exportTimeout``.
/// https://opentelemetry.io/docs/specs/otel/trace/sdk/#batching-processor
///
/// Memory: at most `maxQueueSize` spans wait in the queue, and at most as many more are being
/// exported.
public final class BatchSpanProcessor: SpanProcessor {
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

    public let configuration: Configuration
    private let engine: Engine
    private let worker: Task<Void, Never>

    public init(exporter: any SpanExporter, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let engine = Engine(exporter: exporter, configuration: configuration, component: "BatchSpanProcessor")
        self.engine = engine
        worker = Task.detached { await engine.run() }
    }

    init(exporter: any SpanExporter, configuration: Configuration, component: String) {
        self.configuration = configuration
        let engine = Engine(exporter: exporter, configuration: configuration, component: component)
        self.engine = engine
        worker = Task.detached { await engine.run() }
    }

    public func onEnd(_ span: SpanData) {
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

    public var statistics: Statistics { engine.statistics }

    /// The queue and the background loop. Separate from the processor so the worker task does
    /// not keep the processor itself alive.
    final class Engine: Sendable {
        let exporter: any SpanExporter
        let configuration: Configuration
        let component: String
        private let state = Locked(State())

        struct State {
            var queue: [SpanData] = []
            /// The array the worker hands back after an export, so the queue reuses its storage.
            var spare: [SpanData] = []
            var waiter: CheckedContinuation<Void, Never>?
            /// The worker wants waking once the queue holds this many spans.
            var wakeThreshold = 1
            var flushWaiters: [CheckedContinuation<Void, Never>] = []
            var shuttingDown = false
            var finished = false
            var exported = 0, dropped = 0, refused = 0, failed = 0
        }

        init(exporter: any SpanExporter, configuration: Configuration, component: String) {
            self.exporter = exporter
            self.configuration = configuration
            self.component = component
        }

        var statistics: Statistics {
            state.withLock {
                Statistics(exported: $0.exported, dropped: $0.dropped, refusedAfterShutdown: $0.refused, failed: $0.failed, queued: $0.queue.count)
            }
        }

        func enqueue(_ span: SpanData) {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                if state.shuttingDown {
                    state.refused += 1
                    return nil
                }
                guard state.queue.count < configuration.maxQueueSize else {
                    state.dropped += 1
                    return nil
                }
                state.queue.append(span)
                guard state.queue.count >= state.wakeThreshold, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }

        func forceFlush() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (flushNow, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                    guard !state.finished else { return (true, nil) }
                    state.flushWaiters.append(continuation)
                    defer { state.waiter = nil }
                    return (false, state.waiter)
                }
                waiter?.resume()
                if flushNow { continuation.resume() }
            }
        }

        func beginShutdown() {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                state.shuttingDown = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        private enum Step {
            case export(batch: [SpanData], flushes: [CheckedContinuation<Void, Never>], shutdown: Bool)
            case waitForSpans
            case wait(until: ContinuousClock.Instant)
        }

        func run() async {
            var deadline = ContinuousClock.now + configuration.scheduleDelay
            var reportedDrops = 0
            while true {
                let now = ContinuousClock.now
                let step: Step = state.withLock { state in
                    let due = !state.queue.isEmpty && now >= deadline
                    if state.shuttingDown || !state.flushWaiters.isEmpty
                        || state.queue.count >= configuration.maxExportBatchSize || due {
                        var batch = state.spare
                        state.spare = []
                        swap(&batch, &state.queue)
                        let flushes = state.flushWaiters
                        state.flushWaiters = []
                        return .export(batch: batch, flushes: flushes, shutdown: state.shuttingDown)
                    }
                    return state.queue.isEmpty ? .waitForSpans : .wait(until: deadline)
                }
                switch step {
                case .waitForSpans:
                    await waitForSignal(threshold: 1)
                case .wait(let until):
                    await waitForSignal(threshold: configuration.maxExportBatchSize, orUntil: until)
                case .export(var batch, let flushes, let shutdown):
                    await exportInBatches(batch)
                    batch.removeAll(keepingCapacity: true)
                    let drops = state.withLock { state in
                        state.spare = batch
                        return state.dropped
                    }
                    if drops > reportedDrops {
                        Diagnostics.report(.warning, component: component, "dropped \(drops - reportedDrops) spans: the queue was full (maxQueueSize \(configuration.maxQueueSize)); \(drops) in all")
                        reportedDrops = drops
                    }
                    if !flushes.isEmpty || shutdown { _ = await exporter.forceFlush() }
                    if shutdown {
                        await exporter.shutdown()
                        let late = state.withLock { state in
                            state.finished = true
                            defer { state.flushWaiters = [] }
                            return state.flushWaiters
                        }
                        for flush in flushes + late { flush.resume() }
                        return
                    }
                    for flush in flushes { flush.resume() }
                    deadline = ContinuousClock.now + configuration.scheduleDelay
                }
            }
        }

        private func exportInBatches(_ spans: [SpanData]) async {
            let size = configuration.maxExportBatchSize
            var start = 0
            while start < spans.count {
                let end = min(start + size, spans.count)
                let batch = start == 0 && end == spans.count ? spans : Array(spans[start..<end])
                let result = await exportWithTimeout(batch)
                state.withLock { state in
                    if result == .success { state.exported += batch.count } else { state.failed += batch.count }
                }
                start = end
            }
        }

        private func exportWithTimeout(_ batch: [SpanData]) async -> ExportResult {
            let timeout = configuration.exportTimeout
            guard timeout > .zero else { return await exporter.export(batch) }
            let exporter = self.exporter
            let result: ExportResult? = await withTaskGroup(of: ExportResult?.self) { group in
                group.addTask { await exporter.export(batch) }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let result else {
                Diagnostics.report(.warning, component: component, "an export of \(batch.count) spans took longer than the export timeout (\(timeout)) and was cancelled")
                return .failure
            }
            return result
        }

        /// Suspends until the queue holds `threshold` spans, a flush or shutdown is asked for,
        /// or `deadline` passes.
        private func waitForSignal(threshold: Int, orUntil deadline: ContinuousClock.Instant? = nil) async {
            guard let deadline else { return await waitForSignal(threshold: threshold) }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
                group.addTask { await self.waitForSignal(threshold: threshold) }
                await group.next()
                group.cancelAll()
            }
        }

        private func waitForSignal(threshold: Int) async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if state.queue.count >= threshold || !state.flushWaiters.isEmpty || state.shuttingDown || Task.isCancelled {
                            return true
                        }
                        state.waiter = continuation
                        state.wakeThreshold = threshold
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}

/// Passes each sampled span to the exporter as soon as it ends, one export at a time.
///
/// `onEnd` is synchronous and exporters are `async`, so spans wait in a bounded queue (2048,
/// newest dropped and counted when full) for a background task that exports them one by one.
public final class SimpleSpanProcessor: SpanProcessor {
    private let processor: BatchSpanProcessor

    public init(exporter: any SpanExporter, exportTimeout: Duration = .seconds(30)) {
        processor = BatchSpanProcessor(
            exporter: exporter,
            configuration: .init(maxQueueSize: 2048, maxExportBatchSize: 1, scheduleDelay: .zero, exportTimeout: exportTimeout),
            component: "SimpleSpanProcessor")
    }

    public func onEnd(_ span: SpanData) { processor.onEnd(span) }
    public func forceFlush() async { await processor.forceFlush() }
    public func shutdown() async { await processor.shutdown() }
    public var statistics: BatchSpanProcessor.Statistics { processor.statistics }
}
