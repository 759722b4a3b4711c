
/// Keeps exported spans in memory, for tests (ours and yours).
///
/// A test can read everything exported so far (``exportedSpans``), or await the batches one by
/// one as the processor sends them (``nextBatch()``) instead of polling.
public final class InMemorySpanExporter: SpanExporter {
    private let state = Locked(State())

    private struct State: Sendable {
        var spans: [SpanData] = []
        var batches = 0
        var isShutDown = false
        /// Exported batches that no ``nextBatch()`` call has returned yet, oldest first.
        var unread: [[SpanData]] = []
        var nextWaiter: UInt64 = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<[SpanData], any Error>)] = []
    }

    /// An empty exporter.
    public init() {}

    /// Keeps the batch, and hands it to a waiting ``nextBatch()``; fails after shutdown.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        let (result, waiter) = state.withLock { state -> (ExportResult, CheckedContinuation<[SpanData], any Error>?) in
            guard !state.isShutDown else { return (.failure, nil) }
            state.spans.append(contentsOf: batch)
            state.batches += 1
            guard !state.waiters.isEmpty else {
                state.unread.append(batch)
                return (.success, nil)
            }
            return (.success, state.waiters.removeFirst().continuation)
        }
        waiter?.resume(returning: batch)
        return result
    }

    /// Refuses later batches; what was kept stays readable.
    public func shutdown() async {
        state.withLock { $0.isShutDown = true }
    }

    /// Every span exported so far, in export order.
    public var exportedSpans: [SpanData] { state.withLock { $0.spans } }

    /// How many export calls arrived.
    public var exportCount: Int { state.withLock { $0.batches } }

    /// The oldest exported batch that no earlier call returned, waiting for the next export if
    /// there is none. Throws `CancellationError` if the task is cancelled while it waits.
    public func nextBatch() async throws -> [SpanData] {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[SpanData], any Error>) in
                // Checked under the lock: a cancellation handler that ran before this point
                // found nothing to resume.
                let ready: Result<[SpanData], any Error>? = state.withLock { state in
                    if !state.unread.isEmpty { return .success(state.unread.removeFirst()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<[SpanData], any Error>? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Forgets the spans exported so far, and the batches ``nextBatch()`` has not returned.
    public func reset() {
        state.withLock { state in
            state.spans.removeAll()
            state.unread.removeAll()
        }
    }
}
