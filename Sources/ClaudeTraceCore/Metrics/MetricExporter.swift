/// Sends collected metrics somewhere. A reader never calls ``export(_:)`` concurrently on one
/// instance; an export never throws and does its own retries, within its own timeout.
public protocol MetricExporter: Sendable {
    /// The temporality this exporter wants its points in.
    var temporality: AggregationTemporality { get }
    /// Sends one batch; never called concurrently on one instance by a reader.
    func export(_ batch: MetricBatch) async -> ExportResult
    /// Pushes out anything buffered.
    func forceFlush() async -> ExportResult
    /// Releases resources; later exports fail.
    func shutdown() async
}

extension MetricExporter {
    /// Cumulative, unless the exporter says otherwise.
    public var temporality: AggregationTemporality { .cumulative }
    /// Nothing buffered: succeeds at once.
    public func forceFlush() async -> ExportResult { .success }
    /// Nothing to release.
    public func shutdown() async {}
}

/// Keeps every exported batch in memory, for tests.
public final class InMemoryMetricExporter: MetricExporter {
    /// The temporality the reader hands points in.
    public let temporality: AggregationTemporality
    private let batches = Locked<[MetricBatch]>([])

    /// An empty exporter that asks for `temporality`.
    public init(temporality: AggregationTemporality = .cumulative) {
        self.temporality = temporality
    }

    /// Keeps the batch.
    public func export(_ batch: MetricBatch) async -> ExportResult {
        batches.withLock { $0.append(batch) }
        return .success
    }

    /// Every batch exported so far, in order.
    public var exported: [MetricBatch] { batches.withLock { $0 } }
}
