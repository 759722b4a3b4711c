/// The outcome of one export.
public enum ExportResult: Sendable, Hashable {
    /// The receiver took the batch.
    case success
    /// The batch was not delivered (and was reported through ``Diagnostics``).
    case failure
}

/// Sends batches of spans somewhere. A processor never calls ``export(_:)`` concurrently on
/// one instance. An export must not block indefinitely, retries belong inside it, and it never
/// throws: failures are reported through ``Diagnostics`` and the result.
public protocol SpanExporter: Sendable {
    /// Sends one batch; never called concurrently on one instance by a processor.
    func export(_ batch: [SpanData]) async -> ExportResult
    /// Pushes out anything buffered (e.g. fsync a file).
    func forceFlush() async -> ExportResult
    /// Releases resources; later exports fail.
    func shutdown() async
}

extension SpanExporter {
    /// Nothing buffered: succeeds at once.
    public func forceFlush() async -> ExportResult { .success }
    /// Nothing to release.
    public func shutdown() async {}
}
