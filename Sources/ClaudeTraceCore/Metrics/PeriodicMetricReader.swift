import Synchronization

/// Collects a provider's instruments and hands them to an exporter every ``Configuration/interval``,
/// on ``forceFlush()``, and one last time on ``shutdown()``.
///
/// - Exports never overlap: each waits for the previous one.
/// - Each export is bounded by ``Configuration/timeout``; one that takes longer counts as
///   failed (and is cancelled).
/// - Instruments aggregate cumulatively; for an exporter that wants delta temporality the
///   reader subtracts what the last successful export sent. A failed delta export is therefore
///   not lost: its measurements go out with the next one that succeeds. Memory stays bounded by
///   the instruments' cardinality limits either way.
/// https://opentelemetry.io/docs/specs/otel/metrics/sdk/#periodic-exporting-metricreader
public final class PeriodicMetricReader: Sendable {
    /// How often the reader exports, and how long one export may take.
    public struct Configuration: Sendable, Hashable {
        /// Time between exports. `OTEL_METRIC_EXPORT_INTERVAL` (milliseconds); default 60 s.
        public var interval: Duration
        /// Bound on one export. `OTEL_METRIC_EXPORT_TIMEOUT` (milliseconds); default 30 s.
        public var timeout: Duration

        /// A configuration; the defaults are the spec's.
        public init(interval: Duration = .seconds(60), timeout: Duration = .seconds(30)) {
            self.interval = interval
            self.timeout = timeout
        }

        /// The defaults, overridden by `OTEL_METRIC_EXPORT_INTERVAL` and
        /// `OTEL_METRIC_EXPORT_TIMEOUT` when set and valid (a zero interval is refused).
        public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> Configuration {
            var configuration = Configuration()
            if let interval = environment.milliseconds("OTEL_METRIC_EXPORT_INTERVAL") {
                if interval > .zero {
                    configuration.interval = interval
                } else {
                    environment.invalid("OTEL_METRIC_EXPORT_INTERVAL", "0", "the interval must be positive; using 60000")
                }
            }
            if let timeout = environment.milliseconds("OTEL_METRIC_EXPORT_TIMEOUT") { configuration.timeout = timeout }
            return configuration
        }
    }

    /// What the reader has done so far.
    public struct Statistics: Sendable, Hashable {
        /// Exports attempted.
        public var exports = 0
        /// Exports that failed or timed out.
        public var failedExports = 0
        /// Data points in failed exports: with cumulative temporality the next export carries
        /// their totals again, with delta their measurements are resent.
        public var failedDataPoints = 0
        /// Data points exported successfully.
        public var exportedDataPoints = 0
    }

    /// The provider whose instruments are collected.
    public let provider: MeterProvider
    /// Where the collected metrics go.
    public let exporter: any MetricExporter
    /// The interval and timeout in use.
    public let configuration: Configuration
    /// What the interval and the export timeout are measured on.
    private let clock: AnyClock
    private let state = Locked(ReaderState())
    private let counters = Locked(Statistics())
    private let loop = Locked<Task<Void, Never>?>(nil)

    private struct ReaderState: Sendable {
        var lastExport: Task<ExportResult, Never>?
        var isShutDown = false
        var shutdown: Task<Void, Never>?
        var baseline = DeltaBaseline()
    }

    /// A reader that starts exporting `provider`'s metrics to `exporter` at once: the first
    /// export one interval from now.
    ///
    /// `clock` measures the interval and the export timeout; tests pass one they advance by hand.
    public init(
        provider: MeterProvider, exporter: any MetricExporter, configuration: Configuration = Configuration(),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.provider = provider
        self.exporter = exporter
        self.configuration = configuration
        let clock = AnyClock(clock)
        self.clock = clock
        state.withLock { $0.baseline.start = provider.startTimeNanoseconds }
        provider.register(self)
        let interval = configuration.interval
        // Read here, not in the task: a test that advances the clock right after creating the
        // reader finds the first export due.
        let first = clock.now + interval
        loop.withLock {
            $0 = Task.detached { [weak self] in
                var next = first
                while true {
                    guard (try? await clock.sleep(until: next)) != nil, let reader = self else { return }
                    _ = await reader.exportNow()
                    next = max(next + interval, clock.now)
                }
            }
        }
    }

    /// What the reader has done so far.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// Collects and exports now, after any export in progress; then flushes the exporter.
    @discardableResult
    public func forceFlush() async -> ExportResult {
        let result = await exportNow()
        let flushed = await exporter.forceFlush()
        return result == .success && flushed == .success ? .success : .failure
    }

    /// Stops the schedule, exports one last time and shuts the exporter down. Idempotent: a
    /// second call waits for the first one's work.
    public func shutdown() async {
        let task = state.withLock { state -> Task<Void, Never> in
            if let task = state.shutdown { return task }
            let task = Task {
                self.loop.withLock { $0 }?.cancel()
                _ = await self.exportNow()
                self.state.withLock { $0.isShutDown = true }
                await self.exporter.shutdown()
            }
            state.shutdown = task
            return task
        }
        await task.value
    }

    /// One export, queued behind the previous one.
    private func exportNow() async -> ExportResult {
        let task: Task<ExportResult, Never>? = state.withLock { state in
            guard !state.isShutDown else { return nil }
            let previous = state.lastExport
            let next = Task {
                _ = await previous?.value
                return await self.collectAndExport()
            }
            state.lastExport = next
            return next
        }
        return await task?.value ?? .failure
    }

    private func collectAndExport() async -> ExportResult {
        let collected = provider.collect()
        let batch: MetricBatch
        var nextBaseline: DeltaBaseline?
        if exporter.temporality == .delta {
            let baseline = state.withLock { $0.baseline }
            let (delta, next) = baseline.delta(of: collected)
            batch = delta
            nextBaseline = next
        } else {
            batch = collected
        }
        guard !batch.metrics.isEmpty else { return .success }
        let result = await withTimeout(configuration.timeout, on: clock) { [exporter] in await exporter.export(batch) }
        let points = batch.pointCount
        counters.withLock {
            $0.exports += 1
            if result == .success {
                $0.exportedDataPoints += points
            } else {
                $0.failedExports += 1
                $0.failedDataPoints += points
            }
        }
        if result == .success, let nextBaseline { state.withLock { $0.baseline = nextBaseline } }
        if result != .success {
            Diagnostics.report(.warning, component: "PeriodicMetricReader", "a metrics export of \(points) data points failed; \(exporter.temporality == .delta ? "its measurements go out with the next export" : "the next export carries the totals again")")
        }
        return result
    }
}

/// `operation`'s result, or failure when `timeout` passes on `clock` first (the operation is
/// then cancelled). A zero timeout is no limit.
func withTimeout(
    _ timeout: Duration, on clock: AnyClock, _ operation: @escaping @Sendable () async -> ExportResult
) async -> ExportResult {
    guard timeout > .zero else { return await operation() }
    let deadline = clock.now + timeout
    return await withTaskGroup(of: ExportResult?.self) { group in
        group.addTask { await operation() }
        group.addTask { (try? await clock.sleep(until: deadline)) == nil ? nil : .failure }
        var result = ExportResult.failure
        while let next = await group.next() {
            guard let next else { continue }
            result = next
            break
        }
        group.cancelAll()
        return result
    }
}

/// What the last successful delta export sent, per series: the next delta is the cumulative
/// state minus this.
struct DeltaBaseline: Sendable {
    struct Key: Hashable, Sendable {
        var scope: InstrumentationScope
        var name: String
        var attributes: Attributes
    }

    enum Value: Sendable {
        case sum(MetricNumber)
        case histogram(count: UInt64, sum: Double, counts: [UInt64])
    }

    /// Unix nanoseconds of the collection the baseline was taken at: the start of the next points.
    var start: UInt64 = 0
    var values: [Key: Value] = [:]

    /// The delta batch for `cumulative`, and the baseline to keep once it has been exported.
    func delta(of cumulative: MetricBatch) -> (MetricBatch, DeltaBaseline) {
        var next = DeltaBaseline()
        var metrics: [MetricData] = []
        var time = start
        for metric in cumulative.metrics {
            var delta = metric
            delta.temporality = .delta
            switch metric.points {
            case .sum(let points):
                var changed: [SumPoint] = []
                for var point in points {
                    let key = Key(scope: metric.scope, name: metric.name, attributes: point.attributes)
                    next.values[key] = .sum(point.value)
                    time = point.timeNanoseconds
                    switch (point.value, values[key]) {
                    case (.int(let now), .sum(.int(let before))?): point.value = .int(now &- before)
                    case (.double(let now), .sum(.double(let before))?): point.value = .double(now - before)
                    default: break
                    }
                    guard point.value.doubleValue != 0 else { continue }
                    point.startTimeNanoseconds = start
                    changed.append(point)
                }
                delta.points = .sum(changed)
            case .histogram(let points):
                var changed: [HistogramPoint] = []
                for var point in points {
                    let key = Key(scope: metric.scope, name: metric.name, attributes: point.attributes)
                    next.values[key] = .histogram(count: point.count, sum: point.sum, counts: point.bucketCounts)
                    time = point.timeNanoseconds
                    if case .histogram(let count, let sum, let counts)? = values[key], counts.count == point.bucketCounts.count {
                        point.count -= count
                        point.sum -= sum
                        point.bucketCounts = zip(point.bucketCounts, counts).map { $0 - $1 }
                    }
                    guard point.count > 0 else { continue }
                    // Extremes of the interval alone are unknown: a difference cannot tell them.
                    point.min = nil
                    point.max = nil
                    point.startTimeNanoseconds = start
                    changed.append(point)
                }
                delta.points = .histogram(changed)
            }
            if delta.pointCount > 0 { metrics.append(delta) }
        }
        next.start = time
        return (MetricBatch(resource: cumulative.resource, metrics: metrics), next)
    }
}
