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

/// An exporter whose export is two steps: ``prepare(_:)`` does the work that needs no waiting
/// (encoding the batch) and ``export(prepared:)`` sends the result.
///
/// ``BatchSpanProcessor`` prepares each batch while the one before it is being sent, so that
/// while the processor keeps up, an export costs the longer of the two steps, not their sum. Sends still
/// never overlap and keep the batches' order: the exporter sees one export at a time. An exporter
/// that is only a ``SpanExporter`` is exported to as before, one batch after the other.
public protocol StagedSpanExporter: SpanExporter {
    /// A batch made ready to send.
    associatedtype Prepared: Sendable
    /// Makes `batch` ready to send, on the caller's thread and without waiting. A processor may
    /// call it while an earlier batch is being sent, never while another `prepare` runs.
    func prepare(_ batch: [SpanData]) -> Prepared
    /// Sends a batch that ``prepare(_:)`` made ready; never called concurrently on one instance by
    /// a processor, and in the order the batches were prepared.
    func export(prepared: Prepared) async -> ExportResult
}

extension StagedSpanExporter {
    /// Prepares the batch, then sends it.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        await export(prepared: prepare(batch))
    }
}

extension SpanExporter {
    /// Nothing buffered: succeeds at once.
    public func forceFlush() async -> ExportResult { .success }
    /// Nothing to release.
    public func shutdown() async {}
}
