/// Sends collected metrics somewhere. A reader never calls ``export(_:)`` concurrently on one
/// instance; an export never throws and does its own retries, within its own timeout.
public protocol MetricExporter: Sendable {
    /// The temporality this exporter wants its points in.
    var temporality: AggregationTemporality { get }
    func export(_ batch: MetricBatch) async -> ExportResult
    /// Pushes out anything buffered.
    func forceFlush() async -> ExportResult
    /// Releases resources; later exports fail.
    func shutdown() async
}

extension MetricExporter {
    public var temporality: AggregationTemporality { .cumulative }
    public func forceFlush() async -> ExportResult { .success }
    public func shutdown() async {}
}

/// Keeps every exported batch in memory, for tests.
public final class InMemoryMetricExporter: MetricExporter {
    public let temporality: AggregationTemporality
    private let batches = Locked<[MetricBatch]>([])

    public init(temporality: AggregationTemporality = .cumulative) {
        self.temporality = temporality
    }

    public func export(_ batch: MetricBatch) async -> ExportResult {
        batches.withLock { $0.append(batch) }
        return .success
    }

    /// Every batch exported so far, in order.
    public var exported: [MetricBatch] { batches.withLock { $0 } }
}
