
/// Keeps exported spans in memory, for tests (ours and yours).
public final class InMemorySpanExporter: SpanExporter {
    private let state = Locked(State())

    private struct State {
        var spans: [SpanData] = []
        var batches = 0
        var isShutDown = false
    }

    public init() {}

    public func export(_ batch: [SpanData]) async -> ExportResult {
        state.withLock { state in
            guard !state.isShutDown else { return .failure }
            state.spans.append(contentsOf: batch)
            state.batches += 1
            return .success
        }
    }

    public func shutdown() async {
        state.withLock { $0.isShutDown = true }
    }

    /// Every span exported so far, in export order.
    public var exportedSpans: [SpanData] { state.withLock { $0.spans } }

    /// How many export calls arrived.
    public var exportCount: Int { state.withLock { $0.batches } }

    /// Forgets the spans exported so far.
    public func reset() {
        state.withLock { $0.spans.removeAll() }
    }
}
